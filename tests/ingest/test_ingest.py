"""The ingest stage end to end: seeds, encodings, HTML, tables, duplicates and the manifest."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import opencc
import pandas as pd
import pytest

from pipeline.evaluate import find_document
from pipeline.ingest import CorpusError, ingest
from tests.conftest import GOLD, RAW, ROOT
from tests.seeds import seed_path

PINYIN_NOTE = re.compile(r"[\u4e00-\u9fff][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+[)）]")


@pytest.fixture(scope="module")
def seed_docs(resources) -> pd.DataFrame:
    """Documents of the default corpus (the five seed pages and the official reports)."""
    return ingest(RAW.parent, resources).documents


def _doc(docs: pd.DataFrame, prefix: str) -> pd.Series:
    """The first document of the seed whose file name starts with prefix."""
    return docs[docs["source"].str.contains(f"/{prefix}_") & (docs["part"] == 0)].iloc[0]


def _corpus(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """A corpus folder holding the given files."""
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.mark.parametrize("gold_file", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem)
def test_gold_body_checks(seed_docs, gold_file):
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    text = find_document(gold, seed_docs)["text"]
    assert [s for s in gold["body"]["must_be_removed"] if s in text] == []
    assert gold["body"]["first_sentence_starts"] in text
    assert gold["body"]["last_sentence_ends"] in text


def test_gold_metadata_of_seed_000(seed_docs):
    doc = _doc(seed_docs, "000")
    assert (doc["title"], doc["date"], doc["source_unit"]) == ("抓党建促脱贫的实践与探索", "2018-09-05", "安顺市镇宁自治县委政研室")


def test_seed_001_is_simplified_without_pinyin_and_flags_mojibake(seed_docs):
    doc = _doc(seed_docs, "001")
    assert doc["script"] == "traditional"
    assert PINYIN_NOTE.search(doc["text"]) is None
    assert "抓强基固本,强化脱贫攻坚执行力。" in doc["text"]
    assert "強" not in doc["text"] and "貧" not in doc["text"]
    assert any("jiǎn)" in doc["text"][s:e] for s, e in doc["mojibake_spans"])
    assert doc["truncated"]  # a lone page number "1" follows the body: page 1 of a longer article
    assert "巴彦淖尔市" not in doc["text"] and "001.jpg" not in doc["text"] and "图为" not in doc["text"]


def test_seed_003_keeps_its_subtitle_and_drops_the_photo_credit(seed_docs):
    doc = _doc(seed_docs, "003")
    assert doc["title"] == "把党的组织优势转化为脱贫攻坚力量"
    assert "——我省深入实施党员精准扶贫示范工程" in doc["text"]
    assert "王晓均" not in doc["text"]


def test_watermark_is_cut_from_the_compilation(seed_docs):
    parts = seed_docs[seed_docs["source"].str.contains("/004_")]
    assert len(parts) > 1
    assert not parts["text"].str.contains("damishu").any()
    assert not parts["text"].str.contains("本文来自").any()


def test_documents_ids_are_unique_and_stable(resources, seed_docs):
    again = ingest(RAW.parent, resources).documents
    assert seed_docs["doc_id"].is_unique
    assert seed_docs["doc_id"].tolist() == again["doc_id"].tolist()


def _clean_text_of(tmp_path: Path, name: str, data: bytes, resources) -> str:
    """Clean text of a one-file corpus."""
    docs = ingest(_corpus(tmp_path / name.replace(".", "_"), {name: data}), resources).documents
    assert len(docs) == 1, docs
    return docs["text"].iloc[0]


def _body_of_seed_000() -> str:
    """Seed 000 from its title to its source line (no forum chrome, no NBSP): encodable in Big5."""
    text = seed_path("000").read_text(encoding="utf-8").replace("\xa0", " ")
    return text[text.index("抓党建促脱贫的实践与探索\n"):text.index("供稿单位")]


def _in_big5(char: str) -> bool:
    """True if Big5 can encode the character."""
    try:
        char.encode("big5")
    except UnicodeEncodeError:
        return False
    return True


def test_gb18030_big5_and_html_copies_give_the_same_clean_text(tmp_path, resources):
    # Big5 has no 着: Taiwan text writes 著 for both, which no t2s conversion can undo, so lines with 着
    # are left out; Taiwan variants (為, 啟) stand in for the characters Big5 lacks.
    original = "\n".join(line for line in _body_of_seed_000().splitlines() if "着" not in line)
    traditional = "".join(c if _in_big5(c) else opencc.OpenCC("t2tw").convert(c) for c in opencc.OpenCC("s2t").convert(original))
    assert opencc.OpenCC("t2s").convert(traditional) == original  # the round trip the test relies on
    html = "<html><head><meta charset='utf-8'><title>抓党建促脱贫的实践与探索</title></head><body><article>" + "".join(
        f"<p>{line}</p>" for line in original.splitlines() if line.strip()
    ) + "</article></body></html>"
    reference = _clean_text_of(tmp_path, "a.txt", original.encode("utf-8"), resources)
    assert "党的十九大报告指出" in reference
    assert _clean_text_of(tmp_path, "b.txt", original.encode("gb18030"), resources) == reference
    assert _clean_text_of(tmp_path, "c.txt", traditional.encode("big5"), resources) == reference
    assert _clean_text_of(tmp_path, "d.html", html.encode("utf-8"), resources) == reference


def test_near_duplicate_is_flagged_and_unrelated_is_not(tmp_path, resources):
    original = _body_of_seed_000()
    paragraphs = original.splitlines()
    repost = "转载:抓党建促脱贫的实践与探索\n来源:某某网\n" + "\n".join(p for p in paragraphs[:-3] if p) + "\n"
    unrelated = seed_path("002").read_bytes()
    corpus = _corpus(tmp_path, {"a.txt": original.encode(), "b.txt": repost.encode(), "c.txt": unrelated})
    tables = ingest(corpus, resources)
    docs = tables.documents.set_index("source")
    assert docs.loc["b.txt", "duplicate_of"] == docs.loc["a.txt", "doc_id"]
    assert pd.isna(docs.loc["c.txt", "duplicate_of"]) and pd.isna(docs.loc["a.txt", "duplicate_of"])
    assert tables.manifest.set_index("source").loc["b.txt", "status"] == "duplicate"


def test_manifest_accounts_for_every_input_and_rejects_bad_files(tmp_path, resources):
    corpus = _corpus(tmp_path, {name: p.read_bytes() for name, p in ((p.name, p) for p in RAW.glob("*.txt"))})
    good = seed_path("001").read_text(encoding="utf-8").encode("utf-8")
    _corpus(corpus, {
        "empty.txt": b"",
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        "cut.txt": good[: good.index("強".encode()) + 2],
        "notes.docx": b"PK\x03\x04whatever",
    })
    tables = ingest(corpus, resources)
    manifest = tables.manifest.set_index("source")
    assert len(manifest) == 9 and manifest.index.is_unique
    assert manifest["status"].value_counts().sum() == 9
    for name, reason in (("empty.txt", "empty"), ("image.txt", "binary"), ("cut.txt", "truncated"), ("notes.docx", "unreadable Word file")):
        assert manifest.loc[name, "status"] == "rejected"
        assert reason in manifest.loc[name, "reason"]
    assert manifest.loc[seed_path("004").name, "status"] == "split"
    assert set(manifest.loc[seed_path("000").name, "doc_ids"]) <= set(tables.documents["doc_id"])


def test_csv_and_jsonl_rows_are_documents_with_their_metadata(tmp_path, resources):
    rows = [
        {"title": "抓党建促脱贫", "content": _body_of_seed_000(), "publish_date": "2018-9-5", "province": "贵州", "source_url": "http://x.cn/1"},
        {"title": "空行", "content": ""},
    ]
    csv_bytes = pd.DataFrame(rows).to_csv(index=False).encode("utf-8")
    jsonl = (json.dumps({"full_text": seed_path("002").read_text(encoding="utf-8"), "url": "http://y.cn"}, ensure_ascii=False) + "\n{broken\n").encode("utf-8")
    tables = ingest(_corpus(tmp_path, {"rows.csv": csv_bytes, "rows.jsonl": jsonl}), resources)
    manifest = tables.manifest.set_index("source")
    assert manifest.loc["rows.csv#row=0", "status"] == "accepted"
    assert manifest.loc["rows.csv#row=1", "status"] == "rejected"
    assert manifest.loc["rows.jsonl#row=0", "status"] == "accepted"
    assert "invalid JSON" in manifest.loc["rows.jsonl#row=1", "reason"]
    doc = tables.documents.set_index("source").loc["rows.csv#row=0"]
    assert (doc["title"], doc["date"], doc["url"]) == ("抓党建促脱贫", "2018-09-05", "http://x.cn/1")
    assert json.loads(doc["metadata"])["province"] == "贵州"


def test_missing_or_empty_corpus_raises(tmp_path, resources):
    with pytest.raises(CorpusError):
        ingest(tmp_path / "nope", resources)
    with pytest.raises(CorpusError):
        ingest(tmp_path, resources)


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_cli_exits_2_with_one_line_for_unusable_corpus(tmp_path, make):
    corpus = tmp_path / "corpus"
    if make == "empty":
        corpus.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "ingest", "--corpus", str(corpus), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "error:" in result.stderr


def test_cli_help_works_everywhere():
    for command in ([], ["run"], ["ingest"], ["segment"], ["analyze"], ["evaluate"]):
        result = subprocess.run([sys.executable, "-m", "pipeline", *command, "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert result.returncode == 0 and "usage" in result.stdout


def test_ingest_does_not_touch_the_corpus(tmp_path, resources):
    corpus = tmp_path / "c"
    shutil.copytree(RAW, corpus)
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    ingest(corpus, resources)
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before


def test_batches_of_files_give_the_same_tables_as_one_batch(tmp_path, resources):
    """Duplicates, site chrome and doc ids are decided across batches: one file per batch changes nothing."""
    original = _body_of_seed_000()
    paragraphs = original.splitlines()
    repost = "转载:抓党建促脱贫的实践与探索\n来源:某某网\n" + "\n".join(p for p in paragraphs[:-3] if p) + "\n"
    files = {p.name: p.read_bytes() for p in RAW.glob("*.txt")}
    # the repost and an exact copy come in later batches than their original (files are read in name order)
    files |= {"zz_repost.txt": repost.encode(), "zz_copy.txt": seed_path("002").read_bytes()}
    # a chrome line on three pages of different articles is removed only when all three are counted
    chrome = "本站地址：扶贫网 | 联系我们\n"
    for name in sorted(files)[:3]:
        files[name] = chrome.encode() + files[name]
    corpus = _corpus(tmp_path, files)
    whole, batched = ingest(corpus, resources), ingest(corpus, resources, batch_files=1)
    for name in ("manifest", "documents", "places"):
        pd.testing.assert_frame_equal(getattr(batched, name), getattr(whole, name), obj=name)
    docs = batched.documents.set_index("source")
    assert docs.loc["zz_repost.txt", "duplicate_of"] == docs.loc[seed_path("000").name, "doc_id"]
    assert docs.loc["zz_copy.txt", "duplicate_of"] == docs.loc[seed_path("002").name, "doc_id"]
    assert not batched.documents["text"].str.contains("联系我们").any()
