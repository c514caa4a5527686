"""Shared fixtures: the package resources and one full pipeline run on the default corpus."""

from __future__ import annotations

import argparse
import functools
import os
from pathlib import Path

import pandas as pd
import pytest



ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
RAW = CORPUS / "raw"
GOLD = Path(__file__).resolve().parent / "gold"


@functools.cache
def package_resources():
    """Resources loaded once from the package data folder (read-only, shared by the session)."""
    from pipeline.resources import load_resources

    return load_resources()


@pytest.fixture(scope="session")
def resources():
    """The package resources (a test folder may override this name with its own)."""
    return package_resources()


@pytest.fixture(scope="session")
def pipeline_out(tmp_path_factory) -> Path:
    """An output folder holding every table of a full run on the default corpus."""
    from pipeline import runner

    out = tmp_path_factory.mktemp("outputs")
    args = argparse.Namespace(corpus=CORPUS, out=out, data=None)
    for stage in ("ingest", "segment", "analyze"):
        runner.run_stage(stage, args, package_resources(), progress=False)
    os.environ["PIPELINE_OUT"] = str(out)
    return out


@pytest.fixture(scope="session")
def documents(pipeline_out) -> pd.DataFrame:
    """The documents table of the default run."""
    return pd.read_parquet(pipeline_out / "documents.parquet")
