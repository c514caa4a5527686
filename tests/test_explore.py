"""Tests for pipeline.explore, the notebook helper API."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline import explore

TEXT_A = "一、强化组织引领\n推行党支部+合作社+农户模式，带动贫困户1200余户增收。\n\n二、发展<b>特色</b>产业"
TEXT_B = "合作社是关键。巍山县发展合作社85个。"
XSS = "<script>alert(1)</script>"


def _span(text: str, surface: str) -> dict:
    """Offsets of surface in text."""
    start = text.index(surface)
    return {"start": start, "end": start + len(surface)}


def make_tables() -> dict[str, pd.DataFrame]:
    """Two documents plus a duplicate of the first, with overlapping spans in document a."""
    documents = pd.DataFrame([
        {"doc_id": "a", "title": f"镇宁{XSS}", "text": TEXT_A, "duplicate_of": None, "date": "2018-09-05",
         "county": "镇宁布依族苗族自治县", "chars": len(TEXT_A), "truncated": False, "mojibake_spans": [[0, 1]]},
        {"doc_id": "b", "title": "巍山", "text": TEXT_B, "duplicate_of": None, "date": None,
         "county": "巍山彝族回族自治县", "chars": len(TEXT_B), "truncated": True, "mojibake_spans": []},
        {"doc_id": "a2", "title": "镇宁（转载）", "text": TEXT_A, "duplicate_of": "a", "date": None,
         "county": None, "chars": len(TEXT_A), "truncated": False, "mojibake_spans": []},
    ])
    measures = pd.DataFrame([
        {"doc_id": "a", "measure_id": "a1", "heading": "强化组织引领", "text": TEXT_A[:36], "start": 0, "end": 36,
         "section_kind": "practices"},
        {"doc_id": "a", "measure_id": "a2", "heading": "发展<b>特色</b>产业", "text": TEXT_A[38:], "start": 38,
         "end": len(TEXT_A), "section_kind": "practices"},
    ])
    return {
        "documents": documents, "measures": measures,
        "slogans": pd.DataFrame([{"doc_id": "a", "text": "强化组织引领", **_span(TEXT_A, "强化组织引领")}]),
        "models": pd.DataFrame([{"doc_id": "a", "surface": "党支部+合作社+农户", "canonical": "党支部+合作社+农户",
                                 **_span(TEXT_A, "党支部+合作社+农户")}]),
        # "合作社" overlaps the model span; the NaN row must be skipped.
        "statistics": pd.DataFrame([{"doc_id": "a", "text": "1200余户", **_span(TEXT_A, "1200余户")},
                                    {"doc_id": "a", "text": "合作社", **_span(TEXT_A, "合作社")},
                                    {"doc_id": "a", "text": "?", "start": float("nan"), "end": float("nan")}]),
        "places": pd.DataFrame([{"doc_id": "b", "surface": "巍山县", **_span(TEXT_B, "巍山县")}]),
        "practice_clusters": pd.DataFrame([{"doc_id": "a", "measure_id": "a1", "cluster": 0}]),
        "clusters": pd.DataFrame([{"cluster": 0, "label": "组织·引领"}]),
    }


def test_load_tables_reads_every_parquet(tmp_path: Path) -> None:
    tables = make_tables()
    tables["documents"].to_parquet(tmp_path / "documents.parquet")
    tables["models"].to_parquet(tmp_path / "models.parquet")
    (tmp_path / "documents.csv").write_text("ignored", encoding="utf-8")
    loaded = explore.load_tables(tmp_path)
    assert sorted(loaded) == ["documents", "models"]
    assert list(loaded["documents"]["text"]) == [TEXT_A, TEXT_B, TEXT_A]


def test_load_tables_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="PIPELINE_OUT"):
        explore.load_tables(tmp_path / "nowhere")


def test_kwic_counts_each_article_once() -> None:
    found = explore.kwic(make_tables()["documents"], "合作社", width=3)
    assert list(found.columns) == explore.KWIC_COLUMNS
    # a: 推行党支部+合作社+农户 → once; a2 is a duplicate of a; b: at 0 and after 巍山县发展.
    assert found[["doc_id", "left", "keyword", "right", "start"]].values.tolist() == [
        ["a", "支部+", "合作社", "+农户", 15],
        ["b", "", "合作社", "是关键", 0],
        ["b", "县发展", "合作社", "85个", 12],
    ]


def test_kwic_marks_newlines() -> None:
    found = explore.kwic(make_tables()["documents"], "增收", width=4)
    assert found["right"].tolist() == ["。⏎⏎二"]


def test_kwic_empty_inputs() -> None:
    assert explore.kwic(make_tables()["documents"].iloc[0:0], "合作社").empty
    with pytest.raises(ValueError):
        explore.kwic(make_tables()["documents"], "")


def test_document_spans_are_exact_and_skip_invalid() -> None:
    spans = explore.document_spans("a", make_tables())
    assert all(TEXT_A[s:e] == surface for s, e, surface in zip(spans["start"], spans["end"], spans["surface"]))
    assert sorted(zip(spans["label"], spans["surface"])) == sorted([
        ("举措", "强化组织引领"), ("口号", "强化组织引领"), ("模式", "党支部+合作社+农户"), ("数据", "合作社"),
        ("数据", "1200余户"), ("举措", "发展<b>特色</b>产业")])


def test_render_document_shows_overlapping_spans_escaped() -> None:
    markup = explore.render_document("a", make_tables(), jupyter=False)
    for label in ("举措", "口号", "模式", "数据"):
        assert f'data-labels="{label}' in markup or f" {label}" in markup
    assert markup.count('<p class="line"') == 3  # three non-blank lines
    assert "<script" not in markup and "&lt;script&gt;" in markup
    assert "<b>" not in markup and "&lt;b&gt;特色&lt;/b&gt;" in markup


def test_the_document_view_adds_no_character_to_the_text() -> None:
    """Tags removed and entities decoded, each line reads exactly as the document's line."""
    import html
    import re

    markup = explore.render_document("a", make_tables(), jupyter=False)
    lines = re.findall(r'<p class="line" data-start="\d+">(.*?)</p>', markup)
    assert [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in lines] == [line for line in TEXT_A.split("\n") if line]
    # the overlap of 合作社 (a statistic) inside the model is one piece carrying both labels, innermost first
    assert 'data-labels="数据 模式"' in markup


def test_render_document_unknown_id() -> None:
    with pytest.raises(KeyError):
        explore.render_document("zzz", make_tables(), jupyter=False)


def test_render_document_without_span_tables() -> None:
    tables = {"documents": make_tables()["documents"]}
    assert "合作社是关键。" in explore.render_document("b", tables, jupyter=False)


def test_document_summary() -> None:
    summary = explore.document_summary("a", make_tables())
    assert summary["duplicates"] == ["a2"]
    assert (summary["n_measures"], summary["n_statistics"], summary["n_slogans"], summary["n_places"]) == (2, 3, 1, 0)
    assert summary["models"] == ["党支部+合作社+农户"]
    assert summary["clusters"] == ["0 组织·引领"]
    assert summary["section_kinds"] == {"practices": 2}
    assert summary["n_mojibake"] == 1 and summary["truncated"] is False
    assert summary["duplicate_of"] is None


def test_quality_flags() -> None:
    flags = explore.quality_flags(make_tables()["documents"])
    # a: mojibake; b: truncated; a2: duplicate of a.
    assert flags[["doc_id", "truncated", "n_mojibake"]].values.tolist() == [["a", False, 1], ["b", True, 0],
                                                                           ["a2", False, 0]]
    assert flags["duplicate_of"].tolist()[2] == "a"


def test_cluster_examples_from_json() -> None:
    clusters = pd.DataFrame([{"cluster": 0, "label": "组织·引领", "examples_json":
                              '[{"doc_id": "a", "title": "镇宁", "heading": "强化组织引领", "sentence": "一、强化组织引领"}]'}])
    examples = explore.cluster_examples(clusters)
    assert examples.values.tolist() == [[0, "组织·引领", "a", "镇宁", "强化组织引领", "一、强化组织引领"]]


def test_top_terms_one_column_per_region() -> None:
    terms = pd.DataFrame({"level": "province", "region": ["贵州省", "贵州省", "云南省"], "term": ["蜂糖李", "易地搬迁", "支部"],
                          "rank": [1, 2, 1]})
    top = explore.top_terms(terms, n=1)
    assert top.to_dict() == {"云南省": {1: "支部"}, "贵州省": {1: "蜂糖李"}}
    assert explore.top_terms(terms.iloc[0:0]).empty


def test_documents_per_province_counts_each_article_once() -> None:
    docs = make_tables()["documents"].assign(province=["贵州省", "云南省", "贵州省"])
    per = explore.documents_per_province(docs)
    assert dict(zip(per["province"], per["n_documents"])) == {"贵州省": 1, "云南省": 1}
