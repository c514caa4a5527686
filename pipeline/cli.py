"""Thin command line: parse arguments, set up logging, call the stages, report where results are."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

log = logging.getLogger("pipeline")

STAGES = ("ingest", "segment", "analyze")
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


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
    run.add_argument("--workers", type=_workers, default=os.cpu_count() or 1,
                     help="processes for the parallel steps (text-reuse alignment); default: all cores")
    _corpus_out(sub.add_parser("ingest", help="raw files → manifest, documents, places"))
    for name, text in (("segment", "documents → measures, statistics, slogans, models"), ("analyze", "segment tables → clusters, recurrence, figures, report")):
        stage = sub.add_parser(name, help=text)
        stage.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
        stage.add_argument("--data", type=Path, default=None, help="folder of resource files (default: the package's)")
        stage.add_argument("--workers", type=_workers, default=os.cpu_count() or 1,
                           help="processes for the parallel steps (text-reuse alignment); default: all cores")
    evaluate = sub.add_parser("evaluate", help="score an output folder against reference annotations")
    evaluate.add_argument("--out", type=Path, default=Path("outputs"))
    evaluate.add_argument("--gold", type=Path, default=Path("tests/gold"))
    evaluate.add_argument("--report", type=Path, default=None, help="where to write the scores as CSV (default: OUT/evaluation.csv)")
    fingerprint = sub.add_parser("fingerprint", help="compare an output folder's results with a committed summary")
    fingerprint.add_argument("--out", type=Path, default=Path("outputs"))
    fingerprint.add_argument("--file", type=Path, default=Path("tests/fingerprint.json"))
    fingerprint.add_argument("--write", action="store_true", help="rewrite the summary from this output folder (the diff is printed)")
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


def _corpus_out(parser: argparse.ArgumentParser) -> None:
    """Options shared by run and ingest."""
    parser.add_argument("--corpus", type=Path, default=Path("corpus"), help="folder of raw input files (default: corpus)")
    parser.add_argument("--text-column", default=None, help="column of CSV/JSONL inputs holding the text (tried first; 正文, content … are known)")
    parser.add_argument("--title-column", default=None, help="column of CSV/JSONL inputs holding the title (tried first)")
    parser.add_argument("--metadata", type=Path, default=None,
                        help="a CSV/JSONL table describing the input files (a file or url column, title, date, province …)")
    parser.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
    parser.add_argument("--data", type=Path, default=None, help="folder of resource files (default: the package's)")


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
    from pipeline.ingest import CorpusError
    from pipeline.io import MissingTableError
    from pipeline.provenance import StaleTablesError
    from pipeline.resources import ResourceError

    try:
        return _dispatch(args, list(sys.argv if argv is None else ["python -m pipeline", *argv]))
    except (CorpusError, MissingTableError, ResourceError, StaleTablesError, OutputFolderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted: the tables of completed stages are kept; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED


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
    """jieba logs its dictionary loading at DEBUG through its own handler; keep that out of runs."""
    import jieba

    jieba.setLogLevel(logging.DEBUG if verbose else logging.WARNING)


def _dispatch(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the chosen command."""
    if args.command == "evaluate":
        return _evaluate(args)
    if args.command == "fingerprint":
        return _fingerprint(args)
    stages = [args.command] if args.command in STAGES else _parse_stages(args.stages)
    if stages is None:
        print(f"error: --stages takes a comma-separated subset of {','.join(STAGES)}", file=sys.stderr)
        return EXIT_USAGE
    from pipeline import provenance, runner
    from pipeline.resources import DATA_DIR, load_resources

    corpus = getattr(args, "corpus", None) if "ingest" in stages else None
    check_output_folder(args.out, corpus)
    if corpus is not None:
        runner.check_corpus(corpus)
    resources = load_resources(args.data)
    if getattr(args, "text_column", None) or getattr(args, "title_column", None):
        from dataclasses import replace

        from pipeline.ingest.readers import with_columns

        resources = replace(resources, columns=with_columns(resources.columns, text=args.text_column, title=args.title_column))
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
        inputs["corpus"] = provenance.corpus_fingerprint(corpus)
    progress = sys.stderr.isatty()
    for stage in stages:
        provenance.check_inputs(args.out, stage)
        if not getattr(args, "force", False) and provenance.is_current(args.out, stage, inputs, environment):
            print(f"{stage}: up to date (same corpus, word lists, code and parameters in {args.out / provenance.RECORD}), skipped")
            continue
        provenance.clear_downstream(args.out, stage)
        started = time.perf_counter()
        summary = runner.run_stage(stage, args, resources, progress)
        seconds = time.perf_counter() - started
        tables = provenance.output_files(args.out, runner.stage_outputs(stage))
        tables += [name for name in provenance.DOWNSTREAM_FILES if stage == "analyze" and (args.out / name).exists()]
        provenance.record_stage(args.out, stage, inputs, environment, seconds, tables)
        print(f"{stage}: {summary} ({seconds:.1f} s)")
    if "analyze" in stages:
        print(f"report: {(args.out / 'report' / 'index.html').resolve()}")
    return 0


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
