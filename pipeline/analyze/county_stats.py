"""County statistics: the same quantity, reported by several counties about themselves, side by side.

Only like is compared with like: a row is a figure of a county-scope document whose level is the
county itself (not a village's, a firm's or a rule's threshold), grouped by what it counts, its unit,
level and kind (targets apart from results, changes apart from levels). What it counts is the
canonical indicator (`indicator_norm`, pipeline/data/indicators.tsv) and nothing else: a bare count
noun as written (19名干部 sent to the towns, 347名 cadres of the county) names different things in
different sentences, so figures without a canonical indicator stay in `statistics` and are not
compared. A group is kept when at least `min_documents` documents report
it; every row carries its period and the group's n.
"""
from __future__ import annotations

import logging

import pandas as pd

from pipeline.analyze.sentences import source_sentence

logger = logging.getLogger(__name__)

COUNTY_STAT_COLUMNS = ["county", "adcode", "province", "indicator", "indicator_norm", "unit", "level", "kind",
                       "period", "value", "value_high", "qualifier", "doc_id", "title", "text", "sentence",
                       "start", "end", "n_documents", "n_counties"]
COUNTY_LEVEL = "county"
GROUP = ["quantity", "unit_key", "level", "kind"]


def _sentence(text: str | None, start: object, end: object) -> str:
    """Source sentence of a statistic, empty when its offsets are missing."""
    if pd.isna(start) or pd.isna(end):
        return ""
    return source_sentence(text, int(start), int(end))


def comparable(documents: pd.DataFrame, statistics: pd.DataFrame) -> pd.DataFrame:
    """Statistics of county-scope documents that describe the county itself, with their documents.

    Only the documents' short columns are joined: copying each text onto every statistic would cost
    memory in proportion to the figures a long document holds.
    """
    docs = documents[["doc_id", "title", "county", "adcode", "province", "place_level"]]
    docs = docs[(docs["place_level"] == COUNTY_LEVEL) & docs["county"].notna()]
    stats = statistics.merge(docs, on="doc_id", how="inner", suffixes=("", "_doc"))
    stats = stats[stats["level"] == COUNTY_LEVEL]
    stats = stats.assign(quantity=stats["indicator_norm"], unit_key=stats["unit"].fillna(""))
    return stats[stats["quantity"].notna() & (stats["quantity"].astype(str).str.strip() != "")]


def county_statistics(documents: pd.DataFrame, statistics: pd.DataFrame, min_documents: int = 2) -> pd.DataFrame:
    """Comparable county figures whose quantity occurs in ≥ `min_documents` documents (see the module docstring)."""
    stats = comparable(documents, statistics)
    if stats.empty:
        return pd.DataFrame(columns=COUNTY_STAT_COLUMNS)
    grouped = stats.groupby(GROUP, dropna=False)
    stats = stats.assign(n_documents=grouped["doc_id"].transform("nunique").astype(int),
                         n_counties=grouped["county"].transform("nunique").astype(int))
    stats = stats[stats["n_documents"] >= min_documents]
    texts = documents.set_index("doc_id")["text"]
    sentences = [_sentence(texts.get(d), s, e) for d, s, e in zip(stats["doc_id"], stats["start"], stats["end"])]
    table = stats.assign(sentence=sentences)
    table = table.sort_values(["quantity", "unit_key", "kind", "county", "doc_id", "start"], kind="stable")
    return table[COUNTY_STAT_COLUMNS].reset_index(drop=True)
