"""Find mentions of administrative units in a text and resolve ambiguous ones by context.

Matching rule (why it avoids false hits):
- scan left to right, taking the longest alias at each position (北京市朝阳区 → 北京市 + 朝阳区);
- aliases with a level suffix (县/市/区/州/旗/盟, 自治县 …) and bare stems of ≥ 2 characters match;
  single-character stems never exist in the gazetteer (渠县 has no alias 渠);
- a bare stem followed by a word that makes it another kind of place or an institution
  (江华镇, 中山路, 四川大学) is skipped;
- a two-character stem ending in a town/village word (丰镇, 新乡, 周村) glued to a preceding Han
  character is the tail of a town or village name (庆丰镇, 大新乡), so it counts only after a parent;
- *weak* stems (common words listed in place_aliases.tsv: 合作, 和平, 青山 …) count only right
  after the name of one of their parents (甘南合作, 齐齐哈尔富裕); so do two-character names
  (范县, 和县, 渠县) glued to a preceding Han character (示范县, 省市和县), but 四川渠县 counts,
  and so does a name after a preposition that ends the previous word (在渠县, 到新乡);
- spam lists of names separated by ``|`` and placeholders (XX县, xx乡xx村, ××县) are masked;
- a short form without a level suffix must be a whole word of its sentence (创新和完善 does not hold
  新和县, 均衡水平 not 衡水市: see pipeline/places/words.py), and a county's short form also needs its
  own context: a parent unit named right before it or in the same sentence, a unit it lies in named
  in full elsewhere in the text or known to be the document's (title, metadata) — 江华 counts in a
  text about 江华瑶族自治县, 瑞丽 in 云南's report, neither 新和 in 大新型城镇化 nor 八步 in 甘肃's.
Ambiguous aliases (朝阳, 鼓楼 …) are resolved by, in order: a parent named right before; all
candidates nested in each other (大理 → 大理州, not 大理市); parents or the same unit named in the
same sentence; the other resolved places of the document. Otherwise they stay unresolved.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter

import numpy as np

from pipeline.places.gazetteer import Gazetteer, has_level_suffix
from pipeline.textscan import code_points, match_ends

logger = logging.getLogger(__name__)

# Runs of ≥ 3 short items separated by '|' (link farms: "巴彦淖尔市| 巴南区| 会泽县| …").
SPAM_LIST = re.compile(r"(?:[^\s|]{1,15}[ \t\u3000]{0,4}[|｜][ \t\u3000]{0,4}){3,}[^\s|｜]{0,15}")
# Anonymised places: XX县, xx乡xx村, ××县, 某某市, ＊＊镇.
# (led by a lookahead for its first letter, so that the regex engine skips to it instead of trying the group
# at every position)
PLACEHOLDER = re.compile(r"(?=[XxＸｘ×＊*○〇某])(?:[XxＸｘ×＊*○〇某]{1,4}(?:省|市|州|县|区|旗|盟|乡|镇|村|街道|社区)){1,4}")
# Words ending the name of a place below county level (a town, village, hamlet).
TOWN_WORDS = "镇乡村庄屯寨"
# What may follow a bare stem only when it names something else (a town, road, school, firm).
NOT_A_UNIT_AFTER = re.compile(rf"[{TOWN_WORDS}组路街巷道桥]|社区|大学|学院|中学|小学|公司|集团|银行|宾馆|酒店|饭店")
# Prepositions/verbs of motion that end the word before a place name (在渠县, 到新乡, 位于丰镇).
BREAK_BEFORE = "在到赴至于往"
HAN = re.compile(r"[\u3400-\u9fff]")
SENTENCE_END = re.compile(r"[。!?！？;；\n]")


def masked_spans(text: str) -> list[tuple[int, int]]:
    """Spans to ignore: '|' spam lists and placeholders."""
    spans = [m.span() for m in SPAM_LIST.finditer(text)] if "|" in text or "｜" in text else []
    spans += [m.span() for m in PLACEHOLDER.finditer(text)]
    return sorted(spans)


def mask_flags(text: str) -> bytearray:
    """One flag per character: 1 inside a masked span."""
    flags = bytearray(len(text))
    for start, end in masked_spans(text):
        flags[start:end] = b"\x01" * (end - start)
    return flags


def longest_alias(text: str, i: int, gaz: Gazetteer) -> str | None:
    """The longest alias starting at position i, if any."""
    for length in gaz.lengths_by_first.get(text[i], ()):
        piece = text[i : i + length]
        if len(piece) == length and piece in gaz.aliases:
            return piece
    return None


def scan(text: str, gaz: Gazetteer) -> list[tuple[int, int, str]]:
    """Leftmost-longest alias matches (start, end, alias) outside masked spans."""
    flags = mask_flags(text)
    out: list[tuple[int, int, str]] = []
    resume = 0
    for i in alias_starts(text, gaz):
        if i < resume or flags[i]:
            continue
        alias = longest_alias(text, i, gaz)
        if alias is None or any(flags[i : i + len(alias)]):
            continue
        out.append((i, i + len(alias), alias))
        resume = i + len(alias)
    return out


SHORT_TEXT = 100  # letters below which a text's pairs are tested one by one (titles; 128 took as long both ways)


def alias_starts(text: str, gaz: Gazetteer) -> list[int]:
    """Offsets whose two characters begin some alias, found for the whole text at once: testing every
    character that begins an alias one by one took a fifth of ingest. Only the letters some alias starts
    with have their pair looked up. A short text (a title, a source unit) is tested pair by pair: the
    arrays' set-up took 35 µs, a 30-letter title's pairs 10 µs."""
    if len(text) < 2 or not len(gaz.prefix_keys):
        return []
    if len(text) < SHORT_TEXT:
        pairs = gaz.prefix_pairs
        return [i for i in range(len(text) - 1) if text[i : i + 2] in pairs]
    points = code_points(text)
    starts = np.flatnonzero(gaz.first_letters[points[:-1]])
    keys = (points[starts].astype(np.uint64) << np.uint64(21)) | points[starts + 1]
    found = np.searchsorted(gaz.prefix_keys, keys)
    hit = gaz.prefix_keys[np.minimum(found, len(gaz.prefix_keys) - 1)] == keys
    return starts[hit].tolist()


def names_something_else(text: str, end: int, alias: str) -> bool:
    """True when a bare stem is followed by a word that makes it a town, road or institution."""
    return not has_level_suffix(alias) and NOT_A_UNIT_AFTER.match(text, end) is not None


def inside_word(text: str, start: int, alias: str) -> bool:
    """True for a two-character name (范县, 丰镇) glued to a preceding Han character (示范县, 庆丰镇)."""
    prev = text[start - 1] if start > 0 else ""
    glued = HAN.match(prev) is not None and prev not in BREAK_BEFORE
    return glued and len(alias) == 2 and (has_level_suffix(alias) or alias[-1] in TOWN_WORDS)


def new_mention(text: str, start: int, end: int, codes: tuple[str, ...]) -> dict:
    """An unresolved mention record with its candidate adcodes."""
    return {"surface": text[start:end], "adcode": None, "name": None, "level": None,
            "start": start, "end": end, "resolved": False, "candidates": list(codes)}


def settle(mention: dict, code: str, gaz: Gazetteer) -> dict:
    """Mark a mention as resolved to one unit."""
    unit = gaz.unit(code)
    mention.update(adcode=code, name=unit.name, level=unit.level, resolved=True, candidates=[code])
    return mention


def inside(codes: list[str], parent: str, gaz: Gazetteer) -> list[str]:
    """The candidate codes that are the parent unit or lie within it."""
    return [c for c in codes if gaz.is_within(c, parent)]


def adjacent_parent(mention: dict, previous: dict | None, gaz: Gazetteer) -> list[str]:
    """Candidates inside a resolved unit named immediately before (辽宁朝阳, 北京市朝阳区)."""
    if previous is None or not previous["resolved"] or previous["end"] != mention["start"]:
        return []
    return [c for c in inside(mention["candidates"], previous["adcode"], gaz) if c != previous["adcode"]]


def nested_top(codes: list[str], gaz: Gazetteer) -> str | None:
    """The outermost candidate when all candidates are nested in it (大理州 ⊃ 大理市)."""
    top = min(codes, key=lambda c: len(gaz.unit(c).ancestors()))
    return top if all(gaz.is_within(c, top) for c in codes) else None


def context_choice(codes: list[str], context: list[str], gaz: Gazetteer) -> str | None:
    """The one candidate inside (or equal to) the units of a context, if exactly one fits."""
    fits = [c for c in codes if any(gaz.is_within(c, ctx) for ctx in context)]
    return fits[0] if len(fits) == 1 else None


def affinity(code: str, other: str, gaz: Gazetteer) -> int:
    """How close two units are: 3 nested, 2 same prefecture, 1 same province, 0 unrelated."""
    if gaz.is_within(code, other) or gaz.is_within(other, code):
        return 3
    a, b = gaz.unit(code), gaz.unit(other)
    if a.prefecture_code and a.prefecture_code == b.prefecture_code:
        return 2
    return int(a.province_code == b.province_code)


def document_choice(codes: list[str], support: Counter, gaz: Gazetteer) -> str | None:
    """The candidate best supported by the document's resolved places (unique best only)."""
    scores = {c: sum(n * affinity(c, ctx, gaz) for ctx, n in support.items()) for c in codes}
    ranked = sorted(scores.values(), reverse=True)
    if not ranked or ranked[0] == 0 or (len(ranked) > 1 and ranked[0] == ranked[1]):
        return None
    return max(scores, key=scores.__getitem__)


def raw_mentions(text: str, gaz: Gazetteer) -> list[dict]:
    """Alias matches as mentions; weak stems kept only right after one of their parents."""
    mentions: list[dict] = []
    for start, end, alias in scan(text, gaz):
        if names_something_else(text, end, alias):
            continue
        if not has_level_suffix(alias) and not gaz.words.whole(text, start, end):
            continue  # 创新和完善, 均衡水平, 一视同仁: the letters of a place inside other words
        mention = new_mention(text, start, end, gaz.candidates(alias))
        previous = mentions[-1] if mentions else None
        if len(mention["candidates"]) == 1:
            settle(mention, mention["candidates"][0], gaz)
        narrowed = adjacent_parent(mention, previous, gaz)
        if (alias in gaz.weak or inside_word(text, start, alias)) and not narrowed:
            continue
        if narrowed:
            mention["candidates"] = narrowed
            if len(narrowed) == 1:
                settle(mention, narrowed[0], gaz)
        mentions.append(mention)
    return mentions


def sentence_ids(text: str, mentions: list[dict]) -> list[int]:
    """Index of the sentence each mention falls in."""
    ends = match_ends(SENTENCE_END, text)
    return [bisect.bisect_right(ends, mention["start"]) for mention in mentions]


def resolve_by_context(text: str, mentions: list[dict], gaz: Gazetteer) -> None:
    """Resolve ambiguous mentions: nesting, then same sentence, then the whole document."""
    sids = sentence_ids(text, mentions)
    support = Counter(m["adcode"] for m in mentions if m["resolved"])
    for mention, sid in zip(mentions, sids, strict=True):
        if mention["resolved"]:
            continue
        codes = mention["candidates"]
        # the same sentence or the one before it
        same = [m["adcode"] for m, s in zip(mentions, sids, strict=True) if sid - 1 <= s <= sid and m["resolved"]]
        code = nested_top(codes, gaz) or context_choice(codes, same, gaz) or document_choice(codes, support, gaz)
        if code is not None:
            settle(mention, code, gaz)
        else:
            levels = {gaz.unit(c).level for c in codes}
            mention["level"] = levels.pop() if len(levels) == 1 else None


def is_county_short_form(mention: dict, gaz: Gazetteer) -> bool:
    """A bare county name (江华, 新和): every candidate is a county and no level suffix was written."""
    return not has_level_suffix(mention["surface"]) and all(gaz.unit(c).level == "county" for c in mention["candidates"])


def with_own_context(text: str, mentions: list[dict], gaz: Gazetteer, context: frozenset[str] = frozenset()) -> list[dict]:
    """Drop county short forms that nothing in the text supports (see the module docstring)."""
    sids = sentence_ids(text, mentions)
    full = {m["adcode"] for m in mentions if m["resolved"] and not is_county_short_form(m, gaz)} | set(context)
    kept = []
    for i, mention in enumerate(mentions):
        if is_county_short_form(mention, gaz) and not county_supported(mention, i, mentions, sids, full, gaz):
            continue
        kept.append(mention)
    return kept


def county_supported(mention: dict, i: int, mentions: list[dict], sids: list[int], full: set[str], gaz: Gazetteer) -> bool:
    """A parent right before or in the same sentence, or the county named in full in the text."""
    previous = mentions[i - 1] if i else None
    if previous is not None and previous["end"] == mention["start"] and previous["resolved"]:
        if any(gaz.is_within(c, previous["adcode"]) for c in mention["candidates"]):
            return True
    if any(gaz.is_within(c, f) for c in mention["candidates"] for f in full):
        return True
    parents = {m["adcode"] for m, s in zip(mentions, sids) if s == sids[i] and m["resolved"] and m is not mention}
    return any(gaz.is_within(c, p) and c != p for c in mention["candidates"] for p in parents)


def find_mentions(text: str, gazetteer: Gazetteer, context: frozenset[str] = frozenset()) -> list[dict]:
    """Mentions of administrative units in text, with offsets into text and resolved adcodes.

    `context`: adcodes the document is known to be about (its title's places, a metadata province):
    a county short form inside one of them needs no further support (瑞丽 in 云南's report).
    """
    mentions = with_own_context(text, raw_mentions(text, gazetteer), gazetteer, context)
    resolve_by_context(text, mentions, gazetteer)
    logger.debug("%d place mentions, %d unresolved", len(mentions), sum(not m["resolved"] for m in mentions))
    return mentions
