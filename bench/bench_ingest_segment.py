"""Benchmark: ingest and segment throughput and peak memory on the default corpus and a larger copy.

Run with `make bench`. The larger corpus repeats the seed pages N times with a varied first line, so
deduplication, splitting and segmentation all do real work.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ingest import ingest  # noqa: E402
from pipeline.resources import load_resources  # noqa: E402
from pipeline.segment import segment  # noqa: E402


def make_corpus(target: Path, copies: int) -> Path:
    """The seed pages, each copied `copies` times with a distinguishing first line."""
    for i in range(copies):
        for seed in sorted((ROOT / "corpus" / "raw").glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            (target / f"{i:04d}_{seed.name}").write_text(f"副本{i}号\n{text}", encoding="utf-8")
    return target


def measure(label: str, corpus: Path, resources) -> None:
    """Time ingest and segment on a corpus and print throughput and peak memory (max RSS of the process)."""
    started = time.perf_counter()
    tables = ingest(corpus, resources)
    ingest_s = time.perf_counter() - started
    # Segmentation skips duplicates; to measure its throughput on the whole corpus, treat every copy as an original.
    documents = tables.documents.assign(duplicate_of=None)
    started = time.perf_counter()
    seg = segment(documents, resources)
    segment_s = time.perf_counter() - started
    originals = tables.documents[tables.documents["duplicate_of"].isna()]
    chars = int(tables.documents["chars"].sum())
    seg_chars = chars
    print(f"[{label}] inputs={len(tables.manifest)} documents={len(tables.documents)} originals={len(originals)} chars={chars:,}")
    print(f"[{label}] ingest  {ingest_s:7.2f} s  {chars / ingest_s:12,.0f} chars/s")
    print(f"[{label}] segment {segment_s:7.2f} s  {seg_chars / segment_s:12,.0f} chars/s "
          f"({len(seg.measures)} measures, {len(seg.statistics)} statistics, {len(seg.models)} models, {len(seg.slogans)} slogans)")
    print(f"[{label}] peak memory (max RSS so far) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def warm_up(resources) -> None:
    """Build lazily-loaded models (OpenCC, jieba) once, so timings measure throughput, not start-up."""
    from pipeline.segment import segment_document

    segment_document("warm-up", "", "一、主要做法\n(一)成立专业合作社478个。", resources)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=40, help="copies of the seed pages in the large corpus")
    args = parser.parse_args()
    started = time.perf_counter()
    resources = load_resources()
    warm_up(resources)
    print(f"resources and tokenizer warm-up {time.perf_counter() - started:.2f} s")
    measure("default corpus", ROOT / "corpus", resources)
    work = Path(tempfile.mkdtemp(prefix="bench_corpus_"))
    try:
        measure(f"{args.copies}x seeds", make_corpus(work, args.copies), resources)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
