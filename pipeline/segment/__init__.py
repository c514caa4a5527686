"""Segment stage: documents → measures (a tree), statistics, slogans and models, as spans."""

from __future__ import annotations

import bisect
import collections
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pandas as pd

from pipeline.executor import Executor, map_lazily
from pipeline.io import text_cell
from pipeline.progress import progress as progress_bar
from pipeline.schema import check_table, empty_table
from pipeline.segment.budget import BudgetExceeded, time_budget
from pipeline.segment.indicators import DocumentContext, describe, subject_level, with_defaults
from pipeline.segment.measures import TooDense
from pipeline.segment.numbers import START
from pipeline.segment.tables import outside_tables, table_statistics

log = logging.getLogger(__name__)

SPAN_TABLES = ("measures", "statistics", "slogans", "models")
MAX_DOCUMENT_CHARS = 5_000_000  # a single "document" longer than this is a dump, not a report
DOCUMENT_SECONDS = 120.0  # per-document time budget (linear extractors need ~1 s per MB)
MAX_NUMERALS = 50_000  # a long report holds a few thousand; more is a dump of figures or noise
# what _safe_segment reads of a document: only these travel to a worker (a row has some thirty cells)
WORK_COLUMNS = ("doc_id", "title", "text", "place_level", "date", "province", "prefecture", "county")


@dataclass(frozen=True)
class SegmentTables:
    """What segment hands to the next stage (documents gain count-check columns)."""

    documents: pd.DataFrame
    measures: pd.DataFrame
    statistics: pd.DataFrame
    slogans: pd.DataFrame
    models: pd.DataFrame


def segment(documents: pd.DataFrame, resources, progress: bool = False, places: pd.DataFrame | None = None,
            executor: Executor | None = None) -> SegmentTables:
    """Segment every non-duplicate document; a failing document is logged and flagged.

    `places`: the place mentions of ingest, which tell whose figure a statistic is (巴中市已回引419名).
    `executor`: where the documents are segmented (this process when None); the tables are the same.
    """
    return next(segment_batches([documents], resources, places, executor, len(documents), progress))


def segment_batches(batches: Iterable[pd.DataFrame], resources, places: pd.DataFrame | None = None,
                    executor: Executor | None = None, length: int = 0, progress: bool = False) -> Iterator[SegmentTables]:
    """segment() of each batch of documents in turn, all in one map (`length`: about how many documents
    there are): the workers segment the next batch while the caller writes the tables of the last."""
    feed = _Feed(iter(batches), places)
    found = iter(progress_bar(map_lazily(executor, segment_one, feed.items(), length, resources), progress, "segment"))
    while (batch := feed.next_batch()) is not None:
        documents, n = batch
        rows: dict[str, list[dict]] = {name: [] for name in SPAN_TABLES}
        flags = []
        for spans, flag in itertools.islice(found, n):
            flags.append(flag)
            for name in SPAN_TABLES:
                rows[name].extend(spans.get(name, []))
        tables = {name: _frame(rows[name], name) for name in SPAN_TABLES}
        yield SegmentTables(documents=_with_flags(documents, flags), **tables)


class _Feed:
    """Batches of documents read one at a time, for a map that takes their documents as it needs them and
    for the reader of its results, who takes each batch (with how many of its documents were sent) in turn."""

    def __init__(self, batches: Iterator[pd.DataFrame], places: pd.DataFrame | None):
        self.batches = batches
        # grouped once: filtering the whole table for each batch's documents took 0.4 s of 50 MB
        self.mentions = mentions_by_document(places)
        self.waiting: collections.deque = collections.deque()  # work items not yet taken by the map
        self.read: collections.deque = collections.deque()  # (documents, items sent) not yet taken by the reader

    def _load(self) -> bool:
        """Read the next batch, if there is one."""
        documents = next(self.batches, None)
        if documents is None:
            return False
        check_table(documents, "documents")
        originals = documents.loc[documents["duplicate_of"].isna(), list(WORK_COLUMNS)]
        # rows from the columns' lists: to_dict("records") reads Arrow text cells one at a time
        rows = (dict(zip(WORK_COLUMNS, cells)) for cells in zip(*(originals[c].tolist() for c in WORK_COLUMNS)))
        work = [(doc, self.mentions.get(doc["doc_id"], ())) for doc in rows]
        self.waiting.extend(work)
        self.read.append((documents, len(work)))
        return True

    def items(self) -> Iterator[tuple[dict, tuple]]:
        """The work items of every batch, read as they are asked for."""
        while self.waiting or self._load():
            while self.waiting:
                yield self.waiting.popleft()

    def next_batch(self) -> tuple[pd.DataFrame, int] | None:
        """The next batch for the reader (read now if the map has not asked for it yet), None after the last."""
        if self.read or self._load():
            return self.read.popleft()
        return None


def segment_one(work: tuple[dict, tuple], resources) -> tuple[dict, dict]:
    """_safe_segment of one (document, its resolved place mentions)."""
    doc, places = work
    return _safe_segment(doc, resources, places)


def segment_document(
    doc_id: str, title: str, text: str, resources, context: DocumentContext | None = None
) -> tuple[dict[str, list[dict]], dict]:
    """Spans of one document (pure: a function of the document and read-only resources)."""
    from .measures import count_check, extract_measures
    from .models import extract_models
    from .slogans import extract_slogans
    from .statistics import extract_statistics

    measures = _globalise(extract_measures(text, resources.section_kinds, resources.lead_openers, title), doc_id)
    locate = measure_locator(measures)
    slogans = extract_slogans(text)
    context = context or DocumentContext()
    numerals = len(START.findall(text))
    if numerals > MAX_NUMERALS:
        raise TooDense(f"{numerals} numerals (limit {MAX_NUMERALS}): statistics not read")
    in_tables = table_statistics(text, resources.units)
    statistics = outside_tables(extract_statistics(text, resources.units, slogans, resources.number_names), in_tables)
    statistics = describe(text, statistics, resources.statistic_frames, context, section_lookup(measures, locate))
    statistics += [with_defaults(s, resources.statistic_frames, context) for s in in_tables]
    found = {
        "measures": measures,
        "statistics": sorted(statistics, key=lambda s: s["start"]),
        "slogans": slogans,
        "models": extract_models(text, resources.model_synonyms, resources.model_actors),
    }
    for name in ("statistics", "slogans", "models"):
        found[name] = [{"doc_id": doc_id, "measure_id": locate(r["start"], r["end"]), **r} for r in found[name]]
    flag = {"doc_id": doc_id, **count_check(title, measures), "segment_error": None}
    return found, flag


def mentions_by_document(places: pd.DataFrame | None) -> dict[str, tuple[tuple[int, int, str], ...]]:
    """(start, end, level) of each document's resolved place mentions."""
    if places is None or places.empty:
        return {}
    resolved = places[places["level"].notna()]
    grouped: dict[str, list[tuple[int, int, str]]] = {}
    columns = (resolved[c].tolist() for c in ("doc_id", "start", "end", "level"))
    for doc_id, start, end, level in zip(*columns):
        grouped.setdefault(doc_id, []).append((int(start), int(end), str(level)))
    return {doc_id: tuple(sorted(rows)) for doc_id, rows in grouped.items()}


# what segment reads of the places table (mentions_by_document)
MENTION_COLUMNS = ("doc_id", "start", "end", "level")


def _safe_segment(doc: dict, resources, places: tuple[tuple[int, int, str], ...] = ()) -> tuple[dict, dict]:
    """segment_document, with a failure recorded on the document instead of raised.

    A document longer than MAX_DOCUMENT_CHARS, or one that takes more than DOCUMENT_SECONDS, becomes a
    flagged row ("too large to segment", "too slow to segment") instead of stalling the run.
    """
    size = len(text_cell(doc["text"]))
    if size > MAX_DOCUMENT_CHARS:
        return {}, {"doc_id": doc["doc_id"], "segment_error": f"too large to segment: {size} characters (limit {MAX_DOCUMENT_CHARS})"}
    try:
        text, title = text_cell(doc["text"]), text_cell(doc.get("title"))
        place_level = text_cell(doc.get("place_level")) or None
        subject = subject_level(title, text, resources.statistic_frames, own_place(doc, place_level))
        context = DocumentContext(place_level, year_of(doc.get("date")), subject, places, month_of(doc.get("date")))
        with time_budget(DOCUMENT_SECONDS):
            return segment_document(doc["doc_id"], text_cell(doc.get("title")), text_cell(doc["text"]), resources, context)
    except TooDense as exc:
        log.warning("%s not segmented: %s", doc["doc_id"], exc)
        return {}, {"doc_id": doc["doc_id"], "segment_error": f"too dense to segment: {exc}"}
    except BudgetExceeded:
        log.warning("segmenting %s took over %s s; flagged", doc["doc_id"], DOCUMENT_SECONDS)
        return {}, {"doc_id": doc["doc_id"], "segment_error": f"too slow to segment: over {DOCUMENT_SECONDS} s ({size} characters)"}
    except Exception as exc:  # a bad document must never stop the run
        log.warning("segmenting %s failed: %s", doc["doc_id"], exc)
        return {}, {"doc_id": doc["doc_id"], "segment_error": f"{type(exc).__name__}: {exc}"}


def own_place(doc: dict, place_level: str | None) -> tuple[str, str] | None:
    """(name, level) of the place a document is about (北京市, province), from its place columns; None when
    it has none or is national."""
    name = text_cell(doc.get(place_level)) if place_level in ("province", "prefecture", "county") else ""
    return (name, place_level) if name else None


def year_of(date: object) -> int | None:
    """The year of an ISO date cell (2019, 2019-03, 2019-03-05), else None."""
    text = text_cell(date)
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None


def month_of(date: object) -> int | None:
    """The month of an ISO date cell (2019-03, 2019-03-05), else None (2019, or no date)."""
    text = text_cell(date)
    return int(text[5:7]) if len(text) >= 7 and text[4] == "-" and text[5:7].isdigit() else None


def section_lookup(measures: list[dict], locate) -> Callable[[int], tuple[str | None, int]]:
    """A function offset → (section kind, start of the top-level measure) of the measure holding it."""
    by_id = {m["measure_id"]: m for m in measures}

    def root(measure: dict) -> dict:
        while measure.get("parent_id") in by_id:
            measure = by_id[measure["parent_id"]]
        return measure

    def section_of(start: int) -> tuple[str | None, int]:
        found = locate(start, start)
        if found is None:
            return None, 0
        return by_id[found]["section_kind"], root(by_id[found])["start"]

    return section_of


def _globalise(measures: list[dict], doc_id: str) -> list[dict]:
    """Prefix local measure ids with the document id so they are unique corpus-wide."""
    def gid(local: str | None) -> str | None:
        return f"{doc_id}:{local}" if local else None

    return [{"doc_id": doc_id, **m, "measure_id": gid(m["measure_id"]), "parent_id": gid(m.get("parent_id"))} for m in measures]


def measure_locator(measures: list[dict]):
    """A function (start, end) → id of the innermost measure whose span contains it.

    Measures nest, so the innermost one holding a span is the last measure starting at or before it, or
    one of that measure's ancestors: a lookup walks up the tree (its depth) instead of scanning every item.
    """
    ordered = sorted(measures, key=lambda m: (m["start"], -m["end"]))
    starts = [m["start"] for m in ordered]
    by_id = {m["measure_id"]: m for m in measures}

    def locate(start: int, end: int) -> str | None:
        index = bisect.bisect_right(starts, start) - 1
        measure = ordered[index] if index >= 0 else None
        while measure is not None and not (measure["start"] <= start and end <= measure["end"]):
            measure = by_id.get(measure.get("parent_id"))
        return measure["measure_id"] if measure else None

    return locate


def _frame(rows: list[dict], name: str) -> pd.DataFrame:
    """A contract-checked table from rows (an empty one with the columns when there are none)."""
    return check_table(pd.DataFrame(rows) if rows else empty_table(name), name)


def _with_flags(documents: pd.DataFrame, flags: list[dict]) -> pd.DataFrame:
    """Documents with count-check and error columns (duplicates inherit their original's)."""
    extra = pd.DataFrame(flags) if flags else pd.DataFrame({"doc_id": pd.Series(dtype=object)})
    extra["doc_id"] = extra["doc_id"].astype(documents["doc_id"].dtype)
    drop = [c for c in extra.columns if c != "doc_id" and c in documents.columns]
    merged = documents.drop(columns=drop).merge(extra, on="doc_id", how="left")
    if "count_mismatch" in merged:
        merged["count_mismatch"] = merged["count_mismatch"].fillna(False).astype(bool)
    return merged
