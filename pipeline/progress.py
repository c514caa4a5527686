"""Progress bars for long runs: tqdm on a terminal, nothing otherwise."""

from __future__ import annotations

import logging
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
    """Log the start and the duration of one step of a stage (a long analysis says where it is)."""
    logger.info("%s …", name)
    started = time.perf_counter()
    yield
    logger.info("%s: %.1f s", name, time.perf_counter() - started)
