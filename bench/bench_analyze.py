"""Benchmark of the analyze tables on a synthetic corpus of ≥20,000 practice measures.

Usage: .venv/bin/python bench/bench_analyze.py [--measures 20000] [--seed 0]
Measure texts are the realistic samples of tests/analyze/conftest.py, varied by shuffling clauses and
sentences and spread over fake provinces/counties. Figures and the report are not timed (they do not
depend on corpus size beyond the tables). Prints throughput and peak memory (ru_maxrss).
"""
from __future__ import annotations

import argparse
import importlib.util
import random
import resource
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.analyze import AnalyzeParams, analysis_tables, load_analyze_resources  # noqa: E402

PLACES = [("贵州省", "安顺市", "镇宁布依族苗族自治县"), ("贵州省", "安顺市", "紫云苗族布依族自治县"),
          ("贵州省", "遵义市", "正安县"), ("四川省", "凉山彝族自治州", "昭觉县"), ("四川省", "广元市", "苍溪县"),
          ("云南省", "大理白族自治州", "巍山彝族回族自治县"), ("云南省", "红河哈尼族彝族自治州", "元阳县"),
          ("甘肃省", "定西市", "渭源县"), ("湖南省", "湘西土家族苗族自治州", "花垣县"), ("河北省", "保定市", "阜平县")]
MEASURES_PER_DOC = 10


def _samples() -> tuple[object, list[tuple[str, str]]]:
    """The synthetic-test module and its realistic (heading, body) measure samples."""
    spec = importlib.util.spec_from_file_location("analyze_conftest", ROOT / "tests/analyze/conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, module.INDUSTRY + module.ORGANISATION + module.TRAINING + module.RELOCATION


def _vary(body: str, rng: random.Random) -> str:
    """A variant of a measure body: clauses shuffled inside each sentence, sentences shuffled."""
    sentences = [s for s in body.split("。") if s]
    varied = []
    for sentence in sentences:
        clauses = sentence.split("，")
        rng.shuffle(clauses)
        varied.append("，".join(clauses))
    rng.shuffle(varied)
    return "。".join(varied) + "。"


def build_corpus(n_measures: int, seed: int) -> dict[str, pd.DataFrame]:
    """Documents and measures tables with n_measures leaf practice measures (10 per document)."""
    module, samples = _samples()
    rng = random.Random(seed)
    docs, measures = [], []
    for d in range(-(-n_measures // MEASURES_PER_DOC)):
        province, prefecture, county = rng.choice(PLACES)
        picked = [(h, _vary(b + rng.choice(samples)[1], rng)) for h, b in rng.sample(samples, MEASURES_PER_DOC)]
        spec = dict(key=f"b{d:05d}", title=f"{county}抓党建促脱贫经验材料（{d}）", province=province,
                    prefecture=prefecture, county=county, sections=[("practices", "主要做法", picked)])
        text, rows = module._build_document(spec)
        did = f"doc_{spec['key']}"
        docs.append(dict(doc_id=did, title=spec["title"], date=f"{2016 + d % 5}-0{1 + d % 9}-15", text=text,
                         chars=len(text), duplicate_of=None, province=province, prefecture=prefecture,
                         county=county, adcode=None))
        measures += [dict(doc_id=did, text=text[r["start"]:r["end"]], **r) for r in rows]
    return {"documents": pd.DataFrame(docs), "measures": pd.DataFrame(measures)}


def _rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def default_corpus_time() -> None:
    """Time the whole analyze stage (tables, figures, report) on the default corpus after ingest and segment."""
    import tempfile

    from pipeline import runner
    from pipeline.resources import load_resources

    with tempfile.TemporaryDirectory() as out:
        args = argparse.Namespace(corpus=ROOT / "corpus", out=Path(out), data=None)
        stage_resources = load_resources()
        for stage in ("ingest", "segment"):
            runner.run_stage(stage, args, stage_resources, progress=False)
        t0 = time.perf_counter()
        summary = runner.run_stage("analyze", args, stage_resources, progress=False)
        print(f"default corpus, analyze stage with figures and report: {time.perf_counter() - t0:.2f} s ({summary})")


def main() -> None:
    """Build the corpus, time the analysis tables, print throughput and memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    resources = load_analyze_resources()
    t0 = time.perf_counter()
    tokenizer = resources.make_tokenizer()
    print(f"tokenizer init: {time.perf_counter() - t0:.2f} s")

    module, _ = _samples()
    t0 = time.perf_counter()
    small = analysis_tables(module.build_tables(), resources, AnalyzeParams(), tokenizer)
    print(f"small input (tests/analyze synthetic, {len(small['practice_clusters'])} practice measures): "
          f"{time.perf_counter() - t0:.2f} s")

    default_corpus_time()
    tables = build_corpus(args.measures, args.seed)
    n_chars = int(tables["documents"]["chars"].sum())
    print(f"corpus: {len(tables['documents'])} documents, {len(tables['measures'])} measures, {n_chars:,} chars; "
          f"rss before {_rss_mb():.0f} MB")
    t0 = time.perf_counter()
    out = analysis_tables(tables, resources, AnalyzeParams(random_state=args.seed), tokenizer)
    elapsed = time.perf_counter() - t0
    n_practice = len(out["practice_clusters"])
    print(f"analysis tables: {elapsed:.1f} s for {n_practice} practice measures → {n_practice / elapsed:,.0f} "
          f"measures/s, {n_chars / elapsed / 1e3:,.0f} k chars/s; k = {len(out['clusters'])}")
    print(f"peak rss {_rss_mb():.0f} MB")
    print(out["clusters"][["cluster", "label", "size", "n_counties"]].to_string(index=False))


if __name__ == "__main__":
    main()
