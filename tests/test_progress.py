"""Tests for pipeline.progress: what a long run tells its user."""
from __future__ import annotations

import logging
import re

from pipeline.progress import bar, step


def test_a_step_logs_its_start_duration_and_peak_memory(caplog):
    with caplog.at_level(logging.INFO), step("practice clusters", logging.getLogger("pipeline.test")):
        pass
    assert [r.getMessage() for r in caplog.records][0] == "practice clusters …"
    assert re.fullmatch(r"practice clusters: \d+\.\d s \(peak memory so far \d+\.\d GiB\)", caplog.records[-1].getMessage())


def test_a_bar_off_a_terminal_shows_nothing(capsys):
    with bar(False, "read", 10, "file") as done:
        done.update(10)
    assert capsys.readouterr() == ("", "")
