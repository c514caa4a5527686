"""Numbered policy formulas (两学一做, 三定三诺两评一考, “三保障”, 五心工程) found by their shape.

A slogan is detected by SHAPE, never from a fixed list of slogans:

* a *formula*: a counting numeral followed by a short item (1–3 characters), repeated —
  两|学 一|做, 三|定 三|诺 两|评 一|考, 四|议 两|公开, 双|联系 一|共建 双|推进;
* a *numbered noun*: a numeral followed by a short noun, written in quotes — “三保障”,
  “四培养”, “三支队伍”, “四个意识” — or, without quotes, a numbered noun + 工程 (五心工程).

Quotes make the shape trustworthy. Without quotes, four-character idioms have the very same
shape (三心二意, 四面八方, 一心一意), so an unquoted formula needs three or more parts, or two
parts directly followed by a programme noun (四议两公开工作法). Plain counts (三个村, 五年来,
一是/二是, 一批, “三权”, “五级”) fail these shapes: a quoted numbered noun needs at least two
characters after the numeral, and unquoted counts carry no programme noun.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

# Counting numerals that open a formula part. 百/千/万 are left out on purpose: they mostly open
# idioms (千方百计, 千家万户), not formulas.
NUMERALS = "一二两三四五六七八九十双"
NUMERAL_SET = frozenset(NUMERALS)
DOUBLE = "双"
# A quoted programme may be named by 百/千/万 alone, one per item (“千万工程”: 千村示范、万村整治; “百千万工程”),
# not by one of them counting something (“千人计划”).
MAGNITUDES = frozenset("百千万")
# In quotes, 多 opens a later part of a formula like a numeral (“一喷多促”, “一专多能”), never the first, and
# such a part is short (not 双赢|多赢共赢).
MANY = "多"
QUOTED_PART_LEADS = NUMERAL_SET | {MANY}
MANY_PART_MAX = 3
CJK = re.compile(r"[\u4e00-\u9fff]")

# Programme nouns that close an unquoted formula (四议两公开工作法, 五心工程). A closed grammatical
# set, part of the shape rather than a curated vocabulary, hence a constant and not a data file.
SLOGAN_SUFFIXES: tuple[str, ...] = (
    "工作法", "学习教育", "工程", "活动", "制度", "机制", "模式", "行动", "计划", "要求", "标准",
)
# Only 工程 turns an unquoted single numbered noun into a slogan (五心工程); others are too loose.
SINGLE_SUFFIX = "工程"
# First characters of an item that make "numeral + item" a plain count (三大工程, 十个工程, 三期工程).
COUNT_ONLY = frozenset("大个项批类种名位次年天级期")
# In quotes, a numeral + one of these alone counts tiers, kinds or time (“五级”, “二类”), not a formula.
QUOTED_COUNT = frozenset("级类名位批种次年月日天期号时届")
QUOTED_BODY = frozenset("委院会")  # 村“两委”, 两院, 两会 name bodies, not formulas
LONG_AFTER = frozenset("个大项")  # 两个毫不动摇, 五大体系: the noun after 个/大/项 may be longer
NUMBERED_NOUN_MAX = 5
NUMBERED_NOUN_LONG = 7
PROGRAMME_MAX = 8
QUOTED_LAST_PART_MAX = 6  # “三亮三比争先锋”: in quotes a formula may close with a longer part
FORMULA_CHUNK_MAX = 6
LIST_SPLIT = re.compile(r"[、，,]")
LIST_LEADS = NUMERAL_SET | {"多"}  # 一核三带、多点支撑: 多 opens a part like a numeral
# First characters of an item that make a repeated shape a date or session (四届四次全会, 三年两).
TIME_ONLY = frozenset("届次年月日天期号时")

QUOTE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"“([^“”\n]{1,30})”"),
    re.compile(r"「([^「」\n]{1,30})」"),
    re.compile(r"『([^『』\n]{1,30})』"),
    re.compile(r"‘([^‘’\n]{1,30})’"),
    re.compile(r'"([^"\n]{1,30})"'),
)
# Candidate unquoted formula runs: numeral + 1..3 non-numeral CJK characters, at least twice.
# Written as one part, then more: a pattern opening with its letter class is searched in C, where an
# opening repeat (?:…){2,} was tried at every position (a quarter of the time, the same runs).
RUN_PART = rf"[{NUMERALS}][^{NUMERALS}\W\d_A-Za-z]{{1,6}}"
RUN_PATTERN = re.compile(rf"{RUN_PART}(?:{RUN_PART})+")


def _is_cjk(s: str) -> bool:
    """True when every character of `s` is a CJK ideograph."""
    return bool(s) and all(CJK.match(ch) for ch in s)


def _split_parts(s: str, leads: frozenset[str] = NUMERAL_SET) -> list[str] | None:
    """Split `s` into numeral-led parts (两学一做 → 两学, 一做), or None if `s` has no such shape; `leads`:
    what opens a part after the first (which a numeral always opens)."""
    if not s or s[0] not in NUMERAL_SET or not _is_cjk(s):
        return None
    parts: list[str] = []
    for ch in s:
        if ch in leads:
            parts.append(ch)
        else:
            parts[-1] += ch
    return parts


def _valid_part(part: str, longest: int = 4) -> bool:
    """True for a formula part: numeral + 1..3 characters not opening a date or session."""
    return 2 <= len(part) <= longest and part[1] not in TIME_ONLY


def _is_formula(s: str, min_parts: int = 2, last_max: int = 4, leads: frozenset[str] = NUMERAL_SET) -> bool:
    """True when `s` is entirely a formula: ≥ min_parts parts, each numeral + 1..3 characters
    (the last part up to `last_max` characters: 三亮三比争先锋); `leads`: see _split_parts."""
    parts = _split_parts(s, leads)
    if parts is None or len(parts) < min_parts or any(p[0] == MANY and len(p) > MANY_PART_MAX for p in parts):
        return False
    return all(_valid_part(p) for p in parts[:-1]) and _valid_part(parts[-1], last_max)


def _is_numbered_noun(s: str, allow_one: bool = False) -> bool:
    """True when quoted `s` is one numeral + a short noun (三保, 三保障, 五心工程, 四个意识, 两个毫不动摇, 四个1).

    The noun may be one character (“三资”, “双拥”) unless it counts tiers, kinds or time (“五级”, “二类”);
    after 个/大/项 it may run to five characters (两个毫不动摇, 六个集中整治).
    """
    limit = NUMBERED_NOUN_LONG if len(s) > 1 and s[1] in LONG_AFTER else NUMBERED_NOUN_MAX
    if not 2 <= len(s) <= limit or s[0] not in NUMERAL_SET or not _is_cjk(s.rstrip("1")):
        return False
    if s[1] in QUOTED_COUNT or len(s) == 2 and s[1] in QUOTED_BODY:
        return False
    # "One X" names a single thing (一把手, 一号工程), not a numbered list; 三三制 and 两三个 are
    # numbers; a particle inside (二线的心态) means a phrase, not a name.
    # 双 is never a digit of a larger number: after it a numeral opens the noun (双一流)
    return (allow_one or s[0] != "一") and (s[1] not in NUMERAL_SET or s[0] == DOUBLE) and "的" not in s


def _is_programme(s: str) -> bool:
    """A quoted numbered name of a programme or method: 五微党建工作法, 四位一体工作机制."""
    suffix = next((x for x in SLOGAN_SUFFIXES if s.endswith(x)), None)
    head = s[: len(s) - len(suffix)] if suffix else ""
    if len(head) >= 2 and set(head) <= MAGNITUDES:
        return True
    return bool(head) and len(s) <= PROGRAMME_MAX and head[0] in NUMERAL_SET and head[0] != "一" and _is_cjk(s)


def _is_formula_list(s: str) -> bool:
    """A quoted list whose every part is numeral-led: 双随机、一公开 / 一核三带、多点支撑 / 一个指引、两手硬."""
    chunks = LIST_SPLIT.split(s)
    if len(chunks) < 2 or any(not c or len(c) > FORMULA_CHUNK_MAX or c[0] not in LIST_LEADS for c in chunks):
        return False
    return any(_is_formula(c) or _is_numbered_noun(c, allow_one=True) for c in chunks)


def _formula_chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Formula parts of a quoted list that is not a slogan as a whole (“省市共建、一室一策” → 一室一策)."""
    spans, pos = [], start
    for chunk in LIST_SPLIT.split(text[start:end]):
        if _is_formula(chunk):
            spans.append((pos, pos + len(chunk)))
        pos += len(chunk) + 1
    return spans


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the contents of short quotations (“…”, 「…」, "…") in `text`."""
    return [(m.start(1), m.end(1)) for p in QUOTE_PATTERNS for m in p.finditer(text)]


def _quoted_slogans(text: str) -> list[tuple[int, int]]:
    """Spans of quote contents that are, as a whole, a formula or a numbered noun."""
    spans = []
    for s, e in quote_spans(text):
        spans.extend([(s, e)] if _is_quoted_slogan(text[s:e]) else _formula_chunks(text, s, e))
    return spans


def _is_quoted_slogan(s: str) -> bool:
    """Whether the whole content of a quotation is a numbered formula or name."""
    return (
        _is_formula(s, last_max=QUOTED_LAST_PART_MAX, leads=QUOTED_PART_LEADS) or _is_numbered_noun(s) or _is_programme(s)
        or _is_formula_list(s)
    )


def _suffix_at(text: str, pos: int) -> str | None:
    """The programme noun starting at `pos`, if any."""
    for suffix in SLOGAN_SUFFIXES:
        if text.startswith(suffix, pos):
            return suffix
    return None


def _trim_run(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Cut an unquoted formula run to its true end, or None when it is not a slogan."""
    parts = _split_parts(text[start:end])
    if parts is None or parts[-1][1] in TIME_ONLY:
        return None
    # A programme noun right after a part ends the formula there (四议两公开工作法).
    pos = start
    for i, part in enumerate(parts):
        for k in range(2, min(len(part), 4) + 1):
            if i >= 1 and _suffix_at(text, pos + k) and all(_valid_part(p) for p in parts[:i]):
                return start, pos + k
        pos += len(part)
    return _trim_by_symmetry(parts, start)


def _trim_by_symmetry(parts: list[str], start: int) -> tuple[int, int] | None:
    """Without a closing noun, keep ≥3 parts and cut the last item to the longest earlier item."""
    body = parts[:-1]
    if len(parts) < 3 or not all(_valid_part(p) for p in body):
        return None
    last_len = min(len(parts[-1]), max(len(p) for p in body))
    return start, start + sum(len(p) for p in body) + last_len


def _single_with_suffix(text: str) -> list[tuple[int, int]]:
    """Unquoted numbered noun + 工程 (五心工程), skipping plain counts (三大工程)."""
    spans = []
    for m in re.finditer(rf"[{NUMERALS}]([\u4e00-\u9fff]{{1,2}}){SINGLE_SUFFIX}", text):
        item = m.group(1)
        if m.group(0)[0] == "一" or item[0] in COUNT_ONLY or any(ch in NUMERAL_SET for ch in item):
            continue
        spans.append((m.start(), m.end()))
    return spans


def _unquoted_slogans(text: str) -> list[tuple[int, int]]:
    """Formula runs outside quotes that pass the stricter unquoted shape rules."""
    spans = []
    for m in RUN_PATTERN.finditer(text):
        if m.start() > 0 and (text[m.start() - 1] in NUMERAL_SET or text[m.start() - 1].isdigit()):
            continue  # tail of a larger number (十四届四次全会), not a formula
        span = _trim_run(text, m.start(), m.end())
        if span is not None:
            spans.append(span)
    return spans + _single_with_suffix(text)


def _drop_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep the first of overlapping spans (callers list the more trusted spans first)."""
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if all(end <= s or start >= e for s, e in kept):
            kept.append((start, end))
    return sorted(kept)


def extract_slogans(text: str) -> list[dict]:
    """Numbered formulas and numbered nouns in `text`, as dicts with text, start, end."""
    spans = _drop_overlaps(_quoted_slogans(text) + _unquoted_slogans(text))
    return [{"text": text[s:e], "start": s, "end": e} for s, e in spans]
