"""Resources researchers edit (word lists, patterns, gazetteer), loaded once and passed explicitly."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"


class ResourceError(RuntimeError):
    """A resource file is missing or malformed."""


@dataclass(frozen=True)
class Resources:
    """Read-only inputs of every per-document step."""

    data_dir: Path
    boilerplate: Any
    split_cues: Any
    converter: Any
    units: frozenset[str]
    number_names: tuple
    statistic_frames: Any
    model_synonyms: dict[str, str]
    model_actors: tuple[str, ...]
    section_kinds: Any
    lead_openers: tuple[str, ...]
    gazetteer: Any
    protected: Any
    columns: dict = field(default_factory=dict)  # scraper-table column names per field (data/columns.tsv)


def _require(path: Path) -> Path:
    """The path, or a ResourceError naming it."""
    if not path.exists():
        raise ResourceError(f"resource file {path} is missing; restore it from git or point --data at a complete folder")
    return path


def load_resources(data_dir: Path | None = None) -> Resources:
    """Load every resource file from `data_dir` (the package's data/ folder by default)."""
    from pipeline.ingest.boilerplate import load_boilerplate
    from pipeline.ingest.script import make_converter, protected_terms
    from pipeline.ingest.split import load_split_cues
    from pipeline.places import load_gazetteer
    from pipeline.segment.models import load_model_synonyms
    from pipeline.segment.sections import load_section_kinds
    from pipeline.segment.indicators import load_frames
    from pipeline.segment.statistics import load_number_names, load_units

    data = Path(data_dir) if data_dir else DATA_DIR
    try:
        return _load(data)
    except ResourceError:
        raise
    except (ValueError, KeyError) as exc:  # a loader that found a malformed line says which
        raise ResourceError(str(exc)) from exc


def _load(data: Path) -> Resources:
    """Load every resource file of a data folder."""
    from pipeline.ingest.boilerplate import load_boilerplate
    from pipeline.ingest.readers import load_columns
    from pipeline.ingest.script import make_converter, protected_terms
    from pipeline.ingest.split import load_split_cues
    from pipeline.places import load_gazetteer
    from pipeline.segment.indicators import load_frames
    from pipeline.segment.models import load_model_synonyms
    from pipeline.segment.sections import load_section_kinds
    from pipeline.segment.statistics import load_number_names, load_units

    converter = make_converter("t2s")
    gazetteer = load_gazetteer(_require(data / "gazetteer.tsv"), _require(data / "place_aliases.tsv"))
    return Resources(
        data_dir=data,
        boilerplate=load_boilerplate(_require(data / "boilerplate.txt")),
        split_cues=load_split_cues(_require(data / "split_cues.tsv")),
        converter=converter,
        units=load_units(_require(data / "stat_units.txt")),
        number_names=load_number_names(_require(data / "number_names.txt")),
        statistic_frames=load_frames(_require(data / "statistic_frames.tsv"), _require(data / "indicators.tsv")),
        model_synonyms=load_model_synonyms(_require(data / "model_synonyms.tsv")),
        model_actors=tuple(read_word_list(_require(data / "model_actors.txt"))),
        section_kinds=load_section_kinds(_require(data / "section_kinds.tsv")),
        lead_openers=tuple(read_word_list(_require(data / "lead_openers.txt"))),
        gazetteer=gazetteer,
        protected=protected_terms(place_names(gazetteer), converter),
        columns=load_columns(_require(data / "columns.tsv")),
    )


def numbered_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, line) of a data file's entries: blank lines and lines starting with '#' are skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise ResourceError(f"{path}: not UTF-8 text (byte {exc.start}); save the word list as UTF-8") from exc
    return [(n, line.rstrip("\r")) for n, line in enumerate(lines, start=1) if line.strip() and not line.lstrip().startswith("#")]


def read_word_list(path: Path) -> list[str]:
    """Entries of a one-per-line word list: blank lines and lines starting with '#' are skipped."""
    return [line.strip() for _, line in numbered_lines(path)]


def compile_pattern(path: Path, number: int, pattern: str) -> re.Pattern[str]:
    """A regular expression of a data file, or a ResourceError naming the file, line and problem."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ResourceError(f"{path} line {number}: invalid regular expression {pattern!r}: {exc}") from exc


def tab_fields(path: Path, number: int, line: str, expected: int) -> list[str]:
    """The tab-separated fields of a data line, or a ResourceError naming the file and line."""
    fields = line.split("\t")
    if len(fields) < expected or not all(f.strip() for f in fields[:expected]):
        hint = " (spaces instead of a tab?)" if len(fields) == 1 and " " in line.strip() else ""
        raise ResourceError(f"{path} line {number}: expected {expected} tab-separated fields, found {len(fields)}{hint}: {line!r}")
    return fields


def place_names(gazetteer) -> set[str]:
    """Official names and aliases of the gazetteer: terms OpenCC must not rewrite."""
    return set(gazetteer.aliases) | {unit.name for unit in gazetteer.units.values()}


@functools.lru_cache(maxsize=1)
def plain_tokenizer():
    """A private tokenizer (pipeline/tokenizer.py) on jieba's own dictionary, no user words, one per process.
    Its users (the place word boundaries) only read it."""
    from pipeline.tokenizer import Tokenizer

    return Tokenizer()
