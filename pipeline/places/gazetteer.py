"""The gazetteer of China's administrative divisions: units by adcode and an alias index."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np

from pipeline.places.words import WordBoundaries

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_GAZETTEER = DATA_DIR / "gazetteer.tsv"
DEFAULT_ALIASES = DATA_DIR / "place_aliases.tsv"
LEVELS = ("province", "prefecture", "county")
# Aliases ending in one of these name a unit with its level, so they are safe to match anywhere.
LEVEL_SUFFIXES = ("省", "市", "县", "区", "州", "旗", "盟", "地区", "自治区", "特别行政区")


class GazetteerError(ValueError):
    """A gazetteer or alias file is malformed."""


@dataclass(frozen=True)
class Unit:
    """One administrative unit (province, prefecture or county level)."""

    adcode: str
    level: str
    name: str
    province_code: str
    prefecture_code: str | None

    def ancestors(self) -> tuple[str, ...]:
        """Adcodes of the enclosing prefecture and province (nearest first)."""
        codes = (self.prefecture_code, self.province_code)
        return tuple(c for c in codes if c and c != self.adcode)


@dataclass(frozen=True)
class Gazetteer:
    """Frozen gazetteer: units by adcode, alias → candidate adcodes, weak aliases, scan bounds."""

    units: Mapping[str, Unit] = field(repr=False)
    aliases: Mapping[str, tuple[str, ...]] = field(repr=False)
    weak: frozenset[str] = field(repr=False)
    max_alias_len: int
    # first character → the lengths of the aliases starting with it, longest first (the scan tries no others)
    lengths_by_first: Mapping[str, tuple[int, ...]] = field(repr=False)
    # the first two characters of every alias (all have at least two) as sorted pair keys (the first's code
    # point << 21 | the second's): the scan finds the places where an alias may start for a whole text at
    # once, then tries only those
    prefix_keys: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.zeros(0, np.uint64))
    words: WordBoundaries = field(default_factory=WordBoundaries, repr=False, compare=False)

    @functools.cached_property
    def first_letters(self) -> np.ndarray:
        """One flag per code point: whether some alias starts with it (the scan looks up pair keys only
        where one does)."""
        flags = np.zeros(0x110000, dtype=bool)
        flags[(self.prefix_keys >> np.uint64(21)).astype(np.int64)] = True
        return flags

    @functools.cached_property
    def prefix_pairs(self) -> frozenset[str]:
        """The first two characters of every alias, as text (prefix_keys decoded): the scan of a short text
        tests its pairs against these one by one (for a title, numpy's set-up took longer than that)."""
        low = np.uint64((1 << 21) - 1)
        return frozenset(chr(int(key >> np.uint64(21))) + chr(int(key & low)) for key in self.prefix_keys)

    def unit(self, adcode: str) -> Unit:
        """The unit with this adcode (KeyError if unknown)."""
        return self.units[adcode]

    def candidates(self, alias: str) -> tuple[str, ...]:
        """Adcodes an alias may denote (empty when unknown)."""
        return self.aliases.get(alias, ())

    def is_within(self, adcode: str, ancestor: str) -> bool:
        """True when ``adcode`` is ``ancestor`` or lies inside it."""
        return adcode == ancestor or ancestor in self.units[adcode].ancestors()

    def lookup(self, name: str, within: str | None = None) -> Unit | None:
        """The single unit a name denotes (optionally inside ``within``), else None."""
        codes = [c for c in self.candidates(name) if within is None or self.is_within(c, within)]
        return self.units[codes[0]] if len(codes) == 1 else None


def has_level_suffix(alias: str) -> bool:
    """True when the alias ends with a level word (县, 市, 自治州 …)."""
    return alias.endswith(LEVEL_SUFFIXES)


def iter_tsv(path: Path) -> Iterator[list[str]]:
    """Data rows of a TSV file with '#' comments and one header line."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    for line in lines[1:]:
        yield line.split("\t")


def parse_unit(cols: list[str], path: Path) -> tuple[Unit, list[str]]:
    """A Unit and its aliases (incl. former names) from one gazetteer row."""
    if len(cols) < 6 or cols[1] not in LEVELS:
        raise GazetteerError(f"{path}: malformed row {cols!r}")
    unit = Unit(cols[0], cols[1], cols[2], cols[3], cols[4] or None)
    names = cols[5].split("|") + (cols[6].split("|") if len(cols) > 6 else [])
    return unit, [n for n in names if n]


def read_overrides(path: Path) -> tuple[set[str], set[str], list[tuple[str, str]]]:
    """Weak aliases, blocked aliases and added (alias, adcode) pairs from place_aliases.tsv."""
    weak: set[str] = set()
    block: set[str] = set()
    added: list[tuple[str, str]] = []
    for cols in iter_tsv(path):
        alias, action = cols[0], cols[1] if len(cols) > 1 else ""
        if action == "weak":
            weak.add(alias)
        elif action == "block":
            block.add(alias)
        elif action == "add" and len(cols) > 2 and cols[2]:
            added.append((alias, cols[2]))
        else:
            raise GazetteerError(f"{path}: unknown action in row {cols!r}")
    return weak, block, added


def build_index(pairs: list[tuple[str, str]], block: set[str]) -> dict[str, tuple[str, ...]]:
    """Alias → sorted unique adcodes, leaving out blocked aliases."""
    index: dict[str, set[str]] = {}
    for alias, code in pairs:
        if alias not in block:
            index.setdefault(alias, set()).add(code)
    return {alias: tuple(sorted(codes)) for alias, codes in index.items()}


def load_gazetteer(path: Path | None = None, aliases_path: Path | None = None) -> Gazetteer:
    """Load the gazetteer TSV and apply the hand-curated alias file."""
    path = path or DEFAULT_GAZETTEER
    aliases_path = aliases_path or DEFAULT_ALIASES
    units: dict[str, Unit] = {}
    pairs: list[tuple[str, str]] = []
    for cols in iter_tsv(path):
        unit, names = parse_unit(cols, path)
        units[unit.adcode] = unit
        pairs.extend((name, unit.adcode) for name in names)
    weak, block, added = read_overrides(aliases_path) if aliases_path.exists() else (set(), set(), [])
    pairs.extend(pair for pair in added if pair[1] in units)
    index = build_index(pairs, block)
    logger.debug("gazetteer: %d units, %d aliases", len(units), len(index))
    return Gazetteer(
        units=MappingProxyType(units),
        aliases=MappingProxyType(index),
        weak=frozenset(weak & index.keys()),
        max_alias_len=max(map(len, index)),
        lengths_by_first=MappingProxyType(lengths_by_first(index)),
        prefix_keys=np.unique(np.array([ord(a[0]) << 21 | ord(a[1]) for a in index if len(a) > 1], dtype=np.uint64)),
    )


def lengths_by_first(aliases) -> dict[str, tuple[int, ...]]:
    """First character → alias lengths starting with it, longest first."""
    lengths: dict[str, set[int]] = {}
    for alias in aliases:
        lengths.setdefault(alias[0], set()).add(len(alias))
    return {char: tuple(sorted(found, reverse=True)) for char, found in lengths.items()}
