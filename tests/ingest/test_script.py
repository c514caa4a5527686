"""Script detection and OpenCC conversion that leaves protected place names alone."""

import pytest

from pipeline.ingest.script import Script, detect_script, make_converter, protected_terms, to_simplified


@pytest.fixture(scope="module")
def converter():
    return make_converter("t2s")


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("抓党建促脱贫的实践与探索,镇宁自治县始终以扶贫为抓手。", Script.SIMPLIFIED),
        ("抓黨建促脫貧的實踐與探索,鎮寧自治縣始終以扶貧為抓手。", Script.TRADITIONAL),
        ("抓党建促脱贫的实践与探索,镇宁自治县始终以扶贫为抓手,坚持把党的政治优势转化为发展优势。貧", Script.MIXED),
    ],
)
def test_detect_script(converter, text, script):
    assert detect_script(text, to_simplified(text, converter)) == script


def test_place_names_survive_conversion(converter):
    protected = protected_terms(["乾县", "镇宁县"], converter)
    assert to_simplified("陕西省乾县的經驗", converter) == "陕西省干县的经验"  # what plain t2s does
    assert to_simplified("陕西省乾县的經驗", converter, protected) == "陕西省乾县的经验"
    assert to_simplified("陝西省乾縣的經驗", converter, protected) == "陕西省乾县的经验"
    assert to_simplified("乾坤", converter, protected) == converter.convert("乾坤")
