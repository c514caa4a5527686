"""Thin command line: parse arguments, set up logging, call the stages, report where results are."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import shutil
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

log = logging.getLogger("pipeline")

STAGES = ("ingest", "segment", "analyze")
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_RESOURCES = 3  # the machine ran short: memory, disk, or a worker killed


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per stage plus run and evaluate."""
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="Chinese experience-report corpus pipeline.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--version", action="version", version=_version(), help="print the version and git commit")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run stages in order (default: all)")
    _corpus_out(run)
    run.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset of ingest,segment,analyze")
    run.add_argument("--force", action="store_true", help="re-run stages even when run.json says they are up to date")
    _execution(run)
    _execution(_corpus_out(sub.add_parser("ingest", help="raw files → manifest, documents, places")))
    for name, text in (("segment", "documents → measures, statistics, slogans, models"), ("analyze", "segment tables → clusters, recurrence, figures, report")):
        stage = sub.add_parser(name, help=text)
        stage.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
        stage.add_argument("--data", type=Path, default=None, help="folder of resource files (default: the package's)")
        _execution(stage)
    evaluate = sub.add_parser("evaluate", help="score an output folder against reference annotations")
    evaluate.add_argument("--out", type=Path, default=Path("outputs"))
    evaluate.add_argument("--gold", type=Path, default=Path("tests/gold"))
    evaluate.add_argument("--report", type=Path, default=None, help="where to write the scores as CSV (default: OUT/evaluation.csv)")
    html = sub.add_parser("evaluate-html", help="score main-text extraction of web pages against gold bodies, beside trafilatura")
    html.add_argument("--gold", type=Path, default=Path("tests/gold/html"), help="folder of NAME.html + NAME.txt pairs")
    html.add_argument("--report", type=Path, default=None, help="where to write the per-page scores as CSV")
    html.add_argument("--data", type=Path, default=None, help="folder of resource files (default: the package's)")
    fingerprint = sub.add_parser("fingerprint", help="compare an output folder's results with a committed summary")
    fingerprint.add_argument("--out", type=Path, default=Path("outputs"))
    fingerprint.add_argument("--file", type=Path, default=Path("tests/fingerprint.json"))
    fingerprint.add_argument("--write", action="store_true", help="rewrite the summary from this output folder (the diff is printed)")
    return parser


def _execution(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Options saying where the per-document steps run."""
    parser.add_argument("--workers", type=_workers, default=os.cpu_count() or 1,
                        help="processes for the per-document steps and text-reuse alignment; 1 runs in this process; default: all cores")
    parser.add_argument("--dask", metavar="local[:N] | tcp://HOST:PORT", default=None,
                        help="run the per-document steps on Dask: a local cluster of N processes (default: all cores), or a "
                             "running scheduler (needs pip install '.[cluster]')")
    return parser


def _workers(value: str) -> int:
    """A positive number of worker processes."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"--workers takes a positive whole number, not {value!r}")
    return number


def _corpus_out(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Options shared by run and ingest."""
    parser.add_argument("--corpus", type=Path, default=Path("corpus"), help="folder of raw input files (default: corpus)")
    parser.add_argument("--text-column", default=None, help="column of CSV/JSONL inputs holding the text (tried first; 正文, content … are known)")
    parser.add_argument("--title-column", default=None, help="column of CSV/JSONL inputs holding the title (tried first)")
    parser.add_argument("--metadata", type=Path, default=None,
                        help="a CSV/JSONL table describing the input files (a file or url column, title, date, province …)")
    parser.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
    parser.add_argument("--data", type=Path, default=None, help="folder of resource files (default: the package's)")
    return parser


def _version() -> str:
    """Version and commit of this code."""
    from pipeline.provenance import git_state, package_version

    state = git_state()
    commit = state["commit"][:12] + (" (uncommitted changes)" if state["dirty"] else "") if state["commit"] else "no git commit"
    return f"pipeline {package_version()}, {commit}"


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    _quiet_jieba(args.verbose)
    from pipeline.executor import ClusterError
    from pipeline.ingest import CorpusError
    from pipeline.io import MissingTableError, use_system_allocator
    from pipeline.provenance import StaleTablesError
    from pipeline.resources import ResourceError

    use_system_allocator()
    try:
        return _dispatch(args, list(sys.argv if argv is None else ["python -m pipeline", *argv]))
    except (ClusterError, CorpusError, MissingTableError, ResourceError, StaleTablesError, OutputFolderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted: the tables of completed stages are kept; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (MemoryError, OSError, BrokenProcessPool) as exc:
        message = short_of_resources(exc, getattr(args, "out", None))
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return EXIT_RESOURCES


KEPT = "the tables of completed stages are kept, and the same command resumes from them"


def short_of_resources(exc: BaseException, out: Path | None) -> str | None:
    """What to tell a user whose run ran out of memory or disk, or lost a worker; None for another error."""
    if isinstance(exc, MemoryError):
        return (f"out of memory. {KEPT}. Run with fewer workers (--workers 1: each worker holds its own "
                "dictionaries), run the stages one at a time (--stages), or spread the run over a cluster (--dask).")
    if isinstance(exc, BrokenProcessPool):
        return (f"a worker process died, most often because the system ran out of memory and killed it. {KEPT}. "
                "Run with fewer workers (--workers N) or on a cluster (--dask).")
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        where = out if out is not None else Path(".")
        free = shutil.disk_usage(where if where.exists() else Path(".")).free / 2**20
        return (f"no space left on the disk holding {where} ({free:,.0f} MB free; {exc.filename or 'a table'} could not "
                f"be written). {KEPT}. Free some space or choose another --out.")
    return None


class OutputFolderError(RuntimeError):
    """The output folder cannot be used (inside the corpus, or not writable)."""


def check_output_folder(out: Path, corpus: Path | None) -> None:
    """Refuse an output folder inside the corpus or one that cannot be written, before any work is done."""
    if corpus is not None:
        out_abs, corpus_abs = out.resolve(), corpus.resolve()
        if out_abs == corpus_abs or corpus_abs in out_abs.parents:
            raise OutputFolderError(f"output folder {out} is inside the corpus {corpus}: the next run would read the outputs as inputs; choose another --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputFolderError(f"output folder {out} cannot be written ({exc.strerror or exc}); choose another --out") from exc


def _quiet_jieba(verbose: bool) -> None:
    """jieba logs its dictionary loading at DEBUG through its own handler, Dask every worker and client
    coming and going at INFO; keep that out of runs. jieba is not imported for this (0.35 s before any work,
    in stages that may not use it): importing it sets its level to DEBUG, and what loads it sets the level
    again (pipeline/tokenizer.py, the statistics' tagger)."""
    if "jieba" in sys.modules:
        sys.modules["jieba"].setLogLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("distributed").setLevel(logging.DEBUG if verbose else logging.WARNING)


def _dispatch(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the chosen command."""
    if args.command == "evaluate":
        return _evaluate(args)
    if args.command == "fingerprint":
        return _fingerprint(args)
    if args.command == "evaluate-html":
        return _evaluate_html(args)
    stages = [args.command] if args.command in STAGES else _parse_stages(args.stages)
    if stages is None:
        print(f"error: --stages takes a comma-separated subset of {','.join(STAGES)}", file=sys.stderr)
        return EXIT_USAGE
    from pipeline import provenance, runner
    from pipeline.resources import DATA_DIR

    corpus = getattr(args, "corpus", None) if "ingest" in stages else None
    check_output_folder(args.out, corpus)
    if corpus is not None:
        runner.check_corpus(corpus)
    resources = runner.shared_resources(args.data, getattr(args, "text_column", None), getattr(args, "title_column", None))
    metadata = getattr(args, "metadata", None)
    if metadata is not None and not metadata.is_file():
        print(f"error: metadata table {metadata} does not exist", file=sys.stderr)
        return EXIT_USAGE
    ingest_options = {"text_column": getattr(args, "text_column", None), "title_column": getattr(args, "title_column", None),
                      "metadata": provenance.sha256_file(metadata)[:16] if metadata is not None else None}
    parameters = {**run_parameters(), "ingest": ingest_options}
    environment = provenance.environment(argv, parameters)
    inputs = {"data": provenance.data_fingerprint(args.data or DATA_DIR), "parameters": parameters}
    if corpus is not None:
        inputs["corpus"] = provenance.in_background(provenance.corpus_fingerprint, corpus)
    executor = None  # started with the first stage that runs: a Dask cluster takes seconds to start
    try:
        for stage in stages:
            provenance.check_inputs(args.out, stage)
            if not getattr(args, "force", False) and provenance.is_current(args.out, stage, inputs, environment):
                print(f"{stage}: up to date (same corpus, word lists, code and parameters in {args.out / provenance.RECORD}), skipped")
                continue
            executor = executor or _executor(args)
            _run_stage(stage, args, resources, executor, inputs, environment)
            executor.rest()  # a pool's workers end with their stage: the next stage's steps fork their own
    finally:
        if executor is not None:
            executor.close()
    if "analyze" in stages:
        print(f"report: {(args.out / 'report' / 'index.html').resolve()}")
    return 0


def _executor(args: argparse.Namespace):
    """Where the per-document steps run: a Dask cluster with --dask, else --workers local processes."""
    from pipeline.executor import dask_executor, local_executor

    if getattr(args, "dask", None):
        return dask_executor(args.dask)
    return local_executor(getattr(args, "workers", 1))


def _run_stage(stage: str, args: argparse.Namespace, resources, executor, inputs: dict, environment: dict) -> None:
    """Run one stage, record it in run.json and print its summary."""
    from pipeline import provenance, runner

    provenance.clear_downstream(args.out, stage)
    started = time.perf_counter()
    try:
        summary = runner.run_stage(stage, args, resources, sys.stderr.isatty(), executor)
    finally:
        provenance.wait_for_removals()  # the outputs cleared above, deleted while the stage ran
    seconds = time.perf_counter() - started
    tables = provenance.output_files(args.out, runner.stage_outputs(stage))
    tables += [name for name in provenance.DOWNSTREAM_FILES if stage == "analyze" and (args.out / name).exists()]
    provenance.record_stage(args.out, stage, inputs, environment, seconds, tables)
    print(f"{stage}: {summary} ({seconds:.1f} s)")


def run_parameters() -> dict:
    """Every parameter of a run, with its default, as recorded in run.json."""
    from dataclasses import asdict

    from pipeline.analyze import AnalyzeParams

    return {"analyze": asdict(AnalyzeParams())}


def _parse_stages(value: str) -> list[str] | None:
    """Stages in pipeline order, or None if one is unknown."""
    wanted = [s.strip() for s in value.split(",") if s.strip()]
    if not wanted or any(s not in STAGES for s in wanted):
        return None
    return [s for s in STAGES if s in wanted]


def _fingerprint(args: argparse.Namespace) -> int:
    """Print how this output's results differ from the committed summary; exit 1 on a difference unless --write."""
    from pipeline.fingerprint import as_text, difference, summarise

    if not (args.out / "documents.parquet").is_file():
        print(f"error: {args.out} holds no run's tables (run `python -m pipeline run --out {args.out}` first)", file=sys.stderr)
        return EXIT_USAGE
    found = as_text(summarise(args.out))
    expected = args.file.read_text(encoding="utf-8") if args.file.is_file() else ""
    diff = difference(expected, found)
    if args.write:
        args.file.write_text(found, encoding="utf-8")
        print(diff or "no change", f"\nwritten to {args.file}", sep="\n")
        return 0
    print(diff or f"results match {args.file}")
    return 1 if diff else 0


def _evaluate_html(args: argparse.Namespace) -> int:
    """Print the side-by-side table of main-text extraction; exit 2 when the gold folder holds no pages."""
    from pipeline.evaluate_html import evaluate_html, gold_pages, summary
    from pipeline.resources import load_resources

    if not args.gold.is_dir() or not gold_pages(args.gold):
        print(f"error: {args.gold} holds no NAME.html pages with a NAME.txt gold body beside them", file=sys.stderr)
        return EXIT_USAGE
    per_page = evaluate_html(args.gold, load_resources(args.data))
    print(f"Main text of {per_page['page'].nunique()} pages in {args.gold}: sentence scores\n")
    print(summary(per_page).to_string(float_format=lambda x: f"{x:.3f}"))
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        per_page.to_csv(args.report, index=False, encoding="utf-8-sig")
        print(f"\nper-page scores written to {args.report}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    """Print the evaluation table; exit 2 when the gold folder is missing."""
    from pipeline.evaluate import evaluate_folder, format_scores

    if not args.gold.is_dir():
        print(f"error: gold folder {args.gold} does not exist", file=sys.stderr)
        return EXIT_USAGE
    scores = evaluate_folder(args.out, args.gold)
    print(format_scores(scores))
    path = args.report or args.out / "evaluation.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    scores.to_csv(path, index=False, encoding="utf-8-sig")
    print(f"\nwritten to {path}")
    return 0
