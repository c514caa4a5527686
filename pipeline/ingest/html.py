"""Main text and metadata of an HTML page (trafilatura)."""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)
TAGS = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.S | re.I)
TABLE_MARK = "TABLEPLACEHOLDER{}END"
PLACEHOLDER = re.compile(r"TABLEPLACEHOLDER(\d+)END")
BLOCK_END = re.compile(r"</(p|div|h\d|li|tr|br)\s*>|<br\s*/?>", re.I)


def extract_html(html: str) -> tuple[str, dict]:
    """Main text (paragraphs on lines) and {title, date, url} found by trafilatura.

    Tables keep their shape: each <table> is set aside before extraction (a placeholder paragraph stands in
    for it) and put back as text, one row per line and cells separated by a tab, where its placeholder
    survives — a table outside the main text goes with it.
    """
    import trafilatura

    html, tables = set_tables_aside(html)
    doc = trafilatura.bare_extraction(html, with_metadata=True, favor_recall=True, include_comments=False, include_tables=False)
    if doc is None or not (doc.text or "").strip():
        log.info("trafilatura found no main text; falling back to tag stripping")
        return put_tables_back(_strip_tags(html), tables), {}
    meta = {k: getattr(doc, k, None) for k in ("title", "date", "url")}
    return put_tables_back(doc.text, tables), {k: v for k, v in meta.items() if v}


def set_tables_aside(html: str) -> tuple[str, list[str]]:
    """The page with each outermost <table> replaced by a placeholder paragraph, and the tables as text."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except (etree.ParserError, ValueError):
        return html, []
    tables = []
    for table in root.xpath("//table[not(ancestor::table)]"):
        placeholder = etree.Element("p")
        placeholder.text = TABLE_MARK.format(len(tables))
        tables.append(table_text(table))
        table.getparent().replace(table, placeholder)
    if not tables:
        return html, []
    return lxml_html.tostring(root, encoding="unicode"), tables


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
