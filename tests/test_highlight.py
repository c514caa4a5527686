"""Spans marked in place: the text is cut at span edges and nothing is added to it."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.highlight import highlight, pieces

TEXT = "推行党支部+合作社+农户模式，带动贫困户1200余户增收。"


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_pieces_break_at_every_edge_and_list_the_innermost_span_first():
    model, stat = (2, 12, "模式"), (6, 9, "数据")
    cut = pieces(TEXT, 0, len(TEXT), [model, stat])
    assert [(a, b) for a, b, _ in cut] == [(0, 2), (2, 6), (6, 9), (9, 12), (12, len(TEXT))]
    assert cut[2][2] == [stat, model] and cut[1][2] == [model] and cut[0][2] == []


def test_a_span_crossing_the_window_is_clipped_but_keeps_its_offsets_in_the_title():
    markup = highlight(TEXT, [(10, 30, "数据")], {"数据": "#7fc8f8"}, begin=0, end=15)
    assert plain(markup) == TEXT[:15]
    assert 'data-start="10" data-end="15"' in markup and "数据 10–30" in markup


@given(st.text(alphabet="党<>&\"'支部+。\n", min_size=1, max_size=30), st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=6))
def test_the_marked_text_is_the_text(text, edges):
    spans = [(min(a, b), max(a, b), "x") for a, b in edges]
    assert plain(highlight(text, spans, {})) == text


def test_labels_are_escaped_in_the_attributes():
    markup = highlight(TEXT, [(2, 12, 'A&B<"模式">'), (6, 9, "数据")], {})
    assert 'data-labels="数据 A&amp;B&lt;&quot;模式&quot;&gt;"' in markup
    assert 'title="数据 6–9; A&amp;B&lt;&quot;模式&quot;&gt; 2–12"' in markup
    assert 'title="A&amp;B&lt;&quot;模式&quot;&gt; 2–12"' in markup and "<\"" not in markup
