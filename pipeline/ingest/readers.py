"""Find input files and read them into raw records: one per page, or one per CSV/JSONL row."""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from .encoding import DecodeError, declared_charset, decode

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".csv": "csv", ".jsonl": "jsonl"}
TEXT_COLUMNS = ("text", "full_text", "content")
COLUMN_ALIASES = {
    "url": ("url", "source_url"),
    "date": ("date", "publish_date", "发布时间", "发布日期", "日期", "时间", "year"),
    "title": ("title",),
    "source_unit": ("source_unit", "source", "来源"),
}


@dataclass(frozen=True)
class RawRecord:
    """One input unit before cleaning; `reason` is set when it is rejected."""

    source: str
    kind: str
    text: str | None
    encoding: str | None
    bytes: int
    metadata: dict = field(default_factory=dict)
    reason: str | None = None


def discover(corpus: Path) -> list[Path]:
    """Every visible file under the corpus folder, in a stable order."""
    files = [p for p in corpus.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus).parts)]
    return sorted(files, key=lambda p: p.relative_to(corpus).as_posix())


def read_path(path: Path, corpus: Path) -> list[RawRecord]:
    """Raw records of one input file; a problem becomes a rejected record, never an exception."""
    source = path.relative_to(corpus).as_posix()
    kind = TEXT_SUFFIXES.get(path.suffix.lower())
    data = path.read_bytes()
    if kind is None:
        return [RawRecord(source, "unknown", None, None, len(data), reason=f"unsupported file type {path.suffix or '(none)'}")]
    try:
        text, encoding = decode(data, declared_charset(data) if kind == "html" else None)
    except DecodeError as exc:
        return [RawRecord(source, kind, None, None, len(data), reason=str(exc))]
    if kind in ("csv", "jsonl"):
        return _table_records(source, kind, text, encoding, len(data))
    return [RawRecord(source, kind, text, encoding, len(data))]


def _table_records(source: str, kind: str, text: str, encoding: str, size: int) -> list[RawRecord]:
    """One record per row; a row without text or a broken line is rejected on its own."""
    rows = _csv_rows(text) if kind == "csv" else _jsonl_rows(text)
    if rows is None:
        return [RawRecord(source, kind, None, encoding, size, reason=f"unreadable {kind}")]
    if not rows:
        return [RawRecord(source, kind, None, encoding, size, reason=f"{kind} has no rows")]
    return [_row_record(f"{source}#row={i}", kind, row, encoding) for i, row in enumerate(rows)]


def _row_record(source: str, kind: str, row: dict | str, encoding: str) -> RawRecord:
    """A record from one parsed row (a string means the row could not be parsed)."""
    if isinstance(row, str):
        return RawRecord(source, kind, None, encoding, 0, reason=row)
    text = next((str(row[c]) for c in TEXT_COLUMNS if row.get(c) not in (None, "")), None)
    metadata = _row_metadata(row)
    size = len((text or "").encode("utf-8"))
    if text is None:
        return RawRecord(source, kind, None, encoding, size, metadata, reason=f"no text in columns {'/'.join(TEXT_COLUMNS)}")
    return RawRecord(source, kind, text, encoding, size, metadata)


def _row_metadata(row: dict) -> dict:
    """Known columns under their contract names, all other columns kept as they are."""
    meta = {k: v for k, v in row.items() if k not in TEXT_COLUMNS and v not in (None, "")}
    for name, aliases in COLUMN_ALIASES.items():
        value = next((row[a] for a in aliases if row.get(a) not in (None, "")), None)
        if value is not None:
            meta[name] = str(value)
    return meta


def _csv_rows(text: str) -> list[dict] | None:
    """CSV rows as dicts, or None when the file is not CSV."""
    try:
        return list(csv.DictReader(io.StringIO(text)))
    except csv.Error:
        return None


def _jsonl_rows(text: str) -> list[dict | str]:
    """JSONL rows; a line that is not a JSON object becomes a reason string."""
    rows: list[dict | str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append(f"invalid JSON on line {number}: {exc.msg}")
            continue
        rows.append(value if isinstance(value, dict) else f"line {number} is not a JSON object")
    return rows
