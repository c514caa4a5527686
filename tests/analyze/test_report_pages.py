"""The report folder: one page per document with its text unchanged, the documents page, the search texts."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from pipeline.analyze import report_pages

TEXT = "一、强化组织引领\n推行党支部+合作社+农户模式，带动贫困户1200余户增收。<script>x</script>\n\n二、发展产业"


def tables() -> dict[str, pd.DataFrame]:
    start = TEXT.index("党支部+合作社+农户")
    return {
        "documents": pd.DataFrame([{"doc_id": "a", "title": "镇宁<b>经验</b>", "text": TEXT, "source": "raw/a.txt", "url": "http://x.cn/1",
                                    "date": "2018-09-05", "date_source": "header", "date_precision": "day", "province": "贵州省",
                                    "prefecture": "安顺市", "county": "镇宁布依族苗族自治县", "place_level": "county",
                                    "place_confidence": 0.9, "duplicate_of": None},
                                   {"doc_id": "b", "title": "巍山", "text": "合作社是关键。", "source": "raw/b.txt", "province": "云南省",
                                    "date": "2017-05-27", "duplicate_of": None}]),
        "measures": pd.DataFrame([{"doc_id": "a", "measure_id": "a:m1", "heading": "强化组织引领", "start": 2, "end": 40}]),
        "models": pd.DataFrame([{"doc_id": "a", "surface": "党支部+合作社+农户", "start": start, "end": start + 10}]),
        "statistics": pd.DataFrame([{"doc_id": "a", "text": "1200余户", "start": TEXT.index("1200"), "end": TEXT.index("1200") + 6}]),
    }


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_a_document_page_holds_its_text_unchanged_with_marks_and_offsets():
    doc = tables()["documents"].iloc[0].to_dict()
    page = report_pages.document_page(doc, report_pages.spans_by_document(tables())["a"], {(9, 20)})
    lines = re.findall(r'<p data-start="\d+">(.*?)</p>', page)
    assert [plain(line) for line in lines] == [line for line in TEXT.split("\n") if line]
    assert "<script>x" not in page and "&lt;script&gt;x" in page and "镇宁&lt;b&gt;经验&lt;/b&gt;" in page
    assert re.search(r'data-labels="模式" data-start="\d+" data-end="\d+" title="模式 \d+–\d+"', page)
    assert 'data-start="9"' in page and 'data-end="20"' in page  # a linked stretch is cut at both ends
    assert "http://x.cn/1" in page and 'href="http' not in page  # the URL is shown, not requested


def test_the_documents_page_lists_and_filters_every_document():
    page = report_pages.documents_page(tables(), shards=1)
    assert page.count('<a href="docs/') == 2 and '<option value="贵州省">' in page and 'data-compare="from"' in page
    assert '<div class="kwic" data-shards="1"' in page


def test_search_texts_are_split_and_cannot_end_their_script(tmp_path, monkeypatch):
    docs = pd.DataFrame([{"doc_id": f"d{i}", "title": "t", "text": "党建</script>引领" * 50} for i in range(10)])
    monkeypatch.setattr(report_pages, "TEXT_SHARD_BYTES", 2_000)
    n = report_pages.write_text_shards(docs, tmp_path)
    files = sorted(tmp_path.glob("texts-*.js"))
    assert n == len(files) > 1 and all(f.stat().st_size <= 2_000 + 200 for f in files)
    entries = [e for f in files for e in json.loads(f.read_text(encoding="utf-8").split("PIPELINE_TEXTS, ", 1)[1].rsplit(");", 1)[0])]
    assert [e[0] for e in entries] == list(docs["doc_id"]) and entries[0][2] == docs["text"][0]
    assert all("</script" not in f.read_text(encoding="utf-8") for f in files)


def test_pages_written_a_batch_of_documents_at_a_time_are_the_same_pages(tmp_path, monkeypatch):
    whole, batched = tmp_path / "whole", tmp_path / "batched"
    report_pages.write_folder(tables(), whole, "<p>index</p>", {})
    monkeypatch.setattr(report_pages, "PAGE_BATCH", 1)
    report_pages.write_folder(tables(), batched, "<p>index</p>", {})
    names = sorted(str(p.relative_to(whole)) for p in whole.rglob("*") if p.is_file())
    assert {"docs/a.html", "docs/b.html", "documents.html", "assets/texts-000.js"} <= set(names)
    assert names == sorted(str(p.relative_to(batched)) for p in batched.rglob("*") if p.is_file())
    for name in names:
        assert (whole / name).read_bytes() == (batched / name).read_bytes(), name
    assert "合作社是关键。" in (batched / "docs" / "b.html").read_text(encoding="utf-8")
    assert "合作社是关键。" in (batched / "assets" / "texts-000.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_pages_written_by_a_pool_of_workers_are_the_same_pages(tmp_path, monkeypatch, start):
    """Forked workers write pages from what they inherit; spawned ones receive their batch's documents,
    spans and link targets only."""
    import multiprocessing

    targets = {"b": {(0, 4)}}  # a sentence the report links to: its ends cut b's text
    alone, pooled = tmp_path / "alone", tmp_path / "pooled"
    monkeypatch.setattr(report_pages, "PAGE_BATCH", 1)
    report_pages.write_folder(tables(), alone, "<p>index</p>", targets)
    context = multiprocessing.get_context(start)
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: context)
    report_pages.write_folder(tables(), pooled, "<p>index</p>", targets, workers=2)
    names = sorted(str(p.relative_to(alone)) for p in alone.rglob("*") if p.is_file())
    assert "docs/b.html" in names and names == sorted(str(p.relative_to(pooled)) for p in pooled.rglob("*") if p.is_file())
    for name in names:
        assert (alone / name).read_bytes() == (pooled / name).read_bytes(), name
    assert 'data-start="0" data-end="4"' in (pooled / "docs" / "b.html").read_text(encoding="utf-8")


def test_a_report_written_again_replaces_the_last_one_and_leaves_nothing_of_it(tmp_path):
    folder = tmp_path / "report"
    report_pages.write_folder(tables(), folder, "<p>first</p>", {})
    (folder / "docs" / "gone.html").write_text("a document of the last run", encoding="utf-8")
    report_pages.write_folder(tables(), folder, "<p>second</p>", {})
    assert not (folder / "docs" / "gone.html").exists() and (folder / "docs" / "a.html").exists()
    assert (folder / "index.html").read_text(encoding="utf-8") == "<p>second</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # the last report, set aside, is removed too


def test_a_documents_spans_come_by_table_then_row_and_unusable_offsets_are_left_out():
    marks = tables()
    marks["places"] = pd.DataFrame([{"doc_id": "b", "start": 0, "end": 3}, {"doc_id": "a", "start": 5, "end": None},
                                    {"doc_id": "a", "start": 9, "end": 9}, {"doc_id": "a", "start": 30, "end": 33}])
    marks["reuse"] = pd.DataFrame([{"doc_a": "a", "start_a": 1, "end_a": 4, "doc_b": "b", "start_b": 0, "end_b": 3},
                                   {"doc_a": "b", "start_a": 2, "end_a": 6, "doc_b": "a", "start_b": 7, "end_b": 12}])
    spans = report_pages.spans_by_document(marks)
    statistic, model = TEXT.index("1200"), TEXT.index("党支部+合作社+农户")
    assert spans["a"] == [(2, 8, "举措"), (statistic, statistic + 6, "数据"), (model, model + 10, "模式"), (30, 33, "地名"),
                          (1, 4, "复用"), (7, 12, "复用")]  # the measure by its heading 强化组织引领; a left side first
    assert spans["b"] == [(0, 3, "地名"), (2, 6, "复用"), (0, 3, "复用")]
    assert spans["c"] == [] and spans.get("c") is None
