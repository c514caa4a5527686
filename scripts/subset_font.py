"""Build pipeline/fonts/PipelineCJKSans-Regular.otf: the figures' CJK font, subset and renamed.

Source: Noto Sans CJK SC Regular (SIL Open Font License 1.1; © 2014-2021 Adobe, with Reserved Font
Name 'Source'), as shipped in the `mplfonts` wheel. Kept: every character of GB 2312 (6,763 hanzi and
its symbols), ASCII and Latin-1, general and CJK punctuation, full-width forms, and every character of
the package's word lists (pipeline/data: the gazetteer's rare place-name characters among them). A
subset is a Modified Version under the OFL, so the family is renamed. The figures fall back to a
system Noto Sans CJK SC when a label holds a character outside the subset (see analyze/figures.py).

Run once by hand, not at install or run time:
    pip install mplfonts fonttools && python scripts/subset_font.py
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "pipeline" / "fonts" / "PipelineCJKSans-Regular.otf"
FAMILY = "Pipeline CJK Sans"


def gb2312() -> set[str]:
    """Every character GB 2312 encodes."""
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted() -> set[str]:
    """The characters the subset keeps (see the module docstring)."""
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x218F), (0x2460, 0x24FF), (0x2500, 0x257F),
              (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
    chars = {chr(c) for a, b in ranges for c in range(a, b + 1)} | gb2312()
    for path in sorted((ROOT / "pipeline" / "data").iterdir()):
        chars |= set(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable() or c == " "}


def main() -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    spec = importlib.util.find_spec("mplfonts")
    if spec is None:
        sys.exit("pip install mplfonts first: it carries Noto Sans CJK SC")
    source = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NotoSansCJKsc-Regular.otf"
    font = TTFont(source)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in wanted()])
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (3, 4):
            record.string = f"{FAMILY} Regular"
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + "-Regular"
    if "CFF " in font:
        font["CFF "].cff.fontNames = [FAMILY.replace(" ", "") + "-Regular"]
    TARGET.parent.mkdir(exist_ok=True)
    font.save(TARGET)
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size / 1e6:.1f} MB, {len(font.getBestCmap())} characters")


if __name__ == "__main__":
    main()
