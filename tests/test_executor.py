"""Executors: a pool of processes gives the same tables as one process; resources reach workers once."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import pickle
import sys
import time
from types import SimpleNamespace

import pandas as pd
import pytest

from pipeline import runner
from pipeline.executor import MAX_BATCH, SERIAL, Pool, Shared, batched_lazily, local_executor, map_each, value_of
from pipeline.analyze import TABLE_NAMES as ANALYSIS_TABLES
from pipeline.io import read_table

from tests.conftest import CORPUS

TABLES = ("manifest", "documents", "places", "measures", "statistics", "slogans", "models")
forked = pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                            reason="the test changes a module in this process: only forked workers see it")


def square_plus(item: int, resources: int, extra: int) -> tuple[int, int]:
    """An item's square plus the resources and extra argument, with the process that computed it."""
    return item * item + resources + extra, os.getpid()


BUILDS = []


def counted(value: str) -> str:
    """A recipe that records each time it is built."""
    BUILDS.append(value)
    return value.upper()


def test_batches_cover_the_items_in_order_a_few_per_worker():
    items = list(range(1000))
    found = list(batched_lazily(items, len(items), 2))
    assert [i for batch in found for i in batch] == items
    assert max(len(b) for b in found) <= MAX_BATCH
    assert len(list(batched_lazily(items[:16], 16, 2))) == 8  # 4 batches per worker, 2 items each
    assert list(batched_lazily([], 0, 4)) == []


@pytest.mark.parametrize("executor", [SERIAL, Pool(2)], ids=["serial", "pool"])
def test_results_come_back_in_input_order(executor):
    results = map_each(executor, square_plus, list(range(100)), 1, 10)
    assert len(results) == 100
    assert [value for value, _ in results] == [i * i + 11 for i in range(100)]


def test_a_pool_runs_in_other_processes_and_one_worker_in_this_one():
    assert {pid for _, pid in map_each(Pool(2), square_plus, list(range(100)), 0, 0)} - {os.getpid()}
    assert local_executor(1) is SERIAL
    assert {pid for _, pid in map_each(local_executor(1), square_plus, list(range(100)), 0, 0)} == {os.getpid()}


def test_shared_resources_travel_as_their_recipe_and_are_built_once_per_process():
    shared = Shared("not pickled", counted, ("word",))
    BUILDS.clear()
    first, second = pickle.loads(pickle.dumps(shared)), pickle.loads(pickle.dumps(shared))
    assert value_of(first) == "WORD" and value_of(second) is value_of(first)
    assert BUILDS == ["word"]
    assert len(pickle.dumps(shared)) < 200 and len(pickle.dumps(first)) < 200  # a built copy travels on as its recipe


def test_a_step_in_a_child_process_gives_its_result_and_its_errors(monkeypatch):
    from pipeline.executor import in_child

    assert in_child(os.getpid) != os.getpid()
    assert in_child(sorted, [3, 1, 2]) == [1, 2, 3]
    with pytest.raises(ValueError, match="invalid literal"):
        in_child(int, "not a number")
    monkeypatch.setattr(multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    assert in_child(os.getpid) == os.getpid()  # a daemonic process may not start children: the step runs here


def test_spawned_jobs_keep_one_pool_for_every_run_in_the_block():
    from pipeline.executor import spawned_jobs

    with spawned_jobs(2) as run:
        first = run(square_plus, list(range(20)), (1, 2))
        again = run(square_plus, list(range(20, 40)), (0, 0))
    assert [value for value, _ in first] == [n * n + 3 for n in range(20)]
    assert [value for value, _ in again] == [n * n for n in range(20, 40)]
    pids = {pid for _, pid in first + again}
    assert os.getpid() not in pids and len(pids) <= 2  # the second run found the same two workers
    with spawned_jobs(1) as run:
        assert run(square_plus, [3], (0, 1)) == [(10, os.getpid())]


def native_threads(_job) -> dict[str, int]:
    """The most threads each native thread pool of this process uses, once k-means' OpenMP is loaded."""
    import sklearn.cluster  # noqa: F401 (loads the OpenMP runtime)
    from threadpoolctl import threadpool_info

    found: dict[str, int] = {}
    for pool in threadpool_info():
        found[pool["user_api"]] = max(found.get(pool["user_api"], 0), pool["num_threads"])
    return found


def test_spawned_workers_share_the_cores_among_their_native_threads():
    from pipeline.executor import spawned_jobs

    with spawned_jobs(2) as run:
        (found,) = run(native_threads, [None], ())
    assert found.get("openmp") and found["openmp"] <= max(1, (os.cpu_count() or 1) // 2)
    assert found.get("blas", 1) <= max(1, (os.cpu_count() or 1) // 2)


def test_a_lazy_map_takes_items_only_as_the_workers_need_them():
    from pipeline.executor import WINDOW_PER_WORKER, map_lazily

    taken = []

    def items():
        for i in range(2000):
            taken.append(i)
            yield i

    results = iter(map_lazily(Pool(2), square_plus, items(), 2000, 1, 10))
    assert next(results)[0] == 11
    assert len(taken) <= (2 * WINDOW_PER_WORKER + 2) * MAX_BATCH < 2000  # the window and the two read first
    assert [value for value, _ in results] == [i * i + 11 for i in range(1, 2000)]
    assert len(taken) == 2000


def test_a_pool_keeps_its_workers_while_the_resources_are_the_same_and_ends_them_at_rest():
    from pathlib import Path

    pool = Pool(2)
    first = {pid for _, pid in map_each(pool, square_plus, list(range(64)), 0, 0)} - {os.getpid()}
    again = map_each(pool, square_plus, list(range(64)), 0, 5)  # other arguments reach the same workers
    assert [value for value, _ in again] == [i * i + 5 for i in range(64)]
    assert {pid for _, pid in again} - {os.getpid()} <= first
    other = {pid for _, pid in map_each(pool, square_plus, list(range(64)), 1, 0)} - {os.getpid()}
    assert not other & first  # other resources: other workers
    pool.rest()
    assert not any(Path(f"/proc/{pid}").exists() for pid in first | other)


def test_a_reader_that_stops_after_the_last_result_leaves_the_workers_to_the_next_map():
    import itertools

    pool = Pool(2)
    results = iter(map_each(pool, square_plus, list(range(64)), 0, 0))
    assert [value for value, _ in itertools.islice(results, 64)] == [i * i for i in range(64)]
    workers = set(pool._live[0]._processes)
    results.close()  # what happens when a reader that took exactly its items drops the map
    assert pool._live is not None and set(pool._live[0]._processes) == workers
    assert [value for value, _ in map_each(pool, square_plus, list(range(64)), 0, 1)] == [i * i + 1 for i in range(64)]
    assert set(pool._live[0]._processes) == workers  # the next map ran on the same processes
    pool.rest()


def test_a_reader_that_stops_early_ends_the_workers():
    import itertools
    from pathlib import Path

    pool = Pool(2)
    results = iter(map_each(pool, square_plus, list(range(2000)), 0, 0))
    assert [value for value, _ in itertools.islice(results, 10)] == [i * i for i in range(10)]
    workers = set(pool._live[0]._processes)
    results.close()
    assert pool._live is None
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_a_worker_error_reaches_the_caller():
    with pytest.raises(TypeError):  # int + str in a worker
        list(map_each(Pool(2), square_plus, list(range(20)), 0, "not a number"))


@pytest.fixture(scope="module")
def pooled_out(tmp_path_factory, pipeline_out):
    """ingest and segment of the default corpus on a pool of two processes (resources shared as a recipe)."""
    out = tmp_path_factory.mktemp("pooled")
    args = argparse.Namespace(corpus=CORPUS, out=out, data=None)
    resources = runner.shared_resources(None)
    for stage in ("ingest", "segment"):
        runner.run_stage(stage, args, resources, progress=False, executor=Pool(2))
    return out


@pytest.mark.parametrize("name", TABLES)
def test_a_pool_of_two_writes_the_tables_of_one_process(pipeline_out, pooled_out, name):
    pd.testing.assert_frame_equal(read_table(pooled_out, name), read_table(pipeline_out, name), obj=name)


def test_documents_are_tokenised_alike_in_workers(documents):
    from pipeline.analyze import load_analyze_resources, tokenize_documents
    from pipeline.analyze.sentences import unique_documents

    resources = load_analyze_resources()
    tokenizer = resources.make_tokenizer()
    docs = unique_documents(documents)
    alone = tokenize_documents(docs, tokenizer, resources.stopwords)
    pooled = tokenize_documents(docs, tokenizer, resources.stopwords, Pool(2), resources.userdict)
    assert list(pooled) == list(alone)
    assert pooled == alone


def test_measure_features_and_word_counts_are_alike_in_workers(documents, pipeline_out):
    from collections import Counter

    from pipeline.analyze import analysis_features, load_analyze_resources, tokenize_documents
    from pipeline.analyze.clusters import measure_features, practice_measures
    from pipeline.analyze.regions import WordCounts
    from pipeline.analyze.sentences import unique_documents

    resources = load_analyze_resources()
    tokenizer = resources.make_tokenizer()
    docs = unique_documents(documents)
    practice = practice_measures(docs, read_table(pipeline_out, "measures"), resources.non_practice)
    alone = analysis_features(docs, practice, tokenizer, resources.stopwords)
    pooled = analysis_features(docs, practice, tokenizer, resources.stopwords, Pool(2), resources.userdict)
    assert_same_features(pooled, alone)
    # the same as cutting them from each document's whole token list
    tokens = tokenize_documents(docs, tokenizer, resources.stopwords)
    assert alone[0] == measure_features(practice, dict(zip(docs["doc_id"], docs["text"])), tokens, tokenizer, resources.stopwords)
    expected = WordCounts()
    for d, t in tokens.items():
        expected.add(d, Counter(t.words))
    assert_same_features((alone[0], expected.matrix()), alone)


def test_measure_features_and_word_counts_are_alike_on_a_local_dask_cluster(documents, pipeline_out):
    pytest.importorskip("dask.distributed")
    from pipeline.analyze import analysis_features, load_analyze_resources
    from pipeline.analyze.clusters import practice_measures
    from pipeline.analyze.sentences import unique_documents
    from pipeline.executor import dask_executor

    resources = load_analyze_resources()
    tokenizer = resources.make_tokenizer()
    docs = unique_documents(documents)
    practice = practice_measures(docs, read_table(pipeline_out, "measures"), resources.non_practice)
    executor = dask_executor("local:2")  # each worker builds its tokenizer; batches come back coded
    try:
        found = analysis_features(docs, practice, tokenizer, resources.stopwords, executor, resources.userdict)
    finally:
        executor.close()
    assert_same_features(found, analysis_features(docs, practice, tokenizer, resources.stopwords))


def assert_same_features(found, expected):
    """analysis_features results alike: the token lists, and the word counts (doc ids, matrix, words)."""
    (features, (doc_ids, counts, vocab)), (features_e, (doc_ids_e, counts_e, vocab_e)) = found, expected
    assert features == features_e and doc_ids == doc_ids_e and list(vocab) == list(vocab_e)
    assert counts.shape == counts_e.shape and (counts != counts_e).nnz == 0 and counts.sum() > 0


@forked
def test_the_time_budget_holds_in_pool_workers(monkeypatch, resources):
    import pipeline.segment as segment_module

    def slow(*args, **kwargs):
        while True:
            time.sleep(0.001)

    monkeypatch.setattr(segment_module, "DOCUMENT_SECONDS", 0.05)
    monkeypatch.setattr(segment_module, "segment_document", slow)
    work = [({"doc_id": f"d{i}", "text": "一、抓党建。", "title": "", "place_level": None, "date": None}, ()) for i in range(8)]
    flags = [flag for _, flag in map_each(Pool(2), segment_module.segment_one, work, resources)]
    assert [f["doc_id"] for f in flags] == [f"d{i}" for i in range(8)]
    assert all(f["segment_error"].startswith("too slow to segment") for f in flags)


@pytest.fixture(scope="module")
def dask_out(tmp_path_factory, pipeline_out):
    """A run of the default corpus on a local Dask cluster of two worker processes."""
    pytest.importorskip("dask.distributed")
    from pipeline.executor import dask_executor

    out = tmp_path_factory.mktemp("dask")
    args = argparse.Namespace(corpus=CORPUS, out=out, data=None)
    executor = dask_executor("local:2")  # LocalCluster(n_workers=2, processes=True, threads_per_worker=1)
    try:
        assert executor.workers == 2
        for stage in ("ingest", "segment", "analyze"):
            runner.run_stage(stage, args, runner.shared_resources(None), progress=False, executor=executor)
    finally:
        executor.close()
    return out


@pytest.mark.parametrize("name", TABLES + tuple(ANALYSIS_TABLES))
def test_a_local_dask_cluster_writes_the_tables_of_one_process(pipeline_out, dask_out, name):
    pd.testing.assert_frame_equal(read_table(dask_out, name), read_table(pipeline_out, name), obj=name)


class FakeClient:
    """What Dask.map_batches uses of a dask.distributed client, running each task at once in this process and
    keeping every object sent to the cluster, as a cluster would receive it (pickled)."""

    class Done:
        def __init__(self, value):
            self.value = value

        def result(self):
            return self.value

        def release(self):
            pass

    def __init__(self):
        self.sent, self.returned = [], []

    def nthreads(self):
        return {"a": 1, "b": 1}

    def scatter(self, data, broadcast=False, hash=True):
        self.sent.append(data)
        return [pickle.loads(pickle.dumps(d)) for d in data] if broadcast else pickle.loads(pickle.dumps(data))

    def submit(self, fn, *args, pure=True):
        self.returned.append(fn(*args))
        return self.Done(pickle.loads(pickle.dumps(self.returned[-1])))

    def cancel(self, futures):
        pass


def label(item, resources, suffix):
    return {"item": item, "label": f"{resources['prefix']}{item}{suffix}"}


def test_dask_batches_and_their_results_travel_as_one_pickle_each():
    from pipeline.executor import Dask

    client = FakeClient()
    items = [f"文{i}" for i in range(150)]
    found = list(map_each(Dask(client), label, items, {"prefix": "第"}, "号"))
    assert found == [{"item": i, "label": f"第{i}号"} for i in items]
    batches = client.sent[1:]  # the first: the resources and arguments, sent once to every worker
    assert len(batches) > 1 and all(isinstance(batch, bytes) for batch in batches)
    assert [item for batch in batches for item in pickle.loads(batch)] == items
    assert len(client.returned) == len(batches) and all(isinstance(r, bytes) for r in client.returned)


def test_dask_asked_for_but_not_installed_says_how_to_install_it(monkeypatch, tmp_path, capsys):
    from pipeline.cli import EXIT_USAGE, main

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import dask.distributed now fails
    code = main(["run", "--corpus", str(CORPUS), "--out", str(tmp_path / "out"), "--stages", "ingest", "--dask", "local:2"])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "pip install '.[cluster]'" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "documents.parquet").exists()


def test_a_local_dask_cluster_leaves_the_environment_of_this_process_as_it_was(monkeypatch):
    pytest.importorskip("dask.distributed")
    from pipeline.executor import dask_executor

    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(variable, raising=False)
    before = dict(os.environ)
    executor = dask_executor("local:1")
    try:
        assert dict(os.environ) == before
    finally:
        executor.close()


@pytest.mark.parametrize("address", ["local:0", "local:two"])
def test_a_bad_local_cluster_size_is_refused_in_one_line(address):
    pytest.importorskip("dask.distributed")
    from pipeline.executor import ClusterError, dask_executor

    with pytest.raises(ClusterError, match="positive whole number"):
        dask_executor(address)


ORPHAN_SCRIPT = """
import os, sys, time
from pipeline.executor import Pool, map_each

MAIN = os.getpid()

def wait(item, folder):
    if os.getpid() != MAIN:  # the parent does the first item itself (see Pool): only workers wait
        open(os.path.join(folder, str(os.getpid())), "w").close()
        time.sleep(120)

list(map_each(Pool(2), wait, list(range(8)), sys.argv[1]))
"""


def _running(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@forked
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_pool_workers_end_when_their_parent_is_killed(tmp_path):
    import signal
    import subprocess

    parent = subprocess.Popen([sys.executable, "-c", ORPHAN_SCRIPT, str(tmp_path)], cwd=CORPUS.parent)
    workers = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = [int(p.name) for p in tmp_path.iterdir()]
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 2 and not any(_running(pid) for pid in workers)
    finally:  # leave nothing behind, whatever happened
        parent.kill()
        for pid in filter(_running, workers):
            os.kill(pid, signal.SIGKILL)


def test_measure_features_in_small_chunks_are_the_same(documents, pipeline_out, monkeypatch):
    import pipeline.analyze as analyze_module
    from pipeline.analyze import analysis_features, load_analyze_resources
    from pipeline.analyze.clusters import practice_measures
    from pipeline.analyze.sentences import unique_documents

    resources = load_analyze_resources()
    tokenizer = resources.make_tokenizer()
    docs = unique_documents(documents)
    practice = practice_measures(docs, read_table(pipeline_out, "measures"), resources.non_practice)
    whole = analysis_features(docs, practice, tokenizer, resources.stopwords)
    monkeypatch.setattr(analyze_module, "ANALYSIS_CHUNK", 3)
    assert_same_features(analysis_features(docs, practice, tokenizer, resources.stopwords, Pool(2), resources.userdict), whole)
