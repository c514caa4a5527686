"""The report folder: one page per document with its text unchanged, the documents page, the search texts."""

from __future__ import annotations

import html
import json
import re

import pandas as pd

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


def test_document_pages_written_a_batch_at_a_time_are_the_same_pages(tmp_path, monkeypatch):
    whole, batched = tmp_path / "whole", tmp_path / "batched"
    assert report_pages.write_document_pages(tables(), whole, {}) == 2
    monkeypatch.setattr(report_pages, "PAGE_BATCH", 1)
    assert report_pages.write_document_pages(tables(), batched, {}) == 2
    names = sorted(p.name for p in (whole / "docs").iterdir())
    assert names == ["a.html", "b.html"] == sorted(p.name for p in (batched / "docs").iterdir())
    for name in names:
        assert (whole / "docs" / name).read_bytes() == (batched / "docs" / name).read_bytes()
    assert "合作社是关键。" in (batched / "docs" / "b.html").read_text(encoding="utf-8")
