"""Tests for pipeline/provenance.py: the versions a run records, the hashes it takes."""

from __future__ import annotations

import threading
from importlib import metadata

import pytest

from pipeline.provenance import file_hashes, in_background, name_and_version, package_versions, settled, sha256_file


def test_every_installed_version_is_the_one_importlib_reads():
    expected = {dist.metadata["Name"]: dist.version for dist in metadata.distributions() if dist.metadata["Name"]}
    assert package_versions() == dict(sorted(expected.items(), key=lambda item: item[0].lower()))
    assert "pandas" in package_versions()


def test_the_version_comes_from_the_headers_not_the_description(tmp_path):
    info = tmp_path / "demo-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: demo\nVersion: 1.2\nSummary: a demo\n"
        "Description-Content-Type: text/markdown\n\n# Demo\nVersion: 9.9 is not this one.\nName: other\n",
        encoding="utf-8")
    dist = metadata.PathDistribution(info)
    assert name_and_version(dist) == ("demo", "1.2") == (dist.metadata["Name"], dist.version)


def test_an_egg_info_reads_its_pkg_info_and_a_nameless_one_is_left_out(tmp_path):
    egg = tmp_path / "old.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: old\nVersion: 0.1\n", encoding="utf-8")
    empty = tmp_path / "broken.dist-info"
    empty.mkdir()
    assert name_and_version(metadata.PathDistribution(egg)) == ("old", "0.1")
    assert name_and_version(metadata.PathDistribution(empty)) == (None, None)


def test_inputs_computed_in_the_background_are_waited_for_and_their_errors_raised():
    release = threading.Event()

    def slow_hash():
        release.wait(5)
        return {"fingerprint": "abc"}

    inputs = {"data": {"fingerprint": "d"}, "corpus": in_background(slow_hash)}
    assert not inputs["corpus"].done()  # still running: settled has to wait for it
    release.set()
    assert settled(inputs) == {"data": {"fingerprint": "d"}, "corpus": {"fingerprint": "abc"}}

    def broken():
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        settled({"corpus": in_background(broken)})


def test_files_hashed_in_threads_keep_their_order(tmp_path):
    paths = []
    for i in range(9):
        paths.append(tmp_path / f"{i}.bin")
        paths[-1].write_bytes(bytes([i]) * (i * 100_000 + 1))
    assert file_hashes(paths) == [sha256_file(p) for p in paths]
    assert len(set(file_hashes(paths))) == 9 and file_hashes([]) == []


def test_downstream_folders_are_gone_at_once_and_deleted_by_the_time_waited_for(tmp_path):
    """clear_downstream sets the report and figures aside (absent right away), deletes them in the
    background, and also deletes a folder a killed run had set aside; the stage's own tables stay."""
    from pipeline.provenance import clear_downstream, wait_for_removals

    out = tmp_path / "out"
    for folder in ("report/documents", "figures", ".stale-report-killed/documents"):
        (out / folder).mkdir(parents=True)
    for page in range(300):
        (out / "report" / "documents" / f"{page}.html").write_text("页", encoding="utf-8")
        (out / ".stale-report-killed" / "documents" / f"{page}.html").write_text("页", encoding="utf-8")
    (out / "figures" / "a.png").write_bytes(b"png")
    for name in ("report.html", "reuse.csv", "documents.parquet", "measures.parquet"):
        (out / name).write_text("x", encoding="utf-8")
    clear_downstream(out, "segment")
    assert not (out / "report").exists() and not (out / "figures").exists()
    assert not (out / "report.html").exists() and not (out / "reuse.csv").exists()
    assert (out / "documents.parquet").exists() and (out / "measures.parquet").exists()  # segment's own
    wait_for_removals()
    assert sorted(p.name for p in out.iterdir()) == ["documents.parquet", "measures.parquet"]
