"""Tests for pipeline.runner: stages that stream their tables in batches write what one batch would."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pipeline import ingest as ingest_stage
from pipeline import runner
from pipeline.cli import main
from pipeline.io import read_table
from tests.conftest import RAW

TABLES = ("manifest", "documents", "places", "measures", "statistics", "slogans", "models")


@pytest.mark.parametrize("workers", ["1", "2"], ids=["one process", "a pool of two"])
def test_ingest_and_segment_in_small_batches_write_the_same_tables(tmp_path, monkeypatch, workers):
    # on a pool, each pass sends every batch through one map: what comes back is regrouped per batch, and
    # the writers are closed side by side
    corpus = tmp_path / "corpus"
    shutil.copytree(RAW.parent, corpus)  # seed pages (one a compilation) and the official reports (JSONL rows)
    whole, batched = tmp_path / "whole", tmp_path / "batched"
    assert main(["run", "--corpus", str(corpus), "--out", str(whole), "--stages", "ingest,segment", "--workers", "1"]) == 0
    monkeypatch.setattr(ingest_stage, "BATCH_FILES", 2)
    monkeypatch.setattr(runner, "SEGMENT_BATCH", 3)
    assert main(["run", "--corpus", str(corpus), "--out", str(batched), "--stages", "ingest,segment", "--workers", workers]) == 0
    for name in TABLES:
        pd.testing.assert_frame_equal(read_table(batched, name), read_table(whole, name), obj=name)
        assert (batched / f"{name}.csv").read_bytes() == (whole / f"{name}.csv").read_bytes(), name
    assert not [p for p in batched.iterdir() if p.name.startswith(".")]  # no batch parts left behind


def test_an_empty_documents_table_still_gives_every_segment_table(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("hello world, not a Chinese report at all " * 10, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--stages", "ingest,segment"]) == 0
    assert read_table(out, "documents").empty
    assert {"doc_id", "measure_id", "start", "end"} <= set(read_table(out, "measures").columns)


def test_the_small_batches_above_are_really_several(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    corpus = tmp_path / "corpus"
    shutil.copytree(RAW.parent, corpus)
    monkeypatch.setattr(ingest_stage, "BATCH_FILES", 2)
    monkeypatch.setattr(runner, "SEGMENT_BATCH", 3)
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--stages", "ingest,segment", "--workers", "1"]) == 0
    assert pq.ParquetFile(out / "places.parquet").num_row_groups > 2
    assert pq.ParquetFile(out / "measures.parquet").num_row_groups > 2
