"""Organisational models written with "+" (支部+合作社+农户, 互联网+党建, “党支部+X+贫困户”, 5+3).

A model is a chain of at least two components joined by "+" or full-width "＋". Inside quotes the
quote content is the model, written exactly. Without quotes the chain's outer ends are ambiguous
(采取党委+农业园区模式), so the first component is cut to its longest known suffix and the last to
its longest known prefix, "known" meaning a surface or canonical form in the synonym table
(pipeline/data/model_synonyms.tsv); unknown ends fall back to the nouns jieba finds there.

`components` are as written (a parenthetical stays: 基地(项目)); `canonical` maps each component,
parenthetical dropped, through the synonym table and joins them with "+".

`kind` is "actor chain" when every component is an organisation or a group of people (an ending of
pipeline/data/model_actors.txt: 支部, 合作社, 企业, 农户 …), "integration formula" when one is a field or an
activity (党建+电商, 互联网+政务服务), "numeric formula" for numbered ones. `numeric` marks the latter: every component starts with a numeral
(Arabic or Chinese) or is a one-letter placeholder, and at least one is a numeral — so `5+3`,
`1+10`, `1+X` and `三融入+四强化` are numeric, `党支部+X+贫困户` is not.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from pipeline.segment.slogans import quote_spans
from pipeline.segment.statistics import NOUN_TAGS, pos_tags

logger = logging.getLogger(__name__)

# Components are bounded (a longer one is rejected anyway): an unbounded run would make the search
# quadratic on a long line without punctuation.
COMPONENT = r"[\u4e00-\u9fffA-Za-z0-9]{1,20}(?:[(（][^()（）\n]{1,8}[)）])?"
PLUS = r"[ \u3000]?[+＋][ \u3000]?"
CHAIN = re.compile(rf"{COMPONENT}(?:{PLUS}{COMPONENT})+")
SPLIT = re.compile(PLUS)
PLUS_SIGN = re.compile(r"[+＋]")
PLUS_REACH = 40  # a component (≤ 20 characters, a bracketed note ≤ 10) and a space on either side
PAREN = re.compile(r"[(（][^()（）]*[)）]$")
COMPONENT_MAX = 10
COMPONENTS_MAX = 8  # 党建+X+Y…: a longer chain is a list or noise, not a model
CN_NUMERALS = "一二两三四五六七八九十"
NUMERAL_START = re.compile(rf"^[0-9{CN_NUMERALS}]")


def load_model_synonyms(path: Path) -> dict[str, str]:
    """surface → canonical pairs from a TSV file; `#` lines and blank lines are skipped."""
    from pipeline.resources import numbered_lines, tab_fields

    table: dict[str, str] = {}
    for number, line in numbered_lines(path):
        surface, canonical = (f.strip() for f in tab_fields(path, number, line, 2)[:2])
        table[surface] = canonical
    return table


def _bare(component: str) -> str:
    """The component without a trailing parenthetical (基地(项目) → 基地)."""
    return PAREN.sub("", component)


def _canonical(components: list[str], synonyms: dict[str, str]) -> str:
    """Components mapped through the synonym table and joined with "+"."""
    return "+".join(synonyms.get(_bare(c), _bare(c)) for c in components)


def _is_numeric(components: list[str]) -> bool:
    """True for numbered formulas (5+3, 1+X, 三融入+四强化); see the module docstring."""
    numeral = [bool(NUMERAL_START.match(c)) for c in components]
    placeholder = [len(c) == 1 and c.isascii() and c.isalpha() for c in components]
    return any(numeral) and all(n or p for n, p in zip(numeral, placeholder))


def _first_start(component: str, known: frozenset[str]) -> int:
    """Offset inside the first component where the model really starts (采取党委 → 2)."""
    bare = _bare(component)
    for i in range(len(bare)):
        if bare[i:] in known:
            return i
    digits = re.search(r"[0-9A-Za-z]+$", bare)
    if digits:
        return digits.start()  # 实施5+3: a numbered or lettered formula starts at the numeral
    nouns = _trailing_noun_length(pos_tags(bare))
    return len(bare) - nouns if nouns else max(0, len(bare) - 2)


def _trailing_noun_length(words: list[tuple[str, str]]) -> int:
    """Length of the run of noun-like words ending the phrase."""
    size = 0
    for word, flag in reversed(words):
        if flag not in NOUN_TAGS and flag != "vn":
            break
        size += len(word)
    return size


def _last_end(component: str, known: frozenset[str]) -> int:
    """Length of the last component that belongs to the model (农业园区模式 → 4)."""
    if PAREN.search(component):
        return len(component)  # 基地(项目): the parenthetical already closes the component
    digits = re.match(r"[0-9A-Za-z]+", component)
    if digits:
        return digits.end()  # 1+10个村, 支部+X
    for i in range(len(component), 0, -1):
        if component[:i] in known:
            return i
    size = 0
    for word, flag in pos_tags(component):
        if flag not in NOUN_TAGS and flag != "vn" or word in ("模式", "机制"):
            break
        size += len(word)
    return size or min(4, len(component))


def model_kind(components: list[str], actors: tuple[str, ...]) -> str:
    """numeric formula (5+3), actor chain (支部+合作社+农户) or integration formula (党建+电商)."""
    if _is_numeric(components):
        return "numeric formula"
    named = [_bare(c) for c in components if not (len(c) == 1 and c.isascii())]
    return "actor chain" if named and all(c.endswith(actors) for c in named) else "integration formula"


def _record(text: str, start: int, end: int, synonyms: dict[str, str], actors: tuple[str, ...] = ()) -> dict | None:
    """The public record of the model text[start:end], or None if a component is implausible."""
    surface = text[start:end]
    components = SPLIT.split(surface)
    if len(components) > COMPONENTS_MAX or any(not c or len(c) > COMPONENT_MAX for c in components):
        return None
    if not any(re.search(r"[\u4e00-\u9fff]", c) for c in components) and not _is_numeric(components):
        return None  # A+B, C+D: Latin letters alone are not a model
    return {
        "surface": surface,
        "components": components,
        "canonical": _canonical(components, synonyms),
        "numeric": _is_numeric(components),
        "kind": model_kind(components, actors),
        "start": start,
        "end": end,
    }


def _quoted_models(text: str, synonyms: dict[str, str], actors: tuple[str, ...]) -> list[dict]:
    """Quote contents that are, as a whole, a "+" chain."""
    found = []
    for start, end in quote_spans(text):
        if CHAIN.fullmatch(text, start, end):
            record = _record(text, start, end, synonyms, actors)
            if record is not None:
                found.append(record)
    return found


def _numbered_ends(first: str, last: str) -> tuple[int, int] | None:
    """Offsets for a Chinese-numbered chain (探索三融入+四强化工作法 → 三融入 … 四强化), else None."""
    if last[:1] not in CN_NUMERALS:
        return None
    starts = [i for i, ch in enumerate(first) if ch in CN_NUMERALS and i < len(first) - 1]
    if not starts:
        return None
    # Parts of a numbered formula mirror each other, so the last is as long as the first.
    size = len(first) - starts[-1]
    return starts[-1], min(size, len(last))


def _outer_ends(parts: list[str], known: frozenset[str]) -> tuple[int, int]:
    """(offset of the model inside the first part, length kept of the last part)."""
    numbered = _numbered_ends(parts[0], parts[-1])
    if numbered is not None:
        return numbered
    return _first_start(parts[0], known), _last_end(parts[-1], known)


def plus_windows(text: str) -> list[tuple[int, int]]:
    """Stretches of text around its plus signs (a chain lies within PLUS_REACH of one): the chain search
    runs there only, not over every character of a long text."""
    windows: list[tuple[int, int]] = []
    for match in PLUS_SIGN.finditer(text):
        low, high = max(0, match.start() - PLUS_REACH), min(len(text), match.end() + PLUS_REACH)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
    return windows


def _unquoted_models(text: str, synonyms: dict[str, str], actors: tuple[str, ...]) -> list[dict]:
    """"+" chains in running text, their outer components trimmed to known words."""
    known = frozenset(synonyms) | frozenset(synonyms.values())
    found = []
    for m in (m for low, high in plus_windows(text) for m in CHAIN.finditer(text, low, high)):
        parts = SPLIT.split(m.group())
        first_offset, last_size = _outer_ends(parts, known)
        start = m.start() + first_offset
        end = m.end() - len(parts[-1]) + last_size
        record = _record(text, start, end, synonyms, actors)
        if record is not None:
            found.append(record)
    return found


def extract_models(text: str, synonyms: dict[str, str], actors: tuple[str, ...] = ()) -> list[dict]:
    """Organisational models in `text` (see the module docstring), in text order.

    `actors`: endings of actor components (pipeline/data/model_actors.txt), which tell the model's kind.
    """
    kept: list[dict] = []
    for record in _quoted_models(text, synonyms, actors) + _unquoted_models(text, synonyms, actors):
        if all(record["end"] <= k["start"] or record["start"] >= k["end"] for k in kept):
            kept.append(record)
    return sorted(kept, key=lambda r: r["start"])
