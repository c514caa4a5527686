"""Remove the test suites that third-party packages ship inside themselves (pandas/tests, scipy/*/tests …).

About 190 MB of the environment are other projects' tests, never imported by the pipeline: they only run
through `pandas.test()` and the like. Called by `make install` after installing from the lock; only
folders named `tests` or `test` inside an installed package are removed, never a top-level module.
"""

from __future__ import annotations

import shutil
import sys
import sysconfig
from pathlib import Path

NAMES = {"tests", "test"}


def test_folders(site: Path) -> list[Path]:
    """Folders named tests/test below a package folder of site-packages."""
    found = []
    for package in sorted(p for p in site.iterdir() if p.is_dir() and not p.name.endswith((".dist-info", ".egg-info"))):
        found.extend(sorted(p for p in package.rglob("*") if p.is_dir() and p.name in NAMES and p.parent != site))
    return [p for p in found if not any(parent in found for parent in p.parents)]


def main() -> None:
    site = Path(sysconfig.get_paths()["purelib"])
    if sys.prefix == sys.base_prefix:
        sys.exit("refusing to prune outside a virtual environment")
    folders = test_folders(site)
    size = sum(f.stat().st_size for folder in folders for f in folder.rglob("*") if f.is_file())
    for folder in folders:
        shutil.rmtree(folder)
    print(f"removed {len(folders)} test folders of installed packages ({size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
