"""Regional comparison: cluster mix per province/prefecture and distinctive terms by weighted log-odds.

Distinctive terms follow Monroe, Colaresi & Quinn (2008), "Fightin' Words", log-odds ratio with an
informative Dirichlet prior: the prior is the corpus term distribution scaled to `alpha0` pseudo-counts.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

logger = logging.getLogger(__name__)

REGION_COLUMNS = ["level", "region", "province", "n_documents", "n_chars", "n_tokens", "status"]
REGION_CLUSTER_COLUMNS = ["level", "region", "cluster", "n_measures", "share"]
REGION_TERM_COLUMNS = ["level", "region", "term", "count", "log_odds", "z", "rank"]
RANKED, TOO_LITTLE = "ranked", "too_little_text"


def region_assignments(documents: pd.DataFrame, min_prefecture_docs: int = 3) -> pd.DataFrame:
    """Long table doc_id, level, region, province: every document's province, and its prefecture if large enough."""
    documents = documents[["doc_id", "province", "prefecture"]]  # filtering whole documents copied their texts
    prov = documents.dropna(subset=["province"])
    rows = [prov.assign(level="province", region=prov["province"])]
    pref = documents.dropna(subset=["prefecture"]).assign(province=lambda d: d["province"].fillna(""))
    sizes = pref.groupby(["province", "prefecture"])["doc_id"].transform("nunique")
    pref = pref[sizes >= min_prefecture_docs]
    rows.append(pref.assign(level="prefecture", region=pref["prefecture"]))
    cols = ["doc_id", "level", "region", "province"]
    table = pd.concat([r[cols] for r in rows], ignore_index=True)
    return table.drop_duplicates().sort_values(["level", "region", "doc_id"], kind="stable").reset_index(drop=True)


def count_matrix(token_lists: Sequence[list[str] | Mapping[str, int]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Documents × vocabulary term counts and the (alphabetical) vocabulary, from each document's tokens or
    its word counts, rows in input order."""
    counts = WordCounts()
    for n, tokens in enumerate(token_lists):
        counts.add(n, tokens if isinstance(tokens, Mapping) else Counter(tokens))  # numbers sort in input order
    _, matrix, vocab = counts.matrix()
    return matrix, vocab


class WordCounts:
    """Each document's word counts as one sparse matrix (documents × words), added document by document:
    a dictionary per document took tens of kilobytes, a row here a few.

    Documents' counts are joined into one pair of arrays every CHUNK documents: two small arrays per
    document, held for the whole corpus, are scattered among the blocks that tokenising frees."""

    CHUNK = 1000

    def __init__(self) -> None:
        self.column: dict[str, int] = {}
        self.words: list[str] = []  # the word of each column
        self.doc_ids: list[str] = []
        self._chunks: list[tuple[np.ndarray, np.ndarray, int]] = []  # (columns, counts, documents): CHUNK documents each
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._sizes: list[int] = []

    def add(self, doc_id: str | int, counts: Mapping[str, int]) -> None:
        """One document's counts."""
        self.add_columns(doc_id, self.columns_of(list(counts)), np.fromiter(counts.values(), dtype=np.int32, count=len(counts)))

    def columns_of(self, words: list[str]) -> np.ndarray:
        """The column of each word (int32), new words taking the next columns in the order they come (and
        their string object kept in `words`, the one every later caller gets: see analysis_features)."""
        columns = list(map(self.column.get, words))  # most words have their column already: looked up at C speed
        if None in columns:
            for word, column in zip(words, columns):
                if column is None and word not in self.column:
                    self.column[word] = len(self.words)
                    self.words.append(word)
            columns = list(map(self.column.__getitem__, words))
        return np.array(columns, dtype=np.int32)

    def add_columns(self, doc_id: str | int, columns: np.ndarray, counts: np.ndarray) -> None:
        """One document's counts of the words in these columns (see columns_of), each column once."""
        self.doc_ids.append(doc_id)
        # int32: a column number and a count within one document; half the memory of int64 at 1 GB
        self._pending.append((columns.astype(np.int32, copy=False), counts.astype(np.int32, copy=False)))
        self._sizes.append(len(columns))
        if len(self._pending) >= self.CHUNK:
            self._seal()

    def _seal(self) -> None:
        """The pending documents' arrays joined into one chunk."""
        if self._pending:
            columns, counts = (np.concatenate(parts) for parts in zip(*self._pending))
            self._chunks.append((columns, counts, len(self._pending)))
            self._pending = []

    def matrix(self, release: bool = False) -> tuple[list[str], sparse.csr_matrix, np.ndarray]:
        """(doc ids in sorted order, their counts with the words in alphabetical order, the words).

        Each chunk's rows are copied straight to their places in doc_id order (reordering a matrix built in
        the order the documents came copies it whole). With `release`, the counts are handed over: each
        chunk is dropped once copied, so that the counts and the matrix are not held whole together (the
        counts are empty afterwards)."""
        self._seal()
        vocab = sorted(self.column)
        rank = np.empty(len(vocab), dtype=np.int32)
        rank[[self.column[w] for w in vocab]] = np.arange(len(vocab))
        doc_ids, sizes = self.doc_ids, np.array(self._sizes, dtype=np.int64)
        order = np.array(sorted(range(len(doc_ids)), key=doc_ids.__getitem__), dtype=np.int64)
        indptr = np.concatenate(([0], np.cumsum(sizes[order])))
        start = np.empty(len(doc_ids), dtype=np.int64)  # where each document's row starts, by the order added
        start[order] = indptr[:-1]
        indices, data = np.empty(indptr[-1], dtype=np.int32), np.empty(indptr[-1], dtype=np.int32)
        first = 0  # the chunk's first document, by the order added
        for columns, counts, n_docs in self._drain(release):
            lengths = sizes[first : first + n_docs]
            # each count goes to its document's row start plus its place within the document
            places = np.repeat(start[first : first + n_docs] - (np.cumsum(lengths) - lengths), lengths) + np.arange(len(columns))
            indices[places], data[places] = rank[columns], counts
            first += n_docs
        if release:
            self.column, self.words, self.doc_ids, self._sizes = {}, [], [], []
        matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(doc_ids), len(vocab)), copy=False)
        matrix.sort_indices()
        return [doc_ids[i] for i in order.tolist()], matrix, np.array(vocab, dtype=object)

    def _drain(self, release: bool):
        """The chunks in order; with `release`, each dropped as the next is asked for."""
        if not release:
            yield from self._chunks
            return
        while self._chunks:
            yield self._chunks.pop(0)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WordCounts):
            return NotImplemented
        (a_ids, a, a_vocab), (b_ids, b, b_vocab) = self.matrix(), other.matrix()
        return a_ids == b_ids and list(a_vocab) == list(b_vocab) and (a != b).nnz == 0


def log_odds_dirichlet(y_i: np.ndarray, y_j: np.ndarray, prior: np.ndarray, alpha0: float) -> tuple[np.ndarray, np.ndarray]:
    """(delta, z) of group i vs group j per term, with prior a = alpha0 · prior / sum(prior)."""
    y_i, y_j, prior = (np.asarray(v, dtype=float) for v in (y_i, y_j, prior))
    a = alpha0 * prior / prior.sum()
    n_i, n_j = y_i.sum(), y_j.sum()
    delta = (np.log((y_i + a) / (n_i + alpha0 - y_i - a))
             - np.log((y_j + a) / (n_j + alpha0 - y_j - a)))
    var = 1.0 / (y_i + a) + 1.0 / (y_j + a)
    return delta, delta / np.sqrt(var)


def region_table(assign: pd.DataFrame, documents: pd.DataFrame, n_tokens: pd.Series, min_tokens: int) -> pd.DataFrame:
    """regions: size of each region in documents, characters and tokens, and whether terms are ranked."""
    sizes = documents.set_index("doc_id")["chars"] if "chars" in documents else documents.set_index("doc_id")["text"].str.len()
    rows = assign.assign(chars=assign["doc_id"].map(sizes).fillna(0), tokens=assign["doc_id"].map(n_tokens).fillna(0))
    table = rows.groupby(["level", "region", "province"], sort=True).agg(
        n_documents=("doc_id", "nunique"), n_chars=("chars", "sum"), n_tokens=("tokens", "sum")).reset_index()
    table = table.astype({"n_chars": int, "n_tokens": int})
    table["status"] = np.where(table["n_tokens"] >= min_tokens, RANKED, TOO_LITTLE)
    return table[REGION_COLUMNS]


def region_cluster_table(assign: pd.DataFrame, practice_clusters: pd.DataFrame) -> pd.DataFrame:
    """region_clusters: number and share of each region's practice measures in each cluster."""
    joined = assign.merge(practice_clusters[["doc_id", "measure_id", "cluster"]], on="doc_id", how="inner")
    if joined.empty:
        return pd.DataFrame(columns=REGION_CLUSTER_COLUMNS)
    table = joined.groupby(["level", "region", "cluster"], sort=True)["measure_id"].nunique().rename("n_measures").reset_index()
    totals = table.groupby(["level", "region"])["n_measures"].transform("sum")
    return table.assign(share=table["n_measures"] / totals)[REGION_CLUSTER_COLUMNS]


def _ranked_terms(y_i: np.ndarray, y_rest: np.ndarray, prior: np.ndarray, vocab: np.ndarray, alpha0: float,
                  n_terms: int, min_count: int) -> pd.DataFrame:
    """Top terms of one region by z (over-represented, count ≥ min_count), ties alphabetical."""
    delta, z = log_odds_dirichlet(y_i, y_rest, prior, alpha0)
    keep = np.flatnonzero((y_i >= min_count) & (z > 0))
    order = keep[np.lexsort((vocab[keep], -z[keep]))][:n_terms]
    return pd.DataFrame({"term": vocab[order].astype(str), "count": y_i[order].astype(int), "log_odds": delta[order],
                         "z": z[order], "rank": np.arange(1, len(order) + 1)})


ROW_BLOCK = 20_000  # rows of the count matrix summed at a time


def column_sums(counts: sparse.csr_matrix, rows: Sequence[int] | None = None) -> np.ndarray:
    """Each word's total (int64) over the given rows (all by default), summed a block of rows at a time:
    summing the whole int32 matrix at once made an int64 copy of it (1.9 GB at 1 GB)."""
    rows = np.arange(counts.shape[0]) if rows is None else np.asarray(rows, dtype=np.int64)
    total = np.zeros(counts.shape[1], dtype=np.int64)
    for k in range(0, len(rows), ROW_BLOCK):
        total += np.asarray(counts[rows[k : k + ROW_BLOCK]].sum(axis=0), dtype=np.int64).ravel()
    return total


def row_sums(counts: sparse.csr_matrix) -> np.ndarray:
    """Each row's total (int64)."""
    sizes = np.diff(counts.indptr)
    totals = np.zeros(counts.shape[0], dtype=np.int64)
    filled = sizes > 0
    if filled.any():  # consecutive starts of the non-empty rows: each sum is one row's
        totals[filled] = np.add.reduceat(counts.data[: counts.indptr[-1]], counts.indptr[:-1][filled], dtype=np.int64)
    return totals


def region_term_table(assign: pd.DataFrame, regions: pd.DataFrame, doc_ids: Sequence[str], counts: sparse.csr_matrix,
                      vocab: np.ndarray, alpha0: float = 1000.0, n_terms: int = 30, min_count: int = 3) -> pd.DataFrame:
    """region_terms: distinctive terms of each ranked region against the rest of the corpus."""
    row_of = {d: i for i, d in enumerate(doc_ids)}
    corpus = column_sums(counts)
    frames = []
    for reg in regions[regions["status"] == RANKED].itertuples(index=False):
        members = assign[(assign["level"] == reg.level) & (assign["region"] == reg.region)
                         & (assign["province"] == reg.province)]
        rows = sorted({row_of[d] for d in members["doc_id"] if d in row_of})
        y_i = column_sums(counts, rows)
        terms = _ranked_terms(y_i, corpus - y_i, corpus, vocab, alpha0, n_terms, min_count)
        frames.append(terms.assign(level=reg.level, region=reg.region))
    if not frames or corpus.sum() == 0:
        return pd.DataFrame(columns=REGION_TERM_COLUMNS)
    return pd.concat(frames, ignore_index=True)[REGION_TERM_COLUMNS]


def compare_regions(documents: pd.DataFrame, practice_clusters: pd.DataFrame,
                    doc_tokens: "Mapping[str, list[str] | Mapping[str, int]] | WordCounts | tuple",
                    min_prefecture_docs: int = 3, min_tokens: int = 2000, alpha0: float = 1000.0,
                    n_terms: int = 30) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(regions, region_clusters, region_terms) for non-duplicate `documents`; `doc_tokens`: each document's
    tokens or word counts, or WordCounts, or what its matrix() gave."""
    regions, terms = region_words(documents, doc_tokens, min_prefecture_docs, min_tokens, alpha0, n_terms)
    return regions, region_clusters(documents, practice_clusters, min_prefecture_docs), terms


def region_words(documents: pd.DataFrame, doc_tokens: "Mapping[str, list[str] | Mapping[str, int]] | WordCounts | tuple",
                 min_prefecture_docs: int = 3, min_tokens: int = 2000, alpha0: float = 1000.0,
                 n_terms: int = 30) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(regions, region_terms): what compare_regions finds from the words alone, without the clusters (the
    analysis drops the word counts before it clusters)."""
    assign = region_assignments(documents, min_prefecture_docs)
    if isinstance(doc_tokens, tuple):
        doc_ids, counts, vocab = doc_tokens
    elif isinstance(doc_tokens, WordCounts):
        doc_ids, counts, vocab = doc_tokens.matrix()
    else:
        doc_ids = sorted(doc_tokens)
        counts, vocab = count_matrix([doc_tokens[d] for d in doc_ids])
    n_tokens = pd.Series(row_sums(counts), index=doc_ids)
    regions = region_table(assign, documents, n_tokens, min_tokens)
    return regions, region_term_table(assign, regions, doc_ids, counts, vocab, alpha0, n_terms)


def region_clusters(documents: pd.DataFrame, practice_clusters: pd.DataFrame, min_prefecture_docs: int = 3) -> pd.DataFrame:
    """region_clusters: the cluster mix of each region (see region_cluster_table)."""
    return region_cluster_table(region_assignments(documents, min_prefecture_docs), practice_clusters)
