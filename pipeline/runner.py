"""Stage runners: read a stage's input tables from OUT/, call the stage, write its outputs."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from pipeline.executor import Executor, Pool, Serial, Shared
from pipeline.io import StoredTables, StoredTexts, TableWriter, read_table, release_memory, write_table

log = logging.getLogger(__name__)

SEGMENT_TABLES = ("measures", "statistics", "slogans", "models")
ANALYZE_INPUTS = ("manifest", "documents", "places", *SEGMENT_TABLES)
# What analyze reads of the tables where it needs only a part: a measure's text is its document's text
# between its offsets, places and slogans only mark their spans in the report, and the statistics' links
# to measures and to each other are not compared. At 1 GB the measures' texts alone were a gigabyte.
ANALYZE_COLUMNS = {"measures": ["doc_id", "measure_id", "parent_id", "heading", "start", "end", "section_kind"],
                   "places": ["doc_id", "start", "end"], "slogans": ["doc_id", "start", "end"],
                   "statistics": ["doc_id", "text", "value", "value_high", "unit", "qualifier", "indicator",
                                  "indicator_norm", "level", "period", "kind", "start", "end"]}
# What the report reads of the tables it only marks in the document pages and counts per document (a
# measure is marked by its heading); at 1 GB the statistics alone had taken over a gigabyte there.
REPORT_COLUMNS = {**ANALYZE_COLUMNS, "measures": ["doc_id", "start", "heading"], "statistics": ["doc_id", "start", "end"]}
# the documents' texts are read as Python strings: the analysis and the report take rows of the documents
# (non-duplicates, by doc_id), which copies an Arrow-backed text column whole every time (see objects_frame)
TEXTS = ("text",)
# the documents' columns the analysis reads (the report reads them all, after it)
ANALYSED_DOCUMENT_COLUMNS = ["doc_id", "title", "date", "date_precision", "text", "chars", "duplicate_of", "province",
                             "prefecture", "county", "adcode", "place_level", "place_confidence"]


def check_corpus(corpus: Path) -> None:
    """Raise CorpusError early when the corpus folder is unusable."""
    from pipeline.ingest import check_corpus as check

    check(corpus)


def run_stage(stage: str, args, resources, progress: bool, executor: Executor | None = None) -> str:
    """Run one stage against args.out and return a one-line summary (per-document steps on `executor`)."""
    return {"ingest": run_ingest, "segment": run_segment, "analyze": run_analyze}[stage](args, resources, progress, executor)


def run_resources(data: Path | None, text_column: str | None = None, title_column: str | None = None):
    """The resources of a run: the word lists of `data` (the package's when None), with the CSV/JSONL column
    names given on the command line tried first."""
    from pipeline.ingest.readers import with_columns
    from pipeline.resources import load_resources

    resources = load_resources(data)
    if text_column or title_column:
        resources = replace(resources, columns=with_columns(resources.columns, text=text_column, title=title_column))
    return resources


def shared_resources(data: Path | None, text_column: str | None = None, title_column: str | None = None) -> Shared:
    """run_resources, as workers receive them: each builds its own copy once from the same arguments."""
    recipe = (data.absolute() if data is not None else None, text_column, title_column)
    return Shared(run_resources(*recipe), run_resources, recipe)


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


def run_ingest(args, resources, progress: bool, executor: Executor | None = None) -> str:
    """corpus → manifest, documents, places; documents and places written batch by batch as they come."""
    from pipeline.ingest import IngestStream
    from pipeline.schema import check_table, empty_table

    stream = IngestStream(args.corpus, resources, progress, getattr(args, "metadata", None), executor, spill=args.out)
    writers = {name: TableWriter(args.out, name) for name in ("documents", "places")}
    try:
        for documents, places in stream.batches():
            for name, table in (("documents", check_table(documents, "documents")), ("places", places)):
                if len(table):
                    writers[name].write(table)
            release_memory()  # a batch's tables are written: what Arrow held for them goes back
        manifest = stream.manifest()
        close_writers(writers, {name: empty_table(name) for name in writers}, executor)
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    write_table(manifest, args.out, "manifest")
    counts = manifest["status"].value_counts().to_dict()
    return f"{len(manifest)} inputs {counts}, {writers['documents'].rows} documents, {writers['places'].rows} place mentions"


def close_writers(writers: dict[str, TableWriter], empty: dict, executor: Executor | None) -> None:
    """Close a stage's writers (`empty`: each table's empty form), in the pool's number of forked processes
    when the stage had a pool (pipeline.io.close_writers): joining the parts and writing the CSV copies is
    the stage's last step, and one process alone took 4 of segment's 31 s at 50 MB while the other core waited."""
    from pipeline.io import close_writers as close_all

    close_all([(w, empty.get(name)) for name, w in writers.items()], executor.workers if isinstance(executor, Pool) else 1)


# Documents segmented and written at a time. This process builds a batch's tables while the workers go on
# with the next; the last batch's are built with the workers done (5,000 documents took it 1.5 s alone).
SEGMENT_BATCH = 1000


def run_segment(args, resources, progress: bool, executor: Executor | None = None) -> str:
    """documents → measures, statistics, slogans, models (+ count flags on documents), batch by batch."""
    from pipeline.io import read_batches, table_rows
    from pipeline.progress import bar
    from pipeline.segment import MENTION_COLUMNS, segment_batches

    places = read_table(args.out, "places", list(MENTION_COLUMNS))
    writers = {name: TableWriter(args.out, name) for name in ("documents", *SEGMENT_TABLES)}
    empty, failed, total = {}, 0, table_rows(args.out, "documents")
    try:
        with bar(progress, "segment", total) as done:
            batches = read_batches(args.out, "documents", SEGMENT_BATCH)
            for tables in segment_batches(batches, resources, places, executor, total):
                for name in writers:
                    table = getattr(tables, name)
                    empty.setdefault(name, table.iloc[:0])
                    if len(table):
                        writers[name].write(table)
                if "segment_error" in tables.documents:
                    failed += int(tables.documents["segment_error"].notna().sum())
                done.update(len(tables.documents))
                release_memory()
        close_writers(writers, empty, executor)
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    summary = ", ".join(f"{writers[n].rows} {n}" for n in SEGMENT_TABLES)
    return summary + (f"; {failed} documents could not be segmented (documents.segment_error says why)" if failed else "")


def write_outputs(outputs: dict, out: Path, workers: int = 1) -> None:
    """The analysis tables, reuse with its passages' texts: they are cut from the documents as each chunk
    of passages is written, and never held for all passages at once."""
    from functools import partial

    from pipeline.analyze.reuse import Texts, add_passage_texts, document_index

    for name, df in outputs.items():
        if name == "reuse" and "text_a" not in df.columns:
            documents = read_table(out, "documents", ["doc_id", "text"], TEXTS)
            write_table(df, out, name, extend=partial(add_passage_texts, index=document_index(documents["doc_id"].tolist()),
                                                      texts=Texts(documents["text"])), workers=workers)
        else:
            write_table(df, out, name)


# what the passage families show of each document (see reuse.families; its texts are cut when quoted)
FAMILY_DOCUMENT_COLUMNS = ["doc_id", "date", "county", "province", "title"]


def report_inputs(out: Path) -> dict:
    """The input tables as the report reads them: the documents whole (their texts as Python strings),
    the other tables with REPORT_COLUMNS only."""
    return {name: read_table(out, name, REPORT_COLUMNS.get(name), TEXTS if name == "documents" else ())
            for name in ANALYZE_INPUTS}


def run_analyze(args, resources, progress: bool, executor: Executor | None = None) -> str:
    """segment tables → analysis tables, figures and the report."""
    from pipeline.analyze import analysis_tables, figures_and_report, load_analyze_resources
    from pipeline.analyze.reuse import passage_families
    from pipeline.analyze.sentences import unique_documents

    # The analysis holds the documents that are not duplicates, in doc_id order (only the columns it uses,
    # their texts only for text reuse: they are read a batch at a time to be tokenised), and reads each
    # other table when a step uses it; the report reads every table again afterwards, the documents whole,
    # since it lists every document. The word tables are made in a child process (not beside a Dask
    # cluster, whose client is this process's), so that text reuse starts from a heap without what
    # tokenising left in it.
    held = [c for c in ANALYSED_DOCUMENT_COLUMNS if c not in TEXTS]
    inputs = StoredTables(args.out, ANALYZE_INPUTS, ANALYZE_COLUMNS,
                          held={"documents": unique_documents(read_table(args.out, "documents", held))})
    release_memory()
    workers = getattr(args, "workers", None) or 1
    outputs = analysis_tables(inputs, load_analyze_resources(args.data), workers=workers, executor=executor,
                              passage_texts=False, texts=StoredTexts(args.out), isolate=isinstance(executor, (Serial, Pool)))
    del inputs
    release_memory()
    # the passage families first, from the documents' few columns they show: found while the report's
    # inputs were held, they made the run's highest point (4.1 GiB at 1 GB)
    families = passage_families({"reuse": outputs["reuse"], "documents": read_table(args.out, "documents", FAMILY_DOCUMENT_COLUMNS)},
                                with_texts=False)
    release_memory()
    tables = report_inputs(args.out)
    figures_and_report({**tables, **outputs, "families": families}, args.out, workers)
    tables.clear()  # the inputs are not written again: the outputs are written without them in memory
    release_memory()
    write_outputs(outputs, args.out, workers)
    return ", ".join(f"{len(df)} {name}" for name, df in outputs.items())
