"""Word boundaries for place matching: a short form of a place must be a whole word of its sentence.

创新和完善 holds the letters of 新和(县), 均衡水平 those of 衡水(市), 一视同仁 those of 同仁(市); a
segmenter cuts 创新/和/完善, 均衡/水平, 一视同仁, so none of them is a place. Only a window around the
candidate is segmented (cheap, and a word never spans more than a few characters); the tokenizer is a
private jieba.Tokenizer built on first use (never the global one), with dictionary words only (no HMM
guessing of new words, which would glue unknown names to their neighbours).
"""

from __future__ import annotations

import logging
import threading

WINDOW = 6


class WordBoundaries:
    """Whether a span of text starts and ends on word boundaries."""

    def __init__(self) -> None:
        self._tokenizer = None
        self._lock = threading.Lock()

    def tokenizer(self):
        """The private tokenizer, built once."""
        with self._lock:
            if self._tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                self._tokenizer = tokenizer
        return self._tokenizer

    def whole(self, text: str, start: int, end: int) -> bool:
        """True when text[start:end] begins and ends at word boundaries of its surroundings."""
        low, high = max(0, start - WINDOW), min(len(text), end + WINDOW)
        cuts, pos = {low}, low
        for token in self.tokenizer().cut(text[low:high], HMM=False):
            pos += len(token)
            cuts.add(pos)
        return start in cuts and end in cuts

    def __getstate__(self) -> dict:
        """Workers build their own tokenizer: only the class travels to another process."""
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()
