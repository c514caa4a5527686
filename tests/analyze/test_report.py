"""Tests for pipeline.analyze.report: a self-contained, escaped HTML report."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import _synthetic
from pipeline.analyze import report
from pipeline.analyze.figures import make_figures
from pipeline.io import to_list

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The report of the synthetic tables, with figures (made once: drawing takes a second)."""
    out = tmp_path_factory.mktemp("report")
    tables = _synthetic.tables()
    path = report.write_report(tables, make_figures(tables, out), out)
    return path, path.read_text(encoding="utf-8")


def test_report_is_written_to_out_dir(built: tuple[Path, str]) -> None:
    path, text = built
    assert path == path.parents[1] / "report" / "index.html"
    assert text.startswith("<!DOCTYPE html>")
    assert 'url=report/index.html' in (path.parents[1] / "report.html").read_text(encoding="utf-8")  # forwards


def test_document_text_and_title_are_escaped(built: tuple[Path, str]) -> None:
    _, text = built
    # d5's title and a cluster example sentence taken from its text both carry the injection.
    assert f"《{ESCAPED}测试标题》" in text
    assert f"网页残留{ESCAPED}脚本。" in text
    assert re.findall(r"<script[^>]*>", text, re.IGNORECASE) == ['<script src="assets/report.js">']  # ours alone


def test_no_external_requests(built: tuple[Path, str]) -> None:
    """Every page of the report folder points only at files of the folder (or embeds its images)."""
    path, _ = built
    folder = path.parent
    for page in [folder / "index.html", folder / "documents.html", *sorted((folder / "docs").glob("*.html"))]:
        text = page.read_text(encoding="utf-8")
        targets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", text, re.IGNORECASE)
        assert targets and all(not re.match(r"(https?:)?//|[a-z]+:", t) or t.startswith("data:image/png;base64,") for t in targets), page
        assert "@import" not in text and "url(" not in text
    for asset in (folder / "assets").iterdir():
        assert not re.search(r"https?://|url\(|@import|fetch\(|XMLHttpRequest", asset.read_text(encoding="utf-8")), asset


def test_figures_are_embedded_as_png_data_uris(built: tuple[Path, str]) -> None:
    _, text = built
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(images) == 5
    assert all(base64.b64decode(data).startswith(b"\x89PNG") for data in images)


def test_sections_report_counts_once_and_quote_sources(built: tuple[Path, str]) -> None:
    _, text = built
    # 5 documents, d4 duplicates d1 → 4 articles; per province 贵州省 counts d1 only.
    assert "共 4 篇文档（重复的 1 篇只计一次）" in text
    assert '<tr><td>贵州省</td><td class="num">1</td>' in text
    # The cluster example quotes its sentence and the title of its document.
    assert ("<blockquote>镇宁县推行党支部+合作社+农户模式，带动建档立卡贫困户1200余户增收。</blockquote>"
            '<p class="source">——<a href="docs/d1.html">《镇宁县脱贫攻坚经验材料》</a> · 强化组织引领</p>') in text
    assert "蜂糖李（z=2.4）、建档立卡（z=1.5）" in text


def test_quality_notes(built: tuple[Path, str]) -> None:
    _, text = built
    assert "<td>raw/bad.bin</td><td>无法识别编码</td>" in text
    assert '<td>d4</td><td><a href="docs/d4.html">镇宁县脱贫攻坚经验材料（转载）</a></td><td>raw/d4.txt</td><td>d1</td>' in text
    assert "页面不完整（truncated）（1）</h3>" in text and "<td>d3</td>" in text
    assert "含乱码的文档（共 1 处）（1）" in text


def test_too_little_text_regions_are_listed(built: tuple[Path, str]) -> None:
    _, text = built
    thin = text[text.index("文本太少、未参与排序的地区"):]
    assert "<td>四川省</td>" in thin[:thin.index("</table>")]


def test_model_example_is_the_earliest_mention() -> None:
    examples = report.model_examples(_synthetic.tables()).set_index("canonical")
    # 巍山 (2017-05-27) mentions 支部+合作社+农户 before 镇宁 (2018-09-05).
    assert examples.loc["党支部+合作社+农户", "example_title"] == "巍山县关于加强基层党建的通知"
    assert examples.loc["党支部+合作社+农户", "example"] == "巍山县推广支部+合作社+农户，培育企业+合作社+农户模式，发展合作社85个。"


@pytest.mark.parametrize("tables", [_synthetic.empty_tables(), {}], ids=["empty", "absent"])
def test_empty_tables_render(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    text = report.write_report(tables, {}, tmp_path).read_text(encoding="utf-8")
    assert "共 0 篇文档" in text and "无数据" in text


@pytest.mark.parametrize("value, expected", [
    (None, ""), (float("nan"), ""), (3.0, "3"), (2.5, "2.5"), (["镇宁", "巍山"], "镇宁、巍山"),
    ('a"b<c>', "a&quot;b&lt;c&gt;"),
])
def test_esc(value: object, expected: str) -> None:
    assert report.esc(value) == expected


@pytest.mark.parametrize("value, expected", [
    ('["组织", "支部"]', ["组织", "支部"]), (None, []), (float("nan"), []), (("甲",), ["甲"]),
])
def test_list_cells(value: object, expected: list) -> None:
    assert to_list(value) == expected


def test_examples_as_json_column(tmp_path: Path) -> None:
    tables = _synthetic.tables()
    clusters = tables["clusters"]
    tables["clusters"] = clusters.assign(
        examples_json=[json.dumps(list(e), ensure_ascii=False) for e in clusters["examples"]]).drop(columns="examples")
    text = report.write_report(tables, {}, tmp_path).read_text(encoding="utf-8")
    assert "<blockquote>镇宁县推行党支部+合作社+农户模式，带动建档立卡贫困户1200余户增收。</blockquote>" in text


def test_documents_per_province_unknown_last() -> None:
    per = report.documents_per_province(_synthetic.documents())
    assert per["province"].tolist()[-1] == "未知"
    assert dict(zip(per["province"], per["n_documents"])) == {"云南省": 1, "四川省": 1, "贵州省": 1, "未知": 1}


def test_the_report_from_the_columns_the_run_reads_is_the_report_from_whole_tables(pipeline_out, tmp_path):
    """A run reads only the spans of the tables the report marks and counts (REPORT_COLUMNS); the summary
    page and the report folder must be those made from the whole tables, byte for byte."""
    from pipeline.analyze import TABLE_NAMES
    from pipeline.analyze.report_pages import write_folder
    from pipeline.io import read_table
    from pipeline.provenance import read_record
    from pipeline.runner import ANALYZE_INPUTS, report_inputs

    outputs = {name: read_table(pipeline_out, name) for name in TABLE_NAMES}
    whole = {**{name: read_table(pipeline_out, name) for name in ANALYZE_INPUTS}, **outputs}
    read = {**report_inputs(pipeline_out), **outputs}
    assert list(read["statistics"].columns) == ["doc_id", "start", "end"] and "text" in whole["statistics"]
    pages = []
    for n, tables in enumerate((whole, read)):
        links = report.Links()
        index = report.render_report(tables, {}, read_record(pipeline_out), links)
        pages.append((index, write_folder(tables, tmp_path / str(n), index, links.targets).parent))
    assert pages[0][0] == pages[1][0]
    names = sorted(str(p.relative_to(pages[0][1])) for p in pages[0][1].rglob("*") if p.is_file())
    assert len(names) > 30 and names == sorted(str(p.relative_to(pages[1][1])) for p in pages[1][1].rglob("*") if p.is_file())
    for name in names:
        assert (pages[0][1] / name).read_bytes() == (pages[1][1] / name).read_bytes(), name
