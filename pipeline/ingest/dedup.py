"""Exact and near-duplicate documents: MinHash over character shingles with LSH.

The MinHash is datasketch 2's, with its default "affine32" permutations (the hash values are the same: a
test compares them), and the LSH index is datasketch's banding, with the number of bands chosen as it
chooses them. Both are computed here: importing datasketch imports SciPy's integrators (for that choice of
bands), which took 0.7 s at the start of ingest and again in every worker, and its MinHash objects were
pickled back from the workers one by one.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from pipeline.textscan import code_points

SHINGLE = 5
NUM_PERM = 128
THRESHOLD = 0.7
# shingles permuted at a time: the permutations make a NUM_PERM × shingles matrix (datasketch's, of 8-byte
# values, took 1 GB for the million distinct shingles of a 1 MB text); 4,096 (a 2 MB buffer of 32-bit values)
# was the fastest of 1,024 to 8,192 on 2,000 documents
MINHASH_CHUNK = 4096
MIN_NEAR_CHARS = 100
NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_POLY = np.uint64(1_000_003)
_MAX_HASH = np.uint64((1 << 32) - 1)
NOISE = re.compile(r"[\s\d,，。、:：;；!！?？“”\"'()（）《》【】\-—…·]+")


def doc_hash(text: str) -> str:
    """Stable id of a clean text: the first 16 hex digits of its SHA-1."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def noise_letters() -> np.ndarray:
    """One flag per code point: whether NOISE matches it (found by NOISE itself, over every code point once:
    65 ms per process)."""
    flags = np.zeros(0x110000, dtype=bool)
    every = np.arange(0x110000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    for found in NOISE.finditer(every):
        flags[found.start() : found.end()] = True
    return flags


def core_points(text: str) -> np.ndarray:
    """The code points of a text without its NOISE letters: NOISE.sub("", text)'s, found on arrays (the
    substitution made a match per run of punctuation and digits, 170 µs for a 2,000-letter text)."""
    points = code_points(text)
    return points[~noise_letters()[points]]


def shingle_hashes(core: np.ndarray, k: int = SHINGLE) -> np.ndarray:
    """32-bit hashes of the character k-grams of a text's code points without NOISE (core_points), repeats
    kept.

    Computed on the code points as arrays (a polynomial over each k-gram, then the splitmix64 finaliser):
    hashing every k-gram with SHA-1 one by one took half of ingest.
    """
    if not len(core):
        return np.zeros(0, dtype=np.uint64)
    points = core.astype(np.uint64)
    if len(points) > k:
        grams = np.zeros(len(points) - k + 1, dtype=np.uint64)
        for j in range(k):
            grams = grams * _POLY + points[j:len(points) - k + 1 + j]
    else:
        grams = np.array([_fold(points)], dtype=np.uint64)
    return _mix(grams) & _MAX_HASH


def _fold(points: np.ndarray) -> np.uint64:
    """The polynomial hash of a text shorter than a shingle."""
    value = np.uint64(0)
    for p in points:
        value = value * _POLY + p
    return value


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads polynomial hashes over all 64 bits."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def figures(text: str) -> Counter:
    """The numbers written in a text, as a multiset."""
    return Counter(NUMBER.findall(text))


def same_figures(a: Counter, b: Counter) -> bool:
    """Whether the figures of one text all appear in the other."""
    return not (a - b) or not (b - a)


@dataclass(frozen=True)
class Signature:
    """What duplicate detection needs of one text: its exact key, its MinHash (None for a text too short
    to compare nearly) and its figures. Computed per document, so it can be computed in a worker."""

    key: str
    minhash: np.ndarray | None  # NUM_PERM 32-bit hash values
    figures: Counter


def signature(text: str, seed: int = 1) -> Signature:
    """The signature of one text."""
    core = core_points(text)
    if len(core) < MIN_NEAR_CHARS:
        return Signature(doc_hash(text), None, Counter())
    permutations = _permutations(seed)
    return Signature(doc_hash(text), minhash(shingle_hashes(core), *permutations), figures(text))


def minhash(hashes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """datasketch's "affine32" MinHash of 32-bit hashes: MurmurHash3's 32-bit finaliser, then a * h + b
    wrapping in 32 bits, and each permutation's minimum. Done here on arrays (datasketch's update_batch
    turns the hashes into a Python list and back, which took most of a signature's time), MINHASH_CHUNK
    shingles at a time in one reused permutations × shingles buffer, each row's minimum read from contiguous
    memory. A repeated shingle changes no minimum: no np.unique."""
    h = hashes.astype(np.uint32)
    h = (h ^ (h >> np.uint32(16))) * np.uint32(0x85EBCA6B)
    h = (h ^ (h >> np.uint32(13))) * np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    values = np.full(len(a), np.iinfo(np.uint32).max, dtype=np.uint32)
    buffer = np.empty((len(a), min(MINHASH_CHUNK, len(h))), dtype=np.uint32)
    for start in range(0, len(h), MINHASH_CHUNK):
        part = h[start : start + MINHASH_CHUNK]
        permuted = buffer[:, : len(part)]
        np.multiply(a[:, None], part, out=permuted)
        permuted += b[:, None]
        np.minimum(values, permuted.min(axis=1), out=values)
    return values


@functools.lru_cache(maxsize=4)
def _permutations(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The permutations (a, b) of a seed's MinHash, drawn as datasketch 2 draws its "affine32" ones: a odd."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity two MinHash signatures estimate: the share of equal hash values."""
    return float(np.count_nonzero(a == b)) / len(a)


@functools.lru_cache(maxsize=8)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) of the LSH index, as datasketch's MinHashLSH chooses them: the pair whose
    probabilities of a false positive (similarity below the threshold, yet some band equal) and of a false
    negative (above it, yet no band equal), weighed alike, sum least. The integrals are Simpson's rule on
    a fine grid instead of SciPy's adaptive quadrature; a test checks the choice against datasketch's."""
    best, choice = float("inf"), (0, 0)
    low, high = np.linspace(0.0, threshold, 2001), np.linspace(threshold, 1.0, 2001)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive = 1 - (1 - low**rows) ** bands  # some band equal, similarity below the threshold
            false_negative = (1 - high**rows) ** bands  # no band equal, similarity above it
            error = 0.5 * _simpson(false_positive, low) + 0.5 * _simpson(false_negative, high)
            if error < best:
                best, choice = error, (bands, rows)
    return choice


def _simpson(values: np.ndarray, grid: np.ndarray) -> float:
    """Simpson's rule over an evenly spaced grid of an odd number of points."""
    step = grid[1] - grid[0]
    return float(step / 3 * (values[0] + values[-1] + 4 * values[1:-1:2].sum() + 2 * values[2:-1:2].sum()))


def find_duplicates(texts: list[str], threshold: float = THRESHOLD, seed: int = 1,
                    signatures: list[Signature] | None = None) -> list[int | None]:
    """For each text, the index of the earlier text it duplicates (exactly or nearly), else None.

    `signatures`: the texts' signatures when already computed (in worker processes).
    """
    signatures = signatures if signatures is not None else [signature(t, seed) for t in texts]
    index = DuplicateIndex(threshold)
    return [index.add(sign) for sign in signatures]


class DuplicateIndex:
    """The documents seen so far, for duplicate detection in corpus order one batch after another: exact
    keys, and an LSH index of the originals' MinHash signatures (only signatures are held, never texts)."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.bands = LshIndex(*lsh_bands(threshold, NUM_PERM))
        self.exact: dict[str, int] = {}
        self.hashes: dict[int, np.ndarray] = {}
        self.numbers: dict[int, Counter] = {}
        self.count = 0

    def add(self, sign: Signature) -> int | None:
        """The index of the earlier document this one duplicates (exactly or nearly), else None; this one
        gets the next index."""
        i, key = self.count, sign.key
        self.count += 1
        if key in self.exact:
            return self.exact[key]
        self.exact[key] = i
        if sign.minhash is None:
            return None
        minhash = sign.minhash
        self.numbers[i] = sign.figures
        # LSH gives candidates; keep those whose estimated Jaccard really passes the threshold.
        first = next((h for h in self.bands.query(minhash) if similarity(minhash, self.hashes[h]) >= self.threshold
                      and same_figures(self.numbers[h], self.numbers[i])), None)
        if first is not None:
            self.exact[key] = first  # a copy of this repost points at the original too
        else:  # only originals are indexed: a thousand reposts of one page cost one comparison each
            self.bands.insert(i, minhash)
            self.hashes[i] = minhash
        return first


class LshIndex:
    """MinHash signatures cut into bands of rows: two signatures are candidates when some band is equal."""

    def __init__(self, bands: int, rows: int) -> None:
        self.ranges = [(band * rows, (band + 1) * rows) for band in range(bands)]
        self.tables: list[dict[bytes, list[int]]] = [{} for _ in range(bands)]

    def insert(self, key: int, minhash: np.ndarray) -> None:
        """Index a signature under `key`."""
        for (start, end), table in zip(self.ranges, self.tables):
            table.setdefault(minhash[start:end].tobytes(), []).append(key)

    def query(self, minhash: np.ndarray) -> list[int]:
        """The keys of the indexed signatures with some band equal to this one's, in increasing order."""
        found: set[int] = set()
        for (start, end), table in zip(self.ranges, self.tables):
            found.update(table.get(minhash[start:end].tobytes(), ()))
        return sorted(found)
