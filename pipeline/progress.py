"""Progress bars for long runs: tqdm on a terminal, nothing otherwise."""

from __future__ import annotations

from collections.abc import Iterable


def progress(items: list, enabled: bool, desc: str, unit: str = "doc") -> Iterable:
    """The items wrapped in a tqdm bar when enabled (the CLI enables it on a terminal)."""
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit=unit)
