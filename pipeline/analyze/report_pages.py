"""The report folder around the summary page: one page per document, a documents page, the search texts.

outputs/report/
    index.html            the summary (report.py), every example linking to its document page
    documents.html        every document in a sortable, filterable table, and a keyword-in-context search
    docs/<doc_id>.html    the clean text with measures, statistics, models, slogans, places and shared
                          passages marked in place; offsets on hover; #s<start>-<end> marks a stretch
    assets/report.js|css  shipped with the package, copied here: no page makes a request to the network
    assets/texts-NNN.js   the documents' texts for the search, in files of at most TEXT_SHARD_BYTES

Nothing here grows with the corpus in one file except documents.html (one table row per document, about
400 bytes) and the search texts, which are split; a 30,000-document corpus stays browsable.
"""

from __future__ import annotations

import bisect
import html
import json
import os
import shutil
import threading
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.executor import pool_map
from pipeline.highlight import highlight

ASSETS = Path(__file__).resolve().parent / "assets"
TEXT_SHARD_BYTES = 4_000_000
# Span table → (label, colour) on the document pages.
MARKS = {"measures": ("举措", "#f2c14e"), "statistics": ("数据", "#7fc8f8"), "models": ("模式", "#f78154"),
         "slogans": ("口号", "#b4a7d6"), "places": ("地名", "#9bd18b"), "reuse": ("复用", "#f4a6c6")}
COLORS = dict(MARKS.values())


def esc(value: object) -> str:
    """Escaped text of a cell; missing values empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def page_html(title: str, body: str, assets: str) -> str:
    """A complete page using the shipped stylesheet and script (relative paths only)."""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<link rel="stylesheet" href="{assets}report.css"><script src="{assets}report.js"></script></head>'
            f"<body>{body}</body></html>\n")


def script_json(value: object) -> str:
    """JSON that cannot end the <script> element holding it."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")


def spans_by_document(tables: dict[str, pd.DataFrame]) -> "DocumentSpans":
    """Every marked span of every document: (start, end, label), by document."""
    return DocumentSpans(tables)


class DocumentSpans:
    """The marked spans of each document, looked up when its page is written: each table's spans are sorted
    by document once and a document's are cut out of the arrays (a list of every span as tuples had taken
    most of the report's memory at 200 MB). Spans come by table in MARKS order, each table's in row order,
    a reuse passage's left sides before its right sides."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self._parts = []
        for name, (label, _) in MARKS.items():
            frame = tables.get(name)
            if frame is None or frame.empty:
                continue
            if name == "reuse":
                for side in ("a", "b"):
                    self._add(frame[f"doc_{side}"], frame[f"start_{side}"], frame[f"end_{side}"], label, check=False)
                continue
            end = frame["start"] + frame["heading"].fillna("").str.len() if name == "measures" else frame["end"]
            self._add(frame["doc_id"], frame["start"], end, label)  # a measure is marked by its heading

    def _add(self, docs: pd.Series, starts: pd.Series, ends: pd.Series, label: str, check: bool = True) -> None:
        starts, ends = pd.to_numeric(starts, errors="coerce"), pd.to_numeric(ends, errors="coerce")
        keep = docs.notna() & starts.notna() & ends.notna() & (ends > starts) if check else docs.notna()
        keep = keep.to_numpy(dtype=bool)
        codes, names = pd.factorize(docs[keep])
        order = np.argsort(codes, kind="stable")  # by document, each document's spans in row order
        last = np.cumsum(np.bincount(codes, minlength=len(names)))
        bounds = dict(zip(list(names), zip((last - np.bincount(codes, minlength=len(names))).tolist(), last.tolist())))
        self._parts.append((bounds, starts.to_numpy()[keep][order], ends.to_numpy()[keep][order], label))

    def get(self, doc_id: str, default=None) -> list[tuple[int, int, str]]:
        found = []
        for bounds, starts, ends, label in self._parts:
            if doc_id in bounds:
                lo, hi = bounds[doc_id]
                found.extend((int(s), int(e), label) for s, e in zip(starts[lo:hi].tolist(), ends[lo:hi].tolist()))
        return found if found else default

    def __getitem__(self, doc_id: str) -> list[tuple[int, int, str]]:
        return self.get(doc_id, [])


def document_page(doc: dict, spans: list[tuple[int, int, str]], targets: set[tuple[int, int]]) -> str:
    """One document: what it is, then its clean text with every span marked in place."""
    text = doc["text"] if isinstance(doc.get("text"), str) else ""
    size = len(text)
    spans = [(s, e, label) for s, e, label in spans if 0 <= s < e <= size]
    cuts = sorted({c for s, e in targets for c in (s, e)})
    starts, lines = _line_starts(text), []
    for (start, end), line_spans in zip(zip(starts, starts[1:]), _spans_by_line(spans, starts)):
        end -= 1  # the newline
        if text[start:end].strip():
            line_cuts = cuts[bisect.bisect_right(cuts, start) : bisect.bisect_left(cuts, end)]
            lines.append(f'<p data-start="{start}">{highlight(text, line_spans, COLORS, start, end, line_cuts, every_piece=True)}</p>')
    place = "/".join(str(doc[c]) for c in ("province", "prefecture", "county") if isinstance(doc.get(c), str))
    meta = [("文档", doc.get("doc_id")), ("来源文件", doc.get("source")), ("网址", doc.get("url")),
            ("日期", " ".join(esc(doc.get(c)) for c in ("date", "date_source", "date_precision") if doc.get(c))),
            ("地点", f"{place}（{doc.get('place_level') or '未知'}，置信度 {esc(doc.get('place_confidence'))}）" if place else "未知"),
            ("重复于", doc.get("duplicate_of")), ("字数", size)]
    meta_html = "".join(f"<dt>{name}</dt><dd>{value if name in ('日期', '地点') else esc(value)}</dd>"
                        for name, value in meta if value not in (None, "") and not (isinstance(value, float) and pd.isna(value)))
    legend = "".join(f'<span class="mark" style="background:{color}">{label}</span>' for label, color in MARKS.values())
    body = (f'<p><a href="../index.html">← 报告</a> · <a href="../documents.html">全部文档</a></p>'
            f"<h1>{esc(doc.get('title') or doc.get('doc_id'))}</h1><dl class=\"meta\">{meta_html}</dl>"
            f'<div class="legend">{legend}<span class="note">（鼠标悬停看类别与字符位置）</span></div>'
            f'<div class="doctext">{"".join(lines)}</div>')
    return page_html(str(doc.get("title") or doc.get("doc_id")), body, "../assets/")


def _line_starts(text: str) -> list[int]:
    """Where each line of the text starts, and one past the end (as if the text ended with a newline)."""
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return [*starts, len(text) + 1]


def _spans_by_line(spans: list[tuple[int, int, str]], starts: list[int]) -> list[list[tuple[int, int, str]]]:
    """The spans reaching into each line (lines from their starts), each line's in the spans' order: a line
    is marked with its own spans, not all the document's (a long report has hundreds of lines and spans)."""
    found: list[list[tuple[int, int, str]]] = [[] for _ in starts[:-1]]
    for span in spans:
        first = bisect.bisect_right(starts, span[0]) - 1
        last = bisect.bisect_left(starts, span[1]) - 1  # the line holding the span's last character
        for k in range(first, min(last, len(found) - 1) + 1):
            found[k].append(span)
    return found


def write_document_pages(tables: dict[str, pd.DataFrame], folder: Path, targets: dict[str, set[tuple[int, int]]],
                         workers: int = 1) -> int:
    """docs/<doc_id>.html for every document, PAGE_BATCH documents to a job, in a pool of `workers`
    processes when there are several batches (the pages are most of the report's time); the number written."""
    documents = tables.get("documents", pd.DataFrame())
    if documents.empty:
        return 0
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    spans = spans_by_document(tables)
    batches = [(start, min(start + PAGE_BATCH, len(documents))) for start in range(0, len(documents), PAGE_BATCH)]
    shared = (documents, spans, targets, folder / "docs")
    if workers <= 1 or len(batches) < 2:
        for batch in batches:
            _write_pages(batch, *shared)
    else:
        pool_map(_write_pages, batches, shared, workers, _own_pages)
    return len(documents)


def _write_pages(batch: tuple[int, int], documents: pd.DataFrame, spans, targets: dict, docs: Path) -> None:
    """The pages of documents[start:end] (rows as dicts a batch at a time: all at once had held a second
    copy of every text)."""
    for doc in documents.iloc[batch[0] : batch[1]].to_dict("records"):
        page = document_page(doc, spans.get(doc["doc_id"], []), targets.get(doc["doc_id"], set()))
        (docs / f"{doc['doc_id']}.html").write_text(page, encoding="utf-8")


def _own_pages(batch: tuple[int, int], shared: tuple) -> tuple:
    """A batch with its documents, spans and targets only, for a worker that starts empty (spawn)."""
    documents, spans, targets, docs = shared
    rows = documents.iloc[batch[0] : batch[1]]
    ids = rows["doc_id"].tolist()
    return (0, len(rows)), (rows, {d: spans.get(d, []) for d in ids}, {d: targets[d] for d in ids if d in targets}, docs)


PAGE_BATCH = 1000


def records(frame: pd.DataFrame, columns: list[str] | None = None):
    """The rows of a table (of its `columns` present) as dicts, made a batch at a time: the documents as
    dicts all at once had held a second copy of every text."""
    if columns is not None:
        frame = frame[[c for c in columns if c in frame.columns]]
    for start in range(0, len(frame), PAGE_BATCH):
        yield from frame.iloc[start : start + PAGE_BATCH].to_dict("records")


def documents_page(tables: dict[str, pd.DataFrame], shards: int) -> str:
    """Every document in an interactive table (filter by province, prefecture, date, words), and the search."""
    documents = tables.get("documents", pd.DataFrame())
    counts = {name: tables[name].groupby("doc_id").size() for name in ("measures", "statistics", "models")
              if name in tables and not tables[name].empty}
    columns = [("title", "标题"), ("province", "省"), ("prefecture", "地市"), ("county", "县"), ("place_level", "层级"),
               ("date", "日期"), ("measures", "举措"), ("statistics", "数据"), ("models", "模式"), ("duplicate_of", "重复于")]
    rows = []
    for doc in records(documents, ["doc_id", *(key for key, _ in columns)]):
        cells = []
        for key, _ in columns:
            if key == "title":
                cells.append(f'<td><a href="docs/{esc(doc["doc_id"])}.html">{esc(doc.get("title") or doc["doc_id"])}</a></td>')
            elif key in counts:
                cells.append(f'<td class="num">{int(counts[key].get(doc["doc_id"], 0))}</td>')
            else:
                cells.append(f"<td>{esc(doc.get(key))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = "".join(f"<th>{label}</th>" for _, label in columns)
    filters = (_select(documents, "province", 1, "省") + _select(documents, "prefecture", 2, "地市")
               + f'<label>日期从 <input data-filter-for="docs" data-column="5" data-compare="from" placeholder="2018-01"></label>'
               f'<label>到 <input data-filter-for="docs" data-column="5" data-compare="to" placeholder="2020-12"></label>'
               f'<label>标题或地名含 <input data-filter-for="docs" data-column="*"></label>')
    body = (f'<p><a href="index.html">← 报告</a></p><h1>全部文档</h1>'
            f'<div class="kwic" data-shards="{shards}" data-assets="assets/" data-docs="docs/">'
            f'<h2>关键词在上下文中</h2><input placeholder="输入词语，回车搜索全文"><button>搜索</button><div class="hits"></div></div>'
            f'<h2>文档（显示 <span class="shown">{len(rows)}</span> / {len(rows)}）</h2><div class="filters">{filters}</div>'
            f'<table id="docs" class="interactive"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return page_html("全部文档", body, "assets/")


def _select(documents: pd.DataFrame, column: str, index: int, label: str) -> str:
    """A drop-down filter over the values of one column."""
    values = sorted({v for v in documents.get(column, pd.Series(dtype=object)) if isinstance(v, str)})
    options = '<option value="">全部</option>' + "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return f'<label>{label} <select data-filter-for="docs" data-column="{index}">{options}</select></label>'


def write_text_shards(documents: pd.DataFrame, assets: Path) -> int:
    """assets/texts-NNN.js holding [doc_id, title, text] of every document, each file ≤ TEXT_SHARD_BYTES."""
    shard, size, n = [], 0, 0
    for doc in records(documents, ["doc_id", "title", "text"]):
        entry = [doc["doc_id"], doc.get("title") if isinstance(doc.get("title"), str) else "", doc.get("text") or ""]
        cost = len(json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        if shard and size + cost > TEXT_SHARD_BYTES:
            _write_shard(assets, n, shard)
            shard, size, n = [], 0, n + 1
        shard.append(entry)
        size += cost
    if shard:
        _write_shard(assets, n, shard)
        n += 1
    return n


def _write_shard(assets: Path, number: int, entries: list) -> None:
    body = "window.PIPELINE_TEXTS = window.PIPELINE_TEXTS || [];\nwindow.PIPELINE_TEXTS.push.apply(window.PIPELINE_TEXTS, "
    (assets / f"texts-{number:03d}.js").write_text(body + script_json(entries) + ");\n", encoding="utf-8")


def write_folder(tables: dict[str, pd.DataFrame], folder: Path, index_html: str, targets: dict[str, set[tuple[int, int]]],
                 workers: int = 1) -> Path:
    """The whole report folder (see the module docstring); the path of index.html."""
    stale = _set_aside(folder)
    try:
        (folder / "assets").mkdir(parents=True)
        for name in ("report.js", "report.css"):
            shutil.copyfile(ASSETS / name, folder / "assets" / name)
        shards = write_text_shards(tables.get("documents", pd.DataFrame()), folder / "assets")
        (folder / "documents.html").write_text(documents_page(tables, shards), encoding="utf-8")
        write_document_pages(tables, folder, targets, workers)
        (folder / "index.html").write_text(index_html, encoding="utf-8")
    finally:
        if stale is not None:
            stale.join()
    return folder / "index.html"


def _set_aside(folder: Path) -> threading.Thread | None:
    """Move the last run's report out of the way and remove it in a thread while this one is written (a
    page per document: removing them first took 3.7 s at 200 MB); the thread, or None when there was none."""
    if not folder.exists():
        return None
    aside = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    shutil.rmtree(aside, ignore_errors=True)  # left by a run that was killed while removing it
    folder.rename(aside)
    thread = threading.Thread(target=shutil.rmtree, args=(aside,), kwargs={"ignore_errors": True}, daemon=True)
    thread.start()
    return thread
