"""A small, readable summary of a run's results, to notice when a code or dependency change moves them.

The summary holds the row count of every table, each document's place, the clusters' sizes and labels,
the most recurrent organisational models and each county's models. It is written as sorted, indented
JSON so that a diff of two summaries reads as a list of what moved. `tests/fingerprint.json` holds the
summary of the default corpus; a test compares a fresh run with it, and `make fingerprint` rewrites it
on purpose, printing the diff.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pandas as pd

from pipeline.io import to_list

TOP_MODELS = 15


def table(out_dir: Path, name: str) -> pd.DataFrame:
    """A table of the output folder, empty when the run wrote none."""
    path = Path(out_dir) / f"{name}.parquet"
    return pd.read_parquet(path) if path.is_file() else pd.DataFrame()


def summarise(out_dir: Path) -> dict:
    """The summary of the tables in an output folder (see the module docstring)."""
    out_dir = Path(out_dir)
    counts = {path.stem: len(pd.read_parquet(path)) for path in sorted(out_dir.glob("*.parquet"))}
    return {"rows": counts, "places": places(out_dir), "clusters": clusters(out_dir), "models": models(out_dir)}


def places(out_dir: Path) -> list[str]:
    """'source#part: level province/prefecture/county' per document, sorted."""
    docs = table(out_dir, "documents")
    if docs.empty:
        return []
    rows = []
    for doc in docs.to_dict("records"):
        names = "/".join(str(doc.get(c)) for c in ("province", "prefecture", "county") if isinstance(doc.get(c), str))
        rows.append(f"{doc['source']}#{doc.get('part', 0)}: {doc.get('place_level') or 'none'} {names}".rstrip())
    return sorted(rows)


def clusters(out_dir: Path) -> list[str]:
    """'size label' per cluster, largest first."""
    found = table(out_dir, "clusters")
    if found.empty:
        return []
    ordered = found.sort_values(["size", "label"], ascending=[False, True], kind="stable")
    return [f"{int(size)} {label}" for size, label in zip(ordered["size"], ordered["label"])]


def models(out_dir: Path) -> dict:
    """The most recurrent organisational models, and each county's models."""
    recurrence = table(out_dir, "model_recurrence")
    if recurrence.empty:
        return {"top": [], "by_county": {}}
    chains = recurrence[recurrence["kind"] == "actor chain"] if "kind" in recurrence else recurrence
    ordered = chains.sort_values(["n_documents", "canonical"], ascending=[False, True], kind="stable").head(TOP_MODELS)
    top = [f"{name} ({int(n)} documents)" for name, n in zip(ordered["canonical"], ordered["n_documents"])]
    by_county: dict[str, list[str]] = {}
    for name, counties in zip(chains["canonical"], chains["counties"]):
        for county in to_list(counties):
            by_county.setdefault(str(county), []).append(str(name))
    return {"top": top, "by_county": {c: sorted(v) for c, v in sorted(by_county.items())}}


def as_text(summary: dict) -> str:
    """The summary as stable JSON text (sorted keys, one item per line, Chinese as written)."""
    return json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def difference(expected: str, found: str) -> str:
    """A unified diff of two summaries ('' when equal)."""
    lines = difflib.unified_diff(expected.splitlines(), found.splitlines(), "fingerprint (committed)", "fingerprint (this run)", lineterm="")
    return "\n".join(lines)
