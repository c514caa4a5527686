"""County statistics: comparable quantities (same subject and unit in ≥2 documents) reported by counties."""
from __future__ import annotations

import logging

import pandas as pd

from pipeline.analyze.sentences import source_sentence

logger = logging.getLogger(__name__)

COUNTY_STAT_COLUMNS = ["county", "adcode", "province", "subject", "unit", "value", "value_high", "qualifier",
                       "doc_id", "title", "text", "sentence", "start", "end", "n_documents"]


def _group_key(stats: pd.DataFrame) -> pd.Series:
    """(subject, unit) key; a missing unit is its own value, so 万 without unit is not merged with 人."""
    return stats["subject"].astype(str).str.strip() + "\x1f" + stats["unit"].fillna("").astype(str)


def _sentence(text: str | None, start: object, end: object) -> str:
    """Source sentence of a statistic, empty when its offsets are missing."""
    if pd.isna(start) or pd.isna(end):
        return ""
    return source_sentence(text, int(start), int(end))


def county_statistics(documents: pd.DataFrame, statistics: pd.DataFrame, min_documents: int = 2) -> pd.DataFrame:
    """Statistics of county documents whose (subject, unit) occurs in ≥ `min_documents` documents."""
    docs = documents[["doc_id", "title", "text", "county", "adcode", "province"]]
    stats = statistics.merge(docs, on="doc_id", how="inner")
    stats = stats[stats["subject"].notna() & (stats["subject"].astype(str).str.strip() != "")]
    if stats.empty:
        return pd.DataFrame(columns=COUNTY_STAT_COLUMNS)
    stats = stats.assign(key=_group_key(stats))
    # Counted corpus-wide (all non-duplicate documents), before restricting to documents with a county.
    n_docs = stats.groupby("key")["doc_id"].nunique()
    stats = stats.assign(n_documents=stats["key"].map(n_docs).astype(int))
    stats = stats[(stats["n_documents"] >= min_documents) & stats["county"].notna()]
    sentences = [_sentence(t, s, e) for t, s, e in zip(stats["text_y"], stats["start"], stats["end"])]
    table = stats.rename(columns={"text_x": "text"}).assign(sentence=sentences)
    table = table.sort_values(["subject", "unit", "county", "doc_id", "start"], na_position="first", kind="stable")
    return table[COUNTY_STAT_COLUMNS].reset_index(drop=True)
