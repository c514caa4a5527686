"""Word boundaries for place matching: a short form of a place must be a whole word of its sentence.

创新和完善 holds the letters of 新和(县), 均衡水平 those of 衡水(市), 一视同仁 those of 同仁(市); a
segmenter cuts 创新/和/完善, 均衡/水平, 一视同仁, so none of them is a place. Only a window around the
candidate is segmented (cheap, and a word never spans more than a few characters); the tokenizer is a
private tokenizer (pipeline/tokenizer.py) built on first use, with dictionary words only (no HMM
guessing of new words, which would glue unknown names to their neighbours).
"""

from __future__ import annotations

import re
import threading

WINDOW = 6
MEMO_SIZE = 200_000


# runs of CJK unified ideographs (basic block and extension A) ending at / starting from a position
HAN_BEFORE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]*\Z")
HAN_AFTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]*")


class WordBoundaries:
    """Whether a span of text starts and ends on word boundaries."""

    def __init__(self) -> None:
        self._tokenizer = None
        self._lock = threading.Lock()
        self._memo: dict[tuple[str, int, int], bool] = {}

    def tokenizer(self):
        """The private tokenizer, built once."""
        with self._lock:
            if self._tokenizer is None:
                from pipeline.resources import plain_tokenizer

                self._tokenizer = plain_tokenizer()
        return self._tokenizer

    def whole(self, text: str, start: int, end: int) -> bool:
        """True when text[start:end] begins and ends at word boundaries of its surroundings."""
        # a word never spans a non-Han character, so the window stops at one: the answer then
        # depends on a short stretch of Han text, which lists and tables repeat many times
        low = HAN_BEFORE.search(text, max(0, start - WINDOW), start).start()
        high = HAN_AFTER.match(text, end, min(len(text), end + WINDOW)).end()
        key = (text[low:high], start - low, end - low)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            found = self._memo[key] = self._cut_at(*key)
        return found

    def _cut_at(self, window: str, start: int, end: int) -> bool:
        cuts, pos = {0}, 0
        for token in self.tokenizer().cut(window, HMM=False):
            pos += len(token)
            cuts.add(pos)
        return start in cuts and end in cuts

    def __getstate__(self) -> dict:
        """Workers build their own tokenizer: only the class travels to another process."""
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()
