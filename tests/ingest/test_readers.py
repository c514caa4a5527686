"""Listing a corpus folder: has_entries answers what discover would, without listing the whole folder."""

from __future__ import annotations

import pytest

from pipeline.ingest.readers import discover, has_entries
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

