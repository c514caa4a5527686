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
from pipeline.textscan import one_of

logger = logging.getLogger(__name__)

MIN_RUN = 2  # two sibling paragraphs opening alike already make an enumeration
MIN_INLINE_RUN = 3  # inside a paragraph be stricter: two short sentences could be chance
MAX_LEAD_CHARS = 30  # a lead sentence longer than this reads as prose, not a heading
MIN_LEAD_CHARS = 4
MAX_INLINE_LEAD_CHARS = 16  # an inline lead this short needs only a parallel shape
MAX_ANAPHORA_LEAD_CHARS = 30  # a longer one must repeat its siblings' opening words
MAX_CLAUSE_LEAD_CHARS = 20  # a lead clause (up to the first comma) at most this long
MIN_CLAUSE_TAIL_CHARS = 10  # … and its sentence goes on for at least this much
MIN_ELABORATION_CHARS = 15  # the sentence after an inline lead elaborates it: at least this long
ELABORATION_RATIO = 1.5  # … and this much longer than the lead
ANAPHORA_CHARS = 2
MIN_BLOCK_SENTENCES = 1  # sentences an inline lead must head before the next lead
MAX_CAPTION_CHARS = 40  # a one-sentence paragraph this short (photo caption) does not break a run
MAX_HEADING_LINE_CHARS = 25
MIN_PROSE_CHARS = 40  # what follows a heading line must be a paragraph of prose
MIN_HEADING_LINES = 2
MAX_SENTENCES_PER_PARAGRAPH = 400  # bound the pairwise shape comparison on pathological paragraphs
CLAUSE_TOLERANCE = 2
LENGTH_RATIO = 1.6  # parallel leads of one clause may differ in length by this factor
SENTENCE_END = "。！？!?"
CLAUSE_SPLIT = re.compile(r"[,，、；;：:]")
CLAUSE_END = re.compile(r"[,，：:]")
HEADING_LINE_PUNCTUATION = re.compile(r"[。！？!?；;：:，,、\s]")
DIGIT = re.compile(r"[0-9０-９]")
HAN = re.compile(r"[\u4e00-\u9fff]")
INLINE_BOUNDARY = SENTENCE_END + "；;"
_INLINE_BOUNDARY_RE = one_of(INLINE_BOUNDARY)
QUOTED = re.compile(r"“[^“”]{0,20}”")
LEAD_END = "。"  # a lead states something; an exclamation (各位代表！) or a question does not head an item


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
    return len(sa) == 1 and max(sa[0], sb[0]) <= LENGTH_RATIO * min(sa[0], sb[0])


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
    return None if DIGIT.search(lead) or not lead.endswith(LEAD_END) else lead


def is_caption(text: str, start: int, end: int) -> bool:
    """A short one-sentence paragraph (photo caption) that may sit inside a run; an address (各位代表！) may not."""
    stop = first_sentence_end(text, start, end)
    return end - start <= MAX_CAPTION_CHARS and (stop is None or stop >= end) and text[end - 1] not in "！!？?"


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
        if HEADING_LINE_PUNCTUATION.search(text, start, end) or len(HAN.findall(text, start, end)) < MIN_LEAD_CHARS:
            continue
        if following[1] - following[0] >= MIN_PROSE_CHARS and following[0] not in marked:
            found.append((start, text[start:end]))
    return to_markers([found], "heading", True) if len(found) >= MIN_HEADING_LINES else []


def paragraph_lead(text: str, start: int, end: int, openers: tuple[str, ...] = ()) -> tuple[str, bool] | None:
    """(lead, is_clause) of a paragraph: its short first sentence, or else its short first clause.

    A paragraph opening with a narrative or announcing phrase (过去一年，… 今年是…) has no lead.
    """
    if text.startswith(openers, start):
        return None
    lead = lead_of(text, start, end)
    if lead is not None:
        return lead, False
    clause = CLAUSE_END.search(text, start, min(end, start + MAX_CLAUSE_LEAD_CHARS + 1))
    if clause is None or clause.start() - start < MIN_LEAD_CHARS or DIGIT.search(text, start, clause.start()):
        return None
    return text[start:clause.start()], True


def lead_runs(items: list[tuple[int, str, bool]]) -> list[list[tuple[int, str]]]:
    """Accepted runs of consecutive paragraph leads.

    A clause lead counts only where it repeats its neighbour's opening words (anaphora: 要继续…,
    要继续…). Neighbours belong to one run when they are parallel or have as many clauses; a run of
    three is an enumeration whatever the lengths of its leads, a run of two needs a parallel shape.
    """
    runs: list[list[tuple[int, str]]] = [[]]
    for i, (start, lead, is_clause) in enumerate(items):
        neighbours = [items[j][1] for j in (i - 1, i + 1) if 0 <= j < len(items)]
        if is_clause and not any(anaphoric(lead, n) for n in neighbours):
            runs.append([])
            continue
        if runs[-1] and not compatible(runs[-1][-1][1], lead):
            runs.append([])
        runs[-1].append((start, lead))
    return [run for run in runs if len(run) > MIN_RUN or (len(run) == MIN_RUN and parallel(run[0][1], run[1][1]))]


def compatible(a: str, b: str) -> bool:
    """Neighbouring leads of one run: parallel, or with as many clauses."""
    return parallel(a, b) or len(shape(a)) == len(shape(b))


def paragraph_leads(
    text: str, spans: list[tuple[int, int]], marked: set[int], openers: tuple[str, ...] = ()
) -> list[Marker]:
    """Unmarked paragraphs whose lead sentences form a parallel run (marker kind 'lead')."""
    groups: list[list[tuple[int, str, bool]]] = [[]]
    for start, end in spans:
        found = None if start in marked else paragraph_lead(text, start, end, openers)
        if found is not None:
            groups[-1].append((start, *found))
        elif start in marked or not is_caption(text, start, end):
            groups.append([])
    return to_markers((run for group in groups for run in lead_runs(group)), "lead", True)


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence or semicolon clause of a paragraph (at most MAX_SENTENCES_PER_PARAGRAPH).

    Semicolons count: a list of leads is often written 落实X。细则…；建立Y。细则…；
    """
    spans, pos = [], start
    for boundary in _INLINE_BOUNDARY_RE.finditer(text, start, end):
        spans.append((pos, boundary.end()))
        pos = boundary.end()
        if len(spans) >= MAX_SENTENCES_PER_PARAGRAPH:
            break
    return spans


def elaborated(sentences: list[tuple[int, int]], i: int) -> bool:
    """Whether the sentence after sentence i is long enough to elaborate it."""
    if i + 1 >= len(sentences):
        return False
    own = sentences[i][1] - sentences[i][0]
    following = sentences[i + 1][1] - sentences[i + 1][0]
    return following >= max(MIN_ELABORATION_CHARS, ELABORATION_RATIO * own)


def sentence_leads(
    text: str, sentences: list[tuple[int, int]], first: int, marked: set[int], openers: tuple[str, ...]
) -> list[tuple[int, str]]:
    """Short sentences without figures, each elaborated by the sentence after it."""
    return [
        (s, text[s:e]) for i, (s, e) in enumerate(sentences)
        if i >= first and s not in marked and MIN_LEAD_CHARS < e - s <= MAX_ANAPHORA_LEAD_CHARS + 1
        and not text.startswith(openers, s)
        and not has_figure(text[s:e]) and elaborated(sentences, i)
    ]


def clause_leads(text: str, sentences: list[tuple[int, int]], first: int, marked: set[int]) -> list[tuple[int, str]]:
    """Short opening clauses of sentences (领导带头示范,…), or short elaborated sentences, without punctuation."""
    found = []
    for i, (s, e) in enumerate(sentences):
        if i < first or s in marked:
            continue
        clause = CLAUSE_END.search(text, s, min(e, s + MAX_CLAUSE_LEAD_CHARS + 1))
        stop = clause.start() if clause is not None and e - clause.end() >= MIN_CLAUSE_TAIL_CHARS else None
        if stop is None and e - s <= MAX_INLINE_LEAD_CHARS + 1 and elaborated(sentences, i):
            stop = e - 1
        if stop is not None and stop - s >= MIN_LEAD_CHARS and not DIGIT.search(text, s, stop):
            found.append((s, text[s:stop]))
    return found


def inline_leads(
    text: str, spans: list[tuple[int, int]], marked: set[int], openers: tuple[str, ...] = ()
) -> list[Marker]:
    """Parallel leads inside one paragraph, each introducing what follows it ('inline_lead').

    A paragraph's first sentence joins the run unless the paragraph opens with a marker or a lead
    of its own (then the run holds that item's children).
    """
    found: list[Marker] = []
    for start, end in spans:
        sentences = sentence_spans(text, start, end)
        first = 1 if start in marked else 0
        groups = [g for g in similar_groups(sentence_leads(text, sentences, first, marked, openers)) if heads_blocks(g, sentences)]
        if not groups:
            groups = echo_groups(clause_leads(text, sentences, first, marked))
        found.extend(to_markers(groups, "inline_lead", False))
    return found


def has_figure(sentence: str) -> bool:
    """Digits outside quotation marks (a figure; “13710” is a name)."""
    return bool(DIGIT.search(QUOTED.sub("", sentence)))


def heads_blocks(group: list[tuple[int, str]], sentences: list[tuple[int, int]]) -> bool:
    """Whether every lead of a group is followed by at least MIN_BLOCK_SENTENCES of its own.

    In task lists of official prose many short sentences stand alone (调整优化能源结构。推进煤炭清洁化
    利用。); a lead introduces a block of sentences that belong to it.
    """
    index = {start: i for i, (start, _) in enumerate(sentences)}
    positions = [index[start] for start, _ in group] + [len(sentences)]
    return all(b - a - 1 >= MIN_BLOCK_SENTENCES for a, b in zip(positions, positions[1:]))


def similar_groups(items: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The largest group (≥ MIN_INLINE_RUN) of sentences opening alike or short and mutually similar."""
    groups: list[list[tuple[int, str]]] = []
    for item in items:
        short = len(item[1]) <= MAX_INLINE_LEAD_CHARS + 1
        home = next((g for g in groups if all(anaphoric(x[1], item[1]) or short and len(x[1]) <= MAX_INLINE_LEAD_CHARS + 1 and similar(x[1], item[1]) for x in g)), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    best = max(groups, key=len, default=[])
    return [best] if len(best) >= MIN_INLINE_RUN else []


def echo_groups(items: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The largest group (≥ MIN_INLINE_RUN) of clauses of one length that echo each other.

    Echo: the clauses share a character at the same position (建强…/派强…/训强…, 在…中…/在…中…),
    so that three clauses of equal length by chance do not pass.
    """
    by_length: dict[int, list[tuple[int, str]]] = {}
    for item in items:
        by_length.setdefault(len(item[1]), []).append(item)
    best = max(by_length.values(), key=len, default=[])
    if len(best) < MIN_INLINE_RUN:
        return []
    shared = any(len({clause[k] for _, clause in best}) == 1 for k in range(len(best[0][1])))
    return [best] if shared else []


def common_prefix(a: str, b: str) -> int:
    """Length of the shared opening of two strings."""
    size = 0
    for x, y in zip(a, b):
        if x != y:
            break
        size += 1
    return size


def anaphoric(a: str, b: str) -> bool:
    """Two leads that open with the same words (这五年，…/这五年，…, 当好…/当好…)."""
    return common_prefix(a, b) >= ANAPHORA_CHARS


def parallel(a: str, b: str) -> bool:
    """Two leads of one enumeration: same opening words or a parallel shape."""
    return anaphoric(a, b) or similar(a, b)
