"""Metadata sidecars: a scraper's table that describes the other files (title, date, url, province …).

A sidecar is a CSV/JSONL file in the corpus named like a manifest or metadata table (manifest.csv,
articles_metadata.csv, 元数据.csv), or a file given with --metadata. Its rows are keyed by the file they
describe (a `file` column: the path under the corpus or the file name) or by the page's URL. Each row's
fields fill the metadata of the matching input where the input says nothing itself; the sidecar is never
read as documents and gets a manifest row of its own with status "metadata".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from .readers import RawRecord, first_column, row_metadata, table_rows


@dataclass(frozen=True)
class Sidecar:
    """The rows of one sidecar, by file key and by URL."""

    source: str
    by_file: dict[str, dict] = field(default_factory=dict)
    by_url: dict[str, dict] = field(default_factory=dict)
    problem: str | None = None


def read_sidecar(path: Path, source: str, columns: dict, named: bool = True) -> Sidecar | None:
    """A sidecar from its file; a problem (no header, no key column) is recorded, never raised. None when a
    table only named like a sidecar holds texts (an index.csv of articles): it is read as documents."""
    try:
        rows = table_rows(path)
    except (OSError, ValueError) as exc:
        return Sidecar(source, problem=f"unreadable metadata table: {exc}")
    if not rows:
        return Sidecar(source, problem="metadata table without a header or rows")
    if named and any(isinstance(r, dict) and first_column(r, columns["text"]) for r in rows):
        return None
    by_file, by_url = {}, {}
    for row in rows:
        if isinstance(row, str):
            continue
        meta = row_metadata(row, columns)
        key, url = meta.pop("file", None), meta.get("url")
        if key:
            by_file[str(PurePosixPath(key.replace("\\", "/")))] = meta
        if url:
            by_url[url.strip()] = meta
    if not by_file and not by_url:
        return Sidecar(source, problem=f"metadata table without a file ({'/'.join(columns['file'])}) or url column")
    return Sidecar(source, by_file, by_url)


def match(sidecar: Sidecar, record: RawRecord) -> dict | None:
    """The sidecar row describing a record: by its path, its file name, or its URL."""
    path = record.source.split("#row=")[0]
    found = sidecar.by_file.get(path) or sidecar.by_file.get(PurePosixPath(path).name)
    return found or sidecar.by_url.get(str(record.metadata.get("url", "")).strip())


def join(records: list[RawRecord], sidecars: list[Sidecar]) -> tuple[list[RawRecord], dict[str, int]]:
    """Records with sidecar fields filling what they do not say themselves; matches per sidecar."""
    counts = {s.source: 0 for s in sidecars}
    out = []
    for record in records:
        for sidecar in sidecars:
            row = match(sidecar, record) if sidecar.problem is None else None
            if row:
                record = replace(record, metadata={**row, **record.metadata})
                counts[sidecar.source] += 1
        out.append(record)
    return out, counts


def manifest_row(sidecar: Sidecar, matched: int, size: int) -> dict:
    """The sidecar's own manifest row."""
    reason = sidecar.problem or f"metadata table: {len(sidecar.by_file) or len(sidecar.by_url)} rows, joined onto {matched} inputs"
    return {"source": sidecar.source, "status": "metadata" if sidecar.problem is None else "rejected", "reason": reason,
            "doc_ids": [], "encoding": None, "bytes": size, "kind": "metadata"}
