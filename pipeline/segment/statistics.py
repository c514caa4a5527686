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
from typing import TYPE_CHECKING

from pipeline.segment.slogans import extract_slogans, quote_spans

if TYPE_CHECKING:
    from jieba.posseg import POSTokenizer

logger = logging.getLogger(__name__)

ARABIC = r"[0-9０-９]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9０-９]+(?:[.．][0-9０-９]+)?"
CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
CORE = re.compile(rf"百分之(?:{ARABIC}|[{CN_CHARS}]+)|{ARABIC}|[{CN_CHARS}]+")

# Closed grammar of Chinese quantity phrases (not curated vocabulary, hence constants).
MAGNITUDES = {"万": 1e4, "亿": 1e8, "千": 1e3}
APPROX = frozenset("余多")
PRE_QUALIFIERS = (
    "不少于", "不低于", "不超过", "不高于", "超过", "不足", "不到", "将近", "接近", "大约", "至少",
    "多达", "高达", "近", "约", "逾", "超",
)
POST_QUALIFIERS = ("以上", "以下", "左右", "以内", "之多")
RANGE_LINKS = frozenset("至到-—–~～－")
DIGIT_LINKS = frozenset("-/:.：．－")
DOTS = frozenset(".．")
CODE_BEFORE = frozenset("〔[【+＋")  # 〔2017〕25号, 5+3
CODE_AFTER = frozenset("〕]】+＋")
# After 年, these make a time frame or a date (五年来, 2018年底), not a counted duration.
YEAR_FRAME = frozenset("来以前后内初底末度间")
# Before a Chinese numeral these make it an ordinal or a name (第三, 初五, 十四届四次全会).
CN_NO_COUNT_BEFORE = ("第", "初", "周", "星期", "礼拜", "届")
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
    core_start: int
    unit: str | None = None
    approx: str | None = None
    scale: float = 1.0
    value_high: float | None = None
    qualifier: str | None = None


def load_units(path: Path) -> frozenset[str]:
    """Units from a one-per-line file; `#` lines and blank lines are skipped."""
    from pipeline.resources import read_word_list

    return frozenset(read_word_list(path))


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


def _scaled(value: float, scale: float) -> float:
    """value × scale without binary noise (2.03万 → 20300.0, not 20299.999999999996)."""
    return round(value * scale, 6)


def _tail(text: str, q: Quantity, units: frozenset[str], longest: int) -> Quantity:
    """Extend a bare number with approximation, magnitude and unit (1.5亿余元, 1580余万人次)."""
    pos, scale, approx = q.end, 1.0, None
    for _ in range(5):
        unit = _unit_at(text, pos, units, longest)
        if unit is not None:
            pos, unit = _compound_unit(text, pos + len(unit), unit, units, longest)
            return replace(q, end=pos, value=_scaled(q.value, scale), unit=unit, approx=approx, scale=scale)
        ch = text[pos] if pos < len(text) else ""
        if ch in MAGNITUDES:
            scale, pos = scale * MAGNITUDES[ch], pos + 1
        elif ch in APPROX and approx is None:
            approx, pos = ch, pos + 1
        else:
            break
    return replace(q, end=pos, value=_scaled(q.value, scale), approx=approx, scale=scale)


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
    q = Quantity(start=match.start(), end=match.end(), value=value, chinese=chinese, core_start=match.start())
    if match.group().startswith("百分之"):
        return replace(q, unit="%")
    return _tail(text, q, units, longest)


def _with_range(text: str, q: Quantity, units: frozenset[str], longest: int) -> Quantity:
    """Join `q` with a following "至/到/-" number into one range (5至7天, 3至5万元)."""
    if q.end >= len(text) or text[q.end] not in RANGE_LINKS or q.approx:
        return q
    m = CORE.match(text, q.end + 1)
    high = _parse_at(text, m, units, longest) if m else None
    if high is None or (high.unit is None and high.scale == 1.0):
        return q
    if q.unit is not None and high.unit != q.unit:
        return q
    # 3至5万元: the magnitude written once applies to both ends.
    low = _scaled(q.value, high.scale) if q.scale == 1.0 and q.unit is None else q.value
    if low >= high.value:
        return q
    return replace(q, end=high.end, value=low, value_high=high.value, unit=high.unit,
                   approx=high.approx, scale=high.scale)


def _with_qualifiers(text: str, q: Quantity) -> Quantity:
    """Absorb a qualifier written before (超过, 近) or after (以上, 左右) the quantity."""
    post = next((w for w in POST_QUALIFIERS if text.startswith(w, q.end)), None)
    end = q.end + len(post) if post else q.end
    pre = next((w for w in PRE_QUALIFIERS if text.endswith(w, 0, q.start)), None)
    if pre == "近" and text.endswith("最近", 0, q.start):
        pre = None  # 最近3年 is "the last three years", not "nearly three"
    start = q.start - len(pre) if pre else q.start
    return replace(q, start=start, end=end, qualifier=q.approx or post or pre)


def _is_year(q: Quantity) -> bool:
    """True for calendar years (2018年, 2016—2020年, 2018%) rather than counted years."""
    values = [v for v in (q.value, q.value_high) if v is not None]
    year_like = any(v == int(v) and 1000 <= v <= 2099 for v in values) and not q.chinese
    return year_like and q.scale == 1.0 and q.unit in ("年", "%")


def _year_frame(text: str, q: Quantity) -> bool:
    """True for 年 followed by a frame word (五年来, 2017年以来, 2018年底)."""
    return q.unit == "年" and q.end < len(text) and text[q.end] in YEAR_FRAME


def _in_code(text: str, start: int, end: int) -> bool:
    """True when the number is part of a date, time, code, document number or model (5+3)."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before.isascii() and before.isalnum() or after.isascii() and after.isalpha():
        return True  # G20, 3A级, 5G: alphanumeric codes
    if before in DIGIT_LINKS and start > 1 and text[start - 2].isdigit() or before in DOTS:
        return True  # 2017-05-27, 20:42:38, 2017.5.27, and .15 whose integer part was lost
    if after in DIGIT_LINKS and end + 1 < len(text) and text[end + 1].isdigit():
        return True
    return before in CODE_BEFORE or after in CODE_AFTER


def _rejected(text: str, q: Quantity, quotes: list[tuple[int, int]]) -> bool:
    """True when a parsed quantity is not a statistic (see the module docstring)."""
    if q.unit is None and (q.chinese or (q.scale == 1.0 and not q.approx)):
        return True
    if _in_code(text, q.core_start, q.end) or text.endswith("第", 0, q.core_start):
        return True
    if _is_year(q) or _year_frame(text, q):
        return True
    if q.chinese:
        inside_quotes = any(s <= q.core_start < e for s, e in quotes)
        counted_before = any(text.endswith(w, 0, q.core_start) for w in CN_NO_COUNT_BEFORE)
        # Counts before a measure word use 两; a lone 二 there is a class or an order (二类, 二次创业).
        ordinal_er = text[q.core_start] == "二" and q.value == 2.0
        return q.value == 1.0 or inside_quotes or counted_before or ordinal_er
    return False


def _quantities(text: str, units: frozenset[str]) -> list[Quantity]:
    """All accepted quantities of `text`, left to right, without overlaps."""
    longest = max((len(u) for u in units), default=0)
    quotes = quote_spans(text)
    found: list[Quantity] = []
    pos = 0
    while (m := CORE.search(text, pos)) is not None:
        q = _parse_at(text, m, units, longest)
        if q is None:
            pos = m.end()
            continue
        q = _with_qualifiers(text, _with_range(text, q, units, longest))
        if not _rejected(text, q, quotes):
            found.append(q)
        pos = max(q.end, m.end())
    return found


def _outside(found: list[Quantity], spans: list[tuple[int, int]]) -> list[Quantity]:
    """Drop quantities overlapping any span (numerals of slogans such as 两学一做)."""
    return [q for q in found if all(q.end <= s or q.start >= e for s, e in spans)]


@functools.lru_cache(maxsize=1)
def _pos_tokenizer() -> POSTokenizer:
    """A private jieba POS tokenizer (never the global one), built on first use."""
    import jieba
    import jieba.posseg

    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


def _cjk_after(text: str, pos: int) -> str:
    """The run of CJK characters starting at `pos` (at most 12)."""
    m = re.match(r"[\u4e00-\u9fff]{1,12}", text[pos : pos + 12])
    return m.group() if m else ""


def _cjk_before(text: str, pos: int) -> str:
    """The run of CJK characters ending at `pos` (at most 12)."""
    m = re.search(r"[\u4e00-\u9fff]{1,12}$", text[max(0, pos - 12) : pos])
    return m.group() if m else ""


def pos_tags(phrase: str) -> list[tuple[str, str]]:
    """(word, part-of-speech) pairs of a short phrase."""
    return [(w.word, w.flag) for w in _pos_tokenizer().cut(phrase)] if phrase else []


def _leading_nouns(words: list[tuple[str, str]]) -> str:
    """Concatenate the leading noun-like words, up to SUBJECT_MAX characters."""
    out = ""
    for word, flag in words:
        if flag not in NOUN_TAGS or len(out) + len(word) > SUBJECT_MAX:
            break
        out += word
    return out


def _trailing_nouns(words: list[tuple[str, str]]) -> str:
    """Concatenate the trailing noun-like words, in text order, up to SUBJECT_MAX characters."""
    kept: list[tuple[str, str]] = []
    for word, flag in reversed(words):
        if flag not in NOUN_TAGS or sum(len(w) for w, _ in kept) + len(word) > SUBJECT_MAX:
            break
        kept.insert(0, (word, flag))
    # A verbal noun opening the run is the action, not the thing counted (发展|火龙果1.7万亩).
    while kept and kept[0][1] == "vn":
        kept.pop(0)
    return "".join(w for w, _ in kept)


def _subject(text: str, q: Quantity) -> str | None:
    """What is counted: nouns right after the unit (593个党组织), else right before (贫困人口36804人)."""
    subject = _leading_nouns(pos_tags(_cjk_after(text, q.end)))
    if not subject:
        subject = _trailing_nouns(pos_tags(_cjk_before(text, q.start)))
    return subject or None


def _change_groups(text: str, found: list[Quantity]) -> dict[int, tuple[int, str]]:
    """Index → (group, role) for "由A降为B" / "从A提升到B" pairs."""
    groups: dict[int, tuple[int, str]] = {}
    for i in range(len(found) - 1):
        a, b = found[i], found[i + 1]
        if i in groups or not CHANGE_GAP.fullmatch(text[a.end : b.start]):
            continue
        if CHANGE_FROM.search(text[max(0, a.start - 13) : a.start]):
            group = len(groups) // 2
            groups[i], groups[i + 1] = (group, "from"), (group, "to")
    return groups


def _as_dict(text: str, q: Quantity, change: tuple[int, str] | None) -> dict:
    """The public record of one statistic."""
    return {
        "text": text[q.start : q.end],
        "value": q.value,
        "value_high": q.value_high,
        "unit": "%" if q.unit == "％" else q.unit,
        "qualifier": q.qualifier,
        "subject": _subject(text, q),
        "change_group": change[0] if change else None,
        "change_role": change[1] if change else None,
        "start": q.start,
        "end": q.end,
    }


def extract_statistics(text: str, units: frozenset[str], slogans: list[dict] | None = None) -> list[dict]:
    """Statistics of `text` (see the module docstring), in text order; pass `slogans` if already found."""
    slogans = [(s["start"], s["end"]) for s in (extract_slogans(text) if slogans is None else slogans)]
    found = _outside(_quantities(text, units), slogans)
    changes = _change_groups(text, found)
    return [_as_dict(text, q, changes.get(i)) for i, q in enumerate(found)]
