"""The seed pages as test inputs: their paths, their simplified text, and seed 000's body."""

from __future__ import annotations

import functools
import re
from pathlib import Path

RAW = Path(__file__).resolve().parent.parent / "corpus" / "raw"
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)")


def seed_path(prefix: str) -> Path:
    """The seed page whose file name starts with `prefix` (e.g. '000')."""
    return next(RAW.glob(f"{prefix}_*.txt"))


@functools.cache
def simplified_seed(prefix: str) -> str:
    """A seed page without inserted pinyin, converted to simplified script (whole page, chrome included)."""
    import opencc

    text = seed_path(prefix).read_text(encoding="utf-8")
    return opencc.OpenCC("t2s").convert(PINYIN.sub("", text))


def body_000() -> str:
    """Seed 000's body: from 党的十九大报告指出 to …有力保障。, stripped lines joined by \\n."""
    lines = [ln.strip() for ln in seed_path("000").read_text(encoding="utf-8").splitlines() if ln.strip()]
    first = next(i for i, ln in enumerate(lines) if ln.startswith("党的十九大报告指出"))
    last = next(i for i, ln in enumerate(lines) if ln.endswith("为决战脱贫攻坚提供了有力保障。"))
    return "\n".join(lines[first : last + 1])
