"""Score an output folder against hand-made reference annotations (tests/gold/*.json, see its README).

Every gold document gives one row per scored item (counts and precision/recall/F1); rows named
``ALL`` pool the counts of every document, ``ALL <genre>`` those of one genre (micro-averages).
Matching rules, chosen so that one slip does not cascade:
- a measure matches on (level, marker, first characters of its heading, first characters of its
  parent's heading): a missed sibling does not shift the others, as a path key would;
- statistics are aligned in text order on their value (longest common subsequence); value+unit
  P/R/F1 counts aligned pairs with the same unit; unit, qualifier, indicator, level, period and kind
  are then scored as accuracies over the aligned pairs (precision = recall = accuracy); an indicator
  is right when it names the same head as the gold one (see indicator_right);
- slogans as distinct texts, models as component lists, places and dates as exact values.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pandas as pd

from pipeline.io import read_table, text_cell, to_list

COLUMNS = ("doc", "genre", "item", "gold", "predicted", "matched", "precision", "recall", "f1")
HEADING_KEY_CHARS = 8
MARKER_TRAIL = "、，,.．:：;； \t"
GENRES = {"official/": "government reports"}
DEFAULT_GENRE = "experience reports"
INDICATOR_MIN_OVERLAP = 0.5
STAT_FIELDS = ("qualifier", "indicator", "level", "period", "kind")


def prf(gold: Counter, predicted: Counter) -> dict:
    """Precision, recall and F1 of two multisets (empty on both sides scores 1.0)."""
    return counts_score(sum(gold.values()), sum(predicted.values()), sum((gold & predicted).values()))


def counts_score(n_gold: int, n_pred: int, matched: int) -> dict:
    """Precision, recall and F1 from counts."""
    precision = matched / n_pred if n_pred else float(n_gold == 0)
    recall = matched / n_gold if n_gold else float(n_pred == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold": n_gold, "predicted": n_pred, "matched": matched, "precision": precision, "recall": recall, "f1": f1}


def load_gold(gold_dir: Path) -> list[dict]:
    """The reference annotations of a folder (not its sub-folders), in file-name order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(gold_dir).glob("*.json"))]


def evaluate_folder(out_dir: Path, gold_dir: Path) -> pd.DataFrame:
    """Per-document and pooled rows of every scored item."""
    names = ("documents", "measures", "statistics", "models", "slogans")
    tables = {name: read_table(out_dir, name) for name in names}
    rows = [row for gold in load_gold(gold_dir) for row in evaluate_document(gold, tables)]
    per_doc = pd.DataFrame(rows, columns=list(COLUMNS))
    return pd.concat([per_doc, pooled(per_doc)], ignore_index=True)


def genre_of(gold: dict) -> str:
    """The gold document's genre: stated, or read from where its source lies in the corpus."""
    if gold.get("genre"):
        return gold["genre"]
    return next((g for prefix, g in GENRES.items() if gold["doc"].startswith(prefix)), DEFAULT_GENRE)


def pooled(per_doc: pd.DataFrame) -> pd.DataFrame:
    """Micro-averaged rows over all documents and over each genre."""
    rows = []
    groups = [("ALL", per_doc)] + [(f"ALL {g}", df) for g, df in per_doc.groupby("genre", sort=True)]
    for name, frame in groups:
        for item, df in frame.groupby("item", sort=False):
            score = counts_score(int(df["gold"].sum()), int(df["predicted"].sum()), int(df["matched"].sum()))
            rows.append({"doc": name, "genre": name.removeprefix("ALL").strip() or "all", "item": item, **score})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def find_document(gold: dict, documents: pd.DataFrame) -> pd.Series | None:
    """The documents row a gold file annotates: same source, and the part holding `locate`."""
    doc = gold["doc"]
    same = documents[(documents["source"] == doc) | documents["source"].str.endswith("/" + doc)]
    probe = gold.get("locate") or gold.get("body", {}).get("first_sentence_starts")
    if len(same) > 1 and probe:
        same = same[same["text"].map(lambda t: probe in text_cell(t))]
        same = same.iloc[same["text"].map(lambda t: text_cell(t).find(probe)).argsort()]
    return same.iloc[0] if len(same) else None


def evaluate_document(gold: dict, tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Scores of one annotated document against the pipeline's tables."""
    doc = find_document(gold, tables["documents"])
    rows = lambda scores: [{"doc": gold["doc"] + _part_label(gold), "genre": genre_of(gold), "item": k, **v} for k, v in scores.items()]  # noqa: E731
    if doc is None:
        return rows({"document found": counts_score(1, 0, 0)})
    own = {name: df[df["doc_id"] == doc["doc_id"]] for name, df in tables.items() if name != "documents"}
    scores = {"document found": counts_score(1, 1, 1)}
    scores |= body_scores(gold, doc) | metadata_scores(gold, doc)
    if "measures" in gold:
        scores |= measure_scores(gold["measures"], own["measures"])
    if "statistics" in gold:
        scores |= statistics_scores(gold["statistics"], own["statistics"])
    if "slogans" in gold:
        scores["slogans (distinct)"] = prf(Counter(set(gold["slogans"])), Counter(set(own["slogans"]["text"])))
    if "models" in gold:
        scores |= model_scores(gold["models"], own["models"])
    return rows(scores)


def _part_label(gold: dict) -> str:
    """A short label telling articles of one compilation apart."""
    return f" [{gold['locate'][:8]}]" if gold.get("locate") else ""


def check(ok: bool) -> dict:
    """A pass/fail check as a one-item score."""
    return counts_score(1, 1, int(ok))


def body_scores(gold: dict, doc: pd.Series) -> dict:
    """First and last sentence kept, chrome strings removed."""
    body, text = gold.get("body", {}), text_cell(doc["text"])
    scores = {}
    if "first_sentence_starts" in body:
        scores["body: first sentence kept"] = check(body["first_sentence_starts"] in text)
    if "last_sentence_ends" in body:
        scores["body: last sentence kept"] = check(body["last_sentence_ends"] in text)
    removed = body.get("must_be_removed", [])
    if removed:
        scores["body: chrome removed"] = counts_score(len(removed), len(removed), sum(s not in text for s in removed))
    return scores


def metadata_scores(gold: dict, doc: pd.Series) -> dict:
    """Title, date, source unit and the document place."""
    meta = gold.get("metadata", {})
    scores = {f"metadata: {k}": check(_same(doc.get(k), meta[k])) for k in ("title", "source_unit") if k in meta}
    if meta.get("date"):
        scores["metadata: date"] = check(_same(doc.get("date"), meta["date"]))
    place = meta.get("place")
    if place:
        got = {k: doc.get(k) for k in ("province", "prefecture", "county")} | {"level": doc.get("place_level")}
        scores["place: document"] = check(all(_same(got[k], place.get(k)) for k in got if k in place))
        for level in ("province", "prefecture", "county"):
            if level in place:
                scores[f"place: {level}"] = check(_same(got[level], place[level]))
    return scores


def _same(value: object, expected: object) -> bool:
    """Equality where a missing value (None, NaN) equals None."""
    missing = value is None or (isinstance(value, float) and pd.isna(value))
    return expected is None if missing else value == expected


def heading_key(heading: object, marker: object = "") -> str:
    """The first characters of a heading, without punctuation and spaces (full/half width folded).

    A bare block label (【亮点】 alone on its line) has no words of its own: its label is its heading.
    """
    words = text_cell(heading) or text_cell(marker).strip("【】")
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", words))[:HEADING_KEY_CHARS]


def marker_key(marker: object) -> str:
    """A marker without its trailing punctuation, full/half width folded."""
    return unicodedata.normalize("NFKC", text_cell(marker)).strip().rstrip(MARKER_TRAIL)


def gold_measure_keys(measures: list[dict]) -> list[tuple]:
    """(level, marker, heading, parent heading) of each gold measure."""
    by_path = {tuple(m["path"]): m for m in measures}
    keys = []
    for m in measures:
        parent = by_path.get(tuple(m["path"][:-1]))
        parent_key = heading_key(parent["heading"], parent["marker"]) if parent else ""
        keys.append((len(m["path"]), marker_key(m["marker"]), heading_key(m["heading"], m["marker"]), parent_key))
    return keys


def predicted_measure_keys(measures: pd.DataFrame) -> list[tuple]:
    """(level, marker, heading, parent heading) of each predicted measure."""
    keys = {i: heading_key(h, m) for i, h, m in zip(measures["measure_id"], measures["heading"], measures["marker"])}
    return [
        (int(level), marker_key(marker), keys[i], keys.get(parent, "") if isinstance(parent, str) else "")
        for i, level, marker, parent in zip(measures["measure_id"], measures["level"], measures["marker"], measures["parent_id"])
    ]


def measure_scores(gold: list[dict], measures: pd.DataFrame) -> dict:
    """Measures overall, per level, marked and unmarked, and section kinds."""
    g, p = Counter(gold_measure_keys(gold)), Counter(predicted_measure_keys(measures))
    pick = lambda c, test: Counter({k: v for k, v in c.items() if test(k)})  # noqa: E731
    scores = {"measures (all levels)": prf(g, p)}
    for bucket in sorted({level_bucket(k[0]) for k in g} | {level_bucket(k[0]) for k in p}):
        same = lambda k, b=bucket: level_bucket(k[0]) == b  # noqa: E731
        scores[f"measures level {bucket}"] = prf(pick(g, same), pick(p, same))
    scores["measures marked"] = prf(pick(g, lambda k: k[1] != ""), pick(p, lambda k: k[1] != ""))
    scores["measures unmarked"] = prf(pick(g, lambda k: k[1] == ""), pick(p, lambda k: k[1] == ""))
    scores["section kinds"] = section_kind_score(gold, measures)
    return scores


def level_bucket(level: int) -> str:
    """Levels 1-3 on their own, deeper ones together."""
    return str(level) if level < 4 else "4+"


def section_kind_score(gold: list[dict], measures: pd.DataFrame) -> dict:
    """Gold items with a section kind: found by heading (precision side) and given the same kind."""
    kinds: dict[str, set[str]] = {}
    for heading, marker, kind in zip(measures["heading"], measures["marker"], measures["section_kind"]):
        kinds.setdefault(heading_key(heading, marker), set()).add(kind)
    labelled = [m for m in gold if m.get("section_kind")]
    found = [m for m in labelled if heading_key(m["heading"], m["marker"]) in kinds]
    right = [m for m in found if m["section_kind"] in kinds[heading_key(m["heading"], m["marker"])]]
    return counts_score(len(labelled), len(found), len(right))


def value_key(value: object, high: object = None) -> tuple:
    """A comparable (low, high) key for a value or a [low, high] range."""
    if isinstance(value, (list, tuple)):
        value, high = value[0], value[1]
    low = round(float(value), 6)
    return (low, round(float(high), 6) if high is not None and not pd.isna(high) else None)


def align(a: list, b: list) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of two key lists."""
    n, m = len(a), len(b)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = table[i], table[i + 1]
        for j in range(m - 1, -1, -1):
            row[j] = below[j + 1] + 1 if a[i] == b[j] else max(below[j], row[j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if a[i] == b[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def statistics_scores(gold: list[dict], stats: pd.DataFrame) -> dict:
    """Value+unit P/R/F1 over statistics aligned in text order, then field accuracies."""
    predicted = stats.sort_values("start").to_dict("records")
    pairs = align([value_key(s["value"]) for s in gold], [value_key(s["value"], s.get("value_high")) for s in predicted])
    same_unit = [(gold[i], predicted[j]) for i, j in pairs if _unit(gold[i].get("unit")) == _unit(predicted[j].get("unit"))]
    scores = {"statistics (value, unit)": counts_score(len(gold), len(predicted), len(same_unit))}
    scores["statistics: unit right"] = counts_score(len(pairs), len(pairs), len(same_unit))
    for field in STAT_FIELDS:
        judged = [(g, p) for g, p in same_unit if field in g and (g[field] is not None or field == "qualifier")]
        right = sum(field_right(field, g[field], p.get(field)) for g, p in judged)
        scores[f"statistics: {field} right"] = counts_score(len(judged), len(judged), right)
        if field == "indicator":
            exact = sum(str(p.get(field)) in str(g[field]).split("|") for g, p in judged)
            scores["statistics: indicator exact"] = counts_score(len(judged), len(judged), exact)
    return scores


def _unit(unit: object) -> str | None:
    """A unit with full-width forms folded; missing as None."""
    text = text_cell(unit)
    return unicodedata.normalize("NFKC", text) if text else None


def field_right(field: str, expected: object, got: object) -> bool:
    """Whether a predicted statistic field agrees with the gold one."""
    got = None if got is None or (isinstance(got, float) and pd.isna(got)) else got
    if field == "indicator":
        return got is not None and any(indicator_right(e, str(got)) for e in str(expected).split("|"))
    return str(got) == str(expected) if got is not None and expected is not None else got is expected


def indicator_right(expected: str, got: str) -> bool:
    """Equal; or the shorter ends the longer (the same head noun: 利润 / 省属企业利润); or the shorter lies
    inside the longer and covers at least half of it (高标准农田 / 新建高标准农田)."""
    short, long = sorted((expected.strip().strip("“”"), got.strip().strip("“”")), key=len)
    if short == long:
        return True
    return len(short) >= 2 and (long.endswith(short) or (short in long and len(short) >= INDICATOR_MIN_OVERLAP * len(long)))


def model_scores(gold: list, models: pd.DataFrame) -> dict:
    """Models as component lists, and their kinds."""
    entries = [g if isinstance(g, dict) else {"components": g} for g in gold]
    scores = {"models": prf(Counter(tuple(g["components"]) for g in entries), Counter(tuple(to_list(c)) for c in models["components"]))}
    if any("kind" in g for g in entries) and "kind" in models:
        scores["models: kind"] = prf(
            Counter((tuple(g["components"]), g["kind"]) for g in entries if "kind" in g),
            Counter((tuple(to_list(c)), k) for c, k in zip(models["components"], models["kind"])),
        )
    return scores


def summary_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Pooled F1 per item: one column for all documents and one per genre."""
    pooled_rows = scores[scores["doc"].str.startswith("ALL")]
    table = pooled_rows.pivot_table(index="item", columns="doc", values="f1", sort=False)
    counts = pooled_rows[pooled_rows["doc"] == "ALL"].set_index("item")["gold"]
    return table.assign(n=counts)


def format_scores(scores: pd.DataFrame) -> str:
    """A plain-text report: the pooled table, then one line per document and item."""
    if scores.empty:
        return "no reference annotations found"
    summary = summary_table(scores).map(lambda x: f"{x:.3f}" if isinstance(x, float) else x)
    per_doc = scores[~scores["doc"].str.startswith("ALL")].copy()
    for column in ("precision", "recall", "f1"):
        per_doc[column] = per_doc[column].map(lambda x: f"{x:.3f}")
    return (
        "Pooled F1 (micro-averaged; n = gold items)\n" + summary.to_string()
        + "\n\nPer document\n" + per_doc.drop(columns="genre").to_string(index=False)
    )
