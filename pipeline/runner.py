"""Stage runners: read a stage's input tables from OUT/, call the stage, write its outputs."""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.io import read_table, write_table

log = logging.getLogger(__name__)

SEGMENT_TABLES = ("measures", "statistics", "slogans", "models")
ANALYZE_INPUTS = ("manifest", "documents", "places", *SEGMENT_TABLES)


def check_corpus(corpus: Path) -> None:
    """Raise CorpusError early when the corpus folder is unusable."""
    from pipeline.ingest import corpus_files

    corpus_files(corpus)


def run_stage(stage: str, args, resources, progress: bool) -> str:
    """Run one stage against args.out and return a one-line summary."""
    return {"ingest": run_ingest, "segment": run_segment, "analyze": run_analyze}[stage](args, resources, progress)


STAGE_OUTPUTS = {
    "ingest": ("manifest", "documents", "places"),
    "segment": ("documents", *SEGMENT_TABLES),
}


def stage_outputs(stage: str) -> list[str]:
    """The tables a stage writes."""
    if stage == "analyze":
        from pipeline.analyze import TABLE_NAMES

        return list(TABLE_NAMES)
    return list(STAGE_OUTPUTS[stage])


def run_ingest(args, resources, progress: bool) -> str:
    """corpus → manifest, documents, places."""
    from pipeline.ingest import ingest

    tables = ingest(args.corpus, resources, progress=progress, metadata=getattr(args, "metadata", None))
    for name in ("manifest", "documents", "places"):
        write_table(getattr(tables, name), args.out, name)
    counts = tables.manifest["status"].value_counts().to_dict()
    return f"{len(tables.manifest)} inputs {counts}, {len(tables.documents)} documents, {len(tables.places)} place mentions"


def run_segment(args, resources, progress: bool) -> str:
    """documents → measures, statistics, slogans, models (+ count flags on documents)."""
    from pipeline.segment import segment

    tables = segment(read_table(args.out, "documents"), resources, progress=progress, places=read_table(args.out, "places"))
    write_table(tables.documents, args.out, "documents")
    for name in SEGMENT_TABLES:
        write_table(getattr(tables, name), args.out, name)
    summary = ", ".join(f"{len(getattr(tables, n))} {n}" for n in SEGMENT_TABLES)
    failed = int(tables.documents["segment_error"].notna().sum()) if "segment_error" in tables.documents else 0
    return summary + (f"; {failed} documents could not be segmented (documents.segment_error says why)" if failed else "")


def run_analyze(args, resources, progress: bool) -> str:
    """segment tables → analysis tables, figures and the report."""
    from pipeline.analyze import analyze, load_analyze_resources

    tables = {name: read_table(args.out, name) for name in ANALYZE_INPUTS}
    outputs = analyze(tables, load_analyze_resources(args.data), args.out, workers=getattr(args, "workers", None) or 1)
    for name, df in outputs.items():
        write_table(df, args.out, name)
    return ", ".join(f"{len(df)} {name}" for name, df in outputs.items())
