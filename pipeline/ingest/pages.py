"""Per-record cleaning: a raw record becomes one or more clean documents (pure functions)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .boilerplate import Boilerplate, body_bounds, drop_chrome, split_lines, trim_footer
from .dedup import doc_hash
from .html import extract_html
from .hygiene import visible
from .dates import document_date
from .metadata import PageMetadata, page_metadata, trim_header
from .mojibake import mojibake_spans
from .pinyin import remove_pinyin
from .readers import RawRecord
from .script import NOTHING, Protected, Script, detect_script, to_simplified
from .split import SplitCues, split_compilation

PAGINATION = re.compile(r"^(\d{1,2}|下一页|下页|共\s*\d+\s*页|第\s*\d+\s*页|\d+\s*/\s*\d+)$")


@dataclass(frozen=True)
class Page:
    """A decoded record in simplified script, split into lines, with what it says about itself."""

    source: str
    kind: str
    script: Script
    lines: list[str]
    metadata: PageMetadata
    given: dict = field(default_factory=dict)
    pinyin_removed: int = 0
    invisible_removed: int = 0
    paginated: bool = False
    reason: str | None = None  # why the page yields no document (an HTML page that is no article)


def prepare_page(record: RawRecord, converter, protected: Protected = NOTHING) -> Page:
    """Decode-level cleaning of one record: HTML main text, pinyin, OpenCC, lines, metadata."""
    text, given, reason = record.text or "", dict(record.metadata), None
    if record.kind == "html":
        text, html_meta = extract_html(text)
        reason = html_meta.pop("not_article", None)
        given = {**html_meta, **given}
    text, invisible = visible(text)
    given = {k: visible(v)[0] if isinstance(v, str) else v for k, v in given.items()}
    text, removed = remove_pinyin(text)
    simplified = to_simplified(text, converter, protected)
    lines = split_lines(simplified)
    return Page(
        source=record.source,
        kind=record.kind,
        script=detect_script(text, simplified),
        lines=lines,
        metadata=page_metadata(lines),
        given={k: to_simplified(v, converter, protected) if isinstance(v, str) else v for k, v in given.items()},
        pinyin_removed=removed,
        invisible_removed=invisible,
        paginated=_is_paginated(lines),
        reason=reason,
    )


def _is_paginated(lines: list[str]) -> bool:
    """A page number or 'next page' link after the last paragraph: page 1 of a longer article."""
    bounds = body_bounds(lines)
    return bool(bounds) and any(PAGINATION.match(line) for line in lines[bounds[1] + 1:])


def clean_page(page: Page, boilerplate: Boilerplate, recurring: frozenset[str], cues: SplitCues | None = None) -> list[dict]:
    """Clean documents of a page: one, or one per article of a compilation; none for a page with a reason."""
    if page.reason:
        return []
    lines = drop_chrome(page.lines, boilerplate, recurring)
    parts = split_compilation("\n".join(lines), cues)
    if len(parts) > 1:
        text = "\n".join(lines)
        bodies = [text[p.start:p.end].strip() for p in parts]
        # An article of a compilation carries its own date and source lines, not the page's.
        docs = [_document(page, body, p.title, i, page_metadata(body.splitlines()), body.splitlines())
                for i, (p, body) in enumerate(zip(parts, bodies))]
    else:
        title, lines = trim_header(lines, page.given.get("title"), extracted=page.kind == "html")
        docs = [_document(page, "\n".join(trim_footer(lines)), page.given.get("title") or title, 0, page.metadata, page.lines)]
    return [d for d in docs if d["text"]]


def _document(page: Page, text: str, title: str | None, part: int, meta: PageMetadata, header: list[str]) -> dict:
    """A documents row (place columns and duplicate_of are filled later)."""
    dated = document_date(page.given.get("date"), header, title, body=text.splitlines())
    return {
        "doc_id": doc_hash(text),
        "source": page.source,
        "part": part,
        "title": title,
        "date": dated.value,
        "date_source": dated.source,
        "date_precision": dated.precision,
        "source_unit": page.given.get("source_unit") or meta.source_unit,
        "url": page.given.get("url") or meta.url,
        "script": page.script.value,
        "text": text,
        "chars": len(text),
        "mojibake_spans": mojibake_spans(text),
        "truncated": page.paginated,
        "pinyin_removed": page.pinyin_removed,
        "invisible_removed": page.invisible_removed,
        "metadata": {k: v for k, v in page.given.items() if k not in ("title", "date", "url", "source_unit")},
    }
