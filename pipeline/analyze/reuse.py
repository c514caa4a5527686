"""Text reuse across documents: shared passages, where they came from, and the formulas everyone writes.

Three steps, each a pure function of tables:

1. **Candidates (sub-quadratic).** Each document's text is reduced to its letters (punctuation and spaces
   dropped, with a map back to the offsets of the clean text). Every K-character window gets a rolling
   hash; the windows whose hash is 0 mod SAMPLE are the document's fingerprints (a shared passage of 40
   characters shares about eight of them, whatever its position). Fingerprints held by more than a share
   of the documents are official formulas, not reuse; the rest are grouped by value (one sort), and two
   documents sharing at least MIN_SHARED fingerprints are a candidate pair. Only fingerprints are held
   for the whole corpus. A fingerprint held by more than MAX_HOLDERS documents (a passage copied across a
   whole crawl) pairs each holder with the next one only: its copies still form one family, and the
   number of alignments grows with the copies, not with their square.
2. **Alignment (tolerant of small edits).** For a candidate pair, every shared K-gram is a seed; seeds
   are chained along a diagonal that may drift by a few characters (an inserted or dropped character)
   with gaps of up to GAP characters (a changed word), and a chain of at least MIN_CHARS letters is a
   passage. Its similarity is the share of its letters covered by exact seeds.
3. **Direction.** A passage between two dated documents of two counties runs from the earlier to the
   later; without both dates the pair stays undirected and is counted as such.

A passage is kept out of reuse when its letters are mostly formulas (K-grams found in more than
COMMON_SHARE of the documents, and in at least COMMON_MIN_DOCUMENTS); those stretches are reported in
`common_formulas` instead. Duplicates (documents.duplicate_of) are not compared: they are the same article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from pipeline.executor import pool_map
from pipeline.textscan import code_points

K = 8  # characters per seed
SAMPLE = 4  # a K-gram is a fingerprint when its hash is 0 mod SAMPLE
MIN_SHARED = 3  # fingerprints two documents must share to be aligned
MIN_CHARS = 40  # letters of a passage
GAP = 16  # letters between two seeds of one passage (a changed word or two)
DRIFT = 4  # letters a diagonal may drift (insertions, deletions)
COMMON_SHARE = 0.1  # a K-gram in more than this share of the documents is a formula …
COMMON_MIN_DOCUMENTS = 4  # … when it is also in at least this many documents
MAX_HOLDERS = 40  # a fingerprint in more documents is aligned along a chain of its holders, not all pairs
MIN_SIMILARITY = 0.7  # share of a passage's letters in exact seeds on both sides
MAX_FORMULA_SHARE = 0.5  # a passage whose letters are more than half formula is not reuse
BASE = np.uint64(1_000_003)

REUSE_COLUMNS = ["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "text_a", "text_b", "similarity", "chars",
                 "measure_a", "measure_b", "source", "target", "directed"]
# a passage as the alignment finds it: its texts are cut once, at the end (see passage_texts)
ALIGNED_COLUMNS = ["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "similarity", "chars"]
DIFFUSION_COLUMNS = ["source_county", "source_province", "target_county", "target_province", "directed", "first_date",
                     "lag_days", "shared_chars", "n_passages", "n_document_pairs"]
DEGREE_COLUMNS = ["county", "province", "out_degree", "in_degree", "undirected_degree", "chars_out", "chars_in"]
FORMULA_COLUMNS = ["formula", "n_documents", "doc_id", "start", "end", "surface"]


def letters(text: str) -> tuple[str, np.ndarray]:
    """The text's letters (CJK, digits, Latin) and, for each, its offset in the text (vectorised)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    keep = ((codes >= 0x30) & (codes <= 0x39)) | ((codes >= 0x41) & (codes <= 0x5A)) | ((codes >= 0x61) & (codes <= 0x7A)) \
        | ((codes >= 0x3400) & (codes <= 0x9FFF)) | ((codes >= 0xF900) & (codes <= 0xFAFF))
    return codes[keep].tobytes().decode("utf-32-le"), np.flatnonzero(keep).astype(np.int64)


def gram_hashes(core: str) -> np.ndarray:
    """A deterministic rolling hash of every K-character window (uint64, wrapping)."""
    if len(core) < K:
        return np.zeros(0, dtype=np.uint64)
    codes = code_points(core).astype(np.uint64)
    with np.errstate(over="ignore"):
        hashes = np.zeros(len(codes) - K + 1, dtype=np.uint64)
        for j in range(K):
            hashes = hashes * BASE + codes[j : len(codes) - K + 1 + j]
    return hashes


def fingerprints(hashes: np.ndarray) -> np.ndarray:
    """The document's distinct fingerprints: K-gram hashes that are 0 mod SAMPLE."""
    return np.unique(hashes[hashes % np.uint64(SAMPLE) == 0])


PARTS = 16  # fingerprints are grouped in this many ranges of their top bits: memory per range, not per corpus


# the first fingerprint of each range but the first
PART_EDGES = np.array([part << 60 for part in range(1, PARTS)], dtype=np.uint64)


def parts(prints: list[np.ndarray]):
    """(values, owners) of each fingerprint range: the fingerprints whose top four bits are the range number.

    A document's fingerprints are sorted (see fingerprints), so each range is a slice of them, found for
    every range at once: masking every document's fingerprints once per range took 6 s at 200 MB."""
    bounds = np.zeros((len(prints), PARTS + 1), dtype=np.int64)
    for n, p in enumerate(prints):
        bounds[n, 1:PARTS] = np.searchsorted(p, PART_EDGES)
        bounds[n, PARTS] = len(p)
    documents = np.arange(len(prints), dtype=np.int32)
    for part in range(PARTS):
        lo, hi = bounds[:, part].tolist(), bounds[:, part + 1].tolist()
        chunks = [p[a:b] for p, a, b in zip(prints, lo, hi)]
        values = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.uint64)
        owners = np.repeat(documents, bounds[:, part + 1] - bounds[:, part])
        order = np.argsort(values, kind="stable")  # stable: owners stay in document order within a value
        yield values[order], owners[order]


def common_and_pairs(prints: list[np.ndarray], n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """(the formulas' fingerprints: those in more than COMMON_SHARE of the `n_docs` documents and in at least
    COMMON_MIN_DOCUMENTS; the candidate pairs): document index pairs (i < j, one row each, in order) sharing
    at least MIN_SHARED fingerprints that are not formulas, an array, not a list of tuples (a few hundred MB
    at 1 GB).

    One pass over the ranges of fingerprints finds both: a fingerprint's documents are counted within its
    range (sorting every range a second time for the formulas had cost 2 s at 200 MB). Pairs are counted
    as numbers (i · documents + j), each range at once, into one running count of the pairs seen so far: a
    dictionary of pairs had taken 20 s at 200 MB, and the ranges' pairs concatenated before counting 470 MB
    (7.4 million codes for 1.5 million pairs)."""
    n = np.int64(max(len(prints), 1))
    codes, counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    found = [np.zeros(0, dtype=np.uint64)]
    for values, owners in parts(prints):
        if not len(values):
            continue
        starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
        sizes = np.diff(np.append(starts, len(values)))
        # formulas are left out of each range (not of each document first: a second copy of every print)
        formula = (sizes > COMMON_SHARE * n_docs) & (sizes >= COMMON_MIN_DOCUMENTS)
        found.append(values[starts[formula]])
        # a document holds each of its fingerprints once, and owners are in document order within a value
        first, second = holder_pair_arrays(owners.astype(np.int64), starts[~formula], sizes[~formula])
        codes, counts = add_counts(codes, counts, *np.unique(first * n + second, return_counts=True))
    kept = codes[counts >= MIN_SHARED]
    return np.concatenate(found), np.stack([kept // n, kept % n], axis=1)


def add_counts(codes: np.ndarray, counts: np.ndarray, new: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Running counts (sorted distinct codes, their counts) with more counts (sorted distinct `new`, `n`)
    added: codes already there add up, the others are inserted in order."""
    at = np.searchsorted(codes, new)
    found = at < len(codes)
    found[found] = codes[at[found]] == new[found]
    counts = counts.copy()
    counts[at[found]] += n[found]
    fresh = ~found
    return np.insert(codes, at[fresh], new[fresh]), np.insert(counts, at[fresh], n[fresh])


def holder_pair_arrays(owners: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of documents holding one fingerprint that are aligned, for every group of holders
    (owners[start : start + size], in document order) at once, as (first documents, second documents):
    all pairs of a group, or for a passage in more than MAX_HOLDERS documents a chain of neighbours
    (in corpus order) — enough to join every copy into one family at a cost linear in the copies
    instead of quadratic. Groups of one size are taken together."""
    firsts, seconds = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for size in np.unique(sizes[sizes >= 2]).tolist():  # most prints: one document
        members = owners[starts[sizes == size][:, None] + np.arange(size)]
        if size <= MAX_HOLDERS:
            left, right = np.triu_indices(size, k=1)
        else:
            left, right = np.arange(size - 1), np.arange(1, size)
        firsts.append(members[:, left].ravel()), seconds.append(members[:, right].ravel())
    return np.concatenate(firsts), np.concatenate(seconds)


def _distinct_grams(doc: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct hashes, index of each one's first place in the sorted K-grams, its count) (cached)."""
    if "distinct" not in doc:
        _, hashes = _sorted_grams(doc)
        first = np.flatnonzero(np.concatenate(([True], hashes[1:] != hashes[:-1]))) if len(hashes) else np.zeros(0, dtype=np.int64)
        doc["distinct"] = (hashes[first], first, np.diff(np.append(first, len(hashes))))
    return doc["distinct"]


def _codes(doc: dict) -> np.ndarray:
    """The code points of a prepared document's letters (cached)."""
    if "codes" not in doc:
        doc["codes"] = code_points(doc["core"])
    return doc["codes"]


def _sorted_grams(doc: dict) -> tuple[np.ndarray, np.ndarray]:
    """(positions, hashes) of a prepared document's K-grams outside formulas, sorted by hash (cached)."""
    if "sorted" not in doc:
        positions = np.flatnonzero(~formula_grams(doc["formula"]))
        hashes = doc["hashes"][positions]
        order = np.argsort(hashes, kind="stable")
        doc["sorted"] = (positions[order], hashes[order])
    return doc["sorted"]


def _kept_grams(doc: dict) -> tuple[np.ndarray, np.ndarray]:
    """(positions, hashes) of a prepared document's K-grams outside formulas, in text order (cached): what
    a partner needs, its seeds being sorted afterwards (sorting them by hash took two thirds of preparing
    a document, and most documents are prepared as partners)."""
    if "sorted" in doc:
        return doc["sorted"]
    if "kept" not in doc:
        positions = np.flatnonzero(~formula_grams(doc["formula"]))
        doc["kept"] = (positions, doc["hashes"][positions])
    return doc["kept"]


def formula_grams(mask: np.ndarray) -> np.ndarray:
    """One flag per K-gram: more than half of its letters lie in a formula."""
    if len(mask) < K:
        return np.zeros(0, dtype=bool)
    covered = np.convolve(mask.astype(np.int16), np.ones(K, dtype=np.int16), mode="valid")
    return covered * 2 > K


def chains(found: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Seeds grouped into passages: along a diagonal (drift ≤ DRIFT) with gaps ≤ GAP, greedy by position in a."""
    reach = GAP + K
    open_chains: list[list[tuple[int, int]]] = []
    done: list[list[tuple[int, int]]] = []
    for i, j in sorted(found):
        best, best_last, oldest, diagonal = None, -1, i, i - j
        for chain in open_chains:
            last_i, last_j = chain[-1]
            if last_i > best_last and 0 < i - last_i <= reach and 0 < j - last_j <= reach \
                    and -DRIFT <= diagonal - (last_i - last_j) <= DRIFT:
                best, best_last = chain, last_i
            if last_i < oldest:  # not min(): this loop runs millions of times in a corpus
                oldest = last_i
        if best is not None:
            best.append((i, j))
        else:
            open_chains.append([(i, j)])
        if i - oldest > reach:  # some chain can grow no more: close it (in the order the chains were opened)
            done.extend(c for c in open_chains if i - c[-1][0] > reach)
            open_chains = [c for c in open_chains if i - c[-1][0] <= reach]
    return done + open_chains


BITMAP_BITS = 18  # a's K-grams marked by the top bits of their hashes (256 kB), to rule out a partner's quickly
PARTNERS_PER_BATCH = 64  # partners of one document aligned together: their K-grams and letters are concatenated


def partner_passages(a: dict, partners: list[dict]) -> dict[str, np.ndarray]:
    """The shared passages of a prepared document (see prepare) with each of its partners, as columns
    (ALIGNED_COLUMNS), partner after partner, as spans of their clean texts.

    One set of array operations serves all partners: a pair costs little work on its letters but many
    numpy calls, and batched the calls are paid once per document."""
    owner, i, j, starts, ends = seed_runs(*partner_seeds(a, partners))
    return _span_rows(a, partners, owner[starts], i[starts], i[ends - 1] + K, j[starts], j[ends - 1] + K,
                      lambda kept: (_covered_runs(i, starts[kept], ends[kept]), _covered_runs(j, starts[kept], ends[kept])))


def partner_seeds(a: dict, partners: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(partner, position in a, position in the partner) of every shared K-gram outside formulas (a seed),
    sorted by partner, position in a, position in the partner.

    Each partner's K-grams are looked up in a's distinct hashes (sorted once and kept with the prepared
    document); a hash held several times in a pairs with each of its positions."""
    order_a, _ = _sorted_grams(a)
    unique_a, first_a, count_a = _distinct_grams(a)
    grams = [_kept_grams(b) for b in partners]
    sizes = np.array([len(h) for _, h in grams], dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    if not len(unique_a) or not sizes.sum():
        return empty, empty, empty
    hashes = np.concatenate([h for _, h in grams])
    positions = np.concatenate([p for p, _ in grams])
    owners = np.repeat(np.arange(len(partners), dtype=np.int64), sizes)
    # most of a partner's K-grams are not in a: a bitmap of a's top hash bits rules them out in one
    # look-up each, and only the rest are searched for
    bitmap = np.zeros(1 << BITMAP_BITS, dtype=bool)
    bitmap[unique_a >> np.uint64(64 - BITMAP_BITS)] = True
    maybe = np.flatnonzero(bitmap[hashes >> np.uint64(64 - BITMAP_BITS)])
    slot = np.minimum(np.searchsorted(unique_a, hashes[maybe]), len(unique_a) - 1)
    found = unique_a[slot] == hashes[maybe]
    hit, slot = maybe[found], slot[found]
    counts = count_a[slot]
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    i = order_a[np.repeat(first_a[slot], counts) + within]
    j = np.repeat(positions[hit], counts)
    owner = np.repeat(owners[hit], counts)
    codes = [_codes(b) for b in partners]
    base = _starts_of([len(c) for c in codes])
    window = np.arange(K)
    same = (_codes(a)[i[:, None] + window] == np.concatenate(codes)[(base[owner] + j)[:, None] + window]).all(axis=1)
    owner, i, j = owner[same], i[same], j[same]
    if len(i) and max(i.max(), j.max()) < 1 << 20 and len(partners) < 1 << 20:  # one key: faster than lexsort
        order = np.argsort((owner << 40) | (i << 20) | j, kind="stable")
    else:
        order = np.lexsort((j, i, owner))
    return owner[order], i[order], j[order]


def seed_runs(owner: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each partner's seeds (sorted as partner_seeds sorts them) grouped into chains as chains() groups
    them: (seeds' partners, i, j, chain starts, chain ends), chain n being seeds starts[n]:ends[n],
    partner after partner, each partner's chains in chains()'s order.

    A seed beyond reach of every seed before it (or a partner's first) starts a stretch that chains
    independently of the rest. In a stretch where every seed extends the one before it (or starts the
    stretch), the chains are its runs of consecutive seeds, cut with arrays; the seeds of the other
    stretches (repeated text, crossing diagonals) go through the greedy chaining, and their chains are
    appended to the seeds."""
    reach = GAP + K
    di, dj = np.diff(i), np.diff(j)
    same = owner[1:] == owner[:-1]
    links = same & (di > 0) & (di <= reach) & (dj > 0) & (dj <= reach) & (np.abs(di - dj) <= DRIFT)
    stretch = np.cumsum(np.concatenate(([True], ~same | (di > reach)))) - 1 if len(i) else np.zeros(0, dtype=np.int64)
    searched = np.unique(stretch[1:][same & ~links & (di <= reach)])
    starts = np.flatnonzero(np.concatenate(([True], ~links))[: len(i)] & ~np.isin(stretch, searched))
    ends = np.minimum(np.append(starts[1:], len(i)), np.searchsorted(stretch, stretch[starts], side="right"))
    extra_seeds, extra_owner, extra_sizes, extra_keys = [], [], [], []
    bounds = np.searchsorted(stretch, np.concatenate((searched, searched + 1)))
    for n, lo, hi in zip(searched.tolist(), bounds[: len(searched)].tolist(), bounds[len(searched):].tolist()):
        for chain in chains(list(zip(i[lo:hi].tolist(), j[lo:hi].tolist()))):
            extra_seeds.extend(chain)
            extra_owner.append(int(owner[lo]))
            extra_sizes.append(len(chain)), extra_keys.append(n)
    sizes = np.array(extra_sizes, dtype=np.int64)
    extra_ends = len(i) + np.cumsum(sizes)
    order = np.argsort(np.concatenate((stretch[starts], np.array(extra_keys, dtype=np.int64))), kind="stable")
    extra = np.array(extra_seeds, dtype=np.int64).reshape(-1, 2)
    owner = np.concatenate((owner, np.repeat(np.array(extra_owner, dtype=np.int64), sizes)))
    i, j = np.concatenate((i, extra[:, 0])), np.concatenate((j, extra[:, 1]))
    # chains in the order of their stretches, a stretch's chains in chains()'s order
    return owner, i, j, np.concatenate((starts, extra_ends - sizes))[order], np.concatenate((ends, extra_ends))[order]


def _span_rows(a: dict, partners: list[dict], own: np.ndarray, start_a: np.ndarray, end_a: np.ndarray,
               start_b: np.ndarray, end_b: np.ndarray, covered_seeds: Callable) -> dict[str, np.ndarray]:
    """Rows of the spans (in letters of a and of partner own) that are passages: long enough, mostly not
    formula, and covered by exact seeds (covered_seeds(long spans' indices) → letters of each side) at
    MIN_SIMILARITY."""
    kept = np.flatnonzero(np.minimum(end_a - start_a, end_b - start_b) >= MIN_CHARS)
    covered_a, covered_b = covered_seeds(kept)
    start_a, end_a, start_b, end_b, own = (x[kept] for x in (start_a, end_a, start_b, end_b, own))
    formula = np.concatenate(([0], np.cumsum(a["formula"], dtype=np.int64)))
    keep = (formula[end_a] - formula[start_a]) * 2 <= end_a - start_a  # formula share ≤ MAX_FORMULA_SHARE
    ratio = np.minimum(covered_a / (end_a - start_a), covered_b / (end_b - start_b))
    similarity = np.array([round(r, 3) for r in ratio.tolist()], dtype=np.float64)  # as round() does, not np.round
    k = np.flatnonzero(keep & (similarity >= MIN_SIMILARITY))
    own = own[k]
    lengths = np.array([len(b["offsets"]) for b in partners], dtype=np.int64)
    offsets_b = np.concatenate([b["offsets"] for b in partners])
    base = _starts_of(lengths)[own]
    return {"doc_a": np.full(len(k), a["doc_id"], dtype=object),
            "doc_b": np.array([partners[o]["doc_id"] for o in own.tolist()], dtype=object),
            "start_a": a["offsets"][start_a[k]], "end_a": a["offsets"][end_a[k] - 1] + 1,
            "start_b": offsets_b[base + start_b[k]], "end_b": offsets_b[base + end_b[k] - 1] + 1,
            "similarity": similarity[k], "chars": np.minimum(end_a[k] - start_a[k], end_b[k] - start_b[k])}


def _covered_runs(positions: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Letters covered by the K-grams of each run of rising positions[start:end]: K for its first seed,
    and min(K, step) for each next one."""
    steps = np.concatenate(([0], np.cumsum(np.minimum(np.diff(positions), K))))
    return K + steps[ends - 1] - steps[starts]


def _starts_of(sizes) -> np.ndarray:
    """Where each of consecutive blocks of these sizes starts."""
    return np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)[:-1])).astype(np.int64)


def formula_mask(core: str, hashes: np.ndarray, common: np.ndarray, curated: tuple[str, ...] = ()) -> np.ndarray:
    """One flag per letter: inside a formula. Formula fingerprints cover their K letters, and a gap shorter
    than K between two of them is closed (the K-grams there were not sampled, not different); the curated
    formulas (pipeline/data/formulas.txt, as letters) are marked wherever they occur."""
    mask = np.zeros(len(core), dtype=bool)
    for i in np.flatnonzero(_held(hashes, common)).tolist():
        mask[i : i + K] = True
    for formula in curated:
        start = core.find(formula)
        while start >= 0:
            mask[start : start + len(formula)] = True
            start = core.find(formula, start + 1)
    if not mask.any():
        return mask
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
    for end, start in zip(edges[1:-1:2].tolist(), edges[2::2].tolist()):
        if start - end < K:
            mask[end:start] = True
    return mask


def _held(values: np.ndarray, found: np.ndarray) -> np.ndarray:
    """One flag per value: it is one of `found` (a few formula fingerprints: np.isin compared every value
    with each of them, a third of the time a document took to prepare)."""
    if not len(found):
        return np.zeros(len(values), dtype=bool)
    found = np.sort(found)
    return found[np.minimum(np.searchsorted(found, values), len(found) - 1)] == values


def prepare(doc_id: str, text: str, common: np.ndarray | None = None, curated: tuple[str, ...] = ()) -> dict:
    """A document reduced to its letters, their offsets, K-gram hashes and (given the formulas) its formula mask."""
    core, offsets = letters(text)
    hashes = gram_hashes(core)
    prepared = {"doc_id": doc_id, "core": core, "offsets": offsets, "hashes": hashes}
    if common is not None:
        prepared["formula"] = formula_mask(core, hashes, common, curated)
    return prepared


def load_formulas(path) -> tuple[str, ...]:
    """The curated formulas of a data file, as letters (longest first), with file and line in every error."""
    from pipeline.resources import ResourceError, numbered_lines

    found = []
    for number, line in numbered_lines(path):
        core = letters(line.strip())[0]
        if len(core) < 4:
            raise ResourceError(f"{path} line {number}: a formula needs at least 4 letters, got {line.strip()!r}")
        found.append(core)
    return tuple(sorted(set(found), key=lambda f: (-len(f), f)))


def find_reuse(documents: pd.DataFrame, locate: Callable[[str, int, int], str | None] | None = None,
               curated: tuple[str, ...] = (), workers: int = 1, with_texts: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shared passages between non-duplicate documents, directed by date, and the common formulas.

    Without `with_texts`, the passages come without their text_a/text_b columns (add_passage_texts adds them,
    as a run does chunk by chunk when it writes the table: at 1 GB they are gigabytes).

    Memory stays bounded: only each document's fingerprints (a quarter of its K-grams) are held for the
    whole corpus; documents are prepared again when a pair of them is aligned.
    """
    from pipeline.analyze.sentences import unique_documents

    docs = unique_documents(documents)
    ids, texts = docs["doc_id"].tolist(), Texts(docs["text"])
    prints = per_document(document_prints, texts, workers)
    common, pairs = common_and_pairs(prints, len(texts))
    del prints
    reuse = with_measures(_directed(aligned(pairs, ids, texts, common, curated, workers), docs), locate)
    reuse = reuse.sort_values(["doc_a", "doc_b", "start_a"], kind="stable").reset_index(drop=True)
    formulas = common_formulas(ids, texts, common, curated, workers)
    if with_texts:
        return add_passage_texts(reuse, document_index(ids), texts), formulas
    return reuse[[c for c in REUSE_COLUMNS if c not in ("text_a", "text_b")]], formulas


def with_measures(reuse: pd.DataFrame, locate: Callable[[str, int, int], str | None] | None) -> pd.DataFrame:
    """The reuse rows with the measure holding each side's span (measure_a, measure_b; None without
    `locate`), set in place: a copy of the table would be the largest thing the step holds."""
    def found_on(side: str) -> list[str | None]:
        spans = reuse[f"doc_{side}"], reuse[f"start_{side}"], reuse[f"end_{side}"]
        if isinstance(locate, MeasureLocator):
            return locate.of_spans(spans[0].tolist(), spans[1].to_numpy(), spans[2].to_numpy())
        return [locate(d, s, e) for d, s, e in zip(*spans)] if locate is not None else [None] * len(reuse)

    found = {f"measure_{side}": found_on(side) for side in ("a", "b")}
    for name, values in found.items():
        reuse[name] = values
    return reuse


def document_index(ids: list[str]) -> dict[str, int]:
    """doc_id → its place among the documents (for passage_texts)."""
    return {doc_id: n for n, doc_id in enumerate(ids)}


def add_passage_texts(reuse: pd.DataFrame, index: dict[str, int], texts: Sequence[str]) -> pd.DataFrame:
    """Reuse rows with the text of each side (REUSE_COLUMNS), cut from texts (the documents' texts, placed
    as `index` says: see document_index)."""
    sides = {f"text_{side}": passage_texts(reuse[f"doc_{side}"], reuse[f"start_{side}"], reuse[f"end_{side}"], index, texts)
             for side in ("a", "b")}
    return reuse.assign(**sides)[REUSE_COLUMNS]


def passage_texts(docs: pd.Series, starts: pd.Series, ends: pd.Series, index: dict[str, int], texts: Sequence[str]) -> list[str]:
    """The text of each span (doc_id, start, end), each document's text made once: the passages' texts
    are cut here, after the alignment, instead of travelling from the workers through every copy of the
    table (at 1 GB they were gigabytes)."""
    codes, names = pd.factorize(docs)
    starts, ends = starts.to_numpy().tolist(), ends.to_numpy().tolist()
    found: list[str] = [""] * len(codes)
    current, text = -1, ""
    for k in np.argsort(codes, kind="stable").tolist():
        if codes[k] != current:
            current = codes[k]
            text = texts[index[names[current]]]
        found[k] = text[starts[k] : ends[k]]
    return found


def document_prints(text: str) -> np.ndarray:
    """The fingerprints of one text."""
    return fingerprints(gram_hashes(letters(text)[0]))


POOL_MIN_DOCUMENTS = 2000  # documents below which a per-document step runs in this process


def per_document(fn: Callable, texts: list[str], workers: int, extra: tuple = ()) -> list:
    """fn(text, *extra) of every text, in order; in a pool of `workers` processes when there are many."""
    if workers <= 1 or len(texts) < POOL_MIN_DOCUMENTS:
        return [fn(text, *extra) for text in texts]
    size = -(-len(texts) // (workers * 4))
    spans = [(k, min(k + size, len(texts))) for k in range(0, len(texts), size)]
    found = pool_map(_apply, spans, (texts, fn, extra), workers, _own_texts)
    return [result for chunk in found for result in chunk]


def _apply(span: tuple[int, int], texts: list[str], fn: Callable, extra: tuple) -> list:
    return [fn(text, *extra) for text in texts[span[0] : span[1]]]


def _own_texts(span: tuple[int, int], shared: tuple) -> tuple:
    """A span of texts with those texts only, for a worker that starts empty (spawn)."""
    texts, fn, extra = shared
    return (0, span[1] - span[0]), (texts[span[0] : span[1]], fn, extra)


PREPARED_CACHE = 4096  # prepared documents kept while aligning (a few tens of kB each)
POOL_MIN_PAIRS = 500  # below this, starting worker processes costs more than it saves


def aligned(pairs: np.ndarray | list[tuple[int, int]], ids: list[str], texts: list[str], common: np.ndarray,
            curated: tuple[str, ...], workers: int) -> pd.DataFrame:
    """The passages of every candidate pair (rows of document indices), in a process pool when there are
    many; the same rows either way."""
    if workers <= 1 or len(pairs) < POOL_MIN_PAIRS:
        return align_pairs(pairs, ids, texts, common, curated)
    size = -(-len(pairs) // (workers * 4))
    chunks = [pairs[k : k + size] for k in range(0, len(pairs), size)]
    found = [f for f in pool_map(align_pairs, chunks, (ids, texts, common, curated), workers, _own_documents) if len(f)]
    # an empty chunk's columns have no type: leave them out, as one table of every row would
    return pd.concat(found, ignore_index=True) if found else align_pairs([], ids, texts, common, curated)


def _own_documents(chunk: np.ndarray | list[tuple[int, int]], shared: tuple) -> tuple:
    """A chunk of pairs with the ids and texts of its own documents only, for a worker that starts empty."""
    ids, texts, common, curated = shared
    chunk = chunk.tolist() if isinstance(chunk, np.ndarray) else chunk
    needed = sorted({i for pair in chunk for i in pair})
    local = {g: n for n, g in enumerate(needed)}
    return [(local[i], local[j]) for i, j in chunk], ([ids[g] for g in needed], [texts[g] for g in needed], common, curated)


def align_pairs(pairs: np.ndarray | list[tuple[int, int]], ids: list[str], texts: list[str], common: np.ndarray,
                curated: tuple[str, ...]) -> pd.DataFrame:
    """The passages of candidate pairs (indices into ids/texts), sorted by left document, as a table (its
    columns travel back from a worker far more compactly than a dict per passage)."""
    from collections import OrderedDict

    pairs = pairs.tolist() if isinstance(pairs, np.ndarray) else pairs  # a chunk's, as numbers

    cache: OrderedDict[int, dict] = OrderedDict()  # a document takes part in many pairs: prepare it once

    def prepared(k: int) -> dict:
        if k in cache:
            cache.move_to_end(k)
        else:
            cache[k] = prepare(ids[k], texts[k], common, curated)
            if len(cache) > PREPARED_CACHE:
                cache.popitem(last=False)
        return cache[k]

    found = [partner_passages(prepared(first), [prepared(k) for k in partners]) for first, partners in _partner_batches(pairs)]
    found = [f for f in found if len(f["chars"])]
    if not found:  # no rows: untyped columns, as a table of no passages has always had
        return pd.DataFrame([], columns=ALIGNED_COLUMNS)
    columns = {c: np.concatenate([f[c] for f in found]) for c in ALIGNED_COLUMNS}
    return pd.DataFrame({c: v.tolist() if c.startswith("doc") else v for c, v in columns.items()})


def _partner_batches(pairs: list[tuple[int, int]]):
    """(document, its partners) for each run of pairs with the same first document, PARTNERS_PER_BATCH
    partners at most, in the pairs' order."""
    run: list[int] = []
    for n, (i, j) in enumerate(pairs):
        run.append(j)
        if n + 1 == len(pairs) or pairs[n + 1][0] != i or len(run) == PARTNERS_PER_BATCH:
            yield i, run
            run = []


def measures_locator(measures: pd.DataFrame) -> "MeasureLocator":
    """(doc_id, start, end) → the innermost measure holding the span, from the measures table (see
    MeasureLocator)."""
    return MeasureLocator(measures)


class MeasureLocator:
    """The innermost measure holding a span: called with (doc_id, start, end), or for many spans at once
    (of_spans).

    The same answer as segment.measure_locator over the document's measures (the last measure starting at
    or before the span, or the nearest of its ancestors holding it), from one sort of the whole table: a
    locator per document had cost a minute at 200 MB, and a call per passage 4 s (two per passage, half a
    million passages at 200 MB)."""

    def __init__(self, measures: pd.DataFrame) -> None:
        m = measures[["doc_id", "measure_id", "parent_id", "start", "end"]].sort_values(
            ["doc_id", "start", "end"], ascending=[True, True, False], kind="stable")
        codes, self.documents = pd.factorize(m["doc_id"])  # in the table's order: sorted, the codes rise
        self.ids = m["measure_id"].to_numpy(dtype=object)
        self.starts, self.ends = m["start"].to_numpy(dtype=np.int64), m["end"].to_numpy(dtype=np.int64)
        # (document, start) as one sorted number: documents in sorted order, and starts below 2**32
        self.keys = (codes.astype(np.int64) << 32) | self.starts
        rows = pd.Series(np.arange(len(m)), index=pd.MultiIndex.from_arrays([m["doc_id"], m["measure_id"]]))
        rows = rows[~rows.index.duplicated(keep="last")]
        parents = pd.MultiIndex.from_arrays([m["doc_id"], m["parent_id"]])
        self.parent = np.where(m["parent_id"].map(lambda p: isinstance(p, str)).to_numpy(dtype=bool),
                               rows.reindex(parents).fillna(-1).to_numpy(dtype=np.int64), -1)

    def __call__(self, doc_id: str, start: int, end: int) -> str | None:
        return self.of_spans([doc_id], [start], [end])[0]

    def of_spans(self, doc_ids: Sequence[str], starts: Sequence[int], ends: Sequence[int]) -> list[str | None]:
        """The measure of each span (None where no measure holds it)."""
        if not len(self.keys):
            return [None] * len(doc_ids)
        document = self.documents.get_indexer(pd.Index(doc_ids, dtype=object)).astype(np.int64)
        starts, ends = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
        n = np.searchsorted(self.keys, (document << 32) | starts, side="right") - 1
        # a row of another document, or a span of a document without measures: none
        n[(document < 0) | (n < 0)] = -1
        n[n >= 0] = np.where(self.keys[n[n >= 0]] >> 32 == document[n >= 0], n[n >= 0], -1)
        outside = (n >= 0) & ~((self.starts[n] <= starts) & (ends <= self.ends[n]))
        while outside.any():  # up the tree, a level at a time, for the spans the measure does not hold
            n[outside] = self.parent[n[outside]]
            outside = (n >= 0) & ~((self.starts[n] <= starts) & (ends <= self.ends[n]))
        return [self.ids[k] if k >= 0 else None for k in n.tolist()]


class Texts(Sequence):
    """A column of texts as a sequence of strings, each made when it is asked for ("" for a missing one):
    a list of every text had held a second copy of a 1 GB corpus during reuse."""

    def __init__(self, column: pd.Series) -> None:
        self._values = column.array

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[n] for n in range(*k.indices(len(self)))]
        value = self._values[k]
        return value if isinstance(value, str) else ""


def _directed(reuse: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """Source and target of each passage: the earlier dated document first; undirected without two dates
    that differ at the coarser of their precisions (2019 and 2019-05-12 cannot be ordered)."""
    dates = {d: v for d, v in zip(docs["doc_id"], docs["date"]) if isinstance(v, str) and v} if "date" in docs else {}
    a, b = reuse["doc_a"].to_numpy(dtype=object), reuse["doc_b"].to_numpy(dtype=object)
    order = date_order(a.tolist(), b.tolist(), dates)
    return reuse.assign(source=np.where(order < 0, b, a).tolist(), target=np.where(order < 0, a, b).tolist(),
                        directed=(order != 0).tolist())


ISO_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")


def date_order(first: list[str], second: list[str], dates: dict[str, str]) -> np.ndarray:
    """earlier() of the dates of each pair of documents, as 1 (the first is earlier), -1 (the second) or 0.

    When every date is an ISO date (2019, 2019-05, 2019-05-12), each is read once as a number at each of
    its precisions, and the pairs compared on arrays at the coarser precision of the two (a call per
    passage took seconds at 200 MB); other dates are compared by earlier() pair by pair."""
    if not all(ISO_DATE.fullmatch(v) for v in dates.values()):
        return np.array([0 if o is None else 1 if o else -1 for o in map(earlier, map(dates.get, first), map(dates.get, second))],
                        dtype=np.int8)
    codes, names = pd.factorize(pd.Series(first + second, dtype=object))
    found = [dates.get(name, "") for name in names]
    precision = np.array([(len(v) - 4) // 3 if v else -1 for v in found], dtype=np.int64)  # 0 year, 1 month, 2 day
    keys = np.array([_date_keys(v) for v in found], dtype=np.int64).reshape(-1, 3)
    ca, cb = codes[: len(first)], codes[len(first) :]
    level = np.minimum(precision[ca], precision[cb])
    dated = level >= 0
    level = np.maximum(level, 0)
    return np.where(dated, np.sign(keys[cb, level] - keys[ca, level]), 0).astype(np.int8)


def _date_keys(date: str) -> tuple[int, int, int]:
    """An ISO date as numbers at each precision it has (2019-05 → 2019, 201905, 0; missing → zeros)."""
    digits = date[:4] + date[5:7] + date[8:10]
    return tuple(int(digits[:n]) if len(digits) >= n else 0 for n in (4, 6, 8))


def earlier(a: str | None, b: str | None) -> bool | None:
    """True when ISO date a is before b, False when after, None when missing or equal at the coarser precision."""
    if not a or not b:
        return None
    size = min(len(a), len(b))
    if a[:size] == b[:size]:
        return None
    return a[:size] < b[:size]


CLAUSE_END = re.compile(r"[\s，。、；：！？,.;:!?“”‘’《》（）()]")


def clause_extent(text: str, start: int, end: int) -> tuple[int, int]:
    """A formula's span widened to the clause around it, by at most K-1 characters on each side.

    Formulas are found from sampled K-grams, so up to K-1 letters at either end may be missed; they are
    shown up to the nearest punctuation when it is that close (践行社会主义核心 → 践行社会主义核心价值观).
    """
    left = start
    while left > max(0, start - (K - 1)) and not CLAUSE_END.match(text[left - 1]):
        left -= 1
    if left > 0 and left == start - (K - 1) and not CLAUSE_END.match(text[left - 1]):
        left = start
    right = end
    while right < min(len(text), end + K - 1) and not CLAUSE_END.match(text[right]):
        right += 1
    if right < len(text) and right == end + K - 1 and not CLAUSE_END.match(text[right]):
        right = end
    return left, right


def common_formulas(ids: list[str], texts: list[str], common: np.ndarray, curated: tuple[str, ...] = (),
                    workers: int = 1) -> pd.DataFrame:
    """Each formula stretch (a maximal run of formula letters) once, with the number of documents writing it."""
    seen: dict[str, dict] = {}
    if len(common) or curated:
        for doc_id, text, stretches in zip(ids, texts, per_document(formula_stretches, texts, workers, (common, curated))):
            for formula, first, last in stretches:
                entry = seen.setdefault(formula, {"formula": formula, "docs": set(), "doc_id": doc_id,
                                                  "start": first, "end": last, "surface": text[first:last]})
                entry["docs"].add(doc_id)
    rows = [{**{k: v for k, v in e.items() if k != "docs"}, "n_documents": len(e["docs"])} for e in seen.values()]
    table = pd.DataFrame(rows, columns=FORMULA_COLUMNS)
    return table.sort_values(["n_documents", "formula"], ascending=[False, True], kind="stable").reset_index(drop=True)


def formula_stretches(text: str, common: np.ndarray, curated: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(formula letters, start, end of its clause in the text) of each run of formula letters of one text."""
    p = prepare("", text, common, curated)
    runs = np.flatnonzero(np.diff(np.r_[0, p["formula"].astype(np.int8), 0]))
    return [(p["core"][start:end], *clause_extent(text, int(p["offsets"][start]), int(p["offsets"][end - 1]) + 1))
            for start, end in zip(runs[::2].tolist(), runs[1::2].tolist())]


def diffusion(reuse: pd.DataFrame, documents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """County → county edges (directed by date, or undirected) and each county's degrees."""
    county = {d: c for d, c, lvl in zip(documents["doc_id"], documents.get("county", pd.Series(dtype=object)),
                                          documents.get("place_level", pd.Series(dtype=object))) if isinstance(c, str) and lvl == "county"}
    dates = dict(zip(documents["doc_id"], documents["date"])) if "date" in documents else {}
    source, target = reuse["source"].map(county), reuse["target"].map(county)
    keep = source.notna() & target.notna() & (source != target)
    if not keep.any():
        return pd.DataFrame(columns=DIFFUSION_COLUMNS), pd.DataFrame(columns=DEGREE_COLUMNS)
    found = reuse[keep]
    source, target, directed = source[keep].astype(object), target[keep].astype(object), found["directed"].astype(bool)
    swap = ~directed & (source > target)  # an undirected edge is named in alphabetical order
    rows = pd.DataFrame({"source_county": source.where(~swap, target), "target_county": target.where(~swap, source),
                         "directed": directed,
                         "source_date": found["source"].map(dates).where(directed, None),
                         "target_date": found["target"].map(dates).where(directed, None),
                         "chars": found["chars"], "pair": found["source"].astype(str) + "\t" + found["target"].astype(str)})
    edges = _edges(rows, _provinces(documents))
    return edges, _degrees(edges)


def _provinces(documents: pd.DataFrame) -> dict[str, str]:
    return {c: p for c, p in zip(documents.get("county", []), documents.get("province", [])) if isinstance(c, str) and isinstance(p, str)}


def _edges(rows: pd.DataFrame, provinces: dict[str, str]) -> pd.DataFrame:
    """One row per (source county, target county, directed)."""
    # one parse of every date (the same days as parsing each edge's), grouped once
    lags = (pd.to_datetime(rows["target_date"], format="ISO8601") - pd.to_datetime(rows["source_date"], format="ISO8601")).dt.days
    grouped = rows.assign(lag=lags).groupby(["source_county", "target_county", "directed"], sort=True)
    summary = grouped.agg(lag=("lag", "min"), first_date=("source_date", "min"), shared_chars=("chars", "sum"),
                          n_passages=("chars", "size"), n_document_pairs=("pair", "nunique"))
    out = []
    for (source, target, directed), edge in zip(summary.index, summary.itertuples(index=False)):
        out.append({"source_county": source, "source_province": provinces.get(source), "target_county": target,
                    "target_province": provinces.get(target), "directed": bool(directed),
                    "first_date": str(edge.first_date) if directed else None,
                    "lag_days": int(edge.lag) if directed else None,
                    "shared_chars": int(edge.shared_chars), "n_passages": int(edge.n_passages),
                    "n_document_pairs": int(edge.n_document_pairs)})
    return pd.DataFrame(out, columns=DIFFUSION_COLUMNS)


def _degrees(edges: pd.DataFrame) -> pd.DataFrame:
    """Per county: counties it reached first (out), counties that reached it first (in), undirected links."""
    counties = sorted(set(edges["source_county"]) | set(edges["target_county"]))
    provinces = {**dict(zip(edges["source_county"], edges["source_province"])), **dict(zip(edges["target_county"], edges["target_province"]))}
    directed, undirected = edges[edges["directed"]], edges[~edges["directed"]]
    rows = [{"county": c, "province": provinces.get(c),
             "out_degree": int((directed["source_county"] == c).sum()), "in_degree": int((directed["target_county"] == c).sum()),
             "undirected_degree": int(((undirected["source_county"] == c) | (undirected["target_county"] == c)).sum()),
             "chars_out": int(directed.loc[directed["source_county"] == c, "shared_chars"].sum()),
             "chars_in": int(directed.loc[directed["target_county"] == c, "shared_chars"].sum())} for c in counties]
    return pd.DataFrame(rows, columns=DEGREE_COLUMNS)


FAMILY_COLUMNS = ["family", "n_documents", "doc_id", "start", "end", "text", "date", "county", "province", "title"]


def families(reuse: pd.DataFrame, documents: pd.DataFrame, with_texts: bool = True) -> pd.DataFrame:
    """Occurrences of each travelling passage: reuse rows joined where their spans overlap in a document.

    One row per occurrence, families numbered by size (most documents first, then by their first document
    and span), occurrences by date. The spans are the nodes of one graph, joined by the reuse rows and by
    overlaps between neighbouring spans of a document, and a family is one of its connected components
    (a union-find in Python had taken most of the figures' time at 200 MB). Without `with_texts` the text
    column is left empty (family_texts fills it for the rows shown): an occurrence can be most of its
    document, and the occurrences of all families were a second copy of the corpus at 200 MB.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    if reuse.empty:
        return pd.DataFrame(columns=FAMILY_COLUMNS)
    sides = pd.concat([reuse[[f"doc_{side}", f"start_{side}", f"end_{side}"]].set_axis(["doc_id", "start", "end"], axis=1)
                       for side in ("a", "b")], ignore_index=True).astype({"doc_id": object, "start": "int64", "end": "int64"})
    spans = sides.drop_duplicates().sort_values(["doc_id", "start", "end"], kind="stable").reset_index(drop=True)
    nodes = sides.merge(spans.reset_index(), on=["doc_id", "start", "end"], how="left")["index"].to_numpy()
    doc, start, end = spans["doc_id"].to_numpy(), spans["start"].to_numpy(), spans["end"].to_numpy()
    overlap = np.flatnonzero((doc[1:] == doc[:-1]) & (start[1:] < end[:-1]))  # one occurrence in one document
    left, right = np.r_[overlap + 1, nodes[: len(reuse)]], np.r_[overlap, nodes[len(reuse) :]]
    graph = sparse.coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(len(spans), len(spans)))
    _, component = connected_components(graph, directed=False)
    return _family_rows(spans.assign(family=component), documents, with_texts)


def passage_families(tables: dict[str, pd.DataFrame], with_texts: bool = True) -> pd.DataFrame:
    """The families of the tables' reuse passages (see families): the tables' own "families" when they
    have them (figures and the report share one), else found from "reuse" and "documents"."""
    if tables.get("families") is not None:
        return tables["families"]
    reuse, documents = tables.get("reuse"), tables.get("documents")
    if reuse is None or reuse.empty or documents is None:
        return pd.DataFrame(columns=FAMILY_COLUMNS)
    return families(reuse, documents, with_texts)


def family_texts(rows: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Family occurrences (rows of families) with their text, cut from the documents where it is missing."""
    texts = rows["text"] if "text" in rows.columns else pd.Series(None, index=rows.index, dtype=object)
    missing = texts.isna().to_numpy()
    if not missing.any():
        return rows
    todo = rows[missing]
    # each document's text made once, when its occurrences are cut: a dictionary of every text had held a
    # second copy of the corpus (2 GB at 1 GB)
    values = texts.to_numpy(dtype=object, copy=True)
    values[missing] = passage_texts(todo["doc_id"], todo["start"], todo["end"], document_index(documents["doc_id"].tolist()),
                                    Texts(documents["text"]))
    return rows.assign(text=values)


def _family_rows(spans: pd.DataFrame, documents: pd.DataFrame, with_texts: bool = True) -> pd.DataFrame:
    """One occurrence per (family, document): the union of its overlapping spans."""
    table = spans.groupby(["family", "doc_id"], sort=False).agg(start=("start", "min"), end=("end", "max")).reset_index()
    table["text"] = None
    if with_texts:
        table = family_texts(table, documents)
    about = [c for c in ("date", "county", "province", "title") if c in documents.columns]
    table = table.join(documents[["doc_id", *about]].drop_duplicates("doc_id").set_index("doc_id"), on="doc_id")
    table = table.reindex(columns=[*table.columns, *(c for c in ("date", "county", "province", "title") if c not in about)])
    per_family = table.groupby("family").agg(size=("doc_id", "nunique"), first=("doc_id", "min"))
    first_span = spans.groupby("family")["start"].first()  # spans come sorted: the first document's first span
    order = per_family.assign(span=first_span).sort_values(["size", "first", "span"], ascending=[False, True, True], kind="stable")
    table["n_documents"] = table["family"].map(per_family["size"])
    table["family"] = table["family"].map(pd.Series(np.arange(len(order)), index=order.index))
    table = table.sort_values(["family", "date", "doc_id"], kind="stable", na_position="last")
    return table[FAMILY_COLUMNS].reset_index(drop=True)
