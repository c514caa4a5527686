"""Tests for pipeline.places.document_place: weighting, levels, metadata and conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.places.document_place import document_place
from pipeline.places.mentions import find_mentions
from tests.seeds import simplified_seed

TESTS = Path(__file__).resolve().parents[1]

# the body names 三穗县 twice; the footer names 福建省/泉州市 five times (raw counts favour 福建)
BODY = "三穗县坚持党建引领。\n" + "".join(f"第{i}段,合作社带动群众增收。\n" for i in range(12)) + "三穗县将继续努力。\n"
FOOTER = "\n".join(["关于我们", "地址:福建省泉州市丰泽区", "热线:福建省泉州市", "技术支持:泉州市某公司"])
OVERVIEW = (
    "我省深入实施示范工程\n"
    "华蓥市成立合作社。马边县发展核桃。大竹县种植花椒。苍溪县组建园区党委。资中县养殖肉牛。\n"
    "营山县、通川区、巴州区全省推广。全省各级党组织积极参与。\n"
)
# byline names the county; provincial institutions and the city inflate the province's support
LEAD_COUNTY = (
    "临翔区南美拉祜族乡\n一、基本情况\n南美乡位于临沧市临翔区西部,是云南省为数不多的高寒山区。\n"
    + "".join(f"第{i}段,合作社带动群众增收。\n" for i in range(8))
    + "与云南省农业科学院合作。引进临沧市植宝公司。获评云南省先进集体。\n"
)
# an anonymised county; after the opening (3 lines) the body names other places (a sales channel, an honour)
FILLER = "一、抓班子强队伍\n村党支部定期召开会议。\n"
HIDDEN = [
    ("xx乡xx村党建引领脱贫攻坚典型经验", "近年来,xx县xx乡xx村党支部聚焦脱贫攻坚。\n" + FILLER + "与石家庄某公司合作。\n", None),
    ("城管局经验材料", "近年来,XX县城管执法局创新工作思路。\n" + FILLER + "他荣获四川省优秀党员、南充市十佳人物。\n", None),
    ("实施方案", "根据中共X县委文件精神,结合我镇实际,制定本方案。\n" + FILLER + "武威市凉州区专家指导。\n", None),
    ("经验材料", "甘肃省XX县坚持党建引领。\n" + FILLER + "武威市凉州区专家指导。凉州区合作社参与。\n", "甘肃省"),
]
# (seed, title, source unit, expected province, prefecture, county, level)
SEEDS = [
    ("000", "抓党建促脱贫的实践与探索", "安顺市镇宁自治县委政研室",
     "贵州省", "安顺市", "镇宁布依族苗族自治县", "county"),
    ("001", None, None, "湖南省", "永州市", "江华瑶族自治县", "county"),
    ("002", "印发《关于加强基层党组织建设服务脱贫攻坚的实施意见》的通知", None,
     "云南省", "大理白族自治州", "巍山彝族回族自治县", "county"),
    ("003", None, None, "四川省", None, None, "province"),
]




def place_of(title: str, text: str, gaz, source_unit: str | None = None, metadata: dict | None = None) -> dict:
    """document_place on a text with its own mentions."""
    return document_place(title, text, source_unit, find_mentions(text, gaz), gaz, metadata)


@pytest.mark.parametrize(("seed", "title", "unit", "province", "prefecture", "county", "level"), SEEDS)
def test_seed_places(gaz, seed, title, unit, province, prefecture, county, level):
    """Seeds 000–003: the place the text is about (000's footer names 福建省泉州市)."""
    text = simplified_seed(seed)
    title = title or next(line for line in text.splitlines() if line.strip())
    place = place_of(title, text, gaz, unit)
    assert (place["province"], place["prefecture"], place["county"]) == (province, prefecture, county)
    assert place["place_level"] == level
    assert 0.4 <= place["place_confidence"] <= 1.0
    assert place["place_conflict"] is None


def test_seed_000_metadata_agrees(gaz):
    """The reference annotation's place agrees with the text: no conflict, full confidence."""
    gold = json.loads(next((TESTS / "gold").glob("000_*.json")).read_text(encoding="utf-8"))
    meta = gold["metadata"]["place"]
    place = place_of(gold["metadata"]["title"], simplified_seed("000"), gaz, metadata=meta)
    assert place["adcode"] == "520423" and place["place_conflict"] is None
    assert place["place_confidence"] == 1.0


def test_footer_address_has_little_weight(gaz):
    """A company address in the footer does not outweigh the body."""
    place = place_of("经验交流", BODY + FOOTER, gaz)
    assert place["county"] == "三穗县" and place["province"] == "贵州省"


def test_provincial_overview_is_province_level(gaz):
    """'我省' and many counties of one province → the province."""
    place = place_of("我省深入实施党员精准扶贫示范工程", OVERVIEW, gaz, "四川日报")
    assert (place["province"], place["county"], place["place_level"]) == ("四川省", None, "province")
    assert place["adcode"] == "510000"


def test_metadata_wins_and_conflict_is_flagged(gaz):
    """A CSV province that disagrees with the text wins, with a note."""
    place = place_of("经验交流", BODY, gaz, metadata={"province": "福建省"})
    assert place["province"] == "福建省" and place["county"] is None
    assert place["place_level"] == "province"
    assert "福建省" in place["place_conflict"] and "三穗县" in place["place_conflict"]
    assert place["place_confidence"] < 1.0


def test_metadata_short_names(gaz):
    """Metadata may use short names; a consistent text gives no conflict."""
    place = place_of("经验交流", BODY, gaz, metadata={"province": "贵州", "county": "三穗"})
    assert (place["county"], place["prefecture"], place["place_conflict"]) == ("三穗县", "黔东南苗族侗族自治州", None)


def test_no_place(gaz):
    """No mention at all: nothing is guessed."""
    place = place_of("工作总结", "XX县XX乡认真开展工作。", gaz)
    assert place["adcode"] is None and place["province"] is None
    assert place["place_confidence"] == 0.0


def test_lead_county_beats_provincial_mentions(gaz):
    """A county in the byline, named again, with no rival county: the county, not the province."""
    place = place_of("党建引领扶贫筑牢攻坚堡垒", LEAD_COUNTY, gaz)
    assert (place["province"], place["prefecture"], place["county"]) == ("云南省", "临沧市", "临翔区")


def test_county_named_once_late_stays_above(gaz):
    """A county named once deep in a city-level text does not become the place."""
    text = "近日,宝鸡市集中开展百家社会组织进百村活动。\n" + "宝鸡市各级组织积极参与。\n" * 3 + "凤翔区合作社参与。\n"
    place = place_of("总结材料", text, gaz)
    assert (place["prefecture"], place["county"], place["place_level"]) == ("宝鸡市", None, "prefecture")


@pytest.mark.parametrize(("title", "text", "province"), HIDDEN)
def test_anonymised_place_not_below_province(gaz, title, text, province):
    """XX县 / xx乡xx村 / 中共X县委: at most the province named in the title or opening."""
    place = place_of(title, text, gaz)
    assert place["county"] is None and place["prefecture"] is None
    assert place["province"] == province
    assert place["place_confidence"] <= 0.5


def test_anonymised_town_keeps_named_county(gaz):
    """XX镇 hides only the town: the county named around it is still the place."""
    text = "——XX镇脱贫攻坚工作纪实\nXX镇是昭通市委组织部挂钩帮扶点。在威信县委的领导下,XX镇发展产业。\n威信县表彰了XX镇。\n"
    place = place_of("党建引领聚动能", text, gaz)
    assert (place["prefecture"], place["county"]) == ("昭通市", "威信县")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上海静安区政协党组书记\n静安区政协加强学习。静安政协委员履职。\n", ("上海市", "上海市", "静安区", "county")),
        ("沪江网是一家知名互联网企业。\n三年来,已在上海建立9个服务站。上海市表彰了公司。\n", ("上海市", "上海市", None, "province")),
    ],
)
def test_municipality_is_its_own_prefecture(gaz, text, expected):
    """Districts of 北京/天津/上海/重庆 and the municipality itself repeat it as the prefecture."""
    place = place_of("党建引领", text, gaz)
    assert (place["province"], place["prefecture"], place["county"], place["place_level"]) == expected


def test_national_new_area_is_its_city(gaz):
    """天府新区 (a national new area, not a county) places the text in 成都."""
    place = place_of("学习心得", "为贯彻省委、市委部署,苏码头社区开展活动,学习对天府新区建设发展的重要指示。\n", gaz)
    assert (place["province"], place["prefecture"], place["county"]) == ("四川省", "成都市", None)


def test_the_opening_is_the_first_three_non_blank_lines():
    """Blank lines do not count: a mention on the third written line is in the opening, on the fourth not."""
    from pipeline.places.document_place import (WEIGHT_BODY, WEIGHT_OPENING, body_end_offset, line_starts,
                                                mention_weight, opening_end)

    body = [f"第{i}段,村党支部定期召开会议,研究产业发展。" for i in range(8)]
    lead = "近年来,全县坚持党建引领,聚焦产业发展和基层治理"
    text = "\n".join(["", "", "经验材料", "", "", lead, "", "在巍山县召开会议", "在巍山县推广经验"] + body)
    third, fourth = text.index("巍山县"), text.rindex("巍山县")
    assert len(text) * 0.1 <= third < fourth < body_end_offset(text)  # beyond the share of the text read as opening
    weights = [mention_weight(text, {"start": start, "surface": "巍山县"}, line_starts(text), body_end_offset(text),
                              opening_end(text)) for start in (third, fourth)]
    assert weights == [WEIGHT_OPENING, WEIGHT_BODY]
