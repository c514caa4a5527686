"""Practice clusters: TF-IDF + k-means over practice measures, k by silhouette, c-TF-IDF labels."""
from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
from scipy import sparse

from pipeline.analyze.sentences import sentence_span
from pipeline.analyze.tokens import TokenSpan, tokenize, tokens_between

if TYPE_CHECKING:
    import jieba

logger = logging.getLogger(__name__)

PRACTICE_KIND = "practices"
# Without a typed practices section, everything except these kinds may describe a practice.
NON_PRACTICE_KINDS = frozenset({"background", "problems", "results"})
LABEL_TERMS = 3
PRACTICE_COLUMNS = ["doc_id", "measure_id", "cluster", "heading", "province", "prefecture", "county"]
CLUSTER_COLUMNS = ["cluster", "label", "terms", "size", "n_documents", "n_counties", "examples_json"]


def _identity(tokens: list[str]) -> list[str]:
    """Analyzer for pre-tokenised input (module level so vectorizers stay picklable)."""
    return tokens


# ---------------------------------------------------------------- selecting practice measures

def effective_section_kinds(measures: pd.DataFrame) -> pd.Series:
    """Each measure's section kind, inherited from the nearest ancestor when its own is empty."""
    if "section_kind" not in measures or "parent_id" not in measures:
        return pd.Series([None] * len(measures), index=measures.index, dtype="object")
    own = measures["section_kind"].astype("string").replace("", pd.NA)
    kind = dict(zip(measures["measure_id"], own))
    parent = dict(zip(measures["measure_id"], measures["parent_id"]))

    def resolve(measure_id: str) -> str | None:
        seen: set[str] = set()
        while measure_id in kind and measure_id not in seen:
            seen.add(measure_id)
            if not pd.isna(kind[measure_id]):
                return str(kind[measure_id])
            measure_id = parent[measure_id]
        return None

    return pd.Series([resolve(m) for m in measures["measure_id"]], index=measures.index, dtype="object")


def practice_measures(documents: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """Leaf practice measures of the given (non-duplicate) documents, in document order."""
    m = measures[measures["doc_id"].isin(documents["doc_id"])].copy()
    if m.empty:
        return m.assign(kind=pd.Series(dtype="object"))
    m["kind"] = effective_section_kinds(m)
    typed = set(m.loc[m["kind"] == PRACTICE_KIND, "doc_id"])
    in_typed = m["doc_id"].isin(typed)
    keep = (in_typed & (m["kind"] == PRACTICE_KIND)) | (~in_typed & ~m["kind"].isin(NON_PRACTICE_KINDS))
    m = m[keep]
    # A parent's span holds its children's text: keep the most specific measures only.
    m = m[~m["measure_id"].isin(set(m["parent_id"].dropna()))]
    return m.sort_values(["doc_id", "start", "measure_id"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- features

def heading_start(text: str | None, row: Mapping[str, Any]) -> int | None:
    """Offset of the measure's heading in the document text, or None when it cannot be placed."""
    heading = row["heading"] if isinstance(row["heading"], str) else ""
    start, end = row["start"], row["end"]
    if not isinstance(start, (int, np.integer)) or not isinstance(end, (int, np.integer)):
        return None
    if not text or not heading or text[start:end] != row["text"]:
        return None
    pos = text.find(heading, int(start), int(end))
    return pos if pos >= 0 else None


def measure_features(
    practice: pd.DataFrame,
    texts: dict[str, str],
    doc_spans: dict[str, list[TokenSpan]],
    tokenizer: "jieba.Tokenizer",
    stopwords: frozenset[str],
) -> list[list[str]]:
    """Token list per measure: heading tokens + text tokens (so the heading counts twice)."""
    starts = {doc: [s for _, s, _ in spans] for doc, spans in doc_spans.items()}
    features = []
    for row in practice.to_dict("records"):
        doc, text = row["doc_id"], texts.get(row["doc_id"])
        pos = heading_start(text, row) if doc in doc_spans else None
        if pos is None:  # offsets do not match: tokenise the measure on its own
            heading = row["heading"] if isinstance(row["heading"], str) else ""
            features.append(tokenize(heading, tokenizer, stopwords) + tokenize(row["text"], tokenizer, stopwords))
            continue
        spans, st = doc_spans[doc], starts[doc]
        head = tokens_between(spans, st, pos, pos + len(row["heading"]))
        features.append(head + tokens_between(spans, st, int(row["start"]), int(row["end"])))
    return features


# ---------------------------------------------------------------- the model

@dataclass
class PracticeClusterer:
    """K-means over TF-IDF of pre-tokenised measures; k chosen by cosine silhouette (sklearn-style)."""

    k_range: tuple[int, int] | None = None
    max_k: int = 30
    min_cluster_size: int = 5
    random_state: int = 0
    silhouette_sample: int = 2000
    selection_sample: int = 4000
    minibatch_threshold: int = 5000
    n_init: int = 3
    n_terms: int = 10
    n_components: int = 100

    def fit(self, token_lists: Sequence[list[str]]) -> Self:
        """Vectorise, choose k, cluster; sets labels_, k_, terms_, scores_, cluster_centers_."""
        token_lists = list(token_lists)
        X = self._vectorize(token_lists)
        candidates = self.candidate_ks(token_lists)
        self.scores_: dict[int, float] = {}
        if X is None or not candidates:
            labels = np.zeros(len(token_lists), dtype=int)
        else:
            Z = self._reduce(X)
            self.scores_ = self._silhouettes(Z, candidates)
            best = max(self.scores_, key=lambda k: (self.scores_[k], -k))
            labels = self._model(best, Z.shape[0]).fit_predict(Z)
        self.labels_ = relabel_by_size(labels)
        self.k_ = int(self.labels_.max()) + 1 if len(self.labels_) else 0
        self.terms_ = class_tfidf_terms(token_lists, self.labels_, self.k_, self.n_terms)
        self.X_ = X
        self.cluster_centers_ = None if X is None else cluster_centers(X, self.labels_, self.k_)
        logger.info("clustered %d measures into k=%d (silhouettes %s)", len(token_lists), self.k_, self.scores_)
        return self

    def candidate_ks(self, token_lists: Sequence[list[str]]) -> list[int]:
        """Values of k to try: 2..min(max_k, n/min_cluster_size), below the number of distinct rows."""
        distinct = len({tuple(sorted(t)) for t in token_lists if t})
        # On short texts the silhouette keeps rising with k, so the search stops at the rule-of-thumb
        # sqrt(n/2): beyond it clusters become too small to read as shared practices.
        rule_of_thumb = int(math.sqrt(len(token_lists) / 2))
        lo, hi = self.k_range if self.k_range else (2, min(self.max_k, rule_of_thumb, len(token_lists) // self.min_cluster_size))
        return list(range(max(lo, 2), min(hi, distinct - 1) + 1))

    def _vectorize(self, token_lists: list[list[str]]) -> sparse.csr_matrix | None:
        """Sparse L2-normalised TF-IDF rows, or None when there is no vocabulary at all."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not any(token_lists):
            return None
        # Terms seen once cannot group measures; on tiny inputs keep everything.
        min_df = 2 if len(token_lists) >= 50 else 1
        self.vectorizer_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df)
        try:
            return self.vectorizer_.fit_transform(token_lists).tocsr()
        except ValueError:  # every term below min_df
            return None

    def _reduce(self, X: sparse.csr_matrix) -> np.ndarray | sparse.csr_matrix:
        """Latent semantic space (truncated SVD, re-normalised): k-means and silhouettes work poorly on raw sparse TF-IDF."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.preprocessing import normalize

        n_components = min(self.n_components, X.shape[1] - 1, X.shape[0] - 1)
        if n_components < 2:
            return X
        self.svd_ = TruncatedSVD(n_components=n_components, random_state=self.random_state)
        return normalize(self.svd_.fit_transform(X))

    def _model(self, k: int, n_rows: int, n_init: int | None = None):
        """KMeans, or MiniBatchKMeans for large inputs, seeded by random_state."""
        from sklearn.cluster import KMeans, MiniBatchKMeans

        n_init = n_init or self.n_init
        if n_rows > self.minibatch_threshold:
            return MiniBatchKMeans(n_clusters=k, random_state=self.random_state, n_init=n_init, batch_size=2048)
        return KMeans(n_clusters=k, random_state=self.random_state, n_init=n_init)

    def _silhouettes(self, X: np.ndarray | sparse.csr_matrix, candidates: list[int]) -> dict[int, float]:
        """Cosine silhouette per candidate k, fitted on a seeded subsample when the input is large."""
        from sklearn.metrics import silhouette_score

        rng = np.random.default_rng(self.random_state)
        if X.shape[0] > self.selection_sample:
            X = X[np.sort(rng.choice(X.shape[0], self.selection_sample, replace=False))]
        sample = min(self.silhouette_sample, X.shape[0])
        scores = {}
        for k in candidates:
            # One initialisation is enough to rank k; the final model uses n_init restarts.
            labels = self._model(k, X.shape[0], n_init=1).fit_predict(X)
            if 2 <= len(set(labels)) < X.shape[0]:
                scores[k] = float(silhouette_score(X, labels, metric="cosine", sample_size=sample,
                                                   random_state=self.random_state))
        return scores or {candidates[0]: -1.0}


def relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0..k-1 by decreasing size (ties: first occurrence), for stable output."""
    labels = np.asarray(labels, dtype=int)
    if labels.size == 0:
        return labels
    uniq, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(uniq)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(uniq[i]): new for new, i in enumerate(order)}
    return np.array([mapping[int(label)] for label in labels], dtype=int)


def cluster_centers(X: sparse.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """L2-normalised mean TF-IDF vector of each cluster (k × vocabulary, dense)."""
    member = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    centers = np.asarray((member @ X).todense())
    norms = np.linalg.norm(centers, axis=1, keepdims=True)
    return centers / np.where(norms == 0, 1.0, norms)


def class_tfidf(token_lists: Sequence[list[str]], labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Class-based TF-IDF (BERTopic): tf within cluster × log(1 + avg words per class / term frequency)."""
    from sklearn.feature_extraction.text import CountVectorizer

    if k == 0 or not any(token_lists):
        return np.zeros((k, 0)), np.array([], dtype=object)
    vectorizer = CountVectorizer(analyzer=_identity)
    counts = vectorizer.fit_transform(token_lists)
    member = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    per_class = np.asarray((member @ counts).todense(), dtype=float)
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1.0)
    idf = np.log(1.0 + per_class.sum() / k / np.maximum(per_class.sum(axis=0), 1.0))
    return tf * idf, vectorizer.get_feature_names_out()


def class_tfidf_terms(token_lists: Sequence[list[str]], labels: np.ndarray, k: int, n_terms: int) -> list[list[str]]:
    """Top c-TF-IDF terms per cluster (ties broken alphabetically)."""
    scores, vocab = class_tfidf(token_lists, labels, k)
    terms = []
    for row in scores:
        order = np.argsort(-row, kind="stable")[:n_terms]
        terms.append([str(vocab[i]) for i in order if row[i] > 0])
    return terms


# ---------------------------------------------------------------- tables

def central_rows(model: PracticeClusterer, cluster: int, n: int, headings: Sequence[str]) -> list[int]:
    """Row indices of the cluster's measures closest to its centroid, one per distinct heading."""
    rows = np.flatnonzero(model.labels_ == cluster)
    if model.X_ is None or model.cluster_centers_ is None:
        return list(rows[:n])
    sims = model.X_[rows] @ model.cluster_centers_[cluster]
    chosen, seen = [], set()
    for i in rows[np.argsort(-np.asarray(sims).ravel(), kind="stable")]:
        if headings[i] not in seen:
            seen.add(headings[i])
            chosen.append(int(i))
        if len(chosen) == n:
            break
    return chosen


def _title(doc: pd.Series | None) -> str:
    """A document's title, or an empty string."""
    return doc["title"] if doc is not None and isinstance(doc["title"], str) else ""


def example_record(row: pd.Series, doc: pd.Series | None) -> dict[str, str]:
    """One cited example: document, title, heading and the sentence holding the heading."""
    text = doc["text"] if doc is not None else None
    heading = row["heading"] if isinstance(row["heading"], str) else ""
    pos = heading_start(text, row)
    # Without usable offsets the measure's own text is the best citation available.
    if pos is None:
        return {"doc_id": row["doc_id"], "title": _title(doc), "heading": heading, "sentence": str(row["text"])[:200]}
    start, end = sentence_span(text, pos, pos + len(heading))
    return {"doc_id": row["doc_id"], "title": _title(doc), "heading": heading, "sentence": text[start:end],
            "start": start, "end": end}


def practice_cluster_table(practice: pd.DataFrame, documents: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """practice_clusters: one row per practice measure with its cluster and place."""
    places = documents.set_index("doc_id")[["province", "prefecture", "county"]]
    table = practice[["doc_id", "measure_id", "heading"]].assign(cluster=labels.astype(int))
    table = table.join(places, on="doc_id")
    return table[PRACTICE_COLUMNS].sort_values(["cluster", "doc_id", "measure_id"], kind="stable").reset_index(drop=True)


def cluster_table(model: PracticeClusterer, practice: pd.DataFrame, documents: pd.DataFrame,
                  n_examples: int = 3) -> pd.DataFrame:
    """clusters: label, top terms, size, coverage and central examples of each cluster."""
    docs = documents.set_index("doc_id")
    headings = practice["heading"].fillna("").tolist()
    placed = practice.join(docs[["province", "county"]], on="doc_id")
    rows = []
    for c in range(model.k_):
        members = placed[model.labels_ == c]
        counties = members.dropna(subset=["county"])[["province", "county"]].drop_duplicates()
        examples = [example_record(practice.iloc[i], docs.loc[practice.iloc[i]["doc_id"]]
                                   if practice.iloc[i]["doc_id"] in docs.index else None)
                    for i in central_rows(model, c, n_examples, headings)]
        terms = model.terms_[c] if c < len(model.terms_) else []
        rows.append({"cluster": c, "label": "·".join(terms[:LABEL_TERMS]), "terms": terms,
                     "size": len(members), "n_documents": members["doc_id"].nunique(),
                     "n_counties": len(counties), "examples_json": json.dumps(examples, ensure_ascii=False)})
    return pd.DataFrame(rows, columns=CLUSTER_COLUMNS)


def cluster_practices(
    documents: pd.DataFrame,
    measures: pd.DataFrame,
    doc_spans: dict[str, list[TokenSpan]],
    tokenizer: "jieba.Tokenizer",
    stopwords: frozenset[str],
    clusterer: PracticeClusterer | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(practice_clusters, clusters) for non-duplicate `documents` and their `measures`."""
    practice = practice_measures(documents, measures)
    texts = dict(zip(documents["doc_id"], documents["text"]))
    features = measure_features(practice, texts, doc_spans, tokenizer, stopwords)
    model = (clusterer or PracticeClusterer()).fit(features)
    return practice_cluster_table(practice, documents, model.labels_), cluster_table(model, practice, documents)
