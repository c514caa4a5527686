"""Decide which place a document is about, from weighted place mentions and metadata.

Weights: title 5, source unit 4, opening (first lines / first 10% of the text) 2, a mention that
starts a sentence with a level suffix ("镇宁自治县始终…") 1.5, other body mentions 1, and page
chrome 0.1 — lines in the last 10% of the text or lines naming 地址/热线/主办/技术支持 …
(a company address in a footer is not what the text is about). Each mention supports its unit
and the unit's ancestors. The level is the deepest unit holding more than half of its province's
support, so an overview that names many counties of one province stays at province level;
"我省/全省" and "我县/全县" add support to the province and to the leading county.
A county also wins when the lead (title, source unit or first sentence: a byline such as
"临翔区南美拉祜族乡") names it, the text names it again and it holds most county-level support of
its province: provincial institutions (云南省农业科学院) then do not drown the county.
An anonymised place in the title or opening (XX县, xx乡xx村, 中共X县委) means the real unit is
hidden: the place is capped at the province, kept only when the title or opening names it,
with lower confidence. Municipalities (北京/天津/上海/重庆) are repeated as the prefecture.
Metadata (e.g. a CSV province column) wins; a disagreement with the text is flagged.
A document about the whole country gets level "national" and no province: its title names the
State Council (国务院) or the text speaks for the country (我国, 国务院, 党中央) at least
NATIONAL_RATIO times as often as for one place (我省, 全县 …); the places it names are examples.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections import Counter

from pipeline.places.gazetteer import Gazetteer, Unit, has_level_suffix
from pipeline.places.mentions import PLACEHOLDER, SENTENCE_END, find_mentions

logger = logging.getLogger(__name__)

WEIGHT_TITLE, WEIGHT_SOURCE, WEIGHT_OPENING, WEIGHT_SUBJECT, WEIGHT_BODY, WEIGHT_CHROME = 5.0, 4.0, 2.0, 1.5, 1.0, 0.1
CHROME_LINE = re.compile(r"地址|热线|电话|主办|承办|协办|技术支持|版权|备案|ICP|邮编|传真|友情链接|Copyright", re.I)
FOOTER_SHARE = 0.1
OPENING_LINES = 3
PROVINCE_CUE = re.compile(r"[我全本]省")
COUNTY_CUE = re.compile(r"[我全本]县")
CUE_WEIGHT = 0.5
SUBJECT_BEFORE = "。\n!?;:：,，、"
LEVEL_SHARE = 0.5
LEAD_MIN_MENTIONS = 2
# A placeholder unit of county level or above hides the real county (XX县, X市, 某区, but not 某市场).
HIDDEN_COUNTY = re.compile(r"[XxＸｘ×＊*○〇某](?:省|市|州|县|区|旗|盟)(?![场域])")
HIDDEN_PROVINCE = re.compile(r"[XxＸｘ×＊*○〇某]省(?!级)")
PLACEHOLDER_CONFIDENCE = 0.5
NATIONAL_TITLE = re.compile(r"国务院|中华人民共和国政府|全国人民代表大会")
NATIONAL_CUE = re.compile(r"我国|国务院|党中央|全国人民")
LOCAL_CUE = re.compile(r"[我全本](?:省|区|市|州|县|旗|乡|镇|村)")
NATIONAL_MIN_CUES = 4
NATIONAL_RATIO = 3
MUNICIPALITY_SUFFIX = "市"  # a province-level unit named …市 is a municipality (北京市, 重庆市)


def line_starts(text: str) -> list[int]:
    """Offsets where each line of the text starts."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def mention_weight(text: str, mention: dict, starts: list[int], body_end: int, opening: int) -> float:
    """Positional weight of one body mention (opening, subject, body or page chrome); `opening`: where
    the text's opening ends (opening_end)."""
    start = mention["start"]
    line_no = bisect.bisect_right(starts, start) - 1
    line_end = starts[line_no + 1] if line_no + 1 < len(starts) else len(text)
    if start >= body_end or CHROME_LINE.search(text, starts[line_no], line_end):
        return WEIGHT_CHROME
    if start < opening or start < len(text) * FOOTER_SHARE:
        return WEIGHT_OPENING
    prev = text[start - 1] if start else "\n"
    return WEIGHT_SUBJECT if prev in SUBJECT_BEFORE and has_level_suffix(mention["surface"]) else WEIGHT_BODY


def body_end_offset(text: str) -> int:
    """Offset where the trailing ~10% of lines (footers, menus) begins."""
    starts = line_starts(text.rstrip())
    if len(starts) < 10:
        return len(text)
    return starts[len(starts) - max(1, round(len(starts) * FOOTER_SHARE))]


def add_support(support: Counter, code: str, weight: float, gaz: Gazetteer) -> None:
    """Credit a unit and its ancestors with a mention's weight."""
    support[code] += weight
    for ancestor in gaz.unit(code).ancestors():
        support[ancestor] += weight


def collect_support(
    titled: list[dict], sourced: list[dict], text: str, mentions: list[dict], gaz: Gazetteer
) -> Counter:
    """Weighted support per adcode from title, source unit and body mentions."""
    support: Counter = Counter()
    for m in addressed(titled, gaz):
        add_support(support, m["adcode"], WEIGHT_TITLE, gaz)
    for m in addressed(sourced, gaz):
        add_support(support, m["adcode"], WEIGHT_SOURCE, gaz)
    starts, body_end, opening = line_starts(text), body_end_offset(text), opening_end(text)
    for m in addressed(mentions, gaz):
        add_support(support, m["adcode"], mention_weight(text, m, starts, body_end, opening), gaz)
    return support


def addressed(mentions: list[dict], gaz: Gazetteer) -> list[dict]:
    """Resolved mentions, without a parent written as the address of the unit after it (甘肃省|白银市):
    the child already credits its parent, a second credit would make the parent look like a rival."""
    kept = []
    for m, following in zip(mentions, mentions[1:] + [None]):
        if not m["resolved"]:
            continue
        if following is not None and following["resolved"] and following["start"] == m["end"] \
                and following["adcode"] != m["adcode"] and gaz.is_within(following["adcode"], m["adcode"]):
            continue
        kept.append(m)
    return kept


@functools.lru_cache(maxsize=8)
def opening_end(text: str) -> int:
    """Offset where the opening (the first few non-blank lines) ends. Remembered for the last few texts:
    placing a document asks for it three times (mention weights, the places named in the opening, an
    anonymised place in the opening)."""
    seen = 0
    for start in line_starts(text):
        if seen >= OPENING_LINES:
            return start
        line_end = text.find("\n", start)
        seen += bool(text[start : line_end if line_end >= 0 else len(text)].strip())
    return len(text)


def lead_end(text: str) -> int:
    """Offset where the first sentence (or first line) of the text ends."""
    found = SENTENCE_END.search(text, len(text) - len(text.lstrip()))
    return found.end() if found else len(text)


def named_before(named: list[dict], mentions: list[dict], end: int, gaz: Gazetteer) -> set[str]:
    """Resolved units (and their ancestors) among ``named`` and the text mentions before ``end``."""
    codes = {m["adcode"] for m in named + [m for m in mentions if m["start"] < end] if m["resolved"]}
    return codes | {a for c in codes for a in gaz.unit(c).ancestors()}


def best(support: Counter, gaz: Gazetteer, level: str, within: str | None) -> str | None:
    """The best-supported unit of a level (inside ``within`` when given)."""
    codes = [c for c in support if gaz.unit(c).level == level and (within is None or gaz.is_within(c, within))]
    return max(codes, key=lambda c: (support[c], c)) if codes else None


def apply_cues(support: Counter, cues: str, province: str, county: str | None) -> None:
    """Add support for '我省/全省' to the province and for '我县/全县' to the leading county."""
    support[province] += CUE_WEIGHT * len(PROVINCE_CUE.findall(cues))
    if county is not None:
        support[county] += CUE_WEIGHT * len(COUNTY_CUE.findall(cues))


def lead_county(
    county: str | None, province: str, support: Counter, lead: set[str], counts: Counter, gaz: Gazetteer
) -> bool:
    """True when the lead names the county, it recurs, and it holds most county support of its province."""
    if county is None or county not in lead or counts[county] < LEAD_MIN_MENTIONS:
        return False
    rivals = sum(v for c, v in support.items() if gaz.unit(c).level == "county" and gaz.is_within(c, province))
    return support[county] >= LEVEL_SHARE * rivals


def holds_level(code: str, province: str, support: Counter, gaz: Gazetteer) -> bool:
    """Half or more of the province's support, and more than every other unit of its level together.

    The province's support includes the unit's own ancestors (昭通市 named beside its 威信县 agrees with
    it); two counties named once each hold half each and are examples, not the subject.
    """
    level = gaz.unit(code).level
    others = sum(v for c, v in support.items() if c != code and gaz.unit(c).level == level and gaz.is_within(c, province))
    return support[code] >= LEVEL_SHARE * support[province] and support[code] > others


def choose_unit(
    title: str, text: str, support: Counter, lead: tuple[set[str], Counter], gaz: Gazetteer
) -> tuple[str | None, float]:
    """The document's unit (deepest one holding half its province's support, or a lead county), confidence."""
    province = best(support, gaz, "province", None)
    if province is None:
        return None, 0.0
    county = best(support, gaz, "county", province)
    apply_cues(support, title + "\n" + text, province, county)
    prefecture = best(support, gaz, "prefecture", province)
    deep = [c for c in (county, prefecture) if c is not None and holds_level(c, province, support, gaz)]
    if lead_county(county, province, support, *lead, gaz):
        deep = [county]
    chosen = deep[0] if deep else province
    total = sum(support[c] for c in support if gaz.unit(c).level == "province")
    return chosen, round(min(1.0, support[chosen] / total), 3)


def place_fields(unit: Unit | None, gaz: Gazetteer) -> dict:
    """province / prefecture / county names, adcode and level of a unit."""
    out = {"province": None, "prefecture": None, "county": None, "adcode": None, "place_level": None}
    if unit is None:
        return out
    out.update(adcode=unit.adcode, place_level=unit.level, province=gaz.unit(unit.province_code).name)
    if unit.prefecture_code:
        out["prefecture"] = gaz.unit(unit.prefecture_code).name
    elif out["province"].endswith(MUNICIPALITY_SUFFIX):
        out["prefecture"] = out["province"]
    if unit.level != "province":
        out[unit.level] = unit.name
    return out


def metadata_unit(metadata: dict | None, gaz: Gazetteer) -> Unit | None:
    """The deepest unit named by metadata columns province / prefecture / county."""
    found: Unit | None = None
    for key in ("province", "prefecture", "county"):
        name = (metadata or {}).get(key)
        if isinstance(name, str) and name.strip():
            unit = gaz.lookup(name.strip(), found.adcode if found else None)
            found = unit or found
    return found


def known_units(title: str, metadata: dict | None, gaz: Gazetteer, titled: list[dict] | None = None) -> frozenset[str]:
    """Units a document is known to be about before its text is read: its title's places, its metadata's.
    `titled`: the title's mentions (find_mentions), when the caller has found them already."""
    codes = {m["adcode"] for m in (find_mentions(title, gaz) if titled is None else titled) if m["resolved"]}
    meta = metadata_unit(metadata, gaz)
    return frozenset(codes | ({meta.adcode} if meta else set()))


def conflict(meta: Unit, text_unit: Unit | None, gaz: Gazetteer) -> str | None:
    """A note when the text's place lies outside the metadata's place (and vice versa)."""
    if text_unit is None:
        return None
    if gaz.is_within(text_unit.adcode, meta.adcode) or gaz.is_within(meta.adcode, text_unit.adcode):
        return None
    return f"metadata says {meta.name} ({meta.adcode}), text says {text_unit.name} ({text_unit.adcode})"


def hidden_level(title: str, text: str) -> str | None:
    """'province' when the title/opening names an anonymised county (XX县), 'none' for XX省, else None."""
    head = title + "\n" + text[: opening_end(text)]
    spans = [m.group() for m in PLACEHOLDER.finditer(head)]
    if any(HIDDEN_PROVINCE.search(s) for s in spans):
        return "none"
    return "province" if any(HIDDEN_COUNTY.search(s) for s in spans) else None


def cap_hidden(
    code: str | None, confidence: float, cap: str | None, head: set[str], gaz: Gazetteer
) -> tuple[str | None, float]:
    """Cap a place at its province (when the head names it) for a document about an anonymised unit."""
    if code is None or cap is None:
        return code, confidence
    province = gaz.unit(code).province_code
    if cap == "none" or province not in head:
        return None, 0.0
    return province, round(confidence * PLACEHOLDER_CONFIDENCE, 3)


def text_place(
    title: str, text: str, source_unit: str | None, mentions: list[dict], gaz: Gazetteer, titled: list[dict] | None = None
) -> tuple[str | None, float]:
    """The unit the text is about and a confidence, from mentions alone (`titled`: see known_units)."""
    titled = find_mentions(title, gaz) if titled is None else titled
    sourced = find_mentions(source_unit or "", gaz)
    support = collect_support(titled, sourced, text, mentions, gaz)
    lead = named_before(titled + sourced, mentions, lead_end(text), gaz)
    counts = Counter(m["adcode"] for m in titled + mentions if m["resolved"])
    code, confidence = choose_unit(title, text, support, (lead, counts), gaz)
    head = named_before(titled + sourced, mentions, opening_end(text), gaz)
    return cap_hidden(code, confidence, hidden_level(title, text), head, gaz)


def national_scope(title: str, text: str) -> float | None:
    """A confidence that the document is about the whole country, or None when it is not."""
    if NATIONAL_TITLE.search(title):
        return 1.0
    national, local = len(NATIONAL_CUE.findall(text)), len(LOCAL_CUE.findall(text))
    if national >= NATIONAL_MIN_CUES and national >= NATIONAL_RATIO * local:
        return round(national / (national + local), 3)
    return None


def national_fields(confidence: float) -> dict:
    """Place columns of a document about the whole country."""
    return {"province": None, "prefecture": None, "county": None, "adcode": None, "place_level": "national",
            "place_confidence": confidence, "place_conflict": None}


def document_place(
    title: str,
    text: str,
    source_unit: str | None,
    mentions: list[dict],
    gazetteer: Gazetteer,
    metadata: dict | None = None,
    titled: list[dict] | None = None,
) -> dict:
    """The place a document is about: names, adcode, level, confidence and metadata conflict (`titled`:
    the title's mentions, when the caller has found them already)."""
    meta = metadata_unit(metadata, gazetteer)
    national = national_scope(title or "", text) if meta is None else None
    if national is not None:
        return national_fields(national)
    code, confidence = text_place(title or "", text, source_unit, mentions, gazetteer, titled)
    text_unit = gazetteer.unit(code) if code else None
    if meta is None:
        return {**place_fields(text_unit, gazetteer), "place_confidence": confidence, "place_conflict": None}
    note = conflict(meta, text_unit, gazetteer)
    if note:
        logger.info("place conflict: %s", note)
    return {**place_fields(meta, gazetteer), "place_confidence": 0.8 if note else 1.0, "place_conflict": note}
