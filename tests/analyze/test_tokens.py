"""Tests for pipeline.analyze.tokens: private jieba tokenizer, user dictionary, stopwords."""
from __future__ import annotations

import pickle
import threading
from collections import Counter
from pathlib import Path

import jieba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.analyze.tokens import DATA_DIR, doc_tokens, load_analyze_resources, load_stopwords, token_spans, tokenize

DOMAIN_TERMS = [
    ("选派第一书记和驻村工作队吃住在村", ["第一书记", "驻村工作队"]),
    ("对建档立卡贫困户实施易地扶贫搬迁", ["建档立卡", "贫困户", "易地扶贫搬迁"]),
    ("结合村两委换届整顿软弱涣散村党组织", ["村两委", "软弱涣散", "村党组织"]),
    ("深入开展两学一做学习教育", ["两学一做"]),
    ("由合作社带动壮大集体经济", ["合作社", "集体经济"]),
]
NOISE = [
    ("2018年，我们加强工作。", []),  # digits, single chars, punctuation, function and generic words only
    ("一是推进三变改革。", ["三变改革"]),
    ("全县共有12个贫困村", ["贫困村"]),
]
USERDICT_ONLY = ["驻村工作队", "易地扶贫搬迁", "两学一做"]


@pytest.mark.parametrize("text,terms", DOMAIN_TERMS)
def test_domain_terms_stay_whole(text: str, terms: list[str], tokenizer, resources) -> None:
    tokens = tokenize(text, tokenizer, resources.stopwords)
    assert all(term in tokens for term in terms), tokens


@pytest.mark.parametrize("text,expected", NOISE)
def test_stopwords_digits_punctuation_and_single_chars_dropped(text: str, expected: list[str], tokenizer,
                                                               resources) -> None:
    assert tokenize(text, tokenizer, resources.stopwords) == expected


@pytest.mark.parametrize("word", USERDICT_ONLY)
def test_global_jieba_dictionary_untouched(word: str, tokenizer) -> None:
    assert word in tokenizer.lcut(word + "吃住在村")
    assert word not in jieba.dt.user_word_tag_tab
    assert word not in jieba.lcut(word + "吃住在村")  # the global segmenter still splits it


def test_token_spans_index_the_text(tokenizer, resources) -> None:
    text = "一是选派第一书记，配强驻村工作队。二是发展合作社。"
    spans = token_spans(text, tokenizer, resources.stopwords)
    assert all(text[s:e] == tok for tok, s, e in spans)
    assert [tok for tok, _, _ in spans] == tokenize(text, tokenizer, resources.stopwords)
    tokens = doc_tokens(text, tokenizer, resources.stopwords)
    second = text.index("二是")
    assert tokens.between(second, len(text)) == ["发展", "合作社"]
    assert tokens.between(0, second) == ["选派", "第一书记", "配强", "驻村工作队"]
    # a token crossing either edge is left out: 第一书记 spans 4–8
    assert tokens.between(5, text.index("驻村")) == ["配强"] and tokens.between(0, 6) == ["选派"]


def test_the_words_of_a_corpus_are_held_once(tokenizer, resources) -> None:
    vocabulary: dict[str, str] = {}
    first = doc_tokens("发展合作社，壮大合作社。", tokenizer, resources.stopwords, vocabulary)
    second = doc_tokens("合作社分红。", tokenizer, resources.stopwords, vocabulary)
    assert first.words == ["发展", "合作社", "壮大", "合作社"] and second.words == ["合作社", "分红"]
    assert first.words[1] is first.words[3] is second.words[0]
    received = pickle.loads(pickle.dumps(second))  # as from a worker: fresh strings
    assert received == second and received.shared(vocabulary).words[0] is first.words[1]


def test_data_files_have_headers_and_enough_terms() -> None:
    userdict = (DATA_DIR / "userdict.txt").read_text(encoding="utf-8").splitlines()
    assert userdict[0].startswith("#")
    entries = [line.split() for line in userdict if line and not line.startswith("#")]
    assert len(entries) >= 150
    assert all(len(e) == 3 and e[1].isdigit() and e[2].isalpha() for e in entries)
    stopwords = load_stopwords(DATA_DIR / "stopwords.txt")
    assert {"工作", "推进", "开展", "加强", "我们"} <= stopwords
    assert not any(word.startswith("#") for word in stopwords)


def test_missing_resources_raise(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_analyze_resources(tmp_path)


def test_resources_are_frozen(resources) -> None:
    with pytest.raises(AttributeError):
        resources.stopwords = frozenset()


def test_the_kept_words_follow_the_stopwords_in_use(tokenizer, resources, monkeypatch) -> None:
    """The verdict on each word is remembered, but for the stopwords in use only: the same text under
    other stopwords, or with nothing remembered, keeps what is_content_token keeps."""
    from pipeline.analyze import tokens

    text = "我们坚持党建引领，发展集体经济，2019年村集体经济收入达到12万元。"
    first = [t for t, _, _ in token_spans(text, tokenizer, resources.stopwords)]
    assert "集体经济" in first and "我们" not in first and "2019" not in first
    fewer = [t for t, _, _ in token_spans(text, tokenizer, resources.stopwords | {"集体经济"})]
    assert "集体经济" not in fewer and [t for t in first if t != "集体经济"] == fewer
    monkeypatch.setattr(tokens, "CONTENT_CACHE", 0)
    monkeypatch.setattr(tokens, "_CONTENT", {})
    assert [t for t, _, _ in token_spans(text, tokenizer, resources.stopwords)] == first


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("党建引领合作社集体经济第一书记驻村工作队两学一做发展壮大我们的了，。、；：“”（）\n\t 　ABCxyz2019年１２％")),
               max_size=80))
def test_doc_tokens_are_the_token_spans(tokenizer, resources, text) -> None:
    """Offsets summed from the words' lengths are the tokenizer's own offsets, whatever the text holds."""
    from pipeline.analyze.tokens import DocTokens

    expected = DocTokens.of(token_spans(text, tokenizer, resources.stopwords))
    found = doc_tokens(text, tokenizer, resources.stopwords)
    assert found == expected and found.starts.dtype == found.ends.dtype == np.int32


def test_doc_tokens_fall_back_on_words_that_miss_part_of_the_text(tokenizer, resources, monkeypatch) -> None:
    text = "发展合作社，壮大集体经济。"
    cut = tokenizer.cut
    monkeypatch.setattr(tokenizer, "cut", lambda t, HMM=True: [w for w in cut(t, HMM) if w != "，"])  # noqa: N803
    tokens = doc_tokens(text, tokenizer, resources.stopwords)
    assert tokens.words == ["发展", "合作社", "壮大", "集体经济"]
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends)] == tokens.words


def test_a_batch_coded_for_the_trip_back_decodes_to_each_documents_words(tokenizer, resources) -> None:
    from collections import Counter

    from pipeline.analyze import words_of_batch

    text = "一是选派第一书记。二是发展合作社，壮大合作社集体经济。"
    second = text.index("二是")
    measure = {"heading": "二是发展合作社", "text": text[second:], "start": second, "end": len(text)}
    items = [(text, [measure]), ("合作社分红，党员带头。", []), ("", [])]
    (coded,) = words_of_batch(items, (tokenizer, resources.stopwords))
    assert len(coded.words) == len(set(coded.words))  # each distinct word once for the whole batch
    assert len(coded.documents) == 3 and coded.documents[2][1].size == 0
    for item, (measures, ids, n) in zip(items, coded.documents):
        expected_measures, expected_words = words_of(item, (tokenizer, resources.stopwords))
        assert [[coded.words[i] for i in tokens] for tokens in measures] == expected_measures
        assert dict(zip([coded.words[i] for i in ids], n.tolist())) == Counter(expected_words)
    measures, ids, n = coded.documents[0]
    # read by hand: 合作社 twice in the text, and the measure's tokens are its heading's then its text's
    assert dict(zip([coded.words[i] for i in ids], n.tolist()))["合作社"] == 2
    assert [coded.words[i] for i in measures[0]][:2] == ["发展", "合作社"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("党建引领合作社集体经济第一书记驻村工作队两学一做发展壮大我们的了，。、；：“”（）\n\t 　ABCxyz2019年１２％")),
                        max_size=60), max_size=4))
def test_coded_tokens_are_the_doc_tokens(tokenizer, resources, texts) -> None:
    """Numbered in one table across several texts, each text's tokens decode to its doc_tokens."""
    from pipeline.analyze.tokens import WordCodes, coded_tokens

    table = WordCodes(resources.stopwords)
    for text in texts:
        expected = doc_tokens(text, tokenizer, resources.stopwords)
        found = coded_tokens(text, tokenizer, table)
        assert [table.words[c] for c in found.codes.tolist()] == expected.words
        assert np.array_equal(found.starts, expected.starts) and np.array_equal(found.ends, expected.ends)
    assert len(table.words) == len(set(table.words)) == len(table)


def test_word_codes_know_each_words_length_and_verdict(resources) -> None:
    from pipeline.analyze.tokens import WordCodes

    table = WordCodes(resources.stopwords)
    words = ["合作社", "，", "我们", "合作社", "2019"] + ["词" + chr(0x4E00 + n) for n in range(3000)]  # past the arrays' first room
    codes = table.codes(words)
    assert codes[:5].tolist() == [0, 1, 2, 0, 3] and codes[-1] == 3003
    assert table.lengths[[0, 1, 2, 3, 3003]].tolist() == [3, 1, 2, 4, 2]
    # read by hand: only 合作社 and the made-up 词… words are content (我们 is a stopword)
    assert table.content[[0, 1, 2, 3, 3003]].tolist() == [True, False, False, False, True]


def test_a_batch_decodes_the_same_when_the_word_table_starts_again(tokenizer, resources, monkeypatch) -> None:
    """A full table is started again between batches; a measure whose offsets miss its text is tokenised
    on its own, and its new words are numbered too."""
    from pipeline import analyze
    from pipeline.analyze import words_of_batch
    from pipeline.analyze.tokens import WordCodes

    text = "一是选派第一书记。二是发展合作社，壮大合作社集体经济。"
    astray = {"heading": "三是完善利益联结", "text": "三是完善利益联结机制", "start": 2, "end": 9}
    items = [(text, [astray]), ("合作社分红，党员带头。", [])]
    monkeypatch.setattr(WordCodes, "LIMIT", 3)
    monkeypatch.setattr(analyze, "_WORD_CODES", threading.local())
    tables = []
    for _ in range(2):  # the second batch finds the table full and starts a new one
        (coded,) = words_of_batch(items, (tokenizer, resources.stopwords))
        tables.append(analyze._WORD_CODES.table)
        for item, (measures, ids, n) in zip(items, coded.documents):
            expected_measures, expected_words = words_of(item, (tokenizer, resources.stopwords))
            assert [[coded.words[i] for i in tokens] for tokens in measures] == expected_measures
            assert sorted(zip([coded.words[i] for i in ids], n.tolist())) == sorted(Counter(expected_words).items())
    assert tables[0] is not tables[1]
    # the stray measure on its own, heading then text (完善 is a stopword): offsets 2–9 would have given 选派…
    assert [coded.words[i] for i in coded.documents[0][0][0]] == ["利益", "联结", "利益", "联结"]


def words_of(item: tuple[str, list[dict]], shared) -> tuple[list[list[str]], list[str]]:
    """The reference the coded batches are compared with, as strings: each measure's tokens (measure_tokens
    over the document's doc_tokens) and the document's content words."""
    from pipeline.analyze.clusters import measure_tokens

    tokenizer, stopwords = shared
    text, measures = item
    tokens = doc_tokens(text, tokenizer, stopwords)
    return [measure_tokens(row, text, tokens, tokenizer, stopwords) for row in measures], tokens.words
