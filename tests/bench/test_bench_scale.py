"""The scale benchmark's table (bench/bench_scale.py): sums of stages, and why a run is missing."""

from __future__ import annotations

from bench.bench_scale import combine, format_size


def _run(wall: float, cpu: float, peak: float, tree: float | None = 100.0) -> dict:
    return {"wall_s": wall, "cpu_s": cpu, "cores": cpu / wall, "peak_rss_mib": peak, "tree_rss_mib": tree,
            "timed_out": False}


def _result(baseline: bool) -> dict:
    runs = {"ingest": _run(10.0, 15.0, 300.0), "segment": _run(20.0, 36.0, 500.0), "analyze": _run(70.0, 100.0, 800.0),
            "baseline": _run(60.0, 60.0, 400.0) if baseline else None}
    runs["ingest+segment"] = combine(runs["ingest"], runs["segment"])
    runs["end to end"] = combine(runs["ingest+segment"], runs["analyze"])
    for run in runs.values():
        if run is not None:
            run["chars_per_s"] = 1000.0 / run["wall_s"]
    corpus = {"files": 3, "documents": 4, "chars": 1000}
    return {"size_mb": 1.0, "corpus": corpus, "documents_found": 4, "runs": runs, "skipped": [] if baseline else ["baseline"]}


def test_end_to_end_adds_the_three_stages_and_keeps_the_largest_process():
    result = _result(baseline=True)
    end = result["runs"]["end to end"]
    assert (end["wall_s"], end["cpu_s"], end["peak_rss_mib"]) == (100.0, 151.0, 800.0)
    table = format_size(result)
    assert [line.split()[:3] for line in table.splitlines() if line.startswith("end to end")] == [["end", "to", "end"]]
    assert "100.0" in next(line for line in table.splitlines() if line.startswith("end to end"))
    assert table.splitlines()[-1] == "pipeline (ingest+segment) / baseline wall time: 0.50"


def test_a_baseline_left_out_on_purpose_is_not_reported_as_timed_out():
    table = format_size(_result(baseline=False))
    baseline = next(line for line in table.splitlines() if line.startswith("baseline"))
    assert "not run (--no-baseline)" in baseline and "timed out" not in baseline
    assert "baseline wall time" not in table
