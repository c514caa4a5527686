"""Numerals: where a numeral ends in a text, and the value of the isolated numeral.

Handles Arabic digits (full-width too, with thousands separators: 1,075 / １５０), Chinese numerals
in every common form — everyday (三百五十), financial (壹佰万零肆), traditional (兩千三百五, 萬, 億),
colloquial tails (三千五 = 3500), magnitudes stacked on anything (1.5亿, 三百五十万亿, 1亿3千多万) —
negatives (负三十二, -5) and fractions (三分之一, 百分之三十 → %, 千分之一百一十一 → ‰).

A numeral is read on its own, never by rewriting the sentence around it (a sentence-level rewrite
would also turn 全国两会 or 两三个 into digits). Arithmetic is exact (Decimal): 285.6亿 is
28560000000, not 28560000000.000004.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DIGITS = {
    **{c: i for i, c in enumerate("零一二三四五六七八九")},
    "〇": 0, "两": 2, "兩": 2, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5,
    "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
APPROX_INSIDE = "多余"  # 1亿3千多万, 1580余万: an approximation before a magnitude stays in the numeral
NEGATIVE = ("负", "-", "－", "−")
DECIMAL_POINT = "点"
CN_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
UNIT_CHARS = tuple(SMALL_UNITS) + tuple(BIG_UNITS)
PAIR = "两兩"  # 2 before a unit or a classifier (两千, 两个), never a numeral's last digit after a unit
START = re.compile(rf"[0-9０-９{CN_CHARS}]|负(?=[0-9０-９{CN_CHARS}])")
ARABIC = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+(?:\.[0-9]+)?")
PERCENT_BASES = {"百": "%", "千": "‰"}
MAX_NUMERAL_CHARS = 32  # no number is written longer; a longer run of digits is a code or noise


@dataclass(frozen=True)
class Numeral:
    """An isolated numeral's reading: value, an approximation written inside it, and its shape."""

    value: float
    approx: str | None = None
    chinese: bool = False  # written with Chinese digits or 十/百/千 (not just an Arabic number + 万/亿)
    sequence: bool = False  # digit by digit (二〇二六): a year or a code, not a count
    scale: int = 1  # the magnitude it ends with (1.5亿 → 10**8, 40.72万 → 10**4, 3万亿 → 10**12)
    unit: str | None = None  # % or ‰ for 百分之/千分之
    fraction: bool = False  # 三分之一


def numeral_end(text: str, start: int, stops: frozenset[str] = frozenset(), longest: int = 0) -> int:
    """End of the numeral starting at `start`: digits, Chinese numerals, magnitudes, 点, 分之.

    The numeral stops before any word in `stops` (units such as 千瓦, 千米, 百分点 would otherwise
    lose their first character to the numeral).
    """
    pos = start + (1 if text.startswith("负", start) else 0)
    limit = min(len(text), start + MAX_NUMERAL_CHARS)
    while pos < limit:
        if pos > start and _stop_at(text, pos, stops, longest):
            break
        ch = text[pos]
        if ch in PAIR and pos > start and text[pos - 1] in UNIT_CHARS and not text.startswith(UNIT_CHARS, pos + 1):
            break  # 5万亿|两个台阶, 一千|两 (taels): a tail digit after a unit is written 二 (一万二), never 两
        if ch in "0123456789０１２３４５６７８９" or ch in CN_CHARS:
            pos += 1
        elif ch in ".．点" and pos + 1 < len(text) and _is_digit(text[pos + 1]) and pos > start:
            pos += 1
        elif ch in ",，" and _thousands_group(text, pos):
            pos += 1
        elif ch in APPROX_INSIDE and pos + 1 < len(text) and text[pos + 1] in BIG_UNITS and pos > start:
            pos += 1
        elif text.startswith("分之", pos) and pos > start:
            pos += 2
        else:
            break
    return pos


def _is_digit(ch: str) -> bool:
    """An Arabic or Chinese digit."""
    return ch in "0123456789０１２３４５６７８９" or ch in DIGITS


def _thousands_group(text: str, pos: int) -> bool:
    """A comma followed by exactly three digits: 1,075."""
    group = text[pos + 1 : pos + 4]
    after = text[pos + 4 : pos + 5]
    return len(group) == 3 and group.isdigit() and group.isascii() and not (after.isascii() and after.isdigit())


def _stop_at(text: str, pos: int, stops: frozenset[str], longest: int) -> bool:
    """Whether a stop word (a unit) starts at `pos`."""
    if text[pos] not in SMALL_UNITS and text[pos] not in BIG_UNITS:
        return False  # stops are units that begin with a numeral character (千瓦, 百分点)
    return any(text[pos : pos + size] in stops for size in range(min(longest, len(text) - pos), 1, -1))


def normalise(numeral: str) -> str:
    """Full-width digits and separators folded (NFKC), thousands commas removed."""
    folded = unicodedata.normalize("NFKC", numeral)
    return re.sub(r"(?<=[0-9]),(?=[0-9]{3})", "", folded)


@functools.lru_cache(maxsize=65536)
def parse_numeral(numeral: str) -> Numeral | None:
    """The reading of an isolated numeral, or None when it is not one number (两三个, 十三五 …).
    Remembered: a corpus writes the same few numerals (一, 两, 30, 2019) hundreds of thousands of times."""
    if numeral.isascii() and numeral.isdigit():  # the common case, read without the general machinery
        return Numeral(float(int(numeral)))
    text = normalise(numeral)
    negative = text.startswith(NEGATIVE)
    if negative:
        text = text[1:]
    if not text:
        return None
    reading = _fraction(text) if "分之" in text else _number(text)
    if reading is None:
        return None
    chinese = any(ch in DIGITS or ch in SMALL_UNITS or ch == DECIMAL_POINT for ch in text)
    value = -reading[0] if negative else reading[0]
    approx, sequence, unit, fraction = reading[1], reading[2], reading[3], reading[4]
    return Numeral(float(value), approx, chinese, sequence, trailing_scale(text), unit, fraction)


def trailing_scale(text: str) -> int:
    """The magnitude a numeral ends with: 万 → 10**4, 亿 → 10**8, 万亿 → 10**12, none → 1."""
    scale = 1
    for ch in reversed(text):
        if ch not in BIG_UNITS:
            break
        scale *= BIG_UNITS[ch]
    return scale


def _fraction(text: str) -> tuple | None:
    """百分之三十 → 30 %, 千分之一百一十一 → 111 ‰, 三分之一 → 1/3."""
    base, _, part = text.partition("分之")
    numerator = _number(part)
    if numerator is None or numerator[2]:
        return None
    if base in PERCENT_BASES:
        return numerator[0], None, False, PERCENT_BASES[base], False
    denominator = _number(base)
    if denominator is None or denominator[0] == 0:
        return None
    return numerator[0] / denominator[0], None, False, None, True


def _number(text: str) -> tuple | None:
    """(value, approx, sequence, None, False) of a numeral without sign or fraction."""
    approx = next((ch for ch in text if ch in APPROX_INSIDE), None)
    text = text.replace("多", "").replace("余", "")
    if not text:
        return None
    if ARABIC.fullmatch(text):
        return Decimal(text.replace(",", "")), approx, False, None, False
    if all(ch in DIGITS for ch in text) and len(text) > 1:
        return _sequence(text)
    value = _chinese(text)
    return None if value is None else (value, approx, False, None, False)


def _sequence(text: str) -> tuple | None:
    """二〇二六 (digit by digit, a year or code); 两三, 十五六 style ranges are not one number."""
    if "〇" not in text and "零" not in text:
        return None
    return Decimal("".join(str(DIGITS[ch]) for ch in text)), None, True, None, False


def _chinese(text: str) -> Decimal | None:
    """Value of a numeral mixing Chinese digits, small units, magnitudes and Arabic runs."""
    total = Decimal(0)  # complete groups above 亿
    wan = Decimal(0)  # complete groups between 万 and 亿
    section = Decimal(0)  # the current group below 万
    digit: Decimal | None = None
    last_unit = 0  # the last small or big unit seen (for 三千五 = 3500)
    zero = False
    pos = 0
    while pos < len(text):
        ch = text[pos]
        arabic = ARABIC.match(text, pos)
        if arabic:
            if digit is not None:
                return None
            digit, pos = Decimal(arabic.group().replace(",", "")), arabic.end()
            continue
        if ch in DIGITS:
            if digit is not None and not zero:
                return None  # two digits in a row: 两三 (a range), not one number
            zero = DIGITS[ch] == 0
            digit = None if zero else Decimal(DIGITS[ch])
            if zero:
                last_unit = 0
        elif ch == DECIMAL_POINT:
            return _decimal_tail(text, pos, total + wan + section, digit)
        elif ch in SMALL_UNITS:
            section += (digit if digit is not None else Decimal(1)) * SMALL_UNITS[ch]
            digit, last_unit, zero = None, SMALL_UNITS[ch], False
        elif ch in BIG_UNITS and BIG_UNITS[ch] == 10**4:
            wan += (section + (digit or 0)) * 10**4
            section, digit, last_unit, zero = Decimal(0), None, 10**4, False
        elif ch in BIG_UNITS:  # 亿 multiplies what came since the last 亿 (一万亿零一亿 = 10**12 + 10**8)
            total += (wan + section + (digit or 0)) * 10**8
            wan = section = Decimal(0)
            digit, last_unit, zero = None, 10**8, False
        else:
            return None
        pos += 1
    if digit is not None and last_unit >= 100 and not zero:
        digit *= last_unit // 10  # 三千五 = 3500, 两万三 = 23000
    value = total + wan + section + (digit or 0)
    return value if value or text.strip("零〇") == "" else None


def _decimal_tail(text: str, pos: int, integral: Decimal, digit: Decimal | None) -> Decimal | None:
    """一点二五 → 1.25 (digits after 点 are read one by one)."""
    tail = text[pos + 1 :]
    if not tail or any(ch not in DIGITS for ch in tail):
        return None
    return integral + (digit or 0) + Decimal("0." + "".join(str(DIGITS[ch]) for ch in tail))


def scaled(value: float, scale: int | float) -> float:
    """value × scale without binary noise."""
    return float(Decimal(repr(value)) * Decimal(repr(scale)))
