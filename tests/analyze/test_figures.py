"""Tests for pipeline.analyze.figures on small synthetic tables."""

from __future__ import annotations

import re

import warnings
from pathlib import Path

import pandas as pd
import pytest

import _synthetic
from pipeline.analyze import figures

NAMES = ["model_county_heatmap", "models_by_counties", "region_clusters", "clusters", "model_timeline", "reuse_network",
         "reuse_timeline"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _glyph_warnings(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[str]:
    """Make all figures and return the 'Glyph … missing from font' warnings raised meanwhile."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures.make_figures(tables, out_dir)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_make_figures_writes_png_and_svg(tmp_path: Path) -> None:
    paths = figures.make_figures(_synthetic.tables(), tmp_path)
    assert sorted(paths) == sorted(NAMES)
    for name, png in paths.items():
        assert png == tmp_path / "figures" / f"{name}.png"
        assert png.read_bytes().startswith(PNG_MAGIC)
        assert png.with_suffix(".svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_figures_drawn_in_several_processes_are_the_same_files(tmp_path: Path) -> None:
    alone = figures.make_figures(_synthetic.tables(), tmp_path / "alone")
    pooled = figures.make_figures(_synthetic.tables(), tmp_path / "pooled", workers=2)
    assert list(pooled) == list(alone) == list(figures.FIGURES)
    for name, png in alone.items():
        assert pooled[name] == tmp_path / "pooled" / "figures" / f"{name}.png"
        for suffix in (".png", ".svg"):
            assert pooled[name].with_suffix(suffix).read_bytes() == png.with_suffix(suffix).read_bytes(), (name, suffix)


def test_chinese_labels_have_glyphs(tmp_path: Path) -> None:
    assert _glyph_warnings(_synthetic.tables(), tmp_path) == []


def test_glyph_check_fails_without_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Proves the check above can fail: with a Latin-only font the Chinese labels lose their glyphs.
    monkeypatch.setattr(figures, "register_cjk_font", lambda: "DejaVu Sans")
    assert _glyph_warnings(_synthetic.tables(), tmp_path)


def test_font_is_the_bundled_cjk_subset() -> None:
    assert figures.cjk_font_path().name == "PipelineCJKSans-Regular.otf"
    assert figures.register_cjk_font()[0] == "Pipeline CJK Sans"


def test_the_font_covers_gb2312_and_every_character_of_the_word_lists() -> None:
    """A label drawn from the corpus (a place, a unit, a model component) never falls into tofu."""
    from fontTools.ttLib import TTFont

    from pipeline.resources import DATA_DIR

    cmap = TTFont(figures.cjk_font_path()).getBestCmap()
    data = {c for path in DATA_DIR.iterdir() for c in path.read_text(encoding="utf-8") if c.isprintable() and not c.isspace()}
    assert not {c for c in data if ord(c) not in cmap}
    gb2312 = {bytes([h, low]).decode("gb2312", errors="ignore") for h in range(0xB0, 0xF8) for low in range(0xA1, 0xFF)} - {""}
    assert len(gb2312) > 6700 and not {c for c in gb2312 if ord(c) not in cmap}


@pytest.mark.parametrize("tables", [_synthetic.empty_tables(), {}], ids=["empty", "absent"])
def test_empty_tables_give_no_data_figures(tables: dict, tmp_path: Path) -> None:
    paths = figures.make_figures(tables, tmp_path)
    assert all(path.is_file() for path in paths.values())
    for draw in figures.FIGURES.values():
        fig = draw(tables)
        assert [text.get_text() for text in fig.axes[0].texts] == ["无数据"]


def test_model_county_matrix_counts_each_article_once() -> None:
    matrix = figures.model_county_matrix(_synthetic.tables())
    # d4 repeats d1 (党支部+合作社+农户 in 镇宁) and must not double the count; d3 has no county.
    assert matrix.loc["党支部+合作社+农户", "镇宁布依族苗族自治县"] == 1
    assert matrix.loc["党支部+合作社+农户", "巍山彝族回族自治县"] == 1
    assert matrix.loc["企业+合作社+农户", "巍山彝族回族自治县"] == 1
    assert matrix.loc["企业+合作社+农户", "镇宁布依族苗族自治县"] == 0
    assert list(matrix.index) == ["党支部+合作社+农户", "企业+合作社+农户"]


def test_top_models_ranks_by_counties_then_documents() -> None:
    recurrence = pd.DataFrame({"canonical": ["甲", "乙", "丙"], "n_counties": [1, 3, 3], "n_documents": [9, 2, 5]})
    assert list(figures.top_models(recurrence, 2)["canonical"]) == ["丙", "乙"]


def test_region_cluster_shares_use_cluster_labels_and_show_their_base() -> None:
    shares = figures.region_cluster_shares(_synthetic.tables(), min_measures=1)
    assert list(shares.columns) == ["0 组织·支部·引领", "1 产业·特色·基地"]
    guizhou = next(r for r in shares.index if r.startswith("贵州省"))
    assert re.fullmatch(r"贵州省（n=\d+ 条(，\d+ 篇)?）", guizhou)
    assert shares.loc[guizhou].tolist() == [0.5, 0.5]
    assert shares.loc[next(r for r in shares.index if r.startswith("云南省"))].tolist() == [1.0, 0.0]


def test_regions_under_the_minimum_are_not_drawn() -> None:
    tables = _synthetic.tables()
    base = tables["region_clusters"].groupby("region")["n_measures"].sum()
    shares = figures.region_cluster_shares(tables, min_measures=int(base.max()))
    assert [r.split("（")[0] for r in shares.index] == list(base[base == base.max()].index)


def test_model_dates_skip_missing_and_sort() -> None:
    recurrence = pd.DataFrame({"canonical": ["甲", "乙", "丙"], "first_date": ["2019-01-01", None, "2017-05-27"],
                               "last_date": ["2020-01-01", None, None]})
    assert list(figures.model_dates(recurrence)["canonical"]) == ["丙", "甲"]
