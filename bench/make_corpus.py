"""Build a reproducible benchmark corpus of distinct, realistic documents: `make_corpus.py SIZE_MB OUT_DIR [--seed N]`.

Every document is a title line, a date line (发布时间：2021-05-12) and a 来源 line naming a county that the
real texts mention, followed by 3–10 KB of paragraphs of the real reports (the seed pages in corpus/raw
and the government work reports in corpus/official, the repository's copies of ../shared/corpus-seeds and
../shared/corpus-dev, so a fresh clone builds the same corpora), reshuffled.

Why no two documents are near-duplicates: paragraphs are drawn with a polynomial code. The pool is indexed
by points (x, y) of a q × q grid (q prime); document i owns a polynomial f_i of degree < d over GF(q) and
takes paragraphs (x, f_i(x)) for x in its own random order until it is long enough. Two distinct
polynomials of degree < d agree on at most d - 1 values of x, so two documents share at most d - 1
paragraphs whatever the corpus size; each document holds at least (d - 1) / 30 % paragraphs, so
no two share more than 30 % of theirs. d is the smallest degree with enough polynomials for the size
(the pool holds about 2,800 paragraphs, so q = 47: d = 2 up to 4 MB, 3 up to 200 MB, 4 beyond). The price
of distinctness from a small pool: a document holds about 18 paragraphs, so each paragraph recurs in about
documents × 18 / q² documents (≈ 13 at 10 MB, 65 at 50 MB, 250 at 200 MB), far more text reuse than a
real corpus holds.

The mix (by document): about 85 % plain .txt (one in eight GB18030-encoded), 5 % .html with page chrome,
3 % traditional script (OpenCC s2t), 3 % compilations (a .txt of 3–5 articles, each a title line then a
来源/date line), 2 % rows of scraper tables (CSV and JSONL: title, 正文, 发布时间, url). The same seed and
size give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "corpus"  # raw/ (the seed pages) and official/ (the work reports)
GAZETTEER = ROOT / "pipeline" / "data" / "gazetteer.tsv"

MAX_SHARED_PERCENT = 30  # the most of a document's paragraphs another document may hold
DOC_BYTES = (3_000, 9_500)  # body size drawn per document; the header lines bring it to 3–10 KB
MAX_DOC_BYTES = 10_000
# The fewest bytes a document adds (a 3,000-byte body written in GB18030): sizes the code for the corpus.
MIN_DOC_BYTES = 2_000
CHUNK_CHARS = 200  # long paragraphs of the work reports are cut at sentence ends to about this length
FILES_PER_FOLDER = 500
KIND_SHARES = (("html", 0.05), ("traditional", 0.03), ("compilation", 0.03), ("table", 0.02))
GB18030_SHARE = 0.125  # of the plain .txt files
FIRST_KINDS = ("html", "traditional", "compilation", "compilation", "compilation", "table", "table")

PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
CJK = re.compile(r"[\u4e00-\u9fff]")
MARKED_HEADING = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
SENTENCE_END = re.compile(r"(?<=[。！？；])")
# Scraped page chrome of the seed pages (forum bylines, links, widgets): not report text.
CHROME = re.compile(r"作者|发表于|复制链接|www\.|http|\||字号|打印|责任编辑|扫一扫|\.jpg")


@dataclass(frozen=True)
class Sources:
    """What documents are made of: paragraphs (with their UTF-8 sizes), titles and county names."""

    paragraphs: tuple[str, ...]
    sizes: tuple[int, ...]
    titles: tuple[str, ...]
    counties: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    title: str
    county: str
    date: str
    source: str
    url: str
    paragraphs: tuple[str, ...]


def read_source_texts(corpus: Path) -> list[str]:
    """The real texts in simplified script: seed pages (pinyin glosses dropped), provincial and national reports."""
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    texts = [to_simplified.convert(PINYIN.sub("", p.read_text(encoding="utf-8")))
             for p in sorted((corpus / "raw").glob("*.txt"))]
    for path in sorted((corpus / "official" / "provincial").glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            texts.extend(row["full_text"] for row in csv.DictReader(handle))
    with open(corpus / "official" / "national-work-reports.jsonl", encoding="utf-8") as handle:
        texts.extend(json.loads(line)["content"] for line in handle if line.strip())
    return texts


def chunk(paragraph: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Cut a long paragraph at sentence ends into pieces of about `limit` characters (a sentence is never cut)."""
    pieces, current = [], ""
    for sentence in SENTENCE_END.split(paragraph):
        if current and len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    return pieces + [current] if current else pieces


def is_paragraph(line: str) -> bool:
    """Report prose or a marked heading, not chrome, captions or a table-of-contents entry."""
    if CHROME.search(line) or len(CJK.findall(line)) < 0.6 * len(line):
        return False
    return len(line) >= 20 or (len(line) >= 5 and MARKED_HEADING.match(line) is not None)


def paragraph_pool(texts: list[str], titles: set[str]) -> list[str]:
    """Distinct paragraphs of all texts, long ones chunked, in a fixed order."""
    pool: dict[str, None] = {}
    for text in texts:
        for line in text.splitlines():
            line = line.strip().replace("\u3000", "")
            if line in titles or not is_paragraph(line):
                continue
            pool.update(dict.fromkeys(p for p in chunk(line) if p.strip()))
    return list(pool)


def seed_titles(compilation: str) -> list[str]:
    """The table of contents of the seed compilation (the lines after 目录 up to its first long line)."""
    lines = [line.strip() for line in compilation.splitlines()]
    start = lines.index("目录") + 1 if "目录" in lines else 0
    titles = []
    for line in lines[start:]:
        if len(line) > 40 or "。" in line:
            break
        if len(line) >= 6 and not MARKED_HEADING.match(line):  # 一、… lines of the contents are sections, not titles
            titles.append(line)
    return list(dict.fromkeys(titles))


def named_counties(texts: list[str], gazetteer: Path) -> list[str]:
    """Counties (…县, …旗) of the gazetteer that the real texts name, each name unique in the gazetteer."""
    names: dict[str, int] = {}
    for line in gazetteer.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if not line.startswith("#") and len(fields) > 2 and fields[1] == "county":
            names[fields[2]] = names.get(fields[2], 0) + 1
    everything = "\n".join(texts)
    return [n for n, count in names.items() if count == 1 and n.endswith(("县", "旗")) and n in everything]


def load_sources(corpus: Path = SOURCES, gazetteer: Path = GAZETTEER) -> Sources:
    """Read the real texts once and derive paragraphs, titles and counties from them."""
    texts = read_source_texts(corpus)
    titles = seed_titles(next(t for t in texts if "目录" in t[:10]))
    paragraphs = paragraph_pool(texts, set(titles))
    sizes = tuple(len(p.encode("utf-8")) for p in paragraphs)
    return Sources(tuple(paragraphs), sizes, tuple(titles), tuple(named_counties(texts, gazetteer)))


def largest_prime_at_most(n: int) -> int:
    """The largest prime ≤ n (n small)."""
    return next(p for p in range(n, 1, -1) if all(p % k for k in range(2, int(p ** 0.5) + 1)))


@dataclass(frozen=True)
class Code:
    """Polynomials of degree < degree over GF(q), numbered by a seeded bijection of 0 … q**degree - 1."""

    q: int
    degree: int
    step: int
    offset: int
    grid: tuple[int, ...]  # pool index of each point x * q + y, a seeded shuffle

    @property
    def min_paragraphs(self) -> int:
        """Enough paragraphs that d - 1 shared ones stay within MAX_SHARED_PERCENT (integer ceiling)."""
        return -(-(self.degree - 1) * 100 // MAX_SHARED_PERCENT)

    def coefficients(self, i: int) -> list[int]:
        """The coefficients of document i's polynomial (base-q digits of its shuffled number)."""
        if i >= self.q ** self.degree:  # past it polynomials would repeat, and so would documents
            raise ValueError(f"document {i}: the code has only {self.q ** self.degree} polynomials")
        n = (self.step * i + self.offset) % self.q ** self.degree
        return [(n // self.q ** k) % self.q for k in range(self.degree)]


def make_code(rng: random.Random, pool_size: int, documents: int) -> Code:
    """The smallest degree whose polynomials number at least `documents`, over the largest grid the pool fills."""
    q = largest_prime_at_most(int(pool_size ** 0.5))
    degree = 2
    while q ** degree < documents:
        degree += 1
    step = rng.randrange(1, q ** degree)
    while step % q == 0:  # coprime to q**degree, so i → step * i + offset is a bijection
        step = rng.randrange(1, q ** degree)
    return Code(q, degree, step, rng.randrange(q ** degree), tuple(rng.sample(range(pool_size), q * q)))


def draw_paragraphs(rng: random.Random, code: Code, i: int, sizes: tuple[int, ...], budget: int) -> list[int]:
    """Pool indices of document i's paragraphs: points of its polynomial, in a random order, up to `budget` bytes."""
    coefficients = code.coefficients(i)
    chosen, total = [], 0
    for x in rng.sample(range(code.q), code.q):
        y = 0
        for c in reversed(coefficients):  # Horner's rule mod q
            y = (y * x + c) % code.q
        index = code.grid[x * code.q + y]
        if total + sizes[index] > MAX_DOC_BYTES - 400 and len(chosen) >= code.min_paragraphs:
            continue
        chosen.append(index)
        total += sizes[index]
        if total >= budget and len(chosen) >= code.min_paragraphs:
            break
    return chosen


def header(rng: random.Random, sources: Sources, i: int) -> tuple[str, str, str, str, str]:
    """A title, a county, a date (2015–2024), a 来源 naming the county, and a url."""
    county = rng.choice(sources.counties)
    title = rng.choice(sources.titles)
    if rng.random() < 0.5:
        title = f"{county}：{title}"
    date = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    unit = rng.choice(("委组织部", "人民政府", "委宣传部", "扶贫开发办公室", "融媒体中心"))
    return title, county, date, f"{county}{unit}", f"http://www.example.gov.cn/xw/{date.replace('-', '')}/{i:07d}.html"


def make_document(rng: random.Random, sources: Sources, code: Code, i: int) -> Document:
    """Document i: a header and its share of the paragraph pool."""
    title, county, date, source, url = header(rng, sources, i)
    indices = draw_paragraphs(rng, code, i, sources.sizes, rng.randint(*DOC_BYTES))
    return Document(title, county, date, source, url, tuple(sources.paragraphs[k] for k in indices))


def body(doc: Document, layout: int) -> str:
    """The paragraphs as a scraped page lays them out: one a line, blank lines between, or indented."""
    if layout == 0:
        return "\n".join(doc.paragraphs)
    if layout == 1:
        return "\n\n".join(doc.paragraphs)
    return "\n".join("\u3000\u3000" + p for p in doc.paragraphs)


def render_text(doc: Document, layout: int) -> str:
    """A plain page: title, date line, 来源 line, paragraphs."""
    return f"{doc.title}\n发布时间：{doc.date}\n来源：{doc.source}\n\n{body(doc, layout)}\n"


def render_html(doc: Document) -> str:
    """A county portal's article page: navigation, breadcrumb, article, footer."""
    county = doc.county
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in doc.paragraphs)
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(doc.title)}_{county}人民政府网</title></head>\n<body>\n"
        "<div class=\"top\">首页 | 政务公开 | 工作动态 | 互动交流 | 办事服务</div>\n"
        "<div class=\"crumb\">您当前的位置：首页 &gt; 工作动态 &gt; 基层党建</div>\n"
        f"<div class=\"article\">\n<h1>{html.escape(doc.title)}</h1>\n"
        f"<div class=\"info\">发布时间：{doc.date}　来源：{html.escape(doc.source)}　【字号：大 中 小】</div>\n"
        f"<div class=\"content\">\n{paragraphs}\n</div>\n</div>\n"
        f"<div class=\"footer\">主办：{county}人民政府办公室　版权所有　备案号：ICP备05000000号</div>\n"
        "</body></html>\n"
    )


def render_compilation(docs: list[Document]) -> str:
    """Several articles in one file, each a title line then a 来源/date line, no separators."""
    return "".join(f"{d.title}\n来源：{d.source}　发布时间：{d.date}\n{body(d, 0)}\n\n" for d in docs)


def table_row(doc: Document) -> dict[str, str]:
    """A scraper's row: the 来源 line opens the text, as scrapers keep it."""
    return {"title": doc.title, "正文": f"来源：{doc.source}\n{body(doc, 0)}", "发布时间": doc.date, "url": doc.url}


def render_csv(docs: list[Document]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["title", "正文", "发布时间", "url"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(table_row(d) for d in docs)
    return buffer.getvalue()


def render_jsonl(docs: list[Document]) -> str:
    return "".join(json.dumps(table_row(d), ensure_ascii=False) + "\n" for d in docs)


class Writer:
    """Writes files into numbered folders of the corpus and counts what it wrote."""

    def __init__(self, out: Path):
        self.out = out
        self.files = 0
        self.bytes = 0
        self.counts: dict[str, int] = {}

    def write(self, kind: str, suffix: str, data: bytes, documents: int = 1) -> None:
        folder = self.out / f"site{self.files // FILES_PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{self.files:06d}_{kind}{suffix}").write_bytes(data)
        self.files += 1
        self.bytes += len(data)
        self.counts[f"{kind}_files"] = self.counts.get(f"{kind}_files", 0) + 1
        self.counts[f"{kind}_documents"] = self.counts.get(f"{kind}_documents", 0) + documents


def draw_kind(rng: random.Random, i: int) -> str:
    """The form document i takes; the first few documents take every rare form once, so small corpora hold them."""
    if i < len(FIRST_KINDS):
        return FIRST_KINDS[i]
    r = rng.random()
    for kind, share in KIND_SHARES:
        if r < share:
            return kind
        r -= share
    return "txt"


class Batches:
    """Documents of compilations and tables wait here until their file is full."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pending: dict[str, list[Document]] = {"compilation": [], "csv": [], "jsonl": []}
        self.wanted = {"compilation": rng.randint(3, 5), "csv": rng.randint(20, 40), "jsonl": rng.randint(20, 40)}
        self.tables = 0

    def add(self, kind: str, doc: Document, writer: Writer) -> None:
        if kind == "table":
            kind = ("csv", "jsonl")[self.tables % 2]
            self.tables += 1
        self.pending[kind].append(doc)
        if len(self.pending[kind]) >= self.wanted[kind]:
            self.flush(kind, writer)
            self.wanted[kind] = self.rng.randint(3, 5) if kind == "compilation" else self.rng.randint(20, 40)

    def flush(self, kind: str, writer: Writer) -> None:
        docs, self.pending[kind] = self.pending[kind], []
        if not docs:
            return
        if kind == "compilation":
            writer.write("compilation", ".txt", render_compilation(docs).encode("utf-8"), len(docs))
        else:
            text = render_csv(docs) if kind == "csv" else render_jsonl(docs)
            writer.write(kind, f".{kind}", text.encode("utf-8"), len(docs))

    def flush_all(self, writer: Writer) -> None:
        for kind in list(self.pending):
            self.flush(kind, writer)


def estimated_bytes(doc: Document) -> int:
    """UTF-8 size of a document, for the size budget of documents still waiting in a batch."""
    return len(render_text(doc, 0).encode("utf-8"))


def emit(kind: str, doc: Document, rng: random.Random, writer: Writer, batches: Batches, to_traditional) -> int:
    """Write (or batch) one document in its form; returns the bytes it adds to the corpus."""
    if kind in ("compilation", "table"):
        batches.add(kind, doc, writer)
        return estimated_bytes(doc)
    before = writer.bytes
    if kind == "html":
        writer.write("html", ".html", render_html(doc).encode("utf-8"))
    elif kind == "traditional":
        writer.write("traditional", ".txt", to_traditional.convert(render_text(doc, rng.randrange(3))).encode("utf-8"))
    elif rng.random() < GB18030_SHARE:
        writer.write("gb18030", ".txt", render_text(doc, rng.randrange(3)).encode("gb18030"))
    else:
        writer.write("txt", ".txt", render_text(doc, rng.randrange(3)).encode("utf-8"))
    return writer.bytes - before


def make_corpus(size_mb: float, out: Path, seed: int = 0, sources: Sources | None = None) -> dict:
    """Write about size_mb MB (10**6 bytes) of documents into out (absent or empty); returns counts."""
    import opencc

    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty: make_corpus writes only into an empty or new folder")
    out.mkdir(parents=True, exist_ok=True)
    sources = sources or load_sources()
    rng = random.Random(seed)
    target = int(size_mb * 1_000_000)
    code = make_code(rng, len(sources.paragraphs), target // MIN_DOC_BYTES + len(FIRST_KINDS))
    writer, batches, to_traditional = Writer(out), Batches(rng), opencc.OpenCC("s2t")
    written, documents, chars = 0, 0, 0
    while written < target:
        doc = make_document(rng, sources, code, documents)
        written += emit(draw_kind(rng, documents), doc, rng, writer, batches, to_traditional)
        chars += len(render_text(doc, 0))
        documents += 1
    batches.flush_all(writer)
    return {"size_mb": size_mb, "seed": seed, "bytes": writer.bytes, "files": writer.files, "documents": documents,
            "chars": chars, "pool_paragraphs": len(sources.paragraphs), "counties": len(sources.counties),
            "q": code.q, "degree": code.degree, "max_shared_paragraphs": code.degree - 1,
            "min_paragraphs": code.min_paragraphs, **dict(sorted(writer.counts.items()))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size_mb", type=float, help="total size in MB (10**6 bytes)")
    parser.add_argument("out", type=Path, help="folder to write (absent or empty)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(json.dumps(make_corpus(args.size_mb, args.out, args.seed), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
