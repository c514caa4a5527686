"""Find input files and read them into raw records: one per page, or one per CSV/JSONL row."""

from __future__ import annotations

import csv
import errno
import io
import json
import logging
import os
import stat
import sys
import re
from dataclasses import dataclass, field
from pathlib import Path

from .encoding import DecodeError, declared_charset, decode

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".csv": "csv", ".jsonl": "jsonl",
                 ".docx": "docx", ".pdf": "pdf", ".doc": "doc", ".wps": "doc"}
ATTACHMENTS = ("docx", "pdf", "doc")
FIELDS = ("text", "title", "date", "source_unit", "url", "province", "prefecture", "county", "file")
# The columns of pipeline/data/columns.tsv, for callers that pass none (tests, one-off reads).
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "full_text", "content", "body", "正文", "内容", "全文"), "title": ("title", "标题"),
    "date": ("date", "publish_date", "发布时间", "发布日期", "日期", "时间", "year"),
    "source_unit": ("source_unit", "source", "来源"), "url": ("url", "source_url", "链接"),
    "province": ("province", "省份"), "prefecture": ("prefecture",), "county": ("county",), "file": ("file", "filename", "文件名"),
}
# A table in the corpus named like this describes other files: it is joined onto them, never read as documents.
SIDECAR_NAME = re.compile(r"(^|[_\-.])(manifest|metadata|meta|index|元数据|清单)([_\-.]|$)", re.IGNORECASE)


def load_columns(path: Path) -> dict[str, tuple[str, ...]]:
    """field → column names from the data file, with file and line in every error."""
    from pipeline.resources import ResourceError, numbered_lines, tab_fields

    found: dict[str, tuple[str, ...]] = {}
    for number, line in numbered_lines(path):
        field_name, names = tab_fields(path, number, line, 2)
        if field_name not in FIELDS:
            raise ResourceError(f"{path} line {number}: unknown field {field_name!r} (one of {', '.join(FIELDS)})")
        found[field_name] = tuple(n.strip() for n in names.split("|") if n.strip())
    missing = [f for f in FIELDS if f not in found]
    if missing:
        raise ResourceError(f"{path}: no line for {', '.join(missing)}")
    return found


def with_columns(columns: dict[str, tuple[str, ...]], **first: str | None) -> dict[str, tuple[str, ...]]:
    """The columns with the given names tried first (--text-column 正文 → text: 正文, text, full_text …)."""
    return {f: ((first[f],) if first.get(f) else ()) + tuple(n for n in names if n != first.get(f)) for f, names in columns.items()}


def is_sidecar(path: Path) -> bool:
    """A CSV/JSONL file named like a manifest or metadata table."""
    return path.suffix.lower() in (".csv", ".jsonl") and SIDECAR_NAME.search(path.stem) is not None


CSV_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)
CSV_DELIMITERS = (",", ";", "\t", "|")
QUOTED_RECORD = re.compile(r"\n[^\n]*[,;\t|]\"")


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


@dataclass(frozen=True)
class Entry:
    """One thing found in the corpus folder: a file to read, or something that is set aside with a reason."""

    path: Path
    source: str
    problem: str | None = None


def source_name(path: Path, corpus: Path) -> str:
    """The path under the corpus as text; bytes that are not UTF-8 are written as \\xNN escapes."""
    return _source(path.relative_to(corpus).as_posix())


def discover(corpus: Path) -> list[Entry]:
    """Every entry under the corpus folder, in a stable order: files, and what cannot be read and why.

    Hidden files and folders (names starting with '.'), links to folders, broken links, link loops and
    special files (FIFOs, sockets, devices) each get an entry with their reason: nothing is skipped silently.
    Read with os.scandir, whose entries know a regular file without a stat; a link or anything else is
    looked at with file_entry (os.walk with a stat and path arithmetic per file took 0.7–0.9 s for 30,000
    files, this 0.45 s).
    """
    entries: list[Entry] = []
    folders = [(os.fspath(corpus), "")]  # (folder, its path under the corpus with a trailing '/')
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as listing:
                found = sorted(listing, key=lambda item: item.name)
        except OSError as err:
            path = Path(err.filename or folder)
            entries.append(Entry(path, source_name(path, corpus), f"unreadable folder: {err.strerror}"))
            continue
        for item in found:
            if _is_folder(item):
                if item.name.startswith(".") or item.is_symlink():
                    reason = "hidden folder: not read" if item.name.startswith(".") else "link to a folder: not followed"
                    entries.append(Entry(Path(item.path), _source(prefix + item.name), reason))
                else:
                    folders.append((item.path, prefix + item.name + "/"))
            elif item.name.startswith(".") or not item.is_file(follow_symlinks=False):
                entries.append(file_entry(Path(item.path), corpus))  # a link, a FIFO …: its stat says what it is
            else:
                entries.append(Entry(Path(item.path), _source(prefix + item.name)))
    return sorted(entries, key=lambda e: e.source)


def _is_folder(item: os.DirEntry) -> bool:
    """Whether an entry is a folder or a link to one (as os.walk sorts them)."""
    try:
        return item.is_dir()
    except OSError:
        return False


def _source(relative: str) -> str:
    """source_name of a path given relative to the corpus ('/' between its parts)."""
    return os.fsencode(relative).decode("utf-8", errors="backslashreplace")


def has_entries(corpus: Path) -> bool:
    """Whether discover(corpus) finds anything: stops at the first file, hidden or linked folder, or folder
    that cannot be read, instead of listing the whole corpus (which ingest then lists itself)."""
    failed: list[OSError] = []
    for folder, dirs, files in os.walk(corpus, followlinks=False, onerror=failed.append):
        if files or failed or any(d.startswith(".") or os.path.islink(os.path.join(folder, d)) for d in dirs):
            return True
    return bool(failed)


def file_entry(path: Path, corpus: Path) -> Entry:
    """A file entry, with the reason it cannot be read if there is one."""
    source = source_name(path, corpus)
    if path.name.startswith("."):
        return Entry(path, source, "hidden file: not read (names starting with '.')")
    try:
        mode = path.stat().st_mode
    except OSError as exc:  # a broken link or a link loop
        reason = "link loop" if exc.errno == errno.ELOOP else "broken link" if path.is_symlink() else exc.strerror
        return Entry(path, source, f"{reason}: not read")
    if not stat.S_ISREG(mode):
        return Entry(path, source, "not a regular file (FIFO, socket or device): not read")
    return Entry(path, source)


def read_path(path: Path, corpus: Path, source: str | None = None, columns: dict | None = None) -> list[RawRecord]:
    """Raw records of one input file; a problem becomes a rejected record, never an exception."""
    source = source or source_name(path, corpus)
    kind = TEXT_SUFFIXES.get(path.suffix.lower())
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [RawRecord(source, kind or "unknown", None, None, 0, reason=f"unreadable: {exc.strerror or exc}")]
    if kind is None:
        return [RawRecord(source, "unknown", None, None, len(data), reason=f"unsupported file type {path.suffix or '(none)'}")]
    if kind in ATTACHMENTS:
        return [attachment_record(path, source, kind, data)]
    try:
        text, encoding = decode(data, declared_charset(data) if kind == "html" else None)
    except DecodeError as exc:
        return [RawRecord(source, kind, None, None, len(data), reason=str(exc))]
    if kind in ("csv", "jsonl"):
        return _table_records(source, kind, text, encoding, len(data), columns or DEFAULT_COLUMNS)
    return [RawRecord(source, kind, text, encoding, len(data))]


def attachment_record(path: Path, source: str, kind: str, data: bytes) -> RawRecord:
    """The record of a Word or PDF file (see attachments.py)."""
    from .attachments import read_docx, read_old_word, read_pdf

    text, reason = read_docx(data) if kind == "docx" else read_pdf(data) if kind == "pdf" else read_old_word(path)
    return RawRecord(source, kind, text, None if text is None else "utf-8", len(data), reason=reason)


def table_rows(path: Path) -> list[dict | str] | None:
    """The parsed rows of a CSV/JSONL file (None without a header; a string for a row that failed)."""
    data = path.read_bytes()
    text, _ = decode(data)
    return _csv_rows(text) if path.suffix.lower() == ".csv" else _jsonl_rows(text)


def _table_records(source: str, kind: str, text: str, encoding: str, size: int, columns: dict) -> list[RawRecord]:
    """One record per row; a row without text or a broken line is rejected on its own."""
    rows = _csv_rows(text) if kind == "csv" else _jsonl_rows(text)
    if rows is None:
        return [RawRecord(source, kind, None, encoding, size, reason=f"unreadable {kind}: no header row")]
    if not rows:
        return [RawRecord(source, kind, None, encoding, size, reason=f"{kind} has no rows")]
    return [_row_record(f"{source}#row={i}", kind, row, encoding, columns) for i, row in enumerate(rows)]


def _row_record(source: str, kind: str, row: dict | str, encoding: str, columns: dict) -> RawRecord:
    """A record from one parsed row (a string means the row could not be parsed)."""
    if isinstance(row, str):
        return RawRecord(source, kind, None, encoding, 0, reason=row)
    text_column = first_column(row, columns["text"])
    metadata = row_metadata(row, columns, exclude=text_column)
    text = str(row[text_column]) if text_column else None
    size = len((text or "").encode("utf-8"))
    if text is None:
        return RawRecord(source, kind, None, encoding, size, metadata,
                         reason=f"no text in columns {'/'.join(columns['text'])} (name yours with --text-column)")
    return RawRecord(source, kind, text, encoding, size, metadata)


def first_column(row: dict, names: tuple[str, ...]) -> str | None:
    """The first of the names that the row holds non-empty (column names compared without case)."""
    by_lower = {str(k).strip().lower(): k for k in row}
    for name in names:
        key = by_lower.get(name.lower())
        if key is not None and row.get(key) not in (None, "") and str(row[key]).strip():
            return key
    return None


def row_metadata(row: dict, columns: dict, exclude: str | None = None) -> dict:
    """Known columns under their field names, all other columns kept as they are."""
    meta = {k: v for k, v in row.items() if k != exclude and v not in (None, "")}
    for name in FIELDS:
        if name == "text":
            continue
        key = first_column(row, columns.get(name, ()))
        if key is not None and key != exclude:
            meta[name] = str(row[key]).strip()
    return meta


def _csv_rows(text: str) -> list[dict | str] | None:
    """CSV rows as dicts (a malformed row becomes a reason string), or None when the file is not CSV.

    The delimiter is sniffed among , ; tab and |; quoting is strict, so an unbalanced quote is reported
    on its row instead of silently swallowing the rows after it; cells may be as long as documents.
    """
    csv.field_size_limit(CSV_FIELD_LIMIT)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[dict | str] = []
    try:
        header = next(reader)
    except (csv.Error, StopIteration):
        return None
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            rows.append(f"malformed CSV near line {reader.line_num}: {exc} (an unbalanced quote?)")
            return rows
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header) or _swallowed(cells, delimiter):
            rows.append(f"malformed CSV row near line {reader.line_num}: {len(cells)} cells, header has {len(header)}"
                        + (" (an unbalanced quote?)" if _swallowed(cells, delimiter) else ""))
            continue
        rows.append(dict(zip(header, cells)))


def _delimiter(text: str) -> str:
    """The delimiter of a CSV: the one of , ; tab | that splits the header line most."""
    header = text.split("\n", 1)[0]
    return max(CSV_DELIMITERS, key=header.count) if any(d in header for d in CSV_DELIMITERS) else ","


def _swallowed(cells: list[str], delimiter: str) -> bool:
    """A cell holding a line break followed by what looks like further CSV records (an unbalanced quote)."""
    return any("\n" in cell and cell.count(delimiter) >= 2 and QUOTED_RECORD.search(cell) for cell in cells)


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
