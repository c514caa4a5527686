"""Clean text with labelled spans marked in HTML, without changing a character of the text.

The text is cut at every span edge; each piece is one <span> carrying the labels that cover it, their
offsets (data-start/data-end of the piece, title with every covering span's label and offsets) and the
colour of the innermost span. Nothing is inserted between pieces, so the page's text is the document's
text: the marked document reads like the source, and a span's offsets can be checked in the browser.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable

Span = tuple[int, int, str]  # start, end, label


def pieces(text: str, begin: int, end: int, spans: Iterable[Span], cuts: Iterable[int] = ()) -> list[tuple[int, int, list[Span]]]:
    """text[begin:end] cut at every span edge (and at `cuts`): (start, end, spans covering the piece, innermost first)."""
    inside = [(max(s, begin), min(e, end), label, s, e) for s, e, label in spans if s < end and e > begin and s < e]
    cuts = sorted({begin, end} | {c for s, e, *_ in inside for c in (s, e)} | {c for c in cuts if begin < c < end})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [(s0, e0, label) for s, e, label, s0, e0 in inside if s <= a and b <= e]
        if len(covering) > 1:
            covering.sort(key=_innermost_first)
        out.append((a, b, covering))
    return out


def _innermost_first(span: Span) -> tuple[int, int]:
    return span[1] - span[0], span[0]


# labels as escaped for HTML: a page repeats a handful of them thousands of times
_escaped = functools.lru_cache(maxsize=4096)(html.escape)


def highlight(text: str, spans: Iterable[Span], colors: dict[str, str], begin: int = 0, end: int | None = None,
              cuts: Iterable[int] = (), every_piece: bool = False) -> str:
    """HTML of text[begin:end] with its spans marked (see the module docstring); every character escaped.

    `cuts`: more offsets to cut at (the ends of a sentence a page links to); `every_piece`: unmarked
    pieces are elements with their offsets too, so a script can find any stretch of the text.
    """
    end = len(text) if end is None else end
    parts = []
    for a, b, covering in pieces(text, begin, end, list(spans), cuts):
        piece = html.escape(text[a:b])
        if not covering:
            parts.append(f'<span data-start="{a}" data-end="{b}">{piece}</span>' if every_piece else piece)
            continue
        labels, title = _mark(tuple(covering))
        color = colors.get(covering[0][2], "#dddddd")
        parts.append(f'<span class="mark" data-labels="{labels}" data-start="{a}" data-end="{b}" '
                     f'title="{title}" style="background:{color}">{piece}</span>')
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def _mark(covering: tuple[Span, ...]) -> tuple[str, str]:
    """The labels and title of a marked piece: remembered, since a long span (a reused passage) covers
    piece after piece with the same spans."""
    # escaped label by label (escaping works letter by letter; the offsets and separators need none)
    labels = " ".join(dict.fromkeys(_escaped(label) for _, _, label in covering))
    return labels, "; ".join(f"{_escaped(label)} {s}–{e}" for s, e, label in covering)
