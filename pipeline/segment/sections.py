"""Section kinds (background, practices, results, …) of a document's top-level headings.

A heading names its kind through the vocabulary of pipeline/data/section_kinds.tsv (工作回顾 →
results, 目标任务 → goals, 工作安排 → tasks …). A heading that names none takes the document's
orientation at that point: what comes after a goals or tasks section, or stands in a plan or
directive (a title with 实施意见/实施方案/…, items written 一要/二要), is "tasks"; what a report tells
of work done is "practices" — the common shape of an experience report.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

logger = logging.getLogger(__name__)

SHORT_HEADING_CHARS = 8  # a heading this short is a bare section label (问题, 主要成效)
EDGE_HEADING_CHARS = 12  # an "edge" keyword opening/closing a longer heading is a practice's words
PARENTHETICAL = re.compile(r"[(（][^()（）]*(?:[)）]|$)")  # 产出(总分30分,自评得分30分 → 产出
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
    GLOSSARY = "glossary"  # terms a report explains in an appendix (名词解释): definitions, not measures
    OTHER = "other"


@dataclass(frozen=True)
class SectionRule:
    """One keyword row. `where`: any (anywhere in a heading), edge (opening/closing a short heading),
    title (a word of the document title that makes it a plan or directive)."""

    keyword: str
    kind: SectionKind
    where: str


@dataclass(frozen=True)
class SectionKinds:
    """Ordered keyword rules loaded from pipeline/data/section_kinds.tsv (first match wins).

    `plan_titles`: title words of plans and directives, whose unnamed sections are tasks.
    """

    rules: tuple[SectionRule, ...]
    plan_titles: tuple[str, ...] = ()


WHERE = ("any", "edge", "title")


def parse_rule(line: str, lineno: int) -> SectionRule:
    """One TSV row → SectionRule; raises ValueError naming the line on a bad row."""
    cells = line.rstrip("\n").split("\t")
    if len(cells) != 3 or cells[2] not in WHERE:
        raise ValueError(f"section_kinds line {lineno}: expected keyword<TAB>kind<TAB>{'|'.join(WHERE)}")
    try:
        kind = SectionKind(cells[1])
    except ValueError as err:
        raise ValueError(f"section_kinds line {lineno}: unknown kind {cells[1]!r}") from err
    return SectionRule(cells[0], kind, cells[2])


def load_section_kinds(path: Path) -> SectionKinds:
    """Read the keyword → kind table (comment lines start with '#')."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rules = [parse_rule(line, n) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    titles = tuple(r.keyword for r in rules if r.where == "title")
    return SectionKinds(tuple(r for r in rules if r.where != "title"), titles)


def rule_matches(rule: SectionRule, heading: str) -> bool:
    """Whether a rule's keyword names the section of this (trimmed) heading."""
    if rule.keyword not in heading:
        return False
    if rule.where == "any" or len(heading) <= SHORT_HEADING_CHARS:
        return True
    at_edge = heading.startswith(rule.keyword) or heading.endswith(rule.keyword)
    return at_edge and len(heading) <= EDGE_HEADING_CHARS


def match_section(heading: str, kinds: SectionKinds) -> SectionKind | None:
    """The kind a heading names, or None when it names no section."""
    trimmed = PARENTHETICAL.sub("", heading).strip(HEADING_TRIM)
    return next((r.kind for r in kinds.rules if rule_matches(r, trimmed)), None)


def classify_section(heading: str, kinds: SectionKinds) -> str:
    """Section kind of one heading; 'other' when it names none."""
    kind = match_section(heading, kinds)
    return (kind or SectionKind.OTHER).value


def top_level_kinds(headings: list[str], kinds: SectionKinds, title: str = "", obligations: bool = False) -> list[str]:
    """Kinds of a document's top-level headings; unnamed ones follow the document's orientation."""
    future = obligations or any(word in title for word in kinds.plan_titles)
    result = []
    for heading in headings:
        kind = match_section(heading, kinds) or (SectionKind.TASKS if future else SectionKind.PRACTICES)
        future = future or kind in (SectionKind.GOALS, SectionKind.TASKS)
        result.append(kind.value)
    return result
