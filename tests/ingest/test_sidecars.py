"""Scraper tables as researchers have them: Chinese column names, a named text column, metadata sidecars."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.ingest import ingest

BODY = ("近年来，县委坚持以党建引领脱贫攻坚，选派第一书记驻村帮扶，推行党支部+合作社+农户模式，"
        "带动建档立卡贫困户1200余户增收，贫困发生率降至1.9%。")


def write_csv(path, rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_chinese_column_names_are_known(tmp_path, resources):
    write_csv(tmp_path / "articles.csv", [{"标题": "镇宁县抓党建促脱贫经验", "正文": BODY, "发布时间": "2018-09-05", "省份": "贵州省"}])
    docs = ingest(tmp_path, resources).documents
    assert len(docs) == 1
    doc = docs.iloc[0]
    assert (doc["title"], doc["date"], doc["province"]) == ("镇宁县抓党建促脱贫经验", "2018-09-05", "贵州省")
    assert BODY[:20] in doc["text"]


def test_a_text_column_can_be_named(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    write_csv(corpus / "crawl.csv", [{"篇名": "某县经验", "文章正文": BODY}])
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--stages", "ingest"]) == 0
    manifest = pd.read_parquet(out / "manifest.parquet")
    assert manifest["status"].tolist() == ["rejected"] and "--text-column" in manifest["reason"].iloc[0]
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--stages", "ingest", "--text-column", "文章正文",
                 "--title-column", "篇名"]) == 0
    docs = pd.read_parquet(out / "documents.parquet")
    assert docs["title"].tolist() == ["某县经验"] and pd.read_parquet(out / "manifest.parquet")["status"].tolist() == ["accepted"]


@pytest.mark.parametrize("batch_files", [None, 1], ids=["one batch", "a batch per file"])
def test_a_sidecar_describes_the_files_and_is_not_read_as_documents(tmp_path, resources, batch_files):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.txt").write_text("党建引领脱贫攻坚\n" + BODY, encoding="utf-8")
    (tmp_path / "pages" / "b.txt").write_text("支部建在产业链上\n" + BODY.replace("1200", "800"), encoding="utf-8")
    write_csv(tmp_path / "manifest.csv", [
        {"文件名": "pages/a.txt", "标题": "镇宁县抓党建促脱贫", "日期": "2018-09-05", "省份": "贵州省", "链接": "http://x.cn/a"},
        {"文件名": "b.txt", "标题": "巍山县产业党建", "日期": "2019-03-01", "省份": "云南省", "链接": "http://x.cn/b"}])
    tables = ingest(tmp_path, resources, batch_files=batch_files)  # matches are counted over every batch
    docs = tables.documents.set_index("source")
    assert docs.loc["pages/a.txt", "date"] == "2018-09-05" and docs.loc["pages/a.txt", "url"] == "http://x.cn/a"
    assert docs.loc["pages/b.txt", "province"] == "云南省" and docs.loc["pages/b.txt", "date"] == "2019-03-01"
    sidecar = tables.manifest.set_index("source").loc["manifest.csv"]
    assert sidecar["status"] == "metadata" and "joined onto 2 inputs" in sidecar["reason"]
    assert len(tables.documents) == 2  # the sidecar's rows are not documents


def test_a_table_named_like_an_index_that_holds_texts_is_read_as_documents(tmp_path, resources):
    write_csv(tmp_path / "index.csv", [{"title": "某县经验", "text": BODY}])
    tables = ingest(tmp_path, resources)
    assert len(tables.documents) == 1 and tables.manifest["status"].tolist() == ["accepted"]


def test_a_metadata_file_outside_the_corpus_joins_by_url(tmp_path, resources):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_csv(corpus / "rows.csv", [{"url": "http://x.cn/1", "text": BODY}])
    write_csv(tmp_path / "meta.csv", [{"url": "http://x.cn/1", "province": "甘肃省", "date": "2020-01-02"}])
    docs = ingest(corpus, resources, metadata=tmp_path / "meta.csv").documents
    assert (docs["province"].iloc[0], docs["date"].iloc[0]) == ("甘肃省", "2020-01-02")


def test_the_column_list_is_checked(tmp_path):
    import pytest

    from pipeline.ingest.readers import FIELDS, load_columns, with_columns
    from pipeline.resources import DATA_DIR, ResourceError

    shipped = load_columns(DATA_DIR / "columns.tsv")
    assert set(shipped) == set(FIELDS) and "正文" in shipped["text"]
    assert with_columns(shipped, text="文章正文")["text"][:2] == ("文章正文", shipped["text"][0])
    bad = tmp_path / "columns.tsv"
    bad.write_text("# header\ntext\ttext|正文\nbody_text\tx\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="columns.tsv line 3: unknown field 'body_text'"):
        load_columns(bad)
