"""Exact and near-duplicate documents: MinHash over character shingles with LSH."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

SHINGLE = 5
NUM_PERM = 128
THRESHOLD = 0.7
MIN_NEAR_CHARS = 100
NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
NOISE = re.compile(r"[\s\d,，。、:：;；!！?？“”\"'()（）《》【】\-—…·]+")


def doc_hash(text: str) -> str:
    """Stable id of a clean text: the first 16 hex digits of its SHA-1."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Character k-grams of the text without spaces, digits and punctuation."""
    core = NOISE.sub("", text)
    if len(core) <= k:
        return {core.encode("utf-8")} if core else set()
    return {core[i:i + k].encode("utf-8") for i in range(len(core) - k + 1)}


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
    minhash: object | None
    figures: Counter


def signature(text: str, seed: int = 1) -> Signature:
    """The signature of one text."""
    from datasketch import MinHash

    if len(NOISE.sub("", text)) < MIN_NEAR_CHARS:
        return Signature(doc_hash(text), None, Counter())
    minhash = MinHash(num_perm=NUM_PERM, seed=seed)
    minhash.update_batch(list(shingles(text)))
    return Signature(doc_hash(text), minhash, figures(text))


def find_duplicates(texts: list[str], threshold: float = THRESHOLD, seed: int = 1,
                    signatures: list[Signature] | None = None) -> list[int | None]:
    """For each text, the index of the earlier text it duplicates (exactly or nearly), else None.

    `signatures`: the texts' signatures when already computed (in worker processes); the LSH index itself
    needs every text in order and is built here.
    """
    from datasketch import MinHashLSH

    signatures = signatures if signatures is not None else [signature(t, seed) for t in texts]
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    exact: dict[str, int] = {}
    hashes: dict[int, object] = {}
    numbers: dict[int, Counter] = {}
    result: list[int | None] = []
    for i, sign in enumerate(signatures):
        key = sign.key
        if key in exact:
            result.append(exact[key])
            continue
        exact[key] = i
        if sign.minhash is None:
            result.append(None)
            continue
        minhash = sign.minhash
        numbers[i] = sign.figures
        hits = [int(h) for h in lsh.query(minhash)]
        # LSH returns candidates; keep those whose estimated Jaccard really passes the threshold.
        first = next((h for h in sorted(hits) if minhash.jaccard(hashes[h]) >= threshold and same_figures(numbers[h], numbers[i])), None)
        result.append(first)
        if first is not None:
            exact[key] = first  # a copy of this repost points at the original too
        else:  # only originals are indexed: a thousand reposts of one page cost one comparison each
            lsh.insert(str(i), minhash)
            hashes[i] = minhash
    return result
