"""The scale benchmark's table (bench/bench_scale.py): sums of stages, and why a run is missing."""

from __future__ import annotations

from bench.bench_scale import combine, fastest, format_size, format_work, warm_cache


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


def test_the_fastest_round_is_reported_with_the_largest_memory_of_any_round():
    slow, quick = _run(30.0, 40.0, 900.0, 1500.0), _run(20.0, 35.0, 700.0, None)
    timed_out = {**_run(5.0, 5.0, 100.0), "timed_out": True}
    best = fastest([slow, quick, timed_out])  # a round cut short is never the fastest
    assert (best["wall_s"], best["cpu_s"], best["peak_rss_mib"], best["tree_rss_mib"]) == (20.0, 35.0, 900.0, 1500.0)
    assert fastest([None, None]) is None and fastest([timed_out])["timed_out"]


def test_several_rounds_print_each_round_and_its_ratio():
    result, second = _result(baseline=True), _result(baseline=True)
    second["runs"]["ingest"] = _run(14.0, 15.0, 300.0)
    second["runs"]["ingest+segment"] = combine(second["runs"]["ingest"], second["runs"]["segment"])
    result["rounds"] = [result["runs"], second["runs"]]
    lines = format_size(result).splitlines()
    assert lines[1] == "(each run: the fastest of 2 rounds, with the largest RSS of any round)"
    assert lines[-2].startswith("wall s by round: ingest 10.0/14.0, segment 20.0/20.0")
    assert lines[-1] == "ratio by round: 0.50, 0.57"  # 30/60 and 34/60


def test_warm_cache_reads_every_file_of_the_corpus(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "page.html").write_bytes(b"<p>x</p>")
    (tmp_path / "a" / "b" / "big.txt").write_bytes(b"\xb5\xb3" * (1 << 20))  # two blocks
    (tmp_path / "a" / "empty.csv").write_bytes(b"")
    assert warm_cache(tmp_path) == 8 + 2 * (1 << 20)


def test_the_per_document_work_gives_the_least_time_the_cores_allow_against_the_baseline():
    result = _result(baseline=True)
    result["work"], result["cores"] = {"ingest_cpu_s": 15.0, "segment_cpu_s": 21.0}, 2
    line = format_size(result).splitlines()[-1]
    # 36 s of CPU on 2 cores: 18 s at least, 0.30 of the baseline's 60 s; the stages used 15 + 36 = 51 s
    assert line == ("per-document work alone (bench/work_floor.py): ingest 15.0 + segment 21.0 = 36.0 s CPU; "
                    "on 2 cores ingest+segment take at least 18.0 s, 0.30 of the baseline; they used 51.0 s CPU, 1.42× that work")


def test_the_per_document_work_without_a_baseline_gives_no_ratio():
    line = format_work({"ingest_cpu_s": 10.0, "segment_cpu_s": 10.0}, 4, None, None)
    assert line.endswith("on 4 cores ingest+segment take at least 5.0 s")
