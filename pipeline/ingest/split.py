"""Split a compilation (a 目录 table of contents followed by articles without separators) into article spans."""

from __future__ import annotations

import functools

import logging
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

logger = logging.getLogger(__name__)

TOC_HEAD = re.compile(r"^\s*目\s*录\s*[:：]?\s*$")
TOP_MARKER = re.compile(r"^([一二三四五六七八九十]{1,3})[、．.]")
SUB_MARKER = re.compile(
    r"^([(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．.]"
    r"|[一二三四五六七八九十]{1,3}[是要在]|第[一二三四五六七八九十]{1,3}[,，、:：]"
    r"|[①-⑳]|(首先|其次|再次|最后)[,，])"
)
DASH_LINE = re.compile(r"^(—{2,}|-{2,}|－{2,})")
LABEL_LINE = re.compile(r"^【[^】]{1,10}】$")
# 来源 only at the start of a line or after a space: 数据来源：/ 资料来源： inside an article are no header.
SOURCE_LINE = re.compile(
    r"((?:^|\s)(?:信息|文章|稿件|新闻)?来源[:：]|^(时间|发布时间|发表时间|作者|发布日期|日期)[:：]"
    r"|\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2})"
)
GROUP_HEADER = re.compile(r"^(.*?)\d+篇$")
SENTENCE_END = "。！？!?；;：:，,…"
# A year before a title (2026年, 二〇二六年度) and dot leaders with a page number after a TOC entry.
YEAR_PREFIX = re.compile(r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})年度?")
TOC_LEADER = re.compile(r"(?:[.．…·_\-—]{2,}\s*|\s+)\d{1,4}$")
PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）【】\[\]、,，.。:：;；!！?？·—\-]")
NOISE_SPLIT = re.compile(r"[,，。、;；:：!！?？“”]")
ENTRY_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、．.]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．.]|[①-⑳])\s*")
CN_VALUES = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}

TITLE_MAX = 45  # longest line still read as a title/byline (TOC titles here reach ~40 chars)
LIST_MAX = 30  # lines of an outline-only run (提纲) are at most this long
PREFIX_MAX = 12  # a place or unit name before a title (北京市, 宁夏回族自治区人民政府) is at most this long
OPENING_LOOK = 14  # a title's article opens (a paragraph begins) within this many lines below it
MIN_GAP = 3  # two article starts are at least this many non-blank lines apart
FREE_THRESHOLD = 3.0  # score a start needs where the TOC does not fix the number of articles
FIXED_FLOOR = 2.0  # even where the TOC fixes the count, weaker evidence is no start (article missing)


@dataclass(frozen=True)
class Part:
    """One article of a compilation: text[start:end] is its body (with its title line when repeated)."""

    title: str
    start: int
    end: int
    has_toc: bool


@dataclass(frozen=True)
class SplitCues:
    """Opening phrases of article leads (regexes): strong ones (近年来, 近日 …), weak ones, entity intros;
    and headings that belong inside an article (附件, 名词解释 …) and never start one."""

    strong: tuple[str, ...]
    weak: tuple[str, ...]
    intro: tuple[str, ...]
    inside: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Line:
    """A non-blank line: its stripped text and the offsets of that text in the input."""

    text: str
    start: int
    end: int


def load_split_cues(path: Path) -> SplitCues:
    """Read `kind<TAB>regex` lines (kind: strong | weak | intro | inside; # comments) into SplitCues."""
    from pipeline.resources import ResourceError, compile_pattern, numbered_lines, tab_fields

    groups: dict[str, list[str]] = {"strong": [], "weak": [], "intro": [], "inside": []}
    for number, raw in numbered_lines(path):
        kind, pattern = (f.strip() for f in tab_fields(path, number, raw, 2)[:2])
        if kind not in groups:
            raise ResourceError(f"{path} line {number}: unknown kind {kind!r} (strong, weak, intro or inside)")
        compile_pattern(path, number, pattern)
        groups[kind].append(pattern)
    return SplitCues(*(tuple(groups[k]) for k in ("strong", "weak", "intro", "inside")))


def split_lines(text: str) -> list[_Line]:
    """Non-blank lines of text with the offsets of their stripped content."""
    lines: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            lines.append(_Line(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return lines


def normalize_title(title: str) -> str:
    """Title without spaces, quotes and punctuation, for matching TOC entries to body lines."""
    return PUNCT.sub("", title)


def title_key(title: str) -> str:
    """What a TOC entry and a body title share: no page number, punctuation or leading year."""
    return YEAR_PREFIX.sub("", normalize_title(TOC_LEADER.sub("", title.strip())))


# --- line shapes -------------------------------------------------------------------------


def is_titleish(s: str) -> bool:
    """Short line that does not end like a sentence (title, byline, heading)."""
    return len(s) <= TITLE_MAX and s[-1] not in SENTENCE_END


def is_numbered(s: str) -> bool:
    """Line opening with an enumeration marker (一、 (一) 1、 一是 第一, ① 首先, ——item)."""
    return bool(TOP_MARKER.match(s) or SUB_MARKER.match(s))


def is_noise(s: str) -> bool:
    """Line mostly made of one long punctuation-free run: anti-copy filler from document sites."""
    if len(s) < 60:
        return False
    longest = max(len(run) for run in NOISE_SPLIT.split(s))
    return longest >= max(60, len(s) // 2)


def is_dash_subtitle(s: str) -> bool:
    """Subtitle line such as ——XX镇脱贫攻坚工作纪实 (short, dash-led, not a sentence)."""
    return bool(DASH_LINE.match(s)) and len(s) <= TITLE_MAX and s[-1] not in "。；;"


def is_content(s: str) -> bool:
    """Prose paragraph (not a title-like line, not noise)."""
    return not is_titleish(s) and not is_noise(s)


def is_prose(s: str) -> bool:
    """Content line longer than an outline item: what an article's last paragraph looks like."""
    return is_content(s) and len(s) > LIST_MAX


def is_lead_paragraph(s: str) -> bool:
    """Paragraph opening with a short lead sentence (强化组织保障,扩大覆盖。…), typical of measures."""
    head, sep, rest = s.partition("。")
    return bool(sep) and len(head) <= 25 and bool(rest) and not is_numbered(s)


def top_value(s: str) -> int | None:
    """Value of a top-level 一、 marker at the start of s."""
    m = TOP_MARKER.match(s)
    if not m or len(m.group(1)) != 1:
        return None
    return CN_VALUES.get(m.group(1))


def cue_score(s: str, cues: SplitCues) -> float:
    """How strongly a paragraph reads like the lead of a new article."""
    if any(re.search(p, s) for p in cues.strong):
        return 3.0
    if any(re.search(p, s) for p in cues.intro):
        return 2.0
    return 1.5 if any(re.search(p, s) for p in cues.weak) else 0.0


# --- table of contents ---------------------------------------------------------------------


def find_toc(lines: list[_Line]) -> tuple[int, int] | None:
    """(index of the 目录 line, index of the first body line), or None without a TOC."""
    head = next((i for i, ln in enumerate(lines[:50]) if TOC_HEAD.match(ln.text)), None)
    if head is None:
        return None
    end = head + 1
    while end < len(lines) and is_titleish(lines[end].text) and not is_noise(lines[end].text):
        end += 1
    if end - head - 1 < 2 or end >= len(lines):
        return None
    opening = _first_body_line(lines, head + 1, end)
    title = _repeated_first_title(lines, head + 1, end, opening)
    return head, opening if title is None else _with_supertitle(lines, head + 1, title)


def _repeated_first_title(lines: list[_Line], first: int, end: int, opening: int) -> int | None:
    """The line of the run that repeats the first TOC entry as the first article's own title, where the
    TOC ends: with an article header (subtitle, source or date line) right below it, or just above the
    line that opens the first article (its byline or supertitle)."""
    key = title_key(ENTRY_NUMBER.sub("", lines[first].text))
    titles = {title_key(ln.text) for ln in lines[end:] if len(ln.text) <= TITLE_MAX + 15}

    def near_opening(j: int) -> bool:  # and no line between it and the opening is another article's title
        return opening - 2 <= j <= opening and not any(title_key(ln.text) in titles for ln in lines[j + 1 : opening])

    found = [(_match_level(key, lines, j), j) for j in range(first + 2, end)
             if near_opening(j) or any(SOURCE_LINE.search(ln.text) or DASH_LINE.match(ln.text) for ln in lines[j + 1 : j + 3])]
    level, j = max(((lv, -j) for lv, j in found if lv), default=(0, 0))
    return -j if level else None


def _with_supertitle(lines: list[_Line], first: int, body: int) -> int:
    """Move the body start up over the line above it when that line is a supertitle of the first article,
    not a TOC entry: the one TOC line whose title never appears in the body while nearly all others do."""
    if body - first < 3:
        return body
    in_body = {title_key(ln.text) for ln in lines[body:] if len(ln.text) <= TITLE_MAX + 15}
    present = [title_key(ENTRY_NUMBER.sub("", ln.text)) in in_body for ln in lines[first : body - 1]]
    above = title_key(lines[body - 1].text)
    if not present or is_numbered(lines[body - 1].text) or sum(present) < 0.75 * len(present):
        return body
    if any(_similar(above, key) or _prefixed(above, key) for key in in_body):
        return body
    return body - 1


def _first_body_line(lines: list[_Line], first: int, end: int) -> int:
    """The TOC run's last line (and a 一、 heading under it) opens the first article: its title or byline."""
    k = end - 1
    if k > first and TOP_MARKER.match(lines[k].text) and not TOP_MARKER.match(lines[k - 1].text):
        k -= 1
    return k if k > first else end


def toc_entries(titles: list[str], body_keys: set[str]) -> list[str]:
    """Article titles from raw TOC lines: merge wrapped titles, drop group headers and sub-headings."""
    merged: list[str] = []
    i = 0
    while i < len(titles):
        joined = titles[i] + titles[i + 1] if i + 1 < len(titles) else ""
        if joined and normalize_title(joined) in body_keys:
            merged.append(joined)
            i += 2
            continue
        merged.append(titles[i])
        i += 1
    if sum(bool(is_numbered(t)) for t in merged) > len(merged) / 2:  # a numbered list of articles
        return [ENTRY_NUMBER.sub("", t) for t in merged]
    return [t for k, t in enumerate(merged) if not _is_toc_subentry(merged, k)]


def _is_toc_subentry(titles: list[str], k: int) -> bool:
    """A numbered section heading (一、…) or a group header (…3篇 followed by …1, …2)."""
    if TOP_MARKER.match(titles[k]) and k > 0:
        return True
    m = GROUP_HEADER.match(titles[k])
    nxt = titles[k + 1] if k + 1 < len(titles) else ""
    return bool(m and m.group(1) and nxt.startswith(m.group(1)))


# --- anchors: body lines that certainly start a given TOC entry -----------------------------------


def _similar(a: str, b: str) -> bool:
    """Equal, one a near-complete prefix of the other, or a close fuzzy match."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and len(short) >= 0.8 * len(long_) and len(short) >= 6:
        return True
    if abs(len(a) - len(b)) > 0.25 * max(len(a), len(b)):
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.85


def _prefixed(a: str, b: str) -> bool:
    """One title is the other behind a short place or unit name (北京市政府工作报告 / 政府工作报告)."""
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.endswith(short) and len(long_) - len(short) <= PREFIX_MAX


def _match_level(key: str, lines: list[_Line], li: int) -> int:
    """How well line li (or li with the subtitle line below it) is the title `key`: 3 the same, 2 close, 0 not."""
    s = lines[li].text
    if not key or len(s) > TITLE_MAX + 15 or s[-1] in "。；;" or DASH_LINE.match(s):  # a subtitle is no title
        return 0
    own = title_key(s)
    nxt = lines[li + 1].text if li + 1 < len(lines) else ""
    joined = title_key(s + nxt) if DASH_LINE.match(nxt) else own
    if key in (own, joined):
        return 3
    head = title_key(re.split(r"——|--", key)[0]) if "——" in key or "--" in key else key
    close = (_similar(key, own) or _similar(key, joined) or _prefixed(key, own) or _prefixed(head, own)
             or (head != key and _similar(head, own)))
    return 2 if close else 0


def title_matches(entries: list[str], lines: list[_Line], body: int) -> tuple[list[tuple[int, int, float]], set[int]]:
    """(entry, line, weight) where a body line is the entry's title and an article opens below it; and
    every line that repeats some entry's title, opening or not.

    Weight: 3 for the same title, 2 for a close one, plus 1 where the line above ends a paragraph (or the
    body begins): a title repeated inside an article's own header comes after short lines, not prose.
    """
    keys = [title_key(t) for t in entries]
    found: list[tuple[int, int, float]] = []
    titled: set[int] = set()
    for li in range(body, len(lines)):
        levels = [(ei, lv) for ei, lv in ((ei, _match_level(key, lines, li)) for ei, key in enumerate(keys)) if lv]
        if levels:
            titled.add(li)
        if not levels or not (li == body or opens_article(lines, li)):
            continue
        after_prose = li == body or is_content(lines[li - 1].text)
        found.extend((ei, li, lv + (1.0 if after_prose else 0.0)) for ei, lv in levels)
    return found, titled


def opens_article(lines: list[_Line], li: int) -> bool:
    """A paragraph begins within a few lines below line li, reached through short header lines only
    (subtitle, source, date, author): a title in a list of links or of contents has none."""
    for ln in lines[li + 1 : li + 1 + OPENING_LOOK]:
        if is_content(ln.text):
            return True
    return False


def duplicate_blocks(lines: list[_Line], body: int, min_lines: int = 3) -> list[tuple[int, int, int]]:
    """(earlier start, later start, length) of runs of >= min_lines identical lines repeated later."""
    first: dict[str, int] = {}
    blocks: list[tuple[int, int, int]] = []
    covered = body - 1
    for li in range(body, len(lines)):
        j = first.setdefault(lines[li].text, li)
        if j < li and li > covered and len(lines[li].text) >= 20:
            a, b = _grow_block(lines, j, li, max(covered, body))
            n = 0
            while b + n < len(lines) and a + n < b and lines[a + n].text == lines[b + n].text:
                n += 1
            if n >= min_lines:
                blocks.append((a, b, n))
                covered = b + n - 1
    return blocks


def _grow_block(lines: list[_Line], a: int, b: int, floor: int) -> tuple[int, int]:
    """Extend a repeated pair of lines backwards while both copies stay equal (not below floor)."""
    while b - 1 > floor and a - 1 >= floor and lines[a - 1].text == lines[b - 1].text:
        a, b = a - 1, b - 1
    return a, b


def add_duplicate_anchors(
    chain: list[tuple[int, int]], entries: list[str], blocks: list[tuple[int, int, int]]
) -> list[tuple[int, int]]:
    """Map each repeated block onto a pair of equal TOC titles consistent with the anchors (earliest copy)."""
    keys = [normalize_title(t) for t in entries]
    pairs = [(j, i) for i in range(len(keys)) for j in range(i + 1, len(keys)) if keys[i] == keys[j]]
    for a, b, _ in blocks:
        options = [(j, i) for j, i in sorted(pairs) if _consistent(set(chain) | {(i, a), (j, b)})]
        if options:
            j, i = options[0]
            chain = sorted(set(chain) | {(i, a), (j, b)})
    return chain


def _consistent(pairs: set[tuple[int, int]]) -> bool:
    """Entries and lines both strictly increasing once sorted by entry."""
    ordered = sorted(pairs)
    return all(e0 < e1 and l0 < l1 for (e0, l0), (e1, l1) in zip(ordered, ordered[1:]))


def monotone_chain(pairs: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """(entry, line) pairs increasing in both entry and line with the largest total weight (ties: earliest
    lines), so that a generic title (政府工作报告) goes to the article it opens, not to every entry."""
    pairs = sorted(set(pairs))
    best: list[tuple[float, list[tuple[int, int]]]] = []
    for k, (e, li, w) in enumerate(pairs):
        prev = [best[m] for m in range(k) if pairs[m][0] < e and pairs[m][1] < li]
        score, chain = max(prev, key=lambda b: (b[0], [-x for _, x in b[1]]), default=(0.0, []))
        best.append((score + w, chain + [(e, li)]))
    return max(best, key=lambda b: (b[0], [-x for _, x in b[1]]), default=(0.0, []))[1]


# --- scoring of possible article starts ------------------------------------------------------


def start_scores(lines: list[_Line], body: int, cues: SplitCues) -> dict[int, float]:
    """Score for every body line of being the first line of a new article (0 = no evidence)."""
    scores: dict[int, float] = {}
    last_top = 0
    for i in range(body + 1, len(lines)):
        score, resets = _line_score(lines, i, cues)
        if resets:
            last_top = 0
        value = top_value(lines[i].text)
        if value is not None:
            if value == 1 and last_top >= 1:
                score += _restart_bonus(lines, i, body, cues, scores)
            last_top = value
        if score and not _inside_heading(lines, i, cues):
            scores[i] = scores.get(i, 0.0) + score
    return scores


def _inside_heading(lines: list[_Line], i: int, cues: SplitCues) -> bool:
    """An appendix or glossary heading (附件2, 名词解释), or the title line right under one."""
    def inside(s: str) -> bool:
        return any(re.search(p, s) for p in cues.inside)

    return inside(lines[i].text) or (is_titleish(lines[i].text) and inside(lines[i - 1].text))


def _line_score(lines: list[_Line], i: int, cues: SplitCues) -> tuple[float, bool]:
    """Evidence that line i opens an article, and whether it resets the heading numbering."""
    s, prev = lines[i].text, lines[i - 1].text
    if is_dash_subtitle(s) and not is_dash_subtitle(prev):
        return 5.0 + _after_block_cue(lines, i, cues), True
    if SOURCE_LINE.search(s) and len(s) <= TITLE_MAX + 15:
        return (0.0 if _has_byline_above(lines, i) else 5.0), True
    return _after_prose_score(lines, i, cues) if is_prose(prev) else (0.0, False)


def _after_prose_score(lines: list[_Line], i: int, cues: SplitCues) -> tuple[float, bool]:
    """Evidence for a start at line i when the line above is a prose paragraph."""
    s, prev = lines[i].text, lines[i - 1].text
    nxt = lines[i + 1].text if i + 1 < len(lines) else ""
    if _starts_list_run(lines, i):
        return 3.0, True
    if is_noise(s):
        return 2.0 + _after_noise_cue(lines, i, cues), False
    if is_titleish(s) and not is_numbered(s):
        score = _header_score(lines, i, cues)
        return score, score >= 3
    if is_content(s) and not is_numbered(s):
        return _prose_score(s, prev, nxt, cues), False
    return 0.0, False


def _has_byline_above(lines: list[_Line], i: int) -> bool:
    """A short unnumbered line right above a source/date line (its byline, its title, or the source line
    of the same header) takes the start."""
    prev = lines[i - 1].text
    return is_titleish(prev) and not is_numbered(prev)


def _header_score(lines: list[_Line], i: int, cues: SplitCues) -> float:
    """Score of a short unnumbered line after prose: title/byline, note, list start or heading."""
    s = lines[i].text
    if LABEL_LINE.match(s):
        return 0.0
    if re.search(r"[,，。;；]", s):
        base = 2.0 if s[0] in "(（" and s[-1] in ")）" else 1.0  # a note in brackets, or a heading
    else:
        base = 3.0  # title or byline
    source_below = any(SOURCE_LINE.search(ln.text) for ln in lines[i + 1 : i + 3])
    return base + (5.0 if source_below else 0.0) + _after_block_cue(lines, i, cues)


def _starts_list_run(lines: list[_Line], i: int, run: int = 5) -> bool:
    """Line i opens an outline-only run (提纲): several short lines in a row after prose."""
    window = lines[i : i + run]
    return len(window) == run and all(len(ln.text) <= LIST_MAX for ln in window)


def _after_noise_cue(lines: list[_Line], i: int, cues: SplitCues) -> float:
    """Cue score of the first line after the filler lines that follow line i, when it is prose."""
    for ln in lines[i + 1 : i + 4]:
        if not is_noise(ln.text):
            return cue_score(ln.text, cues) if is_content(ln.text) else 0.0
    return 0.0


def _after_block_cue(lines: list[_Line], i: int, cues: SplitCues) -> float:
    """Cue score of the first prose line after the short lines that follow line i."""
    for ln in lines[i + 1 : i + 4]:
        if is_content(ln.text):
            return cue_score(ln.text, cues)
    return 0.0


def _prose_score(s: str, prev: str, nxt: str, cues: SplitCues) -> float:
    """Score of a prose line after prose: lead cues, and an intro before lead-sentence paragraphs."""
    score = cue_score(s, cues)
    if nxt and is_lead_paragraph(nxt) and not is_lead_paragraph(s):
        score += 2.0 + (0.5 if is_lead_paragraph(prev) else 0.0)
    return score


def _restart_bonus(
    lines: list[_Line], i: int, body: int, cues: SplitCues, scores: dict[int, float]
) -> float:
    """A new 一、 after earlier top-level headings: credit the lead paragraph above it, or the line itself."""
    run: list[int] = []
    for k in range(i - 1, body, -1):
        s = lines[k].text
        if LABEL_LINE.match(s):
            continue
        if not is_content(s) or is_numbered(s) or not is_content(lines[k - 1].text):
            break  # a numbered item, or the first paragraph under a heading, belongs to the article above
        run.append(k)
    if not run:
        return 4.0
    target = next((k for k in run if cue_score(lines[k].text, cues) > 0), run[0])
    scores[target] = scores.get(target, 0.0) + 2.0
    return 1.0


def repeated_block_scores(blocks: list[tuple[int, int, int]], n_lines: int) -> dict[int, float]:
    """Both copies of a repeated block start and end an article."""
    scores: dict[int, float] = {}
    for a, b, n in blocks:
        for li in (a, a + n, b, b + n):
            if li < n_lines:
                scores[li] = scores.get(li, 0.0) + 4.0
    return scores


# --- choosing the starts ---------------------------------------------------------------------


def pick_starts(scores: dict[int, float], lo: int, hi: int, k: int | None) -> list[int]:
    """Best starts strictly between lines lo and hi: exactly k when known, else those above threshold."""
    inside = (li for li in scores if lo + MIN_GAP <= li <= hi - MIN_GAP)
    ranked = sorted(inside, key=lambda li: (-scores[li], li))
    floor = FREE_THRESHOLD if k is None else FIXED_FLOOR
    chosen: list[int] = []
    for li in ranked:
        if scores[li] < floor or len(chosen) == k:
            break
        if all(abs(li - c) >= MIN_GAP for c in chosen):
            chosen.append(li)
    if k is not None and len(chosen) < k:
        logger.warning("only %d of %d articles found between lines %d and %d", len(chosen), k, lo, hi)
    return sorted(chosen)


def extend_title_start(lines: list[_Line], li: int, body: int) -> int:
    """Move a matched title's start up over short unnumbered lines directly above (supertitle, byline)."""
    k = li
    while k - 1 > body and k > li - 2 and is_titleish(lines[k - 1].text):
        if is_numbered(lines[k - 1].text):
            break
        k -= 1
    return k


def assign_starts(
    anchors: list[tuple[int, int]], scores: dict[int, float], n_entries: int, n_lines: int
) -> list[tuple[int, int]]:
    """(entry, line) for each article: anchors, plus the best starts in the gaps between anchors."""
    result: list[tuple[int, int]] = []
    for (e0, l0), nxt in zip(anchors, anchors[1:] + [(None, n_lines + MIN_GAP)]):
        result.append((e0, l0))
        e1, l1 = nxt
        k = None if e1 is None else e1 - e0 - 1
        extra = pick_starts(scores, l0, l1, k)
        if e1 is None:
            extra = extra[: n_entries - e0 - 1]
        result.extend((e0 + 1 + m, li) for m, li in enumerate(extra))
    return result


# --- public entry point ------------------------------------------------------------------------


@functools.cache
def default_cues() -> SplitCues:
    """The cues of the package's data file (loaded on first use)."""
    return load_split_cues(Path(__file__).resolve().parent.parent / "data" / "split_cues.tsv")


def split_compilation(text: str, cues: SplitCues | None = None) -> list[Part]:
    """Article spans of a compilation; [] when the text is not one."""
    cues = cues or default_cues()
    lines = split_lines(text)
    toc = find_toc(lines)
    if toc is None:
        return split_without_toc(text, lines)
    head, body = toc
    body_keys = {normalize_title(ln.text) for ln in lines[body:] if len(ln.text) <= 2 * TITLE_MAX}
    entries = toc_entries([ln.text for ln in lines[head + 1 : body]], body_keys)
    if not entries:
        return []
    anchors, body_titles, titled = _anchors(entries, lines, body)
    scores = _all_scores(lines, body, cues)
    for li in titled - {li for _, li in anchors}:  # a title repeated inside its article starts nothing
        scores.pop(li, None)
    starts = assign_starts(anchors, scores, len(entries), len(lines))
    _log_unassigned(entries, starts)
    titles = [body_titles.get(e, entries[e]) for e, _ in starts]  # the body's line keeps quotes a TOC lost
    return _parts(text, lines, list(zip(titles, [li for _, li in starts])), has_toc=True)


def _all_scores(lines: list[_Line], body: int, cues: SplitCues) -> dict[int, float]:
    """Line-shape and cue scores plus the ends of repeated blocks."""
    scores = start_scores(lines, body, cues)
    for li, extra in repeated_block_scores(duplicate_blocks(lines, body), len(lines)).items():
        scores[li] = scores.get(li, 0.0) + extra
    return scores


def _anchors(
    entries: list[str], lines: list[_Line], body: int
) -> tuple[list[tuple[int, int]], dict[int, str], set[int]]:
    """Consistent anchors (first entry pinned to the body start), the body's own title lines, and every
    line that repeats a title."""
    found, titled = title_matches(entries, lines, body)
    chain = monotone_chain(found)
    matched = [(e, li) for e, li in chain if e > 0 and li > body]
    # the body's line keeps quotes a TOC lost, but not where it is a shorter title (政府工作报告)
    body_titles = {e: lines[li].text for e, li in matched if title_key(lines[li].text) == title_key(entries[e])}
    chain = [(0, body)] + [(e, extend_title_start(lines, li, body)) for e, li in matched]
    return add_duplicate_anchors(chain, entries, duplicate_blocks(lines, body)), body_titles, titled


def _log_unassigned(entries: list[str], starts: list[tuple[int, int]]) -> None:
    """Say which TOC entries found no article in the body (truncated page, missing article)."""
    found = {e for e, _ in starts}
    missing = [t for e, t in enumerate(entries) if e not in found]
    if missing:
        logger.info("%d TOC entries without a body: %s", len(missing), "; ".join(missing[:5]))


def _parts(text: str, lines: list[_Line], starts: list[tuple[str, int]], has_toc: bool) -> list[Part]:
    """Contiguous parts from start lines: each runs to the last character before the next start."""
    parts: list[Part] = []
    for k, (title, li) in enumerate(starts):
        end_line = starts[k + 1][1] - 1 if k + 1 < len(starts) else len(lines) - 1
        if end_line < li:  # two entries anchored on one line: the later one takes it
            continue
        parts.append(Part(title, lines[li].start, lines[end_line].end, has_toc))
    return parts


# --- compilations without a table of contents ----------------------------------------------------


def split_without_toc(text: str, lines: list[_Line]) -> list[Part]:
    """Split only on repeated 标题 / 来源: / 时间: header blocks; otherwise no split."""
    heads: list[int] = []
    for i in range(len(lines)):
        if _is_header_block(lines, i) and (not heads or _has_prose_between(lines, heads[-1], i)):
            heads.append(i)  # a block right under another one (page chrome, title) is the same header
    if len(heads) < 2:
        return []
    if heads[0] > 0:
        logger.info("text before the first header block joins the first article")
    starts = [(lines[i].text, i) for i in heads]
    starts[0] = (starts[0][0], 0)
    return _parts(text, lines, starts, has_toc=False)


def _is_header_block(lines: list[_Line], i: int) -> bool:
    """A title-like line followed within two lines by a 来源/时间/作者 line."""
    s = lines[i].text
    if not is_titleish(s) or is_numbered(s) or SOURCE_LINE.search(s):
        return False
    return any(SOURCE_LINE.search(ln.text) for ln in lines[i + 1 : i + 3])


def _has_prose_between(lines: list[_Line], a: int, b: int) -> bool:
    """Some prose paragraph lies strictly between lines a and b."""
    return any(is_prose(ln.text) for ln in lines[a + 1 : b])
