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
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pipeline.segment.numbers import CN_CHARS as CN_NUMERAL_CHARS
from pipeline.segment.numbers import START, Numeral, numeral_end, parse_numeral, scaled
from pipeline.segment.slogans import extract_slogans, quote_spans

if TYPE_CHECKING:
    from jieba.posseg import POSTokenizer

logger = logging.getLogger(__name__)

# Closed grammar of Chinese quantity phrases (not curated vocabulary, hence constants).
APPROX = frozenset("余多")
BIG_ALONE = frozenset({"万", "亿", "万亿"})  # 亿元以上: a magnitude alone before a unit
# Words that report a duration as the figure (连续45年); without one, N年 only frames another figure.
DURATION_BEFORE = ("连续", "为期", "任期", "期限", "长达", "延长", "历时", "满", "达")
SCORE_UNIT = "分"
SCORE_CONTEXT = re.compile(r"总分|得分|满分|最高分|扣|加分|低于|高于|自评|评分|打分|测评|考核")
SCORE_WINDOW = 8
RANK_UNITS = frozenset({"位", "名"})
RANK_CONTEXT = re.compile(r"(?:排名|排位|位次|位居|跃居|居于|居|列|排在|升至|降至|上升到|下降到)")
RANK_WINDOW = 8
# Plain classifiers: after a one-character Chinese numeral they make a set phrase (两个方面, 抓两头).
SET_CLASSIFIERS = frozenset("个种项条次头支类位届期档批道轮方场遍")
PRE_QUALIFIERS = (
    "不少于", "不低于", "不超过", "不高于", "超过", "不足", "不到", "将近", "接近", "大约", "至少",
    "多达", "高达", "近", "约", "逾", "超",
)
POST_QUALIFIERS = ("以上", "以下", "左右", "以内", "之多")
# 内 after a span of time is 以内 (1天内研究部署, 3个月内不能办理): the time spans of stat_units.txt
WITHIN = "内"
TIME_SPANS = frozenset({"年", "个月", "个季度", "季度", "周", "天", "小时"})
PRE_LAST = frozenset(w[-1] for w in PRE_QUALIFIERS)
POST_FIRST = frozenset(w[0] for w in POST_QUALIFIERS)
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


class Quantity(NamedTuple):
    """One parsed quantity; `start`/`end` index the document text. A named tuple: each candidate number is
    rebuilt a few times as its unit, range and qualifiers are read, and a frozen dataclass's replace() had
    taken about 6 % of segment's time (155,000 calls at 10 MB, under the profiler)."""

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


def _unit_at(text: str, pos: int, units: frozenset[str], longest: int) -> str | None:
    """The longest unit starting at `pos`."""
    for size in range(min(longest, len(text) - pos), 0, -1):
        if text[pos : pos + size] in units:
            return text[pos : pos + size]
    return None


def _tail(text: str, start: int, pos: int, approx: str | None, units: frozenset[str],
          longest: int) -> tuple[int, str | None, str | None]:
    """(end, unit, approximation) of a numeral from `start` to `pos` extended with an approximation and a
    unit (300余人, 1.5亿余元, 5000余人次)."""
    if pos < len(text) and text[pos] in APPROX and approx is None:
        approx, pos = text[pos], pos + 1
    unit = _unit_at(text, pos, units, longest) or _score_unit(text, start, pos)
    if unit is None:
        return pos, None, approx
    end, unit = _compound_unit(text, pos + len(unit), unit, units, longest)
    return end, unit, approx


def _score_unit(text: str, start: int, pos: int) -> str | None:
    """分 as points where the sentence speaks of scores (自评得分15分, 总分120分); elsewhere it is minutes."""
    if not text.startswith(SCORE_UNIT, pos):
        return None
    before = text[max(0, start - SCORE_WINDOW) : start]
    return SCORE_UNIT if SCORE_CONTEXT.search(before) else None


def _compound_unit(text: str, pos: int, unit: str, units: frozenset[str], longest: int) -> tuple[int, str]:
    """Absorb a per-unit suffix (元/亩) and return the new end and unit."""
    if text.startswith("/", pos):
        per = _unit_at(text, pos + 1, units, longest)
        if per is not None:
            return pos + 1 + len(per), f"{unit}/{per}"
    return pos, unit


def _parse_at(text: str, pos: int, units: frozenset[str], longest: int, stops: frozenset[str]) -> Quantity | None:
    """Parse the quantity whose numeral starts at `pos` (no qualifiers, no range)."""
    return _quantity_of(text, pos, numeral_end(text, pos, stops, longest), units, longest)


def _quantity_of(text: str, pos: int, end: int, units: frozenset[str], longest: int) -> Quantity | None:
    """The quantity whose numeral is text[pos:end], extended with its unit (no qualifiers, no range)."""
    written = text[pos:end]
    numeral = parse_numeral(written)
    if numeral is None or numeral.sequence or not _counts(written, numeral, text, end):
        return None
    unit, approx = numeral.unit, numeral.approx
    if not unit:
        end, unit, approx = _tail(text, pos, end, approx, units, longest)
    return Quantity(start=pos, end=end, value=numeral.value, chinese=numeral.chinese, core_start=pos,
                    unit=unit, approx=approx, scale=float(numeral.scale))


# The digits that make a numeral a count (Arabic, full-width, Chinese): what `ch.isdigit() or ch in …` accepted, as
# numeral_end admits no other digit (str.isdigit's ² or ① never reach _counts).
COUNTING = re.compile("[0-9０-９〇零一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾]")


def _counts(written: str, numeral: Numeral, text: str, end: int) -> bool:
    """A bare magnitude needs an approximation or a unit after it (千余家, 亿元以上), not 千方百计."""
    if COUNTING.search(written):
        return True
    return end < len(text) and (text[end] in APPROX or written in BIG_ALONE)


def _with_range(text: str, q: Quantity, units: frozenset[str], longest: int, stops: frozenset[str]) -> Quantity:
    """Join `q` with a following "至/到/-" number into one range (5至7天, 3至5万元)."""
    if q.end >= len(text) or text[q.end] not in RANGE_LINKS or q.approx:
        return q
    high = _parse_at(text, q.end + 1, units, longest, stops) if START.match(text, q.end + 1) else None
    if high is None or (high.unit is None and high.scale == 1.0):
        return q
    if q.unit is not None and high.unit != q.unit:
        return q
    # 3至5万元: the magnitude written once applies to both ends.
    low = scaled(q.value, high.scale) if q.scale == 1.0 and q.unit is None else q.value
    if low >= high.value:
        return q
    return q._replace(end=high.end, value=low, value_high=high.value, unit=high.unit,
                   approx=high.approx, scale=high.scale)


def _with_qualifiers(text: str, q: Quantity) -> Quantity:
    """Absorb a qualifier written before (超过, 近) or after (以上, 左右) the quantity."""
    # the character next to the quantity rules out most qualifiers at once (most quantities have none)
    post = next((w for w in POST_QUALIFIERS if text.startswith(w, q.end)), None) \
        if text[q.end : q.end + 1] in POST_FIRST else None
    within = post is None and q.unit in TIME_SPANS and text.startswith(WITHIN, q.end)
    post = "以内" if within else post
    end = q.end + (len(WITHIN) if within else len(post) if post else 0)
    pre = next((w for w in PRE_QUALIFIERS if text.endswith(w, 0, q.start)), None) \
        if q.start and text[q.start - 1] in PRE_LAST else None
    if pre == "近" and text.endswith("最近", 0, q.start):
        pre = None  # 最近3年 is "the last three years", not "nearly three"
    start, qualifier = q.start - len(pre) if pre else q.start, q.approx or post or pre
    if start == q.start and end == q.end and qualifier == q.qualifier:
        return q  # most quantities: nothing to absorb, nothing to rebuild
    return q._replace(start=start, end=end, qualifier=qualifier)


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
    if _is_year(q) or _year_frame(text, q) or _time_frame(text, q) or _rank(text, q):
        return True
    if q.chinese:
        inside_quotes = any(s <= q.core_start < e for s, e in quotes)
        counted_before = any(text.endswith(w, 0, q.core_start) for w in CN_NO_COUNT_BEFORE)
        # Counts before a measure word use 两; a lone 二 there is a class or an order (二类, 二次创业).
        ordinal_er = text[q.core_start] == "二" and q.value == 2.0
        doubling = q.unit == "番" and text.endswith("翻", 0, q.core_start)  # 翻一番
        return (q.value == 1.0 and not doubling) or inside_quotes or counted_before or ordinal_er or _set_phrase(text, q)
    return False


def _time_frame(text: str, q: Quantity) -> bool:
    """N年 that only dates another figure (近3年提升…, 这五年, 两年时间): a duration is a statistic
    only when the text reports it as one (连续45年, 任期2年, 为期三年)."""
    if q.unit != "年" or q.value_high is not None:
        return False
    return not any(text.endswith(w, 0, q.start) for w in DURATION_BEFORE)


def _rank(text: str, q: Quantity) -> bool:
    """A rank, not a count: 居全国前10位, 排名由369位上升到235位."""
    if q.unit not in RANK_UNITS:
        return False
    before = text[max(0, q.start - RANK_WINDOW) : q.start]
    return text.endswith("前", 0, q.start) or RANK_CONTEXT.search(before) is not None


def _set_phrase(text: str, q: Quantity) -> bool:
    """A one-character Chinese numeral with a plain classifier (两个, 六种, 两头, 九条): a set phrase, not a figure."""
    written = text[q.core_start : q.core_start + 1]
    single = q.end - q.core_start <= 1 + len(q.unit or "") + len(q.approx or "") and written in CN_NUMERAL_CHARS
    return single and q.unit in SET_CLASSIFIERS


@functools.lru_cache(maxsize=8)
def _unit_bounds(units: frozenset[str]) -> tuple[int, frozenset[str]]:
    """The longest unit's length, and the units that open with a numeral character (千瓦, 千米: not 千 + 瓦);
    once per unit list, not once per document (a frozenset keeps its hash)."""
    return max((len(u) for u in units), default=0), frozenset(u for u in units if u[0] in CN_NUMERAL_CHARS)


def _quantities(text: str, units: frozenset[str]) -> list[Quantity]:
    """All accepted quantities of `text`, left to right, without overlaps."""
    longest, stops = _unit_bounds(units)
    quotes = quote_spans(text)
    found: list[Quantity] = []
    pos = 0
    while (m := START.search(text, pos)) is not None:
        end = numeral_end(text, m.start(), stops, longest)
        q = _quantity_of(text, m.start(), end, units, longest)
        if q is None:
            pos = max(m.end(), end)
            continue
        q = _with_qualifiers(text, _with_range(text, q, units, longest, stops))
        if not _rejected(text, q, quotes):
            found.append(q)
        pos = max(q.end, m.end())
    return found


def _outside(found: list[Quantity], spans: list[tuple[int, int]]) -> list[Quantity]:
    """Drop quantities overlapping any span (numerals of slogans such as 两学一做)."""
    return [q for q in found if all(q.end <= s or q.start >= e for s, e in spans)]


@functools.lru_cache(maxsize=1)
def _pos_tokenizer() -> POSTokenizer:
    """A private jieba POS tokenizer (never the global one), built on first use. It stays jieba's, whatever
    backend pipeline/tokenizer.py uses: rjieba's tagger names unknown words differently."""
    import jieba
    import jieba.posseg

    from pipeline.tokenizer import initialised

    jieba.setLogLevel(logging.WARNING)
    # Importing jieba.posseg has already read the default dictionary's tags into its global tagger (0.7 s);
    # a tagger over a private tokenizer of the same dictionary takes a copy of those tags instead of reading
    # them again (a copy: the global tagger may gain a user's words elsewhere).
    if jieba.posseg.dt.tokenizer.dictionary != jieba.DEFAULT_DICT:  # someone changed the global dictionary
        return jieba.posseg.POSTokenizer(jieba.Tokenizer())
    tagger = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)  # its __init__ would read the tags
    tagger.tokenizer = initialised(jieba.Tokenizer())
    tagger.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)
    return tagger


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
    return list(_pos_tags(phrase)) if phrase else []


@functools.lru_cache(maxsize=65536)
def _pos_tags(phrase: str) -> tuple[tuple[str, str], ...]:
    """pos_tags, remembered: the same short phrases recur across a corpus's sentences."""
    return tuple((w.word, w.flag) for w in _pos_tokenizer().cut(phrase))


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
        "change_group": change[0] if change else None,
        "change_role": change[1] if change else None,
        "start": q.start,
        "end": q.end,
    }


def load_number_names(path: Path) -> tuple[re.Pattern[str], ...]:
    """Patterns of names holding numbers (八项规定, 80周年, 三年行动), one regex per line."""
    from pipeline.resources import compile_pattern, numbered_lines

    return tuple(compile_pattern(path, number, line.strip()) for number, line in numbered_lines(path))


def name_spans(text: str, names: tuple[re.Pattern[str], ...]) -> list[tuple[int, int]]:
    """Spans of names holding numbers."""
    return [m.span() for pattern in names for m in pattern.finditer(text)]


def extract_statistics(
    text: str, units: frozenset[str], slogans: list[dict] | None = None, names: tuple[re.Pattern[str], ...] = ()
) -> list[dict]:
    """Statistics of `text` (see the module docstring), in text order; pass `slogans` if already found.

    `names`: patterns of names holding numbers (pipeline/data/number_names.txt), never statistics.
    """
    masked = [(s["start"], s["end"]) for s in (extract_slogans(text) if slogans is None else slogans)]
    found = _outside(_quantities(text, units), masked + name_spans(text, names))
    changes = _change_groups(text, found)
    return [_as_dict(text, q, changes.get(i)) for i, q in enumerate(found)]
