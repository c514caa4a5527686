"""The measure tree: where each marker sits, from the rank of official numbering.

Numbered markers opening a paragraph are ranked as GB/T 9704 orders them — a heading line of its own
above `一、` above `（一）` above `1.`/`1、` above `（1）` above `①` — and a document's own nesting only
refines that prior: when one kind repeatedly occurs between two consecutive items of another
(1. 2. inside （一） and （二） … or the reverse), the observed order wins. A numbered marker closes
every open item of the same or a lower rank and becomes a child of the nearest open item ranked
above it, so one missed, extra, skipped or restarted marker changes only its own neighbourhood.

Everything else attaches under the nearest open item: block labels (【亮点】) stay open until the next
label or a marker ranked above their parent, and so do inline-family markers heading a line of their
own (一要加强队伍建设); other inline markers (一是, 一要, 第一，, 首先), `——` bullets,
inline numbers and unmarked lead sentences close with their paragraph, and a second member of the
same family inside that paragraph is a sibling.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

from pipeline.segment.markers import Marker

RANK_PRIOR = {"appendix": -1, "heading": 0, "cn_dun": 1, "cn_paren": 2, "num_dot": 3, "num_dun": 3, "num_paren": 4, "circled": 5}
APPENDIX = "appendix"  # 附件2: ends the body (every open item, labels too); what follows is the appendix's
BLOCK_LABEL = "bracket"
TOP_LABEL_RANK = -1.0  # a block label outside every numbered item sits above all of them
LABEL_BELOW = 0.5  # a label inside a numbered item ranks just below that item
MAX_LABEL_LINE = 40  # an inline-family marker on a line this short without a sentence end heads a block
SENTENCE_END = "。！？!?；;"


@dataclass(frozen=True)
class Node:
    """A marker placed in the tree: index of its parent (or None) and depth (1 = top)."""

    marker: Marker
    parent: int | None
    level: int


def is_ranked(marker: Marker) -> bool:
    """A numbered marker opening a paragraph (or an unmarked heading line)."""
    return marker.block and marker.kind in RANK_PRIOR


def family(marker: Marker) -> str:
    """Markers of one family are siblings of each other (一是/二是, ——/——)."""
    return marker.kind if marker.block or marker.kind not in RANK_PRIOR else f"{marker.kind}_inline"


def nesting_evidence(markers: list[Marker], ranks: dict[str, int] | None = None) -> Counter:
    """(outer, inner) kind pairs: inner seen between two consecutive items of outer. Given `ranks`, two
    items with a marker ranked above them in between are not consecutive items of one list (1. closing
    section 二、 and 2. in section 三、 after a lost 1.), and say nothing."""
    evidence: Counter = Counter()
    ranked = sorted((m for m in markers if is_ranked(m)), key=lambda m: m.start)
    starts = [m.start for m in ranked]
    for kind in {m.kind for m in ranked}:
        own = [m for m in ranked if m.kind == kind]
        for a, b in zip(own, own[1:]):
            if a.ordinal is None or b.ordinal != a.ordinal + 1:
                continue
            inner = {m.kind for m in ranked[bisect.bisect_right(starts, a.start) : bisect.bisect_left(starts, b.start)]} - {kind}
            if ranks is not None and any(ranks[other] < ranks[kind] for other in inner):
                continue
            evidence.update((kind, other) for other in inner)
    return evidence


def document_ranks(markers: list[Marker]) -> dict[str, int]:
    """Rank of each numbered kind in this document (0 = top): the prior, refined by evidence, twice: the
    second time without the pairs of items that the first ranking puts in two different sections."""
    kinds = sorted({m.kind for m in markers if is_ranked(m)}, key=RANK_PRIOR.__getitem__)
    ranks = None
    for _ in range(2):
        evidence = nesting_evidence(markers, ranks)
        ranks = {k: sum(_above(o, k, evidence) for o in kinds if o != k) for k in kinds}
    return ranks


def _above(a: str, b: str, evidence: Counter) -> bool:
    """Whether kind a ranks above kind b: by the evidence when it leans one way, else by the prior."""
    margin = evidence[(a, b)] - evidence[(b, a)]
    return margin > 0 if margin else RANK_PRIOR[a] < RANK_PRIOR[b]


class TreeBuilder:
    """Places markers one by one, in text order, on a stack of open items."""

    def __init__(self, text: str, ranks: dict[str, int]) -> None:
        self.text = text
        self.ranks = ranks
        self.nodes: list[Node] = []
        self.stack: list[int] = []
        self.label_ranks: dict[int, float] = {}
        self.paragraph_ends: dict[int, int] = {}

    def paragraph_end(self, start: int) -> int:
        """End of the paragraph that holds offset `start` (remembered: markers share paragraphs)."""
        if start not in self.paragraph_ends:
            end = self.text.find("\n", start)
            self.paragraph_ends[start] = len(self.text) if end < 0 else end
        return self.paragraph_ends[start]

    def is_label(self, marker: Marker) -> bool:
        """A block label (【亮点】), or an inline-family marker heading a line of its own (一要加强队伍建设)."""
        if not marker.block or is_ranked(marker):
            return False
        if marker.kind == BLOCK_LABEL:
            return True
        line = self.text[marker.start : self.paragraph_end(marker.start)]
        return len(line) <= MAX_LABEL_LINE and not any(ch in SENTENCE_END for ch in line)

    def scoped(self, index: int) -> bool:
        """Whether an open item ends with its paragraph."""
        return index not in self.label_ranks and not is_ranked(self.nodes[index].marker)

    def rank(self, index: int) -> float:
        """Rank of an open item (lower = higher in the outline)."""
        marker = self.nodes[index].marker
        return self.label_ranks[index] if index in self.label_ranks else float(self.ranks[marker.kind])

    def close_paragraphs(self, position: int) -> None:
        """Close paragraph-scoped items whose paragraph ended before `position`."""
        while self.stack and self.scoped(self.stack[-1]) and self.paragraph_end(self.nodes[self.stack[-1]].marker.start) <= position:
            self.stack.pop()

    def close_for(self, marker: Marker, label: bool) -> None:
        """Close the open items that `marker` ends."""
        if marker.kind == APPENDIX and marker.block:
            self.stack.clear()
            return
        if is_ranked(marker):
            rank = self.ranks[marker.kind]
            while self.stack and (self.scoped(self.stack[-1]) or self.rank(self.stack[-1]) >= rank):
                self.stack.pop()
            return
        if label:
            while self.stack and self.scoped(self.stack[-1]):
                self.stack.pop()
        own = family(marker)
        same = [i for i, n in enumerate(self.stack) if family(self.nodes[n].marker) == own]
        if same:
            del self.stack[same[-1]:]

    def add(self, marker: Marker) -> None:
        """Place one marker."""
        label = self.is_label(marker)
        self.close_paragraphs(marker.start)
        self.close_for(marker, label)
        parent = self.stack[-1] if self.stack else None
        self.nodes.append(Node(marker, parent, len(self.stack) + 1))
        index = len(self.nodes) - 1
        if label:
            self.label_ranks[index] = TOP_LABEL_RANK if parent is None else self.rank(parent) + LABEL_BELOW
        self.stack.append(index)

    def scoped_items(self) -> list[bool]:
        """For each node, whether it ends with its paragraph."""
        return [self.scoped(i) for i in range(len(self.nodes))]


def build_tree(text: str, markers: list[Marker]) -> tuple[list[Node], list[bool]]:
    """Nodes in text order with parents and levels, and whether each ends with its paragraph."""
    builder = TreeBuilder(text, document_ranks(markers))
    for marker in sorted(markers, key=lambda m: (m.start, not m.block)):
        builder.add(marker)
    return builder.nodes, builder.scoped_items()
