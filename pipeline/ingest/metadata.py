"""Page metadata in text dumps: title, date, source unit; and the header lines around them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .boilerplate import MARKER_LINE, body_bounds

DATE = re.compile(
    r"(?:发表于|时间|发布时间|发布日期|日期|更新时间|发文日期|成文日期)\s*[:：]?\s*"
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)
SOURCE = re.compile(r"(?:供稿单位|文章来源|信息来源|稿件来源|来源|供稿)\s*[:：]\s*([^\s|:：]{2,40})(?![:：])")
URL = re.compile(r"(?:原文链接|原文地址|网址|链接)\s*[:：]\s*(https?://\S+)")
METADATA_LINE_MAX = 80
TITLE_MIN, TITLE_MAX = 4, 60
NOT_TITLE_END = re.compile(r"[。，,；;:：、]$")


@dataclass(frozen=True)
class PageMetadata:
    """What the page says about itself (its date is read by pipeline/ingest/dates.py)."""

    source_unit: str | None = None
    url: str | None = None


HEADER_MAX_LINES = 300


def is_metadata_line(line: str) -> bool:
    """A short line that states a date, a source or a link of the page."""
    if len(line) > METADATA_LINE_MAX:
        return False
    return bool(DATE.search(line) or SOURCE.search(line) or URL.search(line))


def page_metadata(lines: list[str]) -> PageMetadata:
    """Source unit and url from the metadata lines of a page (first found wins)."""
    source = url = None
    for line in lines:
        if not is_metadata_line(line):
            continue
        if source is None and (m := SOURCE.search(line)):
            source = m.group(1)
        if url is None and (m := URL.search(line)):
            url = m.group(1)
    return PageMetadata(source, url)


def is_title_like(line: str) -> bool:
    """A short heading-like line: no sentence end, no list marker, not a dash subtitle."""
    return (
        TITLE_MIN <= len(line) <= TITLE_MAX
        and not NOT_TITLE_END.search(line)
        and not line.endswith("。")
        and not line.startswith(("—", "-", "【"))
        and not MARKER_LINE.match(line)
    )


def title_index(lines: list[str], bounds: tuple[int, int] | None = None) -> int | None:
    """Index of the page title: the heading before the metadata line, else before the prose."""
    bounds = bounds or body_bounds(lines)
    # without prose the header is looked for near the top only (a list of 80,000 short lines has none)
    end = bounds[0] if bounds else min(len(lines), HEADER_MAX_LINES)
    meta = [i for i in range(end) if is_metadata_line(lines[i])]
    limit = meta[0] if meta else end
    for i in range(limit - 1, -1, -1):
        if is_title_like(lines[i]):
            return i
    return None


def declared_title_index(lines: list[str], title: str, bounds: tuple[int, int] | None) -> int | None:
    """Index of the first line above the body that repeats a declared title."""
    end = bounds[0] if bounds else min(len(lines), HEADER_MAX_LINES)
    return next((i for i in range(end) if repeats_title(lines[i], title)), None)


def repeats_title(line: str, title: str | None) -> bool:
    """A line is the declared title, or its head before a site name (标题_某某网, 标题 - 栏目 - 站点),
    spaces and punctuation aside."""
    key, own = _title_key(title or ""), _title_key(line)
    return len(own) >= 4 and (own == key or (key.startswith(own) and len(own) >= 0.5 * len(key)))


def _title_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def trim_header(lines: list[str], known_title: str | None = None, extracted: bool = False) -> tuple[str | None, list[str]]:
    """The title and the lines from the title on, without metadata lines.

    A raw text (a text file, a scraper's text column) starts at the last title-like line above its body:
    the page chrome above it goes. A main text an extractor isolated (an HTML page) starts at the line
    that repeats the page's declared title, or at its first line where none does: its short lines are
    the article's own (a WeChat-style post of one phrase per line), not chrome.
    """
    bounds = body_bounds(lines)
    if extracted:
        index = declared_title_index(lines, known_title, bounds) if known_title else None
    else:
        index = title_index(lines, bounds)
    title = lines[index] if index is not None else None
    start = index if index is not None else 0
    body_start = bounds[0] if bounds else len(lines)
    kept = [
        line for i, line in enumerate(lines)
        if i >= start and not (i < body_start and is_metadata_line(line))
    ]
    return title, kept
