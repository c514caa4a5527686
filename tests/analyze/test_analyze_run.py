"""The analyze stage on the default corpus: model recurrence counted by reading the seeds, determinism."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline.analyze import TABLE_NAMES, analysis_tables, load_analyze_resources
from pipeline.io import read_table, to_list
from pipeline.runner import ANALYSED_DOCUMENT_COLUMNS, ANALYZE_COLUMNS, ANALYZE_INPUTS

# Counted by reading the seeds (canonical forms through pipeline/data/model_synonyms.tsv):
# 000 镇宁: 支部+公司+农户, 支部+合作社; 001 江华: 支部+企业, 支部+车间, 支部+基地(项目); 002 巍山: 党支部+X+贫困户;
# 004 article 2 (夏县) and article 4 (临翔区, reposted verbatim as article 26, counted once): 支部+合作社+农户;
# article 5 (巧家县): 支部+基地+农户; article 24 (平坝区): 党总支+合作社+公司+农户;
# article 14 (宝鸡市, no county named): 社会组织党组织+村党支部+X.
EXPECTED = {
    "党支部+合作社+农户": (2, {"夏县", "临翔区"}),
    "党支部+合作社": (1, {"镇宁布依族苗族自治县"}),
    "党支部+企业+农户": (1, {"镇宁布依族苗族自治县"}),
    "党支部+企业": (1, {"江华瑶族自治县"}),
    "党支部+车间": (1, {"江华瑶族自治县"}),
    "党支部+基地": (1, {"江华瑶族自治县"}),
    "党支部+X+贫困户": (1, {"巍山彝族回族自治县"}),
    "党支部+基地+农户": (1, {"巧家县"}),
    "党支部+合作社+企业+农户": (1, {"平坝区"}),
    "社会组织党组织+党支部+X": (1, set()),
}


@pytest.fixture(scope="module")
def recurrence(pipeline_out) -> pd.DataFrame:
    return pd.read_parquet(pipeline_out / "model_recurrence.parquet").set_index("canonical")


@pytest.mark.parametrize("canonical", sorted(EXPECTED))
def test_branch_model_family_recurrence(recurrence, canonical):
    n_documents, counties = EXPECTED[canonical]
    row = recurrence.loc[canonical]
    assert row["n_documents"] == n_documents
    assert row["n_counties"] == len(counties)
    assert set(to_list(row["counties"])) == counties


def test_branch_family_is_complete(recurrence):
    family = {c for c in recurrence.index if c.startswith("党支部+") or "+党支部" in c}
    assert family == set(EXPECTED)


@pytest.mark.parametrize("columns", [{}, {**ANALYZE_COLUMNS, "documents": ANALYSED_DOCUMENT_COLUMNS}],
                         ids=["every column", "the columns the run reads"])
def test_two_runs_give_identical_tables(pipeline_out, columns):
    """Again from the written tables: whole, or as the run reads them (measures without their text, which
    is then cut from the documents between the measures' offsets)."""
    inputs = {name: read_table(pipeline_out, name, columns.get(name)) for name in ANALYZE_INPUTS}
    assert ("text" in inputs["measures"]) == (not columns)
    again = analysis_tables(inputs, load_analyze_resources())
    for name in TABLE_NAMES:
        written = pd.read_parquet(pipeline_out / f"{name}.parquet")
        pd.testing.assert_frame_equal(written, again[name].reset_index(drop=True), check_dtype=False, obj=name)


def test_texts_read_from_the_folder_and_words_in_a_child_give_the_same_tables(pipeline_out, monkeypatch):
    """As a run of several workers makes them: the documents held without their texts, which are read a
    batch at a time to be tokenised, for the clusters' examples, and whole for text reuse; the word tables
    made in a child process."""
    from pipeline.io import StoredTexts

    inputs = {name: read_table(pipeline_out, name, ANALYZE_COLUMNS.get(name)) for name in ANALYZE_INPUTS}
    inputs["documents"] = read_table(pipeline_out, "documents", [c for c in ANALYSED_DOCUMENT_COLUMNS if c != "text"])
    monkeypatch.setattr(StoredTexts, "BATCH", 2)
    again = analysis_tables(inputs, load_analyze_resources(), texts=StoredTexts(pipeline_out), isolate=True)
    for name in TABLE_NAMES:
        written = pd.read_parquet(pipeline_out / f"{name}.parquet")
        pd.testing.assert_frame_equal(written, again[name].reset_index(drop=True), check_dtype=False, obj=name)
    assert any(example["sentence"] for examples in again["clusters"]["examples_json"] for example in json.loads(examples))


def test_every_figure_exists_as_png_and_svg(pipeline_out):
    figures = pipeline_out / "figures"
    names = {"model_county_heatmap", "models_by_counties", "region_clusters", "clusters", "model_timeline"}
    assert {p.stem for p in figures.glob("*.png")} >= names
    assert {p.stem for p in figures.glob("*.svg")} >= names


def test_county_statistics_only_compare_counties_with_counties(pipeline_out):
    """No row from a document of national or provincial scope, none from a figure below the county."""
    table = pd.read_parquet(pipeline_out / "county_statistics.parquet")
    documents = pd.read_parquet(pipeline_out / "documents.parquet").set_index("doc_id")
    assert set(documents.loc[table["doc_id"], "place_level"]) <= {"county"}
    assert set(table["level"]) <= {"county"}
    assert (table["n_documents"] >= 2).all()


def test_reuse_spans_are_the_documents_text(pipeline_out):
    """Both sides of every shared passage, and every formula example, read exactly as the document."""
    texts = pd.read_parquet(pipeline_out / "documents.parquet").set_index("doc_id")["text"]
    reuse = pd.read_parquet(pipeline_out / "reuse.parquet")
    assert len(reuse) > 0  # the national work reports reuse their own phrasing from year to year
    for side in ("a", "b"):
        assert all(texts[d][s:e] == t for d, s, e, t in zip(reuse[f"doc_{side}"], reuse[f"start_{side}"], reuse[f"end_{side}"], reuse[f"text_{side}"]))
    formulas = pd.read_parquet(pipeline_out / "common_formulas.parquet")
    assert all(texts[d][s:e] == t for d, s, e, t in zip(formulas["doc_id"], formulas["start"], formulas["end"], formulas["surface"]))
    seed_004 = set(pd.read_parquet(pipeline_out / "documents.parquet").query("source.str.contains('004_')")["doc_id"])
    # read by hand (all 31 distinct articles, with exact, windowed and aligned searches for candidates):
    # they share only formulas, stock phrases and a 来源 line (at most 22 letters), never a passage of their own
    assert not (set(reuse["doc_a"]) | set(reuse["doc_b"])) & seed_004
