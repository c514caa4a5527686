"""The per-document work of ingest and segment alone: what no pool can save (run by bench/bench_scale.py).

One process calls, for every file and document of a corpus, the functions a stage's workers run
(ingest: read_prepare_one, then finish_one; segment: segment_one) and adds up their CPU seconds
(time.process_time). Everything else a stage does is left out: starting, reading and writing tables,
marking duplicates, moving pages and results between processes. On N cores, ingest + segment cannot
take less than this sum / N seconds of wall time, whatever the pool does; the rest of their CPU time is
the pipeline's overhead.

Pages are not held between the passes: pass 1 is run once timed (its lines counted, as ingest counts them
to find a site's chrome) and once more untimed for the pages pass 2 cleans, so memory stays that of one
file. Segment reads the documents and place mentions an ingest run wrote to OUT, as the segment stage does.

    python bench/work_floor.py CORPUS OUT [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ingest_work(corpus: Path, resources) -> dict:
    """CPU seconds of ingest's two per-document passes over corpus, and how many documents they made."""
    import pipeline.ingest as ingest
    from pipeline.ingest.boilerplate import RecurringLines

    corpus = corpus.absolute()  # as ingest reads it: workers may not share our folder
    entries = ingest.corpus_files(corpus)
    sidecars, entries = ingest.find_sidecars(entries, corpus, resources.columns or ingest.DEFAULT_COLUMNS, None)
    tables = [s for s, _ in sidecars]
    lines, prepare = RecurringLines(), 0.0
    for entry in entries:
        started = time.process_time()
        pages = ingest.read_prepare_one(entry, resources, corpus, tables)[1]
        prepare += time.process_time() - started
        for page in pages:
            lines.add(page.lines)
    chrome = lines.found(ingest._recurring_threshold(lines.pages))
    finish, documents = 0.0, 0
    for entry in entries:
        for page in ingest.read_prepare_one(entry, resources, corpus, tables)[1]:
            started = time.process_time()
            documents += len(ingest.finish_one(page, resources, chrome)[0])
            finish += time.process_time() - started
    return {"files": len(entries), "documents": documents, "prepare_cpu_s": prepare, "finish_cpu_s": finish}


def segment_work(out: Path, resources) -> dict:
    """CPU seconds of segment_one over the documents (with their place mentions) an ingest run wrote to out,
    duplicates left out as the stage leaves them."""
    import pyarrow.parquet as pq

    from pipeline.io import read_table
    from pipeline.segment import MENTION_COLUMNS, WORK_COLUMNS, mentions_by_document, segment_one

    mentions = mentions_by_document(read_table(out, "places", list(MENTION_COLUMNS)))
    cpu, documents = 0.0, 0
    warmed = False
    for batch in pq.ParquetFile(out / "documents.parquet").iter_batches(1000, columns=[*WORK_COLUMNS, "duplicate_of"]):
        for doc in batch.to_pylist():
            if doc.pop("duplicate_of") is not None:
                continue
            if not warmed:  # the part-of-speech tagger loads on first use; the stage loads it once, before forking
                segment_one((doc, ()), resources)
                warmed = True
            started = time.process_time()
            segment_one((doc, mentions.get(doc["doc_id"], ())), resources)
            cpu += time.process_time() - started
            documents += 1
    return {"documents": documents, "cpu_s": cpu}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path, help="an output folder where ingest has run on the corpus")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    from pipeline.resources import load_resources

    resources = load_resources()
    ingest, segment = ingest_work(args.corpus, resources), segment_work(args.out, resources)
    found = {"ingest_cpu_s": ingest["prepare_cpu_s"] + ingest["finish_cpu_s"], "segment_cpu_s": segment["cpu_s"],
             "ingest": ingest, "segment": segment}
    print(f"per-document work: ingest {found['ingest_cpu_s']:.1f} s CPU ({ingest['files']} files, {ingest['documents']} documents), "
          f"segment {found['segment_cpu_s']:.1f} s CPU ({segment['documents']} documents)")
    if args.json:
        args.json.write_text(json.dumps(found, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
