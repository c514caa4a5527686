"""Practice clusters: two representations compared, the more coherent and stable one kept, c-TF-IDF labels.

Measures are TF-IDF vectors of their heading and text (domain phrases from the user dictionary). k is
chosen by cosine silhouette in the latent semantic space (truncated SVD). At that k two models are fitted:
k-means in the latent semantic space ("lsa") and non-negative matrix factorisation topics ("nmf", each
measure to its strongest topic). Each is scored by the coherence of its clusters' top terms (NPMI over
the measures, Röder et al. 2015) and by its stability (adjusted Rand index against refits with other seeds
and on 80 % subsamples); the model with the higher NPMI + subsample ARI is kept. Every cluster carries its
NPMI and its stability (mean best Jaccard match over the subsample refits, Hennig 2007; below 0.6 it is
marked unstable), and measures that fit no cluster (cosine to their centroid below OTHER_FIT) form an
explicit "other" group, numbered -1. The table `cluster_diagnostics` holds the comparison.
"""
from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
from scipy import sparse

from pipeline.analyze.sentences import sentence_span
from pipeline.analyze.tokens import DocTokens, tokenize

if TYPE_CHECKING:
    from pipeline.tokenizer import Tokenizer

logger = logging.getLogger(__name__)

PRACTICE_KIND = "practices"
# Without a typed practices section, everything except these kinds may describe a practice.
NON_PRACTICE_KINDS = frozenset({"background", "problems", "results", "glossary"})
LABEL_TERMS = 3
PRACTICE_COLUMNS = ["doc_id", "measure_id", "cluster", "heading", "province", "prefecture", "county"]
CLUSTER_COLUMNS = ["cluster", "label", "terms", "size", "n_documents", "n_counties", "npmi", "stability", "stable",
                   "examples_json"]
DIAGNOSTIC_COLUMNS = ["representation", "k", "silhouette", "npmi", "ari_seeds", "ari_subsamples", "score", "chosen"]
OTHER = -1  # the cluster number of measures that fit no cluster
OTHER_LABEL = "其他（不属于任何一组）"
OTHER_FIT = 0.2  # cosine to the centroid below which a measure fits no cluster
STABLE = 0.6  # Jaccard stability from which a cluster counts as stable (Hennig 2007)
REFITS = 3  # refits with other seeds, and on 80 % subsamples, per representation


def _identity(tokens: list[str]) -> list[str]:
    """Analyzer for pre-tokenised input (module level so vectorizers stay picklable)."""
    return tokens


# ---------------------------------------------------------------- selecting practice measures

def effective_section_kinds(measures: pd.DataFrame) -> pd.Series:
    """Each measure's section kind, inherited from the nearest ancestor when its own is empty."""
    if "section_kind" not in measures or "parent_id" not in measures:
        return pd.Series([None] * len(measures), index=measures.index, dtype="object")
    # the columns as lists first: iterating Arrow-backed text a cell at a time took seconds at 200 MB
    ids = measures["measure_id"].tolist()
    kind = dict(zip(ids, measures["section_kind"].astype("string").replace("", pd.NA).tolist()))
    parent = dict(zip(ids, measures["parent_id"].tolist()))

    def resolve(measure_id: str) -> str | None:
        seen: set[str] = set()
        while measure_id in kind and measure_id not in seen:
            seen.add(measure_id)
            if not pd.isna(kind[measure_id]):
                return str(kind[measure_id])
            measure_id = parent[measure_id]
        return None

    return pd.Series([resolve(m) for m in ids], index=measures.index, dtype="object")


def practice_measures(documents: pd.DataFrame, measures: pd.DataFrame, non_practice: tuple = ()) -> pd.DataFrame:
    """Leaf practice measures of the given (non-duplicate) documents, in document order; headings matching a
    `non_practice` pattern (scoring lines, dates, attachments: pipeline/data/non_practice.txt) left out."""
    m = measures[_isin(measures["doc_id"], documents["doc_id"])].copy()
    if m.empty:
        return m.assign(kind=pd.Series(dtype="object"))
    m["kind"] = effective_section_kinds(m)
    typed = set(m.loc[m["kind"] == PRACTICE_KIND, "doc_id"])
    in_typed = m["doc_id"].isin(typed)
    keep = (in_typed & (m["kind"] == PRACTICE_KIND)) | (~in_typed & ~m["kind"].isin(NON_PRACTICE_KINDS))
    m = m[keep]
    # A parent's span holds its children's text: keep the most specific measures only.
    m = m[~_isin(m["measure_id"], m["parent_id"].dropna())]
    if non_practice:
        headings = m["heading"].fillna("")
        m = m[[not any(p.search(h) for p in non_practice) for h in headings]]
    return m.sort_values(["doc_id", "start", "measure_id"], kind="stable").reset_index(drop=True)


def _isin(values: pd.Series, wanted: pd.Series) -> np.ndarray:
    """values.isin(wanted) as a boolean array, compared as Python objects in a hash table (pandas tests
    Arrow-backed text against a set one cell at a time: 1.4 s for the measures at 200 MB)."""
    return pd.Series(values.to_numpy(dtype=object)).isin(wanted.to_numpy(dtype=object)).to_numpy(dtype=bool)


# ---------------------------------------------------------------- features

def own_text(row: Mapping[str, Any]) -> str:
    """The measure's own text, when its row has one (analyze reads measures without it: see runner)."""
    text = row.get("text")
    return text if isinstance(text, str) else ""


def heading_start(text: str | None, row: Mapping[str, Any]) -> int | None:
    """Offset of the measure's heading in the document text, or None when it cannot be placed (offsets
    outside the text, or not holding the measure's own text when the row has it)."""
    heading = row["heading"] if isinstance(row["heading"], str) else ""
    start, end = row["start"], row["end"]
    if not isinstance(start, (int, np.integer)) or not isinstance(end, (int, np.integer)):
        return None
    if not text or not heading or not 0 <= start < end <= len(text):
        return None
    own = row.get("text")
    if isinstance(own, str) and text[start:end] != own:
        return None
    pos = text.find(heading, int(start), int(end))
    return pos if pos >= 0 else None


def measure_features(
    practice: pd.DataFrame,
    texts: dict[str, str],
    doc_tokens: dict[str, DocTokens],
    tokenizer: "Tokenizer",
    stopwords: frozenset[str],
) -> list[list[str]]:
    """Token list per measure: heading tokens + text tokens (so the heading counts twice)."""
    return [measure_tokens(row, texts.get(row["doc_id"]), doc_tokens.get(row["doc_id"]), tokenizer, stopwords)
            for row in practice.to_dict("records")]


def measure_tokens(row: Mapping[str, Any], text: str | None, tokens: DocTokens | None, tokenizer: "Tokenizer",
                   stopwords: frozenset[str]) -> list[str]:
    """One measure's heading tokens + text tokens, cut from its document's tokens when the offsets hold."""
    pos = heading_start(text, row) if tokens is not None else None
    if pos is None:  # offsets do not match: tokenise the measure on its own
        heading = row["heading"] if isinstance(row["heading"], str) else ""
        return tokenize(heading, tokenizer, stopwords) + tokenize(own_text(row), tokenizer, stopwords)
    return tokens.between(pos, pos + len(row["heading"])) + tokens.between(int(row["start"]), int(row["end"]))


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
    fit_sample: int = 5000
    minibatch_threshold: int = 5000
    n_init: int = 3
    n_terms: int = 10
    n_components: int = 100
    n_jobs: int = 1  # processes for the fits: the silhouettes', the models' and their refits

    def fit(self, token_lists: Sequence[list[str]]) -> Self:
        """Vectorise, choose k, fit and compare both representations, keep the better; sets labels_ (with
        OTHER for measures that fit no cluster), k_, terms_, scores_, diagnostics_, npmi_, stability_.

        Past `fit_sample` measures, k, both models and their refits are fitted on a seeded sample of that
        size and the chosen model assigns every measure (k-means: nearest centre; NMF: strongest topic of
        the measure's projection): the cost of a fit no longer grows with the corpus.
        """
        token_lists = list(token_lists)
        X = self._vectorize(token_lists)
        candidates = self.candidate_ks(token_lists)
        self.scores_: dict[int, float] = {}
        self.diagnostics_: list[dict] = []
        refits: list[tuple[np.ndarray, np.ndarray]] = []
        if X is None or not candidates:
            labels = np.zeros(len(token_lists), dtype=int)
        else:
            sample = self._sample(X.shape[0])
            Z = self._reduce(X, sample)
            from pipeline.executor import spawned_jobs

            # one pool for every fit: the silhouettes' and both representations' with their refits
            with spawned_jobs(self.n_jobs) as run:
                self.scores_ = self._silhouettes(Z[sample], candidates, run)
                best = max(self.scores_, key=lambda k: (self.scores_[k], -k))
                fitted = self._representations(X, Z, sample, best, token_lists, run)
            chosen = max(fitted, key=lambda name: (fitted[name]["score"], name == "lsa"))
            self.diagnostics_ = [{"representation": name, "k": best, "silhouette": round(self.scores_[best], 4),
                                  **{key: f[key] for key in ("npmi", "ari_seeds", "ari_subsamples", "score")},
                                  "chosen": name == chosen} for name, f in fitted.items()]
            labels, refits = fitted[chosen]["labels"].copy(), fitted[chosen]["refits"]
            labels[fitted[chosen]["fit"] < OTHER_FIT] = OTHER
            del Z, fitted  # the latent coordinates are not used again (n × 100 floats)
        self.labels_ = relabel_by_size(labels)
        self.k_ = int(self.labels_.max()) + 1 if len(self.labels_) else 0
        counts = term_counts(token_lists)  # for the terms and their co-occurrence: one pass over the measures
        self.terms_ = class_tfidf_terms(token_lists, self.labels_, self.k_, self.n_terms, counts)
        presence = term_presence(token_lists, counts)
        del counts
        self.npmi_ = [cluster_npmi(token_lists, terms, presence) for terms in self.terms_]
        self.stability_ = [jaccard_stability(np.flatnonzero(self.labels_ == c), refits) for c in range(self.k_)]
        self.X_ = X
        self.cluster_centers_ = None if X is None else cluster_centers(X, self.labels_, self.k_)
        logger.info("clustered %d measures into k=%d (%s)", len(token_lists), self.k_,
                    "; ".join(f"{d['representation']}: NPMI {d['npmi']}, ARI {d['ari_subsamples']}" for d in self.diagnostics_) or "no model")
        return self

    def _sample(self, n: int) -> np.ndarray:
        """Rows the models are fitted on: all of them, or a seeded sample of fit_sample rows in order."""
        if n <= self.fit_sample:
            return np.arange(n)
        return np.sort(np.random.default_rng(self.random_state).choice(n, self.fit_sample, replace=False))

    def _representations(self, X, Z, sample: np.ndarray, k: int, token_lists: list[list[str]], run: Callable) -> dict[str, dict]:
        """Both representations at k (see _scored), their fits and refits all sent to `run` at once (see
        spawned_jobs): the refits are independent, and on several cores they run side by side (same seeds,
        same labels)."""
        Xs, Zs = X[sample], Z[sample]
        rng = np.random.default_rng(self.random_state)
        subsets = [np.sort(rng.choice(len(sample), max(k + 1, int(0.8 * len(sample))), replace=False)) for _ in range(REFITS)]
        names = ("nmf", "lsa")  # NMF's fits take the longest: sent first, they do not wait for the others
        jobs = [job for name in names for job in [(name, Xs, Zs, k, self.random_state, True, True)]
                + [(name, Xs, Zs, k, self.random_state + r + 1, False, False) for r in range(REFITS)]
                + [(name, Xs[idx], Zs[idx], k, self.random_state + r + 1, True, False) for r, idx in enumerate(subsets)]]
        found = run(_fit_job, jobs, (self.settings(),))
        per_name = len(jobs) // len(names)
        fits = {name: found[n * per_name : (n + 1) * per_name] for n, name in enumerate(names)}
        return {name: self._scored(name, X, Z, sample, token_lists, fits[name], subsets) for name in ("lsa", "nmf")}

    def _scored(self, name: str, X, Z, sample: np.ndarray, token_lists: list[list[str]], found: list, subsets: list) -> dict:
        """One representation from its fits (the main fit's (labels, model), then REFITS seed refits' and
        REFITS subsample refits' labels): labels of every row, fit of each row to its centroid, refits
        (their rows as indices of X) and scores on the sample."""
        (labels, model), found = found[0], [labels for labels, _ in found[1:]]
        if len(sample) < X.shape[0]:
            labels = self._assign(name, model, X, Z)
        labels = relabel_by_size(labels)
        sampled = labels[sample]
        tokens = [token_lists[i] for i in sample]
        terms = class_tfidf_terms(tokens, sampled, int(sampled.max()) + 1, self.n_terms)
        presence = term_presence(tokens)
        npmi = float(np.mean([cluster_npmi(tokens, t, presence) for t in terms])) if terms else 0.0
        seeds = [adjusted_rand_score(sampled, labels) for labels in found[:REFITS]]
        refits = list(zip(subsets, found[REFITS:]))
        subsample = [adjusted_rand_score(sampled[idx], labels) for idx, labels in refits]
        # fit is measured in the TF-IDF space for both: an NMF row normalised to one topic looks like a
        # perfect member even when the topic explains almost nothing of it
        return {"labels": labels, "fit": centroid_fit(X, labels), "refits": [(sample[idx], found) for idx, found in refits],
                "npmi": round(npmi, 4), "ari_seeds": round(float(np.mean(seeds)), 4),
                "ari_subsamples": round(float(np.mean(subsample)), 4), "score": round(npmi + float(np.mean(subsample)), 4)}

    def settings(self) -> "PracticeClusterer":
        """This clusterer's settings without what a fit found (a vocabulary, an SVD): what a job needs."""
        return replace(self)

    def _fit_once(self, name: str, X, Z, k: int, seed: int, full: bool) -> tuple[np.ndarray, Any]:
        """(labels, fitted model) of one fit: k-means in the latent space, or NMF topics (the main NMF fit
        starts from NNDSVDA, deterministic; seed refits start at random)."""
        from sklearn.decomposition import NMF

        if name == "lsa":
            model = self._model(k, Z.shape[0])
            model.set_params(random_state=seed)
            return model.fit_predict(Z), model
        init = "nndsvda" if full else "random"
        model = NMF(n_components=k, init=init, random_state=seed, max_iter=400)
        return model.fit_transform(X).argmax(axis=1), model

    @staticmethod
    def _assign(name: str, model, X, Z) -> np.ndarray:
        """Labels of every row under a model fitted on a sample."""
        if name == "lsa":
            return model.predict(Z)
        return model.transform(X).argmax(axis=1)

    def candidate_ks(self, token_lists: Sequence[list[str]]) -> list[int]:
        """Values of k to try: 2..min(max_k, n/min_cluster_size), below the number of distinct rows."""
        # On short texts the silhouette keeps rising with k, so the search stops at the rule-of-thumb
        # sqrt(n/2): beyond it clusters become too small to read as shared practices.
        rule_of_thumb = int(math.sqrt(len(token_lists) / 2))
        lo, hi = self.k_range if self.k_range else (2, min(self.max_k, rule_of_thumb, len(token_lists) // self.min_cluster_size))
        return list(range(max(lo, 2), min(hi, distinct_rows(token_lists, hi + 2) - 1) + 1))

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

    def _reduce(self, X: sparse.csr_matrix, sample: np.ndarray) -> np.ndarray | sparse.csr_matrix:
        """Latent semantic space (truncated SVD fitted on the sample rows, re-normalised): k-means and
        silhouettes work poorly on raw sparse TF-IDF."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.preprocessing import normalize

        n_components = min(self.n_components, X.shape[1] - 1, len(sample) - 1)
        if n_components < 2:
            return X
        from threadpoolctl import threadpool_limits

        self.svd_ = TruncatedSVD(n_components=n_components, random_state=self.random_state)
        # on one BLAS thread, so that the coordinates are the same on any machine: with two threads the
        # sums ran in another order, and at 10 MB the diagnostics of a run with OMP_NUM_THREADS=1 set (as
        # Dask sets it) differed in the fourth decimal. Fitted on 5,000 measures and projecting 60,000 (random
        # TF-IDF-like rows of 20,000 terms), it took 0.6–0.8 s on one thread
        with threadpool_limits(limits=1, user_api="blas"):
            # normalised in place: a copy of every measure's coordinates was 500 MB at 1 GB
            if len(sample) == X.shape[0]:
                return normalize(self.svd_.fit_transform(X), copy=False)
            self.svd_.fit(X[sample])
            return normalize(self.svd_.transform(X), copy=False)

    def _model(self, k: int, n_rows: int, n_init: int | None = None):
        """KMeans, or MiniBatchKMeans for large inputs, seeded by random_state."""
        from sklearn.cluster import KMeans, MiniBatchKMeans

        n_init = n_init or self.n_init
        if n_rows > self.minibatch_threshold:
            return MiniBatchKMeans(n_clusters=k, random_state=self.random_state, n_init=n_init, batch_size=2048)
        return KMeans(n_clusters=k, random_state=self.random_state, n_init=n_init)

    def _silhouettes(self, X: np.ndarray | sparse.csr_matrix, candidates: list[int], run: Callable) -> dict[int, float]:
        """Cosine silhouette per candidate k (each computed by `run`, see spawned_jobs), fitted on a seeded
        subsample when the input is large."""
        rng = np.random.default_rng(self.random_state)
        if X.shape[0] > self.selection_sample:
            X = X[np.sort(rng.choice(X.shape[0], self.selection_sample, replace=False))]
        found = run(_silhouette_job, [(X, k) for k in candidates], (self.settings(),))
        scores = {k: score for k, score in zip(candidates, found) if score is not None}
        return scores or {candidates[0]: -1.0}

    def silhouette_at(self, X: np.ndarray | sparse.csr_matrix, k: int) -> float | None:
        """Cosine silhouette of a k-means fit of X with one initialisation (enough to rank k; the final
        model uses n_init restarts), on a seeded sample of silhouette_sample rows; None when the fit does
        not give at least two clusters."""
        from sklearn.metrics import silhouette_score

        labels = self._model(k, X.shape[0], n_init=1).fit_predict(X)
        if 2 <= len(set(labels)) < X.shape[0]:
            return float(silhouette_score(X, labels, metric="cosine", sample_size=min(self.silhouette_sample, X.shape[0]),
                                          random_state=self.random_state))
        return None


def distinct_rows(token_lists: Sequence[list[str]], enough: int) -> int:
    """How many distinct non-empty rows (as bags of words) there are, counted up to `enough` only: k needs
    to know no more, and a corpus has hundreds of thousands of measures."""
    seen: set[tuple[str, ...]] = set()
    for tokens in token_lists:
        if tokens:
            seen.add(tuple(sorted(tokens)))
            if len(seen) >= enough:
                break
    return len(seen)


def _silhouette_job(job: tuple, model: PracticeClusterer) -> float | None:
    X, k = job
    return model.silhouette_at(X, k)


def _fit_job(job: tuple, model: PracticeClusterer) -> tuple[np.ndarray, Any]:
    """(labels, the fitted model when asked for, else None) of one fit (the arguments of _fit_once)."""
    *arguments, keep_model = job
    labels, fitted = model._fit_once(*arguments)
    return labels, fitted if keep_model else None


def relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0..k-1 by decreasing size (ties: first occurrence), for stable output; OTHER stays."""
    labels = np.asarray(labels, dtype=int)
    if labels.size == 0:
        return labels
    uniq, first, counts = np.unique(labels[labels != OTHER], return_index=True, return_counts=True)
    order = sorted(range(len(uniq)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(uniq[i]): new for new, i in enumerate(order)}
    return np.array([mapping.get(int(label), OTHER) for label in labels], dtype=int)


def adjusted_rand_score(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings of the same items."""
    from sklearn.metrics import adjusted_rand_score as ari

    return float(ari(a, b))


def centroid_fit(space, labels: np.ndarray) -> np.ndarray:
    """Cosine of each item (rows of an L2-normalised matrix, dense or sparse) to its cluster's normalised mean."""
    fit = np.zeros(len(labels))
    for c in np.unique(labels):
        rows = np.flatnonzero(labels == c)
        centre = np.asarray(space[rows].mean(axis=0)).ravel()
        norm = np.linalg.norm(centre)
        fit[rows] = np.asarray(space[rows] @ (centre / norm if norm else centre)).ravel()
    return fit


def term_counts(token_lists: Sequence[list[str]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """How often each measure holds each term: a measures × terms count matrix (int64) and the terms, in
    alphabetical order (no columns when there is no term at all)."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=_identity)
    try:
        return vectorizer.fit_transform(token_lists).tocsr(), vectorizer.get_feature_names_out()
    except ValueError:  # no term at all
        return sparse.csr_matrix((len(token_lists), 0), dtype=np.int64), np.array([], dtype=object)


def term_presence(token_lists: Sequence[list[str]], counts: tuple[sparse.csr_matrix, np.ndarray] | None = None
                  ) -> tuple[sparse.csc_matrix, dict[str, int]]:
    """Which measures hold which terms: a binary measures × terms matrix and the column of each term
    (`counts`: term_counts of the same token lists, when already made)."""
    matrix, terms = counts if counts is not None else term_counts(token_lists)
    # the counts' own indices (a count matrix holds no zeros): one copy, the columns', not two
    present = sparse.csr_matrix(((matrix.data > 0).astype(np.int64), matrix.indices, matrix.indptr), shape=matrix.shape)
    return present.tocsc(), {str(term): n for n, term in enumerate(terms)}


def cluster_npmi(token_lists: Sequence[list[str]], terms: Sequence[str],
                 presence: tuple[sparse.csc_matrix, dict[str, int]] | None = None) -> float:
    """Mean normalised PMI of the pairs of a cluster's top terms, measures as the co-occurrence window
    (`presence`: term_presence of the same token lists, when already built)."""
    n = len(token_lists)
    if n == 0 or len(terms) < 2:
        return 0.0
    matrix, column = presence if presence is not None else term_presence(token_lists)
    present = sparse.hstack([matrix[:, column[t]] if t in column else sparse.csc_matrix((n, 1)) for t in terms]).astype(float)
    single = np.asarray(present.mean(axis=0)).ravel()
    joint = np.asarray((present.T @ present).todense()) / n
    values = []
    for i in range(len(terms)):
        for j in range(i + 1, len(terms)):
            p = joint[i, j]
            values.append(-1.0 if p == 0 else (1.0 if p >= 1 else math.log(p / (single[i] * single[j])) / -math.log(p)))
    return round(float(np.mean(values)), 4)


def jaccard_stability(members: np.ndarray, refits: list[tuple[np.ndarray, np.ndarray]]) -> float | None:
    """Mean over refits of the best Jaccard match of a cluster's members (those in the refit's sample)."""
    scores = []
    for idx, found in refits:
        inside = set(np.intersect1d(members, idx).tolist())
        if not inside:
            continue
        position = {int(i): n for n, i in enumerate(idx.tolist())}
        groups: dict[int, set[int]] = {}
        for i in idx.tolist():
            groups.setdefault(int(found[position[i]]), set()).add(int(i))
        scores.append(max(len(inside & g) / len(inside | g) for g in groups.values()))
    return round(float(np.mean(scores)), 3) if scores else None


def membership(labels: np.ndarray, k: int) -> sparse.csr_matrix:
    """k × n indicator of each item's cluster (items of OTHER in no row)."""
    labels = np.asarray(labels)
    items = np.flatnonzero(labels >= 0)
    return sparse.csr_matrix((np.ones(len(items)), (labels[items], items)), shape=(k, len(labels)))


def cluster_centers(X: sparse.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """L2-normalised mean TF-IDF vector of each cluster (k × vocabulary, dense); OTHER belongs to none."""
    member = membership(labels, k)
    centers = np.asarray((member @ X).todense())
    norms = np.linalg.norm(centers, axis=1, keepdims=True)
    return centers / np.where(norms == 0, 1.0, norms)


def class_tfidf(token_lists: Sequence[list[str]], labels: np.ndarray, k: int,
                counts: tuple[sparse.csr_matrix, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Class-based TF-IDF (BERTopic): tf within cluster × log(1 + avg words per class / term frequency)
    (`counts`: term_counts of the same token lists, when already made)."""
    if k == 0 or not any(token_lists):
        return np.zeros((k, 0)), np.array([], dtype=object)
    matrix, terms = counts if counts is not None else term_counts(token_lists)
    member = membership(labels, k)
    per_class = np.asarray((member @ matrix).todense(), dtype=float)
    del matrix
    idf = np.log(1.0 + per_class.sum() / k / np.maximum(per_class.sum(axis=0), 1.0))
    # tf and tf · idf in place: k × vocabulary floats each (a few hundred MB at 1 GB)
    per_class /= np.maximum(per_class.sum(axis=1, keepdims=True), 1.0)
    per_class *= idf
    return per_class, terms


def class_tfidf_terms(token_lists: Sequence[list[str]], labels: np.ndarray, k: int, n_terms: int,
                      counts: tuple[sparse.csr_matrix, np.ndarray] | None = None) -> list[list[str]]:
    """Top c-TF-IDF terms per cluster (ties broken alphabetically; `counts`: see class_tfidf)."""
    scores, vocab = class_tfidf(token_lists, labels, k, counts)
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
        return {"doc_id": row["doc_id"], "title": _title(doc), "heading": heading, "sentence": own_text(row)[:200]}
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
                  n_examples: int = 3, texts: Callable[[set[str]], Mapping[str, str]] | None = None) -> pd.DataFrame:
    """clusters: label, top terms, size, coverage and central examples of each cluster. `texts` gives the
    texts of the examples' documents when `documents` come without theirs (doc ids → texts)."""
    docs = documents.set_index("doc_id")
    headings = practice["heading"].fillna("").tolist()
    placed = practice.join(docs[["province", "county"]], on="doc_id")
    central = {c: central_rows(model, c, n_examples, headings) for c in range(model.k_)}
    cited = {practice.iloc[i]["doc_id"] for rows in central.values() for i in rows}
    fetched = texts(cited) if texts is not None and "text" not in docs.columns else None

    def document(doc_id: str) -> pd.Series | None:
        if doc_id not in docs.index:
            return None
        doc = docs.loc[doc_id]
        return doc if fetched is None else pd.concat([doc, pd.Series({"text": fetched.get(doc_id)})])

    rows = []
    for c in [*range(model.k_), OTHER]:
        members = placed[model.labels_ == c]
        if c == OTHER and members.empty:
            continue
        counties = members.dropna(subset=["county"])[["province", "county"]].drop_duplicates()
        examples = [example_record(practice.iloc[i], document(practice.iloc[i]["doc_id"])) for i in central.get(c, [])]
        terms = model.terms_[c] if 0 <= c < len(model.terms_) else []
        stability = model.stability_[c] if 0 <= c < len(model.stability_) else None
        rows.append({"cluster": c, "label": "·".join(terms[:LABEL_TERMS]) if c != OTHER else OTHER_LABEL, "terms": terms,
                     "size": len(members), "n_documents": members["doc_id"].nunique(), "n_counties": len(counties),
                     "npmi": model.npmi_[c] if 0 <= c < len(model.npmi_) else None, "stability": stability,
                     "stable": bool(stability is not None and stability >= STABLE) if c != OTHER else None,
                     "examples_json": json.dumps(examples, ensure_ascii=False)})
    return pd.DataFrame(rows, columns=CLUSTER_COLUMNS)


def diagnostics_table(model: PracticeClusterer) -> pd.DataFrame:
    """cluster_diagnostics: each representation compared at the chosen k, and which was kept."""
    return pd.DataFrame(model.diagnostics_, columns=DIAGNOSTIC_COLUMNS)


def cluster_practices(
    documents: pd.DataFrame,
    measures: pd.DataFrame,
    doc_spans: dict[str, DocTokens] | None,
    tokenizer: "Tokenizer",
    stopwords: frozenset[str],
    clusterer: PracticeClusterer | None = None,
    non_practice: tuple = (),
    features: tuple[pd.DataFrame, list[list[str]]] | None = None,
    texts: Callable[[set[str]], Mapping[str, str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(practice_clusters, clusters, cluster_diagnostics) for non-duplicate `documents` and their `measures`.

    `features`: the practice measures and their token lists when already made (analysis_features), else
    they are cut from `doc_spans`. `texts`: the texts of the documents cited as examples, when `documents`
    come without theirs (see cluster_table)."""
    if features is None:
        practice = practice_measures(documents, measures, non_practice)
        texts = dict(zip(documents["doc_id"], documents["text"]))
        features = practice, measure_features(practice, texts, doc_spans, tokenizer, stopwords)
    practice, features = features
    model = (clusterer or PracticeClusterer()).fit(features)
    return (practice_cluster_table(practice, documents, model.labels_), cluster_table(model, practice, documents, texts=texts),
            diagnostics_table(model))
