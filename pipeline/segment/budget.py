"""A time budget for a block of code: BudgetExceeded is raised inside the block once it runs too long.

In the main thread of a process (this one, or a pool worker) a timer signal raises it. In another thread
(a Dask worker runs its tasks in threads) one watchdog thread per process raises it in the block's thread,
between two bytecodes, as a signal would. The watchdog serves every budget of the process: a timer thread
per document, started and joined for each, took a third of a Dask worker's time in segment.
"""

from __future__ import annotations

import contextlib
import ctypes
import heapq
import itertools
import os
import signal
import threading
import time


class BudgetExceeded(Exception):
    """A block ran longer than its time budget."""


@contextlib.contextmanager
def time_budget(seconds: float):
    """Raise BudgetExceeded in the block after `seconds` (no limit when `seconds` <= 0)."""
    if seconds <= 0:
        yield
    elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _signal_budget(seconds):
            yield
    else:
        with _thread_budget(seconds):
            yield


@contextlib.contextmanager
def _signal_budget(seconds: float):
    """time_budget by SIGALRM (main thread only)."""
    def expire(signum, frame):
        raise BudgetExceeded

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _thread_budget(seconds: float):
    """time_budget for a thread that is not the main one, kept by this process's watchdog."""
    watchdog = _watchdog()
    budget = watchdog.arm(threading.get_ident(), seconds)
    try:
        yield
    finally:
        watchdog.disarm(budget)


class Watchdog:
    """One thread that raises BudgetExceeded in the threads whose budget has run out.

    Budgets wait in a heap by deadline; the thread sleeps until the earliest one and is woken only when a
    budget earlier than that arrives (with a fixed budget per document, almost never). A budget ended
    before its deadline is dropped from the live set and skipped when the heap reaches it.
    """

    def __init__(self) -> None:
        self.lock = threading.Condition(threading.Lock())
        self.heap: list[tuple[float, int]] = []  # (deadline, budget)
        self.live: dict[int, int] = {}  # budget → the thread it holds
        self.fired: set[int] = set()
        self.numbers = itertools.count()
        self.waking_at = float("inf")  # when the thread will next look, as it last decided
        threading.Thread(target=self._run, name="time budgets", daemon=True).start()

    def arm(self, thread: int, seconds: float) -> int:
        """Start a budget of `seconds` for a thread; its number, for disarm."""
        deadline = time.monotonic() + seconds
        with self.lock:
            budget = next(self.numbers)
            self.live[budget] = thread
            heapq.heappush(self.heap, (deadline, budget))
            if deadline < self.waking_at:
                self.lock.notify()
        return budget

    def disarm(self, budget: int) -> None:
        """End a budget; one that fired as its block ended has its exception withdrawn if not yet delivered."""
        with self.lock:
            thread = self.live.pop(budget, None)
            if budget in self.fired:
                self.fired.discard(budget)
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), None)
            while self.heap and self.heap[0][1] not in self.live:  # budgets end in order: the heap stays small
                heapq.heappop(self.heap)

    def _run(self) -> None:
        with self.lock:
            while True:
                now = time.monotonic()
                while self.heap and (self.heap[0][0] <= now or self.heap[0][1] not in self.live):
                    _, budget = heapq.heappop(self.heap)
                    if budget in self.live:
                        self.fired.add(budget)
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.live[budget]),
                                                                   ctypes.py_object(BudgetExceeded))
                self.waking_at = self.heap[0][0] if self.heap else float("inf")
                self.lock.wait(None if not self.heap else self.waking_at - now)


_WATCHDOG: tuple[int, Watchdog] | None = None  # (the process it runs in, the watchdog)
_STARTING = threading.Lock()


def _watchdog() -> Watchdog:
    """This process's watchdog, started on first use (a forked child starts its own: it has no thread)."""
    global _WATCHDOG
    with _STARTING:
        if _WATCHDOG is None or _WATCHDOG[0] != os.getpid():
            _WATCHDOG = (os.getpid(), Watchdog())
        return _WATCHDOG[1]
