"""Tests for pipeline/segment/models.py: "+" chains of organisational models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.segment.models import extract_models, load_model_synonyms
from tests.seeds import body_000

ROOT = Path(__file__).resolve().parents[2]
SYNONYMS_PATH = ROOT / "pipeline" / "data" / "model_synonyms.tsv"
GOLD_PATH = ROOT / "tests" / "gold" / "000_1dce443f4ac0a06b.json"
RAW_000 = ROOT / "corpus" / "raw" / "000_1dce443f4ac0a06b.txt"

# (sentence, surface, components, canonical, numeric), read off the Chinese by hand.
MODELS = [
    ("一是采取党委+农业园区模式,由乡党委", "党委+农业园区", ["党委", "农业园区"], "党委+园区", False),
    ("二是采取支部+公司+农户模式,引进", "支部+公司+农户", ["支部", "公司", "农户"], "党支部+企业+农户", False),
    ("三是采取“支部+合作社”模式,大力", "支部+合作社", ["支部", "合作社"], "党支部+合作社", False),
    ("推行“支部+基地(项目)”模式", "支部+基地(项目)", ["支部", "基地(项目)"], "党支部+基地", False),
    ("推广“党支部+X+贫困户”模式", "党支部+X+贫困户", ["党支部", "X", "贫困户"], "党支部+X+贫困户", False),
    ("形成“党建+电商”脱贫新模式", "党建+电商", ["党建", "电商"], "党建+电商", False),
    ("构建互联网+党建工作格局", "互联网+党建", ["互联网", "党建"], "互联网+党建", False),
    ("用“互联网+党建+特色产业”思维引领", "互联网+党建+特色产业", ["互联网", "党建", "特色产业"],
     "互联网+党建+产业", False),
    ("创新村党支部＋专业合作社＋农户模式", "村党支部＋专业合作社＋农户", ["村党支部", "专业合作社", "农户"],
     "党支部+合作社+农户", False),
    ("实施5+3工作机制", "5+3", ["5", "3"], "5+3", True),
    ("落实“1+10”帮扶机制", "1+10", ["1", "10"], "1+10", True),
    ("以“三融入+四强化”引领党建", "三融入+四强化", ["三融入", "四强化"], "三融入+四强化", True),
]

NOT_MODELS = ["学习C++语言", "公式A+B", "实施“互联网+”行动计划", "党建+", "+合作社"]


@pytest.fixture(scope="module")
def synonyms() -> dict[str, str]:
    """The package synonym table."""
    return load_model_synonyms(SYNONYMS_PATH)


def test_load_synonyms(tmp_path: Path) -> None:
    """Comments and blank lines are skipped."""
    path = tmp_path / "syn.tsv"
    path.write_text("# header\n\n支部\t党支部\n公司\t企业\n", encoding="utf-8")
    assert load_model_synonyms(path) == {"支部": "党支部", "公司": "企业"}


def test_a_synonym_line_with_a_space_instead_of_a_tab_names_file_and_line(tmp_path: Path) -> None:
    from pipeline.resources import ResourceError

    path = tmp_path / "syn.tsv"
    path.write_text("# header\n支部\t党支部\n公司 企业\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"syn.tsv line 3: expected 2 tab-separated fields.*spaces instead of a tab"):
        load_model_synonyms(path)


def test_package_synonyms(synonyms: dict[str, str]) -> None:
    """The groups named in the design document map to one canonical form each."""
    assert {synonyms[w] for w in ("支部", "党支部", "村党支部")} == {"党支部"}
    assert {synonyms[w] for w in ("专业合作社", "合作社", "农民专业合作社")} == {"合作社"}
    assert {synonyms[w] for w in ("公司", "企业", "龙头企业")} == {"企业"}


@pytest.mark.parametrize(("sentence", "surface", "components", "canonical", "numeric"), MODELS)
def test_models(sentence: str, surface: str, components: list[str], canonical: str, numeric: bool,
                synonyms: dict[str, str]) -> None:
    """Surface, components as written, canonical form and the numeric flag."""
    (model,) = extract_models(sentence, synonyms)
    assert (model["surface"], model["components"], model["canonical"], model["numeric"]) == (
        surface, components, canonical, numeric)
    assert sentence[model["start"] : model["end"]] == surface


@pytest.mark.parametrize("sentence", NOT_MODELS)
def test_not_models(sentence: str, synonyms: dict[str, str]) -> None:
    """Latin-only chains and dangling pluses are not models."""
    assert extract_models(sentence, synonyms) == []


def test_several_quoted_models(synonyms: dict[str, str]) -> None:
    """Adjacent quoted models are kept apart."""
    text = "推行“支部+企业”“支部+车间”模式"
    assert [m["canonical"] for m in extract_models(text, synonyms)] == ["党支部+企业", "党支部+车间"]



@pytest.mark.skipif(not RAW_000.exists(), reason="seed page 000 not present")
def test_gold_000(synonyms: dict[str, str]) -> None:
    """Seed 000: exactly the three gold models, components as written."""
    gold = [m["components"] for m in json.loads(GOLD_PATH.read_text(encoding="utf-8"))["models"]]
    assert [m["components"] for m in extract_models(body_000(), synonyms)] == gold


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("支部合作社公司农户党建互联网+＋()（）“”X15三四模式采取 ,\n")), max_size=40)
       | st.text(max_size=40))
def test_any_text_gives_valid_spans(text: str) -> None:
    """Any text: no exception, every span exact, at least two components."""
    for model in extract_models(text, load_model_synonyms(SYNONYMS_PATH)):
        assert text[model["start"] : model["end"]] == model["surface"]
        assert len(model["components"]) >= 2


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("推广“支部+合作社+农户”模式", "actor chain"),
        ("推行“党支部+X+贫困户”模式", "actor chain"),
        ("组建“高等研究院+大学科技园”创新平台", "actor chain"),
        ("形成“党建+电商”脱贫新模式", "integration formula"),
        ("深化“互联网+政务服务”", "integration formula"),
        ("实施“水肥一体化+密植”1138万亩", "integration formula"),
        ("落实5+3工作机制", "numeric formula"),
    ],
)
def test_model_kinds(sentence, kind):
    from tests.conftest import package_resources

    resources = package_resources()
    found = extract_models(sentence, resources.model_synonyms, resources.model_actors)
    assert [m["kind"] for m in found] == [kind]
