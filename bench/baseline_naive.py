"""The afternoon script a researcher would write, as a yardstick for the pipeline: `baseline_naive.py CORPUS_DIR [--out DIR]`.

One process, no care for structure: read every file, guess its encoding with charset-normalizer, take a
CSV/JSONL file's text column row by row and strip an HTML page's tags with a regex, convert to simplified
with OpenCC t2s, cut every document with jieba, find numbered headings (一、, （一）) and numbers with units
(万元, 户, 人, % …) with a handful of regexes, and write two Parquet tables with pandas. Compilations are
not split, boilerplate is not removed, nothing is deduplicated: that is the work the pipeline adds.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TEXT_COLUMNS = ("正文", "content", "full_text", "text", "内容")
TAG = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)
PATTERNS = {
    "heading": re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])[^\n]{0,40}", re.M),
    "number": re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|元|万户|户|万人|人|个|%|％|公里|亩|吨)"),
    "date": re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}"),
}


def decode(data: bytes) -> str:
    """charset-normalizer's best guess (UTF-8 with replacement when it has none)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def documents_of(path: Path, text: str) -> list[str]:
    """A file's documents: one per row of a CSV/JSONL table, the tag-stripped page for HTML, else the whole file."""
    import pandas as pd

    if path.suffix == ".csv":
        table = pd.read_csv(io.StringIO(text), dtype=str)
    elif path.suffix == ".jsonl":
        table = pd.DataFrame([json.loads(line) for line in text.splitlines() if line.strip()])
    elif path.suffix in (".html", ".htm"):
        return [TAG.sub("\n", text)]
    else:
        return [text]
    column = next((c for c in TEXT_COLUMNS if c in table.columns), table.columns[-1])
    return table[column].fillna("").astype(str).tolist()


def read_corpus(corpus: Path) -> list[tuple[str, int, str]]:
    """(source, row, text) of every document under the corpus."""
    rows = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        for row, text in enumerate(documents_of(path, decode(path.read_bytes()))):
            rows.append((str(path.relative_to(corpus)), row, text))
    return rows


def find_matches(source: str, row: int, text: str) -> list[dict]:
    """Every heading, number with a unit and date of one document."""
    return [{"source": source, "row": row, "kind": kind, "text": m.group(), "start": m.start()}
            for kind, pattern in PATTERNS.items() for m in pattern.finditer(text)]


def run_baseline(corpus: Path, out: Path) -> dict:
    """Run the naive script on corpus, write out/documents.parquet and out/matches.parquet; returns timings."""
    import jieba
    import opencc
    import pandas as pd

    timings, started = {}, time.perf_counter()
    rows = read_corpus(corpus)
    timings["read_decode_s"] = time.perf_counter() - started

    started = time.perf_counter()
    converter = opencc.OpenCC("t2s")
    texts = [converter.convert(text) for _, _, text in rows]
    timings["t2s_s"] = time.perf_counter() - started

    started = time.perf_counter()
    tokenizer = jieba.Tokenizer()  # its own instance, as the pipeline does: the global one leaks between runs
    tokens = [tokenizer.lcut(text) for text in texts]
    timings["jieba_s"] = time.perf_counter() - started

    started = time.perf_counter()
    matches = [m for (source, row, _), text in zip(rows, texts) for m in find_matches(source, row, text)]
    timings["regex_s"] = time.perf_counter() - started

    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    documents = pd.DataFrame({"source": [r[0] for r in rows], "row": [r[1] for r in rows], "text": texts,
                              "chars": [len(t) for t in texts], "tokens": [" ".join(t) for t in tokens]})
    documents.to_parquet(out / "documents.parquet", index=False)
    pd.DataFrame(matches, columns=["source", "row", "kind", "text", "start"]).to_parquet(out / "matches.parquet", index=False)
    timings["write_s"] = time.perf_counter() - started
    return {"documents": len(rows), "chars": int(documents["chars"].sum()), "matches": len(matches), **timings,
            "total_s": sum(timings.values())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: bench/_work/baseline/<corpus name>)")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "bench" / "_work" / "baseline" / args.corpus.resolve().name
    print(json.dumps(run_baseline(args.corpus, out), indent=1))


if __name__ == "__main__":
    main()
