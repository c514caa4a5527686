"""Main text of web pages against hand-made gold bodies: the pipeline's ingest beside trafilatura alone.

A gold folder holds pairs NAME.html (the page's bytes as published) and NAME.txt (its article body, one
paragraph per line, written by reading the page; empty for a page that holds no single article: a list,
an index, an error page). Both sides are cut into sentences (。！？；!?; and line ends), converted to
simplified script and stripped of spaces and punctuation; a page's precision and recall count the
sentences they share (as multisets). An empty gold is scored as right when nothing is extracted.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd

SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n")
NOT_TEXT = re.compile(r"[\W_]+")
MIN_SENTENCE_CHARS = 2
LOW_F1 = 0.5


def gold_pages(gold_dir: Path) -> list[tuple[Path, str]]:
    """(page, gold body) for every NAME.html with a NAME.txt beside it, in name order."""
    pages = sorted(gold_dir.rglob("*.html")) + sorted(gold_dir.rglob("*.htm"))
    return [(p, p.with_suffix(".txt").read_text(encoding="utf-8")) for p in pages if p.with_suffix(".txt").exists()]


def sentences(text: str, converter) -> Counter:
    """The sentences of a text as comparable keys (simplified script, no spaces or punctuation)."""
    keys = (NOT_TEXT.sub("", converter.convert(s)) for s in SENTENCE_END.split(text or ""))
    return Counter(k for k in keys if len(k) >= MIN_SENTENCE_CHARS)


def page_score(gold: Counter, found: Counter) -> dict:
    """Shared, gold and extracted sentence counts with precision, recall and F1 of one page."""
    shared = sum((gold & found).values())
    n_gold, n_found = sum(gold.values()), sum(found.values())
    if not n_gold:  # a page without an article: right when nothing came out
        right = float(n_found == 0)
        return {"shared": 0, "gold": 0, "found": n_found, "precision": right, "recall": right, "f1": right}
    precision = shared / n_found if n_found else 0.0
    recall = shared / n_gold
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"shared": shared, "gold": n_gold, "found": n_found, "precision": precision, "recall": recall, "f1": f1}


def pipeline_texts(pages: list[Path], resources) -> tuple[dict[str, str], dict[str, int], dict[str, str]]:
    """Clean text per page from the pipeline's ingest run on all pages at once, the number of documents
    each became, and the reasons of the rejected ones (a list page rejected as 'not an article' extracts
    nothing)."""
    from pipeline.ingest import ingest

    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for n, page in enumerate(pages):
            name = f"{n:03d}_{page.name}"
            shutil.copyfile(page, Path(folder) / name)
            names[name] = page.name
        tables = ingest(Path(folder), resources)
    texts, parts = {}, {}
    for source, group in (tables.documents.groupby("source") if len(tables.documents) else ()):
        texts[names[source]] = "\n".join(map(body_of, group["text"], group["title"]))
        parts[names[source]] = len(group)
    rejected = tables.manifest[tables.manifest["status"] == "rejected"]
    return texts, parts, {names[s]: r for s, r in zip(rejected["source"], rejected["reason"])}


def body_of(text: str, title: object) -> str:
    """A document's text without its first line where that is its title (the gold bodies have none)."""
    from pipeline.ingest.metadata import repeats_title

    first, _, rest = text.partition("\n")
    return rest if isinstance(title, str) and repeats_title(first, title) else text


def trafilatura_text(page: Path) -> str:
    """What trafilatura alone extracts with its defaults (it decodes the bytes itself)."""
    import trafilatura

    return trafilatura.extract(page.read_bytes()) or ""


def evaluate_html(gold_dir: Path, resources) -> pd.DataFrame:
    """One row per page and extractor: the page's sentence scores."""
    pairs = gold_pages(gold_dir)
    ours, parts, reasons = pipeline_texts([p for p, _ in pairs], resources)
    rows = []
    for page, gold_text in pairs:
        gold = sentences(gold_text, resources.converter)
        for extractor, text in (("pipeline", ours.get(page.name, "")), ("trafilatura", trafilatura_text(page))):
            score = page_score(gold, sentences(text, resources.converter))
            ours_ = extractor == "pipeline"
            rows.append({"page": str(page.relative_to(gold_dir)), "article": bool(gold), "extractor": extractor, **score,
                         "documents": parts.get(page.name, 0) if ours_ else int(bool(text.strip())),
                         "reason": reasons.get(page.name) if ours_ else None})
    return pd.DataFrame(rows)


def summary(per_page: pd.DataFrame) -> pd.DataFrame:
    """Side by side per extractor: pooled sentence P/R/F1 over article pages, mean page F1, pages below
    LOW_F1, and pages without an article that came out empty."""
    out = {}
    for extractor, rows in per_page.groupby("extractor"):
        articles, others = rows[rows["article"]], rows[~rows["article"]]
        shared, gold, found = articles["shared"].sum(), articles["gold"].sum(), articles["found"].sum() + others["found"].sum()
        precision, recall = shared / found if found else 0.0, shared / gold if gold else 0.0
        out[extractor] = {
            "article pages": len(articles),
            "sentences P (pooled)": precision,
            "sentences R (pooled)": recall,
            "sentences F1 (pooled)": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "mean page F1": articles["f1"].mean(),
            f"pages with F1 < {LOW_F1}": int((articles["f1"] < LOW_F1).sum()),
            "non-article pages left empty": f"{int(others['f1'].sum())} of {len(others)}",
            "article pages split in several": int((articles["documents"] > 1).sum()),
        }
    return pd.DataFrame(out)
