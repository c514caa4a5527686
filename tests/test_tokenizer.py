"""Tests for pipeline.tokenizer: both backends, the same user words, offsets, the fallback to jieba."""
from __future__ import annotations

import pickle
import sys

import pytest

from pipeline.analyze.tokens import DATA_DIR, USERDICT_NAME
from pipeline.resources import read_word_list
from pipeline.tokenizer import Tokenizer, available_backend, parse_user_words

USER_WORDS = parse_user_words(read_word_list(DATA_DIR / USERDICT_NAME))
# Sentences read by hand: the user dictionary's terms must come out whole, whatever the backend.
SENTENCES = [
    ("选派第一书记和驻村工作队吃住在村", ["第一书记", "驻村工作队"]),
    ("对建档立卡贫困户实施易地扶贫搬迁", ["建档立卡", "贫困户", "易地扶贫搬迁"]),
    ("深入开展两学一做学习教育", ["两学一做"]),
]


@pytest.fixture(scope="module", params=["rjieba", "jieba"])
def tokenizer(request) -> Tokenizer:
    return Tokenizer(USER_WORDS, request.param)


def test_parse_user_words_reads_frequency_and_tag_when_present() -> None:
    assert parse_user_words(["建档立卡 3000 n", "驻村工作队", "三变改革 2000", "  "]) == [
        ("建档立卡", 3000, "n"), ("驻村工作队", None, None), ("三变改革", 2000, None)]


@pytest.mark.parametrize("text,terms", SENTENCES)
def test_user_words_stay_whole(tokenizer: Tokenizer, text: str, terms: list[str]) -> None:
    words = tokenizer.cut(text)
    assert all(term in words for term in terms), words


def test_offsets_index_the_text(tokenizer: Tokenizer) -> None:
    text = "一是选派第一书记，配强驻村工作队。\n二是发展合作社 2018年增收12.5万元。"
    spans = tokenizer.tokenize(text)
    assert all(text[s:e] == w for w, s, e in spans)
    assert "".join(w for w, _, _ in spans) == text
    assert [w for w, _, _ in spans] == tokenizer.lcut(text)


def test_without_hmm_unknown_words_fall_apart(tokenizer: Tokenizer) -> None:
    # 郗屯 is no dictionary word: only the HMM glues it; dictionary-only cutting keeps single characters
    assert "郗屯" not in tokenizer.cut("郗屯村", HMM=False)


def test_backends_cut_chinese_text_alike() -> None:
    text = "我县坚持党建引领，推行支部+合作社+农户模式，全县建档立卡贫困户全部脱贫。"
    words = {name: Tokenizer(USER_WORDS, name).tokenize(text) for name in ("jieba", "rjieba")}
    assert words["jieba"] == words["rjieba"]


def test_empty_text_has_no_words(tokenizer: Tokenizer) -> None:
    assert tokenizer.cut("") == [] and tokenizer.tokenize("") == []


def test_falls_back_to_jieba_without_rjieba(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba now raises ImportError
    assert available_backend() == "jieba"
    assert Tokenizer(USER_WORDS).backend == "jieba"


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown tokenizer backend"):
        Tokenizer(backend="thulac")


def test_a_tokenizer_does_not_pickle(tokenizer: Tokenizer) -> None:
    with pytest.raises(TypeError, match="does not pickle"):
        pickle.dumps(tokenizer)


def test_initialised_reads_jiebas_cache_as_jieba_does(tmp_path, monkeypatch) -> None:
    import jieba

    from pipeline.tokenizer import initialised

    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))  # jieba's cache folder too
    built = initialised(jieba.Tokenizer())  # no cache yet: jieba builds it and writes it
    assert (tmp_path / "jieba.cache").is_file()
    read = jieba.Tokenizer()
    read.initialize = lambda *args: pytest.fail("the cache is read without jieba's initialize()")
    read = initialised(read)
    assert read.initialized and read.total == built.total and read.FREQ == built.FREQ
    assert read.lcut("全县建成专业合作社120个") == built.lcut("全县建成专业合作社120个")


def test_initialised_rebuilds_a_cache_that_does_not_read(tmp_path, monkeypatch) -> None:
    import marshal

    import jieba

    from pipeline.tokenizer import initialised

    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    (tmp_path / "jieba.cache").write_bytes(marshal.dumps(123))  # not (dictionary, total)
    engine = initialised(jieba.Tokenizer())
    assert engine.initialized and engine.total > 0 and engine.FREQ["合作社"] > 0
    assert marshal.loads((tmp_path / "jieba.cache").read_bytes())[1] == engine.total  # jieba wrote it again
