"""Tests for pipeline.analyze.clusters (and the analyze() entry on the synthetic corpus)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.analyze import TABLE_NAMES, AnalyzeParams, analysis_tables, analyze, tokenize_documents
from pipeline.analyze.clusters import (
    OTHER,
    STABLE,
    PracticeClusterer,
    class_tfidf,
    cluster_npmi,
    cluster_practices,
    effective_section_kinds,
    jaccard_stability,
    practice_measures,
    relabel_by_size,
    term_counts,
    term_presence,
)
from pipeline.analyze.sentences import unique_documents

NON_PRACTICE_HEADINGS = ["基本情况", "深度贫困县", "脱贫成效明显", "产业链条短", "山区县", "主要做法", "主要工作"]
CONTRACT_COLUMNS = {
    "practice_clusters": ["doc_id", "measure_id", "cluster", "heading", "province", "county"],
    "clusters": ["cluster", "label", "terms", "size", "n_documents", "n_counties", "examples_json"],
    "model_recurrence": ["canonical", "n_documents", "n_counties", "n_provinces", "first_date", "last_date",
                         "counties", "provinces", "surfaces", "doc_ids"],
    "regions": ["level", "region", "n_documents", "n_chars", "status"],
    "region_clusters": ["level", "region", "cluster", "n_measures", "share"],
    "region_terms": ["level", "region", "term", "count", "log_odds", "z", "rank"],
    "county_statistics": ["county", "adcode", "province", "indicator", "indicator_norm", "unit", "level", "kind",
                          "period", "value", "value_high", "qualifier", "doc_id", "title", "text", "sentence",
                          "start", "end", "n_documents", "n_counties"],
}
TINY = [[], [["合作社", "产业"]], [["合作社", "产业"], ["第一书记", "驻村工作队"]], [[], []]]


def _cluster(tables, tokenizer, resources, **params):
    docs = unique_documents(tables["documents"])
    spans = tokenize_documents(docs, tokenizer, resources.stopwords)
    return cluster_practices(docs, tables["measures"], spans, tokenizer, resources.stopwords,
                             PracticeClusterer(**params))


def test_practice_measures_selection(corpus_tables) -> None:
    docs = unique_documents(corpus_tables["documents"])
    practice = practice_measures(docs, corpus_tables["measures"])
    # 5 + 5 + 4 + 5 + 4 (typed practices sections) + 5 (untyped 巍山 document) + 5 + 3 (no place), duplicate dropped
    assert len(practice) == 36
    assert "doc_zn_dup" not in set(practice["doc_id"])
    assert not set(NON_PRACTICE_HEADINGS) & set(practice["heading"])
    assert practice.loc[practice["doc_id"] == "doc_ws", "heading"].tolist() == [
        "选派第一书记，配强驻村工作队", "采取“支部+合作社+农户”模式", "落实健康扶贫政策", "抓好控辍保学", "外出培训开视野"]


def test_a_reports_glossary_is_no_practice() -> None:
    # a work report (no practices section): its tasks are candidate practices, its appended terms are not
    docs = pd.DataFrame({"doc_id": ["r"]})
    measures = pd.DataFrame({
        "doc_id": ["r"] * 4,
        "measure_id": ["r:m1", "r:m2", "r:m3", "r:m4"],
        "parent_id": [None, "r:m1", None, "r:m3"],
        "heading": ["2026年工作安排", "扩大有效投资", "名词解释", "“单一窗口”"],
        "start": [0, 10, 50, 60],
        "section_kind": ["tasks", "tasks", "glossary", "glossary"],
    })
    assert practice_measures(docs, measures)["heading"].tolist() == ["扩大有效投资"]


def test_practice_measures_are_the_same_from_tables_read_back_from_parquet(corpus_tables, tmp_path) -> None:
    """A run reads its tables back from Parquet (Arrow-backed text, missing parents and kinds as read):
    the same measures are selected as from the tables made in memory, with the same inherited kinds."""
    docs = unique_documents(corpus_tables["documents"])
    from pipeline.io import read_table, write_table

    write_table(corpus_tables["measures"], tmp_path, "measures")
    write_table(docs[["doc_id"]], tmp_path, "documents")
    stored, stored_docs = read_table(tmp_path, "measures"), read_table(tmp_path, "documents")
    assert str(stored["doc_id"].dtype) == "str" and str(stored_docs["doc_id"].dtype) == "str"
    expected = practice_measures(docs, corpus_tables["measures"])
    found = practice_measures(stored_docs, stored)
    assert found["measure_id"].tolist() == expected["measure_id"].tolist() and len(found) == 36
    assert found["kind"].tolist() == expected["kind"].tolist()


def test_section_kind_is_inherited(corpus_tables) -> None:
    measures = corpus_tables["measures"]
    kinds = effective_section_kinds(measures).set_axis(measures["measure_id"])
    assert kinds["doc_zn_m2_1"] == "practices"      # child of 二、主要做法
    assert kinds["doc_zn_m1_1"] == "background"
    assert kinds["doc_ws_m2_3"] is None              # untyped section


@pytest.mark.parametrize("token_lists", TINY, ids=["none", "one", "two", "empty-tokens"])
def test_tiny_inputs(token_lists: list[list[str]]) -> None:
    model = PracticeClusterer().fit(token_lists)
    assert len(model.labels_) == len(token_lists)
    assert model.k_ == (1 if token_lists else 0)
    assert set(model.labels_) <= {0}


def test_tiny_input_tables(corpus_tables, tokenizer, resources) -> None:
    measures = corpus_tables["measures"]
    few = dict(corpus_tables, measures=measures[measures["measure_id"].isin(["doc_zn_m2_1", "doc_zn_m2", "doc_zj_m2_1"])])
    practice, clusters, _ = _cluster(few, tokenizer, resources)
    assert practice["measure_id"].tolist() == ["doc_zj_m2_1", "doc_zn_m2_1"]
    assert clusters["size"].tolist() == [2] and clusters["n_counties"].tolist() == [2]
    empty = dict(corpus_tables, measures=measures.iloc[0:0])
    practice, clusters, _ = _cluster(empty, tokenizer, resources)
    assert practice.empty and clusters.empty


def test_clusters_group_related_practices(corpus_tables, tokenizer, resources) -> None:
    practice, clusters, _ = _cluster(corpus_tables, tokenizer, resources)
    assert len(practice) == 36 and clusters["size"].sum() == 36  # the other group included
    grouped = clusters[clusters["cluster"] != OTHER]
    assert grouped["size"].is_monotonic_decreasing
    terms = clusters.set_index("cluster")["terms"]
    of = practice.groupby("heading")["cluster"].agg(set)
    assert len(of["采取“支部+合作社+农户”模式"]) == 1   # identical measures share a cluster
    assert "易地扶贫搬迁" in terms[next(iter(of["实施易地扶贫搬迁"]))]
    assert "第一书记" in terms[next(iter(of["选派第一书记，配强驻村工作队"]))]
    for row in grouped.itertuples():
        assert row.label == "·".join(row.terms[:3])


def test_examples_cite_their_sentence(corpus_tables, tokenizer, resources) -> None:
    _, clusters, _ = _cluster(corpus_tables, tokenizer, resources)
    clusters = clusters[clusters["cluster"] != OTHER]
    titles = corpus_tables["documents"].set_index("doc_id")["title"]
    texts = corpus_tables["documents"].set_index("doc_id")["text"]
    for examples in clusters["examples_json"].map(json.loads):
        assert 1 <= len(examples) <= 3
        for ex in examples:
            assert ex["heading"] in ex["sentence"] and texts[ex["doc_id"]][ex["start"]:ex["end"]] == ex["sentence"]
            assert ex["title"] == titles[ex["doc_id"]]


def test_two_runs_give_identical_tables(corpus_tables, tokenizer, resources) -> None:
    first = _cluster(corpus_tables, tokenizer, resources, random_state=7)
    second = _cluster(corpus_tables, tokenizer, resources, random_state=7)
    for a, b in zip(first, second):
        pd.testing.assert_frame_equal(a, b)


def test_class_tfidf_hand_computed() -> None:
    # cluster 0: 合作社 产业; cluster 1: 合作社 培训. Average words per class A = 4/2 = 2.
    scores, vocab = class_tfidf([["合作社", "产业"], ["合作社", "培训"]], np.array([0, 1]), 2)
    col = {t: i for i, t in enumerate(vocab)}
    assert scores[0, col["合作社"]] == pytest.approx(0.5 * math.log(1 + 2 / 2))
    assert scores[0, col["产业"]] == pytest.approx(0.5 * math.log(1 + 2 / 1))
    assert scores[0, col["培训"]] == 0.0


def test_counts_made_once_give_the_terms_and_their_presence_as_made_apart() -> None:
    lists = [["合作社", "产业", "合作社"], ["培训"], [], ["产业", "党员"]]
    counts = term_counts(lists)
    matrix, terms = counts
    assert list(terms) == sorted({t for tokens in lists for t in tokens})
    assert matrix[0, list(terms).index("合作社")] == 2  # twice in the first measure
    present, column = term_presence(lists, counts)
    assert present[0, column["合作社"]] == 1 and present[:, column["产业"]].sum() == 2 and present[2].sum() == 0
    alone, alone_column = term_presence(lists)
    assert column == alone_column and (present != alone).nnz == 0 and matrix[0, list(terms).index("合作社")] == 2
    labels = np.array([0, 1, 1, 0])
    np.testing.assert_array_equal(class_tfidf(lists, labels, 2, counts)[0], class_tfidf(lists, labels, 2)[0])
    assert term_presence([[], []])[0].shape == (2, 0) and term_counts([[], []])[0].shape == (2, 0)


def test_relabel_by_size() -> None:
    assert relabel_by_size(np.array([2, 2, 0, 1, 1, 1])).tolist() == [1, 1, 2, 0, 0, 0]


def test_analyze_returns_contract_tables(corpus_tables, resources, tmp_path: Path) -> None:
    before = corpus_tables["documents"].copy()
    out = analyze(corpus_tables, resources, tmp_path, AnalyzeParams(make_figures=False))
    assert tuple(out) == TABLE_NAMES
    for name, columns in CONTRACT_COLUMNS.items():
        assert set(columns) <= set(out[name].columns), name
    pd.testing.assert_frame_equal(corpus_tables["documents"], before)  # inputs are not mutated
    again = analysis_tables(corpus_tables, resources, AnalyzeParams())
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(out[name], again[name])


def test_measures_without_offsets_fall_back_to_their_own_text(corpus_tables, tokenizer, resources) -> None:
    measures = corpus_tables["measures"].astype({"start": "float", "end": "float"})
    measures.loc[measures["doc_id"] == "doc_zn", ["start", "end"]] = float("nan")
    practice, clusters, _ = _cluster(dict(corpus_tables, measures=measures), tokenizer, resources)
    assert len(practice) == 36 and clusters["size"].sum() == 36
    zn = practice[practice["doc_id"] == "doc_zn"]
    assert len(zn) == 5


def test_both_representations_are_scored_and_the_better_is_kept(corpus_tables, tokenizer, resources) -> None:
    _, clusters, diagnostics = _cluster(corpus_tables, tokenizer, resources)
    assert sorted(diagnostics["representation"]) == ["lsa", "nmf"] and diagnostics["chosen"].sum() == 1
    chosen = diagnostics[diagnostics["chosen"]].iloc[0]
    assert chosen["score"] == diagnostics["score"].max() and chosen["score"] == pytest.approx(chosen["npmi"] + chosen["ari_subsamples"], abs=1e-3)
    assert ((-1 <= diagnostics[["npmi", "ari_seeds", "ari_subsamples"]]) & (diagnostics[["npmi", "ari_seeds", "ari_subsamples"]] <= 1)).all().all()
    grouped = clusters[clusters["cluster"] != OTHER]
    assert grouped["stable"].tolist() == [s is not None and s >= STABLE for s in grouped["stability"]]


def test_npmi_by_hand() -> None:
    lists = [["合作社", "产业"], ["合作社", "产业"], ["培训"]]
    assert cluster_npmi(lists, ["合作社", "产业"]) == 1.0  # always together
    assert cluster_npmi(lists, ["合作社", "培训"]) == -1.0  # never together
    # p(合作社)=2/3, p(党员)=1/3, p(both)=1/3: log((1/3)/(2/9)) / -log(1/3)
    assert cluster_npmi([["合作社", "党员"], ["合作社"], ["培训"]], ["合作社", "党员"]) == pytest.approx(math.log(1.5) / math.log(3), abs=1e-4)


def test_jaccard_stability_by_hand() -> None:
    members = np.array([0, 1, 2, 3])
    same = (np.arange(8), np.array([0, 0, 0, 0, 1, 1, 1, 1]))
    split = (np.arange(8), np.array([0, 0, 1, 1, 1, 1, 1, 1]))  # best match {0,1}: 2/4; or {2..7}: 2/8
    assert jaccard_stability(members, [same]) == 1.0
    assert jaccard_stability(members, [same, split]) == 0.75


def test_a_measure_that_fits_no_cluster_goes_to_the_other_group() -> None:
    groups = [["合作社", "产业", "增收"]] * 6 + [["第一书记", "驻村", "帮扶"]] * 6 + [["消防", "演练", "安全"]]
    model = PracticeClusterer(min_cluster_size=2).fit(groups)
    assert model.labels_[-1] == OTHER and set(model.labels_[:12]) == {0, 1}


def test_scoring_lines_and_dates_are_not_practices(corpus_tables, resources) -> None:
    from pipeline.analyze import load_analyze_resources

    patterns = load_analyze_resources().non_practice
    docs = unique_documents(corpus_tables["documents"])
    measures = corpus_tables["measures"].copy()
    first = measures.index[measures["measure_id"] == "doc_ws_m2_3"][0]
    measures.loc[first, "heading"] = "资金落实(总分5分,自评得分5分"
    kept = practice_measures(docs, measures, patterns)
    assert "doc_ws_m2_3" not in set(kept["measure_id"]) and len(kept) == len(practice_measures(docs, measures)) - 1
    assert not any(p.search("选派第一书记，配强驻村工作队") for p in patterns)
    assert any(p.search("2018年9月") for p in patterns) and any(p.search("附件：评分表") for p in patterns)


def _three_practices(n_each: int) -> tuple[list[list[str]], np.ndarray]:
    """Measures of three clearly different practices (vocabularies written by hand), interleaved."""
    vocab = [["合作社", "产业", "分红", "入股", "集体经济"], ["第一书记", "驻村工作队", "吃住在村", "帮扶", "结对"],
             ["易地扶贫搬迁", "安置点", "后续扶持", "就业", "社区"]]
    rng = np.random.default_rng(3)
    lists, truth = [], []
    for i in range(3 * n_each):
        words = vocab[i % 3]
        lists.append(list(rng.choice(words, size=4, replace=False)))
        truth.append(i % 3)
    return lists, np.array(truth)


def test_past_fit_sample_the_model_fitted_on_a_sample_labels_every_measure() -> None:
    lists, truth = _three_practices(100)
    sampled = PracticeClusterer(k_range=(3, 3), fit_sample=60).fit(lists)
    assert len(sampled.labels_) == 300 and OTHER not in sampled.labels_
    # the 240 measures outside the sample are assigned to the practice their words belong to
    assert adjusted_rand(truth, sampled.labels_) == 1.0
    # stability refits name rows of the whole input (sample rows), not positions in the sample
    assert all(score is not None and 0 <= score <= 1 for score in sampled.stability_)


def test_under_fit_sample_every_measure_is_fitted_and_past_it_a_seeded_sample() -> None:
    model = PracticeClusterer(fit_sample=100)
    assert (model._sample(100) == np.arange(100)).all()
    sample = model._sample(1000)
    assert len(sample) == 100 == len(set(sample.tolist())) and (np.diff(sample) > 0).all() and sample.max() < 1000
    assert (PracticeClusterer(fit_sample=100)._sample(1000) == sample).all()  # the same rows on every run


def adjusted_rand(a, b) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


def test_fits_in_several_processes_give_the_same_model() -> None:
    lists, _ = _three_practices(60)
    alone = PracticeClusterer(k_range=(2, 5), fit_sample=100).fit(lists)
    pooled = PracticeClusterer(k_range=(2, 5), fit_sample=100, n_jobs=2).fit(lists)
    assert len(alone.scores_) == 4 and alone.scores_ == pooled.scores_
    assert (alone.labels_ == pooled.labels_).all()
    assert alone.diagnostics_ == pooled.diagnostics_ and alone.stability_ == pooled.stability_


def test_candidate_ks_count_distinct_rows_only_as_far_as_k_needs() -> None:
    """k stops below the number of distinct rows (bags of words): counting them up to the largest k tried
    gives the candidates that counting all of them gives."""
    from pipeline.analyze.clusters import distinct_rows

    rows = [["合作社", "分红"], ["分红", "合作社"], [], ["党建"], ["党建", "引领"], ["电商"], ["电商", "扶贫"]] * 40
    assert distinct_rows(rows, 100) == 5 and distinct_rows(rows, 3) == 3
    for k_range in [(2, 3), (2, 4), (2, 5), (2, 9), (3, 30)]:
        model = PracticeClusterer(k_range=k_range)
        everything = len({tuple(sorted(t)) for t in rows if t})
        assert model.candidate_ks(rows) == list(range(k_range[0], min(k_range[1], everything - 1) + 1))
    many = [[f"词{n}", "合作社"] for n in range(400)]
    assert PracticeClusterer().candidate_ks(many) == list(range(2, 15))  # sqrt(400 / 2) = 14


def test_the_latent_space_is_the_same_whatever_the_number_of_blas_threads():
    """The SVD's floating-point sums must not depend on how many threads BLAS may use (a machine's cores, or
    a Dask cluster's OMP_NUM_THREADS=1): at 10 MB two thread counts had given diagnostics apart in the
    fourth decimal."""
    from scipy import sparse
    from threadpoolctl import threadpool_limits

    # large enough for BLAS to share the work out between threads (at 4,000 × 1,500 it did not)
    X = sparse.random(8000, 4000, density=0.003, format="csr", random_state=np.random.RandomState(3))
    sample = np.sort(np.random.default_rng(0).choice(8000, 5000, replace=False))
    PracticeClusterer(random_state=0)._reduce(X[:200], np.arange(100))  # loads every BLAS before limits are set
    found = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            found.append(PracticeClusterer(random_state=0)._reduce(X, sample))
    assert np.array_equal(found[0], found[1])
