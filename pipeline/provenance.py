"""run.json: how an output folder was made, and whether its tables still belong together.

One record per output folder, read by every stage:
- what made it: package version, git commit and whether the tree was dirty, a fingerprint of the
  package's code, Python and every installed distribution's version, the command line and parameters;
- what it was made from: a fingerprint of the corpus (every entry's path, size and content hash) and of
  every word list;
- per stage: a key (corpus, word lists, code, parameters and the upstream stage's key), the SHA-256 of
  each table it wrote, its wall time and the process's peak memory.

A stage refuses input tables that are not the ones its upstream stage recorded ("tables from another
run"); a new ingest removes every downstream table, figure and report; `run` skips a stage whose key and
tables are unchanged (so an interrupted run resumes where it stopped and ends with the same bytes).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import platform
import resource
import shutil
import subprocess
import sys
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RECORD = "run.json"
STAGES = ("ingest", "segment", "analyze")
HASH_THREADS = 4  # files hashed at once (more than the cores: part of the time is reading)
STAGE_TABLES = {
    "ingest": ("manifest", "documents", "places"),
    "segment": ("documents", "measures", "statistics", "slogans", "models"),
}
DOWNSTREAM_FILES = ("report.html",)
DOWNSTREAM_FOLDERS = ("figures", "report")
STALE = ".stale-"  # a downstream folder set aside to be deleted (one is left only where a run was killed)


class StaleTablesError(RuntimeError):
    """An output folder's tables do not belong to one run; the message names the stage to re-run."""


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(paths: list[Path]) -> list[str]:
    """sha256_file of each path, a few at a time in threads (reading and hashing release the GIL): a
    stage's tables run to gigabytes at 1 GB, and each stage hashes its inputs and its outputs."""
    if len(paths) <= 1:
        return [sha256_file(p) for p in paths]
    with ThreadPoolExecutor(max_workers=min(len(paths), HASH_THREADS)) as pool:
        return list(pool.map(sha256_file, paths))


def fingerprint(items: list[tuple[str, ...]]) -> str:
    """A short stable hash of a list of string tuples."""
    return hashlib.sha256(json.dumps(sorted(items), ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def corpus_fingerprint(corpus: Path) -> dict:
    """Entries of the corpus with their sizes and content hashes, and one hash of them all."""
    from pipeline.ingest.readers import discover

    files = []
    for entry in discover(corpus):
        if entry.problem is None:
            try:
                files.append((entry.source, str(entry.path.stat().st_size), sha256_file(entry.path)[:16]))
                continue
            except OSError:
                pass
        files.append((entry.source, "", entry.problem or "unreadable"))
    return {"path": str(corpus), "n_entries": len(files), "fingerprint": fingerprint(files),
            "entries": [list(f) for f in files]}


def in_background(fn, *args) -> Future:
    """fn(*args) started in a daemon thread; its Future. The corpus's hashes are computed while ingest runs:
    reading every file first kept the workers waiting 2.5–8 s at 200 MB (warm or cold disk cache).
    (Reading and hashing release the GIL; a forked worker never touches what the thread holds.)"""
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # handed to whoever asks for the result
            future.set_exception(exc)

    threading.Thread(target=run, name=f"background {getattr(fn, '__name__', 'task')}", daemon=True).start()
    return future


def settled(inputs: dict) -> dict:
    """The inputs with every value computed in the background waited for."""
    return {k: v.result() if isinstance(v, Future) else v for k, v in inputs.items()}


def data_fingerprint(data_dir: Path) -> dict:
    """Content hashes of every word list and table the pipeline loads."""
    files = {p.name: sha256_file(p)[:16] for p in sorted(Path(data_dir).iterdir()) if p.is_file()}
    return {"path": str(data_dir), "fingerprint": fingerprint(list(files.items())), "files": files}


def code_fingerprint() -> str:
    """A hash of the package's source files (changes whenever the code does, committed or not)."""
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    return fingerprint([(str(p.relative_to(PACKAGE_DIR)), sha256_file(p)) for p in files])


def git_state() -> dict:
    """The commit of the working tree the package lives in, and whether it has uncommitted changes."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=PACKAGE_DIR, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--", str(PACKAGE_DIR)) if commit else None
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def package_versions() -> dict[str, str]:
    """Every installed distribution and its version."""
    from importlib import metadata

    versions = {name: version for name, version in map(name_and_version, metadata.distributions()) if name}
    return dict(sorted(versions.items(), key=lambda item: item[0].lower()))


def name_and_version(dist) -> tuple[str | None, str | None]:
    """A distribution's Name and Version, read from the head of its metadata as importlib reads them
    (METADATA, else PKG-INFO). importlib's `dist.metadata` passes the whole file, long description
    included, through the email parser, twice with `dist.version`: 0.6 s of every stage's start."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    fields: dict[str, str] = {}
    for line in text.split("\n\n", 1)[0].splitlines():  # the headers end at the first blank line
        key, colon, value = line.partition(":")
        if colon and key in ("Name", "Version"):
            fields.setdefault(key, value.strip())
    return fields.get("Name"), fields.get("Version")


def package_version() -> str:
    """This package's version."""
    from importlib import metadata

    try:
        return metadata.version("pipeline")
    except metadata.PackageNotFoundError:
        return "unknown"


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(usage / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def read_record(out: Path) -> dict:
    """The output folder's record (empty when there is none or it is unreadable)."""
    path = Path(out) / RECORD
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_record(out: Path, record: dict) -> None:
    """Write the record atomically."""
    from pipeline.io import atomic_path

    Path(out).mkdir(parents=True, exist_ok=True)
    with atomic_path(Path(out) / RECORD) as tmp:
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def environment(argv: list[str], parameters: dict) -> dict:
    """What made the run: versions, commit, code, command line and parameters."""
    return {
        "pipeline": {"version": package_version(), **git_state(), "code": code_fingerprint()},
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "command": argv,
        "parameters": parameters,
    }


def stage_key(stage: str, record: dict, inputs: dict) -> str:
    """The key of a stage: what it reads and what it is run with."""
    upstream = STAGES[STAGES.index(stage) - 1] if stage != "ingest" else None
    parts = [
        ("stage", stage),
        ("code", record.get("environment", {}).get("pipeline", {}).get("code", "")),
        ("data", inputs.get("data", {}).get("fingerprint", "")),
        ("parameters", json.dumps(inputs.get("parameters", {}), sort_keys=True, default=str)),
    ]
    if stage == "ingest":
        parts.append(("corpus", inputs.get("corpus", {}).get("fingerprint", "")))
    else:
        parts.append(("upstream", record.get("stages", {}).get(upstream, {}).get("key", "")))
    return fingerprint(parts)


def expected_files(record: dict) -> dict[str, str]:
    """The hash each output file should have: the one the last stage that wrote it recorded
    (segment rewrites documents.parquet with its count checks)."""
    expected: dict[str, str] = {}
    for stage in STAGES:
        expected.update(record.get("stages", {}).get(stage, {}).get("tables", {}))
    return expected


def changed_files(out: Path, names: list[str], record: dict) -> list[str]:
    """The named output files that are missing or differ from what the run recorded."""
    expected = expected_files(record)
    present = [n for n in names if (Path(out) / n).exists()]
    hashes = dict(zip(present, file_hashes([Path(out) / n for n in present]), strict=True))
    return [n for n in names if n not in hashes or hashes[n] != expected.get(n)]


def tables_intact(out: Path, entry: dict, record: dict) -> bool:
    """Whether every table a stage recorded is on disk with the bytes the run last wrote."""
    tables = list(entry.get("tables", {}))
    return bool(tables) and not changed_files(out, tables, record)


def check_inputs(out: Path, stage: str) -> None:
    """Refuse input tables that the upstream stage of this output folder did not write."""
    if stage == "ingest":
        return
    record = read_record(out)
    upstream = STAGES[STAGES.index(stage) - 1]
    entry = record.get("stages", {}).get(upstream)
    if entry is None:
        if record or any((Path(out) / f"{t}.parquet").exists() for t in STAGE_TABLES.get(upstream, ())):
            raise StaleTablesError(f"{out} has no complete {upstream} stage on record (run.json): run `{upstream}` again")
        return  # nothing there at all: the missing-table error will say which stage to run
    changed = changed_files(out, [n for n in entry.get("tables", {}) if n.endswith(".parquet")], record)
    if changed:
        raise StaleTablesError(f"{', '.join(changed)} in {out} are not the tables {upstream} wrote in this run: run `{upstream}` again")


def is_current(out: Path, stage: str, inputs: dict, environment_now: dict) -> bool:
    """Whether a stage's recorded key matches what it would run with now, and its tables are intact."""
    record = read_record(out)
    entry = record.get("stages", {}).get(stage)
    if entry is None:
        return False
    probe = {**record, "environment": environment_now}
    return entry.get("key") == stage_key(stage, probe, settled(inputs)) and tables_intact(out, entry, record)


def clear_downstream(out: Path, stage: str) -> None:
    """Remove the tables, figures and report of every stage after `stage` (and forget them)."""
    from pipeline.analyze import TABLE_NAMES

    later = STAGES[STAGES.index(stage) + 1 :]
    names = {t for s in later for t in STAGE_TABLES.get(s, ())} - set(STAGE_TABLES.get(stage, ()))
    if "analyze" in later:
        names |= set(TABLE_NAMES)
        for name in DOWNSTREAM_FILES:
            (Path(out) / name).unlink(missing_ok=True)
        for folder in DOWNSTREAM_FOLDERS:
            set_aside(Path(out) / folder)
        for stale in Path(out).glob(f"{STALE}*"):
            remove_in_background(stale)
    for name in names:
        for suffix in (".parquet", ".csv"):
            (Path(out) / f"{name}{suffix}").unlink(missing_ok=True)
    record = read_record(out)
    for later_stage in later:
        record.get("stages", {}).pop(later_stage, None)
    if record:
        write_record(out, record)


_removals: dict[Path, Future] = {}  # folders being deleted in this process (set_aside), until waited for


def set_aside(folder: Path) -> None:
    """Move a folder out of the way at once, and delete it while the stage runs (wait_for_removals).

    The report holds a page per document (7,778 files at 50 MB, 154,715 at 1 GB): unlinking them one by one
    before the stage started made clear_downstream take 1.36–1.44 s at 50 MB, 0.36–0.37 s with the folders
    set aside (most of it importing the analysis's table names). Where a folder cannot be renamed, it is
    deleted here and now.
    """
    if not folder.is_dir():
        return
    stale = folder.with_name(f"{STALE}{folder.name}-{uuid.uuid4().hex[:12]}")
    try:
        folder.rename(stale)
    except OSError:
        shutil.rmtree(folder)
        return
    remove_in_background(stale)


def remove_in_background(folder: Path) -> None:
    """Delete a folder in_background (unlinking releases the GIL), unless it is being deleted already. A
    folder left when the process ends before wait_for_removals is deleted at the next clear_downstream."""
    if folder not in _removals and folder.is_dir():
        _removals[folder] = in_background(shutil.rmtree, folder, True)  # ignore_errors: it is out of the way


def wait_for_removals() -> None:
    """Wait until every folder set aside is gone."""
    while _removals:
        _removals.pop(next(iter(_removals))).result()


def record_stage(out: Path, stage: str, inputs: dict, environment_now: dict, seconds: float, tables: list[str]) -> None:
    """Record a completed stage: its key, the hashes of its tables, time and peak memory."""
    inputs = settled(inputs)
    written = [name for name in sorted(tables) if (Path(out) / name).exists()]
    record = read_record(out)
    record["environment"] = environment_now
    record.setdefault("inputs", {}).update({k: v for k, v in inputs.items() if k != "parameters"})
    record.setdefault("inputs", {})["parameters"] = inputs.get("parameters", {})
    record.setdefault("stages", {})[stage] = {
        "key": stage_key(stage, record, inputs),
        "completed": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "peak_memory_mb": peak_memory_mb(),
        "tables": dict(zip(written, file_hashes([Path(out) / name for name in written]), strict=True)),
    }
    write_record(out, record)


def output_files(out: Path, names: list[str]) -> list[str]:
    """The Parquet and CSV files of the named tables that exist in the output folder."""
    return [f"{n}{suffix}" for n in names for suffix in (".parquet", ".csv") if (Path(out) / f"{n}{suffix}").exists()]

