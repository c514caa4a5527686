"""What a statistic counts, whose figure it is, when, and what kind of figure: read from its sentence.

- `indicator`: the counted thing as written. Usually the noun phrase of the clause before the number,
  once the verbs and comparators that join them are cut off (全社会用电量|突破|1000亿千瓦时, 地区生产总值
  |增长|5%, 绿色电力占比|达|36%) and the opening verb and scope words too (建设|高标准农田|910万亩,
  全省|…); when only a verb stands before the number, the noun after it (组建|20个|宣讲队); when nothing
  stands there, the indicator of the figure before it in the sentence (达到1.5万亿元、增长19.8%).
- `indicator_norm`: the canonical indicator of pipeline/data/indicators.tsv whose longest synonym the
  indicator contains (建档立卡贫困人口 → 贫困人口), else empty.
- `level`: a level word of the indicator (村集体经济 → village, 合作社 → organisation), else the nearest
  scope word of the sentence before the number (全省 → province), else the document's own level.
- `period`: the latest dating phrase in scope within the top-level section: a year (2025年是…), a plan
  period (“十四五”时期 → 2021-2025, 这五年), last or this year (过去一年, 今年) read against the document's
  date, a horizon (到2030年); a phrase opening a paragraph or a heading dates what follows it, one
  inside a paragraph only the rest of that paragraph; without any, 累计 for a running total.
- `kind`: the first of threshold (a bound followed by 的: 3人以上的村), target (a goal cue in the clause,
  or a goals/tasks section of a report), change (an increase or decrease, or 个百分点), share (a rate or
  proportion in %), result.
Word lists: pipeline/data/statistic_frames.tsv; every rule here is a function of one sentence.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.textscan import match_ends
from pipeline.segment.statistics import pos_tags

logger = logging.getLogger(__name__)

CLAUSE_BREAK = re.compile(r"[，,。；;：:！!？?\n、（）()]")
SENTENCE_BREAK = re.compile(r"[。；;！!？?\n]")
CLAUSE_WINDOW = 40
AFTER_WINDOW = 12
INDICATOR_MAX = 16
LONG_PHRASE = 8
OPENING_MARKS = "“‘「『《（("  # an opening mark ending a phrase belongs to what follows it
FROM_WORDS = ("从", "由")  # 从/由 a figure: the phrase before them is the subject of a change (statistic_frames.tsv frames)
NOUN_RUN = re.compile(r"[\u4e00-\u9fff“”]+")
FUNCTION_CHARS = frozenset("的了和与及或等在到对于以为是")
AFTER_FLAGS = frozenset({"n", "ng", "nr", "ns", "nt", "nz", "nrt", "vn", "l", "j", "an", "eng", "b", "x", "r"})
NOUN_FLAGS = frozenset({"n", "ng", "nr", "ns", "nt", "nz", "nrt", "vn", "l", "j", "an", "eng", "x"})
NAME_FLAGS = frozenset({"n", "ng", "nr", "ns", "nt", "nz", "nrt", "l", "j"})  # nouns proper, not verbal nouns (vn)
ASPECT_FLAGS = frozenset({"ul", "uz", "ug"})  # 了, 着, 过 after a verb
VERB_FLAGS = frozenset({"v", "vd", "vi", "d", "p", "c", "u", "ul", "uj", "ug", "uz", "uv", "r", "m", "q", "f"})
# A pattern scanned over whole texts starts with one letter or character class: the regex engine skips in C
# to where that letter occurs (two to five times faster than a leading lookahead, which is itself faster
# than a leading lookbehind, optional letter or group of alternatives, tried at every position); a
# lookbehind after the first letter tells the branches apart (tests/robustness/test_regexes.py).
YEAR = re.compile(r"([12](?<![0-9到][12])(?:9[5-9][0-9]|0[0-9]{2}))年(?!代)")
# The plans are numbered 六五 … 十五五 (“十四五”时期, 十三五规划); their optional opening quote keeps the lookahead.
PLAN = re.compile(r"(?=[“六七八九十])(?<![一二三四五六七八九十百千])“?(十[一二三四五六七八九]?|[六七八九])五”?(?:时期|规划|期间)")
FIVE_YEARS = re.compile(r"这五年|五年来|五年间|过去五年|过去的五年")
LAST_YEAR = re.compile(r"[过一去](?:(?<=过)去(?:一年|的一年)|(?<=一)年来|(?<=去)(?<![比较同]去)年(?!同期))")
THIS_YEAR = re.compile(r"今年")
HORIZON = re.compile(r"到(20[0-9]{2})年")
SINCE = "以来"
REVIEW_MONTHS = 3  # a report of January to March reviews the year before (government work reports, 两会)
OPENING_CUE_CHARS = 12
SENTENCE_MARKS, CLAUSE_MARKS = "。！!？?", "，,；;：:"
SENTENCE_MARK = re.compile(f"[{SENTENCE_MARKS}]")
CLAUSE_MARK = re.compile(f"[{CLAUSE_MARKS}]")
CUE_BREAK = re.compile(f"[{SENTENCE_MARKS}{CLAUSE_MARKS}\n]")  # ends the clause a dating phrase opens
LEVELS = ("nation", "province", "prefecture", "county", "town", "village", "household", "person", "organisation")
PLACE_LEVELS = {"national": "nation", "province": "province", "prefecture": "prefecture", "county": "county"}
OWN_PLACE = "own"  # a subject word that counts only for the document's own place (statistic_frames.tsv)
FUTURE_SECTIONS = frozenset({"goals", "tasks"})
PAST_SECTIONS = frozenset({"results", "practices", "background"})
SHARE_UNITS = frozenset({"%", "‰"})
CHANGE_UNITS = frozenset({"个百分点", "百分点", "倍", "番"})
TO_LEVEL = ("到", "至", "为")
RATE_UNITS = frozenset({"%", "‰", "个百分点", "百分点", "倍", "番"})
TIME_FRAME = re.compile(r"(?:近|这|过去|前)?[0-9一二两三四五六七八九十]+(?:个)?(?:年|个月|季度)(?:来|间|内|中)?$")
FROM_FIGURE = re.compile(r"[从由][^从由]*[0-9][^从由]*$")  # 快递业务量从1.38亿件增加到|5.66亿件
RESPECTIVELY = re.compile(r"分别")
LIST_ITEM = re.compile(r"[、和与及]")
DIGIT_TAIL = re.compile(r"[0-9０-９].*$")
DIGIT = re.compile(r"[0-9０-９]")
COMPARISON = ("较", "比", "相比", "同比")
ENTITY_WINDOW = 5
SUBJECT_CHARS = 8
PER_UNIT = re.compile(r"(?:每(?:个|名|位)?|对)([\u4e00-\u9fff]{1,5})")
PLACE_LIST_JOINS = frozenset({"、", "等", "和", "与", "及", ""})
COUNT_UNITS = frozenset("户家个所支座项处名人批")
LIST_ITEM_JOIN = re.compile(r"[、，,][\u4e00-\u9fff]{0,6}")
LIST_JOINS = frozenset({"、", "，", ","})
POST_BOUNDS = frozenset({"以上", "以下", "以内"})
HAN = re.compile(r"[\u4e00-\u9fff]")
COUNT_OBJECT_VERBS = frozenset({"提升", "扩大", "缩小", "高于", "低于", "快于", "优于"})
LIST_BREAK = re.compile(r"[，,；;：:]")
OPENING = re.compile(r"[^。！？\n]{1,80}")
OPENING_CHARS = 80
SUBJECT_MIN_CUES = 2
VILLAGE = re.compile(r"(?<![\u4e00-\u9fff])(?!行政|贫困|农|乡|本|该|每|各|全|个)[\u4e00-\u9fff]{2,3}村(?![民级委干])|(?<=[县乡镇区])(?!行政|贫困)[\u4e00-\u9fff]{2,3}村(?![民级委干])")
NOTHING = "(?!)"  # a pattern that matches nowhere
ROLES = ("frame", "lead", "predicate", "scope", "level", "entity", "subject", "owner", "target", "change", "share", "bound", "rule",
         "cumulative", "modifier", "head")


@dataclass(frozen=True)
class StatisticFrames:
    """Word lists of pipeline/data/statistic_frames.tsv, by role."""

    frames: tuple[str, ...]
    frame_patterns: tuple[re.Pattern[str], ...]
    leads: tuple[str, ...]
    predicates: tuple[str, ...]
    scopes: dict[str, str]
    levels: dict[str, str]
    entities: dict[str, str]
    subjects: dict[str, str]
    owners: tuple[str, ...]
    targets: tuple[re.Pattern[str], ...]
    changes: tuple[str, ...]
    shares: tuple[str, ...]
    bounds: tuple[str, ...]
    rules: tuple[str, ...]
    cumulative: tuple[str, ...]
    vocabulary: dict[str, str]  # synonym → canonical indicator
    modifiers: tuple[str, ...] = ()  # words before an indicator's head that keep what it counts (其中, 全县, 累计)
    heads: frozenset[str] = frozenset()  # generic head nouns that name nothing without their modifiers (比重, 规模)

    @functools.cached_property
    def openers(self) -> tuple[str, ...]:
        """The scope words, then the leads: what strip_start cuts from the start of a phrase, in this order."""
        return (*self.scopes, *self.leads)

    @functools.cached_property
    def predicate_search(self) -> re.Pattern[str] | None:
        """Any predicate: its leftmost match is where the first predicate starts (one search instead of
        a find per predicate, 20,000 phrases at 10 MB)."""
        return re.compile("|".join(map(re.escape, self.predicates))) if self.predicates else None

    # One search each, in C, tells whether any word of a list occurs at all; most clauses hold none, and
    # only those that hold one are read word by word (a Python loop per list, for each of ~20 figures a page).
    @functools.cached_property
    def level_search(self) -> re.Pattern[str]:
        return any_word(self.levels)

    @functools.cached_property
    def owner_search(self) -> re.Pattern[str]:
        return any_word(self.owners)

    @functools.cached_property
    def rule_search(self) -> re.Pattern[str]:
        return any_word(self.rules)

    @functools.cached_property
    def change_search(self) -> re.Pattern[str]:
        return any_word(self.changes)

    @functools.cached_property
    def target_search(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p.pattern})" for p in self.targets) or NOTHING)


@dataclass(frozen=True)
class DocumentContext:
    """What the rules need to know about the document: its place level, year and month, and its place mentions."""

    place_level: str | None = None
    year: int | None = None
    subject_level: str | None = None
    places: tuple[tuple[int, int, str], ...] = ()  # (start, end, level) of the place mentions of the text
    month: int | None = None  # of the document's date, when known


def any_word(words) -> re.Pattern[str]:
    """A pattern whose search finds whether any of `words` occurs in a text (never, for no words)."""
    return re.compile("|".join(map(re.escape, words)) if words else NOTHING)


def load_frames(path: Path, vocabulary_path: Path) -> StatisticFrames:
    """Read the role word lists and the indicator vocabulary, with file and line in every error."""
    rows: dict[str, list[tuple[str, str]]] = {role: [] for role in ROLES}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[0] not in rows or len(cells) > 3 or not cells[1:] or not cells[1]:
            raise ValueError(f"{path} line {number}: expected role<TAB>word[<TAB>value] with a role of {', '.join(ROLES)}")
        value = cells[2] if len(cells) == 3 else ""
        allowed = (*LEVELS, OWN_PLACE) if cells[0] == "subject" else LEVELS
        if cells[0] in ("scope", "level", "entity", "subject", "owner") and value not in allowed:
            raise ValueError(f"{path} line {number}: unknown level {value!r}")
        rows[cells[0]].append((cells[1], value))
    frames = rows["frame"]
    return StatisticFrames(
        frames=tuple(sorted((w for w, v in frames if v != "re"), key=len, reverse=True)),
        frame_patterns=tuple(re.compile(w) for w, v in frames if v == "re"),
        leads=tuple(sorted((w for w, _ in rows["lead"]), key=len, reverse=True)),
        predicates=tuple(w for w, _ in rows["predicate"]),
        scopes=dict(rows["scope"]),
        levels=dict(rows["level"]),
        entities=dict(rows["entity"]),
        subjects=dict(rows["subject"]),
        owners=tuple(w for w, _ in rows["owner"]),
        targets=tuple(re.compile(w if v == "re" else re.escape(w)) for w, v in rows["target"]),
        changes=tuple(w for w, _ in rows["change"]),
        shares=tuple(w for w, _ in rows["share"]),
        bounds=tuple(w for w, _ in rows["bound"]),
        rules=tuple(w for w, _ in rows["rule"]),
        cumulative=tuple(w for w, _ in rows["cumulative"]),
        heads=frozenset(w for w, _ in rows["head"]),
        vocabulary=load_vocabulary(vocabulary_path),
        modifiers=tuple(sorted({w for w, _ in rows["modifier"] + rows["scope"] + rows["cumulative"]}, key=len, reverse=True)),
    )


def load_vocabulary(path: Path) -> dict[str, str]:
    """synonym → canonical from canonical<TAB>syn|syn lines."""
    table: dict[str, str] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        canonical, sep, synonyms = line.partition("\t")
        if not sep or not canonical.strip():
            raise ValueError(f"{path} line {number}: expected canonical<TAB>synonym|synonym")
        for synonym in [canonical, *synonyms.split("|")]:
            if synonym.strip():
                table[synonym.strip()] = canonical.strip()
    return table


def clause_before(text: str, start: int, floor: int = 0) -> str:
    """The clause that ends where the statistic starts (never reaching back past `floor`)."""
    low = max(0, floor, start - CLAUSE_WINDOW)
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(text, low, start)]
    return text[breaks[-1] if breaks else low : start]


def sentence_before(text: str, start: int) -> str:
    """The sentence up to the statistic."""
    low = max(0, start - 4 * CLAUSE_WINDOW)
    ends = match_ends(SENTENCE_BREAK, text)
    k = bisect.bisect_right(ends, start) - 1  # the last break that ends by `start`
    return text[ends[k] if k >= 0 and ends[k] > low else low : start]


_BY_LETTER: dict[tuple[int, int], tuple[object, dict[str, tuple[str, ...]] | None]] = {}


def words_by_letter(words, letter: str, at: int) -> tuple[str, ...]:
    """The words (in their order) whose letter `at` (0: the first, -1: the last) is `letter`. Each word list
    is grouped once (kept by identity): a phrase was compared with every word of the list, millions of
    times in a corpus. A list holding an empty word, which starts and ends every phrase, is given whole."""
    held = _BY_LETTER.get((id(words), at))
    if held is None or held[0] is not words:
        groups: dict[str, list[str]] | None = {}
        for word in words:
            if not word:
                groups = None
                break
            groups.setdefault(word[at], []).append(word)
        held = _BY_LETTER[(id(words), at)] = (words, None if groups is None else {c: tuple(ws) for c, ws in groups.items()})
    return words if held[1] is None else held[1].get(letter, ())


def ending_words(words, phrase: str):
    """The words (in their order) that can end `phrase`: those ending with its last character."""
    return words_by_letter(words, phrase[-1:], -1)


def strip_end(phrase: str, frames: StatisticFrames) -> str:
    """Cut the verbs, comparators and time frames that join an indicator to its number."""
    while True:
        cut = next((w for w in ending_words(frames.frames, phrase) if phrase.endswith(w)), None)
        if cut is not None:
            phrase = phrase[: -len(cut)]
            continue
        match = next((m for p in (*frames.frame_patterns, TIME_FRAME, FROM_FIGURE) if (m := p.search(phrase)) and m.end() == len(phrase) and m.start() < m.end()), None)
        if match is None:
            return phrase
        phrase = phrase[: match.start()]


def strip_start(phrase: str, frames: StatisticFrames) -> str:
    """Cut opening scope words and verbs, as long as something is left."""
    while True:
        cut = next((w for w in words_by_letter(frames.openers, phrase[:1], 0) if phrase.startswith(w) and len(phrase) > len(w)), None)
        if cut is None:
            return phrase
        phrase = phrase[len(cut):]


def noun_run(phrase: str, leading: bool) -> str:
    """The leading (or trailing) run of noun-like words of a phrase."""
    words = pos_tags(phrase)
    if not leading:
        words = words[::-1]
    kept = []
    for word, flag in words:
        if flag not in NOUN_FLAGS or sum(map(len, kept)) + len(word) > INDICATOR_MAX:
            break
        kept.append(word)
    return "".join(kept if leading else kept[::-1])


def counted_after(text: str, stat: dict, frames: StatisticFrames) -> str:
    """The noun that follows a counted figure (593个|党组织, 全省320家|食堂, 2万|贫困户): what is counted.

    It runs from the figure to the clause's end or to the first verb of the predicate (2所|职业本科大学|获批),
    and is empty when the figure is followed by a verb or a preposition (带动5000人|脱贫).
    """
    if stat.get("unit") in RATE_UNITS:
        return ""
    after = text[stat["end"] : stat["end"] + AFTER_WINDOW]
    run = NOUN_RUN.match(after)
    phrase = run.group() if run else ""
    cut = frames.predicate_search.search(phrase) if frames.predicate_search is not None else None
    phrase = phrase[: cut.start()] if cut else phrase
    if not phrase or opens_with_word(phrase, frames.leads) or phrase[0] in FUNCTION_CHARS:
        return ""
    words = before_predicate(pos_tags(phrase))
    while words and words[-1][1] not in AFTER_FLAGS:
        words.pop()
    found = "".join(w for w, _ in words)
    return found if len(found) >= 2 or (len(found) == 1 and words[0][1] in ("n", "ns", "ng")) else ""


def opens_with_word(phrase: str, words: tuple[str, ...]) -> bool:
    """Whether the phrase opens with one of `words` as a word of its own (培训|学员), not as the start of a
    longer word (培训班: the thing counted)."""
    if not phrase.startswith(words):
        return False
    ends, end = set(), 0
    for word, _ in pos_tags(phrase):
        end += len(word)
        ends.add(end)
    return any(phrase.startswith(w) and len(w) in ends for w in words)


def before_predicate(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The words before the first verb that follows a noun and carries an aspect particle (党员|形成了…,
    农民工|解决了…, 群众|住上了…): a predicate, whatever the word list knows. (A verb between two nouns
    may name the thing, 产业扶贫基地, 承接产业转移主平台: only the particle makes it a predicate.)"""
    for i in range(1, len(words) - 1):
        if words[i][1] == "v" and words[i - 1][1] in NAME_FLAGS and words[i + 1][1] in ASPECT_FLAGS:
            return words[:i]
    return words


def indicator_before(text: str, stat: dict, frames: StatisticFrames, floor: int) -> str:
    """The noun phrase of the clause before the number, without joining verbs, scope words and opening verbs.

    Before 从/由 (城市天然气普及率从|45.8%提高到77.3%) the phrase is the subject of a change, named whole;
    elsewhere a long phrase keeps only its trailing nouns (择优选派村干部参加|学历)."""
    clause = clause_before(text, stat["start"], floor)
    phrase = strip_end(clause, frames)
    subject = clause[len(phrase) :].startswith(FROM_WORDS)
    if phrase in frames.scopes or phrase.startswith(COMPARISON):
        return ""  # 全县 alone, 较“十三五”末的: the figure belongs to the indicator named before
    phrase = strip_start(phrase, frames).rsplit("等", 1)[-1]
    head = phrase.rsplit("的", 1)[-1]
    phrase = head if len(head) >= 2 else phrase  # 贫困县开展专题培训的|经费
    if not phrase or phrase in frames.leads:
        return ""
    if len(phrase) > LONG_PHRASE and not subject:  # 择优选派村干部参加|学历, 拥有国内最先进的|自动缫丝机
        tail = noun_run(phrase, leading=False)
        phrase = tail if len(tail) >= 2 and tail not in frames.heads else phrase  # not 比重 of 民生支出占…比重
    return last_words(phrase, INDICATOR_MAX).rstrip(OPENING_MARKS)  # 规范提升工作“|13条”: the quote opens the figure


def last_words(phrase: str, most: int) -> str:
    """The phrase's trailing whole words of at most `most` characters in all (科技型|中小企业研发费用加计扣除比例,
    not 技型…); its last `most` characters when its last word alone is longer."""
    if len(phrase) <= most:
        return phrase
    kept = 0
    for word, _ in reversed(pos_tags(phrase)):
        if kept + len(word) > most:
            break
        kept += len(word)
    return phrase[len(phrase) - kept :] if kept else phrase[-most:]


def indicator_of(text: str, stat: dict, frames: StatisticFrames, previous: str | None, floor: int) -> str | None:
    """The indicator of one statistic (see the module docstring)."""
    found = counted_after(text, stat, frames) or indicator_before(text, stat, frames, floor) or previous
    return found or previous_clause(text, stat["start"], frames)


def previous_clause(text: str, start: int, frames: StatisticFrames) -> str | None:
    """The noun phrase closing the clause before this one (下调…缴费比例，各地可降至|16%)."""
    clause_start = start - len(clause_before(text, start))
    if clause_start <= 0 or text[clause_start - 1] not in "，,、":
        return None
    phrase = strip_start(strip_end(clause_before(text, clause_start - 1), frames), frames)
    return phrase if phrase and not DIGIT.search(phrase) and len(phrase) <= INDICATOR_MAX else None


def respectively(text: str, sentence_start: int, stats: list[dict], frames: StatisticFrames) -> dict[int, str]:
    """Indicators of a 分别 list: 黄金、白银、镍产量分别增长544.4%、199.2%、… → the i-th item for the i-th figure."""
    assigned: dict[int, str] = {}
    for marker in RESPECTIVELY.finditer(text, sentence_start, stats[-1]["start"] if stats else sentence_start):
        breaks = [m for m in LIST_BREAK.finditer(text, sentence_start, marker.start())]
        low = breaks[-1].end() if breaks else sentence_start
        if low == marker.start() and len(breaks) > 1:  # …旅游花费1.27万亿元，分别增长: the items are the clause before
            low = breaks[-2].end()
        items = [strip_start(DIGIT_TAIL.sub("", item), frames) for item in LIST_ITEM.split(text[low : marker.start()])]
        following = [i for i, s in enumerate(stats) if s["start"] > marker.end()]
        if len(items) >= 2:
            for item, index in zip(items, following):
                assigned.setdefault(index, strip_end(item, frames) or item)
    return assigned


def normalised(indicator: str | None, vocabulary: dict[str, str], modifiers: tuple[str, ...] = ()) -> str | None:
    """The canonical indicator whose synonym is the head of the indicator (of one of its "·" parts).

    Chinese puts the head last: 建档立卡贫困人口 and 全县贫困人口 count 贫困人口, but 水运建设投资 is not all
    investment, 发展党员 (members recruited) not the members, 贫困人口发生率 not the people. So the synonym
    must end the indicator and what stands before it must be modifiers (scope, running-total and
    qualifier words of statistic_frames.tsv) or nothing; anything else leaves the indicator unnormalised,
    to be compared only with the same words.
    """
    if not indicator:
        return None
    for part in indicator.split("·"):
        heads = [synonym for synonym in ending_words(vocabulary, part)
                 if part.endswith(synonym) and only_modifiers(part[: -len(synonym)], modifiers)]
        if heads:
            return vocabulary[max(heads, key=len)]
    return None


def only_modifiers(prefix: str, modifiers: tuple[str, ...]) -> bool:
    """Whether a prefix is made of modifier words alone (longest first, left to right)."""
    while prefix:
        word = next((m for m in modifiers if prefix.startswith(m)), None)
        if word is None:
            return False
        prefix = prefix[len(word):]
    return True


def level_of(text: str, stat: dict, indicator: str | None, clause: str, frames: StatisticFrames, doc: DocumentContext,
             sentence: str | None = None) -> str | None:
    """Whose figure: a per-unit word of the clause (每户), an organisation it belongs to (白银集团|7万吨,
    省属企业资产总额 — but not 培育…企业322户, a count of firms), a place named at the head of its clause
    (巴中市已回引419名), else what the document is about. `sentence`: sentence_before, when already read."""
    words = [w for w in frames.levels if w in clause] if frames.level_search.search(clause) else []
    if words:
        return frames.levels[max(words, key=len)]
    entity = per_unit(clause, indicator, frames) or bounded_entity(text, stat, frames)
    if entity is not None:
        return entity
    counted = stat.get("unit") in COUNT_UNITS and indicator is not None
    head = (sentence_before(text, stat["start"]) if sentence is None else sentence)[:SUBJECT_CHARS]  # 省属企业完成…: the subject
    head = "" if head.startswith(frames.leads) or head.startswith("共") else head  # 共成立专业合作社…: an object
    if owned(clause, head, indicator, counted, frames):
        return "organisation"
    head = subject_place(stat["start"] - len(clause), stat["start"], clause, doc)
    if head is not None and PLACE_LEVELS[head] != PLACE_LEVELS.get(doc.place_level or ""):
        return PLACE_LEVELS[head]
    return doc.subject_level or PLACE_LEVELS.get(doc.place_level or "")


def owned(clause: str, head: str, indicator: str | None, counted: bool, frames: StatisticFrames) -> bool:
    """An organisation word in the clause, the sentence's head or the indicator (not the counted thing itself)."""
    search = frames.owner_search.search
    if not (search(clause) or search(head) or (indicator and search(indicator))):
        return False
    return any(w in clause or w in head or (indicator and w in indicator) for w in frames.owners if not (counted and w in indicator))


def per_unit(clause: str, indicator: str | None, frames: StatisticFrames) -> str | None:
    """The level of the unit a figure is per or about: 每个贫困村 → village, 对党员进行1次 → person,
    a unit opening the clause as its subject (党小组开展活动…, 村干部岗位报酬…)."""
    for match in PER_UNIT.finditer(clause):
        words = match.group(1)
        for size in range(1, len(words) + 1):
            found = [w for w in ending_words(frames.entities, words[:size]) if words[:size].endswith(w)]
            if found:
                return frames.entities[max(found, key=len)]
    opening = [w for w in words_by_letter(frames.entities, clause[:1], 0)
               if len(w) > 1 and clause.startswith(w) and not (indicator and indicator.startswith(w))]
    return frames.entities[max(opening, key=len)] if opening else None  # 党小组开展活动每月不少于1次


def bounded_entity(text: str, stat: dict, frames: StatisticFrames) -> str | None:
    """The level of what a bound applies to: 5万元以上的|村 → village, 超过30%的|村干部 → person."""
    after = text[stat["end"] : stat["end"] + ENTITY_WINDOW]
    if not after.startswith("的"):
        return None
    found = [w for w in words_by_letter(frames.entities, after[1:2], 0) if after[1:].startswith(w)]
    return frames.entities[max(found, key=len)] if found else None


def subject_place(clause_start: int, end: int, clause: str, doc: DocumentContext) -> str | None:
    """The level of a place opening the clause as its subject (巴中市已回引…), not one of a list (庆阳、张掖3个)."""
    for start, stop, level in doc.places:
        if clause_start <= start <= clause_start + 1 and stop < end and level in PLACE_LEVELS:
            following = clause[stop - clause_start : stop - clause_start + 1]
            return None if following in PLACE_LIST_JOINS else level
    return None


def subject_level(title: str, text: str, frames: StatisticFrames, own: tuple[str, str] | None = None) -> str | None:
    """What a document is about, as a level: an organisation opening it (昭通市长江丝绸有限公司是…), else its
    most frequent scope word (全省, 全县, 全村 …, at least SUBJECT_MIN_CUES times), else a village its opening
    names (平坝区塘约村共921户), else None (the document's place level then applies).

    `own`: the name and place level of the document's own place (北京市, province), which a scope word of
    its kind of unit names (全市 in Beijing's report is the province, not a prefecture: see subject_word_level)."""
    opening = OPENING.match(text)
    first = opening.group() if opening else text[:OPENING_CHARS]
    if any(first.split("，")[0].split(",")[0].endswith(w) or f"{w}是" in first for w in frames.owners):
        return "organisation"
    counts = {level: 0 for level in LEVELS}
    for word, listed in frames.subjects.items():
        level = subject_word_level(word, listed, own)
        if level is not None:
            counts[level] += text.count(word)
    level, n = max(counts.items(), key=lambda item: item[1])
    if n >= SUBJECT_MIN_CUES:
        return level
    if VILLAGE.search(title + "\n" + first):
        return "village"
    return None


def subject_word_level(word: str, listed: str, own: tuple[str, str] | None) -> str | None:
    """The level a scope word gives in a document whose own place is `own` (name, place level): that place's
    level when the word ends in the unit letter its name ends in (全市 of 北京市, 全区 of 宁夏回族自治区 or of
    鹿城区, 全市 of the county-level 资兴市), else the listed level (None for a word listed as own)."""
    if own is not None and own[0].endswith(word[-1]) and own[1] in PLACE_LEVELS:
        return PLACE_LEVELS[own[1]]
    return None if listed == OWN_PLACE else listed


def kind_of(text: str, stat: dict, clause: str, section: str | None, frames: StatisticFrames) -> str:
    """threshold, target, change, share or result (the first that applies)."""
    if bounded(text, stat, clause, frames):
        return "threshold"
    if section in FUTURE_SECTIONS or (frames.target_search.search(clause)
                                      and any(m.end() <= len(clause) - 2 for p in frames.targets for m in p.finditer(clause))):
        return "target"
    if stat.get("unit") in CHANGE_UNITS or changed(clause, stat.get("unit"), frames):
        return "change"
    if stat.get("unit") in SHARE_UNITS:
        return "share"
    return "result"


def bounded(text: str, stat: dict, clause: str, frames: StatisticFrames) -> bool:
    """A bound of a rule: 不少于5次, 总分15分, 3人以上的村, 60岁以上人口, 收入低于4000元的农户."""
    if stat.get("qualifier") in frames.rules or frames.rule_search.search(clause):
        return True
    after = text[stat["end"] : stat["end"] + 1]
    bound = stat.get("qualifier") in frames.bounds or clause.endswith(frames.bounds)
    return bound and (after == "的" or (stat.get("qualifier") in POST_BOUNDS and HAN.match(after) is not None))


def changed(clause: str, unit: str | None, frames: StatisticFrames) -> bool:
    """An increase or decrease verb right before the number (not 提高到…, which gives a level; a count
    after 提升/扩大 is what was improved, 提升40所普通高中, not a change)."""
    tail = clause.rstrip("近约超逾")
    if not frames.change_search.search(tail):
        return False
    for verb in frames.changes:
        if unit not in RATE_UNITS and verb in COUNT_OBJECT_VERBS:
            continue
        position = tail.rfind(verb)
        if position >= 0 and not tail[position + len(verb) :].startswith(TO_LEVEL):
            rest = tail[position + len(verb) :]
            if len(rest) <= 4:
                return True
    return False


def period_cues(text: str, doc: DocumentContext) -> list[tuple[int, int, str]]:
    """(position, scope end, period) of every phrase that dates what follows it.

    A cue in the first clause of a paragraph or heading line (2025年是…, 这五年，…, “十四五”时期是…) dates the
    text up to the next such cue; a cue further on dates the rest of that paragraph only. A cue after such
    an opening cue in the same clause qualifies it (今年是实施“十五五”规划开局之年, 2025年工作及“十四五”时期
    回顾) and dates nothing; a cue after one further on dates from there (由2013年…提升到2016年的…).
    """
    found = sorted((match.start(), match.end(), period) for pattern, reading in cue_patterns(doc)
                   for match in pattern.finditer(text) if (period := reading(match)) is not None)
    cues, opening_end = [], None
    for start, end, period in found:
        if opening_end is not None and not CUE_BREAK.search(text, opening_end, start):
            continue  # qualifies the opening cue before it in the same clause
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        opening = start - line_start <= OPENING_CUE_CHARS and opens_clause(text[line_start:start])
        opening_end = end if opening else None
        cues.append((start, len(text) if opening else scope_in_paragraph(text, line_start, start, line_end), period))
    return cues


def scope_in_paragraph(text: str, line_start: int, start: int, line_end: int) -> int:
    """Where a dating phrase inside a paragraph stops dating: at the paragraph's end when it opens its
    sentence (…。2019年，全省…), at its sentence's end when it stands inside one (经济增速2022年以来连续16个
    季度高于…。 dates nothing after that sentence)."""
    if not SENTENCE_MARK.split(text[line_start:start])[-1].strip():
        return line_end
    stop = SENTENCE_MARK.search(text, start, line_end)
    return stop.end() if stop else line_end


def opens_clause(before: str) -> bool:
    """Whether a dating phrase preceded by `before` on its line opens the clause of its sentence: 刚刚过去的2025年，
    各位代表！今年…, 一、“十四五”时期… do; 这些目标的设定，既衔接“十五五”规划目标 does not (it names a plan)."""
    return CLAUSE_MARK.search(SENTENCE_MARK.split(before)[-1]) is None


def cue_patterns(doc: DocumentContext) -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]]:
    """Dating phrases and how each reads, given the document's year."""
    year = doc.year
    horizon = lambda m: f"{year}-{m.group(1)}" if year and year < int(m.group(1)) else m.group(1)  # noqa: E731
    return [
        (HORIZON, horizon),
        (YEAR, lambda m: since(m, doc)),
        (PLAN, lambda m: plan_years(m.group(1))),
        (FIVE_YEARS, lambda m: f"{year - 5}-{year - 1}" if year else None),
        (LAST_YEAR, lambda m: str(year - 1) if year else None),
        (THIS_YEAR, lambda m: str(year) if year else None),
    ]


def since(match: re.Match[str], doc: DocumentContext) -> str:
    """A year as a period: the year itself (2018年), or from it to the last year the document can report on
    when 以来 follows (2017年以来 → 2017-2018 in a report of September 2018; 2022年以来 → 2022-2025 in a
    government work report of February 2026, which reports on the year before)."""
    first = match.group(1)
    if not match.string.startswith(SINCE, match.end()) or doc.year is None:
        return first
    last = doc.year - 1 if doc.month is not None and doc.month <= REVIEW_MONTHS else doc.year
    return f"{first}-{last}" if last > int(first) else first


def period_of(position: int, sentence: str, section_start: int, cues: list[tuple[int, int, str]], frames: StatisticFrames) -> str | None:
    """The latest dating phrase of the section still in scope at `position`, else 累计 for a running total."""
    active = [period for start, end, period in cues if section_start <= start < position <= end]
    if active:
        return active[-1]
    if any(cue in sentence for cue in frames.cumulative):
        return "累计"
    return None


def plan_years(numeral: str) -> str | None:
    """The years of a five-year plan from the sixth on (“十四五” → 2021-2025)."""
    from pipeline.segment.markers import cn_to_int

    number = cn_to_int(numeral)
    if number is None or number < 6:
        return None
    start = 1981 + 5 * (number - 6)
    return f"{start}-{start + 4}"


def describe(
    text: str, stats: list[dict], frames: StatisticFrames, doc: DocumentContext,
    section_of: Callable[[int], tuple[str | None, int]] = lambda start: (None, 0),
) -> list[dict]:
    """The statistics with indicator, indicator_norm, level, period and kind added."""
    described = []
    cues = period_cues(text, doc)
    for group in sentence_groups(text, stats):
        start = group[0]["start"] - len(sentence_before(text, group[0]["start"]))
        listed = respectively(text, start, group, frames)
        previous, floor = None, start
        for index, stat in enumerate(group):
            indicator = listed.get(index) or indicator_of(text, stat, frames, previous, floor)
            fields = with_fields(text, stat, indicator, frames, doc, section_of, cues)
            if described and index and text[floor : stat["start"]] in LIST_JOINS:
                fields["kind"] = described[-1]["kind"]  # 分别增长7.5%、11.5%: a list shares its first figure's kind
            if described and index and LIST_ITEM_JOIN.fullmatch(text[floor : stat["start"]]):
                fields["level"] = described[-1]["level"]  # 巴中市已回引…经济实体85家、专合组织114个: one subject
            previous, floor = indicator or previous, stat["end"]
            described.append(fields)
    return described


def with_defaults(stat: dict, frames: StatisticFrames, doc: DocumentContext) -> dict:
    """A statistic read elsewhere (a table cell) completed with its canonical indicator and default level."""
    level = stat.get("level") or doc.subject_level or PLACE_LEVELS.get(doc.place_level or "")
    return {**stat, "indicator_norm": normalised(stat.get("indicator"), frames.vocabulary, frames.modifiers), "level": level}


def sentence_groups(text: str, stats: list[dict]) -> list[list[dict]]:
    """Consecutive statistics of one sentence, grouped."""
    groups: list[list[dict]] = []
    for stat in stats:
        if groups and not SENTENCE_BREAK.search(text, groups[-1][-1]["end"], stat["start"]):
            groups[-1].append(stat)
        else:
            groups.append([stat])
    return groups


def with_fields(text: str, stat: dict, indicator: str | None, frames: StatisticFrames, doc: DocumentContext,
                section_of: Callable[[int], tuple[str | None, int]], cues: list[tuple[int, int, str]]) -> dict:
    """One statistic with its descriptive fields."""
    sentence = sentence_before(text, stat["start"])
    section, section_start = section_of(stat["start"])
    clause = clause_before(text, stat["start"])
    return {
        **stat,
        "indicator": indicator,
        "indicator_norm": normalised(indicator, frames.vocabulary, frames.modifiers),
        "level": level_of(text, stat, indicator, clause, frames, doc, sentence),
        "period": period_of(stat["start"], sentence, section_start, cues, frames),
        "kind": kind_of(text, stat, clause, section, frames),
    }
