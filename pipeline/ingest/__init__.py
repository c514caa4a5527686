"""Ingest stage: raw files in a corpus folder → manifest and clean, simplified documents."""

from __future__ import annotations

import itertools
import json
import logging
import pickle
import tempfile
from dataclasses import dataclass, replace
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from pipeline.executor import Executor, map_each, map_lazily, value_of
from pipeline.progress import bar
from pipeline.schema import check_table, empty_table

from .boilerplate import RecurringLines
from .dedup import DuplicateIndex, Signature, doc_hash, signature
from .language import not_chinese
from .pages import Page, clean_page, prepare_page
from .readers import DEFAULT_COLUMNS, Entry, RawRecord, discover, has_entries, is_sidecar, read_path
from .sidecars import join, manifest_row, read_sidecar

log = logging.getLogger(__name__)

# A short line on this many different pages (and on ≥ RECURRING_SHARE of them) is site chrome.
RECURRING_MIN_PAGES = 3
RECURRING_SHARE = 0.02


class CorpusError(RuntimeError):
    """The corpus folder cannot be used at all (missing, not a folder, or empty)."""


@dataclass(frozen=True)
class IngestTables:
    """What ingest hands to the next stage."""

    manifest: pd.DataFrame
    documents: pd.DataFrame
    places: pd.DataFrame


def ingest(corpus: Path, resources, progress: bool = False, metadata: Path | None = None,
           executor: Executor | None = None, batch_files: int | None = None) -> IngestTables:
    """Read every file under `corpus` and return the manifest, documents and place mentions.

    `metadata`: a sidecar table outside the corpus (see sidecars.py); those inside are found by name.
    `executor`: where the per-file, per-page and per-document steps run (this process when None); the
    tables are the same whatever runs them, and whatever the batch size (see IngestStream).
    """
    stream = IngestStream(corpus, resources, progress, metadata, executor, batch_files)
    documents, places = [], []
    for docs, mentions in stream.batches():
        documents.append(docs)
        places.append(mentions)
    return IngestTables(stream.manifest(), check_table(concat(documents, "documents"), "documents"), concat(places, "places"))


BATCH_FILES = 2000  # files read, cleaned and written at a time: memory follows the batch, not the corpus


def concat(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    """The batches' rows as one table (the contract's empty table when there are none)."""
    frames = [f for f in frames if len(f)]
    # a column all None in one batch is object there: infer again, as one table of every row would be
    return pd.concat(frames, ignore_index=True).infer_objects() if frames else empty_table(name)


class IngestStream:
    """Ingest in batches of files, in two passes, holding one batch of texts at a time.

    Pass 1 reads and prepares each batch (decoding, main text, OpenCC, lines) and counts the chrome-like
    lines of its pages; the prepared pages wait on disk in a temporary folder (`spill`: the output folder
    in a run, whose disk the user chose for the corpus's tables). Recurring lines are site
    chrome only when seen across the whole corpus, so pass 2 starts when every page has been counted: it
    cleans each batch, signs its documents, marks duplicates against everything before (only signatures
    are kept) and attaches places, yielding the batch's documents and place mentions. The manifest comes
    last, from what each input became.
    """

    def __init__(self, corpus: Path, resources, progress: bool = False, metadata: Path | None = None,
                 executor: Executor | None = None, batch_files: int | None = None, spill: Path | None = None) -> None:
        self.corpus, self.resources, self.progress, self.executor = corpus, resources, progress, executor
        self.spill = spill  # where prepared pages wait between the passes (the system's temporary folder when None)
        self.batch_files = max(1, batch_files or BATCH_FILES)
        local = value_of(resources)
        entries = corpus_files(corpus.absolute())  # absolute paths: workers may not share our folder
        self.sidecars, self.entries = find_sidecars(entries, corpus, local.columns or DEFAULT_COLUMNS, metadata)
        self.records: list[RawRecord] = []  # without their texts
        self.matched = {s.source: 0 for s, _ in self.sidecars}
        self.failures: dict[str, str] = {}
        self.placed: list[pd.DataFrame] = []  # source, doc_id, duplicate_of of each batch's documents

    def batches(self):
        """(documents, places) of each batch of files, in corpus order."""
        with tempfile.TemporaryDirectory(prefix=".ingest-pages-", dir=self.spill) as folder:
            spilled, recurring = self._prepare_all(Path(folder))
            duplicates, ids, seen = DuplicateIndex(), [], set()
            chrome = recurring.found(_recurring_threshold(recurring.pages))
            # One map over the pages of every batch: the workers clean the next batch while this process
            # marks duplicates and writes the last one.
            finished = iter(map_lazily(self.executor, finish_one, _unspilled(spilled), recurring.pages, self.resources, chrome))
            with bar(self.progress, "documents", recurring.pages, "page") as done:
                for _, size in spilled:
                    batch = self._finish(itertools.islice(finished, size))
                    docs = mark_duplicates([f.doc for f in batch], [f.signature for f in batch], duplicates, ids, seen)
                    documents, places = placed_tables(docs, batch)
                    self.placed.append(documents[["source", "doc_id", "duplicate_of"]] if len(documents) else documents)
                    done.update(size)
                    yield documents, places

    def _prepare_all(self, folder: Path) -> tuple[list, RecurringLines]:
        """Pass 1: every batch read and prepared (in one map over all the files), its pages pickled into
        `folder` (kept as they are when there is one batch), their lines counted; (pages or their file, how
        many) of each batch."""
        spilled, recurring, sidecars = [], RecurringLines(), [s for s, _ in self.sidecars]
        prepared = iter(map_each(self.executor, read_prepare_one, self.entries, self.resources, self.corpus, sidecars))
        with bar(self.progress, "read", len(self.entries), "file") as done:
            for k in range(0, len(self.entries), self.batch_files):
                batch, pages = self.entries[k : k + self.batch_files], []
                for records, found, matched in itertools.islice(prepared, len(batch)):
                    self.records.extend(records)
                    for source, n in matched.items():
                        self.matched[source] += n
                    pages.extend(found)
                for page in pages:
                    recurring.add(page.lines)
                if len(self.entries) <= self.batch_files:  # one batch: nothing to wait for, keep it
                    spilled.append((pages, len(pages)))
                else:
                    spilled.append((folder / f"{len(spilled):06d}.pickle", len(pages)))
                    with spilled[-1][0].open("wb") as f:
                        pickle.dump(pages, f, protocol=pickle.HIGHEST_PROTOCOL)
                done.update(len(batch))
        return spilled, recurring

    def _finish(self, finished: Iterable[tuple[list[Finished], str, str | None]]) -> list[Finished]:
        """The documents of a batch of pages, signed and placed (failures noted for the manifest)."""
        out = []
        for docs, source, failure in finished:
            out.extend(docs)
            if failure:
                self.failures[source] = failure
        return out

    def manifest(self) -> pd.DataFrame:
        """One row per input once every batch is done, the sidecar tables' own rows last."""
        manifest = build_manifest(self.records, concat(self.placed, "documents"), self.failures)
        own = [manifest_row(s, self.matched[s.source], size) for s, size in self.sidecars if size is not None]
        if own:
            manifest = pd.concat([manifest, pd.DataFrame(own, columns=manifest.columns)], ignore_index=True)
        return check_table(manifest, "manifest")


def _unspilled(spilled: list) -> Iterator[Page]:
    """The pages of each batch in turn, read back from the temporary folder when they were put there."""
    for pages, _ in spilled:
        if isinstance(pages, Path):
            with pages.open("rb") as f:
                path, pages = pages, pickle.load(f)
            path.unlink()
        yield from pages


def read_prepare_one(entry: Entry, resources, corpus: Path, sidecars: list) -> tuple[list[RawRecord], list[Page], dict[str, int]]:
    """Pass 1 for one corpus entry, in one trip to a worker: its records (without their texts, for the
    manifest), the pages of those that could be read, and how many records each sidecar table matched."""
    records, matched = join(read_entry(entry, corpus, resources.columns or DEFAULT_COLUMNS), sidecars)
    pages = [prepare_page(r, resources.converter, resources.protected) for r in records if r.reason is None]
    return [replace(r, text=None) for r in records], pages, matched


class Finished(NamedTuple):
    """One clean document of pass 2 with its duplicate-detection signature, the place it is about
    (PLACE_COLUMNS) and its place mentions (without doc_id, which marking duplicates may still change)."""

    doc: dict
    signature: Signature
    place: dict
    mentions: list[dict]


def finish_one(page: Page, resources, recurring: frozenset[str]) -> tuple[list[Finished], str, str | None]:
    """Pass 2 for one page, in one trip to a worker: its documents, each signed and placed, its source, and
    why the page yields none when that is a failure. (Cleaning, signing and placing in three trips sent
    every text to the workers three times, and each trip waited for the slowest page of the batch.)"""
    docs, failure = clean_one(page, resources, recurring)
    return [Finished(doc, signature(doc["text"]), *place_of(doc, resources)) for doc in docs], page.source, failure


def clean_one(page: Page, resources, recurring: frozenset[str]) -> tuple[list[dict], str | None]:
    """The Chinese documents of one page, and why the page yields none when that is a failure."""
    if page.reason:  # an HTML page that is no article
        return [], page.reason
    try:
        cleaned = clean_page(page, resources.boilerplate, recurring, resources.split_cues)
    except Exception as exc:  # a bad document must never stop the run
        log.warning("cleaning %s failed: %s", page.source, exc)
        return [], f"cleaning failed: {type(exc).__name__}: {exc}"
    chinese = [d for d in cleaned if not_chinese(d["text"]) is None]
    return chinese, not_chinese(cleaned[0]["text"]) if cleaned and not chinese else None


def find_sidecars(entries: list[Entry], corpus: Path, columns: dict, metadata: Path | None) -> tuple[list, list[Entry]]:
    """((sidecar, bytes or None when outside the corpus) …, the entries left to read as documents)."""
    given = metadata.resolve() if metadata is not None else None
    sidecars, rest = [], []
    for entry in entries:
        explicit = given is not None and entry.problem is None and entry.path.resolve() == given
        found = read_sidecar(entry.path, entry.source, columns, named=not explicit) \
            if entry.problem is None and (explicit or is_sidecar(entry.path)) else None
        if found is None:
            rest.append(entry)
        else:
            sidecars.append((found, entry.path.stat().st_size))
    if given is not None and not any(entry.path.resolve() == given for entry in entries if entry.problem is None):
        sidecars.append((read_sidecar(given, str(metadata), columns, named=False), None))
    return sidecars, rest


def check_corpus(corpus: Path, entries: list[Entry] | None = None) -> None:
    """CorpusError when the corpus folder is missing or holds nothing to read (`entries`: its listing, when
    made; otherwise the folder is read only up to its first entry)."""
    if not corpus.is_dir():
        raise CorpusError(f"corpus folder {corpus} does not exist or is not a folder")
    if not (entries if entries is not None else has_entries(corpus)):
        raise CorpusError(f"corpus folder {corpus} holds no input files")


def corpus_files(corpus: Path) -> list[Entry]:
    """The corpus's entries, or CorpusError when there is nothing to read."""
    entries = discover(corpus) if corpus.is_dir() else []
    check_corpus(corpus, entries)
    return entries


def read_entry(entry: Entry, corpus: Path, columns: dict | None = None) -> list[RawRecord]:
    """The records of one corpus entry; an entry that cannot be read is one rejected record."""
    if entry.problem is not None:
        return [RawRecord(entry.source, "unknown", None, None, 0, reason=entry.problem)]
    return read_path(entry.path, corpus, entry.source, columns)


def _recurring_threshold(n_pages: int) -> int:
    """How many pages a line must appear on to count as chrome."""
    return max(RECURRING_MIN_PAGES, int(n_pages * RECURRING_SHARE))



def mark_duplicates(docs: list[dict], signatures: list[Signature] | None = None, index: DuplicateIndex | None = None,
                    ids: list[str] | None = None, seen: set[str] | None = None) -> list[dict]:
    """Set duplicate_of on exact and near duplicates and make doc_ids unique.

    For a corpus in batches, pass the same `index`, `ids` (doc_ids so far, in order) and `seen` (the same,
    as a set) with every batch: documents are compared with those of earlier batches too.
    """
    index = index if index is not None else DuplicateIndex()
    ids = ids if ids is not None else []
    seen = seen if seen is not None else set()
    signatures = signatures if signatures is not None else [signature(d["text"]) for d in docs]
    out = []
    for doc, sign in zip(docs, signatures):
        doc_id = doc["doc_id"]
        if doc_id in seen:  # the same clean text twice: keep ids unique and stable
            doc_id = f"{doc_id}-{doc_hash(doc['source'] + '#' + str(doc['part']))[:6]}"
        seen.add(doc_id)
        first = index.add(sign)
        ids.append(doc_id)
        out.append({**doc, "doc_id": doc_id, "duplicate_of": ids[first] if first is not None else None})
    return out


PLACE_COLUMNS = ("province", "prefecture", "county", "adcode", "place_level", "place_confidence", "place_conflict")


def placed_tables(docs: list[dict], finished: list[Finished]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents (marked for duplicates) with the place they are about, and every place mention with its span."""
    rows = [{**doc, **f.place, "metadata": json.dumps(doc["metadata"], ensure_ascii=False)} for doc, f in zip(docs, finished)]
    mentions = [{"doc_id": doc["doc_id"], **m} for doc, f in zip(docs, finished) for m in f.mentions]
    documents = pd.DataFrame(rows) if rows else empty_table("documents")
    places = pd.DataFrame(mentions) if mentions else empty_table("places")
    return documents, places


def place_of(doc: dict, resources) -> tuple[dict, list[dict]]:
    """The place a document is about (PLACE_COLUMNS) and its place mentions."""
    from pipeline.places import document_place, find_mentions, known_units

    gazetteer, title = resources.gazetteer, doc["title"] or ""
    titled = find_mentions(title, gazetteer)  # read by both: the title is scanned once
    found = find_mentions(doc["text"], gazetteer, known_units(title, doc["metadata"], gazetteer, titled))
    place = document_place(title, doc["text"], doc["source_unit"], found, gazetteer, doc["metadata"], titled)
    return {c: place.get(c) for c in PLACE_COLUMNS}, found


def build_manifest(records: list[RawRecord], documents: pd.DataFrame, failures: dict[str, str]) -> pd.DataFrame:
    """One row per input file (or CSV/JSONL row) with its status, reason and documents."""
    # plain lists by source: pandas groups (one frame per source) took 2 s per 7,000 inputs
    by_source: dict[str, list[tuple[str, object]]] = {}
    if len(documents):
        for source, doc_id, duplicate_of in zip(documents["source"], documents["doc_id"], documents["duplicate_of"]):
            by_source.setdefault(source, []).append((doc_id, duplicate_of))
    rows = [_manifest_row(record, by_source.get(record.source), failures.get(record.source)) for record in records]
    return pd.DataFrame(rows, columns=["source", "status", "reason", "doc_ids", "encoding", "bytes", "kind"])


def _manifest_row(record: RawRecord, docs: list[tuple[str, object]] | None, failure: str | None) -> dict:
    """The manifest row of one record; `docs`: (doc_id, duplicate_of) of its documents."""
    row = {"source": record.source, "encoding": record.encoding, "bytes": record.bytes, "kind": record.kind, "doc_ids": []}
    if record.reason or failure or docs is None:
        return {**row, "status": "rejected", "reason": record.reason or failure or "no text left after cleaning"}
    ids = [doc_id for doc_id, _ in docs]
    if len(ids) > 1:
        n_dup = sum(bool(pd.notna(duplicate_of)) for _, duplicate_of in docs)
        return {**row, "status": "split", "reason": f"compilation of {len(ids)} articles ({n_dup} duplicates)", "doc_ids": ids}
    dup = docs[0][1]
    if pd.notna(dup):
        return {**row, "status": "duplicate", "reason": f"duplicate of {dup}", "doc_ids": ids}
    return {**row, "status": "accepted", "reason": None, "doc_ids": ids}
