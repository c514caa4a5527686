"""Thin command line: parse arguments, set up logging, call the stages, report where results are."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

log = logging.getLogger("pipeline")

STAGES = ("ingest", "segment", "analyze")
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per stage plus run and evaluate."""
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="Chinese experience-report corpus pipeline.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run stages in order (default: all)")
    _corpus_out(run)
    run.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset of ingest,segment,analyze")
    _corpus_out(sub.add_parser("ingest", help="raw files → manifest, documents, places"))
    for name, text in (("segment", "documents → measures, statistics, slogans, models"), ("analyze", "segment tables → clusters, recurrence, figures, report")):
        stage = sub.add_parser(name, help=text)
        stage.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
        stage.add_argument("--data", type=Path, default=None, help="folder of resource files (default: the package's)")
    evaluate = sub.add_parser("evaluate", help="score an output folder against reference annotations")
    evaluate.add_argument("--out", type=Path, default=Path("outputs"))
    evaluate.add_argument("--gold", type=Path, default=Path("tests/gold"))
    return parser


def _corpus_out(parser: argparse.ArgumentParser) -> None:
    """Options shared by run and ingest."""
    parser.add_argument("--corpus", type=Path, default=Path("corpus"), help="folder of raw input files (default: corpus)")
    parser.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
    parser.add_argument("--data", type=Path, default=None, help="folder of resource files (default: the package's)")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    _quiet_jieba(args.verbose)
    from pipeline.ingest import CorpusError
    from pipeline.io import MissingTableError
    from pipeline.resources import ResourceError

    try:
        return _dispatch(args)
    except (CorpusError, MissingTableError, ResourceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _quiet_jieba(verbose: bool) -> None:
    """jieba logs its dictionary loading at DEBUG through its own handler; keep that out of runs."""
    import jieba

    jieba.setLogLevel(logging.DEBUG if verbose else logging.WARNING)


def _dispatch(args: argparse.Namespace) -> int:
    """Run the chosen command."""
    if args.command == "evaluate":
        return _evaluate(args)
    stages = [args.command] if args.command in STAGES else _parse_stages(args.stages)
    if stages is None:
        print(f"error: --stages takes a comma-separated subset of {','.join(STAGES)}", file=sys.stderr)
        return EXIT_USAGE
    from pipeline import runner
    from pipeline.resources import load_resources

    if "ingest" in stages:
        runner.check_corpus(args.corpus)
    resources = load_resources(args.data)
    progress = sys.stderr.isatty()
    for stage in stages:
        started = time.perf_counter()
        summary = runner.run_stage(stage, args, resources, progress)
        print(f"{stage}: {summary} ({time.perf_counter() - started:.1f} s)")
    if "analyze" in stages:
        print(f"report: {(args.out / 'report.html').resolve()}")
    return 0


def _parse_stages(value: str) -> list[str] | None:
    """Stages in pipeline order, or None if one is unknown."""
    wanted = [s.strip() for s in value.split(",") if s.strip()]
    if not wanted or any(s not in STAGES for s in wanted):
        return None
    return [s for s in STAGES if s in wanted]


def _evaluate(args: argparse.Namespace) -> int:
    """Print the evaluation table; exit 2 when the gold folder is missing."""
    from pipeline.evaluate import evaluate_folder, format_scores

    if not args.gold.is_dir():
        print(f"error: gold folder {args.gold} does not exist", file=sys.stderr)
        return EXIT_USAGE
    scores = evaluate_folder(args.out, args.gold)
    print(format_scores(scores))
    path = args.out / "evaluation.csv"
    scores.to_csv(path, index=False, encoding="utf-8-sig")
    print(f"\nwritten to {path}")
    return 0
