"""Unmarked measures: heading lines, lead sentences of paragraphs, parallel lead clauses inside one.

Detection is by shape, not by word lists:
- a *heading line* is a short line of its own without sentence punctuation, followed by prose; a
  document that numbers its sections with `一、` has none (its numbered sections are the headings);
- a *paragraph lead* is a short first sentence (no figures in it) of a paragraph that goes on, in a
  run of at least two consecutive such paragraphs whose leads share a parallel shape;
- an *inline lead* is one of at least three short, mutually parallel sentences inside one paragraph,
  each followed by a longer sentence that elaborates it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from pipeline.segment.markers import Marker

logger = logging.getLogger(__name__)

MIN_RUN = 2  # two sibling paragraphs opening alike already make an enumeration
MIN_INLINE_RUN = 3  # inside a paragraph be stricter: two short sentences could be chance
MAX_LEAD_CHARS = 30  # a lead sentence longer than this reads as prose, not a heading
MIN_LEAD_CHARS = 4
MAX_INLINE_LEAD_CHARS = 16
MAX_CAPTION_CHARS = 40  # a one-sentence paragraph this short (photo caption) does not break a run
MAX_HEADING_LINE_CHARS = 25
MIN_PROSE_CHARS = 40  # what follows a heading line must be a paragraph of prose
MIN_HEADING_LINES = 2
MAX_SENTENCES_PER_PARAGRAPH = 400  # bound the pairwise shape comparison on pathological paragraphs
CLAUSE_TOLERANCE = 2
LENGTH_RATIO = 1.6  # parallel leads of one clause may differ in length by this factor
SENTENCE_END = "。！？!?"
CLAUSE_SPLIT = re.compile(r"[,，、；;：:]")
HEADING_LINE_PUNCTUATION = re.compile(r"[。！？!?；;：:，,、\s]")
DIGIT = re.compile(r"[0-9０-９]")


def shape(sentence: str) -> tuple[int, ...]:
    """Clause lengths of a sentence without its final punctuation."""
    return tuple(len(part) for part in CLAUSE_SPLIT.split(sentence.rstrip(SENTENCE_END)))


def similar(a: str, b: str) -> bool:
    """Whether two lead sentences share a parallel shape: as many clauses, of comparable lengths."""
    sa, sb = shape(a), shape(b)
    if len(sa) != len(sb) or 0 in sa or 0 in sb:
        return False
    if all(abs(x - y) <= CLAUSE_TOLERANCE for x, y in zip(sa, sb)):
        return True
    if a[0] == b[0] and abs(sum(sa) - sum(sb)) <= 2 * CLAUSE_TOLERANCE:
        return True
    return max(sum(sa), sum(sb)) <= LENGTH_RATIO * min(sum(sa), sum(sb))


def first_sentence_end(text: str, start: int, end: int) -> int | None:
    """End offset (after the terminator) of the first sentence of text[start:end]."""
    for pos in range(start, min(end, start + MAX_LEAD_CHARS + 2)):
        if text[pos] in SENTENCE_END:
            return pos + 1
    return None


def lead_of(text: str, start: int, end: int) -> str | None:
    """The short lead sentence of a paragraph that goes on after it, else None."""
    stop = first_sentence_end(text, start, end)
    if stop is None or stop >= end or not MIN_LEAD_CHARS < stop - start <= MAX_LEAD_CHARS + 1:
        return None
    lead = text[start:stop]
    return None if DIGIT.search(lead) else lead


def is_caption(text: str, start: int, end: int) -> bool:
    """A short one-sentence paragraph (photo caption, transition) that may sit inside a run."""
    stop = first_sentence_end(text, start, end)
    return end - start <= MAX_CAPTION_CHARS and (stop is None or stop >= end)


def chains(items: list[tuple[int, str]], min_run: int) -> list[list[tuple[int, str]]]:
    """Split consecutive (offset, sentence) items into maximal runs of similar neighbours."""
    runs: list[list[tuple[int, str]]] = []
    for item in items:
        if runs and similar(runs[-1][-1][1], item[1]) and similar(runs[-1][0][1], item[1]):
            runs[-1].append(item)
        else:
            runs.append([item])
    return [run for run in runs if len(run) >= min_run]


def to_markers(runs: Iterable[list[tuple[int, str]]], kind: str, block: bool) -> list[Marker]:
    """Empty-literal markers at each run member's offset, numbered within the run."""
    return [
        Marker(kind, index, "", offset, offset, block)
        for run in runs
        for index, (offset, _) in enumerate(run, start=1)
    ]


def heading_lines(text: str, spans: list[tuple[int, int]], marked: set[int]) -> list[Marker]:
    """Short unpunctuated lines followed by prose (“十四五”时期工作回顾), when there are several."""
    found = []
    for index in range(1, len(spans) - 1):  # the first line is the title
        start, end = spans[index]
        following = spans[index + 1]
        if start in marked or not MIN_LEAD_CHARS <= end - start <= MAX_HEADING_LINE_CHARS:
            continue
        if HEADING_LINE_PUNCTUATION.search(text, start, end) or DIGIT.match(text, start):
            continue
        if following[1] - following[0] >= MIN_PROSE_CHARS and following[0] not in marked:
            found.append((start, text[start:end]))
    return to_markers([found], "heading", True) if len(found) >= MIN_HEADING_LINES else []


def paragraph_leads(text: str, spans: list[tuple[int, int]], marked: set[int]) -> list[Marker]:
    """Unmarked paragraphs whose lead sentences form a parallel run (marker kind 'lead')."""
    groups: list[list[tuple[int, str]]] = [[]]
    for start, end in spans:
        lead = None if start in marked else lead_of(text, start, end)
        if lead is not None:
            groups[-1].append((start, lead))
        elif start in marked or not is_caption(text, start, end):
            groups.append([])
    return to_markers((run for group in groups for run in chains(group, MIN_RUN)), "lead", True)


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph (at most MAX_SENTENCES_PER_PARAGRAPH)."""
    spans, pos = [], start
    for index in range(start, end):
        if text[index] in SENTENCE_END:
            spans.append((pos, index + 1))
            pos = index + 1
            if len(spans) >= MAX_SENTENCES_PER_PARAGRAPH:
                break
    return spans


def inline_leads(text: str, spans: list[tuple[int, int]], marked: set[int]) -> list[Marker]:
    """Short parallel sentences inside one paragraph, each followed by more text ('inline_lead').

    A paragraph's first sentence joins the run unless the paragraph opens with a marker or a lead
    of its own (then the run holds that item's children).
    """
    found: list[Marker] = []
    for start, end in spans:
        sentences = sentence_spans(text, start, end)
        first = 1 if start in marked else 0
        items = [
            (s, text[s:e]) for i, (s, e) in enumerate(sentences)
            if i >= first and s not in marked and MIN_LEAD_CHARS < e - s <= MAX_INLINE_LEAD_CHARS + 1
            and not DIGIT.search(text, s, e)
            and i + 1 < len(sentences) and sentences[i + 1][1] - sentences[i + 1][0] > e - s
        ]
        found.extend(to_markers(similar_groups(items), "inline_lead", False))
    return found


def similar_groups(items: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The largest group (≥ MIN_INLINE_RUN) of mutually similar sentences in one paragraph, as a list."""
    groups: list[list[tuple[int, str]]] = []
    for item in items:
        home = next((g for g in groups if all(similar(x[1], item[1]) for x in g)), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    best = max(groups, key=len, default=[])
    return [best] if len(best) >= MIN_INLINE_RUN else []
