"""Tokenisation for the analyze stage: a private tokenizer (pipeline/tokenizer.py) with the user dictionary, stopwords."""
from __future__ import annotations

import logging
import re

import numpy as np
from dataclasses import dataclass
from pathlib import Path

from pipeline.resources import read_word_list
from pipeline.tokenizer import Tokenizer, parse_user_words

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
USERDICT_NAME = "userdict.txt"
STOPWORDS_NAME = "stopwords.txt"
FORMULAS_NAME = "formulas.txt"
NON_PRACTICE_NAME = "non_practice.txt"

# A kept token is made only of CJK ideographs or Latin letters (no digits, punctuation, spaces).
_WORD_RE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]+$")

TokenSpan = tuple[str, int, int]


@dataclass(frozen=True)
class AnalyzeResources:
    """Read-only resources of the analyze stage: jieba user dictionary path, stopwords, official formulas."""

    userdict: Path
    stopwords: frozenset[str]
    formulas: tuple[str, ...] = ()  # pipeline/data/formulas.txt as letters: never counted as text reuse
    non_practice: tuple = ()  # pipeline/data/non_practice.txt: headings kept out of the practice clusters

    def make_tokenizer(self) -> Tokenizer:
        """Build a fresh tokenizer (≈1 s with jieba); build it once per run and pass it around."""
        return make_tokenizer(self.userdict)


def load_stopwords(path: Path) -> frozenset[str]:
    """Load a stopword file (one word per line, # comments)."""
    return frozenset(read_word_list(path))


def load_analyze_resources(data_dir: Path | None = None) -> AnalyzeResources:
    """Load the analyze resources from `data_dir` (default: the package's data folder)."""
    base = data_dir if data_dir is not None else DATA_DIR
    userdict = base / USERDICT_NAME
    if not userdict.is_file():
        raise FileNotFoundError(f"jieba user dictionary missing: {userdict}")
    from pipeline.analyze.reuse import load_formulas

    from pipeline.resources import compile_pattern, numbered_lines

    formulas, non_practice = base / FORMULAS_NAME, base / NON_PRACTICE_NAME
    patterns = tuple(compile_pattern(non_practice, n, line.strip()) for n, line in numbered_lines(non_practice)) if non_practice.is_file() else ()
    return AnalyzeResources(userdict=userdict, stopwords=load_stopwords(base / STOPWORDS_NAME),
                            formulas=load_formulas(formulas) if formulas.is_file() else (), non_practice=patterns)


def make_tokenizer(userdict: Path, backend: str | None = None) -> Tokenizer:
    """A private tokenizer carrying the user dictionary (rjieba when installed, else jieba; never jieba's
    global one)."""
    tokenizer = Tokenizer(parse_user_words(read_word_list(userdict)), backend)
    logger.debug("%s tokenizer ready with user dictionary %s", tokenizer.backend, userdict)
    return tokenizer


def is_content_token(token: str, stopwords: frozenset[str]) -> bool:
    """True for a token worth counting: ≥2 chars, letters/ideographs only, not a stopword."""
    return len(token) >= 2 and bool(_WORD_RE.match(token)) and token not in stopwords


def tokenize(text: str, tokenizer: Tokenizer, stopwords: frozenset[str]) -> list[str]:
    """Content tokens of `text` (stopwords, punctuation, digits and single characters dropped)."""
    if not text:
        return []
    return [tok for tok in tokenizer.lcut(text) if is_content_token(tok, stopwords)]


def token_spans(text: str, tokenizer: Tokenizer, stopwords: frozenset[str]) -> list[TokenSpan]:
    """Content tokens of `text` with offsets: text[start:end] == token."""
    if not text:
        return []
    found = tokenizer.tokenize(text)
    verdicts = _verdicts([tok for tok, _, _ in found], stopwords)
    return [span for span in found if verdicts[span[0]]]


def _verdicts(words, stopwords: frozenset[str]) -> dict[str, bool]:
    """is_content_token of each of `words`: the cache of verdicts under these stopwords, with the new words
    added (a corpus repeats its words: the test ran per token), or this text's own when the cache is full."""
    kept = _content_words(stopwords)
    new = set(words).difference(kept)
    if len(kept) + len(new) > CONTENT_CACHE:
        return {**{w: kept[w] for w in set(words).difference(new)}, **{w: is_content_token(w, stopwords) for w in new}}
    kept.update((w, is_content_token(w, stopwords)) for w in new)
    return kept


CONTENT_CACHE = 1_000_000  # words whose verdict is kept
_CONTENT: dict[frozenset[str], dict[str, bool]] = {}


def _content_words(stopwords: frozenset[str]) -> dict[str, bool]:
    """The cache of is_content_token's verdicts under these stopwords."""
    if stopwords not in _CONTENT:
        _CONTENT.clear()  # one set of stopwords per run: the cache of another is not needed again
        _CONTENT[stopwords] = {}
    return _CONTENT[stopwords]


class DocTokens:
    """A document's content tokens, compact: the words (one shared string object per distinct word, see
    `shared_words`) and their offsets as int32 arrays. As (word, start, end) tuples of fresh strings a token
    took about 230 bytes; a corpus of 200 MB has some 20 million of them."""

    __slots__ = ("words", "starts", "ends")

    def __init__(self, words: list[str], starts: np.ndarray, ends: np.ndarray) -> None:
        self.words, self.starts, self.ends = words, starts, ends

    @classmethod
    def of(cls, spans: list[TokenSpan], vocabulary: dict[str, str] | None = None) -> "DocTokens":
        """From (word, start, end) spans, each word replaced by the vocabulary's copy of it."""
        vocabulary = {} if vocabulary is None else vocabulary
        return cls([vocabulary.setdefault(w, w) for w, _, _ in spans], np.array([s for _, s, _ in spans], dtype=np.int32),
                   np.array([e for _, _, e in spans], dtype=np.int32))

    def between(self, start: int, end: int) -> list[str]:
        """The words lying wholly inside [start, end)."""
        lo, hi = np.searchsorted(self.starts, [start, end])
        return [self.words[i] for i in (np.flatnonzero(self.ends[lo:hi] <= end) + lo).tolist()]

    def shared(self, vocabulary: dict[str, str]) -> "DocTokens":
        """The same tokens with the vocabulary's copy of each word (a word received from a worker process
        is a new string for each occurrence)."""
        self.words = [vocabulary.setdefault(w, w) for w in self.words]
        return self

    def __len__(self) -> int:
        return len(self.words)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DocTokens) and self.words == other.words and np.array_equal(self.starts, other.starts) \
            and np.array_equal(self.ends, other.ends)

    def __getstate__(self):
        return self.words, self.starts, self.ends

    def __setstate__(self, state) -> None:
        self.words, self.starts, self.ends = state


def doc_tokens(text: str, tokenizer: Tokenizer, stopwords: frozenset[str], vocabulary: dict[str, str] | None = None) -> DocTokens:
    """token_spans of `text` as DocTokens, the offsets summed from the lengths of the tokenizer's words,
    which cover the text: a (word, start, end) tuple made and tested per token took most of the time a
    worker spent tokenising (a corpus of 200 MB has some 20 million tokens)."""
    words = tokenizer.cut(text) if text else []
    lengths = np.fromiter(map(len, words), dtype=np.int32, count=len(words))
    ends = np.cumsum(lengths, dtype=np.int32)
    if len(words) and ends[-1] != len(text):  # the words do not cover the text: the tokenizer's own offsets
        return DocTokens.of(token_spans(text, tokenizer, stopwords), vocabulary)
    kept = np.flatnonzero(np.fromiter(map(_verdicts(words, stopwords).__getitem__, words), dtype=bool, count=len(words)))
    vocabulary = {} if vocabulary is None else vocabulary
    return DocTokens([vocabulary.setdefault(words[i], words[i]) for i in kept.tolist()], ends[kept] - lengths[kept], ends[kept])


class WordCodes(dict):
    """A number for each word a tokenising thread has cut, with the word's length and whether it is a
    content token (is_content_token) by number: a document's words become numbers in one lookup per token, its
    offsets and content tokens then found on arrays. (Made strings per token, tested, shared and numbered
    one dictionary lookup after another, a token cost four times what cutting it did.)"""

    LIMIT = 500_000  # words remembered; past it the table starts again (numbers hold within a batch)

    def __init__(self, stopwords: frozenset[str]) -> None:
        super().__init__()
        self.stopwords = stopwords
        self.words: list[str] = []
        self._new: list[str] = []  # numbered since the arrays last grew
        self.lengths = np.zeros(1024, dtype=np.int32)  # each numbered word's length
        self.content = np.zeros(1024, dtype=bool)  # whether each numbered word is a content token

    def __missing__(self, word: str) -> int:
        number = self[word] = len(self.words)
        self.words.append(word)
        self._new.append(word)
        return number

    def codes(self, words: list[str]) -> np.ndarray:
        """The number of each word (int32), new words numbered as they come."""
        found = np.fromiter(map(self.__getitem__, words), dtype=np.int32, count=len(words))
        if self._new:
            self._grow()
        return found

    def _grow(self) -> None:
        """The lengths and verdicts of the words numbered since the last call, added to the arrays (whose
        room doubles when full: a copy per new word took longer than the lookups)."""
        n, new = len(self.words), self._new
        if n > len(self.lengths):
            size = max(n, 2 * len(self.lengths))
            self.lengths = np.resize(self.lengths, size)
            self.content = np.resize(self.content, size)
        self.lengths[n - len(new) : n] = np.fromiter(map(len, new), dtype=np.int32, count=len(new))
        self.content[n - len(new) : n] = [is_content_token(w, self.stopwords) for w in new]
        self._new = []

    def full(self) -> bool:
        """Whether the table holds more words than it should keep."""
        return len(self.words) > self.LIMIT


class CodedTokens:
    """A document's content tokens as numbers of a WordCodes table, with their offsets (int32 arrays)."""

    __slots__ = ("codes", "starts", "ends")

    def __init__(self, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
        self.codes, self.starts, self.ends = codes, starts, ends

    def between(self, start: int, end: int) -> np.ndarray:
        """The numbers of the tokens lying wholly inside [start, end)."""
        lo, hi = np.searchsorted(self.starts, [start, end])
        return self.codes[lo:hi][self.ends[lo:hi] <= end]


def coded_tokens(text: str, tokenizer: Tokenizer, table: WordCodes) -> CodedTokens:
    """doc_tokens of `text` as numbers of `table` (the same tokens and offsets)."""
    words = tokenizer.cut(text) if text else []
    codes = table.codes(words)
    lengths = table.lengths[codes]
    ends = np.cumsum(lengths, dtype=np.int32)
    if len(words) and ends[-1] != len(text):  # the words do not cover the text: the tokenizer's own offsets
        spans = token_spans(text, tokenizer, table.stopwords)
        return CodedTokens(table.codes([w for w, _, _ in spans]), np.array([s for _, s, _ in spans], dtype=np.int32),
                           np.array([e for _, _, e in spans], dtype=np.int32))
    kept = table.content[codes]
    return CodedTokens(codes[kept], (ends - lengths)[kept], ends[kept])
