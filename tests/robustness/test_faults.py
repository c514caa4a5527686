"""Runs that survive faults: stale tables refused, interrupted runs resumed to the same bytes, clear errors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.provenance import corpus_fingerprint
from tests.conftest import ROOT
from tests.seeds import seed_path

TABLE_SUFFIXES = (".parquet", ".csv")


def small_corpus(folder: Path, prefixes=("000", "001", "002")) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for prefix in prefixes:
        shutil.copy(seed_path(prefix), folder / seed_path(prefix).name)
    return folder


def table_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in TABLE_SUFFIXES}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """An uninterrupted run of a small corpus."""
    base = tmp_path_factory.mktemp("faults")
    corpus, out = small_corpus(base / "corpus"), base / "reference"
    assert main(["run", "--corpus", str(corpus), "--out", str(out)]) == 0
    return corpus, out


def test_tables_of_another_corpus_are_refused(reference, tmp_path, capsys):
    """Corpus A fully, then corpus B with --stages ingest, then analyze: refused, naming the stage to run."""
    corpus_a, _ = reference
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(corpus_a), "--out", str(out)]) == 0
    corpus_b = small_corpus(tmp_path / "b", ("003",))
    assert main(["run", "--corpus", str(corpus_b), "--out", str(out), "--stages", "ingest"]) == 0
    assert not (out / "measures.parquet").exists() and not (out / "report.html").exists()  # downstream cleared
    assert not (out / "report").exists() and not list(out.glob(".stale-*"))  # its pages deleted once ingest ends
    assert main(["analyze", "--out", str(out)]) == 2
    assert "segment" in capsys.readouterr().err


def test_a_table_changed_behind_the_runs_back_is_refused(reference, tmp_path, capsys):
    _, out_ref = reference
    out = tmp_path / "out"
    shutil.copytree(out_ref, out)
    pd.read_parquet(out / "measures.parquet").head(3).to_parquet(out / "measures.parquet")
    assert main(["analyze", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "measures.parquet" in err and "run `segment` again" in err


def test_an_interrupted_run_resumes_to_the_same_bytes(reference, tmp_path):
    """Segment died after writing one table and before recording itself: run again, get identical tables."""
    corpus, out_ref = reference
    out = tmp_path / "out"
    shutil.copytree(out_ref, out)
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    del record["stages"]["segment"], record["stages"]["analyze"]
    (out / "run.json").write_text(json.dumps(record), encoding="utf-8")
    for name in ("statistics", "slogans", "models", "clusters"):
        for suffix in TABLE_SUFFIXES:
            (out / f"{name}{suffix}").unlink()
    assert main(["run", "--corpus", str(corpus), "--out", str(out)]) == 0
    assert table_bytes(out) == table_bytes(out_ref)


def test_a_run_killed_during_segment_resumes(reference, tmp_path):
    """kill -9 while segment runs (best effort on timing); the next run completes with the reference bytes."""
    corpus, out_ref = reference
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--out", str(out)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        record = out / "run.json"
        if record.exists() and '"ingest"' in record.read_text(encoding="utf-8"):
            break
        time.sleep(0.05)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()
    assert not any(p.stat().st_size < 8 and p.suffix == ".parquet" for p in out.iterdir())
    assert main(["run", "--corpus", str(corpus), "--out", str(out)]) == 0
    assert table_bytes(out) == table_bytes(out_ref)


def test_a_table_write_that_fails_leaves_no_truncated_file(tmp_path, monkeypatch):
    from pipeline.io import write_table

    frame = pd.DataFrame({"a": [1, 2]})
    write_table(frame, tmp_path, "t")
    before = (tmp_path / "t.parquet").read_bytes()

    def dies(self, path, **kwargs):
        Path(path).write_bytes(b"PAR1")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", dies)
    with pytest.raises(OSError):
        write_table(pd.DataFrame({"a": [3]}), tmp_path, "t")
    assert (tmp_path / "t.parquet").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_damaged_table_is_a_one_line_error(reference, tmp_path, capsys):
    _, out_ref = reference
    out = tmp_path / "out"
    shutil.copytree(out_ref, out)
    (out / "documents.parquet").write_bytes(b"PAR1")
    assert main(["segment", "--out", str(out)]) == 2
    assert "documents.parquet" in capsys.readouterr().err


def test_an_output_folder_inside_the_corpus_is_refused(tmp_path, capsys):
    corpus = small_corpus(tmp_path / "corpus", ("000",))
    assert main(["run", "--corpus", str(corpus), "--out", str(corpus / "outputs")]) == 2
    assert "inside the corpus" in capsys.readouterr().err
    assert not (corpus / "outputs" / "manifest.parquet").exists()


def test_an_unwritable_output_folder_is_refused_before_any_work(tmp_path, capsys):
    corpus = small_corpus(tmp_path / "corpus", ("000",))
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    assert main(["run", "--corpus", str(corpus), "--out", str(blocker / "out")]) == 2
    assert "cannot be written" in capsys.readouterr().err


def test_ctrl_c_prints_one_line(tmp_path, monkeypatch, capsys):
    from pipeline import runner

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_stage", interrupted)
    corpus = small_corpus(tmp_path / "corpus", ("000",))
    assert main(["run", "--corpus", str(corpus), "--out", str(tmp_path / "out")]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("interrupted")


def test_a_changed_word_list_reruns_and_is_recorded(reference, tmp_path):
    """run.json names the word lists' fingerprint; editing one re-runs the stages and records the change."""
    corpus, out_ref = reference
    out, data = tmp_path / "out", tmp_path / "data"
    shutil.copytree(out_ref, out)
    shutil.copytree(ROOT / "pipeline" / "data", data)
    before = json.loads((out / "run.json").read_text(encoding="utf-8"))
    with (data / "stopwords.txt").open("a", encoding="utf-8") as handle:
        handle.write("党建\n")
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--data", str(data)]) == 0
    after = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert after["inputs"]["data"]["files"]["stopwords.txt"] != before["inputs"]["data"]["files"]["stopwords.txt"]
    assert after["stages"]["analyze"]["key"] != before["stages"]["analyze"]["key"]


def test_run_json_says_how_the_output_was_made(reference):
    corpus, out = reference
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["inputs"]["corpus"] == corpus_fingerprint(corpus)  # hashed while ingest ran: the same record
    assert {"version", "commit", "dirty", "code"} <= set(record["environment"]["pipeline"])
    assert "pandas" in record["environment"]["packages"] and record["environment"]["python"]
    assert record["inputs"]["corpus"]["n_entries"] == 3 and record["inputs"]["corpus"]["fingerprint"]
    assert "analyze" in record["inputs"]["parameters"]
    for stage in ("ingest", "segment", "analyze"):
        entry = record["stages"][stage]
        assert entry["seconds"] >= 0 and entry["peak_memory_mb"] > 0 and entry["tables"]
    assert os.path.exists(out / "report.html")


def test_the_report_says_what_made_it(reference):
    """Its methods section names the version, the corpus and the word lists of run.json, and no time."""
    _, out = reference
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    report = (out / "report" / "index.html").read_text(encoding="utf-8")
    methods = report[report.index('<section id="methods">'):]
    assert record["inputs"]["corpus"]["fingerprint"] in methods and record["inputs"]["data"]["fingerprint"] in methods
    assert f"pipeline {record['environment']['pipeline']['version']}" in methods
    assert f"pandas {record['environment']['packages']['pandas']}" in methods
    assert " 秒" not in methods and " MB" not in methods and str(Path(out).resolve()) not in methods  # no times, no paths


@pytest.mark.parametrize(("fault", "said"), [
    (MemoryError(), "out of memory"),
    (OSError(28, "No space left on device", "measures.parquet"), "no space left on the disk"),
])
def test_running_short_of_memory_or_disk_ends_with_a_message_not_a_traceback(reference, tmp_path, monkeypatch, capsys,
                                                                             fault, said):
    from pipeline import runner

    corpus, out_ref = reference
    out = tmp_path / "out"
    shutil.copytree(out_ref, out)

    def short(*args, **kwargs):
        raise fault

    monkeypatch.setattr(runner, "run_analyze", short)
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--stages", "analyze", "--force"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: ") and said in err and "resumes" in err and "Traceback" not in err
    assert (out / "measures.parquet").is_file()  # the segment tables stay for the next try


def test_a_worker_killed_by_the_system_is_named(tmp_path, capsys):
    """A pool worker that dies (as the out-of-memory killer does it) ends the run with a message."""
    corpus = small_corpus(tmp_path / "corpus", ("000", "001", "002", "003", "004"))
    code = """
import os, signal, sys
import pipeline.segment
from pipeline.cli import main
parent, segment_one = os.getpid(), pipeline.segment.segment_one
def dying(*args):  # the parent does the first document itself (fork start): only workers die
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return segment_one(*args)
pipeline.segment.segment_one = dying
sys.exit(main(sys.argv[1:]))
"""
    done = subprocess.run([sys.executable, "-c", code, "run", "--corpus", str(corpus), "--out", str(tmp_path / "out"),
                           "--workers", "2"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 3, done.stderr[-2000:]
    assert "a worker process died" in done.stderr and "Traceback" not in done.stderr
