"""Section kinds (background, practices, results, …) of a document's top-level headings.

Rule for documents without section headings: when no top-level heading names a section kind,
the document is an enumeration of what was done (the common shape of an experience report),
so every top-level measure is "practices". When some do, the others are "other".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

logger = logging.getLogger(__name__)

SHORT_HEADING_CHARS = 8  # a heading this short is a bare section label (问题, 主要成效)
EDGE_HEADING_CHARS = 12  # an "edge" keyword opening/closing a longer heading is a practice's words
HEADING_TRIM = " 。：:，,；;！!？?“”\"'"


class SectionKind(str, Enum):
    """The closed set of section kinds (measures.section_kind)."""

    BACKGROUND = "background"
    PRACTICES = "practices"
    RESULTS = "results"
    PROBLEMS = "problems"
    SUGGESTIONS = "suggestions"
    LESSONS = "lessons"
    GOALS = "goals"
    TASKS = "tasks"
    OTHER = "other"


@dataclass(frozen=True)
class SectionRule:
    """One keyword row: `anywhere` False means it must open/close the heading (or it is short)."""

    keyword: str
    kind: SectionKind
    anywhere: bool


@dataclass(frozen=True)
class SectionKinds:
    """Ordered keyword rules loaded from pipeline/data/section_kinds.tsv (first match wins)."""

    rules: tuple[SectionRule, ...]


def parse_rule(line: str, lineno: int) -> SectionRule:
    """One TSV row → SectionRule; raises ValueError naming the line on a bad row."""
    cells = line.rstrip("\n").split("\t")
    if len(cells) != 3 or cells[2] not in ("any", "edge"):
        raise ValueError(f"section_kinds line {lineno}: expected keyword<TAB>kind<TAB>any|edge")
    try:
        kind = SectionKind(cells[1])
    except ValueError as err:
        raise ValueError(f"section_kinds line {lineno}: unknown kind {cells[1]!r}") from err
    return SectionRule(cells[0], kind, cells[2] == "any")


def load_section_kinds(path: Path) -> SectionKinds:
    """Read the keyword → kind table (comment lines start with '#')."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rules = tuple(
        parse_rule(line, n) for n, line in enumerate(lines, start=1)
        if line.strip() and not line.startswith("#")
    )
    return SectionKinds(rules)


def rule_matches(rule: SectionRule, heading: str) -> bool:
    """Whether a rule's keyword names the section of this (trimmed) heading."""
    if rule.keyword not in heading:
        return False
    if rule.anywhere or len(heading) <= SHORT_HEADING_CHARS:
        return True
    at_edge = heading.startswith(rule.keyword) or heading.endswith(rule.keyword)
    return at_edge and len(heading) <= EDGE_HEADING_CHARS


def match_section(heading: str, kinds: SectionKinds) -> SectionKind | None:
    """The kind a heading names, or None when it names no section."""
    trimmed = heading.strip(HEADING_TRIM)
    return next((r.kind for r in kinds.rules if rule_matches(r, trimmed)), None)


def classify_section(heading: str, kinds: SectionKinds) -> str:
    """Section kind of one heading; 'other' when it names none."""
    kind = match_section(heading, kinds)
    return (kind or SectionKind.OTHER).value


def top_level_kinds(headings: list[str], kinds: SectionKinds) -> list[str]:
    """Kinds of a document's top-level headings, applying the no-section-headings rule."""
    matched = [match_section(h, kinds) for h in headings]
    if not any(matched):
        return [SectionKind.PRACTICES.value] * len(headings)
    return [(k or SectionKind.OTHER).value for k in matched]
