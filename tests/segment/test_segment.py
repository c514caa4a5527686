"""The segment stage on the default corpus: valid spans, duplicates once, accuracy floors."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.evaluate import evaluate_folder
from pipeline.schema import SPAN_SURFACE, span_violations
from pipeline.segment import measure_locator, segment
from tests.conftest import GOLD


@pytest.fixture(scope="module")
def scores(pipeline_out) -> pd.DataFrame:
    return evaluate_folder(pipeline_out, GOLD).set_index(["doc", "item"])


@pytest.mark.parametrize("name", sorted(SPAN_SURFACE))
def test_every_span_matches_the_document_text(pipeline_out, name):
    documents = pd.read_parquet(pipeline_out / "documents.parquet")
    spans = pd.read_parquet(pipeline_out / f"{name}.parquet")
    assert len(span_violations(documents, spans, name)) == 0


def test_duplicates_are_segmented_once(pipeline_out):
    documents = pd.read_parquet(pipeline_out / "documents.parquet")
    measures = pd.read_parquet(pipeline_out / "measures.parquet")
    duplicates = set(documents.loc[documents["duplicate_of"].notna(), "doc_id"])
    assert duplicates, "the seed compilation repeats articles; some must be flagged"
    assert not set(measures["doc_id"]) & duplicates


# Pooled over every reference document (tests/gold/*.json, annotated by reading): a change that
# lowers one of these fails here instead of drifting. Floors are the targets of the accuracy issue.
POOLED_FLOORS = [
    ("measures (all levels)", 0.90),
    ("section kinds", 0.90),
    ("statistics (value, unit)", 0.95),
    ("slogans (distinct)", 0.85),
    # the statistics issue: what each number counts, at which level, and when
    ("statistics: unit right", 0.97),
    ("statistics: indicator right", 0.85),
    ("statistics: level right", 0.90),
    ("statistics: kind right", 0.90),
    ("statistics: period right", 0.95),
    ("metadata: date", 0.95),
]


@pytest.mark.parametrize(("item", "floor"), POOLED_FLOORS)
def test_pooled_accuracy_floors(scores, item, floor):
    assert scores.loc[("ALL", item), "f1"] >= floor


def test_seed_001_count_mismatch_is_flagged(pipeline_out):
    documents = pd.read_parquet(pipeline_out / "documents.parquet")
    doc = documents[documents["source"].str.contains("/001_")].iloc[0]
    assert (doc["promised_count"], doc["found_count"], doc["count_mismatch"]) == (5, 4, True)


def test_locator_picks_the_innermost_measure():
    measures = [
        {"measure_id": "a", "level": 1, "start": 0, "end": 100},
        {"measure_id": "b", "level": 2, "start": 10, "end": 50},
        {"measure_id": "c", "level": 2, "start": 50, "end": 100},
    ]
    locate = measure_locator(measures)
    assert [locate(12, 20), locate(60, 61), locate(5, 8), locate(150, 155)] == ["b", "c", "a", None]


def test_a_failing_document_is_flagged_and_the_run_goes_on(resources, monkeypatch):
    from pipeline.segment import measures as measures_module

    real = measures_module.extract_measures

    def fragile(text, kinds, *rest):
        if "坏" in text:
            raise RuntimeError("boom")
        return real(text, kinds, *rest)

    monkeypatch.setattr(measures_module, "extract_measures", fragile)
    documents = pd.DataFrame([
        {"doc_id": "ok", "title": "标题", "text": "一、主要做法\n(一)抓组织建设。成立专业合作社478个。", "duplicate_of": None},
        {"doc_id": "bad", "title": "标题", "text": "一、坏的文档", "duplicate_of": None},
    ])
    for column in ("source", "part", "date", "date_source", "date_precision", "source_unit", "url", "script", "chars", "province", "prefecture",
                   "county", "adcode", "place_level", "place_confidence", "mojibake_spans", "truncated"):
        documents[column] = None
    tables = segment(documents, resources)
    assert set(tables.measures["doc_id"]) == {"ok"}
    flagged = tables.documents.set_index("doc_id")
    assert flagged.loc["bad", "segment_error"] == "RuntimeError: boom"
    assert pd.isna(flagged.loc["ok", "segment_error"])
    assert 478.0 in tables.statistics["value"].tolist()


def test_a_document_without_a_title_keeps_its_spans(resources, tmp_path):
    """Under pandas 3 a missing title read back from Parquet is NaN, not None: it must not stop segmenting."""
    from pipeline.io import read_table, write_table

    text = "近年来，全县坚持抓党建促脱贫。\n一、主要做法\n（一）强化组织领导。建立“支部+合作社+农户”模式，带动120户增收。"
    documents = pd.DataFrame([
        {"doc_id": "titled", "title": "标题", "text": "一、主要做法\n（一）抓组织建设。成立合作社478个。"},
        {"doc_id": "untitled", "title": None, "text": text},
    ])
    for column in ("source", "part", "date", "date_source", "date_precision", "source_unit", "url", "script", "chars", "province", "prefecture",
                   "county", "adcode", "place_level", "place_confidence", "mojibake_spans", "truncated", "duplicate_of"):
        documents[column] = None
    write_table(documents, tmp_path, "documents")
    tables = segment(read_table(tmp_path, "documents"), resources)
    mine = tables.measures[tables.measures["doc_id"] == "untitled"]
    assert mine["heading"].tolist() == ["主要做法", "强化组织领导"]
    assert tables.models.loc[tables.models["doc_id"] == "untitled", "canonical"].tolist() == ["党支部+合作社+农户"]
    assert 120.0 in tables.statistics.loc[tables.statistics["doc_id"] == "untitled", "value"].tolist()
    assert tables.documents.set_index("doc_id")["segment_error"].isna().all()


# Read in the reports: 全市地区生产总值5.2万亿元 is Beijing's own figure, and Beijing is a province-level city;
# 全年实现地区生产总值5696亿元 is 宁夏回族自治区's, a province whose report says 全区 and 我区 (and 我国 a few
# times, which had made every figure of it the nation's).
@pytest.mark.parametrize(
    ("report", "figure"),
    [("2026_北京市_政府工作报告", "5.2万亿元"), ("2026_宁夏回族自治区_政府工作报告", "5696亿元")],
)
def test_a_reports_own_figures_have_the_level_of_its_place(pipeline_out, report, figure):
    documents = pd.read_parquet(pipeline_out / "documents.parquet", columns=["doc_id", "source", "place_level"])
    doc = documents[documents["source"].str.contains(report)].iloc[0]
    statistics = pd.read_parquet(pipeline_out / "statistics.parquet", columns=["doc_id", "text", "indicator", "level"])
    found = statistics[(statistics["doc_id"] == doc["doc_id"]) & (statistics["text"] == figure)]
    assert doc["place_level"] == "province"
    assert found[["indicator", "level"]].values.tolist() == [["地区生产总值", "province"]]


@pytest.mark.parametrize(("date", "month"), [("2026-02-10", 2), ("2019-03", 3), ("2019", None), (None, None), ("", None)])
def test_month_of_a_date_cell(date, month):
    from pipeline.segment import month_of

    assert month_of(date) == month
