"""Enumeration markers (一、 (一) 1. (1) ① 一是 第一, 首先 —— 【…】) found in a clean document text."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Iterator

from pipeline.textscan import one_of

logger = logging.getLogger(__name__)

CN_DIGITS = "零一二三四五六七八九"
CN_NUM = "[一二两三四五六七八九十]{1,3}"

# Paragraph-start markers: kind, regex. Order matters only for kinds sharing a prefix.
BLOCK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn_dun", re.compile(rf"({CN_NUM})(?:、|[．.](?![0-9]))")),  # 二、2026年… is a heading; 三.5 is not
    ("cn_paren", re.compile(rf"[（(]({CN_NUM})[)）]")),
    ("num_paren", re.compile(r"[（(]([0-9]{1,2})[)）]")),
    ("num_dot", re.compile(r"([0-9]{1,2})[.．](?![0-9])")),
    ("num_dun", re.compile(r"([0-9]{1,2})、")),
    ("circled", re.compile(r"([①-⑳])")),
    ("bracket", re.compile(r"【([^】\n]{1,10})】")),
    ("dash", re.compile(r"——(?!—)")),
    # 附件 / 附件2 / 附录一 on a line of its own (GB/T 9704): an appendix, whose title is the next line
    ("appendix", re.compile(r"(?:附件|附录)([0-9０-９]{0,2}|[一二三四五六七八九十]{0,3})[:：]?(?=[ \t\u3000]*$)")),
)

# Markers that also open an item after a sentence boundary inside a paragraph.
INLINE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn_shi", re.compile(rf"({CN_NUM})是(?![的否])")),
    ("cn_yao", re.compile(rf"({CN_NUM})要(?![求素点])")),
    ("di", re.compile(rf"第({CN_NUM})[,，、：:](?![一二两三四五六七八九十])")),  # 第一、二轮 is an ordinal pair
    ("first", re.compile(r"(首先|其次|再次|最后)(?=[,，、：:])")),
    ("circled", re.compile(r"([①-⑳])")),
    ("num_paren", re.compile(r"[（(]([0-9]{1,2})[)）]")),
)

SENTENCE_BOUNDARY = frozenset("。；;！!？?：:")
STANDALONE = frozenset({"bracket", "appendix"})  # block markers that may make up their whole line


_BOUNDARY_RE = one_of(SENTENCE_BOUNDARY)
FIRST_FAMILY: dict[str, int | None] = {"首先": 1, "其次": 2, "再次": 3, "最后": None}


@dataclass(frozen=True)
class Marker:
    """One marker occurrence: `literal` is text[start:end]; `block` means it opens a paragraph."""

    kind: str
    ordinal: int | None
    literal: str
    start: int
    end: int
    block: bool


def cn_to_int(numeral: str) -> int | None:
    """Value of a small Chinese numeral (一 … 九十九, 两); None if it is not one."""
    numeral = numeral.replace("两", "二")
    if not numeral or any(c not in CN_DIGITS + "十" for c in numeral):
        return None
    if "十" not in numeral:
        return CN_DIGITS.index(numeral) if len(numeral) == 1 else None
    tens, _, units = numeral.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    high = CN_DIGITS.index(tens) if tens else 1
    return high * 10 + (CN_DIGITS.index(units) if units else 0)


def int_to_cn(value: int) -> str:
    """Chinese numeral for 1 … 99 (as used in paths); larger values stay Arabic."""
    if not 0 < value < 100:
        return str(value)
    tens, units = divmod(value, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[units] if units else "")


def ordinal_of(kind: str, group: str) -> int | None:
    """Ordinal value of a marker's captured group."""
    if kind in ("cn_dun", "cn_paren", "cn_shi", "cn_yao", "di"):
        return cn_to_int(group)
    if kind == "circled":
        return ord(group) - ord("①") + 1
    if kind == "first":
        return FIRST_FAMILY[group]
    if kind in ("bracket", "dash"):
        return None
    if kind == "appendix":  # 附件 alone, 附件2, 附录一
        return None if not group else int(group) if group[0].isdigit() else cn_to_int(group)
    return int(group)


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-empty paragraph, without surrounding whitespace."""
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group()
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        if stripped:
            yield match.start() + lead, match.start() + lead + len(stripped)


def block_marker(text: str, start: int, end: int) -> Marker | None:
    """The marker opening the paragraph text[start:end], if any."""
    for kind, pattern in BLOCK_PATTERNS + INLINE_PATTERNS:
        match = pattern.match(text, start, end)
        if match and (match.end() < end or kind in STANDALONE):  # 【亮点】, 附件2 may stand alone
            group = match.group(1) if pattern.groups else ""
            literal_end = match.end()
            return Marker(kind, ordinal_of(kind, group), text[start:literal_end], start, literal_end, True)
    return None


def inline_markers(text: str, start: int, end: int) -> Iterator[Marker]:
    """Markers after a sentence boundary inside the paragraph text[start:end] (not at its start)."""
    for boundary in _BOUNDARY_RE.finditer(text, start, end - 1):
        pos = boundary.end()
        for kind, pattern in INLINE_PATTERNS:
            match = pattern.match(text, pos, end)
            if match and match.end() < end:
                yield Marker(kind, ordinal_of(kind, match.group(1)), match.group(), pos, match.end(), False)
                break


def drop_unpaired(markers: list[Marker], subtitle_zone: int) -> list[Marker]:
    """Drop lone '首先/最后', single '——' lines and a '——' subtitle under the title: not enumerations."""
    # Offsets before subtitle_zone hold a "——以鹿城区为例" subtitle line, not a bullet.
    has_second = any(m.kind == "first" and m.ordinal == 2 for m in markers)
    dashes = [m for m in markers if m.kind == "dash" and m.start >= subtitle_zone]
    keep = []
    for m in markers:
        if m.kind == "first" and not has_second:
            continue
        if m.kind == "dash" and (len(dashes) < 2 or m.start < subtitle_zone):
            continue
        keep.append(m)
    return keep


def find_markers(text: str) -> list[Marker]:
    """All paragraph-start and inline markers of `text`, in text order."""
    found: list[Marker] = []
    spans = list(paragraphs(text))
    for start, end in spans:
        head = block_marker(text, start, end)
        if head is not None:
            found.append(head)
        found.extend(inline_markers(text, start, end))
    return drop_unpaired(found, subtitle_end(text, spans))


def subtitle_end(text: str, spans: list[tuple[int, int]]) -> int:
    """End of a '——' subtitle line right under the title (no sentence in it), else 0."""
    if len(spans) > 1 and text.startswith("——", spans[1][0]) and "。" not in text[slice(*spans[1])]:
        return spans[1][1]
    return 0
