"""The date a document shows: metadata, a header line, a closing line (落款) or the year of its title.

Sources, in order of trust: a metadata column (publish_date, 发布时间, year …); a labelled date in the
header (发布时间：2023-05-12) or a bare one beside the source line (2023-05-12　来源：…); a closing line that
holds only a date, possibly after the issuing unit (中共巍山县委办公室 2017年5月27日, 二〇一七年五月二十七日);
the year of the title (2019年政府工作报告 → 2019). The body's narrative is never read (2020年底 is not a
document date). Every date is validated: no date after `today`, none before 1949.
`date_precision` says how much the source gives: day, month or year.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .boilerplate import body_bounds

NUMERIC = re.compile(
    r"(?<![0-9])(19[0-9]{2}|20[0-9]{2})\s*(?:[-/.年]\s*([01]?[0-9])\s*(?:[-/.月]\s*([0-3]?[0-9])(?![0-9])\s*日?|月)?)?"
)
CHINESE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月(?:([一二三四五六七八九十]{1,3})日)?")
LABEL = re.compile(r"发表于|发布时间|发布日期|发文日期|成文日期|更新时间|日期|时间")
SOURCE = re.compile(r"来源|信息来源|文章来源|稿件来源")
TITLE_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})年(?!以来|底|前|初|末|代)")
CLOSING_LINES = 3
CLOSING_MAX_CHARS = 40
EARLIEST = 1949
CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


@dataclass(frozen=True)
class DocumentDate:
    """An ISO date cut to its precision (2019, 2019-03, 2019-03-05), where it came from, and how precise."""

    value: str | None = None
    source: str | None = None
    precision: str | None = None


def iso(year: int, month: int | None, day: int | None, today: datetime.date) -> DocumentDate | None:
    """A validated date: a real calendar date, not after today, not before 1949."""
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if year < EARLIEST or (year, month or 1, day or 1) > (today.year, today.month, today.day):
        return None
    if month is None:
        return DocumentDate(f"{year:04d}", precision="year")
    if day is None:
        return DocumentDate(f"{year:04d}-{month:02d}", precision="month")
    return DocumentDate(f"{year:04d}-{month:02d}-{day:02d}", precision="day")


def cn_number(numeral: str) -> int | None:
    """一 … 三十一 (months and days)."""
    if "十" not in numeral:
        return CN_DIGITS.get(numeral) if len(numeral) == 1 else None
    tens, _, units = numeral.partition("十")
    return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(units, 0) if units else 0)


def parse_date(text: str, today: datetime.date) -> DocumentDate | None:
    """The first valid date written in a short string (numeric or in Chinese numerals)."""
    for match in NUMERIC.finditer(text):
        year, month, day = match.groups()
        found = iso(int(year), int(month) if month else None, int(day) if day else None, today)
        if found is not None:
            return found
    for match in CHINESE.finditer(text):
        year = int("".join(str(CN_DIGITS[c]) for c in match.group(1)))
        day = cn_number(match.group(3)) if match.group(3) else None
        found = iso(year, cn_number(match.group(2)), day, today)
        if found is not None:
            return found
    return None


def header_date(lines: list[str], today: datetime.date) -> DocumentDate | None:
    """A labelled date before the body, or a bare date on or beside a source line."""
    bounds = body_bounds(lines)
    header = lines[: bounds[0]] if bounds else lines[:CLOSING_LINES]
    for line in header:
        if LABEL.search(line) and (found := parse_date(line[LABEL.search(line).end():], today)):
            return found
    for i, line in enumerate(header):
        near = header[max(0, i - 1) : i + 2]
        if any(SOURCE.search(n) for n in near) and len(line) <= CLOSING_MAX_CHARS and (found := parse_date(line, today)):
            return found
    return None


def closing_date(lines: list[str], today: datetime.date) -> DocumentDate | None:
    """A short line near the end that ends with a date (the issuing unit's 落款)."""
    for line in reversed(lines[-CLOSING_LINES:]):
        if len(line) > CLOSING_MAX_CHARS:
            continue
        stripped = line.rstrip("）)。 ")
        found = parse_date(stripped, today)
        if found is not None and (stripped.endswith("日") or NUMERIC.search(stripped[-10:]) or CHINESE.search(stripped)):
            return found
    return None


def title_year(title: str | None, today: datetime.date) -> DocumentDate | None:
    """The year a title names (2019年政府工作报告), not a period (2017年以来)."""
    match = TITLE_YEAR.search(title or "")
    return iso(int(match.group(1)), None, None, today) if match else None


def document_date(
    given: object, header: list[str], title: str | None, body: list[str] | None = None, today: datetime.date | None = None
) -> DocumentDate:
    """The document's date from the most trusted source that gives one (see the module docstring).

    `header`: the page's lines (its header is read); `body`: the document's clean lines (its closing is read).
    """
    today = today or datetime.date.today()
    candidates = (
        ("metadata", parse_date(str(given), today) if given not in (None, "") else None),
        ("header", header_date(header, today)),
        ("closing", closing_date(body if body is not None else header, today)),
        ("title", title_year(title, today)),
    )
    for source, found in candidates:
        if found is not None:
            return DocumentDate(found.value, source, found.precision)
    return DocumentDate()
