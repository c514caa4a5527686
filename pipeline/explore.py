"""Notebook helpers: load the output tables, keyword in context, render and summarise one document."""

from __future__ import annotations

import html
import logging
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.highlight import highlight
from pipeline.io import table, to_list

log = logging.getLogger(__name__)

KWIC_COLUMNS = ["doc_id", "title", "left", "keyword", "right", "start"]
SPAN_COLUMNS = ["start", "end", "label", "surface"]
# Span table → (label shown in the document view, column holding the surface text).
SPAN_SOURCES = {"statistics": ("数据", "text"), "models": ("模式", "surface"),
                "slogans": ("口号", "text"), "places": ("地名", "surface")}
HEADING_LABEL = "举措"
COLORS = {"举措": "#f2c14e", "数据": "#7fc8f8", "模式": "#f78154", "口号": "#b4a7d6", "地名": "#9bd18b"}
NEWLINE_MARK = "⏎"  # one character, so context strings keep their length


def load_tables(out_dir: Path | str = "outputs") -> dict[str, pd.DataFrame]:
    """Every OUT/*.parquet table, keyed by file stem."""
    directory = Path(out_dir)
    if not directory.is_dir():
        raise FileNotFoundError(f"no output folder {directory.resolve()}: run `make analyze` or set PIPELINE_OUT")
    return {path.stem: pd.read_parquet(path) for path in sorted(directory.glob("*.parquet"))}


def counted_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents without duplicates (each article once), as the analysis counts them."""
    from pipeline.analyze.figures import counted_documents as counted

    return counted(documents)


def _context(text: str) -> str:
    """Context text with newlines made visible."""
    return text.replace("\n", NEWLINE_MARK)


def kwic(documents: pd.DataFrame, keyword: str, width: int = 20) -> pd.DataFrame:
    """Every occurrence of keyword in the (non-duplicate) documents with width characters each side."""
    if not keyword:
        raise ValueError("kwic needs a non-empty keyword")
    pattern, rows = re.compile(re.escape(keyword)), []
    for doc in counted_documents(documents).itertuples():
        text = doc.text if isinstance(doc.text, str) else ""
        for match in pattern.finditer(text):
            start, end = match.span()
            rows.append({"doc_id": doc.doc_id, "title": doc.title, "left": _context(text[max(0, start - width):start]),
                         "keyword": keyword, "right": _context(text[end:end + width]), "start": start})
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def document_row(doc_id: str, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The documents row of doc_id as a dict; KeyError if there is none."""
    documents = table(tables, "documents")
    rows = documents[documents["doc_id"] == doc_id] if "doc_id" in documents.columns else documents.iloc[0:0]
    if rows.empty:
        raise KeyError(f"no document {doc_id!r} in the documents table")
    return rows.iloc[0].to_dict()


def _text_of(row: dict[str, Any]) -> str:
    """The document text of a documents row ('' when missing)."""
    text = row.get("text")
    return text if isinstance(text, str) else ""


def _rows_of(tables: dict[str, pd.DataFrame], name: str, doc_id: str) -> pd.DataFrame:
    """Rows of a span table that belong to doc_id."""
    frame = table(tables, name)
    return frame[frame["doc_id"] == doc_id] if "doc_id" in frame.columns else frame.iloc[0:0]


def heading_spans(measures: pd.DataFrame, text: str) -> list[tuple[int, int, str]]:
    """(start, end, 举措) for each measure heading that can be placed in text."""
    from pipeline.analyze.clusters import heading_start

    spans = []
    for row in measures.to_dict("records"):
        pos = heading_start(text, row)
        if pos is not None:
            spans.append((pos, pos + len(row["heading"]), HEADING_LABEL))
    return spans


def _valid(start: object, end: object, size: int) -> bool:
    """Whether start/end are numbers forming a non-empty span inside a text of length size."""
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (start, end)):
        return False
    return 0 <= int(start) < int(end) <= size


def document_spans(doc_id: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Labelled spans of one document (headings, statistics, models, slogans, places), sorted by start."""
    text = _text_of(document_row(doc_id, tables))
    spans = set(heading_spans(_rows_of(tables, "measures", doc_id), text))
    for name, (label, _) in SPAN_SOURCES.items():
        rows = _rows_of(tables, name, doc_id)
        if rows.empty:
            continue
        spans |= {(int(s), int(e), label) for s, e in zip(rows["start"], rows["end"]) if _valid(s, e, len(text))}
    return pd.DataFrame([(s, e, lab, text[s:e]) for s, e, lab in sorted(spans)], columns=SPAN_COLUMNS)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of text."""
    bounds, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            bounds.append((start, start + len(line)))
        start += len(line) + 1
    return bounds


def render_html(text: str, lines: list[tuple[int, int]], spans: pd.DataFrame, header: str) -> str:
    """One paragraph per non-blank line, spans marked in place, under an escaped header and a legend."""
    marked = list(zip(spans["start"], spans["end"], spans["label"]))
    legend = "".join(f'<span class="mark" style="background:{color}">{label}</span> ' for label, color in COLORS.items())
    body = "".join(f'<p class="line" data-start="{b}">{highlight(text, marked, COLORS, b, e)}</p>' for b, e in lines)
    return f'<div class="pipeline-document"><h3>{html.escape(header)}</h3><div class="legend">{legend}</div>{body}</div>'


def in_jupyter() -> bool:
    """True inside a Jupyter kernel (an IPython shell that talks to a notebook)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def render_document(doc_id: str, tables: dict[str, pd.DataFrame], jupyter: bool | None = None) -> str:
    """HTML of one document with its headings, statistics, models, slogans and places marked in place."""
    row = document_row(doc_id, tables)
    text = _text_of(row)
    markup = render_html(text, paragraphs(text), document_spans(doc_id, tables), f"{row.get('title') or doc_id}（{doc_id}）")
    if jupyter or (jupyter is None and in_jupyter()):
        from IPython.display import HTML, display

        display(HTML(markup))
    return markup


def _plain(value: object) -> object:
    """A cell value as plain Python (missing → None, numpy scalars → Python scalars)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _n_items(value: object) -> int:
    """Length of a list cell (list, array or missing)."""
    return len(value) if isinstance(value, (list, tuple, np.ndarray)) else 0


def _duplicates_of(doc_id: str, documents: pd.DataFrame) -> list[str]:
    """doc_ids of the documents marked as duplicates of doc_id."""
    if "duplicate_of" not in documents.columns:
        return []
    return sorted(documents.loc[documents["duplicate_of"] == doc_id, "doc_id"])


def _cluster_labels(doc_id: str, tables: dict[str, pd.DataFrame]) -> list[str]:
    """Labels of the practice clusters this document's measures fall into."""
    assigned = _rows_of(tables, "practice_clusters", doc_id)
    clusters = table(tables, "clusters")
    labels = dict(zip(clusters["cluster"], clusters["label"])) if not clusters.empty else {}
    return [f"{int(c)} {labels.get(c, '')}".strip() for c in sorted(set(assigned.get("cluster", [])))]


def document_summary(doc_id: str, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Metadata, counts of extracted spans, models, clusters and quality flags of one document."""
    row = document_row(doc_id, tables)
    documents, measures = table(tables, "documents"), _rows_of(tables, "measures", doc_id)
    keys = ["doc_id", "title", "date", "source", "url", "province", "prefecture", "county", "chars",
            "duplicate_of", "truncated", "count_mismatch"]
    summary = {key: _plain(row.get(key)) for key in keys}
    summary.update(
        duplicates=_duplicates_of(doc_id, documents),
        n_measures=len(measures), section_kinds=dict(Counter(measures.get("section_kind", []))),
        n_statistics=len(_rows_of(tables, "statistics", doc_id)), n_slogans=len(_rows_of(tables, "slogans", doc_id)),
        n_places=len(_rows_of(tables, "places", doc_id)),
        models=sorted(set(_rows_of(tables, "models", doc_id).get("canonical", []))),
        clusters=_cluster_labels(doc_id, tables), n_mojibake=_n_items(row.get("mojibake_spans")))
    return summary


def documents_per_province(documents: pd.DataFrame) -> pd.DataFrame:
    """Non-duplicate documents and characters per province, as in the report."""
    from pipeline.analyze.report import documents_per_province as per_province

    return per_province(documents) if "doc_id" in documents.columns else pd.DataFrame()


def quality_flags(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents with a quality flag: duplicate, truncated, count mismatch or mojibake."""
    if documents.empty or "doc_id" not in documents.columns:
        return pd.DataFrame(columns=["doc_id", "title", "duplicate_of", "truncated", "count_mismatch", "n_mojibake"])
    flags = pd.DataFrame({"doc_id": documents["doc_id"], "title": documents.get("title"),
                          "duplicate_of": documents.get("duplicate_of")})
    for column in ("truncated", "count_mismatch"):
        flags[column] = documents[column].fillna(False).astype(bool) if column in documents else False
    flags["n_mojibake"] = [_n_items(v) for v in documents.get("mojibake_spans", pd.Series([None] * len(flags)))]
    keep = flags["duplicate_of"].notna() | flags["truncated"] | flags["count_mismatch"] | (flags["n_mojibake"] > 0)
    return flags[keep].reset_index(drop=True)


def cluster_examples(clusters: pd.DataFrame) -> pd.DataFrame:
    """One row per cited example of each practice cluster (title, heading, source sentence)."""

    columns = ["cluster", "label", "doc_id", "title", "heading", "sentence"]
    rows = [{"cluster": row.get("cluster"), "label": row.get("label"), **example}
            for row in clusters.to_dict("records")
            for example in to_list(row.get("examples", row.get("examples_json")))]
    return pd.DataFrame(rows).reindex(columns=columns)


def top_terms(region_terms: pd.DataFrame, n: int = 10, level: str | None = None) -> pd.DataFrame:
    """The n most distinctive terms of each ranked region, one column per region."""
    if region_terms.empty:
        return pd.DataFrame()
    terms = region_terms if level is None else region_terms[region_terms["level"] == level]
    terms = terms[terms["rank"] <= n]
    return terms.pivot_table(index="rank", columns="region", values="term", aggfunc="first")


def show_figure(out_dir: Path | str, name: str) -> Path | None:
    """Display OUT/figures/NAME.png in the notebook if the run made it; return its path."""
    path = Path(out_dir) / "figures" / f"{name}.png"
    if not path.is_file():
        log.info("no figure %s", path)
        return None
    from IPython.display import Image, display

    display(Image(filename=str(path)))
    return path


def passage_families(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Occurrences of each travelling passage (family 0 is the most widespread), earliest first."""
    from pipeline.analyze.reuse import FAMILY_COLUMNS, families

    reuse = table(tables, "reuse")
    return families(reuse, table(tables, "documents")) if not reuse.empty else pd.DataFrame(columns=FAMILY_COLUMNS)
