"""Tokenisation for the analyze stage: a private tokenizer (pipeline/tokenizer.py) with the user dictionary, stopwords."""
from __future__ import annotations

import logging
import re
from bisect import bisect_left
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
    spans = tokenizer.tokenize(text)
    return [(tok, start, end) for tok, start, end in spans if is_content_token(tok, stopwords)]


def tokens_between(spans: list[TokenSpan], starts: list[int], start: int, end: int) -> list[str]:
    """Tokens of a tokenised document lying wholly inside [start, end); `starts` are the span starts."""
    out = []
    for tok, s, e in spans[bisect_left(starts, start):]:
        if s >= end:
            break
        if e <= end:
            out.append(tok)
    return out
