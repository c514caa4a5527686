"""Analyze stage: practice clusters, model recurrence, regional comparison, county statistics, figures, report."""
from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline.progress import step

from pipeline.analyze.tokens import (AnalyzeResources, DocTokens, doc_tokens, load_analyze_resources, make_tokenizer,
                                     tokenize)

if TYPE_CHECKING:
    from pipeline.io import StoredTexts
    from pipeline.tokenizer import Tokenizer

    from pipeline.executor import Executor

logger = logging.getLogger(__name__)

__all__ = ["AnalyzeParams", "AnalyzeResources", "analyze", "analysis_tables", "load_analyze_resources",
           "make_tokenizer", "tokenize"]

TABLE_NAMES = ("practice_clusters", "clusters", "cluster_diagnostics", "model_recurrence", "regions", "region_clusters", "region_terms",
               "county_statistics", "reuse", "common_formulas", "diffusion", "reuse_counties")


@dataclass(frozen=True)
class AnalyzeParams:
    """Tunable parameters of the analysis tables (defaults suit a corpus of tens to thousands of documents)."""

    random_state: int = 0
    k_range: tuple[int, int] | None = None
    max_k: int = 30
    min_prefecture_docs: int = 3
    min_region_tokens: int = 2000
    alpha0: float = 1000.0
    n_region_terms: int = 30
    min_stat_documents: int = 2
    make_figures: bool = True


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """An input table, or an empty one with the contract columns when the stage produced none."""
    if name in tables:
        return tables[name]
    columns = {"measures": ["doc_id", "measure_id", "parent_id", "heading", "text", "start", "end", "section_kind"],
               "statistics": ["doc_id", "measure_id", "text", "value", "value_high", "unit", "qualifier", "indicator",
                              "indicator_norm", "level", "period", "kind", "start", "end"],
               "models": ["doc_id", "measure_id", "surface", "components", "canonical", "kind", "numeric", "start", "end"]}
    return pd.DataFrame(columns=columns[name])


def tokenize_documents(documents: pd.DataFrame, tokenizer: "Tokenizer", stopwords: frozenset[str],
                       executor: "Executor | None" = None, userdict: Path | None = None) -> dict[str, DocTokens]:
    """Content tokens with offsets for every document (tokenised once, reused by clusters and regions), one
    string object per distinct word across the corpus.

    With an executor of several workers and the `userdict` that `tokenizer` was built from, the documents are
    tokenised in the workers, each building its own tokenizer once (a tokenizer does not pickle).
    """
    from pipeline.executor import Shared, map_each

    texts = [t if isinstance(t, str) else "" for t in documents["text"]]
    vocabulary: dict[str, str] = {}
    if executor is None or executor.workers <= 1 or userdict is None:
        return {d: doc_tokens(t, tokenizer, stopwords, vocabulary) for d, t in zip(documents["doc_id"], texts)}
    shared = Shared((tokenizer, stopwords), tokenizer_with_stopwords, (Path(userdict).absolute(), stopwords))
    found = {d: tokens.shared(vocabulary) for d, tokens in zip(documents["doc_id"], map_each(executor, tokens_of, texts, shared))}
    executor.rest()
    return found


def tokenizer_with_stopwords(userdict: Path, stopwords: frozenset[str]) -> tuple["Tokenizer", frozenset[str]]:
    """A worker's tokenizer and stopwords, built from the user dictionary."""
    return make_tokenizer(userdict), stopwords


def tokens_of(text: str, shared: tuple["Tokenizer", frozenset[str]]) -> DocTokens:
    """doc_tokens of one text with a worker's (tokenizer, stopwords); a word repeated in the text travels once."""
    tokenizer, stopwords = shared
    return doc_tokens(text, tokenizer, stopwords)


ANALYSIS_CHUNK = 5000  # documents whose measures' rows are made at a time (see _work)


def analysis_features(documents: "pd.DataFrame | Iterable[pd.DataFrame]", practice: pd.DataFrame, tokenizer: "Tokenizer", stopwords: frozenset[str],
                      executor: "Executor | None" = None, userdict: Path | None = None,
                      n_documents: int | None = None) -> tuple[list[list[str]], tuple]:
    """What the analysis needs of the documents' words, each document tokenised once: the token list of each
    practice measure (in `practice` order, see measure_features) and each document's word counts.

    `documents`: a table with their texts, or its batches (doc_id, text) in any order (`n_documents`: how
    many there are, when known, which sets the size of the work sent to a worker at a time).

    The tokens themselves are dropped document by document (in the workers when an executor of several
    is given): a corpus of 200 MB holds some 20 million of them. The documents stream through one map, their
    measures' rows made a chunk at a time, and the counts are kept as one sparse matrix, so that a corpus of
    1 GB does not hold a dictionary per document.
    """
    from pipeline.analyze.regions import WordCounts
    from pipeline.executor import Shared, batched_lazily

    needed = practice[[c for c in ("doc_id", "heading", "text", "start", "end") if c in practice.columns]]
    by_doc: dict[str, list[int]] = {}
    for n, doc_id in enumerate(needed["doc_id"].tolist()):
        by_doc.setdefault(doc_id, []).append(n)
    pooled = executor is not None and executor.workers > 1 and userdict is not None
    shared = Shared((tokenizer, stopwords), tokenizer_with_stopwords, (Path(userdict).absolute(), stopwords)) if pooled else None
    sent: collections.deque[str] = collections.deque()  # doc ids of the work taken so far and not yet read back
    length = len(documents) if isinstance(documents, pd.DataFrame) else n_documents or ANALYSIS_CHUNK
    batches = batched_lazily(_work(documents, needed, by_doc, sent), length, executor.workers if pooled else 1)
    found = executor.map_batches(words_of_batch, batches, shared) if pooled \
        else (words_of_batch(items, (tokenizer, stopwords)) for items in batches)
    features: list[list[str]] = [[] for _ in range(len(needed))]
    counts = WordCounts()
    for coded in (c for results in found for c in results):
        columns = counts.columns_of(coded.words)
        words = list(map(counts.words.__getitem__, columns.tolist()))  # one string object per distinct word
        for measures, ids, n in coded.documents:
            doc_id = sent.popleft()
            for k, tokens in zip(by_doc.get(doc_id, []), measures):
                features[k] = list(map(words.__getitem__, tokens.tolist()))
            counts.add_columns(doc_id, columns[ids], n)
    if pooled:
        executor.rest()  # the workers' tokenizers are not needed again: their memory goes back before clustering
    else:
        vars(_WORD_CODES).pop("table", None)  # this process's word table is not needed again either
    return features, counts.matrix(release=True)  # the matrix alone is kept, built as the counts are dropped


def _work(documents: "pd.DataFrame | Iterable[pd.DataFrame]", needed: pd.DataFrame, by_doc: dict[str, list[int]],
          sent: "collections.deque[str]") -> "Iterator[tuple[str, list[dict]]]":
    """(text, its practice measures' rows) of every document, taken as the workers need them, each one's
    doc_id appended to `sent`. One map over all of them: a map per chunk left the workers idle while it
    ended and the next chunk was read (a sixth of their time at 200 MB)."""
    for batch in _batches(documents):
        chunk = batch["doc_id"].tolist()
        # the measures' rows are made for one chunk at a time: as a dictionary each, the practice measures
        # of the whole corpus took 417 bytes apiece (measured at 50 MB; 650,000 of them at 1 GB)
        numbers = [n for d in chunk for n in by_doc.get(d, [])]
        rows = dict(zip(numbers, _records(needed.iloc[numbers])))
        for doc_id, text in zip(chunk, batch["text"]):
            sent.append(doc_id)
            yield text if isinstance(text, str) else "", [rows[n] for n in by_doc.get(doc_id, [])]


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows of a table as dictionaries, as to_dict("records") makes them, from each column's list
    (to_dict read the Arrow-backed text columns a cell at a time)."""
    columns = list(frame.columns)
    return [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]


def _batches(documents: "pd.DataFrame | Iterable[pd.DataFrame]") -> "Iterator[pd.DataFrame]":
    """The documents (doc_id, text) ANALYSIS_CHUNK at a time: slices of a table, or the batches given."""
    if not isinstance(documents, pd.DataFrame):
        yield from documents
        return
    for k in range(0, len(documents), ANALYSIS_CHUNK):
        yield documents.iloc[k : k + ANALYSIS_CHUNK]


@dataclass(frozen=True)
class CodedWords:
    """The words of a batch of documents, each distinct word once: `words`, and for each document (the token
    numbers of each of its practice measures, the numbers of its distinct words, their counts), numbers
    being places in `words`. Sent back from a worker, a word had been a string per document that held it
    and the counts a dictionary each: reading them took the caller 24.7 s of CPU at 200 MB."""

    words: list[str]
    documents: list[tuple[list[np.ndarray], np.ndarray, np.ndarray]]


def words_of_batch(items: list[tuple[str, list[dict]]], shared: tuple["Tokenizer", frozenset[str]], args: tuple = ()) -> list[CodedWords]:
    """The words of a batch of (text, its practice measures' rows): each measure's heading and text tokens
    (measure_tokens) and the document's content words, coded as CodedWords (one, in a list: a map's result
    for a batch). The words are numbered as they are cut (see WordCodes), in a table this
    thread keeps from batch to batch; the batch's own numbers are the places of its words in `words`."""
    from pipeline.analyze.tokens import coded_tokens

    tokenizer, stopwords = shared
    table = word_codes(stopwords)
    found = []
    for text, measures in items:
        tokens = coded_tokens(text, tokenizer, table)
        found.append((tokens.codes, [measure_codes(row, text, tokens, tokenizer, table) for row in measures]))
    used = np.unique(np.concatenate([codes for doc, measures in found for codes in (doc, *measures)] or [np.zeros(0, np.int32)]))
    documents = []
    for doc, measures in found:
        distinct, n = np.unique(doc, return_counts=True)
        documents.append(([np.searchsorted(used, codes).astype(np.int32) for codes in measures],
                          np.searchsorted(used, distinct).astype(np.int32), n.astype(np.int32)))
    return [CodedWords(list(map(table.words.__getitem__, used.tolist())), documents)]


_WORD_CODES = threading.local()  # a Dask worker may run several batches at once, each in a thread


def word_codes(stopwords: frozenset[str]) -> "WordCodes":
    """This thread's WordCodes under these stopwords, started again when it has grown full (between
    batches only: a batch's numbers hold until it is coded)."""
    from pipeline.analyze.tokens import WordCodes

    table = getattr(_WORD_CODES, "table", None)
    if table is None or table.stopwords != stopwords or table.full():
        table = _WORD_CODES.table = WordCodes(stopwords)
    return table


def measure_codes(row: Mapping, text: str, tokens, tokenizer: "Tokenizer", table: "WordCodes") -> np.ndarray:
    """measure_tokens of one measure as numbers of `table`: cut from the document's coded tokens when its
    offsets hold, else its heading and text tokenised on their own."""
    from pipeline.analyze.clusters import heading_start, measure_tokens

    pos = heading_start(text, row)
    if pos is None:
        return table.codes(measure_tokens(row, text, None, tokenizer, table.stopwords))
    return np.concatenate([tokens.between(pos, pos + len(row["heading"])), tokens.between(int(row["start"]), int(row["end"]))])


def analysis_tables(tables: Mapping[str, pd.DataFrame], resources: AnalyzeResources,
                    params: AnalyzeParams | None = None, tokenizer: "Tokenizer | None" = None,
                    workers: int = 1, executor: "Executor | None" = None, passage_texts: bool = True,
                    texts: "StoredTexts | None" = None, isolate: bool = False) -> dict[str, pd.DataFrame]:
    """All analysis tables (no figures, no report) from the segment-stage tables; `workers` processes align
    the candidate pairs of text reuse, `executor` tokenises the documents when no tokenizer is given (the
    tables are the same for any number). Without `passage_texts`, reuse comes without its text columns
    (see find_reuse).

    `texts`: where the documents' texts are read when tables["documents"] come without them (a run's
    output folder): a batch at a time to tokenise, all at once only for text reuse. With `isolate`, the
    word tables (tokenise, regions, clusters) are made in a child process (see in_child; not when a
    tokenizer is given): what they held goes back to the system when it ends, instead of staying scattered
    in this process's heap."""
    from pipeline.analyze.county_stats import county_statistics
    from pipeline.analyze.recurrence import model_recurrence
    from pipeline.analyze.reuse import diffusion, find_reuse, measures_locator, with_measures
    from pipeline.analyze.sentences import unique_documents
    from pipeline.executor import in_child

    params = params or AnalyzeParams()
    docs = unique_documents(tables["documents"])
    arguments = (docs, tables, resources, params, tokenizer, workers, executor, texts)
    # a tokenizer does not pickle: in a child, the resources' own is built there
    out = in_child(word_tables, *arguments) if isolate and tokenizer is None else word_tables(*arguments)
    if texts is not None and "text" not in docs.columns:
        docs = texts.joined(docs)
    with step("text reuse", logger):
        # the measures are located once the passages are found: the locator of every measure (79 MB at
        # 200 MB) is not held through the alignment
        reuse, formulas = find_reuse(docs, None, resources.formulas, workers, with_texts=passage_texts)
        reuse = with_measures(reuse, measures_locator(_table(tables, "measures")))
        edges, degrees = diffusion(reuse, docs)
    out = {**out, "model_recurrence": model_recurrence(docs, _table(tables, "models")),
           "county_statistics": county_statistics(docs, _table(tables, "statistics"), params.min_stat_documents),
           "reuse": reuse, "common_formulas": formulas, "diffusion": edges, "reuse_counties": degrees}
    return {name: out[name] for name in TABLE_NAMES}


def word_tables(docs: pd.DataFrame, tables: Mapping[str, pd.DataFrame], resources: AnalyzeResources,
                params: AnalyzeParams, tokenizer: "Tokenizer | None" = None, workers: int = 1,
                executor: "Executor | None" = None, texts: "StoredTexts | None" = None) -> dict[str, pd.DataFrame]:
    """The tables made from the documents' words: practice clusters (with their cluster and diagnostic
    tables) and the regions' comparison. Each document is tokenised once (see analysis_features)."""
    from pipeline.analyze.clusters import PracticeClusterer, cluster_practices, practice_measures
    from pipeline.analyze.regions import region_clusters, region_words

    userdict = resources.userdict if tokenizer is None else None  # workers can build only the resources' own
    tokenizer = tokenizer or resources.make_tokenizer()
    practice = practice_measures(docs, _table(tables, "measures"), resources.non_practice)
    stored = texts is not None and "text" not in docs.columns
    with step(f"tokenise {len(docs)} documents", logger):
        source = texts.batches(set(docs["doc_id"])) if stored else docs
        features, counts = analysis_features(source, practice, tokenizer, resources.stopwords, executor, userdict, len(docs))
    # the regions' words first: the word counts are dropped before the clusters are fitted
    with step("regions", logger):
        regions, region_terms = region_words(docs, counts, params.min_prefecture_docs, params.min_region_tokens,
                                             params.alpha0, params.n_region_terms)
    del counts
    clusterer = PracticeClusterer(k_range=params.k_range, max_k=params.max_k, random_state=params.random_state,
                                  n_jobs=max(workers, executor.workers if executor is not None else 1))
    with step("practice clusters", logger):
        practice, clusters, diagnostics = cluster_practices(docs, _table(tables, "measures"), None, tokenizer,
                                                            resources.stopwords, clusterer, resources.non_practice,
                                                            features=(practice, features), texts=texts if stored else None)
    del features
    return {"practice_clusters": practice, "clusters": clusters, "cluster_diagnostics": diagnostics, "regions": regions,
            "region_clusters": region_clusters(docs, practice, params.min_prefecture_docs), "region_terms": region_terms}


def figures_and_report(out: dict[str, pd.DataFrame], out_dir: Path, workers: int = 1) -> None:
    """Figures and report from helper modules (given inputs and outputs), the report's pages in `workers`
    processes; skipped with a warning if unavailable."""
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        from pipeline.analyze import figures, report
    except ImportError as exc:
        logger.warning("figures/report skipped: %s", exc)
        return
    from pipeline.analyze.reuse import passage_families

    # for the timeline and the report: found once, the texts of the occurrences they quote cut when they quote them
    out = {**out, "families": passage_families(out, with_texts=False)}
    with step("figures", logger):
        paths = figures.make_figures(out, out_dir, workers)
    with step("report", logger):
        report_path = report.write_report(out, paths, out_dir, workers)
    logger.info("wrote %d figures and report %s", len(paths), report_path)


def analyze(tables: dict[str, pd.DataFrame], resources: AnalyzeResources, out_dir: Path,
            params: AnalyzeParams | None = None, workers: int = 1,
            executor: "Executor | None" = None) -> dict[str, pd.DataFrame]:
    """Analyze stage entry: tables in, analysis tables out (figures and report written to `out_dir`)."""
    params = params or AnalyzeParams()
    out = analysis_tables(tables, resources, params, workers=workers, executor=executor)
    if params.make_figures:
        figures_and_report({**tables, **out}, out_dir, workers)
    return out
