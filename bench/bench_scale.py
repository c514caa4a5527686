"""Benchmark: how the pipeline scales with corpus size, against the naive script (`make bench`, `make bench-large`).

For each size (MB) it builds a corpus with bench/make_corpus.py under bench/_work/ (reused when one of the
same size, seed and generator is there), then runs each stage of the pipeline in its own process
(`python -m pipeline run --stages S --force`) and the naive baseline (bench/baseline_naive.py) on it, and
measures for each process:

- wall: seconds from start to exit;
- cpu: user + system seconds of the process and every child it waited for (os.wait4's rusage), so a
  process pool's workers count; cores = cpu / wall (a killed run: the sum sampled with psutil);
- peak RSS: ru_maxrss from the same wait4 call, i.e. the largest single process (a pool's workers are
  not summed); tree RSS: the sum over the process and its children, sampled with psutil every 0.1 s
  (may miss a short spike; "-" when psutil is missing);
- throughput: characters of the corpus's documents (as generated) per wall second.

Before the first round, every file of the corpus is read once (warm_cache), so that neither the pipeline
nor the baseline pays for reading it from disk: the baseline runs after ingest, and a corpus not yet in
the page cache slowed ingest of 200 MB from 100 to 122 s (I/O bound at 1.3 cores for its first 80 s).

With --rounds N, the stages and the baseline run N times in turn, and each is reported by its fastest
round (the largest RSS of any round), followed by every round's wall times and ratio.

It prints a table per size, with the stages' sum (end to end), the ratio pipeline (ingest + segment) /
baseline, and between consecutive sizes the growth exponent log(t2/t1) / log(s2/s1) of wall time and of
peak RSS (1 = linear). The results go to bench/_work/scale_<sizes>.json (e.g. scale_10_50.json); each
process's output to bench/_work/logs/.

After the rounds of a size, bench/work_floor.py measures once the CPU time of ingest's and segment's
per-document functions alone, in one process (--no-floor skips it): spread over every core, that is the
least wall time ingest + segment could take with no overhead at all, and the table prints it against the
baseline, with the CPU time the stages spent beyond it.

A process running past --timeout (300 s by default) is killed with its workers and shown with its wall time
as a bound (>300.0); the stages after it are not run. On these corpora analyze is the one that does: every
paragraph of the ~1 MB of real text recurs in about documents × 18 / 2,209 documents (13 at 10 MB, 65 at
50 MB), and text reuse aligns every pair of documents sharing three fingerprints: ~258,000 candidate pairs
at 10 MB at 10–15 ms each, growing with the square of the recurrence. That is a worst case for reuse, not a
typical corpus; ingest and segment do not depend on it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_corpus import make_corpus  # noqa: E402

WORK = ROOT / "bench" / "_work"
STAGES = ("ingest", "segment", "analyze")
SAMPLE_S = 0.1
TIMEOUT_S = 300  # per process, so `make bench` ends: analyze on these corpora runs for hours (module docstring)


def generator_stamp(size_mb: float, seed: int) -> dict:
    """What identifies a built corpus: size, seed and the generator's source."""
    source = (ROOT / "bench" / "make_corpus.py").read_bytes()
    return {"size_mb": size_mb, "seed": seed, "generator": hashlib.sha256(source).hexdigest()[:16]}


def ensure_corpus(size_mb: float, seed: int) -> tuple[Path, dict]:
    """The corpus of this size and seed under bench/_work, built unless a matching one is there; returns its counts."""
    corpus = WORK / f"corpus_{size_mb:g}mb_seed{seed}"
    stamp_path = corpus.with_suffix(".json")
    stamp = generator_stamp(size_mb, seed)
    if corpus.is_dir() and stamp_path.is_file():
        recorded = json.loads(stamp_path.read_text(encoding="utf-8"))
        if {k: recorded.get(k) for k in stamp} == stamp:
            return corpus, recorded
    shutil.rmtree(corpus, ignore_errors=True)
    started = time.perf_counter()
    counts = {**stamp, **make_corpus(size_mb, corpus, seed), "build_s": round(time.perf_counter() - started, 2)}
    stamp_path.write_text(json.dumps(counts, ensure_ascii=False, indent=1), encoding="utf-8")
    return corpus, counts


def warm_cache(corpus: Path) -> int:
    """Read every file under the corpus once, so that the runs measured find it in the page cache; the
    bytes read."""
    total = 0
    for folder, _, files in os.walk(corpus):
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                while block := f.read(1 << 20):
                    total += len(block)
    return total


def tree_usage(pid: int, cpu: dict[int, float]) -> int:
    """Resident bytes of a process and all its descendants (0 once gone); records each one's cpu seconds in cpu."""
    import psutil

    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            with process.oneshot():
                total += process.memory_info().rss
                times = process.cpu_times()
                cpu[process.pid] = times.user + times.system
        except psutil.Error:
            pass
    return total


def sample_tree(pid: int, done: threading.Event, peak: list[int], cpu: dict[int, float]) -> None:
    """Keep the largest tree RSS seen in peak[0], and each process's last cpu seconds in cpu, until done is set."""
    while not done.wait(SAMPLE_S):
        peak[0] = max(peak[0], tree_usage(pid, cpu))


def measure(command: list[str], log: Path, timeout_s: float | None = None) -> dict:
    """Run a command, wait for it with wait4, and return wall, cpu, cores, peak and tree RSS (MiB).

    Past timeout_s the command's process group (its pool workers too) is killed and the run marked timed_out:
    its wall time is then a lower bound.
    """
    try:
        import psutil  # noqa: F401
        sampling = True
    except ImportError:
        sampling = False
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        done, peak, expired, sampled_cpu = threading.Event(), [0], threading.Event(), {}
        if sampling:
            threading.Thread(target=sample_tree, args=(process.pid, done, peak, sampled_cpu), daemon=True).start()
        if timeout_s:
            threading.Thread(target=kill_after, args=(process.pid, timeout_s, done, expired), daemon=True).start()
        _, status, usage = os.wait4(process.pid, 0)  # the rusage of this child and the children it reaped
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
    if process.returncode != 0 and not expired.is_set():
        raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}; see {log}")
    timed_out = expired.is_set() and process.returncode != 0
    # Killed workers are never reaped by their parent, so wait4 misses their time: take the sampled sum then.
    cpu = max(usage.ru_utime + usage.ru_stime, sum(sampled_cpu.values()) if timed_out else 0.0)
    return {"wall_s": wall, "cpu_s": cpu, "cores": cpu / wall, "peak_rss_mib": usage.ru_maxrss / 1024,
            "tree_rss_mib": peak[0] / 2**20 if sampling else None, "timed_out": timed_out}


def kill_after(pid: int, timeout_s: float, done: threading.Event, expired: threading.Event) -> None:
    """Kill the process group started for pid once timeout_s passes, unless it finished first."""
    if done.wait(timeout_s):
        return
    expired.set()
    try:
        os.killpg(pid, signal.SIGKILL)  # the group of the child started with start_new_session: only its own processes
    except ProcessLookupError:
        pass


def run_size(size_mb: float, seed: int, workers: int | None, timeout_s: float | None, baseline: bool = True,
             rounds: int = 1, floor: bool = True) -> dict:
    """Build (or reuse) the corpus of one size and measure every stage and (unless told not to) the baseline on
    it, `rounds` times in turn; each run is reported by its fastest round (see fastest). Then (unless told
    not to) the per-document work alone, once (see work_floor)."""
    corpus, counts = ensure_corpus(size_mb, seed)
    warm_cache(corpus)
    measured = [run_round(corpus, size_mb, workers, timeout_s, baseline) for _ in range(max(1, rounds))]
    work = work_floor(corpus, size_mb, timeout_s) if floor and complete(measured[-1]["ingest"]) else None
    runs = {name: fastest([r[name] for r in measured]) for name in (*STAGES, "baseline")}
    for r in (runs, *measured):
        r["ingest+segment"] = combine(r["ingest"], r["segment"])
        r["end to end"] = combine(r["ingest+segment"], r["analyze"])
        for run in r.values():
            if run is not None:
                run["chars_per_s"] = counts["chars"] / run["wall_s"]
    out = WORK / f"out_{size_mb:g}mb"
    return {"size_mb": size_mb, "corpus": counts, "documents_found": documents_found(out), "runs": runs,
            "skipped": [] if baseline else ["baseline"], "rounds": measured, "work": work,
            "cores": workers or os.cpu_count() or 1}


def work_floor(corpus: Path, size_mb: float, timeout_s: float | None) -> dict | None:
    """CPU seconds of ingest's and segment's per-document functions alone, in one process
    (bench/work_floor.py, on the output of the last round's ingest); None when it timed out."""
    found = WORK / f"work_{size_mb:g}mb.json"
    found.unlink(missing_ok=True)
    command = [sys.executable, str(ROOT / "bench" / "work_floor.py"), str(corpus), str(WORK / f"out_{size_mb:g}mb"),
               "--json", str(found)]
    run = measure(command, WORK / "logs" / f"{size_mb:g}mb_work.log", timeout_s)
    return json.loads(found.read_text(encoding="utf-8")) if complete(run) else None


def run_round(corpus: Path, size_mb: float, workers: int | None, timeout_s: float | None, baseline: bool) -> dict:
    """Each stage in turn, then the baseline: one measure each (None: not run). Every round starts from an
    empty output folder, as a first run does: in a folder holding the last round's outputs, ingest would
    first clear its report (a page per document)."""
    out, logs, python = WORK / f"out_{size_mb:g}mb", WORK / "logs", sys.executable
    shutil.rmtree(out, ignore_errors=True)
    extra = ["--workers", str(workers)] if workers else []
    runs: dict[str, dict | None] = {}
    for stage in STAGES:
        if any(r is None or r["timed_out"] for r in runs.values()):
            runs[stage] = None  # a stage needs the tables of the one before
            continue
        command = [python, "-m", "pipeline", "run", "--corpus", str(corpus), "--out", str(out),
                   "--stages", stage, "--force", *extra]
        runs[stage] = measure(command, logs / f"{size_mb:g}mb_{stage}.log", timeout_s)
    naive = [python, str(ROOT / "bench" / "baseline_naive.py"), str(corpus), "--out", str(WORK / f"baseline_{size_mb:g}mb")]
    runs["baseline"] = measure(naive, logs / f"{size_mb:g}mb_baseline.log", timeout_s) if baseline else None
    return runs


def fastest(runs: list[dict | None]) -> dict | None:
    """The round with the least wall time among those that completed, with the largest peak and tree RSS of
    every round; the first round when none completed. The fastest round is the one least slowed by the
    machine: on the 2-core machine of the issue, the same ingest of 50 MB took 26.6 and 33.2 s of CPU in
    consecutive runs, and 64 or 111 s of wall time at 200 MB in different hours."""
    done = [r for r in runs if complete(r)]
    if not done:
        return runs[0]
    best = dict(min(done, key=lambda r: r["wall_s"]))
    best["peak_rss_mib"] = max(r["peak_rss_mib"] for r in done)
    trees = [r["tree_rss_mib"] for r in done if r["tree_rss_mib"] is not None]
    best["tree_rss_mib"] = max(trees) if trees else None
    return best


def combine(a: dict | None, b: dict | None) -> dict | None:
    """Two processes run one after the other: times add, memory is the larger (None when one did not run)."""
    if a is None or b is None:
        return None
    wall, cpu = a["wall_s"] + b["wall_s"], a["cpu_s"] + b["cpu_s"]
    tree = None if a["tree_rss_mib"] is None else max(a["tree_rss_mib"], b["tree_rss_mib"])
    return {"wall_s": wall, "cpu_s": cpu, "cores": cpu / wall, "peak_rss_mib": max(a["peak_rss_mib"], b["peak_rss_mib"]),
            "tree_rss_mib": tree, "timed_out": a["timed_out"] or b["timed_out"]}


def documents_found(out: Path) -> int | None:
    """How many documents the pipeline's ingest made of the corpus."""
    try:
        import pyarrow.parquet as pq

        return pq.ParquetFile(out / "documents.parquet").metadata.num_rows
    except (OSError, ImportError):
        return None


def complete(run: dict | None) -> bool:
    return run is not None and not run["timed_out"]


def format_run(name: str, run: dict | None, skipped: bool = False) -> str:
    """One line of the table; a timed-out run's wall time (and throughput) is a bound, marked > (<)."""
    if run is None:
        return f"{name:<15}{'not run (--no-baseline)' if skipped else 'not run (an earlier stage timed out)':>45}"
    over, under = (">", "<") if run["timed_out"] else ("", "")
    tree = "-" if run["tree_rss_mib"] is None else f"{run['tree_rss_mib']:.0f}"
    return (f"{name:<15}{over + format(run['wall_s'], '.1f'):>9}{run['cpu_s']:>9.1f}{run['cores']:>7.2f}"
            f"{run['peak_rss_mib']:>14.0f}{tree:>14}{under + format(run['chars_per_s'], ',.0f'):>12}")


def format_size(result: dict) -> str:
    """The table of one size: one line per process, then the ratio to the baseline."""
    c, runs = result["corpus"], result["runs"]
    lines = [f"== {result['size_mb']:g} MB: {c['files']} files, {c['documents']} documents generated "
             f"({result['documents_found']} found by ingest), {c['chars']:,} chars",
             f"{'run':<15}{'wall s':>9}{'cpu s':>9}{'cores':>7}{'peak RSS MiB':>14}{'tree RSS MiB':>14}{'chars/s':>12}"]
    lines += [format_run(name, run, name in result.get("skipped", ())) for name, run in runs.items()]
    if complete(runs["ingest+segment"]) and complete(runs["baseline"]):
        ratio = runs["ingest+segment"]["wall_s"] / runs["baseline"]["wall_s"]
        lines.append(f"pipeline (ingest+segment) / baseline wall time: {ratio:.2f}")
    if result.get("work"):
        lines.append(format_work(result["work"], result["cores"], runs["ingest+segment"], runs["baseline"]))
    rounds = result.get("rounds", [])
    if len(rounds) > 1:
        lines.insert(1, f"(each run: the fastest of {len(rounds)} rounds, with the largest RSS of any round)")
        walls = ", ".join(f"{name} " + "/".join(f"{r[name]['wall_s']:.1f}" if complete(r[name]) else "-" for r in rounds)
                          for name in (*STAGES, "baseline"))
        lines.append(f"wall s by round: {walls}")
        ratios = [f"{r['ingest+segment']['wall_s'] / r['baseline']['wall_s']:.2f}" if complete(r["ingest+segment"]) and complete(r["baseline"])
                  else "-" for r in rounds]
        lines.append(f"ratio by round: {', '.join(ratios)}")
    return "\n".join(lines)


def format_work(work: dict, cores: int, pipeline: dict | None, baseline: dict | None) -> str:
    """What the per-document work alone allows: its CPU seconds spread over every core is the least wall time
    ingest + segment can take (a bound, reached only with no overhead at all), against the baseline; and how
    much CPU time the stages spent beyond that work."""
    cpu = work["ingest_cpu_s"] + work["segment_cpu_s"]
    line = (f"per-document work alone (bench/work_floor.py): ingest {work['ingest_cpu_s']:.1f} + segment "
            f"{work['segment_cpu_s']:.1f} = {cpu:.1f} s CPU; on {cores} cores ingest+segment take at least {cpu / cores:.1f} s")
    if complete(baseline):
        line += f", {cpu / cores / baseline['wall_s']:.2f} of the baseline"
    if complete(pipeline):
        line += f"; they used {pipeline['cpu_s']:.1f} s CPU, {pipeline['cpu_s'] / cpu:.2f}× that work"
    return line


def exponent(y1: float, y2: float, s1: float, s2: float) -> float:
    """Growth exponent between two sizes: log(y2 / y1) / log(s2 / s1) (1 = linear)."""
    return math.log(y2 / y1) / math.log(s2 / s1) if y1 > 0 and y2 > 0 else float("nan")


def format_growth(results: list[dict]) -> str:
    """Growth exponents of wall time and peak RSS between consecutive sizes (runs that completed at both)."""
    lines = ["== growth exponents (log(y2/y1) / log(s2/s1); 1 = linear)",
             f"{'run':<15}{'sizes':>12}{'wall':>8}{'peak RSS':>10}"]
    for a, b in zip(results, results[1:]):
        sizes = f"{a['size_mb']:g}→{b['size_mb']:g}"
        for name, ra in a["runs"].items():
            rb = b["runs"][name]
            if not (complete(ra) and complete(rb)):
                lines.append(f"{name:<15}{sizes:>12}{'n/a (timed out or not run)':>30}")
                continue
            lines.append(f"{name:<15}{sizes:>12}{exponent(ra['wall_s'], rb['wall_s'], a['size_mb'], b['size_mb']):>8.2f}"
                         f"{exponent(ra['peak_rss_mib'], rb['peak_rss_mib'], a['size_mb'], b['size_mb']):>10.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,50", help="comma-separated corpus sizes in MB (default: 10,50)")
    parser.add_argument("--workers", type=int, default=None, help="passed to the pipeline (default: its own)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every stage and the baseline this many times in turn, each reported by its fastest round (default 1)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive script (it takes about 4 min per 200 MB)")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip measuring the per-document work alone (bench/work_floor.py: about 40 s per 50 MB)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S,
                        help=f"seconds one process may run before it is killed and marked timed out (default {TIMEOUT_S:g}; 0: none)")
    args = parser.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",")]
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores; peak RSS = largest single process (wait4 ru_maxrss), "
          f"tree RSS = sum over the process tree sampled every {SAMPLE_S} s (psutil); timeout {args.timeout:g} s a process",
          flush=True)
    results = []
    for size in sizes:
        results.append(run_size(size, args.seed, args.workers, args.timeout or None, not args.no_baseline, args.rounds,
                                not args.no_floor))
        print(format_size(results[-1]), flush=True)
    if len(results) > 1:
        print(format_growth(results))
    record = {"cores": os.cpu_count(), "workers": args.workers, "seed": args.seed, "timeout_s": args.timeout,
              "rounds": args.rounds, "results": results}
    path = WORK / ("scale_" + "_".join(f"{s:g}" for s in sizes) + ".json")  # one file per set of sizes: runs keep each other's
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results: {path}")


if __name__ == "__main__":
    main()
