"""Compilations assembled here from real texts (the 2026 provincial work reports in corpus/official and
the articles of seed 004), in shuffled orders, behind tables of contents written in the ways compilers
write them: the split must find every article where it was put, whatever its title looks like in the TOC.

The expected starts are known by construction (where each article was pasted), not read off the splitter.
Traps the real texts bring: a scraped header block of 来源/时间/阅读量 lines under a title; 宁夏's title
repeated inside its own header; 广东's and 江西's appendices (附件, 名词解释, a glossary of numbered terms);
a report whose body title is only 政府工作报告 while the TOC says 2026年广东省政府工作报告.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest.split import split_compilation

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "corpus" / "official" / "provincial"
SEED004 = ROOT / "corpus" / "raw" / "004_b9e2fd12c3dc4498.txt"
SEED004_TSV = ROOT / "tests" / "data" / "seed004_articles.tsv"


def reports() -> list[tuple[str, str, list[str]]]:
    """(province, scraped title, lines from the report's own title line to its last sentence)."""
    out = []
    for path in sorted(REPORTS.glob("2026_*.csv")):
        row = pd.read_csv(path).iloc[0]
        lines = row["full_text"].split("\n")
        first = next(k for k, line in enumerate(lines) if line.strip().endswith("政府工作报告"))
        body = lines[first:]
        while body and not re.search(r"[。！？]$", body[-1].strip()):  # the page's trailing chrome
            body.pop()
        out.append((path.stem.split("_")[1], row["title"], body))
    return out


def seed_articles() -> list[tuple[str, list[str]]]:
    """(title, body lines) of seed 004's articles as the reference table cuts them, each under its title."""
    with SEED004_TSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader([line for line in handle if not line.startswith("#")], delimiter="\t"))
    raw = SEED004.read_text(encoding="utf-8").split("\n")
    starts = [int(r["start_line"]) for r in rows] + [len(raw) + 1]
    articles = []
    for row, start, end in zip(rows, starts, starts[1:]):
        body = [line.strip() for line in raw[start - 1 : end - 1] if line.strip()]
        if body and row["title"] not in body[:3]:
            body = [row["title"], *body]  # in a compilation of one's own, every article sits under its title
        articles.append((row["title"], body))
    return articles


REPORTS_ = reports()
SEEDS_ = seed_articles()


def toc_title(province: str, scraped: str, body: list[str], style: str, n: int) -> str:
    """The TOC line of a report, written one of the ways compilers write them."""
    subtitle = body[1] if body[1].startswith("——") else ""
    return {
        "scraped": scraped,  # 2026年政府工作报告 for 云南: neither province nor the body's own wording
        "full": f"2026年{province}政府工作报告",
        "no year": f"{province}政府工作报告",
        "with subtitle": f"{province}政府工作报告{subtitle}",
        "numbered, page": f"{n + 1}. 2026年{province}政府工作报告……{n * 20 + 1}",
    }[style]


def compile_(articles: list[tuple[str, list[str]]], with_toc: bool = True) -> tuple[str, list[int]]:
    """The compilation's text and the offset where each article was pasted."""
    head = "目  录\n" + "\n".join(title for title, _ in articles) + "\n\n" if with_toc else ""
    starts, pos, chunks = [], len(head), []
    for _, body in articles:
        chunk = "\n".join(body)
        starts.append(pos)
        chunks.append(chunk)
        pos += len(chunk) + 2
    return head + "\n\n".join(chunks), starts


STYLES = ["scraped", "full", "no year", "with subtitle", "numbered, page"]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("order_seed", range(6))
def test_shuffled_reports_split_where_each_begins(style: str, order_seed: int) -> None:
    rng = random.Random(order_seed)
    chosen = rng.sample(range(len(REPORTS_)), rng.randint(3, 6))
    articles = [(toc_title(*REPORTS_[k], style, n), REPORTS_[k][2]) for n, k in enumerate(chosen)]
    text, starts = compile_(articles)
    assert [p.start for p in split_compilation(text)] == starts


@pytest.mark.parametrize("order_seed", range(8))
def test_reports_and_experience_articles_mixed(order_seed: int) -> None:
    rng = random.Random(100 + order_seed)
    seeds = rng.sample([a for a in SEEDS_ if len(a[1]) >= 4], 4)
    reports_ = [(f"2026年{p}政府工作报告", body) for p, _, body in rng.sample(REPORTS_, 3)]
    articles = seeds + reports_
    rng.shuffle(articles)
    text, starts = compile_(articles)
    parts = split_compilation(text)
    assert [p.start for p in parts] == starts
    assert [p.title for p in parts] == [title for title, _ in articles]


def test_appendix_glossary_and_repeated_title_start_nothing() -> None:
    by_province = {p: (p, t, body) for p, t, body in REPORTS_}
    # 广东 and 江西 end in 附件 … 名词解释 with numbered terms; 宁夏 repeats 政府工作报告 inside its header.
    articles = [(f"{p}政府工作报告", by_province[p][2]) for p in ("广东省", "宁夏回族自治区", "江西省")]
    text, starts = compile_(articles)
    parts = split_compilation(text)
    assert [p.start for p in parts] == starts
    assert "名词解释" in text[parts[0].start : parts[0].end] and "名词注释" in text[parts[2].start : parts[2].end]


@pytest.mark.parametrize("order_seed", range(4))
def test_title_and_source_blocks_without_toc(order_seed: int) -> None:
    """Articles under a title with 来源/时间 lines, no TOC; a 数据来源 line inside one is no boundary."""
    rng = random.Random(200 + order_seed)
    picked = rng.sample([a for a in SEEDS_ if len(a[1]) >= 4], 4)
    articles = []
    for n, (title, body) in enumerate(picked):
        lines = [title, "来源：县委组织部", f"时间：2020-0{n + 1}-15", *body[1:]]
        lines.insert(5, "数据来源：县统计局")
        articles.append((title, lines))
    text, starts = compile_(articles, with_toc=False)
    assert [p.start for p in split_compilation(text)] == starts
