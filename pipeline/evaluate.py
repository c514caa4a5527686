"""Score an output folder against hand-made reference annotations (tests/gold/*.json)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd

from pipeline.io import read_table, to_list

COLUMNS = ("doc", "item", "gold", "predicted", "matched", "precision", "recall", "f1")


def prf(gold: Counter, predicted: Counter) -> dict:
    """Precision, recall and F1 of two multisets (empty on both sides scores 1.0)."""
    matched = sum((gold & predicted).values())
    n_gold, n_pred = sum(gold.values()), sum(predicted.values())
    precision = matched / n_pred if n_pred else float(n_gold == 0)
    recall = matched / n_gold if n_gold else float(n_pred == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold": n_gold, "predicted": n_pred, "matched": matched, "precision": precision, "recall": recall, "f1": f1}


def evaluate_folder(out_dir: Path, gold_dir: Path) -> pd.DataFrame:
    """One row per (gold document, item) with counts and P/R/F1."""
    tables = {name: read_table(out_dir, name) for name in ("documents", "measures", "statistics", "models", "slogans")}
    rows = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        rows.extend(evaluate_document(gold, tables))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def evaluate_document(gold: dict, tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Scores of one annotated document against the pipeline's tables."""
    docs = tables["documents"]
    matches = docs[(docs["source"].str.endswith(gold["doc"])) & (docs["part"] == gold.get("part", 0))]
    if matches.empty:
        return [{"doc": gold["doc"], "item": "document found", **prf(Counter({1: 1}), Counter())}]
    doc = matches.iloc[0]
    own = {name: df[df["doc_id"] == doc["doc_id"]] for name, df in tables.items() if name != "documents"}
    scores = {**_body_scores(gold, doc), **_metadata_scores(gold, doc), **_measure_scores(gold, own["measures"])}
    scores["statistics (value, unit)"] = prf(_gold_statistics(gold), _statistics(own["statistics"]))
    scores["models"] = prf(Counter(tuple(m) for m in gold.get("models", [])), Counter(tuple(to_list(c)) for c in own["models"]["components"]))
    # The gold lists each slogan once; a slogan repeated in the text is found once per occurrence.
    scores["slogans (distinct)"] = prf(Counter(set(gold.get("slogans", []))), Counter(set(own["slogans"]["text"])))
    return [{"doc": gold["doc"], "item": item, **score} for item, score in scores.items()]


def _check(ok: bool) -> dict:
    """A pass/fail check as a one-item score."""
    return prf(Counter({1: 1}), Counter({1: 1}) if ok else Counter({0: 1}))


def _body_scores(gold: dict, doc: pd.Series) -> dict:
    """First and last sentence kept, chrome strings removed."""
    body, text = gold.get("body", {}), doc["text"]
    scores = {}
    if "first_sentence_starts" in body:
        scores["body: first sentence kept"] = _check(body["first_sentence_starts"] in text)
    if "last_sentence_ends" in body:
        scores["body: last sentence kept"] = _check(body["last_sentence_ends"] in text)
    removed = body.get("must_be_removed", [])
    if removed:
        left = [s for s in removed if s in text]
        scores["body: chrome removed"] = prf(Counter(removed), Counter(s for s in removed if s not in left))
    return scores


def _metadata_scores(gold: dict, doc: pd.Series) -> dict:
    """Title, date, source unit and the document place."""
    meta = gold.get("metadata", {})
    scores = {f"metadata: {k}": _check(doc.get(k) == meta[k]) for k in ("title", "date", "source_unit") if k in meta}
    place = meta.get("place", {})
    for level in ("province", "prefecture", "county"):
        if level in place:
            scores[f"place: {level}"] = _check(doc.get(level) == place[level])
    return scores


def _measure_scores(gold: dict, measures: pd.DataFrame) -> dict:
    """Measures per level, matched on (path, marker, heading), plus section kinds."""
    gold_items = Counter((".".join(m["path"]), m["marker"], m["heading"]) for m in gold.get("measures", []))
    predicted = Counter(zip(measures["path"], measures["marker"], measures["heading"]))
    levels = sorted({p.count(".") + 1 for p, _, _ in gold_items} | {p.count(".") + 1 for p, _, _ in predicted if p})
    scores = {"measures (all levels)": prf(gold_items, predicted)}
    for level in levels:
        pick = lambda c: Counter({k: v for k, v in c.items() if k[0].count(".") + 1 == level})  # noqa: E731
        scores[f"measures level {level}"] = prf(pick(gold_items), pick(predicted))
    kinds = Counter((".".join(m["path"]), m["section_kind"]) for m in gold.get("measures", []) if "section_kind" in m)
    if kinds:
        got = Counter((p, k) for p, k, lvl in zip(measures["path"], measures["section_kind"], measures["level"]) if lvl == 1)
        scores["section kinds (top level)"] = prf(kinds, got)
    return scores


def _value_key(value: object, high: object = None) -> tuple:
    """A comparable (low, high) key for a value or a [low, high] range."""
    if isinstance(value, (list, tuple)):
        value, high = value[0], value[1]
    low = round(float(value), 6)
    return (low, round(float(high), 6) if high is not None and not pd.isna(high) else None)


def _gold_statistics(gold: dict) -> Counter:
    """Gold statistics as (value, unit) keys."""
    return Counter((_value_key(s["value"]), s.get("unit")) for s in gold.get("statistics", []))


def _statistics(stats: pd.DataFrame) -> Counter:
    """Predicted statistics as (value, unit) keys."""
    units = [None if u is None or (isinstance(u, float) and pd.isna(u)) else u for u in stats["unit"]]
    return Counter((_value_key(v, h), u) for v, h, u in zip(stats["value"], stats["value_high"], units))


def format_scores(scores: pd.DataFrame) -> str:
    """A plain-text table of the scores."""
    if scores.empty:
        return "no reference annotations found"
    shown = scores.copy()
    for column in ("precision", "recall", "f1"):
        shown[column] = shown[column].map(lambda x: f"{x:.3f}")
    return shown.to_string(index=False)
