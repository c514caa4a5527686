"""Page chrome removal: editable patterns, page structure, and lines that recur across a corpus."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.textscan import one_of

SENTENCE_END = re.compile(r"[。！？!?；;…”」』]$")
BODY_MIN_CHARS = 30
CAPTION_MAX_CHARS = 40
FOOTER_KEEP_MIN_CHARS = 40
INNER_SPACE = re.compile(r"[ \t\u3000\xa0]{2,}")
CELL_GAP = re.compile(r"\t[ \t\u3000\xa0]*|[ \u3000\xa0]{2,}")
FIGURE_CELL = re.compile(r"[-+]?[0-9][0-9,.]*\s*(?:%|‰|[\u4e00-\u9fff]{1,3})?")
IMAGE_LINE = re.compile(r"^[\w\-]+\.(jpg|jpeg|png|gif|bmp|webp)$", re.I)
# A sub- or superscript that a converter put on a line of its own: PM\n2.5\n）, M\n2\n和, m\n2\n。
BROKEN_SCRIPT = re.compile(r"(?<=[A-Za-z])[ \t]*\n[ \t]*([0-9.]{1,4})[ \t]*\n[ \t]*(?=\S)")
MARKER_LINE = re.compile(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十]+)")


@dataclass(frozen=True)
class Boilerplate:
    """Patterns from the editable data file: whole-line chrome and inline watermarks.

    The chrome patterns are also joined into two: the branches anchored at the line start (tried once
    per line) and the rest (searched) — three times faster on pages of many short lines than one
    search per pattern, with the same answer. Patterns that cannot be joined (backreferences, inline
    flags) are searched one by one.
    """

    line: tuple[re.Pattern[str], ...]
    inline: tuple[re.Pattern[str], ...]
    joined: tuple[re.Pattern[str] | None, re.Pattern[str] | None, tuple[re.Pattern[str], ...]] = ()

    def is_chrome(self, line: str) -> bool:
        """True when a line matches a chrome pattern."""
        if not self.joined:
            return any(p.search(line) for p in self.line)
        anchored, anywhere, alone = self.joined
        return bool((anchored and anchored.match(line)) or (anywhere and anywhere.search(line)) or any(p.search(line) for p in alone))

    def cut_inline(self, line: str) -> str:
        """The line with watermarks cut out."""
        for pattern in self.inline:
            line = pattern.sub("", line)
        return line


def top_level_branches(pattern: str) -> list[str]:
    """The alternatives of a pattern at its top level: a|b(c|d)|[|] → a, b(c|d), [|]."""
    out, current, depth, in_class, escaped = [], [], 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            out.append("".join(current))
            current = []
            continue
        current.append(ch)
    out.append("".join(current))
    return out


def join_patterns(patterns: tuple[re.Pattern[str], ...]) -> tuple:
    """(anchored branches joined, other branches joined, patterns left alone); see Boilerplate."""
    joinable = [p for p in patterns if p.flags == re.UNICODE and not re.search(r"\\\d|\(\?P=|\(\?[aiLmsux]", p.pattern)]
    alone = tuple(p for p in patterns if p not in joinable)
    branches = [b for p in joinable for b in top_level_branches(p.pattern)]
    anchored = [b[1:] for b in branches if b.startswith("^")]
    anywhere = [b for b in branches if not b.startswith("^")]
    return joined(anchored), joined(anywhere), alone


def joined(branches: list[str]) -> re.Pattern[str] | None:
    """The branches as one pattern, led by a lookahead for the letters they can start with when every
    branch's first letter is plain: the regex engine then skips to those letters instead of trying
    some fifty branches at every position."""
    if not branches:
        return None
    pattern = "|".join(f"(?:{b})" for b in branches)
    firsts = [first_letters(b) for b in branches]
    if all(firsts):
        pattern = f"(?={one_of(set(''.join(firsts))).pattern})(?:{pattern})"
    return re.compile(pattern)


QUANTIFIER_START = "?*{"  # after a first letter, these may make it optional


def first_letters(branch: str) -> str | None:
    """The letters a branch's match must start with, when the branch starts with a literal letter, an
    escaped punctuation mark or a plain class ([Cc]) that is not optional; else None."""
    if not branch:
        return None
    if branch[0] == "[":
        end = branch.find("]", 1)
        letters = branch[1:end] if end > 1 else ""
        if not letters or letters[0] == "^" or any(c in letters for c in "\\-[&~|"):
            return None
        rest = branch[end + 1 :]
    elif branch[0] == "\\":
        if len(branch) < 2 or branch[1].isalnum():
            return None  # \d, \s, \b …
        letters, rest = branch[1], branch[2:]
    elif branch[0] in ".^$*+?{}()|":
        return None
    else:
        letters, rest = branch[0], branch[1:]
    return None if rest[:1] and rest[0] in QUANTIFIER_START else letters


def load_boilerplate(path: Path) -> Boilerplate:
    """Read `[line]` and `[inline]` pattern sections from the data file."""
    from pipeline.resources import ResourceError, compile_pattern, numbered_lines

    sections: dict[str, list[re.Pattern[str]]] = {"line": [], "inline": []}
    current = None
    for number, raw in numbered_lines(path):
        stripped = raw.strip()
        if stripped in ("[line]", "[inline]"):
            current = stripped[1:-1]
            continue
        if current is None:
            raise ResourceError(f"{path} line {number}: pattern {stripped!r} before a [line]/[inline] header")
        sections[current].append(compile_pattern(path, number, stripped))
    line = tuple(sections["line"])
    return Boilerplate(line, tuple(sections["inline"]), join_patterns(line))


def split_lines(text: str) -> list[str]:
    """Non-empty lines, stripped of ASCII, full-width and non-breaking spaces (broken subscripts rejoined).

    A table row keeps its cells apart with one tab (村名<TAB>户数 …): cells already separated by tabs,
    or by runs of spaces in a row that holds a figure (and the header row above such rows).
    """
    text = BROKEN_SCRIPT.sub(r"\1", text)
    raw = [line.strip(" \t\r\f\v\u3000\xa0\u200b\ufeff") for line in text.splitlines()]
    rows = [table_cells(line) for line in raw]
    lines = []
    for i, (line, cells) in enumerate(zip(raw, rows)):
        header = cells is None and i + 1 < len(rows) and rows[i + 1] is not None and len(CELL_GAP.split(line)) == len(rows[i + 1])
        if cells is not None or header:
            lines.append("\t".join(cells if cells is not None else CELL_GAP.split(line)))
        else:
            lines.append(INNER_SPACE.sub(" ", line))
    return [line for line in lines if line]


def table_cells(line: str) -> list[str] | None:
    """The cells of a table row: tab-separated, or three or more space-separated cells, one a figure."""
    cells = [c for c in CELL_GAP.split(line) if c]
    if "\t" in line and len(cells) >= 2:
        return cells
    return cells if len(cells) >= 3 and any(FIGURE_CELL.fullmatch(c) for c in cells) else None


def is_body_line(line: str) -> bool:
    """A prose paragraph: long enough and ending like a sentence or holding several."""
    return len(line) >= BODY_MIN_CHARS and (bool(SENTENCE_END.search(line)) or line.count("。") >= 2)


def body_bounds(lines: list[str]) -> tuple[int, int] | None:
    """Indices of the first and last prose paragraph, or None for pages without prose."""
    body = [i for i, line in enumerate(lines) if is_body_line(line)]
    return (body[0], body[-1]) if body else None


def recurring_lines(pages: list[list[str]], min_pages: int) -> frozenset[str]:
    """Short non-prose lines found on at least `min_pages` pages that carry different articles."""
    counter = RecurringLines()
    for lines in pages:
        counter.add(lines)
    return counter.found(min_pages)


class RecurringLines:
    """Counts of chrome-like lines over the pages seen so far, each counted once per article (pages can be
    added batch by batch: only the short candidate lines are kept, never the pages)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.seen: set[tuple[str, str]] = set()
        self.pages = 0

    def add(self, lines: list[str]) -> None:
        """Count the candidate lines of one page."""
        self.pages += 1
        article = _article_signature(lines)
        for line in {line for line in lines if _could_be_chrome(line)}:
            # Reposts of one article share its title and headings; count such a line once per article.
            if (line, article) not in self.seen:
                self.seen.add((line, article))
                self.counts[line] += 1

    def found(self, min_pages: int) -> frozenset[str]:
        """The lines on at least `min_pages` pages."""
        return frozenset(line for line, n in self.counts.items() if n >= min_pages)


def _article_signature(lines: list[str]) -> str:
    """The longest prose line: the same for copies of one article, different across articles."""
    prose = [line for line in lines if is_body_line(line)]
    return max(prose, key=len) if prose else ""


def _could_be_chrome(line: str) -> bool:
    """Reposted articles share prose and numbered headings; chrome is neither.

    Nor is a short line that ends a sentence: the address 各位代表！ recurs in every work report.
    """
    return not is_body_line(line) and not MARKER_LINE.match(line) and len(line) <= 60 and not line.endswith(("。", "！", "？", "!", "?"))


def drop_chrome(lines: list[str], patterns: Boilerplate, recurring: frozenset[str]) -> list[str]:
    """Lines without pattern chrome, recurring chrome, image names and their captions."""
    kept: list[str] = []
    after_image = False
    for line in lines:
        if IMAGE_LINE.match(line):
            after_image = True
            continue
        caption = after_image and len(line) <= CAPTION_MAX_CHARS
        after_image = False
        if caption or patterns.is_chrome(line) or line in recurring:
            continue
        line = patterns.cut_inline(line).strip()
        if line:
            kept.append(line)
    return kept


def trim_footer(lines: list[str]) -> list[str]:
    """Drop short non-prose lines after the last prose paragraph (menus, counters, contacts)."""
    bounds = body_bounds(lines)
    if bounds is None:
        return lines
    last = bounds[1]
    # table rows (cells kept apart by a tab) are content wherever they stand
    tail = [line for line in lines[last + 1:] if len(line) >= FOOTER_KEEP_MIN_CHARS or MARKER_LINE.match(line) or "\t" in line]
    return lines[: last + 1] + tail
