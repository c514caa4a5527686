"""How far rjieba's words agree with jieba's, and how much faster it cuts: `bench_tokenizer.py [FOLDER ...]`.

Both backends of `pipeline.tokenizer.Tokenizer` cut the same texts (default: the seed pages and the
official reports under corpus/) with the analyze stage's user dictionary, with and without HMM. Agreement is
the share of jieba's words (as character spans) that rjieba cuts identically, and the reverse; the texts
are read as the pipeline's ingest stage would see them (decoded, no clean-up: agreement is about words).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def corpus_texts(folders: list[Path]) -> list[str]:
    """The texts of .txt files and of the "text"/"正文" fields of .jsonl files under the folders."""
    texts = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix == ".txt":
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
            elif path.suffix == ".jsonl":
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        row = json.loads(line)
                        texts.append(next((row[k] for k in ("text", "正文", "content") if k in row), ""))
    return [t for t in texts if t]


def spans(tokenizer, texts: list[str], hmm: bool) -> tuple[list[set[tuple[int, int]]], float]:
    """Word spans per text, and the seconds taken."""
    started = time.perf_counter()
    found = [{(s, e) for _, s, e in tokenizer.tokenize(t, HMM=hmm)} for t in texts]
    return found, time.perf_counter() - started


def agreement(texts: list[str], user_words) -> list[dict]:
    """One row per HMM setting: words, agreement both ways, seconds per backend."""
    from pipeline.tokenizer import Tokenizer

    rows = []
    backends = {name: Tokenizer(user_words, name) for name in ("jieba", "rjieba")}
    for hmm in (True, False):
        (ref, ref_s), (new, new_s) = (spans(backends[name], texts, hmm) for name in ("jieba", "rjieba"))
        same = sum(len(a & b) for a, b in zip(ref, new))
        n_ref, n_new = sum(map(len, ref)), sum(map(len, new))
        rows.append({"hmm": hmm, "jieba_words": n_ref, "rjieba_words": n_new,
                     "of_jieba_same": round(same / max(n_ref, 1), 5), "of_rjieba_same": round(same / max(n_new, 1), 5),
                     "jieba_s": round(ref_s, 3), "rjieba_s": round(new_s, 3), "speedup": round(ref_s / max(new_s, 1e-9), 1)})
    return rows


def main(argv: list[str] | None = None) -> None:
    from pipeline.analyze.tokens import DATA_DIR, USERDICT_NAME
    from pipeline.resources import read_word_list
    from pipeline.tokenizer import parse_user_words

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, default=[ROOT / "corpus"])
    args = parser.parse_args(argv)
    texts = corpus_texts(args.folders)
    user_words = parse_user_words(read_word_list(DATA_DIR / USERDICT_NAME))
    print(f"{len(texts)} texts, {sum(map(len, texts)):,} characters, {len(user_words)} user words")
    for row in agreement(texts, user_words):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
