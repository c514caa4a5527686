"""Tests for pipeline.analyze.county_stats and the source-sentence helper."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.analyze.county_stats import county_statistics
from pipeline.analyze.sentences import sentence_bounds, source_sentence, unique_documents

SENTENCES = [
    ("一是发展产业。二是建设合作社15个；三是培训农民", "15个", "二是建设合作社15个；"),
    ("一是发展产业。二是培训农民300人", "300人", "二是培训农民300人"),
    ("标题\n贫困发生率降至1.9%。", "贫困发生率降至1.9%。", "贫困发生率降至1.9%。"),
    ("全县脱贫！共建成扶贫车间12个？是的", "扶贫车间12个", "共建成扶贫车间12个？"),
]


@pytest.mark.parametrize("text,surface,expected", SENTENCES)
def test_source_sentence(text: str, surface: str, expected: str) -> None:
    start = text.index(surface)
    assert source_sentence(text, start, start + len(surface)) == expected


def test_county_statistics_on_corpus(corpus_tables) -> None:
    docs = unique_documents(corpus_tables["documents"])
    table = county_statistics(docs, corpus_tables["statistics"])
    # 贫困发生率 % in 镇宁, 紫云, 昭觉 (XX县 has no county: not compared); 合作社 个 in 镇宁 and 紫云;
    # 生态护林员 名 occurs in one document only; the duplicate 镇宁 copy is never counted.
    assert sorted(zip(table["indicator"], table["county"])) == [
        ("合作社", "紫云苗族布依族自治县"), ("合作社", "镇宁布依族苗族自治县"),
        ("贫困发生率", "昭觉县"), ("贫困发生率", "紫云苗族布依族自治县"), ("贫困发生率", "镇宁布依族苗族自治县")]
    n_docs = dict(zip(table["indicator"], table["n_documents"]))
    assert n_docs == {"合作社": 2, "贫困发生率": 3}
    zn = table[(table["county"] == "镇宁布依族苗族自治县") & (table["indicator"] == "合作社")].iloc[0]
    assert zn["sentence"] == "全县贫困发生率降至1.9%，发展合作社15个。"
    assert zn["title"] == "镇宁自治县抓党建促脱贫的实践与探索" and zn["text"] == "15个" and zn["value"] == 15.0
    assert zn["adcode"] == "520423" and zn["province"] == "贵州省"


def test_figures_without_a_canonical_indicator_are_not_compared(corpus_tables) -> None:
    """A count noun as written (干部, 社区) names different things in different sentences."""
    docs = unique_documents(corpus_tables["documents"])
    stats = corpus_tables["statistics"].copy()
    stats.loc[stats["indicator"].eq("合作社"), "indicator_norm"] = None
    assert set(county_statistics(docs, stats)["indicator"]) == {"贫困发生率"}


def test_threshold_is_a_parameter(corpus_tables) -> None:
    docs = unique_documents(corpus_tables["documents"])
    table = county_statistics(docs, corpus_tables["statistics"], min_documents=1)
    assert "生态护林员" in set(table["indicator"])
    assert county_statistics(docs, corpus_tables["statistics"].iloc[0:0]).empty


def test_only_like_is_compared_with_like(corpus_tables) -> None:
    """A village's figure, a target and a figure of a provincial document never join a county comparison."""
    stats = corpus_tables["statistics"].copy()
    docs = unique_documents(corpus_tables["documents"]).copy()
    base = county_statistics(docs, stats)
    village = stats["doc_id"].eq("doc_zy") & stats["indicator"].eq("合作社")
    stats.loc[village, "level"] = "village"
    assert set(county_statistics(docs, stats)["indicator"]) == {"贫困发生率"}  # 合作社 left in one county
    stats.loc[stats["doc_id"].eq("doc_zj") & stats["unit"].eq("%"), "kind"] = "target"
    rates = county_statistics(docs, stats)
    assert set(rates["county"]) == {"镇宁布依族苗族自治县", "紫云苗族布依族自治县"}  # the target stands apart
    docs.loc[docs["doc_id"].eq("doc_zy"), "place_level"] = "province"
    assert county_statistics(docs, stats).empty
    assert len(base) == 5


@given(st.text(alphabet="贫困户合作社。！？；\n，12% ", max_size=40), st.data())
def test_sentence_bounds_cover_the_span(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    begin, finish = sentence_bounds(text, start, end)
    assert begin <= start and finish >= end
    assert not any(mark in text[begin:start] for mark in "。！？；\n")  # no sentence end before the span
