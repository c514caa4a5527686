"""Main text and metadata of an HTML page (trafilatura)."""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)
TAGS = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.S | re.I)
BLOCK_END = re.compile(r"</(p|div|h\d|li|tr|br)\s*>|<br\s*/?>", re.I)


def extract_html(html: str) -> tuple[str, dict]:
    """Main text (paragraphs on lines) and {title, date, url} found by trafilatura."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, favor_recall=True, include_comments=False, include_tables=True)
    if doc is None or not (doc.text or "").strip():
        log.info("trafilatura found no main text; falling back to tag stripping")
        return _strip_tags(html), {}
    meta = {k: getattr(doc, k, None) for k in ("title", "date", "url")}
    return doc.text, {k: v for k, v in meta.items() if v}


def _strip_tags(html: str) -> str:
    """Plain text of a page with block elements on their own lines."""
    import html as html_lib

    return html_lib.unescape(TAGS.sub("", BLOCK_END.sub("\n", html)))
