"""Listing a corpus folder: discover lists what os.walk finds; has_entries answers what discover would,
without listing the whole folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.ingest.readers import Entry, discover, file_entry, has_entries, source_name
from tests.robustness.battery import KINDS

LISTED_KINDS = ["hidden file", "hidden folder", "nested folders", "dangling link", "link loop", "link to a folder", "FIFO"]


@pytest.mark.parametrize("kind", LISTED_KINDS)
def test_a_folder_holding_one_entry_of_any_kind_has_entries(tmp_path, kind):
    KINDS[kind][0](tmp_path)
    assert discover(tmp_path)  # the reference: discover lists it (and ingest rejects it with its reason)
    assert has_entries(tmp_path)


def test_empty_folders_all_the_way_down_have_no_entries(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "c").mkdir()
    assert discover(tmp_path) == [] and not has_entries(tmp_path)



def walked(corpus: Path) -> list[Entry]:
    """The listing as discover made it with os.walk, a stat and path arithmetic per file: the reference."""
    entries: list[Entry] = []
    for folder, dirs, files in os.walk(corpus, followlinks=False, onerror=lambda err: entries.append(
            Entry(Path(err.filename or corpus), source_name(Path(err.filename or corpus), corpus), f"unreadable folder: {err.strerror}"))):
        here = Path(folder)
        for name in sorted(dirs):
            path = here / name
            if name.startswith(".") or path.is_symlink():
                reason = "hidden folder: not read" if name.startswith(".") else "link to a folder: not followed"
                entries.append(Entry(path, source_name(path, corpus), reason))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        entries.extend(file_entry(here / name, corpus) for name in sorted(files))
    return sorted(entries, key=lambda e: e.source)


def test_the_listing_is_the_one_os_walk_gives_for_every_kind_of_entry(tmp_path):
    for build, _, _ in KINDS.values():
        build(tmp_path)
    (tmp_path / "x" / "y").mkdir(parents=True)
    (tmp_path / "x" / "y" / "深层.txt").write_text("党建", encoding="utf-8")
    (tmp_path / "x" / "空").mkdir()
    os.symlink(tmp_path / "x" / "y" / "深层.txt", tmp_path / "x" / "link_to_file.txt")
    (tmp_path / os.fsdecode(b"gbk_\xb5\xb3.txt")).write_bytes(b"x")  # a name that is not UTF-8
    listed = discover(tmp_path)
    assert listed == walked(tmp_path)
    assert {e.problem for e in listed} >= {None, "hidden folder: not read", "link to a folder: not followed"}
    assert "gbk_\\xb5\\xb3.txt" in {e.source for e in listed}
