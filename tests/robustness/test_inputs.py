"""Nothing in a corpus stops, stalls or corrupts a run: every bad kind of input, mixed into seeds, at once.

The whole battery (tests/robustness/battery.py) goes into one corpus with two seed pages; one full run
of the command line must end with exit code 0, a manifest row for every entry, the expected status and
reason for each bad input, valid spans, CSV copies a spreadsheet cannot run as formulas, and a report.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.schema import SPAN_SURFACE, span_violations
from tests.robustness.battery import KINDS
from tests.seeds import seed_path


@pytest.fixture(scope="module")
def battery_run(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("battery")
    for prefix in ("000", "003"):
        shutil.copy(seed_path(prefix), corpus / seed_path(prefix).name)
    for build, _, _ in KINDS.values():
        build(corpus)
    out = tmp_path_factory.mktemp("battery_out")
    code = main(["run", "--corpus", str(corpus), "--out", str(out)])
    return code, corpus, out


def manifest_rows(out) -> pd.DataFrame:
    return pd.read_parquet(out / "manifest.parquet")


def test_the_run_ends_normally(battery_run):
    code, _, out = battery_run
    assert code == 0
    assert (out / "report.html").stat().st_size > 0


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_is_accounted_for_with_a_reason(battery_run, kind):
    _, _, out = battery_run
    _, status, reason = KINDS[kind]
    manifest = manifest_rows(out)
    assert manifest["source"].is_unique
    if status is None:
        return
    rows = manifest[manifest["status"] == status]
    if reason is not None:
        rows = rows[rows["reason"].fillna("").str.contains(reason, regex=False)]
    assert len(rows) >= 1, f"{kind}: no {status} row with {reason!r}"


def test_every_entry_has_a_manifest_row(battery_run):
    _, corpus, out = battery_run
    sources = set(manifest_rows(out)["source"].str.split("#row=").str[0])
    assert "bad_\\xff\\xfe.txt" in sources  # a name that is not UTF-8, written with escapes
    for expected in ("a/b/c/d/深层 文件.txt", ".hidden.txt", ".git", "dangling.txt", "loop_a.txt", "linked", "pipe.txt"):
        assert expected in sources, expected


def test_spans_stay_valid(battery_run):
    _, _, out = battery_run
    documents = pd.read_parquet(out / "documents.parquet")
    for name in sorted(SPAN_SURFACE):
        spans = pd.read_parquet(out / f"{name}.parquet")
        assert len(span_violations(documents, spans, name)) == 0, name


def test_invisible_and_control_characters_never_reach_the_tables(battery_run):
    _, _, out = battery_run
    texts = "".join(pd.read_parquet(out / "documents.parquet")["text"])
    for ch in ("\u200b", "\u202e", "\u2066", "\x00", "\x07", "\x1b"):
        assert ch not in texts, repr(ch)
    zw = pd.read_parquet(out / "documents.parquet").set_index("source").loc["zw.txt"]
    assert zw["title"] == "某乡工作经验" and "党建" in zw["text"]


def test_csv_copies_hold_no_formula(battery_run):
    _, _, out = battery_run
    for path in out.glob("*.csv"):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in table.columns:
            # a plain negative number (an NPMI of -0.05) is a number to a spreadsheet, not a formula
            risky = table[column].str.match(r"[=+\-@]") & ~table[column].str.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
            assert not risky.any(), (path.name, column)


def test_a_csv_unbalanced_quote_is_reported_on_its_row(battery_run):
    _, _, out = battery_run
    rows = manifest_rows(out)
    quote = rows[rows["source"].str.startswith("quote.csv")]
    assert (quote["status"] == "rejected").any()
    assert not quote["reason"].fillna("").str.contains("no text").any()


def test_an_unreadable_file_is_a_rejected_row(tmp_path, resources, monkeypatch):
    """A permission error (chmod does not stop root, so the read is made to fail) rejects only that file."""
    from pathlib import Path

    from pipeline.ingest import ingest

    shutil.copy(seed_path("000"), tmp_path / "ok.txt")
    (tmp_path / "locked.txt").write_text("某县经验\n" + "内容。" * 20, encoding="utf-8")
    real = Path.read_bytes

    def guarded(path):
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    manifest = ingest(tmp_path, resources).manifest.set_index("source")
    assert manifest.loc["locked.txt", "status"] == "rejected"
    assert "Permission denied" in manifest.loc["locked.txt", "reason"]
    assert manifest.loc["ok.txt", "status"] == "accepted"


def test_a_corpus_of_rejected_files_still_ends_with_a_report(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    (corpus / "a.pdf").write_bytes(b"%PDF-1.4 a")
    (corpus / "b.pdf").write_bytes(b"%PDF-1.4 b")
    assert main(["run", "--corpus", str(corpus), "--out", str(out)]) == 0
    assert set(pd.read_parquet(out / "manifest.parquet")["status"]) == {"rejected"}
    assert (out / "report.html").exists()


def test_one_megabyte_adversarial_documents_end_as_rows_not_stalls(tmp_path):
    """1 MB each of digits+万, unpunctuated prose and plus chains beside a seed: the run ends normally,
    the digits are flagged as too dense, the others are segmented, and no table copies a document's text."""
    from tests.robustness.battery import adversarial

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    shutil.copy(seed_path("000"), corpus / seed_path("000").name)
    for kind in ("digits", "no-punctuation", "plus-chains"):
        (corpus / f"{kind}.txt").write_text(f"某县{kind}\n" + adversarial(kind, 1_000_000), encoding="utf-8")
    assert main(["run", "--corpus", str(corpus), "--out", str(out)]) == 0
    documents = pd.read_parquet(out / "documents.parquet").set_index("source")
    assert documents.loc["digits.txt", "segment_error"].startswith("too dense to segment")
    assert documents.loc[["no-punctuation.txt", "plus-chains.txt"], "segment_error"].isna().all()
    for name in ("statistics", "county_statistics", "measures"):
        table = pd.read_parquet(out / f"{name}.parquet")
        assert table.select_dtypes(["object", "str"]).map(lambda v: len(v) if isinstance(v, str) else 0).to_numpy().max(initial=0) < 20_000, name
