"""A table of village figures keeps its cells in the text and yields one statistic per figure cell."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.ingest import ingest
from pipeline.segment import segment

PAGE = """<html><head><meta charset="utf-8"><title>某乡贫困基本情况</title></head><body>
<div class="article"><h1>某乡贫困基本情况</h1>
<p>全乡位于县城以东，近年来坚持党建引领，脱贫攻坚取得明显成效，群众满意度显著提升。各村基本情况如下表。</p>
<table><tr><th>村名</th><th>户数（户）</th><th>人口（人）</th><th>贫困发生率</th></tr>
<tr><td>东村</td><td>320</td><td>1250</td><td>3.5%</td></tr>
<tr><td>西村</td><td>280</td><td>1032</td><td>2.1%</td></tr></table>
<p>下一步，我们将继续巩固脱贫成果，推动乡村振兴，让群众过上更好的日子，各项工作有序推进。</p></div></body></html>"""


@pytest.fixture(scope="module")
def tables(tmp_path_factory, resources):
    corpus = tmp_path_factory.mktemp("table")
    (corpus / "village.html").write_text(PAGE, encoding="utf-8")
    ingested = ingest(corpus, resources)
    return ingested.documents, segment(ingested.documents, resources, places=ingested.places).statistics


def test_cells_stay_in_the_text_row_by_row(tables):
    text = tables[0]["text"].iloc[0]
    assert "村名\t户数（户）\t人口（人）\t贫困发生率\n东村\t320\t1250\t3.5%\n西村\t280\t1032\t2.1%" in text


def test_one_statistic_per_figure_cell_with_its_headers(tables):
    documents, stats = tables
    rows = list(zip(stats["indicator"], stats["value"], stats["unit"], stats["level"]))
    assert rows == [
        ("东村·户数", 320.0, "户", "village"), ("东村·人口", 1250.0, "人", "village"), ("东村·贫困发生率", 3.5, "%", "village"),
        ("西村·户数", 280.0, "户", "village"), ("西村·人口", 1032.0, "人", "village"), ("西村·贫困发生率", 2.1, "%", "village"),
    ]
    text = documents["text"].iloc[0]
    assert all(text[s:e] == t for s, e, t in zip(stats["start"], stats["end"], stats["text"]))
