"""Table contracts between stages: the columns each table must carry (see DESIGN.md)."""

from __future__ import annotations

import pandas as pd

TABLES: dict[str, tuple[str, ...]] = {
    "manifest": ("source", "status", "reason", "doc_ids", "encoding", "bytes"),
    "documents": (
        "doc_id", "source", "part", "title", "date", "date_source", "date_precision", "source_unit", "url", "script", "text",
        "chars", "duplicate_of", "province", "prefecture", "county", "adcode", "place_level",
        "place_confidence", "mojibake_spans", "truncated",
    ),
    "measures": (
        "doc_id", "measure_id", "parent_id", "level", "path", "marker", "heading", "text",
        "start", "end", "section_kind",
    ),
    "statistics": (
        "doc_id", "measure_id", "text", "value", "value_high", "unit", "qualifier", "indicator",
        "indicator_norm", "level", "period", "kind", "start", "end",
    ),
    "slogans": ("doc_id", "measure_id", "text", "start", "end"),
    "models": ("doc_id", "measure_id", "surface", "components", "canonical", "kind", "start", "end"),
    "places": ("doc_id", "surface", "adcode", "name", "level", "start", "end"),
}

MANIFEST_STATUSES = frozenset({"accepted", "split", "duplicate", "rejected", "metadata"})  # metadata: a sidecar table

# Which column of a span table holds the surface text that must equal text[start:end].
SPAN_SURFACE = {
    "measures": "text",
    "statistics": "text",
    "slogans": "text",
    "models": "surface",
    "places": "surface",
}


class ContractError(ValueError):
    """A table does not satisfy the contract of its stage boundary."""


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the contract's columns."""
    return pd.DataFrame({column: pd.Series(dtype=object) for column in TABLES[name]})


def check_table(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Raise ContractError if `df` lacks a contract column of table `name`; return it."""
    missing = [c for c in TABLES[name] if c not in df.columns]
    if missing:
        raise ContractError(f"table {name!r} lacks columns {missing}")
    if name == "manifest" and len(df):
        bad = set(df["status"]) - MANIFEST_STATUSES
        if bad:
            raise ContractError(f"manifest has unknown statuses {sorted(bad)}")
    return df


def span_violations(documents: pd.DataFrame, spans: pd.DataFrame, name: str) -> pd.DataFrame:
    """Rows of span table `name` whose surface differs from documents.text[start:end]."""
    if spans.empty:
        return spans
    texts = documents.set_index("doc_id")["text"]
    surface = SPAN_SURFACE[name]
    ok = [
        texts.get(d, "")[int(s):int(e)] == t
        for d, s, e, t in zip(spans["doc_id"], spans["start"], spans["end"], spans[surface])
    ]
    return spans[[not flag for flag in ok]]
