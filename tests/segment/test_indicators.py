"""What each statistic counts, whose figure it is, when, and what kind: read off sentences by hand."""

from __future__ import annotations

import pytest

from pipeline.segment.indicators import DocumentContext, describe, plan_years, subject_level
from pipeline.segment.statistics import extract_statistics
from tests.conftest import package_resources

PROVINCE_2026 = DocumentContext(place_level="province", year=2026, subject_level="province")
COUNTY_2018 = DocumentContext(place_level="county", year=2018, subject_level="county")


def described(text: str, doc: DocumentContext = PROVINCE_2026, section=lambda start: (None, 0)) -> list[dict]:
    resources = package_resources()
    stats = extract_statistics(text, resources.units, names=resources.number_names)
    return describe(text, stats, resources.statistic_frames, doc, section)


@pytest.mark.parametrize(
    ("text", "figure", "indicator"),
    [
        ("全省绿色电力占比达36%。", "36%", "绿色电力占比"),
        ("粮食产量稳定在1000亿斤。", "1000亿斤", "粮食产量"),
        ("改造提升全省320家食堂。", "320家", "食堂"),
        ("全社会用电量突破1000亿千瓦时，铁路货物发送量增长14.9%。", "1000亿千瓦时", "全社会用电量"),
        ("全社会用电量突破1000亿千瓦时，铁路货物发送量增长14.9%。", "14.9%", "铁路货物发送量"),
        ("全县593个党组织、11724名党员参加。", "593个", "党组织"),
        ("现有建档立卡贫困人口36804人,贫困发生率10.39%。", "36804人", "建档立卡贫困人口"),
        ("建设高标准农田910万亩。", "910万亩", "高标准农田"),
        ("组建20个宣讲队,深入宣讲。", "20个", "宣讲队"),
        ("地区生产总值达到1.5万亿元、增长19.8%。", "19.8%", "地区生产总值"),
        ("黄金、白银、镍产量分别增长544.4%、199.2%、32.2%。", "199.2%", "白银"),
        # 从/由 a figure: the phrase before is the subject of the change, whole, for both figures
        ("城镇化率从52.6%提高到58.5%。", "52.6%", "城镇化率"),
        ("城镇化率从52.6%提高到58.5%。", "58.5%", "城镇化率"),
        ("中心城区绿色出行比例从75.6%提升至76.5%。", "75.6%", "中心城区绿色出行比例"),
        ("贫困发生率由10.2%下降到3.1%。", "3.1%", "贫困发生率"),
        ("社会消费品零售总额实现4.6万亿元。", "4.6万亿元", "社会消费品零售总额"),
        ("省属企业工业总产值、利润均实现翻一番。", "一番", "利润"),
        # a verb with 了 after the counted noun is its predicate
        ("全市3000名机关干部走访了贫困户。", "3000名", "机关干部"),
        ("为6.2万名农民工解决了拖欠工资问题。", "6.2万名", "农民工"),
        # 连续 before a duration joins the indicator to it; an opening quote belongs to the figure it opens
        ("粮食总产量连续9年稳定在1300亿斤以上。", "9年", "粮食总产量"),
        ("优良天数比例首次突破80%。", "80%", "优良天数比例"),
        ("今年主要污染物排放量要下降3%。", "3%", "主要污染物排放量"),
        ("全国居民人均可支配收入实际增长6.3%。", "6.3%", "居民人均可支配收入"),
        ("财政赤字率一直控制在3%以内。", "3%以内", "财政赤字率"),
        # the noun after a figure may begin with a verb that opens clauses elsewhere (培训|班); 将 and 把
        # begin the predicate after it
        ("今年共举办了7期培训班。", "7期", "培训班"),
        ("全县62个县直部门将活动开展到村。", "62个", "县直部门"),
        ("制定稳就业“12条”。", "12条", "稳就业"),
        # a comparison with last year joins the indicator to the difference
        ("城镇新增就业预期目标比去年多100万人。", "100万人", "城镇新增就业预期目标"),
        ("粮食产量比上年增加50亿斤。", "50亿斤", "粮食产量"),
        # a long phrase is not cut down to a generic head noun (比重, 比例) that names nothing alone
        ("民生支出占一般公共预算支出比重稳定在80%左右。", "80%左右", "民生支出占一般公共预算支出比重"),
        ("地表水国控断面水质优良比例94.1%。", "94.1%", "地表水国控断面水质优良比例"),
        # past INDICATOR_MAX characters the phrase is cut between words, not inside 科技型
        ("科技型中小企业研发费用加计扣除比例由50%提高到75%。", "50%", "中小企业研发费用加计扣除比例"),
    ],
)
def test_indicator_is_the_counted_thing(text, figure, indicator):
    found = {s["text"]: s for s in described(text)}
    assert found[figure]["indicator"] == indicator


def test_indicator_norm_from_the_vocabulary():
    found = described("现有建档立卡贫困人口36804人。")[0]
    assert found["indicator_norm"] == "贫困人口"


@pytest.mark.parametrize(
    ("indicator", "norm"),
    [
        ("建档立卡贫困人口", "贫困人口"),  # a synonym
        ("全县贫困人口", "贫困人口"),  # scope before the head
        ("其中贫困人口", "贫困人口"),
        ("累计贫困发生率", "贫困发生率"),
        ("农民专业合作社", "合作社"),
        ("村名·贫困发生率", "贫困发生率"),  # a table cell: row · column
        ("贫困人口发生率", None),  # the head is 发生率, not the people
        ("水运建设投资", None),  # not all investment
        ("发展党员", None),  # members recruited, not the members
        ("党员形成了“两学一做”学", None),
    ],
)
def test_indicator_norm_only_when_the_synonym_is_the_head(indicator, norm):
    from pipeline.segment.indicators import normalised

    frames = package_resources().statistic_frames
    assert normalised(indicator, frames.vocabulary, frames.modifiers) == norm


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("地区生产总值增长5%。", "change"),
        ("民间投资占比34%。", "share"),
        ("力争新增开发装机1000万千瓦。", "target"),
        ("正式党员3人以上的全部设立党小组。", "threshold"),
        ("党小组开展活动每月不少于1次。", "threshold"),
        ("建成助老餐厅413个。", "result"),
        ("发生率下降5个百分点。", "change"),
        # 要 is a goal's modal verb, not the 要 of 重要, 主要 or 纲要
        ("今年要新增城镇就业50万人。", "target"),
        ("新增国际重要湿地1个。", "result"),
        ("区县党政主要领导开展集中办公69场次。", "result"),
    ],
)
def test_kind(text, kind):
    assert described(text)[0]["kind"] == kind


def test_a_goals_section_makes_targets():
    assert described("粮食产量达到800亿斤。", section=lambda start: ("goals", 0))[0]["kind"] == "target"


@pytest.mark.parametrize(
    ("text", "doc", "level"),
    [
        ("每户补助3000元。", COUNTY_2018, "household"),
        ("每个贫困村至少发展1名党员。", COUNTY_2018, "village"),
        ("粮食总产量达到871.6亿斤。", PROVINCE_2026, "province"),
        ("白银集团开工建设7万吨锌基合金项目。", PROVINCE_2026, "organisation"),
        ("全县新建扶贫车间12个。", COUNTY_2018, "county"),
    ],
)
def test_level(text, doc, level):
    assert described(text, doc)[0]["level"] == level


def test_period_follows_the_dating_phrase_of_the_paragraph():
    text = ("2025年是收官之年。地区生产总值增长5%。\n"
            "这五年，发展质效持续提升。财政收入达到1350亿元。\n"
            "今年主要预期目标是：地区生产总值增长5%左右。")
    periods = [s["period"] for s in described(text)]
    assert periods == ["2025", "2021-2025", "2026"]


def test_a_plan_opening_a_paragraph_dates_what_follows():
    text = ("2025年是收官之年。地区生产总值增长5%。\n"
            "“十四五”时期是极不平凡的五年。粮食产量达到1400亿斤。\n"
            "“十五五”时期主要目标是：常住人口城镇化率达到65%左右。")
    periods = [s["period"] for s in described(text)]
    assert periods == ["2025", "2021-2025", "2026-2030"]


def test_a_phrase_after_the_opening_one_in_its_clause_only_qualifies_it():
    # 今年 is what the paragraph is about; the plan names what this year begins.
    text = "今年是实施“十五五”规划开局之年。地区生产总值增长5%左右。"
    assert [s["period"] for s in described(text)] == ["2026"]


def test_a_plan_named_after_a_comma_does_not_date_the_text_after_it():
    text = ("2026年主要预期目标是：地区生产总值增长5%左右。\n"
            "这些目标的设定，既衔接“十五五”规划目标，又紧扣发展实际。\n"
            "新增城镇就业25万人。")
    assert [s["period"] for s in described(text)] == ["2026", "2026"]


def test_a_later_year_in_a_sentence_dates_the_figures_after_it():
    text = "村民腰包更鼓了。农民人均纯收入由2013年不到4000元提升到2016年的10000元。"
    assert [(s["text"], s["period"]) for s in described(text, COUNTY_2018)] == [("不到4000元", "2013"), ("10000元", "2016")]


def test_a_year_inside_a_sentence_dates_that_sentence_only():
    # 2023年以来 says since when the run of quarters lasts; the next sentence is still about the five years
    text = ("这五年，全省经济稳步发展。\n"
            "地区生产总值年均增长5.5%，工业增速2023年以来连续12个季度居全国前列。新增上市公司20家。")
    january = DocumentContext(place_level="province", year=2026, subject_level="province", month=1)
    assert [(s["text"], s["period"]) for s in described(text, january)] == [
        ("5.5%", "2021-2025"), ("12个季度", "2023-2025"), ("20家", "2021-2025")]


def test_a_year_in_the_first_clause_but_not_first_dates_its_sentence_only():
    text = ("这五年，全省经济稳步发展。\n"
            "全省常住人口总量保持稳定。工业增速2023年以来连续12个季度居全国前列。新增上市公司20家。")
    january = DocumentContext(place_level="province", year=2026, subject_level="province", month=1)
    assert [(s["text"], s["period"]) for s in described(text, january)] == [("12个季度", "2023-2025"), ("20家", "2021-2025")]


@pytest.mark.parametrize(
    ("doc", "period"),
    [
        (DocumentContext(place_level="county", year=2018, month=9), "2017-2018"),  # an autumn report: this year too
        (DocumentContext(place_level="province", year=2018, month=2), "2017"),  # a February report reviews the year before
        (DocumentContext(place_level="county", year=2018), "2017-2018"),  # only the year known
        (DocumentContext(place_level="county"), "2017"),  # no date: the year as written
    ],
)
def test_a_year_followed_by_since_runs_to_the_last_year_the_document_reports(doc, period):
    text = "会议指出，2017年以来共举办培训班22期。"
    assert [s["period"] for s in described(text, doc)] == [period]


def test_running_totals_are_cumulative():
    assert described("截至目前,累计发展党员420名。", COUNTY_2018)[0]["period"] == "累计"


@pytest.mark.parametrize(("numeral", "years"), [("十三", "2016-2020"), ("十四", "2021-2025"), ("十五", "2026-2030"), ("三", None)])
def test_plan_years(numeral, years):
    assert plan_years(numeral) == years


def test_the_words_that_can_end_a_phrase_are_those_of_the_whole_list_in_its_order():
    from pipeline.segment.indicators import ending_words

    words = ("人口", "贫困人口", "收入", "人均收入", "口", "率")
    for phrase in ("建档立卡贫困人口", "农民人均收入", "发生率", "党员", "", "口"):
        expected = [w for w in words if phrase.endswith(w)]
        assert [w for w in ending_words(words, phrase) if phrase.endswith(w)] == expected
    assert list(ending_words(words, "贫困人口")) == ["人口", "贫困人口", "口"]  # the list's order kept
    with_empty = ("人口", "")
    assert ending_words(with_empty, "党员") == with_empty  # "" ends every phrase: the whole list


def test_opening_words_are_every_scope_word_and_lead_that_can_open_a_phrase() -> None:
    """strip_start tries only the words starting with the phrase's first character: the same first match
    as trying every scope word and lead in their order."""
    from pipeline.segment.indicators import strip_start, words_by_letter

    frames = package_resources().statistic_frames
    every = (*frames.scopes, *frames.leads)
    for phrase in [w + "贫困人口" for w in every[:: max(1, len(every) // 60)]] + ["贫困人口", "", "全省全县农村"]:
        expected = next((w for w in every if phrase.startswith(w) and len(phrase) > len(w)), None)
        openers = words_by_letter(frames.openers, phrase[:1], 0)
        assert next((w for w in openers if phrase.startswith(w) and len(phrase) > len(w)), None) == expected
    assert strip_start("全省农村贫困人口", frames) != "全省农村贫困人口"


def test_each_word_list_is_searched_at_once_exactly_where_one_of_its_words_occurs():
    """The one search per list (levels, owners, rules, changes, targets) that lets the rules skip a clause
    must find a clause exactly when some word or pattern of its list does: over every clause of the
    seed pages, and over a clause made around each word (regex letters in a word are letters)."""
    import re

    from pipeline.segment.indicators import any_word
    from tests.seeds import RAW, simplified_seed

    frames = package_resources().statistic_frames
    clauses = [c for path in sorted(RAW.glob("*.txt")) for c in re.split(r"[，。；！？\n]", simplified_seed(path.name[:3])) if c]
    lists = {"levels": (frames.level_search, tuple(frames.levels)), "owners": (frames.owner_search, frames.owners),
             "rules": (frames.rule_search, frames.rules), "changes": (frames.change_search, frames.changes)}
    for name, (search, words) in lists.items():
        made = [f"全县{w}共" for w in words]
        for clause in clauses + made:
            assert bool(search.search(clause)) == any(w in clause for w in words), (name, clause)
        assert any(search.search(c) for c in clauses), name  # the seeds do use these words
    for clause in clauses:
        assert bool(frames.target_search.search(clause)) == any(p.search(clause) for p in frames.targets), clause
    assert any_word(["1+1", "(党)"]).search("推行1+1帮扶") and not any_word(["1+1"]).search("11帮扶")
    assert any_word([]).search("") is None and any_word([]).search("任何文字") is None


# A scope word names the document's own place when it ends in the unit letter of that place's name: in the
# report of 北京市 (a province-level city) 全市 is the province; in 宁夏回族自治区's, 全区 and 我区 are the
# region (a province), not 我国's nation; in the county-level 资兴市's, 全市 is the county.
@pytest.mark.parametrize(
    ("text", "own", "level"),
    [
        ("全市地区生产总值增长5%。全市新增就业26万人。全国排名第一。", ("北京市", "province"), "province"),
        ("全市地区生产总值增长5%。全市新增就业26万人。", None, "prefecture"),
        ("全区粮食产量增长3%，我区农民收入增长6%，全区新增就业8万人。我国经济回升，我国出口增长。",
         ("宁夏回族自治区", "province"), "province"),
        ("全区成立党群服务中心12个，全区党员3000名。", ("鹿城区", "county"), "county"),
        ("全市旅游收入增长12%，全市接待游客300万人次。", ("资兴市", "county"), "county"),
        ("全市旅游收入增长12%，全市接待游客300万人次。", ("岳阳市", "prefecture"), "prefecture"),
    ],
)
def test_a_scope_word_of_the_documents_own_kind_of_unit_names_the_document(text, own, level):
    assert subject_level("", text, package_resources().statistic_frames, own) == level


def test_a_district_word_says_nothing_in_a_document_about_another_kind_of_place():
    # 全区 in a province's report is one of its districts (or nobody knows which region): not the subject
    frames = package_resources().statistic_frames
    text = "全区开展培训20场，全区覆盖党员500名。全省新增就业10万人，全省城镇化率达60%。"
    assert subject_level("", text, frames, ("广东省", "province")) == "province"
    assert subject_level("", "全区开展培训20场，全区覆盖党员500名。", frames, ("广东省", "province")) is None
    assert subject_level("", "全区开展培训20场，全区覆盖党员500名。", frames, None) is None
