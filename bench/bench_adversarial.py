"""Benchmark: one 1 MB document of each adversarial kind, through ingest and segment.

Run with `make bench`. Each kind runs in a fresh process, so its peak memory is its own; the process
first loads the word lists and tokenizers and runs a tiny document (about 330 MB resident), and the
"document" figure is what the adversarial document added on top. Targets (the
robustness issue): under 2 s per stage and under 500 MB each. A pathological document may end as a
flagged row (segment_error: "too dense to segment …", or rejected as "not Chinese text") — what
counts is that it neither stalls nor floods the run. The baseline line is the same stages on a real
report of the default corpus, for the ratio.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("digits", "no-punctuation", "markers", "base64", "plus-chains")
SIZE = 1_000_000
TARGET_SECONDS, TARGET_MB = 2.0, 500


def run_one(kind: str) -> dict:
    """Ingest and segment one document in this process; timings and peak memory."""
    sys.path.insert(0, str(ROOT))
    from pipeline.ingest import ingest
    from pipeline.resources import load_resources
    from pipeline.segment import segment
    from tests.robustness.battery import adversarial

    resources = load_resources()
    # one-time costs (imports, the place tokenizer's dictionary) are paid before the clock starts
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "warm.txt").write_text("某县经验\n一、主要做法\n新和县成立专业合作社478个。", encoding="utf-8")
        warm = ingest(Path(folder), resources)
        segment(warm.documents, resources, places=warm.places)
    resident_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as folder:
        text = (ROOT / "corpus" / "raw" / "000_1dce443f4ac0a06b.txt").read_text(encoding="utf-8") if kind == "baseline" \
            else "某县数据\n" + adversarial(kind, SIZE)
        Path(folder, f"{kind}.txt").write_text(text, encoding="utf-8")
        started = time.perf_counter()
        tables = ingest(Path(folder), resources)
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        seg = segment(tables.documents, resources, places=tables.places)
        segment_s = time.perf_counter() - started
    manifest = tables.manifest.iloc[0]
    flags = seg.documents["segment_error"].dropna().tolist() if "segment_error" in seg.documents else []
    return {"kind": kind, "chars": len(text), "ingest_s": ingest_s, "segment_s": segment_s,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "resident_mb": resident_mb,
            "status": manifest["status"], "note": (manifest["reason"] or "") or (flags[0] if flags else "")}


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(run_one(sys.argv[1]), ensure_ascii=False))
        return
    print(f"adversarial documents of {SIZE:,} characters, each in its own process (targets: < {TARGET_SECONDS} s per stage, < {TARGET_MB} MB)")
    results = []
    for kind in ("baseline", *KINDS):
        done = subprocess.run([sys.executable, __file__, kind], capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            print(f"{kind:15s} FAILED: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    baseline = results[0]
    base_rate = baseline["chars"] / max(baseline["ingest_s"] + baseline["segment_s"], 1e-9)
    for r in results:
        rate = r["chars"] / max(r["ingest_s"] + r["segment_s"], 1e-9)
        ok = r["ingest_s"] < TARGET_SECONDS and r["segment_s"] < TARGET_SECONDS and r["peak_mb"] < TARGET_MB
        print(f"{r['kind']:15s} ingest {r['ingest_s']:5.2f} s  segment {r['segment_s']:5.2f} s  peak {r['peak_mb']:5.0f} MB  "
              f"(document {r['peak_mb'] - r['resident_mb']:4.0f} MB)  {rate:10,.0f} chars/s ({rate / base_rate:4.1f}x the real report)  {'ok' if ok else 'OVER TARGET'}  "
              f"[{r['status']}] {r['note'][:70]}")


if __name__ == "__main__":
    main()
