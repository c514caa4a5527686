"""Figures of the analysis tables, written as PNG and SVG with Chinese glyphs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.analyze.sentences import unique_documents
from pipeline.io import table as _table

log = logging.getLogger(__name__)

# A subset of Noto Sans CJK SC shipped with the package (SIL OFL 1.1; pipeline/fonts/LICENSE-OFL.txt,
# made by scripts/subset_font.py): GB 2312, punctuation and every character of the word lists.
FONT_FILE = Path(__file__).resolve().parent.parent / "fonts" / "PipelineCJKSans-Regular.otf"
# Used for a character outside the subset when the machine has it (Debian: fonts-noto-cjk).
SYSTEM_FALLBACK = "Noto Sans CJK SC"
NO_DATA = "无数据"
TOP_MODELS = 15
TOP_COUNTIES = 20
TOP_REGIONS = 25


class MissingFontError(RuntimeError):
    """The bundled CJK font could not be found."""


def cjk_font_path() -> Path:
    """Path of the bundled CJK font."""
    if not FONT_FILE.is_file():
        raise MissingFontError(f"{FONT_FILE} is missing: reinstall the package (the font is package data)")
    return FONT_FILE


def register_cjk_font() -> list[str]:
    """Register the bundled CJK font with matplotlib (once); the font families to use, in order."""
    from matplotlib import font_manager

    path = str(cjk_font_path())
    if not any(entry.fname == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    families = [font_manager.FontProperties(fname=path).get_name()]
    if any(entry.name == SYSTEM_FALLBACK for entry in font_manager.fontManager.ttflist):
        families.append(SYSTEM_FALLBACK)
    return families


SVG_SALT = "pipeline"


def cjk_rc(families: list[str] | str) -> dict[str, object]:
    """rcParams that draw Chinese text with the given families, in order (glyphs as paths in SVG)."""
    families = [families] if isinstance(families, str) else families
    return {"font.family": "sans-serif", "font.sans-serif": [*families, "DejaVu Sans"],
            "axes.unicode_minus": False, "svg.fonttype": "path", "svg.hashsalt": SVG_SALT}


def counted_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Non-duplicate documents (each article once); an absent, column-less table stays empty."""
    return unique_documents(documents) if "doc_id" in documents.columns else documents


def top_models(recurrence: pd.DataFrame, n: int = TOP_MODELS) -> pd.DataFrame:
    """The n most widespread models: most counties first, then most documents."""
    if recurrence.empty:
        return recurrence
    if "kind" in recurrence:  # integration and numeric formulas (党建+X, 5+N) are not organisational models
        recurrence = recurrence[recurrence["kind"].eq("actor chain")]
    elif "numeric" in recurrence:
        recurrence = recurrence[~recurrence["numeric"].fillna(False).astype(bool)]
    ranked = recurrence.sort_values(["n_counties", "n_documents", "canonical"], ascending=[False, False, True])
    return ranked.head(n)


def model_county_matrix(tables: dict[str, pd.DataFrame], n_models: int = TOP_MODELS,
                        n_counties: int = TOP_COUNTIES) -> pd.DataFrame:
    """Documents mentioning each widespread model (rows) in each county (columns)."""
    models, docs = _table(tables, "models"), counted_documents(_table(tables, "documents"))
    ranked = top_models(_table(tables, "model_recurrence"), n_models)
    if models.empty or docs.empty or ranked.empty:
        return pd.DataFrame()
    merged = models.merge(docs[["doc_id", "county"]], on="doc_id").dropna(subset=["county"])
    merged = merged[merged["canonical"].isin(ranked["canonical"])]
    if merged.empty:
        return pd.DataFrame()
    counts = merged.groupby(["canonical", "county"])["doc_id"].nunique().unstack(fill_value=0)
    columns = counts.sum().sort_values(ascending=False, kind="stable").index[:n_counties]
    rows = [name for name in ranked["canonical"] if name in counts.index]
    return counts.loc[rows, columns]


MIN_REGION_MEASURES = 20  # a region's bar is drawn only when its shares rest on at least this many measures


def region_cluster_shares(tables: dict[str, pd.DataFrame], n_regions: int = TOP_REGIONS,
                          min_measures: int = MIN_REGION_MEASURES) -> pd.DataFrame:
    """Share of each practice cluster (columns, labelled) per region (rows), provinces preferred; regions
    with fewer than `min_measures` measures left out, each row labelled with its base (n measures, documents)."""
    shares = _table(tables, "region_clusters")
    if shares.empty:
        return pd.DataFrame()
    level = "province" if (shares["level"] == "province").any() else shares["level"].iloc[0]
    shares = shares[shares["level"] == level]
    base = shares.groupby("region")["n_measures"].sum()
    shares = shares[shares["region"].map(base) >= min_measures]
    if shares.empty:
        return pd.DataFrame()
    table = shares.pivot_table(index="region", columns="cluster", values="share", aggfunc="sum", fill_value=0.0)
    order = base[base >= min_measures].sort_values(ascending=False, kind="stable").index
    table = table.loc[order[:n_regions]]
    regions = _table(tables, "regions")
    docs = dict(zip(regions["region"], regions["n_documents"])) if not regions.empty else {}
    table.index = [f"{r}（n={int(base[r])} 条，{int(docs[r])} 篇）" if r in docs else f"{r}（n={int(base[r])} 条）" for r in table.index]
    return table.rename(columns=cluster_labels(_table(tables, "clusters")))


def cluster_labels(clusters: pd.DataFrame) -> dict[int, str]:
    """Display label per cluster number, e.g. '3 产业·合作社·增收'."""
    if clusters.empty:
        return {}
    unstable = {int(r.cluster) for r in clusters.itertuples() if getattr(r, "stable", True) is False}
    return {int(row.cluster): (row.label if int(row.cluster) < 0 else f"{int(row.cluster)} {row.label}")
            + ("（不稳定）" if int(row.cluster) in unstable else "") for row in clusters.itertuples()}


def model_dates(recurrence: pd.DataFrame, n: int = TOP_MODELS * 2) -> pd.DataFrame:
    """First and last dates of the models that have a first date, earliest first."""
    if recurrence.empty:
        return pd.DataFrame()
    dates = recurrence.assign(first=pd.to_datetime(recurrence["first_date"], errors="coerce"),
                              last=pd.to_datetime(recurrence["last_date"], errors="coerce"))
    dates = dates.dropna(subset=["first"]).sort_values(["first", "canonical"])
    return dates.head(n)[["canonical", "first", "last"]]


def _figure(width: float, height: float):
    """A figure bound to the Agg canvas directly, leaving pyplot's global backend untouched."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _integer_axis(axis) -> None:
    """Tick an axis of counts at whole numbers only."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _category_colors(n: int) -> list:
    """n distinguishable colours (tab20 then tab20b: up to 40 before repeating)."""
    from matplotlib import colormaps

    palette = [colormaps[name](i) for name in ("tab20", "tab20b") for i in range(20)]
    return [palette[i % len(palette)] for i in range(n)]


def _date_axis(axis) -> None:
    """Readable date ticks whatever the time span."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator()
    axis.set_major_locator(locator)
    axis.set_major_formatter(ConciseDateFormatter(locator))


def no_data_figure(title: str):
    """A figure that says 无数据 under the given title."""
    fig = _figure(6, 3)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, NO_DATA, ha="center", va="center", fontsize=24, color="grey")
    return fig


def _annotate_counts(ax, matrix: pd.DataFrame) -> None:
    """Write each non-zero count in its heatmap cell, white on dark cells."""
    dark = matrix.to_numpy().max() / 2
    for (row, col), value in pd.DataFrame(matrix.to_numpy()).stack().items():
        if value:
            ax.text(col, row, str(value), ha="center", va="center", fontsize=8,
                    color="white" if value > dark else "black")


def heatmap_figure(tables: dict[str, pd.DataFrame]):
    """Heatmap of the most widespread models × counties (documents per cell)."""
    title = "组织模式 × 县：提及文档数"
    matrix = model_county_matrix(tables)
    if matrix.empty:
        return no_data_figure(title)
    fig = _figure(2.5 + 0.55 * matrix.shape[1], 1.8 + 0.4 * matrix.shape[0])
    ax = fig.add_subplot()
    image = ax.imshow(matrix.to_numpy(), cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(matrix.shape[1]), matrix.columns, rotation=60, ha="right")
    ax.set_yticks(range(matrix.shape[0]), matrix.index)
    _annotate_counts(ax, matrix)
    from matplotlib.ticker import MaxNLocator

    fig.colorbar(image, ax=ax, label="文档数", ticks=MaxNLocator(integer=True))
    ax.set_title(title)
    return fig


def models_by_counties_figure(tables: dict[str, pd.DataFrame]):
    """Horizontal bars: models ranked by the number of counties reporting them."""
    title = "组织模式：出现的县数"
    ranked = top_models(_table(tables, "model_recurrence"))
    if ranked.empty:
        return no_data_figure(title)
    fig = _figure(7, 1.5 + 0.35 * len(ranked))
    ax = fig.add_subplot()
    ax.barh(ranked["canonical"], ranked["n_counties"], color="#4878a8")
    ax.invert_yaxis()  # most widespread on top
    _integer_axis(ax.xaxis)
    ax.set_xlabel("县数")
    ax.set_title(title)
    return fig


def region_clusters_figure(tables: dict[str, pd.DataFrame]):
    """Stacked bars: share of each practice cluster among a region's measures."""
    title = f"各地区做法类型构成（只画举措不少于 {MIN_REGION_MEASURES} 条的地区；n 为举措数与文档数）"
    shares = region_cluster_shares(tables)
    if shares.empty:
        return no_data_figure(title)
    fig = _figure(8, 1.8 + 0.4 * len(shares))
    ax = fig.add_subplot()
    left, colors = pd.Series(0.0, index=shares.index), _category_colors(len(shares.columns))
    for label, color in zip(shares.columns, colors):
        ax.barh(shares.index, shares[label], left=left, label=str(label), color=color)
        left = left + shares[label]
    ax.invert_yaxis()
    ax.set_xlabel("占举措比例")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.set_title(title)
    return fig


def clusters_figure(tables: dict[str, pd.DataFrame]):
    """Horizontal bars: practice clusters with their labels and sizes."""
    title = "做法聚类（标签与规模；浅色：不稳定；灰色：不属于任何一组）"
    clusters = _table(tables, "clusters")
    if clusters.empty:
        return no_data_figure(title)
    ordered = clusters.assign(_other=clusters["cluster"] < 0).sort_values(["_other", "size", "cluster"], ascending=[True, False, True])
    labels = [cluster_labels(ordered)[int(c)] for c in ordered["cluster"]]
    colors = ["#bbbbbb" if c < 0 else ("#b5d3a8" if s is False else "#6a9f58")
              for c, s in zip(ordered["cluster"], ordered["stable"] if "stable" in ordered else [True] * len(ordered))]
    fig = _figure(7, 1.5 + 0.35 * len(ordered))
    ax = fig.add_subplot()
    bars = ax.barh(labels, ordered["size"], color=colors)
    ax.bar_label(bars, labels=[str(int(s)) for s in ordered["size"]], padding=2, fontsize=8)
    ax.invert_yaxis()
    _integer_axis(ax.xaxis)
    ax.set_xlabel("举措数")
    ax.set_title(title)
    return fig


def timeline_figure(tables: dict[str, pd.DataFrame]):
    """Timeline: when each model first (dot) and last (line end) appears."""
    title = "组织模式首次出现时间（点：首次；灰线：延续到最后一次）"
    dates = model_dates(_table(tables, "model_recurrence"))
    if dates.empty:
        return no_data_figure(title)
    fig = _figure(8, 1.5 + 0.35 * len(dates))
    ax = fig.add_subplot()
    rows = list(range(len(dates)))
    last = dates["last"].fillna(dates["first"])
    ax.hlines(rows, dates["first"], last, color="#bbbbbb")
    ax.plot(dates["first"], rows, "o", color="#c44e52")
    ax.set_yticks(rows, dates["canonical"])
    ax.invert_yaxis()
    _date_axis(ax.xaxis)
    ax.set_title(title)
    return fig


NETWORK_EDGES = 150  # county pairs drawn in the reuse network


def reuse_network_figure(tables: dict[str, pd.DataFrame]):
    """Counties on a circle, grouped by province; a line per county pair sharing passages (arrow: earlier → later)."""
    import math

    title = "县际文本复用（箭头：较早 → 较晚；线宽：共享字数）"
    edges = _table(tables, "diffusion")
    if edges.empty:
        return no_data_figure(title)
    if len(edges) > NETWORK_EDGES:  # thousands of arrows draw one blot (and take minutes): the strongest pairs
        title += f"\n共享字数最多的 {NETWORK_EDGES} 对县（共 {len(edges)} 对，见 diffusion.csv）"
        edges = edges.sort_values(["shared_chars", "source_county", "target_county"], ascending=[False, True, True],
                                  kind="stable").head(NETWORK_EDGES)
    nodes = sorted(set(zip(edges["source_province"].fillna(""), edges["source_county"]))
                   | set(zip(edges["target_province"].fillna(""), edges["target_county"])))
    angle = {county: 2 * math.pi * i / len(nodes) for i, (_, county) in enumerate(nodes)}
    where = {c: (math.cos(a), math.sin(a)) for c, a in angle.items()}
    provinces = sorted({p for p, _ in nodes})
    color = dict(zip(provinces, _category_colors(len(provinces))))
    fig = _figure(8, 8)
    ax = fig.add_subplot()
    widest = max(edges["shared_chars"].max(), 1)
    for row in edges.itertuples(index=False):
        (x0, y0), (x1, y1) = where[row.source_county], where[row.target_county]
        width = 0.5 + 3 * math.log1p(row.shared_chars) / math.log1p(widest)
        style = "-|>" if row.directed else "-"
        ax.annotate("", (x1, y1), (x0, y0), arrowprops={"arrowstyle": style, "lw": width, "color": "#4878a8", "alpha": 0.6,
                                                         "shrinkA": 6, "shrinkB": 6})
    for province, county in nodes:
        x, y = where[county]
        ax.plot(x, y, "o", color=color[province], markersize=9)
        ax.text(1.12 * x, 1.12 * y, county, ha="center", va="center", fontsize=8)
    for province in provinces:
        ax.plot([], [], "o", color=color[province], label=province or "省份未知")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.set_xlim(-1.4, 1.4), ax.set_ylim(-1.4, 1.4), ax.set_aspect("equal"), ax.set_axis_off()
    ax.set_title(title)
    return fig


TIMELINE_ROWS = 30  # occurrences drawn in the reuse timeline


def reuse_timeline_figure(tables: dict[str, pd.DataFrame]):
    """The most travelled passage: where and when each of its occurrences was published."""
    from pipeline.analyze.reuse import family_texts, passage_families

    title = "传播最广的段落：各次出现的时间与地点"
    found = passage_families(tables)
    first = found[found["family"] == 0] if not found.empty else found
    dates = pd.to_datetime(first["date"], format="ISO8601", errors="coerce") if not first.empty else pd.Series(dtype="datetime64[ns]")
    if first.empty or dates.isna().all():
        return no_data_figure(title)
    first = first.assign(when=dates).dropna(subset=["when"]).sort_values(["when", "doc_id"])
    total = len(first)
    first = family_texts(first.head(TIMELINE_ROWS), _table(tables, "documents"))  # the earliest: a readable height
    if total > TIMELINE_ROWS:
        title += f"（最早 {TIMELINE_ROWS} 处，共 {total} 处）"
    labels = [f"{c if isinstance(c, str) else (p if isinstance(p, str) else '')} {str(t)[:16]}".strip()
              for c, p, t in zip(first["county"], first["province"], first["title"])]
    fig = _figure(8, 1.8 + 0.4 * len(first))
    ax = fig.add_subplot()
    rows = list(range(len(first)))
    ax.plot(first["when"], rows, "o-", color="#c44e52")
    ax.set_yticks(rows, labels)
    ax.invert_yaxis()
    _date_axis(ax.xaxis)
    ax.set_title(f"{title}\n「{str(first['text'].iloc[0])[:24]}…」", fontsize=10)
    return fig


FIGURES: dict[str, Callable] = {
    "model_county_heatmap": heatmap_figure,
    "models_by_counties": models_by_counties_figure,
    "region_clusters": region_clusters_figure,
    "clusters": clusters_figure,
    "model_timeline": timeline_figure,
    "reuse_network": reuse_network_figure,
    "reuse_timeline": reuse_timeline_figure,
}


def save_figure(fig, directory: Path, name: str) -> Path:
    """Write NAME.png and NAME.svg into directory; return the PNG path."""
    png = directory / f"{name}.png"
    fig.savefig(png, dpi=150, metadata={"Software": None})
    # No date and a fixed id salt: the same tables give byte-identical SVGs on every run.
    fig.savefig(directory / f"{name}.svg", metadata={"Date": None, "Creator": None})
    return png


def make_figures(tables: dict[str, pd.DataFrame], out_dir: Path, workers: int = 1) -> dict[str, Path]:
    """Draw every figure into out_dir/figures/ (PNG + SVG), in `workers` processes when there are several
    (each figure is drawn on its own: the same files either way); map figure name to its PNG path."""
    from pipeline.executor import as_sent, pool_map

    directory = Path(out_dir) / "figures"
    directory.mkdir(parents=True, exist_ok=True)
    names = list(FIGURES)
    if workers <= 1:
        return {name: draw_figure(name, tables, directory) for name in names}
    return dict(zip(names, pool_map(draw_figure, names, (tables, directory), min(workers, len(names)), as_sent)))


def draw_figure(name: str, tables: dict[str, pd.DataFrame], directory: Path) -> Path:
    """Draw one figure of FIGURES into directory (PNG + SVG); its PNG path."""
    import matplotlib

    # Fonts are resolved when drawing, so saving must happen inside the same rc context.
    with matplotlib.rc_context(cjk_rc(register_cjk_font())):
        path = save_figure(FIGURES[name](tables), directory, name)
    log.debug("wrote figure %s", path)
    return path
