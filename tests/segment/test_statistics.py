"""Tests for pipeline/segment/statistics.py: parsing, exclusions, ranges, changes, gold accuracy."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.segment.statistics import extract_statistics, load_number_names, load_units, name_spans
from tests.seeds import body_000

ROOT = Path(__file__).resolve().parents[2]
UNITS_PATH = ROOT / "pipeline" / "data" / "stat_units.txt"
NAMES = load_number_names(ROOT / "pipeline" / "data" / "number_names.txt")
GOLD_PATH = ROOT / "tests" / "gold" / "000_1dce443f4ac0a06b.json"
RAW_000 = ROOT / "corpus" / "raw" / "000_1dce443f4ac0a06b.txt"

# (sentence, surface, value, value_high, unit, qualifier), each read off the Chinese by hand.
QUANTITIES = [
    ("全县总面积1717.3平方公里,地形北高南低", "1717.3平方公里", 1717.3, None, "平方公里", None),
    ("总人口40.72万(含黄果树镇)", "40.72万", 407200.0, None, None, None),
    ("少数民族占户籍人口的53%。", "53%", 53.0, None, "%", None),
    ("计划减贫3万人以上,贫困发生率", "3万人以上", 30000.0, None, "人", "以上"),
    ("投入1.5亿余元对全县村级活动室进行改扩建", "1.5亿余元", 150000000.0, None, "元", "余"),
    ("举办各类培训班共5000余人次,实现", "5000余人次", 5000.0, None, "人次", "余"),
    ("脱产开展5至7天跟岗实训", "5至7天", 5.0, 7.0, "天", None),
    ("每人结对帮扶6至7户贫困党员", "6至7户", 6.0, 7.0, "户", None),
    ("协调资金9872万元,解决困难", "9872万元", 98720000.0, None, "元", None),
    ("通过党员远程教育站点培训1580余万人次", "1580余万人次", 15800000.0, None, "人次", "余"),
    ("帮助贫困群众销售农副产品10多亿元", "10多亿元", 1000000000.0, None, "元", "多"),
    ("流转土地16万余亩,发展优质水果", "16万余亩", 160000.0, None, "亩", "余"),
    # 内 after a span of time is 以内; after anything else it starts the next word (5个村内部)
    ("重大问题1个月内落实到位", "1个月内", 1.0, None, "个月", "以内"),
    ("申请人3天内反馈办理情况", "3天内", 3.0, None, "天", "以内"),
    ("全县5个村内部道路硬化", "5个", 5.0, None, "个", None),
    ("专题培训的经费就超过2300万元。", "超过2300万元", 23000000.0, None, "元", "超过"),
    ("其中贫困人口占50%左右。", "50%左右", 50.0, None, "%", "左右"),
    ("带动三百余人就业", "三百余人", 300.0, None, "人", "余"),
    ("县财政投入两千万元用于", "两千万元", 20000000.0, None, "元", None),
    ("建成十二个服务站", "十二个", 12.0, None, "个", None),
    ("贫困户占百分之二十以上", "百分之二十以上", 20.0, None, "%", "以上"),
    ("人均年增收1.2万元/亩", "1.2万元/亩", 12000.0, None, "元/亩", None),
    ("每户补助3至5万元", "3至5万元", 30000.0, 50000.0, "元", None),
    ("发生率下降5个百分点", "5个百分点", 5.0, None, "个百分点", None),
    ("重点培养35岁以下优秀村民小组长", "35岁以下", 35.0, None, "岁", "以下"),
    ("每村确定1-2名后备力量", "1-2名", 1.0, 2.0, "名", None),
    ("全县1,246人参加", "1,246人", 1246.0, None, "人", None),
    ("全社会用电量突破1000亿千瓦时", "1000亿千瓦时", 1e11, None, "千瓦时", None),
    ("拉动消费285.6亿元", "285.6亿元", 28560000000.0, None, "元", None),
    ("新增开发装机超过600万千瓦", "超过600万千瓦", 6000000.0, None, "千瓦", "超过"),
    ("带动上下游千余家企业", "千余家", 1000.0, None, "家", "余"),
    ("营业收入翻一番", "一番", 1.0, None, "番", None),
    ("自评得分15分", "15分", 15.0, None, "分", None),
    ("年满18周岁的村民", "18周岁", 18.0, None, "周岁", None),
    ("年输水2000多亿方", "2000多亿方", 2e11, None, "方", "多"),
    ("运送旅客500余车次", "500余车次", 500.0, None, "车次", "余"),
    ("总投资1亿3千多万元", "1亿3千多万元", 130000000.0, None, "元", "多"),
    ("捐款壹百萬零四元", "壹百萬零四元", 1000004.0, None, "元", None),
    ("吸纳兩千三百五人就业", "兩千三百五人", 2350.0, None, "人", None),
    ("增速回落0.4个百分点", "0.4个百分点", 0.4, None, "个百分点", None),
    ("参加培训１５０人", "１５０人", 150.0, None, "人", None),
    ("出生率为千分之一百一十一", "千分之一百一十一", 111.0, None, "‰", None),
    ("连续45年无重大森林火灾", "45年", 45.0, None, "年", None),
]

# Sentences without any statistic: years, dates, times, codes, grades, ordinals, slogans, idioms.
NOT_STATISTICS = [
    "2018年镇宁自治县将实现整县摘帽",
    "2017年以来举办了各类培训班",
    "2018年初共制定计划",
    "五年来,全县累计减少贫困人口",
    "发表于 2017-05-27 20:42:38",
    "时间:2020-03-20 16:56",
    "3月20日召开会议",
    "印发通知〔2017〕25号",
    "巍办发〔201725",
    "大办发〔201711号)精神",
    "中共巍山县委办公室\n2017527",
    "服务热线0595-22880819",
    "QQ:506070961",
    "湘ICP备17016663号-1",
    "打造了香草源等3A级旅游景区",
    "创建五星级支部",
    "第一书记和村干部",
    "1.加强组织领导",
    "持续推进“两学一做”学习教育",
    "做到人员、经费、办公场地“三保障”",
    "深化“五心工程”,激发战斗力",
    "001.jpg",
    "全国两会期间",
    "两三个村联合",
    "评选表彰一批“脱贫之星”",
    "一是成立指挥部",
    "开展“千名干部下基层”活动",
    "落实5+3工作机制",
    "十三五期间",
    "二〇一八年",
    "建设5G基站",
    "实现从国家级二类贫困村到小康村",
    "县委十四届四次全会",
    "2016—2020年",
    "增长2018%",
    "自觉把中央八项规定精神贯穿工作全过程",
    "纪念抗战胜利80周年",
    "实施国企改革三年行动",
    "编制第十五个五年规划纲要",
    "兴起于二十世纪六十年代",
    "近3年累计投入",
    "这五年，发展质效持续提升",
    "增速居全国前10位",
    "更好发挥中央和地方两个积极性",
    "按照省委十二届七次、八次全会部署",
    "抓好龙嘉机场三期扩建",
    "鲜食玉米产值保持两位数增长",
    "千方百计促进就业",
]


@pytest.fixture(scope="module")
def units() -> frozenset[str]:
    """The package unit list."""
    return load_units(UNITS_PATH)


def _single(sentence: str, units: frozenset[str]) -> dict:
    """The one statistic of a sentence."""
    found = extract_statistics(sentence, units, names=NAMES)
    assert len(found) == 1, found
    return found[0]


def test_load_units_skips_comments(tmp_path: Path) -> None:
    """Comment and blank lines are not units."""
    path = tmp_path / "units.txt"
    path.write_text("# header\n\n元\n 人次 \n", encoding="utf-8")
    assert load_units(path) == frozenset({"元", "人次"})


@pytest.mark.parametrize(("sentence", "surface", "value", "high", "unit", "qualifier"), QUANTITIES)
def test_quantity(sentence: str, surface: str, value: float, high: float | None, unit: str | None,
                  qualifier: str | None, units: frozenset[str]) -> None:
    """Surface, normalised value, range end, unit and qualifier of one quantity."""
    stat = _single(sentence, units)
    assert (stat["text"], stat["value"], stat["value_high"], stat["unit"], stat["qualifier"]) == (
        surface, value, high, unit, qualifier)
    assert sentence[stat["start"] : stat["end"]] == surface


@pytest.mark.parametrize("sentence", NOT_STATISTICS)
def test_not_statistics(sentence: str, units: frozenset[str]) -> None:
    """Years, dates, codes, grades, ordinals and slogan numerals are not statistics."""
    assert extract_statistics(sentence, units, names=NAMES) == []


def test_two_adjacent_quantities(units: frozenset[str]) -> None:
    """27394户111434人 holds two statistics."""
    found = extract_statistics("累计减少贫困人口27394户111434人,", units)
    assert [(s["text"], s["unit"]) for s in found] == [("27394户", "户"), ("111434人", "人")]


@pytest.mark.parametrize(("sentence", "values"), [
    ("综合贫困发生率由24.1%降为0.38%,整县脱贫", (24.1, 0.38)),
    ("比例从2016年的17.9%提升到35.5%。", (17.9, 35.5)),
])
def test_change_pairs(sentence: str, values: tuple[float, float], units: frozenset[str]) -> None:
    """Both ends of a change share a group and carry from/to roles."""
    found = extract_statistics(sentence, units)
    assert [s["value"] for s in found] == list(values)
    assert found[0]["change_group"] == found[1]["change_group"] is not None
    assert [s["change_role"] for s in found] == ["from", "to"]


def test_no_change_without_from(units: frozenset[str]) -> None:
    """Two percentages in a list are not a change."""
    found = extract_statistics("分别占30%、降为20%", units)
    assert all(s["change_group"] is None for s in found)



def _key(text: str, value: object, unit: str | None) -> tuple:
    """Match key: surface, low value, unit."""
    low = value[0] if isinstance(value, list) else value
    return text, round(float(low), 6), unit


@pytest.mark.skipif(not RAW_000.exists(), reason="seed page 000 not present")
def test_gold_000_precision_recall(units: frozenset[str]) -> None:
    """Seed 000 against its reference annotation: precision and recall ≥ 0.97 (text+value+unit)."""
    gold = Counter(_key(s["text"], s["value"], s.get("unit"))
                   for s in json.loads(GOLD_PATH.read_text(encoding="utf-8"))["statistics"])
    found = Counter(_key(s["text"], s["value"], s["unit"]) for s in extract_statistics(body_000(), units))
    matched = sum((gold & found).values())
    assert matched / sum(found.values()) >= 0.97
    assert matched / sum(gold.values()) >= 0.97


TEXTS = st.text(alphabet=st.sampled_from(list("0123456789.,%万亿千余多至-年个人元第〔〕“”+一二两三百十两学做是的村 \n")),
                max_size=40) | st.text(max_size=40)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_any_text_gives_valid_spans(text: str) -> None:
    """Any text: no exception, every span is exact, values are floats."""
    for stat in extract_statistics(text, load_units(UNITS_PATH)):
        assert text[stat["start"] : stat["end"]] == stat["text"]
        assert isinstance(stat["value"], float)
        assert stat["value_high"] is None or stat["value_high"] > stat["value"]



def test_slogans_found_elsewhere_give_the_same_statistics(units: frozenset[str]) -> None:
    from pipeline.segment.slogans import extract_slogans

    text = "深化“五心工程”,全县593个党组织开展“两学一做”,培训22期5000余人次。"
    given = extract_statistics(text, units, extract_slogans(text))
    assert [s["text"] for s in given] == ["593个", "22期", "5000余人次"]
    assert given == extract_statistics(text, units)


def test_private_tagger_tags_as_a_tagger_of_its_own_and_leaves_the_global_one_alone():
    """The tagger borrows the tags jieba.posseg read at import instead of reading them again: the same tags
    as a POSTokenizer built from scratch, over its own tokenizer, with a table of its own."""
    import jieba
    import jieba.posseg

    from pipeline.segment.statistics import _pos_tokenizer

    tagger = _pos_tokenizer()
    built = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    sentence = "全县建档立卡贫困户人均纯收入达到8000元，巴中市已回引419名人才"
    assert [(w.word, w.flag) for w in tagger.cut(sentence)] == [(w.word, w.flag) for w in built.cut(sentence)]
    assert [(w.word, w.flag) for w in tagger.cut("贫困户")] == [("贫困户", "n")]  # a noun in jieba's dictionary
    assert tagger.word_tag_tab == built.word_tag_tab
    assert tagger.word_tag_tab is not jieba.posseg.dt.word_tag_tab
    assert tagger.tokenizer is not jieba.dt  # the global tagger's tokenizer


def test_private_tagger_reads_its_own_tags_when_the_global_dictionary_was_changed(monkeypatch):
    """jieba.set_dictionary elsewhere makes the global tagger's tags another dictionary's: they are not borrowed."""
    import jieba
    import jieba.posseg

    from pipeline.segment.statistics import _pos_tokenizer

    monkeypatch.setattr(jieba.dt, "dictionary", "/elsewhere/dict.txt")
    monkeypatch.setattr(jieba.posseg.dt, "word_tag_tab", {"借来的表xqz": "n"})  # what a borrowed table would hold
    tagger = _pos_tokenizer.__wrapped__()
    assert tagger.word_tag_tab.get("贫困户") == "n" and "借来的表xqz" not in tagger.word_tag_tab


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("编制第十五个五年规划纲要", ["第十五个五年规划", "五年规划"]),
        ("落实十三五规划", ["十三五规划"]),
        ("纪念建党100周年", ["100周年"]),
        ("实施国企改革三年行动", ["三年行动"]),
        ("落实中央八项规定精神", ["八项规定"]),
        ("兴起于二十世纪六十年代", ["六十年代"]),
        ("上世纪90年代以来", ["90年代"]),
        ("按照省委十二届七次、八次全会部署", ["十二届", "七次、八次全会"]),
        ("抓好龙嘉机场三期扩建", ["三期扩建"]),
        ("产值保持两位数增长", ["两位数"]),
        ("从三个方面提出要求", ["三个方面"]),
        ("践行二十四个字", ["二十四个字"]),
        ("建立三级联动机制", ["三级联"]),
        ("第个五年规划", ["五年规划"]),
        ("发展3000亩", []),
    ],
)
def test_number_names_are_found_where_they_are_written(sentence: str, names: list[str]) -> None:
    """Each pattern of the number-name list on a sentence that holds its name, read by hand (and one that
    holds none): the list's patterns open with their letter class, which must not change what they find."""
    assert sorted(sentence[s:e] for s, e in name_spans(sentence, NAMES)) == sorted(names)
