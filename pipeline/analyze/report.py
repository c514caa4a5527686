"""The HTML report of the analysis tables: a summary page whose every example links to its document.

outputs/report/index.html is the summary (figures as data URIs); report_pages.py writes the page of each
document, the documents page with its search, and the shipped script and stylesheet next to it. No page
makes a request to the network. outputs/report.html only forwards to report/index.html.
"""

from __future__ import annotations

import base64
import html
import logging
import math
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from pipeline.analyze.figures import counted_documents
from pipeline.analyze.sentences import sentence_span
from pipeline.io import table, to_list

log = logging.getLogger(__name__)

TITLE = "经验材料语料分析报告"
UNKNOWN = "未知"
TOP_TERMS = 10
MAX_ROWS = 200
NUM = ' class="num"'


SECTIONS = [("corpus", "语料规模"), ("clusters", "做法聚类"), ("models", "组织模式的复现"),
            ("regions", "地区对比"), ("statistics", "各县数据"), ("reuse", "文本复用"), ("quality", "数据质量说明"),
            ("methods", "方法与来源")]
TOP_FAMILIES = 10
FAMILY_QUOTES = 12  # occurrences quoted per family in the summary
TOP_EDGES = 100  # county pairs listed in the summary
QUOTE_CHARS = 160

# How each number of the report is made, and where it is known to be weak (README: "How accurate is it?").
METHODS = [
    ("举措", "按公文层次序号（一、>（一）>1.>（1）>①）建树，观察到的嵌套只作修正；无序号的并列引领句、一是…二是…也计入。"
             "参照集（13篇人工标注，经验材料与政府工作报告）上 F1 0.96；第四层以下较弱（0.70）。"),
    ("数据", "数值、单位、限定词（余、近、多）由数字解析得出；指标、层级（户、村、县…）、时期、类型（结果、目标、变化、占比、门槛）"
             "由句中框架词判断。参照集上数值+单位 F1 0.98，指标 0.85，层级 0.90，类型 0.96。"),
    ("各县数据", "只比较县级文件中描述本县、且指标已规范化（indicators.tsv）的数据；同一指标、单位、层级、类型才并列，并注明 n 与时期。"),
    ("地名", "地名须有行政后缀、全称或本文中的上级地名支持，不取词内字串；全国性文件记为 national。参照集上文件地点 0.92。"),
    ("做法聚类", "举措标题与正文的 TF-IDF（含领域词典），潜在语义空间上 k-means，k 取轮廓系数最大者；轮廓系数低时分组只宜作浏览入口。"),
    ("组织模式", "“A+B+C”式链条按构成分为主体链（支部、合作社、农户…）、融合公式（党建+X）与数字公式，分别统计复现。"),
]


class Links:
    """Links from the summary to document pages; remembers each linked stretch so the page can mark it."""

    def __init__(self) -> None:
        self.targets: dict[str, set[tuple[int, int]]] = {}

    def to(self, doc_id: object, start: object = None, end: object = None) -> str | None:
        """docs/<doc_id>.html, with #s<start>-<end> when the offsets are known."""
        if not isinstance(doc_id, str) or not doc_id:
            return None
        if start is None or end is None or pd.isna(start) or pd.isna(end):
            return f"docs/{doc_id}.html"
        self.targets.setdefault(doc_id, set()).add((int(start), int(end)))
        return f"docs/{doc_id}.html#s{int(start)}-{int(end)}"


def esc(value: object) -> str:
    """Escaped display text of a cell: lists joined with 、, missing values empty."""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if not isinstance(value, str) and isinstance(value, Iterable):
        return "、".join(esc(item) for item in value)
    return html.escape(str(value), quote=True)


def html_table(frame: pd.DataFrame, headers: dict[str, str], numeric: Iterable[str] = (),
               link: tuple[str, Callable[[dict], str | None]] | None = None, csv: str | None = None) -> str:
    """An HTML table of the given columns (column → header), every cell escaped; `link`: (column, record →
    href) makes that column's cells links; `csv`: the table's CSV copy, named when rows are left out."""
    if frame.empty:
        return '<p class="note">无数据</p>'
    numeric = set(numeric)
    head = "".join(f"<th>{esc(label)}</th>" for label in headers.values())
    rows = []
    for record in frame.head(MAX_ROWS).to_dict("records"):
        cells = []
        for col in headers:
            href = link[1](record) if link is not None and link[0] == col else None
            value = f'<a href="{esc(href)}">{esc(record.get(col)) or "原文"}</a>' if href else esc(record.get(col))
            cells.append(f"<td{NUM if col in numeric else ''}>{value}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    where = f"，全部见输出目录中的 {esc(csv)}" if csv else ""
    more = f'<p class="note">仅列出前 {MAX_ROWS} 行，共 {len(frame)} 行{where}。</p>' if len(frame) > MAX_ROWS else ""
    return f'<table class="interactive"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'


def figure_html(figures: dict[str, Path], name: str, caption: str) -> str:
    """The PNG of a figure embedded as a base64 data URI, or nothing if it was not made."""
    path = figures.get(name)
    png = Path(path).with_suffix(".png") if path is not None else None
    if png is None or not png.is_file():
        return ""
    data = base64.b64encode(png.read_bytes()).decode("ascii")
    return (f'<figure><img alt="{esc(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def section(anchor: str, title: str, body: str) -> str:
    """One titled section of the report."""
    return f'<section id="{anchor}"><h2>{esc(title)}</h2>{body}</section>'


def quote(sentence: object, title: object, detail: object = "", href: str | None = None) -> str:
    """A quoted source sentence followed by the document it comes from (a link to its page when known)."""
    name = f"《{esc(title)}》"
    where = (f'<a href="{esc(href)}">{name}</a>' if href else name) + (f" · {esc(detail)}" if esc(detail) else "")
    return f'<blockquote>{esc(sentence)}</blockquote><p class="source">——{where}</p>'


def documents_per_province(documents: pd.DataFrame) -> pd.DataFrame:
    """Unique documents and characters per province (unknown province last)."""
    docs = counted_documents(documents)
    if docs.empty:
        return pd.DataFrame(columns=["province", "n_documents", "chars"])
    docs = docs.assign(province=docs["province"].fillna(UNKNOWN))
    counts = docs.groupby("province").agg(n_documents=("doc_id", "nunique"), chars=("chars", "sum")).reset_index()
    counts = counts.assign(_unknown=counts["province"] == UNKNOWN)
    ordered = counts.sort_values(["_unknown", "n_documents", "province"], ascending=[True, False, True])
    return ordered.drop(columns="_unknown").reset_index(drop=True)


def corpus_section(tables: dict[str, pd.DataFrame], figures: dict[str, Path], links: Links) -> str:
    """Corpus size, input statuses and documents per province."""
    documents, manifest = table(tables, "documents"), table(tables, "manifest")
    docs = counted_documents(documents)
    n_dup = len(documents) - len(docs)
    chars = int(docs["chars"].sum()) if "chars" in docs.columns else 0
    summary = (f"<p>共 {len(docs)} 篇文档（重复的 {n_dup} 篇只计一次），{chars} 字；"
               f"输入文件 {len(manifest)} 个。</p>"
               '<p><a href="documents.html">全部文档（按省、地市、日期筛选）与全文关键词检索 →</a></p>')
    statuses = (manifest.groupby("status").size().rename("n").reset_index() if not manifest.empty
                else pd.DataFrame())
    body = summary + "<h3>输入文件状态</h3>" + html_table(statuses, {"status": "状态", "n": "数量"}, ["n"])
    body += "<h3>各省文档数</h3>" + html_table(
        documents_per_province(documents), {"province": "省份", "n_documents": "文档数", "chars": "字数"},
        ["n_documents", "chars"])
    return section("corpus", "语料规模", body)


def cluster_block(row: dict, links: Links) -> str:
    """One practice cluster: label, sizes, coherence and stability, terms and quoted examples linking to their sentences."""
    examples = to_list(row.get("examples", row.get("examples_json")))
    quotes = "".join(quote(ex.get("sentence"), ex.get("title"), ex.get("heading"), links.to(ex.get("doc_id"), ex.get("start"), ex.get("end")))
                     for ex in examples)
    if row.get("cluster") == -1:
        return (f"<h3>{esc(row.get('label'))}</h3><p>{esc(row.get('size'))} 条举措与所属组的中心相似度低于 0.2，"
                "不归入任何一组（见 practice_clusters.csv 中 cluster = -1 的行）。</p>")
    stable = row.get("stable")
    flag = "" if stable is None or (isinstance(stable, float) and math.isnan(stable)) else ("" if stable else "（不稳定）")
    quality = (f"一致性 NPMI {esc(row.get('npmi'))}，稳定性 {esc(row.get('stability'))}"
               if "npmi" in row else "")
    return (f"<h3>{esc(row.get('cluster'))}. {esc(row.get('label'))}{flag}</h3>"
            f"<p>{esc(row.get('size'))} 条举措，{esc(row.get('n_documents'))} 篇文档，"
            f"{esc(row.get('n_counties'))} 个县。{quality}。关键词：{esc(to_list(row.get('terms')))}</p>"
            + (quotes or '<p class="note">无例句</p>'))


def diagnostics_html(diagnostics: pd.DataFrame) -> str:
    """How the grouping was chosen and how much to trust it."""
    if diagnostics.empty:
        return ""
    table = html_table(diagnostics.assign(chosen=diagnostics["chosen"].map({True: "采用", False: ""})),
                       {"representation": "表示", "k": "组数", "silhouette": "轮廓系数", "npmi": "一致性 NPMI",
                        "ari_seeds": "换种子 ARI", "ari_subsamples": "80% 子样本 ARI", "score": "NPMI+ARI", "chosen": "采用"},
                       ["k", "silhouette", "npmi", "ari_seeds", "ari_subsamples", "score"])
    return ("<p>两种表示在同一组数下比较：lsa 为 TF-IDF 潜在语义空间上的 k-means，nmf 为非负矩阵分解主题。"
            "一致性是各组前 10 个关键词两两之间的归一化点互信息（以举措为共现单位）的平均；稳定性是换随机种子、"
            "在 80% 子样本上重新聚类与原结果的调整兰德指数。采用 NPMI+子样本 ARI 较高者。"
            "每组的稳定性为重新聚类中最相近组的 Jaccard 系数平均，低于 0.6 标为不稳定：这样的组只宜作浏览入口，不宜作结论。</p>"
            + table)


def clusters_section(tables: dict[str, pd.DataFrame], figures: dict[str, Path], links: Links) -> str:
    """Practice clusters with examples quoting their source sentences."""
    clusters = table(tables, "clusters")
    body = figure_html(figures, "clusters", "做法聚类（标签与规模）")
    body += figure_html(figures, "region_clusters", "各地区做法类型构成")
    if clusters.empty:
        return section("clusters", "做法聚类", body + '<p class="note">无数据</p>')
    body += diagnostics_html(table(tables, "cluster_diagnostics"))
    ordered = clusters.assign(_other=clusters["cluster"] == -1).sort_values(["_other", "size", "cluster"], ascending=[True, False, True])
    body += "".join(cluster_block(row, links) for row in ordered.drop(columns="_other").to_dict("records"))
    return section("clusters", "做法聚类", body)


def model_examples(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For each canonical model, the source sentence and title of its earliest mention."""
    models, docs = table(tables, "models"), counted_documents(table(tables, "documents"))
    if models.empty or docs.empty:
        return pd.DataFrame(columns=["canonical", "example", "example_title", "example_doc", "example_start", "example_end"])
    merged = models.merge(docs[["doc_id", "title", "date"]], on="doc_id")
    first = merged.sort_values(["date", "doc_id", "start"], na_position="last").drop_duplicates("canonical")
    texts = docs.set_index("doc_id")["text"]
    spans = [sentence_span(texts[r.doc_id], int(r.start), int(r.end)) for r in first.itertuples()]
    return pd.DataFrame({"canonical": first["canonical"].to_numpy(),
                         "example": [texts[d][a:b] for d, (a, b) in zip(first["doc_id"], spans)],
                         "example_title": first["title"].to_numpy(), "example_doc": first["doc_id"].to_numpy(),
                         "example_start": [a for a, _ in spans], "example_end": [b for _, b in spans]})


def models_section(tables: dict[str, pd.DataFrame], figures: dict[str, Path], links: Links) -> str:
    """Model recurrence table with an example sentence per model, and the model figures."""
    body = figure_html(figures, "models_by_counties", "组织模式：出现的县数")
    body += figure_html(figures, "model_county_heatmap", "组织模式 × 县：提及文档数")
    body += figure_html(figures, "model_timeline", "组织模式首次出现时间")
    recurrence = table(tables, "model_recurrence")
    if not recurrence.empty:
        recurrence = recurrence.sort_values(["n_counties", "n_documents"], ascending=False)
        recurrence = recurrence.merge(model_examples(tables), on="canonical", how="left")
    headers = {"canonical": "模式", "n_documents": "文档数", "n_counties": "县数", "n_provinces": "省数",
               "first_date": "首见", "last_date": "末见", "counties": "县", "surfaces": "原文写法",
               "example": "例句", "example_title": "出处"}
    numbers = ["n_documents", "n_counties", "n_provinces"]
    link = ("example_title", lambda r: links.to(r.get("example_doc"), r.get("example_start"), r.get("example_end")))
    if "kind" not in recurrence:
        return section("models", "组织模式的复现", body + html_table(recurrence, headers, numbers, link, "model_recurrence.csv"))
    for kind, title in MODEL_KINDS.items():
        body += titled_table(title, recurrence[recurrence["kind"].eq(kind)], headers, numbers, link, "model_recurrence.csv")
    return section("models", "组织模式的复现", body)


MODEL_KINDS = {"actor chain": "组织模式（主体链条：党支部+合作社+农户 …）",
               "integration formula": "融合提法（党建+X、互联网+X …）",
               "numeric formula": "数字公式（5+3、1+N …）"}


LEVEL_NAMES = {"province": "省级", "prefecture": "地市级"}


def region_levels(regions: pd.DataFrame) -> pd.DataFrame:
    """Regions with their level written in Chinese for readers of the report."""
    return regions.assign(level=regions["level"].map(lambda v: LEVEL_NAMES.get(v, v))) if not regions.empty else regions


def region_rows(regions: pd.DataFrame, terms: pd.DataFrame) -> pd.DataFrame:
    """Ranked regions with their top z-score terms as 'term (z)' strings."""
    ranked = regions[regions["status"] == "ranked"]
    if ranked.empty:
        return ranked
    top = terms[terms["rank"] <= TOP_TERMS].sort_values("rank") if not terms.empty else terms
    labels = {(lvl, reg): [f"{t}（z={z:.1f}）" for t, z in zip(g["term"], g["z"])]
              for (lvl, reg), g in (top.groupby(["level", "region"]) if not top.empty else [])}
    return region_levels(ranked.assign(top_terms=[labels.get((r.level, r.region), []) for r in ranked.itertuples()]))


def regions_section(tables: dict[str, pd.DataFrame], figures: dict[str, Path], links: Links) -> str:
    """Distinctive terms per ranked region; regions with too little text listed as such."""
    regions, terms = table(tables, "regions"), table(tables, "region_terms")
    if regions.empty:
        return section("regions", "地区对比", '<p class="note">无数据</p>')
    body = "<h3>各地区最具区分度的词（按 z 值）</h3>" + html_table(
        region_rows(regions, terms), {"level": "层级", "region": "地区", "n_documents": "文档数",
                                      "n_chars": "字数", "top_terms": "特征词"}, ["n_documents", "n_chars"])
    thin = region_levels(regions[regions["status"] != "ranked"])
    body += "<h3>文本太少、未参与排序的地区</h3>" + html_table(
        thin, {"level": "层级", "region": "地区", "n_documents": "文档数", "n_chars": "字数"},
        ["n_documents", "n_chars"])
    return section("regions", "地区对比", body)


def statistics_section(tables: dict[str, pd.DataFrame], figures: dict[str, Path], links: Links) -> str:
    """County statistics, each with its source sentence and document title."""
    stats = table(tables, "county_statistics")
    headers = {"county": "县", "indicator": "指标", "kind": "类型", "period": "时期", "text": "数值",
               "qualifier": "限定", "n_documents": "文档数", "sentence": "原句", "title": "出处"}
    note = ("<p>只比较可比的数：县级文档中描述本县的数字，按指标、单位、层级和类型（结果、目标、变化、占比、门槛）分组；"
            "村、企业或规则的数字不计入县的比较。</p>")
    link = ("title", lambda r: links.to(r.get("doc_id"), r.get("start"), r.get("end")))
    return section("statistics", "各县数据", note + html_table(stats, headers, ["n_documents"], link, "county_statistics.csv"))


def reuse_section(tables: dict[str, pd.DataFrame], figures: dict[str, Path], links: Links) -> str:
    """The most travelled passages, every occurrence quoted with its document; county edges; common formulas."""
    from pipeline.analyze.reuse import family_texts, passage_families

    reuse, docs = table(tables, "reuse"), table(tables, "documents")
    if reuse.empty:
        body = '<p class="note">没有发现文档之间共享的段落（每段至少 40 字，公文套语除外）。</p>'
        return section("reuse", "文本复用", body + formulas_table(table(tables, "common_formulas")))
    found = passage_families(tables)
    sources = dict(zip(docs["doc_id"], docs["source"])) if "source" in docs else {}
    pairs = reuse[["doc_a", "doc_b"]].drop_duplicates()
    body = (f'<p>{len(reuse)} 段共享文字，涉及 {len(pairs)} 对文档，归为 {found["family"].nunique()} 组；'
            f'{int(reuse["directed"].sum())} 段两端都有日期，可判断先后。</p>')
    body += figure_html(figures, "reuse_network", "县际文本复用网络") + figure_html(figures, "reuse_timeline", "传播最广段落的时间线")
    top = found[found["family"] < TOP_FAMILIES]
    quoted = family_texts(top.groupby("family", sort=True).head(FAMILY_QUOTES), docs)  # cut once, for every quote
    for family, group in top.groupby("family", sort=True):
        body += f"<h3>第 {family + 1} 组：出现在 {group['doc_id'].nunique()} 篇文档</h3>"
        if len(group) > FAMILY_QUOTES:  # the summary stays readable and small; reuse.csv holds every occurrence
            body += f'<p class="note">列出最早的 {FAMILY_QUOTES} 处，其余 {len(group) - FAMILY_QUOTES} 处见 reuse.csv。</p>'
        for row in quoted[quoted["family"] == family].to_dict("records"):
            place = next((v for v in (row["county"], row["province"]) if isinstance(v, str)), "")
            date = row["date"] if isinstance(row["date"], str) else "日期不详"
            detail = f"{place} {date} · {sources.get(row['doc_id'], row['doc_id'])} · 字符 {row['start']}–{row['end']}"
            text = str(row["text"])
            body += quote(text[:QUOTE_CHARS] + ("…" if len(text) > QUOTE_CHARS else ""), row["title"], detail,
                          links.to(row["doc_id"], row["start"], row["end"]))
    edges = table(tables, "diffusion")
    body += "<h3>县与县之间</h3>"
    if len(edges) > TOP_EDGES:
        body += f'<p class="note">共享字数最多的 {TOP_EDGES} 对县，全部 {len(edges)} 对见 diffusion.csv。</p>'
    body += html_table(
        edges.sort_values("shared_chars", ascending=False, kind="stable").head(TOP_EDGES) if not edges.empty else edges,
        {"source_county": "先（县）", "target_county": "后（县）", "directed": "有先后", "first_date": "最早日期",
         "lag_days": "间隔（天）", "shared_chars": "共享字数", "n_passages": "段数"}, ["lag_days", "shared_chars", "n_passages"])
    return section("reuse", "文本复用", body + formulas_table(table(tables, "common_formulas")))


def formulas_table(formulas: pd.DataFrame) -> str:
    """The formulas most documents write (not counted as reuse)."""
    return "<h3>公文套语（多数文档都写，不计为复用）</h3>" + html_table(
        formulas.head(20), {"surface": "套语（示例）", "n_documents": "文档数"}, ["n_documents"])


def flagged(documents: pd.DataFrame, column: str) -> pd.DataFrame:
    """Unique documents whose boolean quality flag is set."""
    if column not in documents.columns:
        return documents.iloc[0:0]
    return documents[documents[column].fillna(False).astype(bool)]


def mojibake_counts(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents with mojibake spans and how many each has."""
    if "mojibake_spans" not in documents.columns or documents.empty:
        return pd.DataFrame(columns=["doc_id", "title", "n_spans"])
    counts = documents.assign(n_spans=[len(to_list(v)) for v in documents["mojibake_spans"]])
    return counts[counts["n_spans"] > 0]


def duplicate_rows(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents marked as duplicates of another document."""
    if "duplicate_of" not in documents.columns:
        return documents.iloc[0:0]
    return documents[documents["duplicate_of"].notna()]


def titled_table(title: str, frame: pd.DataFrame, headers: dict[str, str], numeric: Iterable[str] = (),
                 link: tuple[str, Callable[[dict], str | None]] | None = None, csv: str | None = None) -> str:
    """A subsection heading with the row count, then the table."""
    return f"<h3>{esc(title)}（{len(frame)}）</h3>" + html_table(frame, headers, numeric, link, csv)


def input_problems(manifest: pd.DataFrame) -> str:
    """Rejected and duplicate inputs from the manifest, with their reasons."""
    rejected = manifest[manifest["status"] == "rejected"] if not manifest.empty else manifest
    duplicates = manifest[manifest["status"] == "duplicate"] if not manifest.empty else manifest
    return (titled_table("被拒绝的输入", rejected, {"source": "文件", "reason": "原因", "encoding": "编码"})
            + titled_table("重复的输入", duplicates, {"source": "文件", "reason": "原因", "doc_ids": "文档"}))


def document_problems(documents: pd.DataFrame, links: Links | None = None) -> str:
    """Duplicate documents, truncated pages, count mismatches and mojibake, each linking to its page."""
    links = links or Links()
    unique, headers = counted_documents(documents), {"doc_id": "文档", "title": "标题", "source": "来源"}
    mojibake = mojibake_counts(unique)
    link = ("title", lambda r: links.to(r.get("doc_id")))
    return (titled_table("重复的文档（统计时只计一次）", duplicate_rows(documents), {**headers, "duplicate_of": "重复于"}, link=link)
            + titled_table("页面不完整（truncated）", flagged(unique, "truncated"), headers, link=link)
            + titled_table("条目数与标题不符（count_mismatch）", flagged(unique, "count_mismatch"), headers, link=link)
            + titled_table(f"含乱码的文档（共 {int(mojibake['n_spans'].sum())} 处）", mojibake,
                           {**headers, "n_spans": "乱码处数"}, ["n_spans"], link))


def quality_section(tables: dict[str, pd.DataFrame], figures: dict[str, Path], links: Links) -> str:
    """Rejected inputs, duplicates, truncated pages, count mismatches and mojibake."""
    body = input_problems(table(tables, "manifest")) + document_problems(table(tables, "documents"), links)
    return section("quality", "数据质量说明", body)


def methods_section(record: dict) -> str:
    """How the numbers are made, and what made this report: versions, parameters, corpus and word lists.

    Only what is the same for every run of the same code on the same corpus is shown (no times, no
    absolute paths), so two runs give the same report byte for byte.
    """
    rows = "".join(f"<li><b>{esc(name)}</b>：{esc(text)}</li>" for name, text in METHODS)
    env, inputs = record.get("environment", {}), record.get("inputs", {})
    if not env:
        return section("methods", "方法与来源", f"<ul>{rows}</ul><p class=\"note\">本输出目录没有 run.json，无法说明版本与输入。</p>")
    code = env.get("pipeline", {})
    commit = (code.get("commit") or "无 git 提交")[:12] + ("（有未提交的修改）" if code.get("dirty") else "")
    packages = ", ".join(f"{esc(k)} {esc(v)}" for k, v in sorted(env.get("packages", {}).items()))
    parameters = ", ".join(f"{esc(k)}={esc(v)}" for stage in env.get("parameters", {}).values() for k, v in sorted(stage.items()))
    corpus, data = inputs.get("corpus", {}), inputs.get("data", {})
    lists = ", ".join(f"{esc(name)} {esc(digest)}" for name, digest in sorted(data.get("files", {}).items()))
    facts = [("版本", f"pipeline {esc(code.get('version'))}，提交 {esc(commit)}，Python {esc(env.get('python'))}"),
             ("参数", parameters or "默认"),
             ("语料", f"{esc(corpus.get('n_entries'))} 个文件，指纹 {esc(corpus.get('fingerprint'))}"),
             ("词表", f"指纹 {esc(data.get('fingerprint'))}<details><summary>各词表</summary>{lists}</details>"),
             ("依赖", f"<details><summary>{len(env.get('packages', {}))} 个包的版本</summary>{packages}</details>")]
    facts_html = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in facts)
    return section("methods", "方法与来源", f"<ul>{rows}</ul><table>{facts_html}</table>"
                   '<p class="note">完整记录（含各阶段耗时与内存）见输出目录中的 run.json。</p>')


def page(body: str) -> str:
    """The summary page around the sections (stylesheet and script from assets/)."""
    from pipeline.analyze.report_pages import page_html

    nav = "".join(f'<a href="#{anchor}">{esc(title)}</a>' for anchor, title in SECTIONS) + '<a href="documents.html">全部文档</a>'
    return page_html(TITLE, f"<h1>{esc(TITLE)}</h1><nav>{nav}</nav>{body}", "assets/")


def render_report(tables: dict[str, pd.DataFrame], figures: dict[str, Path], record: dict | None = None,
                  links: Links | None = None) -> str:
    """The summary page as one HTML string; `record` is the output folder's run.json; `links` collects the
    stretches of documents the page links to."""
    links = links or Links()
    builders = [corpus_section, clusters_section, models_section, regions_section, statistics_section,
                reuse_section, quality_section]
    return page("".join(build(tables, figures, links) for build in builders) + methods_section(record or {}))


FORWARD = ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=report/index.html">'
           '<title>报告</title></head><body><p><a href="report/index.html">打开报告 report/index.html</a></p></body></html>\n')


def write_report(tables: dict[str, pd.DataFrame], figures: dict[str, Path], out_dir: Path, workers: int = 1) -> Path:
    """Write the report folder out_dir/report/ (and out_dir/report.html forwarding to it), its document
    pages in `workers` processes; the index path."""
    from pipeline.analyze.report_pages import write_folder
    from pipeline.provenance import read_record

    links = Links()
    index = render_report(tables, figures, read_record(out_dir), links)
    path = write_folder(tables, Path(out_dir) / "report", index, links.targets, workers)
    (Path(out_dir) / "report.html").write_text(FORWARD, encoding="utf-8")
    log.info("wrote %s", path)
    return path
