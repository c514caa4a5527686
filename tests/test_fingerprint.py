"""The default corpus's results stay what they were unless someone rewrites tests/fingerprint.json on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from pipeline.cli import main
from pipeline.fingerprint import as_text, difference, summarise

COMMITTED = Path(__file__).parent / "fingerprint.json"


def test_results_match_the_committed_fingerprint(pipeline_out):
    diff = difference(COMMITTED.read_text(encoding="utf-8"), as_text(summarise(pipeline_out)))
    assert not diff, f"results moved; if on purpose, run `make fingerprint` and commit tests/fingerprint.json:\n{diff}"


def test_a_moved_result_is_a_readable_diff(pipeline_out, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(pipeline_out, out)
    clusters = pd.read_parquet(out / "clusters.parquet")
    clusters.iloc[1:].to_parquet(out / "clusters.parquet")
    dropped = f'{int(clusters["size"].iloc[0])} {clusters["label"].iloc[0]}'
    assert main(["fingerprint", "--out", str(out), "--file", str(COMMITTED)]) == 1
    printed = capsys.readouterr().out
    assert f'-  "{dropped}"' in printed and f'-  "clusters": {len(clusters)},' in printed
    assert main(["fingerprint", "--out", str(out), "--file", str(tmp_path / "new.json"), "--write"]) == 0
    assert main(["fingerprint", "--out", str(out), "--file", str(tmp_path / "new.json")]) == 0
