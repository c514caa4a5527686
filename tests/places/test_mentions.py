"""Tests for pipeline.places.mentions: matching, masking and context resolution."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.places.mentions import find_mentions
from tests.seeds import simplified_seed


# text, expected [(surface, official name)] — read off the sentences
RESOLVED = [
    ("北京市朝阳区召开会议", [("北京市", "北京市"), ("朝阳区", "朝阳区")]),
    ("辽宁朝阳大力发展设施农业", [("辽宁", "辽宁省"), ("朝阳", "朝阳市")]),
    ("大理州巍山县召开会议", [("大理州", "大理白族自治州"), ("巍山县", "巍山彝族回族自治县")]),
    ("在湖南江华县调研", [("湖南", "湖南省"), ("江华县", "江华瑶族自治县")]),
    ("四川渠县的经验", [("四川", "四川省"), ("渠县", "渠县")]),
    ("甘南州合作市", [("甘南州", "甘南藏族自治州"), ("合作市", "合作市")]),
    ("大理是旅游城市", [("大理", "大理白族自治州")]),
    ("福建省福州市鼓楼区", [("福建省", "福建省"), ("福州市", "福州市"), ("鼓楼区", "鼓楼区")]),
    ("贵州盘县", [("贵州", "贵州省"), ("盘县", "盘州市")]),  # renamed 2017 to 盘州市
    ("内蒙古丰镇发展马铃薯", [("内蒙古", "内蒙古自治区"), ("丰镇", "丰镇市")]),  # after its parent
    ("到枣庄调研", [("枣庄", "枣庄市")]),  # 到 ends the word before the city
    ("在渠县召开会议", [("渠县", "渠县")]),
]
NO_MENTIONS = [
    "XX县XX乡xx村党支部",
    "××县委组织部",
    "某某市某某县",
    "坚持和平发展道路",
    "成立专业合作社",
    "穿中山装",
    "创建示范县",
    "提升党建水平",
    "巴彦淖尔市| 巴南区| 会泽县| 平湖市| 凉山| 吉木萨尔县|",
    "江华镇和中山路",  # a town and a road, not the county or the city
    "近年来,庆丰镇党委认真落实",  # the town 庆丰镇, not 丰镇市
    "大新乡党委书记",  # the township 大新乡, not 新乡市
]




@pytest.mark.parametrize(("text", "expected"), RESOLVED)
def test_resolved(gaz, text, expected):
    """Mentions and their official names."""
    found = [(m["surface"], m["name"]) for m in find_mentions(text, gaz)]
    assert found == expected


@pytest.mark.parametrize("text", NO_MENTIONS)
def test_no_mentions(gaz, text):
    """Placeholders, spam lists, common words and other kinds of places give nothing."""
    assert find_mentions(text, gaz) == []


def test_ambiguous_left_unresolved(gaz):
    """朝阳区 exists in 北京 and 长春: without context it is not guessed."""
    (m,) = find_mentions("朝阳区召开现场会", gaz)
    assert m["resolved"] is False and m["adcode"] is None and m["name"] is None
    assert sorted(m["candidates"]) == ["110105", "220104"]
    assert m["level"] == "county"


def test_ambiguous_resolved_by_sentence(gaz):
    """A province named earlier in the sentence picks the candidate inside it."""
    mentions = find_mentions("吉林省长春市召开会议,朝阳区作了发言", gaz)
    assert mentions[-1]["surface"] == "朝阳区" and mentions[-1]["adcode"] == "220104"


def test_ambiguous_resolved_by_document(gaz):
    """Other places of the document (a 福州 district) settle 鼓楼区 in another sentence."""
    mentions = find_mentions("仓山区开展培训。鼓楼区也召开了会议。", gaz)
    assert mentions[-1]["adcode"] == "350102"


def test_weak_stem_after_parent_only(gaz):
    """富裕 counts right after its prefecture, not alone."""
    assert find_mentions("让群众富裕起来", gaz) == []
    (parent, county) = find_mentions("齐齐哈尔市富裕", gaz)
    assert county["name"] == "富裕县"


def test_seed_001_spam_list_ignored(gaz):
    """The '|' list of forty place names at the end of seed 001 yields no mention."""
    text = simplified_seed("001")
    spam_start = text.index("巴彦淖尔市|")
    mentions = find_mentions(text, gaz)
    assert not [m for m in mentions if m["start"] >= spam_start]
    assert "江华瑶族自治县" in {m["name"] for m in mentions}


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_seed_spans_valid(gaz, prefix):
    """Every mention indexes the exact text passed in."""
    text = simplified_seed(prefix)
    for m in find_mentions(text, gaz):
        assert text[m["start"] : m["end"]] == m["surface"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="北京市朝阳区辽宁省吉林和平县|XX乡村镇。 \n大理州", max_size=60))
def test_any_text_valid_spans(gaz, text):
    """Any text: no exception and valid spans."""
    for m in find_mentions(text, gaz):
        assert text[m["start"] : m["end"]] == m["surface"]
        assert m["resolved"] == (m["adcode"] is not None)


def scan_letter_by_letter(text: str, gaz) -> list[tuple[int, int, str]]:
    """The leftmost-longest rule read literally: at each character not yet inside a match, the longest alias
    starting there that touches no masked character."""
    from pipeline.places.mentions import mask_flags

    flags, out, i = mask_flags(text), [], 0
    while i < len(text):
        found = next((text[i : i + n] for n in range(gaz.max_alias_len, 0, -1)
                      if text[i : i + n] in gaz.aliases and len(text[i : i + n]) == n), None)
        if found is None or any(flags[i : i + len(found)]):
            i += 1
            continue
        out.append((i, i + len(found), found))
        i += len(found)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["北京市", "朝阳区", "朝阳", "辽宁省", "吉林", "和平县", "大理州", "大理", "XX县", "某某市",
                                  "乡", "村", "镇", "。", " ", "\n", "𠀋", "京", "市", "阳区"]), max_size=25))
def test_the_scan_finds_what_a_letter_by_letter_scan_finds(gaz, pieces):
    from pipeline.places.mentions import scan

    text = "".join(pieces)  # aliases cut, overlapping and masked; a character outside the BMP shifts nothing
    assert scan(text, gaz) == scan_letter_by_letter(text, gaz)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["北京市", "朝阳区", "辽宁省", "吉林", "和平县", "大理", "XX县", "乡", "。", " ", "\n", "𠀋", "京",
                                  "阳区"]), max_size=30))
def test_a_short_text_has_the_alias_starts_of_the_same_text_made_long(gaz, pieces):
    from pipeline.places.mentions import SHORT_TEXT, alias_starts

    text = "".join(pieces)  # below SHORT_TEXT letters: tested pair by pair; padded: found with arrays
    assert len(text) < SHORT_TEXT
    assert alias_starts(text, gaz) == alias_starts(text + "。" * SHORT_TEXT, gaz)  # no alias holds 。


def test_prefix_pairs_are_the_first_two_letters_of_every_alias(gaz):
    assert gaz.prefix_pairs == {alias[:2] for alias in gaz.aliases}
