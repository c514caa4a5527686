"""Benchmark: passage reuse over corpora of 1,000 to 30,000 documents (`make bench`).

Documents are distinct by construction: words of the default corpus drawn at random with their corpus
frequencies (3,000 characters each), so they share only common words and short phrases, as unrelated
reports do. Into 2 % of them a passage of a seed report is planted, each into a group of three to six
documents with a few characters changed, so the alignment has real work and a known answer. Each size
runs in its own process; the line prints documents per second, candidate pairs, passages found, the share
of planted passages recovered and peak RSS, with the time ratio against the smallest size (linear → ×N).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 5_000, 30_000)
CHARS = 3_000
PLANTED_SHARE = 0.02


def vocabulary():
    """Words of the default corpus's documents with their frequencies (numpy arrays)."""
    import numpy as np
    import pandas as pd

    from pipeline.resources import plain_tokenizer

    texts = []
    for path in sorted((ROOT / "corpus").rglob("*")):
        if path.suffix == ".txt":
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix == ".csv":
            texts.extend(pd.read_csv(path)["full_text"].astype(str))
    counts: dict[str, int] = {}
    for text in texts:
        for word in plain_tokenizer().cut(text, HMM=False):
            if word.strip():
                counts[word] = counts.get(word, 0) + 1
    words = sorted(counts)
    freq = np.array([counts[w] for w in words], dtype=float)
    return np.array(words, dtype=object), freq / freq.sum()


def corpus(n: int):
    """n distinct documents and the planted groups: (passage number, doc ids holding it)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    words, p = vocabulary()
    passages = sorted({line.strip()[:120] for path in sorted((ROOT / "corpus" / "raw").glob("*.txt"))
                       for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if len(line.strip()) >= 80})
    texts = []
    for _ in range(n):
        picks = rng.choice(len(words), size=CHARS // 2, p=p)
        texts.append("".join(words[picks])[:CHARS])
    groups, planted = [], 0
    order = rng.permutation(n)
    while planted < int(n * PLANTED_SHARE):
        size = int(rng.integers(3, 7))
        members = order[planted : planted + size]
        passage = passages[len(groups) % len(passages)]
        for m in members:
            edited = list(passage)
            for pos in rng.choice(len(edited), size=2, replace=False):
                edited[pos] = "某"
            cut = int(rng.integers(0, CHARS - 200))
            texts[m] = texts[m][:cut] + "。" + "".join(edited) + "。" + texts[m][cut:]
        groups.append((len(groups) % len(passages), [f"d{m:06d}" for m in members]))
        planted += size
    documents = pd.DataFrame({"doc_id": [f"d{i:06d}" for i in range(n)], "text": texts, "date": None, "duplicate_of": None})
    return documents, groups


WORK = ROOT / "bench" / "_work"


def build(n: int) -> None:
    """Write the corpus of n documents and its planted groups under bench/_work (its own process: the
    generator's memory must not count in the measured peak)."""
    sys.path.insert(0, str(ROOT))
    documents, groups = corpus(n)
    WORK.mkdir(parents=True, exist_ok=True)
    documents.to_parquet(WORK / f"reuse_{n}.parquet")
    (WORK / f"reuse_{n}.json").write_text(json.dumps(groups), encoding="utf-8")


def run_one(n: int) -> dict:
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from pipeline.analyze.reuse import common_and_pairs, document_prints, find_reuse

    documents = pd.read_parquet(WORK / f"reuse_{n}.parquet")
    groups = json.loads((WORK / f"reuse_{n}.json").read_text(encoding="utf-8"))
    resident_mb = int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20
    started = time.perf_counter()
    reuse, formulas = find_reuse(documents)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = set(zip(reuse["doc_a"], reuse["doc_b"]))
    by_passage: dict[int, list[str]] = {}
    for passage, members in groups:  # groups planted with the same passage share it too
        by_passage.setdefault(passage, []).extend(members)
    expected = {(a, b) for g in by_passage.values() for a in g for b in g if a < b}
    prints = [document_prints(t) for t in documents["text"]]
    pairs = len(common_and_pairs(prints, len(prints))[1])
    return {"n": n, "seconds": seconds, "pairs": pairs, "passages": len(reuse), "formulas": len(formulas),
            "recovered": len(found & expected) / max(len(expected), 1), "unexpected": len(found - expected),
            "peak_mb": peak_mb, "resident_mb": resident_mb}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "build":
        build(int(sys.argv[2]))
        return
    if len(sys.argv) > 1:
        print(json.dumps(run_one(int(sys.argv[1]))))
        return
    print(f"passage reuse on distinct documents of {CHARS:,} characters, {PLANTED_SHARE:.0%} holding planted passages")
    base = None
    for n in SIZES:
        subprocess.run([sys.executable, __file__, "build", str(n)], check=True, cwd=ROOT)
        done = subprocess.run([sys.executable, __file__, str(n)], capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            print(f"{n:>7,} documents FAILED: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        base = base or r
        print(f"{r['n']:>7,} documents  {r['seconds']:7.1f} s  {r['n'] / r['seconds']:7,.0f} docs/s  "
              f"x{r['seconds'] / base['seconds']:5.1f} time for x{r['n'] / base['n']:.0f} documents  "
              f"{r['pairs']:>7,} candidate pairs  {r['passages']:>6,} passages  planted pairs recovered {r['recovered']:.1%}  "
              f"unexpected {r['unexpected']}  peak {r['peak_mb']:,.0f} MB ({r['resident_mb']:,.0f} MB with the corpus read)")


if __name__ == "__main__":
    main()
