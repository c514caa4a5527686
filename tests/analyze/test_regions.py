"""Tests for pipeline.analyze.regions: regional units, cluster mix and weighted log-odds terms."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pipeline.analyze.regions import compare_regions, log_odds_dirichlet, region_assignments
from pipeline.analyze.sentences import unique_documents


def test_log_odds_hand_computed_symmetric() -> None:
    # region: 合作社 3, 搬迁 1; rest: 合作社 1, 搬迁 3; corpus prior 4, 4 scaled to alpha0 = 8 → a = 4, 4.
    delta, z = log_odds_dirichlet(np.array([3, 1]), np.array([1, 3]), np.array([4, 4]), 8.0)
    expected = math.log(7 / 5) - math.log(5 / 7)        # (3+4)/(4+8-3-4) vs (1+4)/(4+8-1-4)
    assert delta[0] == pytest.approx(expected) and delta[1] == pytest.approx(-expected)
    assert z[0] == pytest.approx(expected / math.sqrt(1 / 7 + 1 / 5))


def test_log_odds_hand_computed_scaled_prior() -> None:
    # y_i = (2, 0), y_j = (0, 2), prior (2, 2) scaled to alpha0 = 2 → a = (1, 1); n_i = n_j = 2.
    delta, z = log_odds_dirichlet(np.array([2, 0]), np.array([0, 2]), np.array([2, 2]), 2.0)
    assert delta[0] == pytest.approx(math.log(3 / 1) - math.log(1 / 3))
    assert z[0] == pytest.approx(2 * math.log(3) / math.sqrt(1 / 3 + 1 / 1))


@pytest.mark.parametrize("min_docs,prefectures", [(3, ["安顺市"]), (4, []),
                                                  (1, ["凉山彝族自治州", "大理白族自治州", "安顺市", "广元市",
                                                       "红河哈尼族彝族自治州"])])
def test_prefectures_need_enough_documents(corpus_tables, min_docs: int, prefectures: list[str]) -> None:
    docs = unique_documents(corpus_tables["documents"])
    assign = region_assignments(docs, min_docs)
    assert sorted(set(assign.loc[assign["level"] == "prefecture", "region"])) == sorted(prefectures)
    provinces = assign[assign["level"] == "province"]
    assert provinces.groupby("region")["doc_id"].nunique().to_dict() == {"云南省": 2, "四川省": 2, "贵州省": 3}


DOCS = pd.DataFrame({"doc_id": ["g1", "g2", "y1", "y2"], "province": ["贵州省", "贵州省", "云南省", "云南省"],
                     "prefecture": ["安顺市", "安顺市", "大理白族自治州", None], "text": ["甲" * 10] * 4,
                     "chars": [10] * 4})
TOKENS = {"g1": ["易地扶贫搬迁", "安置点", "易地扶贫搬迁", "合作社", "第一书记"],
          "g2": ["易地扶贫搬迁", "后续扶持", "第一书记", "安置点"],
          "y1": ["合作社", "集体经济", "合作社", "第一书记"],
          "y2": ["合作社", "入股分红", "集体经济", "第一书记"]}
PRACTICE = pd.DataFrame({"doc_id": ["g1", "g1", "g2", "y1"], "measure_id": ["m1", "m2", "m3", "m4"],
                         "cluster": [0, 1, 0, 1]})


def test_distinctive_terms_and_cluster_shares() -> None:
    regions, region_clusters, terms = compare_regions(DOCS, PRACTICE, TOKENS, min_prefecture_docs=2, min_tokens=5,
                                                      alpha0=10.0, n_terms=5)
    assert regions[["level", "region", "n_documents", "n_tokens", "status"]].values.tolist() == [
        ["prefecture", "安顺市", 2, 9, "ranked"], ["province", "云南省", 2, 8, "ranked"],
        ["province", "贵州省", 2, 9, "ranked"]]
    top = terms[terms["rank"] == 1].set_index("region")["term"].to_dict()
    assert top == {"安顺市": "易地扶贫搬迁", "贵州省": "易地扶贫搬迁", "云南省": "合作社"}
    assert "第一书记" not in set(terms["term"])   # equally frequent everywhere: not distinctive
    shares = region_clusters[region_clusters["region"] == "贵州省"].set_index("cluster")["share"].to_dict()
    assert shares == pytest.approx({0: 2 / 3, 1: 1 / 3})


def test_small_regions_are_not_ranked() -> None:
    regions, _, terms = compare_regions(DOCS, PRACTICE, TOKENS, min_prefecture_docs=2, min_tokens=9)
    assert dict(zip(regions["region"], regions["status"])) == {
        "安顺市": "ranked", "云南省": "too_little_text", "贵州省": "ranked"}
    assert set(terms["region"]) <= {"安顺市", "贵州省"} and "云南省" not in set(terms["region"])


def test_count_matrix_from_tokens_or_word_counts() -> None:
    from collections import Counter

    from pipeline.analyze.regions import count_matrix

    tokens = [["合作社", "产业", "合作社"], [], ["党员", "产业"]]
    from_tokens, vocab = count_matrix(tokens)
    from_counts, same_vocab = count_matrix([Counter(t) for t in tokens])
    assert list(vocab) == list(same_vocab) == sorted({"合作社", "产业", "党员"})
    assert (from_tokens != from_counts).nnz == 0
    column = {w: n for n, w in enumerate(vocab)}
    assert from_tokens[0, column["合作社"]] == 2 and from_tokens[2, column["党员"]] == 1 and from_tokens[1].nnz == 0


def test_word_counts_added_document_by_document_make_the_count_matrix() -> None:
    from collections import Counter

    from pipeline.analyze.regions import WordCounts, count_matrix

    tokens = {"d2": ["党员", "产业"], "d1": ["合作社", "产业", "合作社"], "d3": []}
    counts = WordCounts()
    for doc_id, words in tokens.items():  # not in doc_id order
        counts.add(doc_id, Counter(words))
    doc_ids, matrix, vocab = counts.matrix()
    expected, expected_vocab = count_matrix([tokens[d] for d in sorted(tokens)])
    assert doc_ids == ["d1", "d2", "d3"] and list(vocab) == list(expected_vocab)
    assert (matrix != expected).nnz == 0
    assert matrix[0, list(vocab).index("合作社")] == 2
    again = counts.matrix()  # the matrix is a copy: asking twice, or adding after, leaves the counts whole
    assert again[0] == doc_ids and (again[1] != matrix).nnz == 0
    counts.add("d0", Counter(["党员", "党员", "新词"]))
    doc_ids, matrix, vocab = counts.matrix()
    assert doc_ids == ["d0", "d1", "d2", "d3"] and "新词" in list(vocab)
    assert matrix[0, list(vocab).index("党员")] == 2 and matrix[2, list(vocab).index("党员")] == 1
    in_order = WordCounts()  # documents already in doc_id order take the path without reordering
    for doc_id in sorted(tokens):
        in_order.add(doc_id, Counter(tokens[doc_id]))
    assert in_order.matrix()[0] == ["d1", "d2", "d3"] and (in_order.matrix()[1] != expected).nnz == 0
    regions_from_counts = compare_regions(DOCS, PRACTICE, _word_counts(TOKENS), min_prefecture_docs=2, min_tokens=5)
    regions_from_tokens = compare_regions(DOCS, PRACTICE, TOKENS, min_prefecture_docs=2, min_tokens=5)
    for a, b in zip(regions_from_counts, regions_from_tokens):
        pd.testing.assert_frame_equal(a, b)


def test_word_counts_joined_in_chunks_and_handed_over_give_the_same_matrix(monkeypatch) -> None:
    from collections import Counter

    from pipeline.analyze.regions import WordCounts

    words = ["党员", "产业", "合作社", "村集体", "电商"]
    tokens = {f"d{n:02d}": [words[(n * k) % 5] for k in range(n % 7)] for n in range(23)}
    whole = WordCounts()
    for doc_id in reversed(list(tokens)):  # out of doc_id order
        whole.add(doc_id, Counter(tokens[doc_id]))
    expected = whole.matrix()
    monkeypatch.setattr(WordCounts, "CHUNK", 4)  # 23 documents: five full chunks and one of three
    chunked = WordCounts()
    for doc_id in reversed(list(tokens)):
        chunked.add(doc_id, Counter(tokens[doc_id]))
    assert len(chunked._chunks) == 5 and len(chunked._pending) == 3
    doc_ids, matrix, vocab = chunked.matrix(release=True)
    assert doc_ids == expected[0] == sorted(tokens) and list(vocab) == list(expected[2])
    assert (matrix != expected[1]).nnz == 0
    assert matrix[doc_ids.index("d13"), list(vocab).index("电商")] == tokens["d13"].count("电商") > 0
    assert chunked._chunks == [] and chunked.doc_ids == []  # handed over: nothing of the counts is left


def _word_counts(tokens):
    from collections import Counter

    from pipeline.analyze.regions import WordCounts

    counts = WordCounts()
    for doc_id, words in tokens.items():
        counts.add(doc_id, Counter(words))
    return counts


def test_word_totals_summed_by_blocks_of_rows_are_the_matrix_sums(monkeypatch) -> None:
    from scipy import sparse

    from pipeline.analyze import regions

    rng = np.random.default_rng(0)
    dense = rng.integers(0, 4, size=(23, 9)) * (rng.random((23, 9)) < 0.3)
    dense[[0, 5, 6, 22]] = 0  # empty rows, the first and the last among them
    counts = sparse.csr_matrix(dense.astype(np.int32))
    monkeypatch.setattr(regions, "ROW_BLOCK", 4)
    assert regions.column_sums(counts).tolist() == dense.sum(axis=0).tolist()
    assert regions.column_sums(counts, [1, 2, 7, 8, 9, 20]).tolist() == dense[[1, 2, 7, 8, 9, 20]].sum(axis=0).tolist()
    assert regions.row_sums(counts).tolist() == dense.sum(axis=1).tolist()
    big = sparse.csr_matrix(np.full((3, 2), 2**30, dtype=np.int32))
    assert regions.column_sums(big).tolist() == [3 * 2**30] * 2 and regions.row_sums(big).tolist() == [2**31] * 3


def test_columns_of_gives_each_word_one_column_and_one_string_object() -> None:
    from pipeline.analyze.regions import WordCounts

    counts = WordCounts()
    first = counts.columns_of(["党员", "产业"])
    # a word received again (as from another worker: a new string object) keeps its column and its first object
    second = counts.columns_of(["合作社", "".join(["党", "员"])])
    assert first.tolist() == [0, 1] and second.tolist() == [2, 0] and first.dtype == np.int32
    assert counts.words == ["党员", "产业", "合作社"] and counts.words[second[1]] is counts.words[first[0]]
    counts.add_columns("d2", second, np.array([1, 3]))
    counts.add_columns("d1", first, np.array([2, 2]))
    doc_ids, matrix, vocab = counts.matrix(release=True)
    assert doc_ids == ["d1", "d2"] and sorted(vocab) == list(vocab)
    assert matrix[1, list(vocab).index("党员")] == 3 and matrix[0, list(vocab).index("党员")] == 2
    assert counts.words == [] and counts.column == {}
