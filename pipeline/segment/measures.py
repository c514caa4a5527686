"""Measures: marked and unmarked enumerated items of a document, with spans, headings and section kinds.

Where each item sits in the tree is decided in pipeline/segment/tree.py (rank of official numbering);
this module finds the markers, cuts each item's span and heading, and names the sections.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from pipeline.segment.leads import heading_lines, inline_leads, paragraph_leads
from pipeline.segment.markers import Marker, cn_to_int, find_markers, int_to_cn, paragraphs
from pipeline.segment.sections import SectionKind, SectionKinds, top_level_kinds
from pipeline.segment.tree import Node, build_tree

logger = logging.getLogger(__name__)

MAX_HEADING_CHARS = 30  # longer lead sentences are cut to their first clause
HEADING_STOP = re.compile(r"[。！？；;!?\n]")
CLAUSE_STOP = re.compile(r"[,，：:]")
HEADING_SKIP = " \t,，、：:"
COUNTED_SECTION_KINDS = ("practices", "tasks")
OBLIGATION_MARKERS = frozenset({"cn_yao"})  # 一要/二要: items of what must be done
CN_COUNT = "[二两三四五六七八九十]"
PROMISE_PATTERNS = (
    re.compile(rf"({CN_COUNT})([\u4e00-\u9fff])\1([\u4e00-\u9fff])"),  # 五抓五强, 三亮三比
    re.compile(rf"({CN_COUNT}{{1,2}})[个大项条种轮][\u4e00-\u9fff]{{1,2}}"),  # 三个转变, 十大行动
)
MAX_PROMISE = 10  # 十九大 is a party congress, not a promise of nineteen items
MAX_MARKERS = 5000  # a report has hundreds; tens of thousands are a list dump or generated noise


class TooDense(ValueError):
    """A document holds far more items of one kind than any report (its message says how many)."""


def all_markers(text: str, openers: tuple[str, ...] = ()) -> list[Marker]:
    """Explicit markers plus unmarked heading lines and parallel leads, de-duplicated by position."""
    explicit = find_markers(text)
    spans = list(paragraphs(text))
    block_starts = {m.start for m in explicit if m.block}
    headings = [] if any(m.kind == "cn_dun" for m in explicit) else heading_lines(text, spans, block_starts)
    block_starts |= {m.start for m in headings}
    leads = paragraph_leads(text, spans, block_starts, openers)
    inline = inline_leads(text, spans, block_starts | {m.start for m in leads} | {m.start for m in explicit}, openers)
    return explicit + headings + leads + inline


def item_ends(text: str, nodes: list[Node], scoped: list[bool]) -> list[int]:
    """End of each item: the next item at its level or above (its paragraph's end for inline items)."""
    raw = [len(text)] * len(nodes)
    open_items: list[int] = []
    for i, node in enumerate(nodes):
        while open_items and nodes[open_items[-1]].level >= node.level:
            raw[open_items.pop()] = node.marker.start
        open_items.append(i)
    ends = []
    for node, end, in_paragraph in zip(nodes, raw, scoped):
        if in_paragraph:
            newline = text.find("\n", node.marker.start, end)
            end = newline if newline >= 0 else end
        while end > node.marker.start and text[end - 1].isspace():
            end -= 1
        ends.append(end)
    return ends


def heading_of(text: str, marker: Marker, end: int) -> str:
    """Lead phrase after the marker: up to the first 。 (first clause when that is long)."""
    start = marker.end
    skip = HEADING_SKIP + ("\n\u3000" if marker.kind == "appendix" else "")  # 附件2⏎名词解释: the title is the next line
    while start < end and text[start] in skip:
        start += 1
    stop = HEADING_STOP.search(text, start, end)
    phrase = text[start:stop.start() if stop else end].strip()
    if len(phrase) > MAX_HEADING_CHARS:
        clause = CLAUSE_STOP.search(phrase)
        phrase = phrase[:clause.start()] if clause else phrase
    if not phrase and marker.kind == "bracket":
        phrase = marker.literal.strip("【】")
    return phrase


def path_parts(nodes: list[Node]) -> list[str]:
    """Each node's own path component: its marker ordinal in Chinese, else its sibling rank."""
    taken: dict[int | None, set[str]] = {}
    parts = []
    for node in nodes:
        siblings = taken.setdefault(node.parent, set())
        ordinal = node.marker.ordinal if node.marker.literal else None
        part = int_to_cn(ordinal) if ordinal else ""
        rank = len(siblings) + 1
        while not part or part in siblings:  # restarts and repeats must stay unique
            part, rank = int_to_cn(rank), rank + 1
        siblings.add(part)
        parts.append(part)
    return parts


def full_paths(nodes: list[Node], parts: list[str]) -> list[str]:
    """Dotted paths (二.一.三) from own components and parents (parents precede children)."""
    paths: list[str] = []
    for node, part in zip(nodes, parts):
        paths.append(part if node.parent is None else f"{paths[node.parent]}.{part}")
    return paths


def section_kinds_of(nodes: list[Node], headings: list[str], kinds: SectionKinds, title: str = "") -> list[str]:
    """Top-level nodes get a kind from their heading; children inherit their root's kind."""
    tops = [i for i, n in enumerate(nodes) if n.parent is None]
    obligations = bool(tops) and all(nodes[i].marker.kind in OBLIGATION_MARKERS for i in tops)
    top_kind = dict(zip(tops, top_level_kinds([headings[i] for i in tops], kinds, title, obligations)))
    result: list[str] = []
    for i, node in enumerate(nodes):
        result.append(top_kind[i] if node.parent is None else result[node.parent])
    return result


def extract_measures(text: str, section_kinds: SectionKinds, openers: tuple[str, ...] = (), title: str = "") -> list[dict]:
    """Measures of one clean document text, in text order (see measures table in DESIGN.md).

    `openers`: sentence openings that never head an item (pipeline/data/lead_openers.txt);
    `title`: the document's title (a plan's unnamed sections are tasks).
    """
    markers = all_markers(text, openers)
    if len(markers) > MAX_MARKERS:
        raise TooDense(f"{len(markers)} enumeration markers (limit {MAX_MARKERS}): no measure tree built")
    nodes, scoped = build_tree(text, markers)
    ends = item_ends(text, nodes, scoped)
    headings = [heading_of(text, n.marker, e) for n, e in zip(nodes, ends)]
    paths = full_paths(nodes, path_parts(nodes))
    kinds = section_kinds_of(nodes, headings, section_kinds, title)
    logger.debug("%d measures, %d top-level", len(nodes), sum(n.parent is None for n in nodes))
    return [
        {
            "measure_id": f"m{i + 1}",
            "parent_id": None if n.parent is None else f"m{n.parent + 1}",
            "level": n.level,
            "path": paths[i],
            "marker": n.marker.literal,
            "heading": headings[i],
            "text": text[n.marker.start:ends[i]],
            "start": n.marker.start,
            "end": ends[i],
            "section_kind": kinds[i],
        }
        for i, n in enumerate(nodes)
    ]


def promised_count(title: str) -> tuple[int, str] | None:
    """A count the title promises (五抓五强 → 5, 十大行动 → 10) with its surface, else None."""
    found = []
    for pattern in PROMISE_PATTERNS:
        for match in pattern.finditer(title):
            value = cn_to_int(match.group(1))
            if value is not None and 1 < value <= MAX_PROMISE:
                found.append((match.start(), value, match.group()))
    if not found:
        return None
    _, value, surface = min(found)
    return value, surface


def counted_siblings(measures: list[dict]) -> int:
    """Size of the sibling group a title's promise refers to.

    The top level, unless the top level is made of section headings (基本情况/主要做法/…):
    then the children of the first practices/tasks section that has any.
    """
    tops = [m for m in measures if m["parent_id"] is None]
    if len(tops) > 1 and {m["section_kind"] for m in tops} == {SectionKind.PRACTICES.value}:
        return len(tops)
    for top in tops:
        children = [m for m in measures if m["parent_id"] == top["measure_id"]]
        if top["section_kind"] in COUNTED_SECTION_KINDS and children:
            return len(children)
    return len(tops)


def count_check(title: str, measures: list[dict]) -> dict:
    """Compare a title's promised count with the measures found (found_count always reported)."""
    promise = promised_count(title)
    promised = promise[0] if promise else None
    found = counted_siblings(measures)
    return {
        "promised_count": promised,
        "found_count": found,
        "count_mismatch": promised is not None and found != promised,
    }
