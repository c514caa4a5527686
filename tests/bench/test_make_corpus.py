"""The benchmark corpus generator (bench/make_corpus.py) and the naive baseline (bench/baseline_naive.py).

The corpus is read back here with a parser of its own (decode, t2s, split articles at their 来源 line),
so the checks do not trust the generator's own bookkeeping.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from bench.baseline_naive import run_baseline
from bench.make_corpus import load_sources, make_corpus

SIZE_MB = 0.3
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


@pytest.fixture(scope="module")
def sources():
    """The paragraph pool, titles and counties, read once for the module."""
    return load_sources()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, sources) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("corpus") / "c"
    return path, make_corpus(SIZE_MB, path, seed=7, sources=sources)


@pytest.fixture(scope="module")
def to_simplified():
    import opencc

    return opencc.OpenCC("t2s")


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def decode(data: bytes) -> str:
    """UTF-8, else GB18030: the two encodings the generator writes."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def articles_of_text(text: str) -> list[list[str]]:
    """Paragraphs of each article of a page or compilation: an article's body runs from its 来源 line to the next title."""
    lines = [line.strip() for line in text.splitlines()]
    starts = [i for i, line in enumerate(lines) if line.startswith("来源：")]
    ends = [s - 1 for s in starts[1:]] + [len(lines)]
    return [[p for p in lines[s + 1:e] if p and not p.startswith("发布时间：")] for s, e in zip(starts, ends)]


def articles_of(name: str, text: str) -> list[list[str]]:
    """Paragraphs of every document of one file, whatever its form."""
    if name.endswith(".csv"):
        rows = list(csv.DictReader(io.StringIO(text)))
    elif name.endswith(".jsonl"):
        rows = [json.loads(line) for line in text.splitlines()]
    elif name.endswith(".html"):
        return [[html.unescape(p) for p in PARAGRAPH.findall(text)]]
    else:
        return articles_of_text(text)
    return [[p for p in row["正文"].splitlines()[1:] if p.strip()] for row in rows]


def all_articles(folder: Path, to_simplified) -> list[list[str]]:
    return [a for name, data in files_of(folder).items() for a in articles_of(name, to_simplified.convert(decode(data)))]


def test_same_seed_gives_the_same_bytes(tmp_path, sources):
    make_corpus(SIZE_MB, tmp_path / "a", seed=3, sources=sources)
    make_corpus(SIZE_MB, tmp_path / "b", seed=3, sources=sources)
    make_corpus(SIZE_MB, tmp_path / "c", seed=4, sources=sources)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert files_of(tmp_path / "a") != files_of(tmp_path / "c")


@pytest.mark.parametrize("size_mb", [0.2, 0.6])
def test_size_is_within_ten_percent(tmp_path, sources, size_mb):
    counts = make_corpus(size_mb, tmp_path / "c", sources=sources)
    written = sum(len(data) for data in files_of(tmp_path / "c").values())
    assert written == counts["bytes"]
    assert abs(written - size_mb * 1e6) <= 0.1 * size_mb * 1e6


def test_refuses_a_folder_that_is_not_empty(tmp_path, sources):
    (tmp_path / "old.txt").write_text("旧文件", encoding="utf-8")
    with pytest.raises(FileExistsError):
        make_corpus(0.05, tmp_path, sources=sources)


def test_mix_holds_every_form(corpus, to_simplified):
    folder, counts = corpus
    files = files_of(folder)
    suffixes = Counter(Path(name).suffix for name in files)
    assert suffixes[".html"] >= 1 and suffixes[".csv"] >= 1 and suffixes[".jsonl"] >= 1
    texts = {name: decode(data) for name, data in files.items() if name.endswith(".txt")}
    assert any(to_simplified.convert(t) != t for t in texts.values()), "no traditional-script file"
    assert any(sum(line.startswith("来源：") for line in t.splitlines()) >= 3 for t in texts.values()), "no compilation"
    assert any(_is_gb18030_only(data) for data in files.values()), "no GB18030 file"
    assert counts["documents"] == len(all_articles(folder, to_simplified))


def _is_gb18030_only(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def test_documents_are_three_to_ten_kilobytes(corpus):
    folder, _ = corpus
    pages = [decode(data) for name, data in files_of(folder).items() if name.endswith(("_txt.txt", "_gb18030.txt"))]
    sizes = [len(page.encode("utf-8")) for page in pages]
    assert pages and min(sizes) >= 3_000 and max(sizes) <= 10 * 1024


def test_no_two_documents_share_more_than_thirty_percent_of_paragraphs(corpus, to_simplified):
    folder, _ = corpus
    articles = [set(a) for a in all_articles(folder, to_simplified)]
    assert all(len(a) >= 4 for a in articles)
    worst = max(len(a & b) / min(len(a), len(b)) for a, b in combinations(articles, 2))
    assert worst <= 0.3


def test_every_document_names_a_county_and_a_date(corpus, to_simplified):
    folder, _ = corpus
    for name, data in files_of(folder).items():
        text = to_simplified.convert(decode(data))
        assert re.search(r"来源：\S+?[县旗]", text), name
        assert re.search(r"\d{4}-\d{2}-\d{2}", text), name


def test_baseline_runs_and_writes_parquet(tmp_path, sources):
    make_corpus(0.05, tmp_path / "c", sources=sources)
    result = run_baseline(tmp_path / "c", tmp_path / "out")
    documents = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    matches = pd.read_parquet(tmp_path / "out" / "matches.parquet")
    assert len(documents) == result["documents"] > 0
    assert documents["tokens"].str.len().gt(0).all()
    assert set(matches["kind"]) >= {"heading", "number"}
    assert result["total_s"] > 0
