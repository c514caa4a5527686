"""Letter-level helpers shared by the stages."""

import re

from pipeline.textscan import match_ends

BREAK = re.compile(r"[。；\n]")


def test_match_ends_are_where_each_match_ends_for_each_pattern_and_text():
    text = "全县建成扶贫车间86个。吸纳就业2300余人；\n带动增收"
    assert match_ends(BREAK, text) == (12, 23, 24)
    assert match_ends(re.compile(r"[0-9]+"), text) == (10, 20)  # the same text, another pattern
    assert match_ends(BREAK, "没有句末") == ()
