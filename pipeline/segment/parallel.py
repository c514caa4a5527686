"""Unmarked measures: short lead sentences in parallel form (抓X,强化Y。 抓Z,强化W。 …).

Detection is by shape, not by word lists: at least three consecutive lead sentences with the
same number of clauses and nearly the same clause lengths (or the same first character).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from pipeline.segment.markers import Marker, paragraphs

logger = logging.getLogger(__name__)

MIN_RUN = 3  # parallelism needs at least three members; two could be chance
MAX_LEAD_CHARS = 24  # a lead sentence longer than this reads as prose, not a heading
MAX_INLINE_LEAD_CHARS = 16  # inside a paragraph be stricter: precision first
MAX_CAPTION_CHARS = 40  # a one-sentence paragraph this short (photo caption) does not break a run
CLAUSE_TOLERANCE = 2
SENTENCE_END = "。！？!?"
CLAUSE_SPLIT = re.compile(r"[,，、；;：:]")


def shape(sentence: str) -> tuple[int, ...]:
    """Clause lengths of a sentence without its final punctuation."""
    return tuple(len(part) for part in CLAUSE_SPLIT.split(sentence.rstrip(SENTENCE_END)))


def similar(a: str, b: str) -> bool:
    """Whether two lead sentences share a parallel shape."""
    sa, sb = shape(a), shape(b)
    if len(sa) != len(sb) or 0 in sa or 0 in sb:
        return False
    if all(abs(x - y) <= CLAUSE_TOLERANCE for x, y in zip(sa, sb)):
        return True
    return a[0] == b[0] and abs(sum(sa) - sum(sb)) <= 2 * CLAUSE_TOLERANCE


def first_sentence_end(text: str, start: int, end: int) -> int | None:
    """End offset (after the terminator) of the first sentence of text[start:end]."""
    for pos in range(start, end):
        if text[pos] in SENTENCE_END:
            return pos + 1
    return None


def lead_of(text: str, start: int, end: int) -> str | None:
    """The short lead sentence of a paragraph that goes on after it, else None."""
    stop = first_sentence_end(text, start, end)
    if stop is None or stop >= end or stop - start - 1 > MAX_LEAD_CHARS or stop - start < 5:
        return None
    return text[start:stop]


def is_caption(text: str, start: int, end: int) -> bool:
    """A short one-sentence paragraph (photo caption, transition) that may sit inside a run."""
    stop = first_sentence_end(text, start, end)
    return end - start <= MAX_CAPTION_CHARS and (stop is None or stop >= end)


def chains(items: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split consecutive (offset, sentence) items into maximal runs of similar neighbours."""
    runs: list[list[tuple[int, str]]] = []
    for item in items:
        if runs and similar(runs[-1][-1][1], item[1]) and similar(runs[-1][0][1], item[1]):
            runs[-1].append(item)
        else:
            runs.append([item])
    return [run for run in runs if len(run) >= MIN_RUN]


def to_markers(runs: Iterable[list[tuple[int, str]]], kind: str, block: bool) -> list[Marker]:
    """Empty-literal markers at each run member's offset, numbered within the run."""
    return [
        Marker(kind, index, "", offset, offset, block)
        for run in runs
        for index, (offset, _) in enumerate(run, start=1)
    ]


def paragraph_leads(text: str, marked: set[int]) -> list[Marker]:
    """Unmarked paragraphs whose lead sentences form a parallel run (marker kind 'lead')."""
    groups: list[list[tuple[int, str]]] = [[]]
    for start, end in paragraphs(text):
        lead = None if start in marked else lead_of(text, start, end)
        if lead is not None:
            groups[-1].append((start, lead))
        elif start in marked or not is_caption(text, start, end):
            groups.append([])
    return to_markers((run for group in groups for run in chains(group)), "lead", True)


def sentences_after_first(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph after its first one."""
    spans, pos = [], start
    for index in range(start, end):
        if text[index] in SENTENCE_END:
            spans.append((pos, index + 1))
            pos = index + 1
    return spans[1:]


def inline_leads(text: str, marked: set[int]) -> list[Marker]:
    """Short parallel sentences inside one paragraph, each followed by more text ('inline_lead')."""
    found: list[Marker] = []
    for start, end in paragraphs(text):
        spans = sentences_after_first(text, start, end)
        items = [
            (s, text[s:e]) for i, (s, e) in enumerate(spans)
            if s not in marked and e - s - 1 <= MAX_INLINE_LEAD_CHARS and e - s >= 5
            and i + 1 < len(spans) and spans[i + 1][1] - spans[i + 1][0] > e - s
        ]
        found.extend(to_markers(similar_groups(items), "inline_lead", False))
    return found


def similar_groups(items: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The largest group (≥ MIN_RUN) of mutually similar sentences in one paragraph, as a list."""
    groups: list[list[tuple[int, str]]] = []
    for item in items:
        home = next((g for g in groups if all(similar(x[1], item[1]) for x in g)), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    best = max(groups, key=len, default=[])
    return [best] if len(best) >= MIN_RUN else []
