"""Measures as a tree: marker styles, unmarked parallel leads, restarts, count check, invariants."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.segment.measures import count_check, extract_measures, promised_count
from pipeline.segment.sections import load_section_kinds
from tests.seeds import simplified_seed

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "pipeline" / "data" / "section_kinds.tsv"

NESTED = (
    "一、基本情况\n全县辖15个乡镇。\n二、主要做法\n"
    "(一)抓组织建设。一是建强班子,选好带头人。成立指挥部。二是整顿软弱涣散党组织。开展集中排查。\n"
    "(二)抓产业发展。推进合作社建设。\n三、经验启示\n党建引领是关键。"
)
FULLWIDTH = "一、主要做法\n（一）抓队伍，强素质。选派干部驻村。\n（二）抓产业，促增收。发展特色种植。"
ARABIC = (
    "一、主要任务\n1.加强组织建设。(1)优化设置。推进标准化。(2)开展整顿。清理软弱涣散组织。\n"
    "2.加强队伍建设。①选优配强。②培训提升。\n二、保障措施\n1、加强领导。各支部要高度重视。\n2、严格考核。纳入年度考核。"
)
YAO = (
    "为推进社区治理,提出以下要求。\n一要坚强干部队伍建设\n强化干部作风建设。\n"
    "二要抓实党建引领社区发展治理\n开展讨论。\n三要打造精品示范“人文社区”\n深入街巷。"
)
DI = (
    "第一,坚持学习开路,确保方向正确。区政协坚持学习。一是明确根本。坚持党的领导。二是明确定位。服务大局。\n"
    "第二,坚持党建引领,让党旗高高飘扬。发挥党组作用。"
)
FIRST = "我们主要抓了三件事。首先,夯实基层基础。建强堡垒。其次,利用能人治村。集聚人才。最后,倡导乡风文明。净化环境。"
LONE_LAST = "会议研究了有关事项。最后,大家合影留念。"
DASH = "基本原则\n——坚持问题导向。聚焦突出问题。\n——坚持目标导向。对标任务要求。\n——坚持结果导向。以成效论英雄。"
SUBTITLE = "党社联建引领“三带”抱团脱贫\n——贵州三穗县的实践探索\n近年来,三穗县坚持党建引领。全县推进党社联建。"
BRACKET = (
    "昭通市长江丝绸有限公司成立于2003年。\n【亮点】\n一、筑牢堡垒,增强支部战斗力\n职工看党员。\n"
    "二、强化学习,提质争先\n公司重视学习。\n【启示】\n党支部发挥了作用。"
)
START_AT_PAREN = "(一)抓组织建设。成立领导小组。\n(二)抓产业发展。发展合作社。"
SKIP_RESTART = "一、抓组织\n内容一。\n三、抓产业\n内容二。\n一、抓服务\n内容三。"
NESTED_RESTART = "一、抓组织\n1.建班子。选人。\n2.强制度。立规。\n二、抓产业\n1.建基地。种果。"
LONG_LEAD = "(一)抓产业。一是采取党委+农业园区模式,由乡镇党委立足区位特点、资源优势、农民意愿等,创建农业园区,示范带动产业发展。"
PARALLEL = (
    "近年来,某县坚持党建引领,推动发展。\n搭建平台,畅通渠道。坚持需求导向,建立对接机制。\n"
    "聚焦重点,精准发力。市县镇村四级联动,开展帮扶。\n健全机制,激发动力。建立激励机制,表彰先进。"
)
PROSE = (
    "全县坚持党建引领。今年以来成效明显。\n据统计,全县共培训党员三千人次,覆盖所有村。各乡镇积极行动。\n"
    "下一步,我们将继续努力。争取更大成绩。"
)


@pytest.fixture(scope="module")
def kinds():
    return load_section_kinds(TABLE)


def rows(measures: list[dict], *keys: str) -> list[tuple]:
    """Selected fields of each measure, for compact comparisons."""
    return [tuple(m[k] for k in keys) for m in measures]


def test_nested_cn_markers(kinds):
    ms = extract_measures(NESTED, kinds)
    assert rows(ms, "path", "marker", "heading", "level", "parent_id") == [
        ("一", "一、", "基本情况", 1, None),
        ("二", "二、", "主要做法", 1, None),
        ("二.一", "(一)", "抓组织建设", 2, "m2"),
        ("二.一.一", "一是", "建强班子,选好带头人", 3, "m3"),
        ("二.一.二", "二是", "整顿软弱涣散党组织", 3, "m3"),
        ("二.二", "(二)", "抓产业发展", 2, "m2"),
        ("三", "三、", "经验启示", 1, None),
    ]
    assert [m["section_kind"] for m in ms] == ["background"] + ["practices"] * 5 + ["lessons"]
    assert ms[2]["text"] == "(一)抓组织建设。一是建强班子,选好带头人。成立指挥部。二是整顿软弱涣散党组织。开展集中排查。"
    assert ms[3]["text"] == "一是建强班子,选好带头人。成立指挥部。"


def test_fullwidth_parens_and_commas(kinds):
    ms = extract_measures(FULLWIDTH, kinds)
    assert rows(ms, "path", "marker", "heading") == [
        ("一", "一、", "主要做法"),
        ("一.一", "（一）", "抓队伍，强素质"),
        ("一.二", "（二）", "抓产业，促增收"),
    ]


def test_arabic_paren_and_circled_markers(kinds):
    ms = extract_measures(ARABIC, kinds)
    assert rows(ms, "path", "marker", "heading") == [
        ("一", "一、", "主要任务"),
        ("一.一", "1.", "加强组织建设"),
        ("一.一.一", "(1)", "优化设置"),
        ("一.一.二", "(2)", "开展整顿"),
        ("一.二", "2.", "加强队伍建设"),
        ("一.二.一", "①", "选优配强"),
        ("一.二.二", "②", "培训提升"),
        ("二", "二、", "保障措施"),
        ("二.一", "1、", "加强领导"),
        ("二.二", "2、", "严格考核"),
    ]
    assert {m["section_kind"] for m in ms} == {"tasks"}


def test_yao_markers_as_heading_lines(kinds):
    ms = extract_measures(YAO, kinds)
    assert rows(ms, "path", "marker", "heading", "level") == [
        ("一", "一要", "坚强干部队伍建设", 1),
        ("二", "二要", "抓实党建引领社区发展治理", 1),
        ("三", "三要", "打造精品示范“人文社区”", 1),
    ]
    assert ms[0]["text"] == "一要坚强干部队伍建设\n强化干部作风建设。"
    assert {m["section_kind"] for m in ms} == {"tasks"}  # 一要/二要 say what must be done


def test_di_markers_with_inline_children(kinds):
    ms = extract_measures(DI, kinds)
    assert rows(ms, "path", "marker", "heading") == [
        ("一", "第一,", "坚持学习开路,确保方向正确"),
        ("一.一", "一是", "明确根本"),
        ("一.二", "二是", "明确定位"),
        ("二", "第二,", "坚持党建引领,让党旗高高飘扬"),
    ]


def test_shouxian_family(kinds):
    ms = extract_measures(FIRST, kinds)
    assert rows(ms, "path", "marker", "heading") == [
        ("一", "首先", "夯实基层基础"),
        ("二", "其次", "利用能人治村"),
        ("三", "最后", "倡导乡风文明"),
    ]


@pytest.mark.parametrize("text", [LONE_LAST, SUBTITLE, PROSE, "", "\n\n", "。"])
def test_no_measures(kinds, text):
    assert extract_measures(text, kinds) == []


def test_dash_bullets(kinds):
    ms = extract_measures(DASH, kinds)
    assert rows(ms, "path", "marker", "heading") == [
        ("一", "——", "坚持问题导向"),
        ("二", "——", "坚持目标导向"),
        ("三", "——", "坚持结果导向"),
    ]


def test_bracket_labels(kinds):
    ms = extract_measures(BRACKET, kinds)
    assert rows(ms, "path", "marker", "heading", "section_kind") == [
        ("一", "【亮点】", "亮点", "practices"),
        ("一.一", "一、", "筑牢堡垒,增强支部战斗力", "practices"),
        ("一.二", "二、", "强化学习,提质争先", "practices"),
        ("二", "【启示】", "启示", "lessons"),
    ]


def test_document_may_start_at_paren(kinds):
    ms = extract_measures(START_AT_PAREN, kinds)
    assert rows(ms, "path", "marker", "level") == [("一", "(一)", 1), ("二", "(二)", 1)]


def test_skip_and_restart_keep_paths_unique(kinds):
    ms = extract_measures(SKIP_RESTART, kinds)
    assert [m["marker"] for m in ms] == ["一、", "三、", "一、"]
    assert [m["path"] for m in ms][:2] == ["一", "三"]
    assert len({m["path"] for m in ms}) == 3
    assert all(m["level"] == 1 for m in ms)


def test_numbering_restarts_under_new_parent(kinds):
    ms = extract_measures(NESTED_RESTART, kinds)
    assert rows(ms, "path", "marker", "heading") == [
        ("一", "一、", "抓组织"),
        ("一.一", "1.", "建班子"),
        ("一.二", "2.", "强制度"),
        ("二", "二、", "抓产业"),
        ("二.一", "1.", "建基地"),
    ]


def test_long_lead_sentence_cut_to_first_clause(kinds):
    ms = extract_measures(LONG_LEAD, kinds)
    assert ms[1]["heading"] == "采取党委+农业园区模式"


def test_unmarked_parallel_paragraphs(kinds):
    ms = extract_measures(PARALLEL, kinds)
    assert rows(ms, "path", "marker", "heading") == [
        ("一", "", "搭建平台,畅通渠道"),
        ("二", "", "聚焦重点,精准发力"),
        ("三", "", "健全机制,激发动力"),
    ]
    assert ms[2]["text"] == "健全机制,激发动力。建立激励机制,表彰先进。"


def seed_001_body() -> str:
    """Clean body of seed 001 built as the brief describes (pinyin removed, t2s, images dropped)."""
    lines = [ln.strip() for ln in simplified_seed("001").splitlines()]
    lines = [ln for ln in lines if ln and not re.fullmatch(r"\d+\.jpg", ln)]
    first = next(i for i, ln in enumerate(lines) if ln.startswith("永州江华"))
    last = next(i for i, ln in enumerate(lines) if ln.endswith("带动5000人脱贫。"))
    return "\n".join(lines[first:last + 1])


@pytest.fixture(scope="module")
def seed_001(kinds):
    body = seed_001_body()
    return body, extract_measures(body, kinds)


def test_seed_001_four_unmarked_top_level(seed_001):
    _, ms = seed_001
    tops = [m for m in ms if m["level"] == 1]
    assert rows(tops, "path", "marker", "heading", "section_kind") == [
        ("一", "", "抓强基固本,强化脱贫攻坚执行力", "practices"),
        ("二", "", "抓队伍建设,强化脱贫攻坚战斗力", "practices"),
        ("三", "", "抓思想引领,强化脱贫攻坚源动力", "practices"),
        ("四", "", "抓优势产业,强化脱贫攻坚支撑力", "practices"),
    ]


def test_seed_001_inline_parallel_leads(seed_001):
    _, ms = seed_001
    fourth = [m for m in ms if m["level"] == 1][3]
    children = [m["heading"] for m in ms if m["parent_id"] == fourth["measure_id"]]
    assert children == [
        "区域党建联动,规模企业进园区",
        "组织引领驱动,小微企业进乡村",
        "党员示范带动,农业产业建基地",
        "干群合力推动,旅游产业谋全域",
    ]


def test_seed_001_parallel_lead_clauses(seed_001):
    """Lead clauses that open sentences alike (建强…, 派强…, 训强…) are the items of their paragraph."""
    _, ms = seed_001
    second = [m for m in ms if m["level"] == 1][1]
    children = [m["heading"] for m in ms if m["parent_id"] == second["measure_id"]]
    assert children == ["建强骨干队伍", "派强帮扶力量", "训强攻坚本领"]


def test_seed_001_count_mismatch(seed_001):
    body, ms = seed_001
    assert count_check(body.splitlines()[0], ms) == {
        "promised_count": 5, "found_count": 4, "count_mismatch": True,
    }


PROMISES = [
    ("永州江华:“五抓五强”摘穷帽 神州瑶都焕新颜", (5, "五抓五强")),
    ("以党建引领实现基层治理“三个转变”", (3, "三个转变")),
    ("开展夯实党建基础引领乡村振兴“十大行动”", (10, "十大行动")),
    ("江西万载县非公有制企业党建“五个引领”构建", (5, "五个引领")),
    ("抓党建促脱贫的实践与探索", None),
    ("深入学习贯彻党的十九大精神", None),
    ("一个中心", None),
]


@pytest.mark.parametrize(("title", "expected"), PROMISES)
def test_promised_count(title, expected):
    assert promised_count(title) == expected


def test_count_check_without_promise(kinds):
    ms = extract_measures(FULLWIDTH, kinds)
    check = count_check("抓党建促脱贫的实践与探索", ms)
    assert check["promised_count"] is None and check["count_mismatch"] is False


def test_count_uses_practices_section_children(kinds):
    text = "一、基本情况\n概况。\n二、主要做法\n(一)甲。内容。\n(二)乙。内容。\n(三)丙。内容。\n三、经验启示\n启示。"
    assert count_check("“三个转变”", extract_measures(text, kinds))["count_mismatch"] is False


TOKENS = [
    "一、", "二、", "(一)", "（二）", "1.", "2、", "(3)", "①", "②", "一是", "二是", "一要", "第一,",
    "首先,", "其次,", "最后,", "——", "【亮点】", "【", "】", "抓", "党建", "强化", "做法", "问题",
    "。", "，", ",", "、", "\n", " ", "X", "9", ".",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_any_text_gives_valid_tree(kinds, tokens):
    text = "".join(tokens)
    ms = extract_measures(text, kinds)
    index = {m["measure_id"]: i for i, m in enumerate(ms)}
    assert len({m["path"] for m in ms}) == len(ms)
    for i, m in enumerate(ms):
        assert 0 <= m["start"] < m["end"] <= len(text)
        assert text[m["start"]:m["end"]] == m["text"]
        if m["parent_id"] is not None:
            parent = ms[index[m["parent_id"]]]
            assert index[m["parent_id"]] < i
            assert parent["start"] <= m["start"] and m["end"] <= parent["end"]
            assert m["level"] == parent["level"] + 1
            assert m["path"].startswith(parent["path"] + ".")
        else:
            assert m["level"] == 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["一是", "二是", "三要", "（一）", "（二）", "1.", "第一，", "首先，", "。", "；", ";", "！", "？",
                                  "：", ":", "\n", "，", "党建", "发展", "是"]), max_size=30).map("".join), st.data())
def test_boundaries_found_by_pattern_are_the_boundary_letters(text, data) -> None:
    """sentence_spans and inline_markers find their boundaries with a pattern: the same ones as reading
    the paragraph letter by letter."""
    from pipeline.segment.leads import INLINE_BOUNDARY, MAX_SENTENCES_PER_PARAGRAPH, sentence_spans
    from pipeline.segment.markers import INLINE_PATTERNS, SENTENCE_BOUNDARY, inline_markers

    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    spans, pos = [], start
    for index in range(start, end):
        if text[index] in INLINE_BOUNDARY and len(spans) < MAX_SENTENCES_PER_PARAGRAPH:
            spans.append((pos, index + 1))
            pos = index + 1
    assert sentence_spans(text, start, end) == spans
    after = [p for p in range(start + 1, end) if text[p - 1] in SENTENCE_BOUNDARY]
    starts = [p for p in after if any((m := pattern.match(text, p, end)) and m.end() < end for _, pattern in INLINE_PATTERNS)]
    assert [m.start for m in inline_markers(text, start, end)] == starts


# A report's appendices (GB/T 9704: 附件 or 附件2 on a line of its own, its title on the next line) end the
# body: their items belong to the appendix, not to the body's last section, and an appendix of explained
# terms (名词解释) holds definitions, not measures.
APPENDED = (
    "2026年某省政府工作报告\n"
    "一、2025年工作回顾\n"
    "过去一年，全省经济运行稳中有进。\n"
    "二、2026年工作安排\n"
    "（一）扩大有效投资。实施重大项目500个。\n"
    "（二）办好民生实事。提高城乡低保标准。\n"
    "附件1\n"
    "2026年省十件民生实事\n"
    "一、提高城乡低保标准。城乡低保标准分别提高到每人每月900元、700元。\n"
    "二、建设普惠托育机构。新增普惠托位2万个。\n"
    "附件2\n"
    "名词解释\n"
    "1.“四上”企业：达到一定规模、资质或限额的法人单位。\n"
    "2.“单一窗口”：企业一点接入、一次提交、一次查验的服务平台。\n"
)


def test_an_appendix_ends_the_body_and_a_glossary_holds_no_measures(kinds):
    ms = extract_measures(APPENDED, kinds)
    assert rows(ms, "marker", "heading", "level", "parent_id", "section_kind") == [
        ("一、", "2025年工作回顾", 1, None, "results"),
        ("二、", "2026年工作安排", 1, None, "tasks"),
        ("（一）", "扩大有效投资", 2, "m2", "tasks"),
        ("（二）", "办好民生实事", 2, "m2", "tasks"),
        ("附件1", "2026年省十件民生实事", 1, None, "tasks"),
        ("一、", "提高城乡低保标准", 2, "m5", "tasks"),
        ("二、", "建设普惠托育机构", 2, "m5", "tasks"),
        ("附件2", "名词解释", 1, None, "glossary"),
        ("1.", "“四上”企业：达到一定规模、资质或限额的法人单位", 2, "m8", "glossary"),
        ("2.", "“单一窗口”：企业一点接入、一次提交、一次查验的服务平台", 2, "m8", "glossary"),
    ]
    assert ms[3]["text"] == "（二）办好民生实事。提高城乡低保标准。"  # the body's last item ends before 附件1


def test_a_line_that_only_mentions_an_attachment_is_no_appendix(kinds):
    ms = extract_measures("一、主要做法\n附件：1.实施方案；2.责任分工表。\n二、主要成效\n", kinds)
    assert [m["marker"] for m in ms] == ["一、", "二、"]


def test_paragraphs_opening_with_an_exhortation_are_no_items(kinds):
    # 我们要… closes a report's section with what the government resolves; lead_openers.txt says so, and the
    # same paragraphs opening with their own verb are items
    from tests.conftest import package_resources

    openers = package_resources().lead_openers
    body = ("（十）加强民族宗教工作。\n"
            "{}全面贯彻党的民族政策，深化民族团结进步教育。促进各民族共同繁荣发展。\n"
            "{}全面贯彻党的宗教工作基本方针，依法管理宗教事务。发挥宗教界人士积极作用。\n"
            "{}认真落实侨务政策，维护海外侨胞合法权益。凝聚侨心侨力。\n")
    exhorted = extract_measures(body.format("我们要", "我们要", "我们要"), kinds, openers)
    assert [m["marker"] for m in exhorted] == ["（十）"]
    plain = extract_measures(body.format("", "", ""), kinds, openers)
    assert [m["heading"] for m in plain][1:] == [
        "全面贯彻党的民族政策，深化民族团结进步教育", "全面贯彻党的宗教工作基本方针，依法管理宗教事务", "认真落实侨务政策，维护海外侨胞合法权益"]
