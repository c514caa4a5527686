"""Benchmark: how the stages scale with the number of workers, locally and on a Dask cluster (`make bench`).

On one generated corpus (bench/make_corpus.py; 10 MB unless --size says otherwise) it runs the stages
(ingest and segment unless --stages says otherwise), each in its own process as bench_scale.py does, once
per executor:

- `1`: --workers 1, everything in the one process (the reference);
- `N`: --workers N, a local pool of N processes;
- `dask:N`: --dask local:N, a dask.distributed LocalCluster of N single-threaded worker processes, started
  by the run itself (its start is timed with it); left out when dask.distributed is not installed
  (pip install '.[cluster]').

The default executors are 1, all cores and dask on all cores; on a larger machine pass e.g.
`--executors 1,2,4,8,16,dask:16`. For each executor and stage it prints wall and cpu seconds, cores used
(cpu / wall), the peak RSS of the largest process, the speedup (one worker's wall time / this wall time)
and the parallel efficiency (speedup / workers), and it checks that every executor wrote the same tables
as one worker: the Parquet tables equal and the CSV files byte for byte. A table that differs is named and
the benchmark exits with status 1.

When segment ran, it then segments the same 1,000 documents (the first originals of the one-worker run)
in one process alone and in one process per core at once, and prints the CPU seconds of each: whether the
cores slow each other down on the pipeline's own work, apart from anything the pool does.

With --rounds N the executors run N times in turn and each is reported by its fastest round (see
bench_scale.fastest): timings on a shared machine vary from one minute to the next. The results go to
bench/_work/workers_<size>mb.json, the outputs to bench/_work/workers_<size>mb_<executor>/.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_scale import TIMEOUT_S, WORK, ensure_corpus, fastest, measure, warm_cache  # noqa: E402

DEFAULT_SIZE_MB = 10
DEFAULT_STAGES = ("ingest", "segment")


def dask_installed() -> bool:
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        return False
    return True


def parse_executors(spec: str | None, cores: int) -> list[str]:
    """The executors to run, one worker first (the reference): `1`, `N` or `dask:N` (N ≥ 1)."""
    names = spec.split(",") if spec else ["1", str(cores), f"dask:{cores}"]
    out = ["1"]
    for name in (n.strip() for n in names):
        count = name.removeprefix("dask:")
        if not count.isdigit() or int(count) < 1:
            raise SystemExit(f"--executors: {name!r} is not N or dask:N with N a positive whole number")
        if name not in out:
            out.append(name)
    return out


def workers_of(executor: str) -> int:
    return int(executor.removeprefix("dask:"))


def pipeline_options(executor: str) -> list[str]:
    """The command-line options that choose this executor."""
    if executor.startswith("dask:"):
        return ["--dask", f"local:{workers_of(executor)}"]
    return ["--workers", executor]


def differing_tables(reference: Path, other: Path, stages: list[str]) -> list[str]:
    """The tables of these stages that differ between two output folders (Parquet content or CSV bytes)."""
    import pyarrow.parquet as pq

    from pipeline.runner import stage_outputs

    differ = []
    for name in dict.fromkeys(t for stage in stages for t in stage_outputs(stage)):
        parquet = [folder / f"{name}.parquet" for folder in (reference, other)]
        csv = [folder / f"{name}.csv" for folder in (reference, other)]
        if not all(p.is_file() for p in parquet):
            differ.append(f"{name} (missing)")
        elif not pq.read_table(parquet[0]).equals(pq.read_table(parquet[1])):
            differ.append(f"{name}.parquet")
        elif all(c.is_file() for c in csv) and not filecmp.cmp(csv[0], csv[1], shallow=False):
            differ.append(f"{name}.csv")
    return differ


def run_executor(corpus: Path, out: Path, executor: str, stages: list[str], timeout_s: float | None, log_dir: Path) -> dict:
    """Each stage in turn with this executor, from an empty output folder: {stage: measure}."""
    shutil.rmtree(out, ignore_errors=True)
    runs = {}
    for stage in stages:
        command = [sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--out", str(out),
                   "--stages", stage, "--force", *pipeline_options(executor)]
        runs[stage] = measure(command, log_dir / f"{out.name}_{stage}.log", timeout_s)
        if runs[stage]["timed_out"]:
            break
    return runs


SAMPLE_DOCUMENTS = 1000


def contention(out: Path, processes: int, documents: int = SAMPLE_DOCUMENTS) -> tuple[float, list[float]]:
    """CPU seconds that segmenting the same documents (the first originals of a run's output) takes one
    process alone, then each of `processes` processes running at once: how far the machine's cores slow
    each other down on the pipeline's own work, whatever the pool does."""
    import itertools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.io import read_table
    from pipeline.runner import run_resources
    from pipeline.segment import MENTION_COLUMNS, _Feed, segment_one

    # the work items segment's own map sends its workers (originals only, with their place mentions)
    feed = _Feed(iter([read_table(out, "documents")]), read_table(out, "places", list(MENTION_COLUMNS)))
    global _SAMPLE
    _SAMPLE = (list(itertools.islice(feed.items(), documents)), run_resources(None))
    segment_one(_SAMPLE[0][0], _SAMPLE[1])  # what loads on first use is loaded once, before the processes fork
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=fork) as pool:
        alone = pool.submit(_segment_sample).result()
    with ProcessPoolExecutor(processes, mp_context=fork, initializer=_wait_for, initargs=(fork.Barrier(processes),)) as pool:
        together = [f.result() for f in [pool.submit(_segment_sample) for _ in range(processes)]]
    return alone, together


_SAMPLE: tuple = ([], None)  # the documents and resources of contention(), inherited by its forked processes


def _wait_for(barrier) -> None:
    """Pool initializer: start only when every process has started, so that they run at once."""
    barrier.wait()


def _segment_sample() -> float:
    import time

    from pipeline.segment import segment_one

    started = time.process_time()
    for work in _SAMPLE[0]:
        segment_one(work, _SAMPLE[1])
    return time.process_time() - started


def format_table(size_mb: float, counts: dict, best: dict[str, dict], stages: list[str]) -> str:
    """One line per executor and stage: times, cores, memory, speedup and efficiency against one worker."""
    lines = [f"== {size_mb:g} MB: {counts['files']} files, {counts['chars']:,} chars",
             f"{'executor':<10}{'stage':<9}{'wall s':>8}{'cpu s':>8}{'cores':>7}{'peak RSS MiB':>14}{'speedup':>9}{'efficiency':>12}"]
    for executor, runs in best.items():
        for stage in stages:
            run, reference = runs.get(stage), best["1"].get(stage)
            if run is None:
                lines.append(f"{executor:<10}{stage:<9}{'not run (an earlier stage timed out)':>40}")
                continue
            speedup = reference["wall_s"] / run["wall_s"] if reference and not run["timed_out"] else float("nan")
            over = ">" if run["timed_out"] else ""
            lines.append(f"{executor:<10}{stage:<9}{over + format(run['wall_s'], '.1f'):>8}{run['cpu_s']:>8.1f}"
                         f"{run['cores']:>7.2f}{run['peak_rss_mib']:>14.0f}{speedup:>9.2f}"
                         f"{speedup / workers_of(executor):>12.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=float, default=DEFAULT_SIZE_MB, help=f"corpus size in MB (default {DEFAULT_SIZE_MB})")
    parser.add_argument("--executors", default=None, help="comma-separated: N (local pool) or dask:N (default: 1, all cores, dask on all cores)")
    parser.add_argument("--stages", default=",".join(DEFAULT_STAGES), help="comma-separated stages, in order (default: ingest,segment)")
    parser.add_argument("--rounds", type=int, default=1, help="run every executor this many times in turn (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help=f"seconds one process may run (default {TIMEOUT_S:g}; 0: none)")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = [s for s in stages if s not in ("ingest", "segment", "analyze")]
    if unknown or not stages or stages[0] != "ingest":
        raise SystemExit("--stages: ingest first, then segment and analyze (each needs the tables of the one before)")
    executors = parse_executors(args.executors, cores)
    if not dask_installed() and any(e.startswith("dask:") for e in executors):
        print("dask.distributed is not installed (pip install '.[cluster]'): the Dask executors are left out")
        executors = [e for e in executors if not e.startswith("dask:")]

    corpus, counts = ensure_corpus(args.size, args.seed)
    warm_cache(corpus)
    print(f"{cores} cores; executors {', '.join(executors)}; stages {', '.join(stages)}; {args.rounds} round(s)", flush=True)
    outs = {e: WORK / f"workers_{args.size:g}mb_{e.replace(':', '')}" for e in executors}
    rounds: dict[str, list[dict]] = {e: [] for e in executors}
    for _ in range(max(1, args.rounds)):
        for executor in executors:
            rounds[executor].append(run_executor(corpus, outs[executor], executor, stages, args.timeout or None, WORK / "logs"))
    best = {e: {s: fastest([r.get(s) for r in rounds[e]]) for s in stages} for e in executors}
    print(format_table(args.size, counts, best, stages))

    if "1" in best and all(r is not None and not r["timed_out"] for r in best["1"].values()) and "segment" in stages and cores > 1:
        alone, together = contention(outs["1"], cores)
        print(f"segmenting {SAMPLE_DOCUMENTS:,} documents: {alone:.2f} s of CPU in one process alone, "
              f"{', '.join(f'{t:.2f}' for t in together)} s in each of {cores} processes at once "
              f"({sum(together) / len(together) / alone:.2f} times as long)")
    complete = {e for e in executors if all(r is not None and not r["timed_out"] for r in best[e].values())}
    differences = {e: differing_tables(outs["1"], outs[e], stages) for e in executors[1:] if e in complete and "1" in complete}
    for executor, differ in differences.items():
        print(f"tables of {executor} against one worker: " + ("the same" if not differ else "DIFFERENT: " + ", ".join(differ)))
    record = {"cores": cores, "size_mb": args.size, "seed": args.seed, "stages": stages, "corpus": counts,
              "rounds": rounds, "best": best, "differences": differences}
    path = WORK / f"workers_{args.size:g}mb.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results: {path}")
    return 1 if any(differences.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
