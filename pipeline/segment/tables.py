"""Statistics in tables: a figure in a cell is read with its row and column headers.

Ingest keeps a table as text, one row per line with cells separated by a tab (pipeline/ingest/html.py,
pipeline/ingest/boilerplate.py). A run of such lines is a table; its first row is the column header when
none of its cells holds a figure, and the first cell of each row is that row's header when it holds none.
Each figure cell becomes a statistic: its indicator is "row header·column header" (东村·贫困户), its unit
the cell's own (320户, 12.5%) or the one the column header states in brackets (人口（人）).
"""

from __future__ import annotations

import re

from pipeline.segment.numbers import parse_numeral

CELL = re.compile(r"[^\t\n]+")
FIGURE = re.compile(r"(?P<number>[-+]?[0-9][0-9,]*(?:\.[0-9]+)?(?:万|亿)?)\s*(?P<unit>%|‰|[\u4e00-\u9fff]{1,4})?")
HEADER_UNIT = re.compile(r"[（(]([^()（）]{1,6})[)）]\s*$")
VILLAGE = re.compile(r"[\u4e00-\u9fff]{1,6}村$")


def table_blocks(text: str) -> list[list[list[tuple[int, int]]]]:
    """Tables of a text: runs of lines holding a tab; each row a list of (start, end) cell spans."""
    blocks: list[list[list[tuple[int, int]]]] = []
    previous_end, start = -2, 0
    for line in text.split("\n"):
        end = start + len(line)
        if "\t" in line:
            row = [m.span() for m in CELL.finditer(text, start, end)]
            if start != previous_end + 1 or not blocks:
                blocks.append([])
            blocks[-1].append(row)
            previous_end = end
        start = end + 1
    return [b for b in blocks if len(b) >= 2]


def is_figure(text: str, span: tuple[int, int], units: frozenset[str]) -> bool:
    """A cell that holds one figure and nothing else (320, 320户, 12.5%)."""
    match = FIGURE.fullmatch(text[span[0] : span[1]].strip())
    return match is not None and (not match.group("unit") or match.group("unit") in units or match.group("unit") in "%‰")


def table_statistics(text: str, units: frozenset[str]) -> list[dict]:
    """One statistic per figure cell of every table (see the module docstring)."""
    found = []
    for rows in table_blocks(text):
        header = rows[0] if not any(is_figure(text, c, units) for c in rows[0]) else None
        for row in rows[1:] if header else rows:
            row_header = text[slice(*row[0])].strip() if not is_figure(text, row[0], units) else ""
            for index, cell in enumerate(row):
                if is_figure(text, cell, units):
                    column = text[slice(*header[index])].strip() if header and index < len(header) else ""
                    stat = cell_statistic(text, cell, row_header, column)
                    if stat is not None:
                        found.append(stat)
    return found


def cell_statistic(text: str, cell: tuple[int, int], row_header: str, column: str) -> dict | None:
    """The statistic of one figure cell."""
    start = cell[0] + len(text[cell[0] : cell[1]]) - len(text[cell[0] : cell[1]].lstrip())
    surface = text[start : cell[1]].rstrip()
    match = FIGURE.fullmatch(surface)
    numeral = parse_numeral(match.group("number")) if match else None
    if numeral is None:
        return None
    named_unit = HEADER_UNIT.search(column)
    unit = match.group("unit") or (named_unit.group(1) if named_unit else None)
    column = HEADER_UNIT.sub("", column)
    indicator = "·".join(part for part in (row_header, column) if part) or None
    return {
        "text": surface, "value": numeral.value, "value_high": None, "unit": unit, "qualifier": None,
        "change_group": None, "change_role": None, "start": start, "end": start + len(surface),
        "indicator": indicator, "indicator_norm": None,
        "level": "village" if VILLAGE.search(row_header) else None,
        "period": None, "kind": "share" if unit in ("%", "‰") else "result",
    }


def outside_tables(stats: list[dict], table_stats: list[dict]) -> list[dict]:
    """Statistics of the running text that do not overlap a table cell already read."""
    cells = [(s["start"], s["end"]) for s in table_stats]
    return [s for s in stats if all(s["end"] <= a or s["start"] >= b for a, b in cells)]
