"""Where the per-document functions run: in this process, in a local process pool, or on a Dask cluster.

A stage hands an executor a function of one item (an input file, a page, a document) and the read-only
resources it needs; the executor runs it over batches of items and gives the results back in input
order, so a stage's tables are the same whatever ran them. Stages never import multiprocessing or Dask.

Resources reach each worker once, not once per batch: a local pool installs them when a worker starts
(a forked worker shares the parent's copy), a Dask cluster receives them once per worker. What cannot be
pickled (an OpenCC converter, a jieba tokenizer) travels as the recipe that builds it: see `Shared`.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

BATCHES_PER_WORKER = 4  # a few batches per worker even out long and short documents
MAX_BATCH = 64  # documents per batch at most: progress keeps moving and a batch's results stay small
WINDOW_PER_WORKER = 4  # batches a pool has been sent per worker ahead of the one the caller reads


class ClusterError(RuntimeError):
    """A Dask cluster was asked for but cannot be used (not installed, or the scheduler cannot be reached)."""


class Shared:
    """Read-only resources with the recipe that made them: `build(*args)` gives an equal object.

    Pickled (for a Dask worker or a spawned process), only the recipe travels, and each process builds the
    value once; in this process, and in forked workers, `value` is used as it is. Executors hand functions
    the value, never the Shared. (Not a dataclass: Dask would send a dataclass's fields one by one.)
    """

    __slots__ = ("value", "build", "args")

    def __init__(self, value: Any, build: Callable[..., Any], args: tuple = ()):
        self.value, self.build, self.args = value, build, tuple(args)

    def __reduce__(self):
        return _built, (self.build, self.args)


_BUILT: dict[tuple, Any] = {}  # this process's resources built from recipes, newest last
_BUILT_KEEP = 4


def _built(build: Callable[..., Any], args: tuple) -> Shared:
    """A recipe's Shared with its value built at most once per process (a few recipes are kept).

    Still a Shared, not the bare value: a Dask worker hands its copy on to other workers by pickling it.
    """
    key = (build, args)
    if key not in _BUILT:
        _BUILT[key] = build(*args)
        while len(_BUILT) > _BUILT_KEEP:
            _BUILT.pop(next(iter(_BUILT)))
    return Shared(_BUILT[key], build, args)


def value_of(resources: Any) -> Any:
    """The resources themselves, whether given plain or as Shared."""
    return resources.value if isinstance(resources, Shared) else resources


class Executor(Protocol):
    """Runs fn(batch, resources, *args) → list of results over batches, yielding them in input order."""

    workers: int

    def map_batches(self, fn: Callable, batches: Iterable[list], resources: Any, args: tuple = ()) -> Iterator[list]: ...

    def rest(self) -> None: ...

    def close(self) -> None: ...


class Serial:
    """Everything in this process, one batch after the other (one worker, tests, debugging)."""

    workers = 1

    def map_batches(self, fn: Callable, batches: Iterable[list], resources: Any, args: tuple = ()) -> Iterator[list]:
        local = value_of(resources)
        return (fn(batch, local, args) for batch in batches)

    def rest(self) -> None:
        """Nothing to release."""

    def close(self) -> None:
        """Nothing to release."""


SERIAL = Serial()


class Pool:
    """A local pool of `workers` processes, kept from one map to the next while they share their resources.

    A map sends its batches a window at a time (WINDOW_PER_WORKER per worker ahead of the one being read), so
    the items may come from a generator and the workers go on while the caller writes what came back; the
    next map with the same resources finds the workers running, with what they loaded warm. `rest()` (after
    each stage) and `close()` end them; a map with other resources starts a new pool, which ends the old
    one: such maps must not be read interleaved (maps with the same resources may be).
    """

    def __init__(self, workers: int):
        self.workers = workers
        self._live: tuple[Any, Any] | None = None  # (ProcessPoolExecutor, the resources it was started with)
        self._maps = 0

    def __getstate__(self) -> dict:
        return {"workers": self.workers}  # a running pool stays with the process that started it

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["workers"])

    def map_batches(self, fn: Callable, batches: Iterable[list], resources: Any, args: tuple = ()) -> Iterator[list]:
        import pickle

        batches = iter(batches)
        ahead = [b for b in (next(batches, None), next(batches, None)) if b is not None]
        if len(ahead) <= 1 and self._live is None:  # starting processes would cost more than the one batch
            yield from SERIAL.map_batches(fn, ahead, resources, args)
            return
        pool, head = self._pool(fn, ahead, resources, args)
        self._maps += 1
        sent = (os.getpid(), self._maps, pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL))
        pending = itertools.chain(ahead, batches)
        window: collections.deque = collections.deque()
        try:
            for batch in itertools.islice(pending, self.workers * WINDOW_PER_WORKER):
                window.append(pool.submit(_run_installed, fn, batch, sent))
            while window:
                result = window.popleft().result()
                for batch in itertools.islice(pending, 1):
                    window.append(pool.submit(_run_installed, fn, batch, sent))
                yield head + result if head is not None else result
                head = None
        except GeneratorExit:
            # A reader that stops after the last result (itertools.islice of exactly the items it sent) has
            # nothing to drop: the workers stay for the next map. Ingest's second pass had found them gone and
            # started a new pool (0.25 s at 50 MB, with a core idle).
            if window:
                self._drop(window)
            raise
        except BaseException:  # an error, an interruption or a reader that stopped early: drop what has not started
            self._drop(window)
            raise

    def _drop(self, window: collections.deque) -> None:
        """Cancel the batches not yet started and end the workers."""
        for future in window:
            future.cancel()
        self.rest(wait=False)

    def _pool(self, fn: Callable, ahead: list[list], resources: Any, args: tuple) -> tuple[Any, list | None]:
        """The running pool for these resources (started when there is none), and the results of the items
        done here before it started."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if self._live is not None and self._live[1] is resources:
            return self._live[0], None
        self.rest()
        context = multiprocessing.get_context()
        head = None
        if context.get_start_method() == "fork":
            # A forked worker starts as a copy of this process: doing the first item here loads once, for all
            # workers, what the function loads on first use (jieba's dictionaries take about a second each).
            head, ahead[0] = fn(ahead[0][:1], value_of(resources), args), ahead[0][1:]
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_install,
                                   initargs=(resources,))
        self._live = (pool, resources)
        return pool, head

    def rest(self, wait: bool = True) -> None:
        """End the workers (a later map starts new ones): between stages, and when a map fails."""
        if self._live is not None:
            pool, self._live = self._live[0], None
            pool.shutdown(wait=wait, cancel_futures=True)

    def close(self) -> None:
        """End the workers."""
        self.rest()

    def __del__(self) -> None:
        if getattr(self, "_live", None) is not None:  # a pool nobody closed ends with its executor
            self.rest(wait=False)


_INSTALLED: Any = None  # a pool worker's resources, set once when it starts
_ARGS: tuple = (None, ())  # the key and value of the arguments of the map this worker last ran a batch of


def _install(resources: Any) -> None:
    """Pool initializer: keep this worker's resources; leave Ctrl-C to the parent; end with the parent."""
    import signal
    import threading

    global _INSTALLED
    _INSTALLED = value_of(resources)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool and says so in one line
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed with -9, it could not stop the pool itself)."""
    import time

    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _run_installed(fn: Callable, batch: list, sent: tuple) -> list:
    """One batch in a pool worker, with the resources installed at its start. The map's arguments come
    pickled with every batch and are unpickled once per map in each worker (`sent`: parent, map, bytes)."""
    import pickle

    global _ARGS
    key, blob = sent[:2], sent[2]
    if _ARGS[0] != key:
        _ARGS = (key, pickle.loads(blob))
    return fn(batch, _INSTALLED, _ARGS[1])


class Dask:
    """Batches as tasks of a Dask cluster; resources and arguments are sent once to every worker."""

    def __init__(self, client, cluster=None):
        self.client, self.cluster = client, cluster
        self.workers = max(1, sum(client.nthreads().values()))

    def map_batches(self, fn: Callable, batches: Iterable[list], resources: Any, args: tuple = ()) -> Iterator[list]:
        batches = iter(batches)
        first = next(batches, None)
        if first is None:
            return
        shared, extra = self.client.scatter([resources, args], broadcast=True, hash=False)
        submit = lambda batch: self.client.submit(_run_on_worker, fn, self.client.scatter(_packed(batch), hash=False),  # noqa: E731
                                                  shared, extra, pure=False)
        pending = itertools.chain([first], batches)
        window = collections.deque(submit(b) for b in itertools.islice(pending, self.workers * WINDOW_PER_WORKER))
        try:
            while window:
                future = window.popleft()
                result = _unpacked(future.result())
                future.release()
                window.extend(submit(b) for b in itertools.islice(pending, 1))
                yield result
        except BaseException:  # an error, an interruption or a reader that stopped early: drop the rest
            self.client.cancel(list(window))
            raise

    def rest(self) -> None:
        """The cluster stays for the next stage."""

    def close(self) -> None:
        """Disconnect, and stop the cluster when this run started it."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _run_on_worker(fn: Callable, batch: bytes, resources: Any, args: tuple) -> bytes:
    """One batch as a Dask task (a worker in this very process receives the Shared itself), pickled both ways."""
    return _packed(fn(_unpacked(batch), value_of(resources), args))


def _packed(value: Any) -> bytes:
    """A batch or its results as one pickle: Dask moves bytes as they are, whereas a list of documents or of
    their spans it measured (sizeof) and serialised object by object. Ingest of 50 MB on a local cluster of
    two took 62 s of CPU and 34.5 s of wall time that way, 47 s and 26.7 s with batches packed."""
    import pickle

    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _unpacked(blob: bytes) -> Any:
    import pickle

    return pickle.loads(blob)


def local_executor(workers: int) -> Executor:
    """In this process for one worker, else a local process pool."""
    return SERIAL if workers <= 1 else Pool(workers)


def dask_executor(address: str) -> Dask:
    """A Dask executor: `local` or `local:N` starts a cluster of N processes (all cores by default) on this
    machine; anything else is the address of a running scheduler (tcp://host:8786)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError("--dask needs dask.distributed, which is not installed: pip install '.[cluster]'") from exc
    if address == "local" or address.startswith("local:"):
        workers = _local_workers(address)
        with _environment_kept():
            cluster = LocalCluster(n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None)
        return Dask(Client(cluster), cluster)
    try:
        return Dask(Client(address, timeout="30s"))
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


@contextlib.contextmanager
def _environment_kept() -> Iterator[None]:
    """This process's environment as it was before the block. A LocalCluster's nannies run in this process
    and set their workers' variables (OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1 …) in its environment, where
    native libraries loaded later and processes started later read them: analyze then ran its SVD on one
    thread instead of all, and the practice clusters' diagnostics differed from a local run's (10 MB:
    NPMI 0.2314 against 0.2318)."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _local_workers(address: str) -> int:
    """N of local:N (all cores for plain local)."""
    count = address.partition(":")[2]
    if not count:
        return os.cpu_count() or 1
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"--dask local:N takes a positive whole number of workers, not {count!r}")
    return int(count)


def batched_lazily(items: Iterable, length: int, workers: int) -> Iterator[list]:
    """Consecutive batches, a few per worker, none over MAX_BATCH items, the items taken only as each batch
    is asked for (`length`: how many there are, or about)."""
    size = max(1, min(MAX_BATCH, math.ceil(length / (workers * BATCHES_PER_WORKER))))
    items = iter(items)
    while batch := list(itertools.islice(items, size)):
        yield batch


class Results:
    """fn(item, resources, *args) for every item, computed batch by batch as it is read, in input order.

    It has a length, so a progress bar wrapped around it knows the total and moves as each batch finishes.
    """

    def __init__(self, executor: Executor, fn: Callable, items: Iterable, resources: Any = None, args: tuple = (),
                 length: int | None = None):
        self._length = len(items) if length is None else length
        self._run = (executor, fn, batched_lazily(items, self._length, executor.workers), resources, args)

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator:
        executor, fn, batches, resources, args = self._run
        for results in executor.map_batches(_each, batches, resources, (fn, args)):
            yield from results


def _each(batch: list, resources: Any, fn_args: tuple) -> list:
    """fn on every item of a batch (fn_args: the function and its extra arguments)."""
    fn, args = fn_args
    return [fn(item, resources, *args) for item in batch]


def map_each(executor: Executor | None, fn: Callable, items: Sequence, resources: Any = None, *args: Any) -> Iterable:
    """fn(item, resources, *args) over the items on the executor (in this process when None), in input order.

    fn must be a module-level function (worker processes find it by name); `args` are unpickled once per
    map in each worker. For items from a generator, see map_lazily.
    """
    return Results(executor or SERIAL, fn, items, resources, args)


def map_lazily(executor: Executor | None, fn: Callable, items: Iterable, length: int, resources: Any = None,
               *args: Any) -> Iterable:
    """map_each over items that are taken from `items` only as the workers need them (`length`: how many
    there are, or about, which sets the batch size): a stage streams its whole input through one map."""
    return Results(executor or SERIAL, fn, items, resources, args, length)


def pool_map(fn: Callable, jobs: list, shared: tuple, workers: int, standalone: Callable,
             start_method: str | None = None) -> list:
    """fn(job, *shared) of each job, in order, in a pool of `workers` processes. Forked workers use the
    `shared` they inherit and receive only their job; a spawned worker receives standalone(job, shared),
    the job with what it needs of `shared` (every job pickling all the texts had cost most of the time).

    For steps outside a stage's per-document map (text reuse, the report's pages), where what the jobs
    share is the run's own tables rather than resources. `start_method` overrides the platform's
    (spawn: for work that uses OpenMP, which a forked process cannot use again once its parent has)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _FORKED
    context = multiprocessing.get_context(start_method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        if context.get_start_method() != "fork":
            return list(pool.map(_run_alone, [(fn, *standalone(job, shared)) for job in jobs]))
        _FORKED = (fn, shared)
        try:
            return list(pool.map(_run_forked, jobs))
        finally:
            _FORKED = None


_FORKED: tuple | None = None  # (fn, shared) of the pool_map under way, for forked workers


@contextlib.contextmanager
def spawned_jobs(workers: int) -> Iterator[Callable[[Callable, list, tuple], list]]:
    """run(fn, jobs, shared) → [fn(job, *shared) for job in jobs], in one pool of `workers` spawned processes
    kept for every run inside the block (pool_map starts a pool per call, and a spawned worker takes seconds
    to import what it needs), each job sent with `shared`; in this process when workers <= 1. Spawned: for
    work that uses OpenMP (see pool_map). The project's pool, not joblib's: loky keeps its workers for five
    idle minutes, and a process that used them (the analysis's child, see in_child) waited for them to end.

    Each worker's native thread pools (OpenMP, BLAS) get an equal share of the cores: with as many threads
    as cores in every worker, k-means spun its threads against the other worker's, and 28 fits took 6.1 s
    in a pool of two against 3.8 s in one process (1.9 s with a thread each)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if workers <= 1:
        yield lambda fn, jobs, shared: [fn(job, *shared) for job in jobs]
        return
    threads = max(1, (os.cpu_count() or 1) // workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_limit_threads, initargs=(threads,)) as pool:
        yield lambda fn, jobs, shared: list(pool.map(_run_alone, [(fn, job, shared) for job in jobs]))


def _limit_threads(threads: int) -> None:
    """At most `threads` threads for this process's native thread pools (OpenMP, BLAS), from now on: the
    libraries loaded already are told, and those loaded later read the variables when they load."""
    from threadpoolctl import threadpool_limits

    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(threads)
    threadpool_limits(limits=threads)


def _run_forked(job):
    fn, shared = _FORKED
    return fn(job, *shared)


def _run_alone(item: tuple):
    fn, job, shared = item
    return fn(job, *shared)


def in_child(fn: Callable, *args):
    """fn(*args) in one new process (spawned: a fresh interpreter), its arguments and result sent pickled.

    For a step whose many short-lived objects leave a process's heap scattered: what the step held, and
    what it freed but the allocator could not give back, goes back to the system when the child ends (the
    later steps then start from what this process held before). Spawned, not forked: a forked copy of a
    process that has run OpenMP threads (k-means does) hangs when it runs them again. The child logs as
    this process does. From a daemonic process, which may not start children, fn runs here."""
    import logging
    import multiprocessing

    if in_daemon():
        return fn(*args)
    root = logging.getLogger()
    # a plain formatter, as the CLI sets up, pickles; others (a test runner's) may hold a stream
    formatters = [h.formatter for h in root.handlers if type(h.formatter) is logging.Formatter]
    setup = (root.level, formatters[0] if formatters else None)
    return pool_map(_call, [None], (setup, fn, args), 1, as_sent, start_method="spawn")[0]


def in_daemon() -> bool:
    """Whether this process is a pool's worker (daemonic: it may not start processes of its own)."""
    import multiprocessing

    return multiprocessing.current_process().daemon


def _call(_job, setup: tuple, fn: Callable, args: tuple):
    import logging

    level, formatter = setup
    root = logging.getLogger()
    if formatter is not None and not root.handlers:  # to standard error, as the parent's own set-up does
        handler = logging.StreamHandler()
        handler.setFormatter(formatter)
        root.addHandler(handler)
        root.setLevel(level)
    return fn(*args)


def as_sent(job, shared: tuple) -> tuple:
    """pool_map's `standalone` when a job needs all of `shared`: the job with everything, for a worker that
    starts empty (spawn)."""
    return job, shared
