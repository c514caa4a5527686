"""Document helpers shared by the analysis tables: non-duplicate documents and source sentences."""
from __future__ import annotations

import re

import pandas as pd

SENTENCE_ENDS = "。！？；\n"
_END_RE = re.compile(r"[。！？；\n]")


def unique_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents that are not duplicates (each article counted once), sorted by doc_id."""
    # the texts of a large corpus are copied only when something is left out or out of order
    if "duplicate_of" in documents.columns:
        dup = documents["duplicate_of"]
        keep = dup.isna() | (dup.astype("string").fillna("") == "")
        if not keep.all():
            documents = documents[keep]
    if not documents["doc_id"].is_monotonic_increasing:
        documents = documents.sort_values("doc_id", kind="stable")
    return documents.reset_index(drop=True)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """(begin, finish) of the sentence(s) of `text` covering text[start:end]; finish includes the end mark."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    begin = max(text.rfind(mark, 0, start) for mark in SENTENCE_ENDS) + 1
    # A span that already ends on a sentence mark closes its own sentence.
    if end > start and text[end - 1] in SENTENCE_ENDS:
        return begin, end
    found = _END_RE.search(text, end)
    return begin, (found.end() if found else len(text))


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """(begin, finish) of the sentence holding text[start:end], without its surrounding whitespace:
    text[begin:finish] == source_sentence(text, start, end)."""
    begin, finish = sentence_bounds(text, start, end)
    piece = text[begin:finish]
    lead = len(piece) - len(piece.lstrip())
    return begin + lead, begin + len(piece.rstrip())


def source_sentence(text: str | None, start: int, end: int) -> str:
    """The sentence of `text` containing text[start:end], stripped of surrounding whitespace."""
    if not text:
        return ""
    begin, finish = sentence_bounds(text, start, end)
    return text[begin:finish].strip()
