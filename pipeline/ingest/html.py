"""Main text and metadata of an HTML page: two extractors of different kinds.

- Text density over the DOM (as in GNE and CETD): every paragraph-like block of the page is worth its
  Chinese characters when it reads as prose (a sentence punctuation mark and at least MIN_PROSE_CJK
  Chinese characters, mostly not link text) and costs half of them when it does not (menus, link lists,
  dates, buttons). Each element is worth the sum of its blocks; the best one, narrowed to a child that
  holds CONTAINER_SHARE of its worth (so a copyright notice or a comment below the article does not widen
  it to the whole page), is the article's container, and its blocks from the first prose block to the
  last are the main text (link blocks and a second rendering of the body left out).
- trafilatura (recall mode), its own heuristics over the page's structure, is kept where the density text
  holds under NOT_ARTICLE_PROSE characters of prose and trafilatura's holds more.

A page is no article, and is rejected as such, when its density text holds under NOT_ARTICLE_PROSE
characters of prose while more than NOT_ARTICLE_LINKS of its text is links (an index), when neither
extractor finds that much prose (a login form, a calendar), or when its container is a list: LIST_MIN_ITEMS or more items with prose, most of them under a link
title (search results, forum threads, news with summaries). Scores on hand-annotated pages: `make evaluate-html`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from .metadata import repeats_title

log = logging.getLogger(__name__)
TAGS = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.S | re.I)
TABLE_MARK = "TABLEPLACEHOLDER{}END"
PLACEHOLDER = re.compile(r"TABLEPLACEHOLDER(\d+)END")
BLOCK_END = re.compile(r"</(p|div|h\d|li|tr|br)\s*>|<br\s*/?>", re.I)
# A server-side include can close the page early; everything after a stray </body> or </html> is lost by
# lxml, while a browser shows it. Those end tags are optional in HTML, so they go.
PAGE_END = re.compile(r"</\s*(?:body|html)\s*>", re.I)

CJK = re.compile(r"[\u3400-\u9fff]")
PHRASE_SPACE = re.compile(r"[\u3400-\u9fff]{4}\s[\u3400-\u9fff]{4}")
SENTENCE_PUNCT = re.compile(r"[，。！？；：、“”,!?;]")
# Elements that run inside a line of text; every other element starts a block of its own.
INLINE_TAGS = frozenset("a abbr acronym b big cite code em font i img kbd label mark nobr q s samp small span strike "
                        "strong sub sup time tt u var wbr".split())
DROP_TAGS = ("script", "style", "noscript", "iframe", "select", "option", "textarea", "button", "input", "object",
             "embed", "svg", "canvas", "head", "title", "meta", "link")
MIN_PROSE_CJK = 12  # a prose line has at least this many Chinese characters
MAX_LINK_SHARE = 0.5  # a block with more of its text in links than this is navigation
NOT_ARTICLE_PROSE = 80  # fewer Chinese characters of prose (about two sentences) than this …
NOT_ARTICLE_LINKS = 0.5  # … on a page with more than this share of its text in links: not an article
LIST_MIN_ITEMS = 5  # a container of at least this many prose items …
LIST_TITLED_SHARE = 0.6  # … this share of them under a link title is a list of results, not an article
CONTAINER_SHARE = 0.8  # a child holding this share of an element's worth is the tighter container
METADATA_CHARS = 300_000
DATA_CELL_MAX = 60  # a data table's cells are short; a layout table's cells hold paragraphs


@dataclass(frozen=True)
class Block:
    """A paragraph-like run of text: its element, its text and how much of it is link text."""

    element: object
    text: str
    link_chars: int


def extract_html(html: str) -> tuple[str, dict]:
    """Main text (paragraphs on lines) and {title, date, url[, not_article]} of a page (the title, date and
    url as trafilatura reads them from the page's metadata).

    Data tables keep their shape: each is set aside before extraction (a placeholder paragraph stands in
    for it) and put back as text, one row per line and cells separated by a tab, where its placeholder
    survives — a table outside the main text goes with it.
    """
    html = PAGE_END.sub("", html)
    html, tables = set_tables_aside(html)
    root = parse(html)
    blocks = page_blocks(root) if root is not None else []
    meta = page_metadata(html)
    best = container(blocks)
    density = density_text(blocks, best, meta.get("title"))
    prose = prose_chars(density)
    reason = not_article(prose, blocks, best)
    # trafilatura reads the page only where the density text is thin: it costs several times more
    traf_text = trafilatura_text(html) if not reason and prose < NOT_ARTICLE_PROSE else ""
    traf_prose = prose_chars(traf_text)
    if not reason and blocks and max(prose, traf_prose) < NOT_ARTICLE_PROSE:
        reason = f"not an article: no extractor finds {NOT_ARTICLE_PROSE} Chinese characters of prose on it (a form, a calendar, a title page)"
    if reason:
        return "", {**meta, "not_article": reason}
    # the density text, unless it is thin and trafilatura finds more (a page whose text no element holds)
    chosen = traf_text if prose < NOT_ARTICLE_PROSE and traf_prose > prose else density
    if not chosen.strip():
        log.info("no extractor found main text; falling back to tag stripping")
        chosen = _strip_tags(html)
    return put_tables_back(chosen, tables), meta


def parse(html: str):
    """The page's element tree, or None when lxml cannot read it."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        return lxml_html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def page_metadata(html: str) -> dict:
    """Title, date and url as trafilatura reads them from the page (its head and first METADATA_CHARS
    characters: a megabyte of link lists holds no more of them and takes seconds to scan)."""
    from trafilatura.metadata import extract_metadata

    try:
        doc = extract_metadata(html[:METADATA_CHARS])
    except Exception as exc:  # a malformed page has no metadata, not a failed ingest
        log.info("no page metadata: %s", exc)
        return {}
    meta = {k: getattr(doc, k, None) for k in ("title", "date", "url")} if doc is not None else {}
    return {k: v for k, v in meta.items() if v}


def trafilatura_text(html: str) -> str:
    """trafilatura's main text (recall mode)."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=False, favor_recall=True, include_comments=False, include_tables=False)
    return (doc.text or "") if doc is not None else ""


# --- text density over the DOM ------------------------------------------------------------------


def density_text(blocks: list[Block], best, title: str | None = None) -> str:
    """The text of the container `best` (see container), from its first prose block to its last, without
    link blocks and without a second copy of a run of blocks; under the line above it that repeats the
    page's declared title, where there is one, as a text file has it."""
    if best is None:
        return ""
    inside = {best, *best.iterdescendants()}
    kept = [b for b in blocks if b.element in inside and b.link_chars <= MAX_LINK_SHARE * len(b.text)]
    prose = [k for k, b in enumerate(kept) if is_prose_block(b) or PLACEHOLDER.fullmatch(b.text)]
    if not prose:
        return ""
    # short lines between the first and the last prose block (subheadings, captions) belong to the text
    lines = without_repeated_runs([b.text for b in kept[prose[0] : prose[-1] + 1]])
    heading = title_line(blocks[: blocks.index(kept[prose[0]])], title)
    return "\n".join(([heading] if heading else []) + lines)


def title_line(above: list[Block], title: str | None) -> str | None:
    """The last block above the text that repeats the declared title (see metadata.repeats_title)."""
    return next((block.text for block in reversed(above) if repeats_title(block.text, title)), None)


def container(blocks: list[Block]):
    """The element whose blocks are worth most, narrowed to the child holding nearly all its worth."""
    if not blocks:
        return None
    worth: dict[object, float] = {}
    for block in blocks:
        value = block_value(block)
        for element in (block.element, *block.element.iterancestors()):
            worth[element] = worth.get(element, 0.0) + value
    return tightest(max(worth, key=lambda e: (worth[e], -_depth(e))), worth)


def listed_items(blocks: list[Block], best) -> tuple[int, int]:
    """(items holding prose, those of them that also hold a link title) among the children of the
    container `best`: a list of search results, threads or news with summaries is made of such items."""
    if best is None:
        return 0, 0

    def item(element):
        while element.getparent() is not None and element.getparent() is not best:
            element = element.getparent()
        return element

    inner = [b for b in blocks if b.element is not best and best in b.element.iterancestors()]
    titles = {item(b.element) for b in inner if b.link_chars > MAX_LINK_SHARE * len(b.text) and len(CJK.findall(b.text)) >= 4}
    prose = {item(b.element) for b in inner if is_prose_block(b)}
    return len(prose), len(prose & titles)


def tightest(element, worth: dict) -> object:
    """Descend from the best element into the child that holds nearly all its worth: prose outside the
    article (a copyright notice, a comment) should not widen the container to the whole page."""
    while True:
        children = [c for c in element if c in worth]
        child = max(children, key=lambda c: worth[c], default=None)
        if child is None or worth[child] < CONTAINER_SHARE * worth[element]:
            return element
        element = child


def without_repeated_runs(lines: list[str], min_sentences: int = 3) -> list[str]:
    """Lines without a second copy of the text (pages that render their body again for print or mobile
    views, often with other line breaks): a line of `min_sentences` or more sentences all said above goes;
    a short paragraph said twice stays."""
    said: set[str] = set()
    out: list[str] = []
    for line in lines:
        sentences = [k for k in ("".join(s.split()) for s in re.split(r"(?<=[。！？!?；;])", line)) if k]
        if len(sentences) >= min_sentences and all(s in said for s in sentences):
            continue
        said.update(sentences)
        out.append(line)
    return out


def page_blocks(root) -> list[Block]:
    """The page's text cut at block elements and <br>, in reading order, with the link text of each."""
    for element in list(root.iter(*DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    blocks: list[Block] = []
    _collect(root, blocks)
    return blocks


def _collect(element, blocks: list[Block]) -> None:
    """Append the blocks of one element: its own inline text runs, then those of its block children."""
    texts: list[str] = []
    links = 0

    def flush() -> None:
        nonlocal texts, links
        text = " ".join("".join(texts).split())
        if text:
            blocks.append(Block(element, text, min(links, len(text))))
        texts, links = [], 0

    texts.append(element.text or "")
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            flush()
        elif tag and tag.lower() not in INLINE_TAGS:
            flush()
            _collect(child, blocks)
        else:
            inner = child.text_content() if tag else ""
            texts.append(inner)
            if tag.lower() == "a":
                links += len(" ".join(inner.split()))
            else:
                links += sum(len(" ".join((a.text_content() or "").split())) for a in child.iter("a"))
        texts.append(child.tail or "")
    flush()


def block_value(block: Block) -> float:
    """Chinese characters of a prose block count for the element holding it; other blocks count against."""
    cjk = len(CJK.findall(block.text))
    if PLACEHOLDER.fullmatch(block.text):
        return 0.0
    return cjk if is_prose_block(block) else -0.5 * max(cjk, len(block.text) / 4)


def is_prose_block(block: Block) -> bool:
    """Reads as article text: enough Chinese, sentence punctuation, and mostly not link text."""
    return is_prose(block.text) and block.link_chars <= MAX_LINK_SHARE * len(block.text)


def is_prose(line: str) -> bool:
    """A line of running text: at least MIN_PROSE_CJK Chinese characters and a sentence punctuation mark,
    or twice as many in phrases separated by spaces instead (the style of many blogs)."""
    cjk = len(CJK.findall(line))
    if cjk < MIN_PROSE_CJK:
        return False
    return bool(SENTENCE_PUNCT.search(line)) or (cjk >= 2 * MIN_PROSE_CJK and bool(PHRASE_SPACE.search(line)))


def _depth(element) -> int:
    return sum(1 for _ in element.iterancestors())


# --- choosing and rejecting ----------------------------------------------------------------------


def prose_chars(text: str) -> int:
    """Chinese characters in the prose lines of a text."""
    return sum(len(CJK.findall(line)) for line in (text or "").splitlines() if is_prose(line))


def not_article(prose: int, blocks: list[Block], best) -> str | None:
    """The reason a page is a list or an index rather than an article, else None (`prose`: the Chinese
    characters of prose in its density text)."""
    items, titled = listed_items(blocks, best)
    if items >= LIST_MIN_ITEMS and titled >= LIST_TITLED_SHARE * items:
        return f"not an article: a list of {items} items, {titled} of them under a link title (search results, threads or news)"
    page = sum(len(b.text) for b in blocks)
    links = sum(b.link_chars for b in blocks)
    if prose < NOT_ARTICLE_PROSE and page and links / page > NOT_ARTICLE_LINKS:
        return f"not an article: {links / page:.0%} of the page's text is links and its main text has {prose} characters of prose"
    return None


# --- tables ---------------------------------------------------------------------------------------


def set_tables_aside(html: str) -> tuple[str, list[str]]:
    """The page with each data table replaced by a placeholder paragraph, and those tables as text.

    A data table holds no table and short cells; a table that lays out the page (its cells hold the
    article's paragraphs, or other tables) stays for the extractors to read.
    """
    from lxml import html as lxml_html

    root = parse(html)
    if root is None:
        return html, []
    tables = []
    for table in root.xpath("//table[not(.//table)]"):
        if not is_data_table(table):
            continue
        placeholder = root.makeelement("p")
        placeholder.text = TABLE_MARK.format(len(tables))
        tables.append(table_text(table))
        table.getparent().replace(table, placeholder)
    if not tables:
        return html, []
    return lxml_html.tostring(root, encoding="unicode"), tables


def is_data_table(table) -> bool:
    """Rows of short cells, at least two rows of at least two cells: a table of figures or names."""
    rows = [[" ".join(c.text_content().split()) for c in tr.xpath("./th|./td")] for tr in table.iter("tr")]
    rows = [r for r in rows if any(r)]
    wide = [r for r in rows if len(r) >= 2]
    if len(wide) < 2 or len(wide) < 0.5 * len(rows):
        return False
    cells = [c for r in rows for c in r if c]
    return bool(cells) and max(len(c) for c in cells) <= DATA_CELL_MAX * 3 and sum(map(len, cells)) / len(cells) <= DATA_CELL_MAX


def table_text(table) -> str:
    """One line per row, cells separated by a tab, whitespace inside a cell collapsed."""
    rows = []
    for row in (tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table):
        cells = [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
        if any(cells):
            rows.append("\t".join(cells))
    return "\n".join(rows)


def put_tables_back(text: str, tables: list[str]) -> str:
    """The extracted text with each surviving placeholder replaced by its table."""
    return PLACEHOLDER.sub(lambda m: tables[int(m.group(1))] if int(m.group(1)) < len(tables) else "", text)


def _strip_tags(html: str) -> str:
    """Plain text of a page with block elements on their own lines."""
    import html as html_lib

    return html_lib.unescape(TAGS.sub("", BLOCK_END.sub("\n", html)))
