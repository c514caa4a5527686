"""Small synthetic input and analysis tables shaped like the analyze-stage contract."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

XSS = "<script>alert(1)</script>"

# Each document: (doc_id, title, date, province, prefecture, county, text, duplicate_of)
DOCS = [
    ("d1", "镇宁县脱贫攻坚经验材料", "2018-09-05", "贵州省", "安顺市", "镇宁布依族苗族自治县",
     "一、强化组织引领\n镇宁县推行党支部+合作社+农户模式，带动建档立卡贫困户1200余户增收。\n"
     "（一）发展特色产业。全县建成蜂糖李基地3万亩。", None),
    ("d2", "巍山县关于加强基层党建的通知", "2017-05-27", "云南省", "大理白族自治州", "巍山彝族回族自治县",
     "一、抓好支部建设\n巍山县推广支部+合作社+农户，培育企业+合作社+农户模式，发展合作社85个。", None),
    ("d3", "四川省推进乡村振兴纪实", "2019-03-01", "四川省", None, None,
     "四川省各地探索企业+合作社+农户模式，群众收入稳步增长。", None),
    ("d4", "镇宁县脱贫攻坚经验材料（转载）", "2018-09-06", "贵州省", "安顺市", "镇宁布依族苗族自治县",
     "一、强化组织引领\n镇宁县推行党支部+合作社+农户模式，带动建档立卡贫困户1200余户增收。", "d1"),
    ("d5", f"{XSS}测试标题", None, None, None, None,
     f"网页残留{XSS}脚本。合作社带动群众增收。", None),
]


def _span(text: str, surface: str) -> tuple[int, int]:
    """Offsets of the first occurrence of surface in text."""
    start = text.index(surface)
    return start, start + len(surface)


def documents() -> pd.DataFrame:
    """The documents table (d4 duplicates d1; d5 carries an HTML injection attempt)."""
    rows = []
    for doc_id, title, date, province, prefecture, county, text, dup in DOCS:
        rows.append({
            "doc_id": doc_id, "source": f"raw/{doc_id}.txt", "part": 0, "title": title, "date": date,
            "source_unit": None, "url": None, "script": "simplified", "text": text, "chars": len(text),
            "duplicate_of": dup, "province": province, "prefecture": prefecture, "county": county,
            "adcode": None, "place_confidence": 0.9, "place_level": "county" if county else "province",
            "truncated": doc_id == "d3", "count_mismatch": doc_id == "d2",
            "mojibake_spans": [[0, 2]] if doc_id == "d5" else [],
        })
    return pd.DataFrame(rows)


def _text(doc_id: str) -> str:
    """Text of one synthetic document."""
    return next(d[6] for d in DOCS if d[0] == doc_id)


def measures() -> pd.DataFrame:
    """Two headed measures in d1 and one in d2."""
    rows = []
    for doc_id, mid, heading, level in [("d1", "d1-m1", "强化组织引领", 1), ("d1", "d1-m2", "发展特色产业", 2),
                                        ("d2", "d2-m1", "抓好支部建设", 1)]:
        text = _text(doc_id)
        start = text.index(heading) - (3 if level == 2 else 2)
        end = len(text) if level == 2 or doc_id == "d2" else text.index("（一）")
        rows.append({"doc_id": doc_id, "measure_id": mid, "parent_id": None, "level": level, "path": "一",
                     "marker": text[start:text.index(heading)], "heading": heading, "text": text[start:end],
                     "start": start, "end": end, "section_kind": "practices"})
    return pd.DataFrame(rows)


def _span_rows(items: list[tuple[str, str]], extra: dict | None = None) -> list[dict]:
    """Rows with doc_id, surface, start, end for (doc_id, surface) pairs."""
    rows = []
    for doc_id, surface in items:
        start, end = _span(_text(doc_id), surface)
        rows.append({"doc_id": doc_id, "surface": surface, "start": start, "end": end, **(extra or {})})
    return rows


def models() -> pd.DataFrame:
    """Model mentions: 党支部+合作社+农户 in d1, d2, d4; 企业+合作社+农户 in d2, d3."""
    pairs = [("d1", "党支部+合作社+农户"), ("d2", "支部+合作社+农户"), ("d2", "企业+合作社+农户"),
             ("d3", "企业+合作社+农户"), ("d4", "党支部+合作社+农户")]
    rows = _span_rows(pairs, {"measure_id": None, "numeric": False})
    for row in rows:
        row["components"] = row["surface"].replace("支部", "党支部").replace("党党", "党").split("+")
        row["canonical"] = "+".join(row["components"])
    return pd.DataFrame(rows)


def statistics() -> pd.DataFrame:
    """Statistics with their units and qualifiers."""
    rows = _span_rows([("d1", "1200余户"), ("d1", "3万亩"), ("d2", "85个")], {"measure_id": None})
    values = {"1200余户": (1200, "户", "余", "建档立卡贫困户"), "3万亩": (30000, "亩", None, "蜂糖李基地"),
              "85个": (85, "个", None, "合作社")}
    for row in rows:
        surface = row.pop("surface")
        value, unit, qualifier, indicator = values[surface]
        row.update(text=surface, value=float(value), value_high=None, unit=unit, qualifier=qualifier,
                   indicator=indicator, indicator_norm=None, level="county", period=None, kind="result",
                   change_group=None, change_role=None)
    return pd.DataFrame(rows)


def slogans() -> pd.DataFrame:
    """No slogans in this tiny corpus except one."""
    rows = _span_rows([("d1", "强化组织引领")], {"measure_id": "d1-m1"})
    for row in rows:
        row["text"] = row.pop("surface")
    return pd.DataFrame(rows)


def places() -> pd.DataFrame:
    """County mentions."""
    rows = _span_rows([("d1", "镇宁县"), ("d2", "巍山县"), ("d3", "四川省")])
    for row, (name, level) in zip(rows, [("镇宁布依族苗族自治县", "county"), ("巍山彝族回族自治县", "county"),
                                         ("四川省", "province")]):
        row.update(adcode=None, name=name, level=level)
    return pd.DataFrame(rows)


def manifest() -> pd.DataFrame:
    """One row per input file, including a rejected and a duplicate input."""
    rows = [(f"raw/{d}.txt", "accepted", None, [d]) for d in ("d1", "d2", "d3", "d5")]
    rows += [("raw/d4.txt", "duplicate", "与 d1 重复", ["d4"]), ("raw/bad.bin", "rejected", "无法识别编码", [])]
    return pd.DataFrame([{"source": s, "status": st, "reason": r, "doc_ids": ids, "encoding": "utf-8",
                          "bytes": 100} for s, st, r, ids in rows])


def clusters() -> pd.DataFrame:
    """Two practice clusters with examples quoting source sentences."""
    return pd.DataFrame([
        {"cluster": 0, "label": "组织·支部·引领", "terms": ["组织", "支部", "引领"], "size": 2, "n_documents": 2,
         "n_counties": 2, "examples": [{"doc_id": "d1", "title": DOCS[0][1], "heading": "强化组织引领",
                                        "sentence": "镇宁县推行党支部+合作社+农户模式，带动建档立卡贫困户1200余户增收。"}]},
        {"cluster": 1, "label": "产业·特色·基地", "terms": ["产业", "特色", "基地"], "size": 1, "n_documents": 1,
         "n_counties": 1, "examples": [{"doc_id": "d5", "title": DOCS[4][1], "heading": "脚本",
                                        "sentence": f"网页残留{XSS}脚本。"}]},
    ])


def practice_clusters() -> pd.DataFrame:
    """Measure-to-cluster assignments."""
    return pd.DataFrame([
        {"doc_id": "d1", "measure_id": "d1-m1", "cluster": 0, "heading": "强化组织引领", "province": "贵州省",
         "county": "镇宁布依族苗族自治县"},
        {"doc_id": "d1", "measure_id": "d1-m2", "cluster": 1, "heading": "发展特色产业", "province": "贵州省",
         "county": "镇宁布依族苗族自治县"},
        {"doc_id": "d2", "measure_id": "d2-m1", "cluster": 0, "heading": "抓好支部建设", "province": "云南省",
         "county": "巍山彝族回族自治县"},
    ])


def model_recurrence() -> pd.DataFrame:
    """Recurrence of the two models, duplicates counted once."""
    return pd.DataFrame([
        {"canonical": "党支部+合作社+农户", "n_documents": 2, "n_counties": 2, "n_provinces": 2,
         "first_date": "2017-05-27", "last_date": "2018-09-05", "counties": ["巍山彝族回族自治县", "镇宁布依族苗族自治县"],
         "provinces": ["云南省", "贵州省"], "surfaces": ["支部+合作社+农户", "党支部+合作社+农户"], "doc_ids": ["d1", "d2"]},
        {"canonical": "企业+合作社+农户", "n_documents": 2, "n_counties": 1, "n_provinces": 2,
         "first_date": "2017-05-27", "last_date": "2019-03-01", "counties": ["巍山彝族回族自治县"],
         "provinces": ["云南省", "四川省"], "surfaces": ["企业+合作社+农户"], "doc_ids": ["d2", "d3"]},
    ])


def regions() -> pd.DataFrame:
    """Province-level regions; 四川省 has too little text to rank."""
    return pd.DataFrame([
        {"level": "province", "region": "贵州省", "n_documents": 1, "n_chars": 60, "status": "ranked"},
        {"level": "province", "region": "云南省", "n_documents": 1, "n_chars": 50, "status": "ranked"},
        {"level": "province", "region": "四川省", "n_documents": 1, "n_chars": 27, "status": "too_little_text"},
    ])


def region_clusters() -> pd.DataFrame:
    """Share of each cluster among a region's measures."""
    return pd.DataFrame([
        {"level": "province", "region": "贵州省", "cluster": 0, "n_measures": 1, "share": 0.5},
        {"level": "province", "region": "贵州省", "cluster": 1, "n_measures": 1, "share": 0.5},
        {"level": "province", "region": "云南省", "cluster": 0, "n_measures": 1, "share": 1.0},
    ])


def region_terms() -> pd.DataFrame:
    """Top distinctive terms of the ranked regions."""
    rows = [("贵州省", "蜂糖李", 2, 1.9, 2.4, 1), ("贵州省", "建档立卡", 1, 1.1, 1.5, 2),
            ("云南省", "支部", 2, 1.5, 2.0, 1)]
    return pd.DataFrame([{"level": "province", "region": r, "term": t, "count": c, "log_odds": lo, "z": z,
                          "rank": k} for r, t, c, lo, z, k in rows])


def county_statistics() -> pd.DataFrame:
    """Statistics attached to counties with their source sentences."""
    return pd.DataFrame([
        {"county": "镇宁布依族苗族自治县", "adcode": None, "province": "贵州省", "indicator": "建档立卡贫困户",
         "indicator_norm": "贫困户", "unit": "户", "level": "county", "kind": "result", "period": "2018", "value": 1200.0, "value_high": None, "qualifier": "余", "doc_id": "d1", "title": DOCS[0][1],
         "text": "1200余户", "sentence": "镇宁县推行党支部+合作社+农户模式，带动建档立卡贫困户1200余户增收。",
         "start": 36, "end": 42, "n_documents": 1, "n_counties": 1},
    ])


BUILDERS = {
    "documents": documents, "measures": measures, "statistics": statistics, "slogans": slogans,
    "models": models, "places": places, "manifest": manifest, "clusters": clusters,
    "practice_clusters": practice_clusters, "model_recurrence": model_recurrence, "regions": regions,
    "region_clusters": region_clusters, "region_terms": region_terms, "county_statistics": county_statistics,
}


def tables() -> dict[str, pd.DataFrame]:
    """Every synthetic table, freshly built."""
    return {name: build() for name, build in BUILDERS.items()}


def empty_tables() -> dict[str, pd.DataFrame]:
    """Every table with its columns but no rows."""
    return {name: frame.iloc[0:0] for name, frame in tables().items()}


def write_parquet(frames: dict[str, pd.DataFrame], out_dir: Path) -> Path:
    """Write tables as OUT/NAME.parquet (what the notebooks read)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(out_dir / f"{name}.parquet")
    return out_dir
