"""Progress bars for long runs: tqdm on a terminal, nothing otherwise."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


def progress(items: list, enabled: bool, desc: str, unit: str = "doc") -> Iterable:
    """The items wrapped in a tqdm bar when enabled (the CLI enables it on a terminal)."""
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit=unit)


@contextmanager
def step(name: str, logger: logging.Logger) -> Iterator[None]:
    """Log the start, the duration and the memory of one step of a stage (a long analysis says where it is)."""
    from pipeline.io import release_memory

    logger.info("%s …", name)
    started = time.perf_counter()
    yield
    release_memory()  # what the step's tables freed goes back before the next one starts
    logger.info("%s: %.1f s (peak memory so far %s)", name, time.perf_counter() - started, peak_memory())


def peak_memory() -> str:
    """The largest resident size this process has had, as text ("unknown" where the system does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return "unknown"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux, bytes on macOS
    return f"{peak / (2**30 if sys.platform == 'darwin' else 2**20):.1f} GiB"


@contextmanager
def bar(enabled: bool, desc: str, total: int, unit: str = "doc") -> Iterator:
    """A tqdm bar of `total` items advanced with .update(n) (estimated time left included) when enabled,
    else an object whose update does nothing."""
    if not enabled:
        yield _NoBar()
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit=unit) as found:
        yield found


class _NoBar:
    def update(self, n: int = 1) -> None:
        """Nothing to show."""
