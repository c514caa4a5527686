"""The lock files pin, with hashes, versions that pyproject.toml allows, and agree with each other."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def pins(path: Path) -> dict[str, str]:
    """name → version of a pip-compile lock, checking that every pin carries a hash."""
    found, current = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match.group(1))
            found[current] = match.group(2)
        elif line.strip().startswith("--hash=sha256:") and current is not None:
            found[current + "#hashed"] = "yes"
    hashed = {name for name in found if not name.endswith("#hashed") and f"{name}#hashed" in found}
    assert hashed == {name for name in found if not name.endswith("#hashed")}, f"{path.name}: pins without a hash"
    return {name: version for name, version in found.items() if not name.endswith("#hashed")}


def declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"]], [Requirement(r) for r in project["optional-dependencies"]["dev"]]


@pytest.mark.parametrize(("lock", "groups"), [("requirements.lock", ("runtime",)), ("requirements-dev.lock", ("runtime", "dev"))])
def test_every_declared_dependency_is_locked_inside_its_range(lock, groups):
    runtime, dev = declared()
    wanted = runtime + (dev if "dev" in groups else [])
    locked = pins(ROOT / lock)
    missing = [str(r) for r in wanted if canonicalize_name(r.name) not in locked]
    assert not missing, f"{lock} lacks {missing}: run `make lock`"
    outside = [f"{r} (locked {locked[canonicalize_name(r.name)]})" for r in wanted
               if not r.specifier.contains(locked[canonicalize_name(r.name)], prereleases=True)]
    assert not outside, f"{lock} pins versions pyproject.toml no longer allows: {outside}; run `make lock`"


def test_the_two_locks_agree_and_name_no_machine_paths():
    runtime, dev = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        assert not re.search(r"^--(extra-)?index-url|^--find-links|^-e ", text, re.M), lock
