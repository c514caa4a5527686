"""Accuracy gate: measures of seed 000 against the hand-made reference (tests/gold/000_*.json)."""

import json
from pathlib import Path

import pytest

from pipeline.segment.measures import extract_measures
from pipeline.segment.sections import load_section_kinds

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "pipeline" / "data" / "section_kinds.tsv"
GOLD = next((ROOT / "tests" / "gold").glob("000_*.json"))
RAW = ROOT / "corpus" / "raw" / json.loads(GOLD.read_text(encoding="utf-8"))["doc"]
FIRST_LINE = "抓党建促脱贫的实践与探索"
LAST_LINE_END = "为决战脱贫攻坚提供了有力保障。"
F1_FLOOR = 1.0


def seed_000_body() -> str:
    """Body of seed 000: stripped non-blank lines from the title to the closing sentence."""
    lines = [ln.strip() for ln in RAW.read_text(encoding="utf-8").splitlines() if ln.strip()]
    first = lines.index(FIRST_LINE)
    last = next(i for i, ln in enumerate(lines) if ln.endswith(LAST_LINE_END))
    return "\n".join(lines[first:last + 1])


def gold_items() -> list[dict]:
    """Reference measures with their path joined as in the measures table."""
    items = json.loads(GOLD.read_text(encoding="utf-8"))["measures"]
    return [{**m, "path": ".".join(m["path"]), "level": len(m["path"])} for m in items]


def scores(predicted: set[tuple], expected: set[tuple]) -> tuple[float, float, float]:
    """Precision, recall and F1 of two sets of keys (empty vs empty counts as perfect)."""
    hits = len(predicted & expected)
    precision = hits / len(predicted) if predicted else float(not expected)
    recall = hits / len(expected) if expected else float(not predicted)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def keys_at(measures: list[dict], level: int | None) -> set[tuple]:
    """(path, marker, heading) of the measures at one level (all levels for None)."""
    return {
        (m["path"], m["marker"], m["heading"])
        for m in measures if level is None or m["level"] == level
    }


@pytest.fixture(scope="module")
def predicted() -> list[dict]:
    return extract_measures(seed_000_body(), load_section_kinds(TABLE))


@pytest.mark.parametrize("level", [1, 2, 3, None])
def test_f1_per_level(predicted, level):
    gold = gold_items()
    precision, recall, f1 = scores(keys_at(predicted, level), keys_at(gold, level))
    missing = keys_at(gold, level) - keys_at(predicted, level)
    extra = keys_at(predicted, level) - keys_at(gold, level)
    assert f1 >= F1_FLOOR, f"level {level}: P={precision:.3f} R={recall:.3f}; missing {missing}; extra {extra}"


def test_gold_count(predicted):
    assert len(predicted) == len(gold_items()) == 27


def test_section_kinds_match_gold(predicted):
    by_path = {m["path"]: m for m in predicted}
    for item in gold_items():
        if "section_kind" in item:
            assert by_path[item["path"]]["section_kind"] == item["section_kind"], item["path"]


def test_children_inherit_section_kind(predicted):
    by_id = {m["measure_id"]: m for m in predicted}
    for m in predicted:
        if m["parent_id"] is not None:
            assert m["section_kind"] == by_id[m["parent_id"]]["section_kind"]


def test_spans_index_the_body(predicted):
    body = seed_000_body()
    assert all(body[m["start"]:m["end"]] == m["text"] for m in predicted)
    assert predicted[-1]["text"].endswith(LAST_LINE_END)
