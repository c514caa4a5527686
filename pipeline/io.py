"""Reading and writing stage tables: Parquet for programs, CSV copies for spreadsheets."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

# Tables a person opens in a spreadsheet get a CSV copy; `documents` holds whole texts, so it does not.
NO_CSV = frozenset({"documents"})


class MissingTableError(FileNotFoundError):
    """A stage needs a table that an earlier stage has not written."""


def _jsonable(value: object) -> object:
    """Nested values (lists, dicts, arrays) as JSON strings for CSV cells."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def write_table(df: pd.DataFrame, out_dir: Path, name: str) -> Path:
    """Write `df` as OUT/name.parquet (and name.csv unless it holds whole texts)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.parquet"
    df.reset_index(drop=True).to_parquet(path, index=False)
    if name not in NO_CSV:
        flat = df.copy()
        for column in flat.columns:
            if flat[column].dtype == object:
                flat[column] = flat[column].map(_jsonable)
        flat.to_csv(out_dir / f"{name}.csv", index=False, encoding="utf-8-sig")
    log.debug("wrote %s (%d rows)", path, len(df))
    return path


def read_table(out_dir: Path, name: str) -> pd.DataFrame:
    """Read OUT/name.parquet, with an actionable error if it is missing."""
    path = out_dir / f"{name}.parquet"
    if not path.exists():
        raise MissingTableError(f"{path} not found: run the stage that writes {name!r} first")
    return pd.read_parquet(path)


def to_list(value: object) -> list:
    """A list cell as a Python list: a list, tuple, array, JSON-list string (CSV copies) or missing value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return json.loads(value) if value.startswith("[") else [value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def text_cell(value: object) -> str:
    """A text cell as a string: missing values (None, NaN, pd.NA) become ""."""
    return value if isinstance(value, str) else ""


def table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """A table by name, or an empty frame when the run produced none."""
    frame = tables.get(name)
    return frame if frame is not None else pd.DataFrame()
