"""Reported quantities (1717.3平方公里, 1.5亿余元, 三百余人, 5至7天, 由24.1%降为0.38%) in a text.

A statistic is a number followed by a unit from the curated unit list (pipeline/data/stat_units.txt),
optionally with a magnitude (万, 亿, 千), an approximation (余, 多), a qualifier before (近, 约, 超过 …)
or after (以上, 左右 …), and a second number for ranges. The surface `text` covers all of that, so
"超过2300万元" has value 23000000, unit 元, qualifier 超过.

Not statistics: years (2018年, 2017年以来), dates and times (2017-05-27, 20:42), document numbers
(〔2017〕25号), phone, ICP and QQ numbers (no unit follows them), grades (3A级: 级 is not a unit),
ordinals (第一, 1.), numerals inside slogans (两学一做) and models (5+3), image names (001.jpg).

Chinese numerals are converted by cn2an applied to the isolated numeral only (cn2an's sentence
transform would also rewrite 全国两会 or 两三个). They are accepted more cautiously than digits:
they need a unit, must not be 一 alone (一批, 一项 are articles, not counts), must not be an
approximation (两三个) or a year (二〇一八), and must not sit inside quotes (“千名干部下基层”).
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.segment.slogans import extract_slogans, quote_spans

logger = logging.getLogger(__name__)

ARABIC = r"[0-9０-９]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9０-９]+(?:[.．][0-9０-９]+)?"
CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
CORE = re.compile(rf"百分之(?:{ARABIC}|[{CN_CHARS}]+)|{ARABIC}|[{CN_CHARS}]+")

# Closed grammar of Chinese quantity phrases (not curated vocabulary, hence constants).
MAGNITUDES = {"万": 1e4, "亿": 1e8, "千": 1e3}
APPROX = frozenset("余多")
PRE_QUALIFIERS = ("超过", "不足", "不到", "将近", "接近", "大约", "至少", "近", "约", "逾", "超")
POST_QUALIFIERS = ("以上", "以下", "左右", "以内", "之多")
RANGE_LINKS = frozenset("至到-—–~～－")
DIGIT_LINKS = frozenset("-/:.：．－")
# After 年, these make a time frame or a date (五年来, 2018年底), not a counted duration.
YEAR_FRAME = frozenset("来以前后内初底末度间")
CN_NO_COUNT_BEFORE = ("第", "初", "周", "星期", "礼拜")
CHANGE_GAP = re.compile(r"(?:[下上]?[降升]|降低|提高|提升|增加|增长|减少|扩大|缩小|增|减)(?:为|到|至)")
CHANGE_FROM = re.compile(r"[由从][^，。；,;：:\n]{0,12}$")
NOUN_TAGS = frozenset({"n", "ng", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "l", "j", "an"})
SUBJECT_MAX = 8


@dataclass(frozen=True)
class Quantity:
    """One parsed quantity; `start`/`end` index the document text."""

    start: int
    end: int
    value: float
    chinese: bool
    unit: str | None = None
    approx: str | None = None
    scaled: bool = False
    value_high: float | None = None
    qualifier: str | None = None


def load_units(path: Path) -> frozenset[str]:
    """Units from a one-per-line file; `#` lines and blank lines are skipped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(s for s in (ln.strip() for ln in lines) if s and not s.startswith("#"))


def _cn_value(numeral: str) -> float | None:
    """Value of an isolated Chinese numeral, or None for approximations, years and bare magnitudes."""
    digits = "〇一二两三四五六七八九"
    if not any(ch in digits or ch == "十" for ch in numeral) or "〇" in numeral:
        return None
    if any(a in digits and b in digits for a, b in zip(numeral, numeral[1:])):
        return None  # 两三个, 十五六, 十三五: ranges and plan names, not one number
    import cn2an  # lazy: heavy-ish import, only needed when Chinese numerals occur

    try:
        return float(cn2an.cn2an(numeral, "normal"))
    except (ValueError, KeyError, IndexError):
        return None


def _core_value(core: str) -> tuple[float, bool] | None:
    """(value, is_chinese) of a matched number core, without any magnitude that follows it."""
    body = core.removeprefix("百分之")
    if body[0] in CN_CHARS:
        value = _cn_value(body)
        return None if value is None else (value, True)
    try:
        return float(unicodedata.normalize("NFKC", body).replace(",", "")), False
    except ValueError:
        return None


def _unit_at(text: str, pos: int, units: frozenset[str], longest: int) -> str | None:
    """The longest unit starting at `pos`."""
    for size in range(min(longest, len(text) - pos), 0, -1):
        if text[pos : pos + size] in units:
            return text[pos : pos + size]
    return None


def _tail(text: str, q: Quantity, units: frozenset[str], longest: int) -> Quantity:
    """Extend a bare number with approximation, magnitude and unit (1.5亿余元, 1580余万人次)."""
    pos, value, approx, scaled = q.end, q.value, None, False
    for _ in range(5):
        unit = _unit_at(text, pos, units, longest)
        if unit is not None:
            pos, unit = _compound_unit(text, pos + len(unit), unit, units, longest)
            return replace(q, end=pos, value=value, unit=unit, approx=approx, scaled=scaled)
        ch = text[pos] if pos < len(text) else ""
        if ch in MAGNITUDES:
            value, scaled, pos = value * MAGNITUDES[ch], True, pos + 1
        elif ch in APPROX and approx is None:
            approx, pos = ch, pos + 1
        else:
            break
    return replace(q, end=pos, value=value, approx=approx, scaled=scaled)


def _compound_unit(text: str, pos: int, unit: str, units: frozenset[str], longest: int) -> tuple[int, str]:
    """Absorb a per-unit suffix (元/亩) and return the new end and unit."""
    if text.startswith("/", pos):
        per = _unit_at(text, pos + 1, units, longest)
        if per is not None:
            return pos + 1 + len(per), f"{unit}/{per}"
    return pos, unit


def _parse_at(text: str, match: re.Match[str], units: frozenset[str], longest: int) -> Quantity | None:
    """Parse the quantity whose number core is `match` (no qualifiers, no range)."""
    parsed = _core_value(match.group())
    if parsed is None:
        return None
    value, chinese = parsed
    q = Quantity(start=match.start(), end=match.end(), value=value, chinese=chinese)
    if match.group().startswith("百分之"):
        return replace(q, unit="%")
    return _tail(text, q, units, longest)


def _with_range(text: str, q: Quantity, units: frozenset[str], longest: int) -> Quantity:
    """Join `q` with a following "至/到/-" number into one range (5至7天, 3至5万元)."""
    if q.end >= len(text) - 1 or text[q.end] not in RANGE_LINKS:
        return q
    m = CORE.match(text, q.end + 1)
    high = _parse_at(text, m, units, longest) if m else None
    if high is None or high.value < q.value or (q.unit and high.unit and q.unit != high.unit):
        low_value = q.value * (high.value / (m and _core_value(m.group()) or (1.0, False))[0]) if False else q.value
        if high is None or not (high.scaled and not q.scaled):
            return q
    low = q.value
    if high.scaled and not q.scaled and q.unit is None:
        low = q.value * (high.value / _core_value(m.group())[0]) if _core_value(m.group())[0] else q.value
    if low > high.value:
        return q
    return replace(q, end=high.end, value=low, value_high=high.value, unit=high.unit or q.unit,
                   approx=q.approx or high.approx, scaled=q.scaled or high.scaled)
