"""Model recurrence: where and when each canonical model (支部+合作社+农户 …) appears, with its kind.

Actor chains (organisations and people) are the organisational models of the research question;
integration formulas (党建+X, 互联网+X) and numeric formulas (5+3) are kept in the table, marked by
`kind`, and shown apart by the figures and the report.
"""
from __future__ import annotations

import logging

import pandas as pd

logger = logging.getLogger(__name__)

ACTOR_CHAIN = "actor chain"
RECURRENCE_COLUMNS = ["canonical", "kind", "numeric", "n_documents", "n_counties", "n_provinces", "first_date",
                      "last_date", "counties", "provinces", "surfaces", "doc_ids"]


def _present(values: pd.Series) -> pd.Series:
    """Non-missing, non-empty string values."""
    values = values.dropna().astype(str)
    return values[values.str.strip() != ""]


def _by_frequency(values: pd.Series) -> list[str]:
    """Distinct values, most frequent first, ties alphabetical."""
    counts = _present(values).value_counts()
    return sorted(counts.index, key=lambda v: (-counts[v], v))


def _counties(group: pd.DataFrame) -> list[str]:
    """County names of the documents, one entry per distinct (province, county) pair."""
    pairs = group.dropna(subset=["county"]).drop_duplicates(["doc_id"])[["province", "county"]]
    pairs = pairs.assign(province=pairs["province"].fillna("")).drop_duplicates()
    return sorted(pairs["county"].astype(str))


def _summarise(canonical: str, group: pd.DataFrame) -> dict[str, object]:
    """One recurrence row for the mentions of one canonical model."""
    docs = group.drop_duplicates("doc_id")
    dates = _present(docs["date"]).sort_values()
    counties = _counties(group)
    provinces = sorted(set(_present(docs["province"])))
    numeric = bool(group["numeric"].fillna(False).astype(bool).any()) if "numeric" in group else False
    kinds = _by_frequency(group["kind"]) if "kind" in group else []
    return {"canonical": canonical, "kind": kinds[0] if kinds else None, "numeric": numeric, "n_documents": len(docs), "n_counties": len(counties),
            "n_provinces": len(provinces), "first_date": dates.iloc[0] if len(dates) else None,
            "last_date": dates.iloc[-1] if len(dates) else None, "counties": counties, "provinces": provinces,
            "surfaces": _by_frequency(group["surface"]), "doc_ids": sorted(docs["doc_id"].astype(str))}


def model_recurrence(documents: pd.DataFrame, models: pd.DataFrame) -> pd.DataFrame:
    """Per canonical model: documents, counties, provinces and date range (non-duplicate documents only)."""
    places = documents[["doc_id", "date", "province", "county"]]
    mentions = models.dropna(subset=["canonical"]).merge(places, on="doc_id", how="inner")
    if mentions.empty:
        return pd.DataFrame(columns=RECURRENCE_COLUMNS)
    rows = [_summarise(str(c), g) for c, g in mentions.groupby("canonical", sort=True)]
    table = pd.DataFrame(rows, columns=RECURRENCE_COLUMNS)
    return table.sort_values(["n_documents", "n_counties", "canonical"], ascending=[False, False, True],
                             kind="stable").reset_index(drop=True)
