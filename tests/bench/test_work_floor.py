"""The per-document work benchmark (bench/work_floor.py) times every document a run makes, and only those."""

from __future__ import annotations

import pandas as pd

from bench.work_floor import ingest_work, segment_work
from tests.conftest import CORPUS


def test_ingest_work_makes_every_document_of_the_run(pipeline_out, resources):
    work = ingest_work(CORPUS, resources)
    documents = pd.read_parquet(pipeline_out / "documents.parquet", columns=["doc_id"])
    assert work["documents"] == len(documents)
    assert work["prepare_cpu_s"] > 0 and work["finish_cpu_s"] > 0


def test_segment_work_leaves_out_duplicates_as_the_stage_does(pipeline_out, resources):
    documents = pd.read_parquet(pipeline_out / "documents.parquet", columns=["duplicate_of"])
    assert documents["duplicate_of"].notna().any()  # the default corpus holds duplicates: the test means something
    work = segment_work(pipeline_out, resources)
    assert work["documents"] == documents["duplicate_of"].isna().sum()
    assert work["cpu_s"] > 0
