"""Measures as a tree: marked and unmarked enumerated items of a document, with spans and section kinds.

Levels follow the nesting order in which marker kinds appear (a document may start at (一)):
a marker whose kind is already open closes everything below it and becomes a sibling; a new kind
becomes a child of the innermost open item. Inline enumerations (一是 …) close with their paragraph.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from pipeline.segment.markers import Marker, cn_to_int, find_markers, int_to_cn
from pipeline.segment.parallel import inline_leads, paragraph_leads
from pipeline.segment.sections import SectionKind, SectionKinds, top_level_kinds

logger = logging.getLogger(__name__)

MAX_HEADING_CHARS = 30  # longer lead sentences are cut to their first clause
HEADING_STOP = re.compile(r"[。！？；;!?\n]")
CLAUSE_STOP = re.compile(r"[,，：:]")
HEADING_SKIP = " \t,，、：:"
COUNTED_SECTION_KINDS = ("practices", "tasks")
CN_COUNT = "[二两三四五六七八九十]"
PROMISE_PATTERNS = (
    re.compile(rf"({CN_COUNT})([\u4e00-\u9fff])\1([\u4e00-\u9fff])"),  # 五抓五强, 三亮三比
    re.compile(rf"({CN_COUNT}{{1,2}})[个大项条种轮][\u4e00-\u9fff]{{1,2}}"),  # 三个转变, 十大行动
)
MAX_PROMISE = 10  # 十九大 is a party congress, not a promise of nineteen items


@dataclass(frozen=True)
class Node:
    """A marker placed in the tree: index of its parent (or None) and depth (1 = top)."""

    marker: Marker
    parent: int | None
    level: int


def place(nodes: list[Node], stack: list[int], marker: Marker) -> None:
    """Append `marker` as a node, closing open items it ends (updates `stack` in place)."""
    kinds = [nodes[i].marker.kind for i in stack]
    if marker.kind in kinds:
        del stack[kinds.index(marker.kind):]
    elif marker.block:
        while stack and not nodes[stack[-1]].marker.block:
            stack.pop()
    parent = stack[-1] if stack else None
    nodes.append(Node(marker, parent, len(stack) + 1))
    stack.append(len(nodes) - 1)


def build_tree(markers: list[Marker]) -> list[Node]:
    """Nodes in text order with parents and levels."""
    nodes: list[Node] = []
    stack: list[int] = []
    for marker in sorted(markers, key=lambda m: (m.start, not m.block)):
        place(nodes, stack, marker)
    return nodes


def all_markers(text: str) -> list[Marker]:
    """Explicit markers plus unmarked parallel leads, de-duplicated by position."""
    explicit = find_markers(text)
    block_starts = {m.start for m in explicit if m.block}
    leads = paragraph_leads(text, block_starts)
    inline = inline_leads(text, {m.start for m in explicit})
    return explicit + leads + inline


def item_ends(text: str, nodes: list[Node]) -> list[int]:
    """End of each item: start of the next item at its level or above, minus trailing space."""
    ends = []
    for i, node in enumerate(nodes):
        later = (n.marker.start for n in nodes[i + 1:] if n.level <= node.level)
        raw_end = next(later, len(text))
        ends.append(len(text[:raw_end].rstrip()))
    return ends


def heading_of(text: str, marker: Marker, end: int) -> str:
    """Lead phrase after the marker: up to the first 。 (first clause when that is long)."""
    start = marker.end
    while start < end and text[start] in HEADING_SKIP:
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
    taken: dict[int | None, list[str]] = {}
    parts = []
    for node in nodes:
        siblings = taken.setdefault(node.parent, [])
        ordinal = node.marker.ordinal if node.marker.literal else None
        part = int_to_cn(ordinal) if ordinal else ""
        rank = len(siblings) + 1
        while not part or part in siblings:  # restarts and repeats must stay unique
            part, rank = int_to_cn(rank), rank + 1
        siblings.append(part)
        parts.append(part)
    return parts


def full_paths(nodes: list[Node], parts: list[str]) -> list[str]:
    """Dotted paths (二.一.三) from own components and parents (parents precede children)."""
    paths: list[str] = []
    for node, part in zip(nodes, parts):
        paths.append(part if node.parent is None else f"{paths[node.parent]}.{part}")
    return paths


def section_kinds_of(nodes: list[Node], headings: list[str], kinds: SectionKinds) -> list[str]:
    """Top-level nodes get a kind from their heading; children inherit their root's kind."""
    tops = [i for i, n in enumerate(nodes) if n.parent is None]
    top_kind = dict(zip(tops, top_level_kinds([headings[i] for i in tops], kinds)))
    result: list[str] = []
    for i, node in enumerate(nodes):
        result.append(top_kind[i] if node.parent is None else result[node.parent])
    return result


def extract_measures(text: str, section_kinds: SectionKinds) -> list[dict]:
    """Measures of one clean document text, in text order (see measures table in DESIGN.md)."""
    nodes = build_tree(all_markers(text))
    ends = item_ends(text, nodes)
    headings = [heading_of(text, n.marker, e) for n, e in zip(nodes, ends)]
    paths = full_paths(nodes, path_parts(nodes))
    kinds = section_kinds_of(nodes, headings, section_kinds)
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
