"""Tests for pipeline.analyze.recurrence.model_recurrence."""
from __future__ import annotations

import pandas as pd

from pipeline.analyze.recurrence import model_recurrence
from pipeline.analyze.sentences import unique_documents


def test_recurrence_on_corpus(corpus_tables) -> None:
    docs = unique_documents(corpus_tables["documents"])
    row = model_recurrence(docs, corpus_tables["models"]).iloc[0]
    # 支部+合作社+农户 appears in 镇宁, 巍山, 元阳 and the place-less XX县 article; the 镇宁 copy is a duplicate.
    assert row["canonical"] == "党支部+合作社+农户"
    assert row["n_documents"] == 4
    assert row["counties"] == ["元阳县", "巍山彝族回族自治县", "镇宁布依族苗族自治县"] and row["n_counties"] == 3
    assert row["provinces"] == ["云南省", "贵州省"] and row["n_provinces"] == 2
    assert (row["first_date"], row["last_date"]) == ("2017-05-27", "2020-01-15")
    assert row["doc_ids"] == ["doc_ws", "doc_xx", "doc_yl", "doc_zn"]
    assert row["surfaces"] == ["支部+合作社+农户"] and not row["numeric"]


DOCS = pd.DataFrame({
    "doc_id": ["a", "b", "c", "d"], "date": ["2019-01-02", None, "2018-05-01", "2020-01-01"],
    "province": ["江苏省", "北京市", "江苏省", "江苏省"], "county": ["通州区", "通州区", "通州区", None],
})
MODELS = pd.DataFrame({
    "doc_id": ["a", "b", "c", "a", "d", "b"],
    "surface": ["支部+合作社", "党支部+合作社", "支部+合作社", "三变", "支部+合作社", None],
    "canonical": ["党支部+合作社", "党支部+合作社", "党支部+合作社", "三变", "党支部+合作社", None],
    "numeric": [False, False, False, True, False, False],
})


def test_same_county_name_in_two_provinces_counts_twice() -> None:
    table = model_recurrence(DOCS, MODELS).set_index("canonical")
    assert table.index.tolist() == ["党支部+合作社", "三变"]  # most documents first
    row = table.loc["党支部+合作社"]
    assert row["n_documents"] == 4 and row["n_counties"] == 2 and row["counties"] == ["通州区", "通州区"]
    assert row["surfaces"] == ["支部+合作社", "党支部+合作社"]  # most frequent surface first
    assert (row["first_date"], row["last_date"]) == ("2018-05-01", "2020-01-01")
    assert bool(table.loc["三变", "numeric"]) is True


def test_no_models_gives_empty_table() -> None:
    assert model_recurrence(DOCS, MODELS.iloc[0:0]).empty
