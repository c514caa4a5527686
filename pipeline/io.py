"""Reading and writing stage tables: Parquet for programs, CSV copies for spreadsheets."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), @SUM, +cmd): such a
# cell is written with a leading apostrophe, which spreadsheets show as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class MissingTableError(FileNotFoundError):
    """A stage needs a table that an earlier stage has not written."""


def _jsonable(value: object) -> object:
    """Nested values (lists, dicts, arrays) as JSON strings for CSV cells."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def write_table(df: pd.DataFrame, out_dir: Path, name: str, extend: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
                workers: int = 1) -> Path:
    """Write `df` as OUT/name.parquet and its CSV copy OUT/name.csv, each complete or not at all.

    Each file is written under a temporary name and renamed when complete: a run killed while writing
    leaves the previous table (or none), never a truncated one. `extend` (rows → the rows to write, with
    columns it adds) is applied WRITE_CHUNK rows at a time, so that what it adds is never held whole; its
    CSV copy is then written by `workers` processes (see TableWriter.close).
    """
    if extend is not None:
        writer = TableWriter(out_dir, name)
        for start in range(0, len(df), WRITE_CHUNK):
            writer.write(extend(df.iloc[start : start + WRITE_CHUNK]))
        return writer.close(empty=extend(df.iloc[:0]), workers=workers)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.parquet"
    df = df.reset_index(drop=True)
    with atomic_path(path) as tmp:
        _write_parquet(df, tmp)
    with atomic_path(out_dir / f"{name}.csv") as tmp:
        # a chunk at a time: the spreadsheet copy of a table of millions of passages is not made whole
        for start in range(0, max(len(df), 1), WRITE_CHUNK):
            write_csv(df.iloc[start : start + WRITE_CHUNK], tmp, first=start == 0)
    log.debug("wrote %s (%d rows)", path, len(df))
    return path


WRITE_CHUNK = 100_000  # rows converted at a time when a table is written


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    """df as one Parquet file; a long table goes WRITE_CHUNK rows to a row group, each converted to Arrow
    in turn (under the types of the whole table), so that no Arrow copy of the whole table is made."""
    if len(df) <= WRITE_CHUNK:
        df.to_parquet(path, index=False)
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.Schema.from_pandas(df, preserve_index=False)
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, len(df), WRITE_CHUNK):
            writer.write_table(pa.Table.from_pandas(df.iloc[start : start + WRITE_CHUNK], schema=schema, preserve_index=False))


def spreadsheet_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The table as a spreadsheet should get it: nested values as JSON, formula-looking text quoted."""
    flat = df.copy()
    for column in flat.columns:
        values = flat[column]
        if str(values.dtype) in ("str", "string"):  # text only: quoted where it starts like a formula, in one pass
            risky = values.str.startswith(FORMULA_START, na=False)
            if risky.any():
                flat[column] = values.where(~risky, "'" + values)
        elif values.dtype == object:
            flat[column] = spreadsheet_objects(values)
    return flat


def spreadsheet_objects(values: pd.Series) -> pd.Series:
    """A column of mixed values as a spreadsheet should get it: nested values as JSON, formula-looking
    text quoted (pandas infers the column's type again: whole numbers and missing values become floats)."""
    return values.map(_jsonable).map(spreadsheet_safe)


def write_csv(df: pd.DataFrame, path: Path, first: bool = True) -> None:
    """The spreadsheet rows of df (see spreadsheet_rows) as CSV in `path`: the first chunk of a file with the
    header and a byte-order mark, a later one appended. The bytes are those of pandas' to_csv(index=False),
    but each column is rendered and quoted whole in Arrow: pandas wrote a row at a time through Python's csv
    module, which took most of a stage's closing time (5 of segment's 6.4 s at 50 MB). A frame with one
    column, or with a column of another type, goes through pandas."""
    # one column: the csv module quotes an empty row (""); repeated names: df[name] is not one column
    cells = [_csv_cells(df[column]) for column in df.columns] if len(df.columns) > 1 and df.columns.is_unique else None
    if cells is None or any(column is None for column in cells):
        spreadsheet_rows(df).to_csv(path, index=False, header=first, mode="w" if first else "a",
                                    encoding="utf-8-sig" if first else "utf-8")
        return
    import pyarrow as pa
    import pyarrow.compute as pc

    with open(path, "wb" if first else "ab") as f:
        if first:
            header = pa.array([str(c) for c in df.columns], pa.large_string())
            f.write(b"\xef\xbb\xbf" + ",".join(_csv_quoted(header).to_pylist()).encode("utf-8") + b"\n")
        if len(df):
            lines = pc.binary_join_element_wise(*map(_csv_quoted, cells), _text(","))
            f.write(_string_bytes(pc.binary_join_element_wise(lines, _text(""), _text("\n"))))


def _csv_cells(values: pd.Series):
    """A column's CSV cells as Arrow text, as pandas' to_csv prints them after spreadsheet_rows (missing: empty
    text; floats as numpy prints them, 1.0; True/False), or None for a type not handled here."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = values.dtype
    if str(dtype) in ("str", "string"):
        text = pa.array(values, from_pandas=True)
        text = (text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text).cast(pa.large_string())
        risky = pc.fill_null(functools.reduce(pc.or_, [pc.starts_with(text, start) for start in FORMULA_START]), False)
        if pc.any(risky).as_py():
            text = pc.if_else(risky, pc.binary_join_element_wise(_text("'"), text, _text("")), text)
        return pc.fill_null(text, _text("")) if text.null_count else text
    if dtype == object:
        flat = spreadsheet_objects(values)
        if flat.dtype != object:
            return _csv_cells(flat)
        missing = pd.isna(flat.to_numpy())
        return pa.array(["" if gone else repr(v) if isinstance(v, float) else str(v) for v, gone in zip(flat, missing)],
                        pa.large_string())
    if not isinstance(dtype, np.dtype) or dtype.kind not in "fiub":
        return None
    array = values.to_numpy()
    if dtype.kind == "b":
        return pc.if_else(pa.array(array), _text("True"), _text("False"))
    if dtype.kind in "iu":
        return pc.cast(pa.array(array), pa.large_string())
    # numpy prints floats as Python does (1.0, 1e-05), Arrow otherwise (1, 0.00001); the distinct values are
    # few, and numpy's printing is slow. Distinct by their bits: -0.0 equals 0.0 but prints otherwise.
    array = np.ascontiguousarray(array)
    _, first, where = np.unique(array.view(f"i{array.itemsize}"), return_index=True, return_inverse=True)
    text = array[first].astype(str)[where]
    text[np.isnan(array)] = ""
    return pa.array(text, pa.large_string())


def _text(value: str):
    """An Arrow text scalar of the type the CSV cells have."""
    import pyarrow as pa

    return pa.scalar(value, pa.large_string())


def _csv_quoted(text):
    """Cells quoted as Python's csv module quotes them for pandas (QUOTE_MINIMAL): in double quotes, with
    quotes doubled, when they hold a character that needs it. (Arrow finds a class of letters by regular
    expression faster than a plain substring, and its if_else is faster than its replace_with_mask.)"""
    import pyarrow.compute as pc

    needs = pc.match_substring_regex(text, _csv_quote_class())
    if not pc.any(needs).as_py():
        return text
    inner = pc.match_substring_regex(text, '"')
    doubled = pc.if_else(inner, pc.replace_substring(text, '"', '""'), text) if pc.any(inner).as_py() else text
    return pc.if_else(needs, pc.binary_join_element_wise(_text('"'), doubled, _text('"'), _text("")), text)


@functools.lru_cache(maxsize=1)
def _csv_quote_class() -> str:
    """The characters whose cells Python's csv module quotes with pandas' settings (the delimiter, the quote,
    the line end, and in some Python versions a carriage return), found by asking it."""
    import csv
    import io

    def quoted(ch: str) -> bool:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(["a" + ch + "b", "c"])
        return out.getvalue().startswith('"')

    return "[" + "".join(re.escape(ch) for ch in ',"\n\r\t ;|' if quoted(ch)) + "]"


def _string_bytes(text) -> memoryview:
    """The UTF-8 bytes of an Arrow text array without missing values, all its cells one after another."""
    import pyarrow as pa

    text = text.cast(pa.large_string())
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset : text.offset + len(text) + 1]
    return memoryview(text.buffers()[2])[offsets[0] : offsets[-1]] if len(text) else memoryview(b"")


class TableWriter:
    """A table written batch by batch, so that no stage holds it whole: OUT/name.parquet gets one row group
    per batch, and OUT/name.csv its rows. Both appear complete when `close` is called, or not at all.

    Each batch goes straight into a Parquet file (in a temporary folder until close), under the types every
    batch so far agrees on (pyarrow's permissive unify_schemas: a column all missing in one batch and text
    in another is text, whole numbers and fractions are fractions). A batch that widens those types has
    the row groups before it rewritten in the new ones while they are few (REWRITE_BYTES), usually once,
    for a first batch whose column was all missing; past that it starts a new file, and close joins the
    files under the types of all the batches, as every table was joined before. (Each batch had waited as
    a file of its own, joined at close: 1.1 s of segment's closing at 50 MB, with a core idle.)
    """

    def __init__(self, out_dir: Path, name: str) -> None:
        import tempfile

        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir, self.name, self.rows = out_dir, name, 0
        self._parts = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out_dir))
        self._file = None  # the pyarrow ParquetWriter of the open file
        self._files = 0  # files opened so far (their names)
        self._path: Path | None = None  # the open file
        self._held = 0  # Arrow bytes of the batches in the open file
        self._earlier: list[Path] = []  # files closed under narrower types, to be joined at close
        self._schemas: list = []  # each batch's own types, in order

    def write(self, df: pd.DataFrame) -> None:
        """Add a batch of rows."""
        import pyarrow as pa

        table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)  # what to_parquet writes
        self._schemas.append(table.schema)
        if self._file is None:
            self._open(table.schema)
        elif not table.schema.equals(self._file.schema, check_metadata=False):
            agreed = pa.unify_schemas([self._file.schema, table.schema], promote_options="permissive")
            if not agreed.equals(self._file.schema, check_metadata=False):
                self._widen(agreed)
            table = _conform(table, self._file.schema)
        self._file.write_table(table)
        self._held += table.nbytes
        self.rows += len(df)

    def _widen(self, schema) -> None:
        """Go on under wider types: the batches so far rewritten in them while they are few, else a new file."""
        if not self._earlier and self._held <= REWRITE_BYTES:
            self._join(schema)
        else:
            self._earlier.append(self._path)
            self._file.close()
            self._open(schema)

    def _open(self, schema) -> None:
        """A new file for the next batches, under `schema`."""
        import pyarrow.parquet as pq

        self._files += 1
        self._path = self._parts / f"written.{self._files}.parquet"
        self._file, self._held = pq.ParquetWriter(self._path, schema), 0

    def _join(self, schema) -> None:
        """Every row group written so far, in order, into one new file under `schema` (one row group for
        each, as before)."""
        import pyarrow.parquet as pq

        self._file.close()
        sources, self._earlier = [*self._earlier, self._path], []
        self._open(schema)
        for source in sources:
            with pq.ParquetFile(source) as rows:
                for group in range(rows.num_row_groups):
                    part = _conform(rows.read_row_group(group), schema)
                    self._file.write_table(part)
                    self._held += part.nbytes
            source.unlink()

    def finish(self) -> Path | None:
        """Close the Parquet file, under the types of all the batches (as if they had been one table); its
        path in the temporary folder, or None when no batch came."""
        import pyarrow as pa

        if self._file is None:
            return None
        agreed = pa.unify_schemas(self._schemas, promote_options="permissive")
        if self._earlier or not agreed.equals(self._file.schema, check_metadata=True):
            self._join(agreed)
        self._file.close()
        self._file = None
        return self._path

    def close(self, empty: pd.DataFrame | None = None, workers: int = 1) -> Path:
        """Write OUT/name.parquet and OUT/name.csv (`empty`: the table to write when no batch came); the
        temporary folder is removed. With several `workers`, see close_writers."""
        return close_writers([(self, empty)], workers)[0]

    def abort(self) -> None:
        """Drop what was written (the previous table, if any, stays)."""
        import shutil

        if self._file is not None:
            self._file.close()
            self._file = None
        shutil.rmtree(self._parts, ignore_errors=True)


# Arrow bytes of batches up to which a batch that widens the types rewrites those before it; past this, the
# files are joined at close instead (rewriting at every widening could cost more than one join).
REWRITE_BYTES = 64 * 2**20


class _Closing(NamedTuple):
    """A writer being closed: its Parquet file, complete, and its row groups' CSV parts."""

    writer: TableWriter
    parquet: Path
    parts: list[Path]


def close_writers(jobs: list[tuple[TableWriter, pd.DataFrame | None]], workers: int = 1) -> list[Path]:
    """Close writers (each with its `empty` table, written when no batch came): the CSV rows of each row
    group of each table are tasks, done largest first in `workers` forked processes (one when workers is 1,
    or in a pool's worker), each to its own file; then each table's CSV parts are joined in order and both
    files take their names. One process per table had left a core idle while the largest table (documents
    of 50 MB: 2.2 s) closed alone at the end of segment."""
    import pyarrow.parquet as pq

    from pipeline.executor import as_sent, in_daemon, pool_map

    closing, paths, tasks = [], {}, []
    try:
        for writer, empty in jobs:
            parquet = writer.finish()
            if parquet is None:
                paths[writer.name] = write_table(empty if empty is not None else pd.DataFrame(), writer.out_dir, writer.name)
                continue
            groups = pq.read_metadata(parquet)
            closing.append(_Closing(writer, parquet, [writer._parts / f"{g:06d}.csv" for g in range(groups.num_row_groups)]))
            tasks += [(groups.row_group(g).total_byte_size, parquet, g, part) for g, part in enumerate(closing[-1].parts)]
        tasks.sort(key=lambda task: -task[0])
        if workers > 1 and len(tasks) > 1 and not in_daemon():
            pool_map(_csv_part, tasks, (), min(workers, len(tasks)), as_sent, start_method="fork")
        else:
            for task in tasks:
                _csv_part(task)
        for c in closing:
            paths[c.writer.name] = _joined(c)
        return [paths[writer.name] for writer, _ in jobs]
    finally:  # the temporary folders go, with whatever a failure left in them
        for writer, _ in jobs:
            writer.abort()


def _csv_part(task: tuple) -> None:
    """The CSV rows of one row group of a closed writer's file, into their own part (the first with the
    header)."""
    import pyarrow.parquet as pq

    _, parquet, group, part = task
    with pq.ParquetFile(parquet) as source:
        write_csv(source.read_row_group(group).to_pandas(), part, first=group == 0)


def _joined(c: _Closing) -> Path:
    """OUT/name.csv from the CSV parts in order, then OUT/name.parquet; its path."""
    import shutil

    with atomic_path(c.writer.out_dir / f"{c.writer.name}.csv") as csv, open(csv, "wb") as joined:
        for part in c.parts:
            with part.open("rb") as f:
                shutil.copyfileobj(f, joined)
    path = c.writer.out_dir / f"{c.writer.name}.parquet"
    os.replace(c.parquet, path)
    log.debug("wrote %s (%d rows in %d row groups)", path, c.writer.rows, len(c.parts))
    return path


def _conform(table, schema):
    """A part's columns in the schema's order and types (a column it lacks: all missing)."""
    import pyarrow as pa

    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
               for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def spreadsheet_safe(value: object) -> object:
    """A cell a spreadsheet would run as a formula, quoted to be shown as text."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


@contextlib.contextmanager
def atomic_path(path: Path):
    """A temporary path beside `path`, renamed to it when the block completes (removed if it fails)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def use_system_allocator() -> None:
    """Let Arrow allocate with the C library's malloc instead of its own pool (mimalloc), for this process
    and the workers it forks.

    mimalloc keeps the pages it frees for Arrow's next tables, so every table read once (the documents
    for the analysis, again for the report) stayed in the resident size; the C library gives large blocks
    back when they are freed. The report of the 200 MB benchmark peaked at 1,641 MiB with mimalloc and
    1,268 MiB with malloc, the same folder.
    """
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def release_memory() -> int:
    """Hand the memory that Arrow tables have freed back to the system; the bytes Arrow still holds.

    Arrow's pool keeps what it frees for its own next tables (see use_system_allocator): a step that drops
    a gigabyte of texts, or the decoding buffers of a read, would otherwise keep it in the resident size
    (at 200 MB, reading the documents table held 505 MB for a 215 MB table until this was called). With
    the C library's allocator this trims its heap as well (malloc_trim), so the small objects a step
    freed (Python strings and lists over 512 bytes, small arrays) go back too: 300,000 freed blocks of
    2 kB went from 660 to 107 MiB resident in a trial.
    """
    import pyarrow as pa

    pool = pa.default_memory_pool()
    pool.release_unused()
    return pool.bytes_allocated()


def read_table(out_dir: Path, name: str, columns: list[str] | None = None, as_objects: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read OUT/name.parquet, with an actionable error if it is missing or unreadable; given `columns`, only
    those of them the table has (a table written by an older version may lack some). The `as_objects`
    columns come as Python strings (object dtype), not Arrow-backed ones: see objects_frame."""
    if columns is not None:
        present = set(parquet_file(out_dir, name).schema_arrow.names)
        columns = [c for c in columns if c in present]
    if as_objects:
        return _readable(out_dir, name, lambda path: objects_frame(path, columns, as_objects))
    return _readable(out_dir, name, lambda path: pd.read_parquet(path, columns=columns))


def objects_frame(path: Path, columns: list[str] | None, as_objects: tuple[str, ...]) -> pd.DataFrame:
    """A Parquet file as a DataFrame whose `as_objects` string columns hold Python strings.

    Taking rows of an Arrow-backed text column (filtering, sorting) copies its text; a column of Python
    strings copies pointers, and Chinese takes two bytes a character in it instead of three. At 200 MB the
    report's copies of the documents' texts (one for each count of non-duplicate documents) were 600 MB.
    """
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    names = columns if columns is not None else source.schema_arrow.names
    objects = [name for name in as_objects if name in names]
    others = [name for name in names if name not in objects]
    rows = source.metadata.num_rows
    frame = pq.read_table(path, columns=others).to_pandas() if others else pd.DataFrame(index=pd.RangeIndex(rows))
    for name in objects:
        # a batch at a time: the whole column in Arrow's buffers and as strings was the corpus twice (at 1 GB,
        # the report's read of the documents was the largest the run held)
        values, at = np.empty(rows, dtype=object), 0
        for batch in source.iter_batches(batch_size=OBJECT_BATCH, columns=[name]):
            values[at : at + batch.num_rows] = batch.column(0).to_numpy(zero_copy_only=False)
            at += batch.num_rows
        frame[name] = pd.Series(values, index=frame.index, dtype=object)
    return frame[[c for c in names if c in frame.columns]]


OBJECT_BATCH = 5000  # rows of a text column turned into Python strings at a time


class StoredTables(Mapping):
    """The tables of an output folder, each read (with `columns[name]` only, when given) every time it is
    asked for and not kept, so that a step holds a table only while it uses it; `held` tables are kept in
    memory instead. A missing or damaged table is reported when the mapping is made, not midway."""

    def __init__(self, out_dir: Path, names, columns: dict[str, list[str]] | None = None,
                 held: dict[str, pd.DataFrame] | None = None) -> None:
        self.out_dir, self.columns, self.held = out_dir, columns or {}, dict(held or {})
        self.names = tuple(n for n in names if n not in self.held)
        for name in self.names:
            parquet_file(out_dir, name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self.held:
            return self.held[name]
        if name not in self.names:
            raise KeyError(name)
        return read_table(self.out_dir, name, self.columns.get(name))

    def __contains__(self, name: object) -> bool:  # without reading the table
        return name in self.held or name in self.names

    def __iter__(self):
        return iter((*self.names, *self.held))

    def __len__(self) -> int:
        return len(self.names) + len(self.held)


def read_batches(out_dir: Path, name: str, rows: int, columns: list[str] | None = None):
    """OUT/name.parquet as DataFrames of at most `rows` rows, in order (the same types and errors as
    read_table; given `columns`, only those), without reading the whole table."""
    import pyarrow as pa

    source = parquet_file(out_dir, name)
    schema = source.schema_arrow if columns is None else pa.schema([source.schema_arrow.field(c) for c in columns])
    if source.metadata.num_rows == 0:
        yield schema.empty_table().to_pandas()  # one empty batch: what follows still sees the columns
        return
    for batch in source.iter_batches(batch_size=rows, columns=columns):
        yield pa.Table.from_batches([batch], schema=schema).to_pandas()


class StoredTexts:
    """The documents' texts of an output folder, read when they are needed and not kept: a batch at a time,
    for a few documents, or as the text column of documents held without it. (The 1 GB benchmark corpus
    has 355 million characters, some 700 MB as Python strings; the analysis needs them all at once only to
    find text reuse.)"""

    BATCH = 5000  # documents read at a time

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        parquet_file(out_dir, "documents")  # a missing or damaged table is reported now, not midway

    def batches(self, doc_ids: set[str]):
        """DataFrames (doc_id, text: Python strings) of the documents in `doc_ids`, in stored order."""
        for batch in read_batches(self.out_dir, "documents", self.BATCH, ["doc_id", "text"]):
            batch = batch[batch["doc_id"].isin(doc_ids)]
            yield pd.DataFrame({name: pd.Series(batch[name].to_numpy(dtype=object), dtype=object) for name in ("doc_id", "text")})

    def __call__(self, doc_ids: set[str]) -> dict[str, str]:
        """doc_id → text of these documents (read a batch at a time: they are few)."""
        found = {}
        for batch in self.batches(doc_ids):
            found.update(zip(batch["doc_id"], batch["text"]))
        return found

    def joined(self, documents: pd.DataFrame) -> pd.DataFrame:
        """`documents` (doc_ids unique) with their text column (Python strings; missing texts as None), read a
        batch at a time: the whole column read at once was the corpus again in Arrow's buffers."""
        found = np.full(len(documents), None, dtype=object)
        place = pd.Index(documents["doc_id"])
        for batch in self.batches(set(documents["doc_id"])):
            at = place.get_indexer(batch["doc_id"])
            found[at] = [t if isinstance(t, str) else None for t in batch["text"]]
        release_memory()  # the batches' Arrow buffers go back before the texts are used
        return documents.assign(text=pd.Series(found, index=documents.index, dtype=object))


def table_rows(out_dir: Path, name: str) -> int:
    """The number of rows of OUT/name.parquet (from its footer)."""
    return parquet_file(out_dir, name).metadata.num_rows


def parquet_file(out_dir: Path, name: str):
    """OUT/name.parquet opened for reading by row groups, with read_table's errors."""
    import pyarrow.parquet as pq

    return _readable(out_dir, name, pq.ParquetFile)


def _readable(out_dir: Path, name: str, opener):
    """opener(OUT/name.parquet), with an actionable error if the table is missing or unreadable."""
    path = out_dir / f"{name}.parquet"
    if not path.exists():
        raise MissingTableError(f"{path} not found: run the stage that writes {name!r} first")
    try:
        return opener(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise MissingTableError(f"{path} is damaged ({type(exc).__name__}): run the stage that writes {name!r} again") from exc


def to_list(value: object) -> list:
    """A list cell as a Python list: a list, tuple, array, JSON-list string (CSV copies) or missing value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return json.loads(value) if value.startswith("[") else [value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def text_cell(value: object) -> str:
    """A text cell as a string: missing values (None, NaN, pd.NA) become ""."""
    return value if isinstance(value, str) else ""


def table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """A table by name, or an empty frame when the run produced none."""
    frame = tables.get(name)
    return frame if frame is not None else pd.DataFrame()
