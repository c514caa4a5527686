"""Word segmentation behind one interface: rjieba (the Python binding of jieba-rs) when it is installed,
jieba otherwise.

Both segment with jieba's own dictionary and the same user words, by the same maximum-probability route
over the word graph; rjieba does it about 20 times faster, which matters because the analyze stage cuts
every document of the corpus. `bench/bench_tokenizer.py` measures how often the two agree on the
seed pages and the official reports. The part-of-speech tagger of the statistics stays jieba.posseg,
whose tagged HMM names unknown words differently.
"""
from __future__ import annotations

import io
import logging
import marshal
import tempfile
from collections.abc import Iterable
from pathlib import Path

logger = logging.getLogger(__name__)

BACKENDS = ("rjieba", "jieba")

UserWord = tuple[str, int | None, str | None]


def available_backend() -> str:
    """rjieba when it can be imported, else jieba."""
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return "jieba"
    return "rjieba"


def parse_user_words(lines: Iterable[str]) -> list[UserWord]:
    """(word, frequency or None, tag or None) of user dictionary lines "word [freq] [tag]"."""
    words = []
    for line in lines:
        fields = line.split()
        if not fields:
            continue
        freq = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else None
        tag = fields[-1] if len(fields) > 1 and not fields[-1].isdigit() else None
        words.append((fields[0], freq, tag))
    return words


def initialised(engine):
    """A jieba.Tokenizer with its word graph's dictionary loaded. For jieba's own dictionary, jieba's cache
    file is unmarshalled from its bytes in one read: jieba's initialize() unmarshals the open file, which
    took 0.86 s against 0.28 s for the same 9 MB (before segment's workers start). Anything else (another
    dictionary or cache file, no cache yet, a cache that does not read) is left to initialize()."""
    import jieba

    cache = Path(tempfile.gettempdir()) / "jieba.cache"  # where initialize() keeps the default dictionary's
    if engine.dictionary == jieba.DEFAULT_DICT and not engine.cache_file and not engine.tmp_dir and cache.is_file():
        try:
            freq, total = marshal.loads(cache.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            pass  # initialize() rebuilds it
        else:
            with engine.lock:
                engine.FREQ, engine.total, engine.initialized = freq, total, True
            return engine
    engine.initialize()
    return engine


class Tokenizer:
    """A private segmenter with its user words (never jieba's global one).

    `cut` and `lcut` give the words, `tokenize` the words with their offsets (text[start:end] == word).
    A tokenizer does not pickle: workers build their own from the same user words.
    """

    def __init__(self, user_words: Iterable[UserWord] = (), backend: str | None = None) -> None:
        self.backend = backend or available_backend()
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown tokenizer backend {self.backend!r}: expected one of {', '.join(BACKENDS)}")
        self.user_words = tuple(user_words)
        self._engine = self._rjieba() if self.backend == "rjieba" else self._jieba()

    def _rjieba(self):
        import rjieba

        engine = rjieba.Jieba()
        for word, freq, tag in self.user_words:
            engine.add_word(word, freq, tag)
        return engine

    def _jieba(self):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        engine = initialised(jieba.Tokenizer())
        if self.user_words:
            # jieba's own parser wants "word freq tag" lines
            body = io.StringIO("\n".join(" ".join(str(f) for f in w if f is not None) for w in self.user_words))
            body.name = "user words"
            engine.load_userdict(body)
        return engine

    def cut(self, text: str, HMM: bool = True) -> list[str]:  # noqa: N803 (jieba's keyword)
        """The words of `text`; with HMM=False only dictionary words and single characters."""
        if not text:
            return []
        if self.backend == "rjieba":
            return self._engine.cut(text, HMM)
        return self._engine.lcut(text, HMM=HMM)

    lcut = cut

    def tokenize(self, text: str, HMM: bool = True) -> list[tuple[str, int, int]]:  # noqa: N803
        """(word, start, end) of every word of `text`, in order."""
        if not text:
            return []
        if self.backend == "rjieba":
            return self._engine.tokenize(text, "default", HMM)
        return list(self._engine.tokenize(text, HMM=HMM))

    def __getstate__(self):
        raise TypeError("a Tokenizer does not pickle: build one per process from the same user words")
