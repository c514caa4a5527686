"""Text reuse: planted passages are found, with their spans, their direction and nothing else.

The test corpus is built here: eight documents of known counties and dates, each holding its own
paragraphs of one provincial work report (paragraphs of one report do not repeat each other), and two
passages of a county experience report planted with small edits:
- P1 in 甲县 (2018-03-01), again in 乙县 (2018-09-01) with three characters changed, and in 丙县
  (2019-05-01) with two characters dropped and one inserted: edges 甲→乙, 甲→丙, 乙→丙;
- P2 in 丁县 (2020-01-01) and in 戊县 (no date): one undirected edge.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.analyze.reuse import K, diffusion, earlier, find_reuse
from tests.conftest import CORPUS

P1 = ("镇宁自治县地处贵州西南部,素有黔中腹地、滇黔锁钥之称,全县总面积1717.3平方公里,地形北高南低,"
      "喀斯特地貌占全县面积的80%以上,是典型的山区农业县,也是国家扶贫开发工作重点县。")
P1_B = P1.replace("黔中腹地", "黔中要地").replace("山区农业县", "山区农牧县")  # three characters changed
P1_C = P1.replace("素有", "有").replace("全县总面积", "全县总面积约")  # one dropped, one inserted
P2 = ("坚持把发展壮大村级集体经济作为基层党建的重要抓手,推行党支部领办合作社,组织群众以土地、资金入股,"
      "每年按股分红,让农户在产业链上稳定增收,村集体经济收入全部突破五万元。")
COUNTIES = ["甲县", "乙县", "丙县", "丁县", "戊县", "己县", "庚县", "辛县"]
DATES = ["2018-03-01", "2018-09-01", "2019-05-01", "2020-01-01", None, "2017-01-01", "2021-06-01", "2022-02-02"]
PLANTED = {0: P1, 1: P1_B, 2: P1_C, 3: P2, 4: P2}


def report_paragraphs() -> list[str]:
    text = pd.read_csv(CORPUS / "official" / "provincial" / "2026_广东省_政府工作报告.csv")["full_text"].iloc[0]
    return [p for p in text.split("\n") if len(p) > 60]


@pytest.fixture(scope="module")
def planted() -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
    paragraphs, rows, spans = report_paragraphs(), [], {}
    for i, county in enumerate(COUNTIES):
        own = paragraphs[i * 12 : i * 12 + 6]
        before, after = "\n".join(own[:3]), "\n".join(own[3:])
        passage = PLANTED.get(i, "")
        text = before + "\n" + passage + "\n" + after
        spans[f"d{i}"] = (len(before) + 1, len(before) + 1 + len(passage))
        rows.append({"doc_id": f"d{i}", "title": f"{county}经验", "text": text, "date": DATES[i], "duplicate_of": None,
                     "county": county, "province": "某省", "place_level": "county"})
    return pd.DataFrame(rows), spans


def test_every_planted_passage_is_found_with_its_spans_and_nothing_else(planted):
    documents, spans = planted
    reuse, _ = find_reuse(documents)
    assert sorted(zip(reuse["doc_a"], reuse["doc_b"])) == [("d0", "d1"), ("d0", "d2"), ("d1", "d2"), ("d3", "d4")]
    for row in reuse.to_dict("records"):
        for side in ("a", "b"):
            start, end = spans[row[f"doc_{side}"]]
            # a few letters around a passage may coincide by chance (the end of the paragraph before it)
            assert abs(row[f"start_{side}"] - start) <= 8 and abs(row[f"end_{side}"] - end) <= 3, row
            assert row[f"text_{side}"] == documents.set_index("doc_id").at[row[f"doc_{side}"], "text"][row[f"start_{side}"]:row[f"end_{side}"]]
        assert row["similarity"] >= 0.7 and row["chars"] >= 40


def test_the_earlier_county_is_the_source(planted):
    documents, _ = planted
    edges, degrees = diffusion(find_reuse(documents)[0], documents)
    directed = sorted(zip(edges.loc[edges["directed"], "source_county"], edges.loc[edges["directed"], "target_county"]))
    assert directed == sorted([("甲县", "乙县"), ("甲县", "丙县"), ("乙县", "丙县")])
    assert sorted(edges.loc[~edges["directed"], ["source_county", "target_county"]].itertuples(index=False, name=None)) == [("丁县", "戊县")]
    lag = edges[(edges["source_county"] == "甲县") & (edges["target_county"] == "乙县")]["lag_days"].iloc[0]
    assert lag == 184  # 2018-03-01 → 2018-09-01
    first = degrees.set_index("county")
    assert (first.at["甲县", "out_degree"], first.at["丙县", "in_degree"], first.at["戊县", "undirected_degree"]) == (2, 2, 1)


def test_a_duplicate_is_not_reuse(planted):
    documents, _ = planted
    copy = documents.iloc[[0]].assign(doc_id="d0-copy", duplicate_of="d0")
    reuse, _ = find_reuse(pd.concat([documents, copy]))
    assert "d0-copy" not in set(reuse["doc_a"]) | set(reuse["doc_b"])


def test_a_formula_every_document_writes_is_reported_apart(planted):
    documents, _ = planted
    formula = "以习近平新时代中国特色社会主义思想为指导,深入贯彻落实党的二十大和二十届历次全会精神,完整准确全面贯彻新发展理念。"
    with_formula = documents.assign(text=[formula + "\n" + t for t in documents["text"]])
    reuse, formulas = find_reuse(with_formula)
    assert sorted(zip(reuse["doc_a"], reuse["doc_b"])) == [("d0", "d1"), ("d0", "d2"), ("d1", "d2"), ("d3", "d4")]
    # a formula is located from sampled fingerprints: its stretch may miss up to K-1 letters at either end
    letters = "".join(c for c in formula if c not in ",。")
    stretches = formulas[[letters[K - 1 : 1 - K] in f for f in formulas["formula"]]]
    assert stretches["n_documents"].sum() >= len(documents)  # every document holds the formula


def test_findings_are_the_same_on_every_run(planted):
    documents, _ = planted
    first, second = find_reuse(documents), find_reuse(documents.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])


@pytest.mark.parametrize(("a", "b", "expected"), [("2018-03-01", "2018-09-01", True), ("2019-05-01", "2018", False),
                                                  ("2019", "2019-05-12", None), (None, "2019", None)])
def test_dates_are_compared_at_the_coarser_precision(a, b, expected):
    assert earlier(a, b) is expected


ISO_DATES = st.one_of(st.none(), st.builds(lambda y, m, d, n: f"{y}-{m:02d}-{d:02d}"[:n], st.integers(2015, 2017),
                                             st.integers(1, 12), st.integers(1, 28), st.sampled_from([4, 7, 10])))


@settings(max_examples=100, deadline=None)
@given(st.lists(ISO_DATES, min_size=1, max_size=6), st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=30),
       st.booleans())
def test_the_order_of_many_pairs_is_earliers_pair_by_pair(dates, pairs, odd):
    """Few years, so that documents share years and months at every precision; with a date that is no
    ISO date among them (`odd`), the pairs are compared by earlier() one by one."""
    from pipeline.analyze.reuse import date_order

    known = {f"d{n}": date for n, date in enumerate(dates) if date}
    if odd:
        known["d9"] = "二〇一九年"
    first, second = [f"d{i}" for i, _ in pairs], [f"d{9 if odd and j == 5 else j}" for _, j in pairs]
    expected = [{None: 0, True: 1, False: -1}[earlier(known.get(a), known.get(b))] for a, b in zip(first, second)]
    assert date_order(first, second, known).tolist() == expected


def test_the_reuse_figures_name_the_counties_in_chinese(planted, tmp_path):
    import warnings

    import matplotlib

    from pipeline.analyze import figures

    documents, _ = planted
    reuse, _ = find_reuse(documents)
    edges, _ = diffusion(reuse, documents)
    tables = {"documents": documents, "reuse": reuse, "diffusion": edges}
    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context(figures.cjk_rc(figures.register_cjk_font())):
        warnings.simplefilter("always")
        network, timeline = figures.reuse_network_figure(tables), figures.reuse_timeline_figure(tables)
        network.savefig(tmp_path / "n.png"), timeline.savefig(tmp_path / "t.png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert {t.get_text() for t in network.axes[0].texts} >= {"甲县", "乙县", "丙县", "丁县", "戊县"}
    # the most travelled passage is P1: three occurrences, earliest first
    assert [t.get_text().split()[0] for t in timeline.axes[0].get_yticklabels()] == ["甲县", "乙县", "丙县"]


def test_the_reuse_timeline_draws_the_earliest_rows_only(planted, monkeypatch):
    from pipeline.analyze import figures

    monkeypatch.setattr(figures, "TIMELINE_ROWS", 2)  # a passage in thousands of documents keeps a readable figure
    documents, _ = planted
    reuse, _ = find_reuse(documents)
    timeline = figures.reuse_timeline_figure({"documents": documents, "reuse": reuse})
    assert [t.get_text().split()[0] for t in timeline.axes[0].get_yticklabels()] == ["甲县", "乙县"]
    assert "最早 2 处，共 3 处" in timeline.axes[0].get_title()


def test_the_report_quotes_every_occurrence_of_a_travelling_passage(planted):
    from pipeline.analyze.report import Links, reuse_section

    documents, _ = planted
    reuse, formulas = find_reuse(documents)
    edges, _ = diffusion(reuse, documents)
    html = reuse_section({"documents": documents.assign(source=documents["doc_id"] + ".txt"), "reuse": reuse,
                          "diffusion": edges, "common_formulas": formulas}, {}, Links())
    first = html[html.index("第 1 组"):html.index("第 2 组")]
    assert first.count("<blockquote>") == 3 and "甲县 2018-03-01 · d0.txt · 字符" in first
    assert re.search(r'<a href="docs/d0\.html#s\d+-\d+">《甲县经验》</a>', first)  # each quote links to its occurrence
    assert first.index("甲县") < first.index("乙县") < first.index("丙县")  # earliest first
    assert "日期不详" in html[html.index("第 2 组"):]  # 戊县 has no date


def test_the_summary_quotes_the_earliest_occurrences_and_names_the_csv_for_the_rest(planted, monkeypatch):
    from pipeline.analyze import report
    from pipeline.analyze.report import Links, reuse_section

    monkeypatch.setattr(report, "FAMILY_QUOTES", 2)  # P1 travels through three documents
    monkeypatch.setattr(report, "TOP_EDGES", 1)
    documents, _ = planted
    reuse, formulas = find_reuse(documents)
    edges, _ = diffusion(reuse, documents)
    html = reuse_section({"documents": documents.assign(source=documents["doc_id"] + ".txt"), "reuse": reuse,
                          "diffusion": edges, "common_formulas": formulas}, {}, Links())
    first = html[html.index("第 1 组"):html.index("第 2 组")]
    assert first.count("<blockquote>") == 2 and "其余 1 处见 reuse.csv" in first
    assert "甲县" in first and "乙县" in first and "丙县" not in first  # the earliest two
    assert f"全部 {len(edges)} 对见 diffusion.csv" in html


def test_the_formula_list_is_read_as_letters_and_checked(tmp_path):
    from pipeline.analyze.reuse import load_formulas
    from pipeline.resources import DATA_DIR, ResourceError

    shipped = load_formulas(DATA_DIR / "formulas.txt")
    assert "以习近平新时代中国特色社会主义思想为指导" in shipped and all("，" not in f and "“" not in f for f in shipped)
    bad = tmp_path / "formulas.txt"
    bad.write_text("# header\n党的建设\n“两”\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"formulas.txt line 3"):
        load_formulas(bad)


def test_a_curated_formula_is_not_reuse_even_in_two_documents(planted):
    documents, _ = planted
    formula = "坚持以人民为中心的发展思想,在思想上政治上行动上同以习近平同志为核心的党中央保持高度一致,坚决做到两个维护。"
    texts = documents["text"].tolist()
    texts[5], texts[6] = formula + "\n" + texts[5], texts[6] + "\n" + formula
    found, _ = find_reuse(documents.assign(text=texts))
    assert ("d5", "d6") in set(zip(found["doc_a"], found["doc_b"]))  # unknown to the list: shared passage
    from pipeline.analyze.reuse import letters

    curated = (letters("在思想上政治上行动上同以习近平同志为核心的党中央保持高度一致")[0], letters("以人民为中心的发展思想")[0])
    found, _ = find_reuse(documents.assign(text=texts), curated=curated)
    assert ("d5", "d6") not in set(zip(found["doc_a"], found["doc_b"]))


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_worker_pool_gives_the_same_passages(planted, monkeypatch, start):
    """Forked workers align on the texts they inherit; spawned ones receive their documents' texts."""
    import multiprocessing

    import pipeline.analyze.reuse as reuse_module

    documents, _ = planted
    curated = (reuse_module.letters("喀斯特地貌占全县面积")[0],)  # in P1: a formula table to compare as well
    alone, formulas = find_reuse(documents, curated=curated)
    assert formulas["n_documents"].tolist() == [3]
    monkeypatch.setattr(reuse_module, "POOL_MIN_PAIRS", 1)
    monkeypatch.setattr(reuse_module, "POOL_MIN_DOCUMENTS", 1)  # fingerprints and formulas in the pool as well
    context = multiprocessing.get_context(start)
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: context)
    pooled, pooled_formulas = find_reuse(documents, curated=curated, workers=2)
    pd.testing.assert_frame_equal(pooled, alone)
    pd.testing.assert_frame_equal(pooled_formulas, formulas)
    from pipeline import executor

    assert executor._FORKED is None  # nothing of the run is left behind


def test_a_passage_in_very_many_documents_is_aligned_along_a_chain_and_stays_one_family(monkeypatch):
    from pipeline.analyze import reuse as module

    def holder_pairs(members):
        first, second = module.holder_pair_arrays(np.array(members), np.array([0]), np.array([len(members)]))
        return list(zip(first.tolist(), second.tolist()))

    assert len(holder_pairs(list(range(module.MAX_HOLDERS)))) == module.MAX_HOLDERS * (module.MAX_HOLDERS - 1) // 2
    assert holder_pairs(list(range(100))) == [(k, k + 1) for k in range(99)]  # linear, not 4,950 pairs
    paragraphs = report_paragraphs()
    rows = [{"doc_id": f"c{i}", "title": f"{i}", "text": "\n".join([*paragraphs[i * 3 : i * 3 + 2], P2, paragraphs[i * 3 + 2]]),
             "date": None, "duplicate_of": None, "county": COUNTIES[i], "province": "某省", "place_level": "county"}
            for i in range(6)]
    documents = pd.DataFrame(rows)
    monkeypatch.setattr(module, "COMMON_SHARE", 1.0)  # six of six documents: not a formula here
    assert len(find_reuse(documents)[0]) == 15  # every pair of the six copies
    monkeypatch.setattr(module, "MAX_HOLDERS", 3)  # now a passage in "very many" documents
    reuse, _ = find_reuse(documents)
    pairs = set(zip(reuse["doc_a"], reuse["doc_b"]))
    # the chain of neighbours, and only the few other pairs that share enough of their own wording
    assert {(f"c{k}", f"c{k + 1}") for k in range(5)} <= pairs and len(pairs) < 10
    assert module.families(reuse, documents).groupby("family")["doc_id"].nunique().tolist() == [6]


def test_the_reuse_network_draws_the_strongest_pairs_only(planted, monkeypatch):
    from pipeline.analyze import figures

    monkeypatch.setattr(figures, "NETWORK_EDGES", 2)  # thousands of county pairs would draw one blot
    documents, _ = planted
    reuse, _ = find_reuse(documents)
    edges, _ = diffusion(reuse, documents)
    assert len(edges) > 2
    network = figures.reuse_network_figure({"documents": documents, "reuse": reuse, "diffusion": edges})
    arrows = [t for t in network.axes[0].texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 2
    strongest = edges.sort_values("shared_chars", ascending=False).head(2)
    drawn = {t.get_text() for t in network.axes[0].texts if getattr(t, "arrow_patch", None) is None}
    assert drawn == set(strongest["source_county"]) | set(strongest["target_county"])
    assert f"共 {len(edges)} 对" in network.axes[0].get_title()


def test_groups_of_holders_give_all_their_pairs_or_a_chain_of_neighbours(monkeypatch):
    from pipeline.analyze import reuse as module

    monkeypatch.setattr(module, "MAX_HOLDERS", 4)
    groups = [[0, 3], [1, 2, 5], [0, 1, 2, 3], [2, 4, 6, 7, 9], [8], [1, 5, 9]]  # sizes 2, 3, 4, 5 (a chain), 1, 3
    owners = np.array([d for g in groups for d in g], dtype=np.int64)
    sizes = np.array([len(g) for g in groups])
    starts = np.cumsum(np.r_[0, sizes[:-1]])
    first, second = module.holder_pair_arrays(owners, starts, sizes)
    expected = sorted([(0, 3), (1, 2), (1, 5), (2, 5), (0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3),
                       (2, 4), (4, 6), (6, 7), (7, 9),  # the group of five is a chain of neighbours
                       (1, 5), (1, 9), (5, 9)])  # one pair per group holding both documents: counted again
    assert sorted(zip(first.tolist(), second.tolist())) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), max_size=12), max_size=5))
def test_pair_counts_added_range_by_range_are_the_counts_of_all_ranges_together(ranges):
    from collections import Counter

    from pipeline.analyze.reuse import add_counts

    codes, counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    for found in ranges:
        codes, counts = add_counts(codes, counts, *np.unique(np.array(found, dtype=np.int64), return_counts=True))
    expected = Counter(code for found in ranges for code in found)
    assert codes.tolist() == sorted(expected)  # sorted, each code once
    assert counts.tolist() == [expected[c] for c in sorted(expected)]


def test_families_found_without_texts_get_the_same_texts_where_they_are_shown(planted):
    from pipeline.analyze.reuse import families, family_texts

    documents, _ = planted
    reuse, _ = find_reuse(documents)
    whole, bare = families(reuse, documents), families(reuse, documents, with_texts=False)
    assert bare["text"].isna().all()
    pd.testing.assert_frame_equal(bare.drop(columns="text"), whole.drop(columns="text"))
    shown = bare[bare["family"] == 0].head(2)
    assert family_texts(shown, documents)["text"].tolist() == whole[whole["family"] == 0].head(2)["text"].tolist()
    texts = dict(zip(documents["doc_id"], documents["text"]))
    assert all(t == texts[d][s:e] for d, s, e, t in family_texts(bare, documents)[["doc_id", "start", "end", "text"]].itertuples(index=False))
    assert family_texts(whole, documents) is whole  # nothing missing: nothing cut


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 40), st.integers(-5, 5), st.integers(0, 60)), min_size=1, max_size=25),
                min_size=1, max_size=3))
def test_seeds_are_grouped_into_the_chains_of_the_greedy_chaining_partner_by_partner(walks):
    """seed_runs cuts stretches of simple seeds into runs with arrays and sends the rest to chains(); for
    each partner, the chains must be those chains() makes of all its seeds, in its order. The seeds of a
    partner walk along a drifting diagonal with steps short, long (beyond reach) and none (a K-gram of
    a held twice in the partner), so both kinds of stretch occur."""
    from pipeline.analyze.reuse import chains, seed_runs

    found = []
    for partner, steps in enumerate(walks):
        i, j = 0, 0
        for step, drift, jump in steps:
            i, j = i + step, max(0, j + step + drift + (jump if jump > 50 else 0))
            found.append((partner, i, j))
    owner, i, j = (np.array(side, dtype=np.int64) for side in zip(*sorted(set(found))))
    owner, i, j, starts, ends = seed_runs(owner, i, j)
    runs = [(int(owner[s]), list(zip(i[s:e].tolist(), j[s:e].tolist()))) for s, e in zip(starts.tolist(), ends.tolist())]
    assert all((owner[s:e] == owner[s]).all() for s, e in zip(starts.tolist(), ends.tolist()))
    expected = [(p, chain) for p in range(len(walks)) for chain in chains([(x, y) for q, x, y in set(found) if q == p])]
    assert runs == expected


def test_the_measure_of_a_span_is_the_innermost_one_holding_it_as_segment_finds_it():
    from pipeline.analyze.reuse import measures_locator
    from pipeline.segment import measure_locator

    measures = pd.DataFrame([
        {"doc_id": "a", "measure_id": "a-1", "parent_id": None, "start": 0, "end": 100},
        {"doc_id": "a", "measure_id": "a-1-1", "parent_id": "a-1", "start": 10, "end": 40},
        {"doc_id": "a", "measure_id": "a-1-2", "parent_id": "a-1", "start": 40, "end": 90},
        {"doc_id": "a", "measure_id": "a-2", "parent_id": None, "start": 120, "end": 150},
        {"doc_id": "b", "measure_id": "b-1", "parent_id": None, "start": 5, "end": 50},
    ])
    locate = measures_locator(measures.sample(frac=1, random_state=3))  # any row order
    assert locate("a", 12, 30) == "a-1-1"
    assert locate("a", 30, 60) == "a-1"  # across two items: their parent
    assert locate("a", 95, 130) is None and locate("a", 100, 110) is None
    assert locate("b", 5, 50) == "b-1" and locate("c", 0, 1) is None
    by_doc = {d: measure_locator(g.to_dict("records")) for d, g in measures.groupby("doc_id")}
    for start in range(0, 160, 3):
        for end in range(start + 1, 170, 7):
            assert locate("a", start, end) == by_doc["a"](start, end)


def _clauses() -> list[str]:
    return [c for p in report_paragraphs()[:30] for c in re.split(r"[，。；]", p) if len(c) >= 6]


def reference_passages(a: dict, b: dict) -> list[dict]:
    """The passages of two prepared documents as the module's docstring defines them, pair by pair and
    without arrays: every K-gram of a's letters also in b's (neither mostly formula) is a seed, chains()
    groups the seeds, and a chain is a passage when both its spans reach MIN_CHARS letters, at most
    MAX_FORMULA_SHARE of a's span is formula, and exact seeds cover MIN_SIMILARITY of each span."""
    from pipeline.analyze.reuse import MAX_FORMULA_SHARE, MIN_CHARS, MIN_SIMILARITY, chains, formula_grams

    def grams(doc: dict) -> dict[str, list[int]]:
        skip, found = formula_grams(doc["formula"]), {}
        for p in range(len(doc["core"]) - K + 1):
            if not skip[p]:
                found.setdefault(doc["core"][p : p + K], []).append(p)
        return found

    in_a, in_b = grams(a), grams(b)
    rows = []
    for chain in chains([(i, j) for gram, places in in_a.items() for i in places for j in in_b.get(gram, [])]):
        side_a, side_b = [i for i, _ in chain], [j for _, j in chain]
        start_a, end_a, start_b, end_b = min(side_a), max(side_a) + K, min(side_b), max(side_b) + K
        if min(end_a - start_a, end_b - start_b) < MIN_CHARS:
            continue
        if sum(a["formula"][start_a:end_a]) / (end_a - start_a) > MAX_FORMULA_SHARE:
            continue
        covered_a = len({p for i in side_a for p in range(i, i + K)})
        covered_b = len({p for j in side_b for p in range(j, j + K)})
        similarity = round(min(covered_a / (end_a - start_a), covered_b / (end_b - start_b)), 3)
        if similarity >= MIN_SIMILARITY:
            rows.append({"doc_a": a["doc_id"], "doc_b": b["doc_id"],
                         "start_a": int(a["offsets"][start_a]), "end_a": int(a["offsets"][end_a - 1]) + 1,
                         "start_b": int(b["offsets"][start_b]), "end_b": int(b["offsets"][end_b - 1]) + 1,
                         "similarity": similarity, "chars": min(end_a - start_a, end_b - start_b)})
    return rows


def _passages_one_by_one(a: dict, partners: list[dict]) -> pd.DataFrame:
    from pipeline.analyze.reuse import ALIGNED_COLUMNS

    rows = [row for b in partners for row in reference_passages(a, b)]
    return pd.DataFrame(rows, columns=ALIGNED_COLUMNS).astype({"doc_a": object, "doc_b": object})


def _partner_table(a: dict, partners: list[dict]) -> pd.DataFrame:
    from pipeline.analyze.reuse import partner_passages

    return pd.DataFrame(partner_passages(a, partners)).astype({"doc_a": object, "doc_b": object})


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 39), min_size=3, max_size=30), st.lists(st.integers(0, 2000), max_size=12)),
                min_size=2, max_size=7), st.booleans())
def test_a_document_aligned_with_all_its_partners_at_once_gives_the_passages_defined_pair_by_pair(documents, formula):
    """Documents are runs of clauses drawn from forty (so clauses repeat within and across documents,
    and the greedy chaining must search some stretches), with letters dropped or inserted here and there
    (so a passage's two sides differ), one of the clauses a curated formula or not."""
    from pipeline.analyze.reuse import _sorted_grams, letters, prepare

    clauses = _clauses()[:40]
    curated = (letters(clauses[0])[0],) if formula else ()
    docs = []
    for n, (pick, edits) in enumerate(documents):
        text = "，".join(clauses[k] for k in pick) + "。"
        for place in edits:  # odd places drop a character, even ones insert one
            at = place % len(text)
            text = text[:at] + text[at + 1 :] if place % 2 else text[:at] + "某" + text[at:]
        docs.append(prepare(f"d{n}", text, np.zeros(0, dtype=np.uint64), curated))
    expected = _passages_one_by_one(docs[0], docs[1:])
    pd.testing.assert_frame_equal(_partner_table(docs[0], docs[1:]), expected, check_dtype=False)
    for doc in docs[1:]:  # partners aligned before as a first document: their K-grams sorted by hash
        _sorted_grams(doc)
    pd.testing.assert_frame_equal(_partner_table(docs[0], docs[1:]), expected, check_dtype=False)


def test_aligning_partners_together_takes_both_the_simple_runs_and_the_greedy_chaining(monkeypatch):
    from pipeline.analyze import reuse as module

    clauses = _clauses()
    a_text = "，".join(clauses[:12]) + "。"
    simple = "，".join(clauses[40:44] + clauses[2:6] + clauses[44:48]) + "。"  # one stretch of a, once
    repeated = "，".join(clauses[50:52] + clauses[6:11] + clauses[52:54] + clauses[6:11] + clauses[54:56]) + "。"  # twice
    docs = [module.prepare(n, t, np.zeros(0, dtype=np.uint64)) for n, t in (("a", a_text), ("s", simple), ("r", repeated))]
    calls = []
    greedy = module.chains
    monkeypatch.setattr(module, "chains", lambda found: calls.append(len(found)) or greedy(found))
    together = _partner_table(docs[0], docs[1:])
    assert len(calls) == 1  # the repeated stretch only: the simple partner's seeds never reach it
    expected = _passages_one_by_one(docs[0], docs[1:])
    pd.testing.assert_frame_equal(together, expected, check_dtype=False)
    assert together["doc_b"].tolist() == ["s", "r", "r"]  # the simple passage, then the repeated one at both places
    spans = [(a_text.index(clauses[2]), a_text.index(clauses[5]) + len(clauses[5]))] \
        + [(a_text.index(clauses[6]), a_text.index(clauses[10]) + len(clauses[10]))] * 2
    assert list(zip(together["start_a"], together["end_a"])) == spans
    first = repeated.index(clauses[6])
    second = repeated.index(clauses[6], first + 1)
    assert together["start_b"].tolist()[1:] == [first, second]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2**64 - 1), max_size=12), max_size=8))
def test_each_range_holds_the_fingerprints_whose_top_four_bits_name_it_with_their_documents(documents):
    from pipeline.analyze.reuse import PARTS, parts

    prints = [np.unique(np.array(values, dtype=np.uint64)) for values in documents]
    found = list(parts(prints))
    assert len(found) == PARTS
    for part, (values, owners) in enumerate(found):
        expected = sorted((int(v), n) for n, p in enumerate(prints) for v in p.tolist() if int(v) >> 60 == part)
        assert list(zip(values.tolist(), owners.tolist())) == expected


def test_the_measures_of_many_spans_at_once_are_those_of_each_span():
    from pipeline.analyze.reuse import measures_locator

    measures = pd.DataFrame([
        {"doc_id": "b", "measure_id": "b-1", "parent_id": None, "start": 5, "end": 50},
        {"doc_id": "a", "measure_id": "a-1", "parent_id": None, "start": 0, "end": 100},
        {"doc_id": "a", "measure_id": "a-1-1", "parent_id": "a-1", "start": 10, "end": 40},
        {"doc_id": "a", "measure_id": "a-1-1-1", "parent_id": "a-1-1", "start": 12, "end": 20},
        {"doc_id": "a", "measure_id": "a-2", "parent_id": "gone", "start": 120, "end": 150},
    ])
    locate = measures_locator(measures)
    spans = [("a", 13, 19), ("a", 13, 30), ("a", 13, 60), ("a", 130, 160), ("c", 0, 1), ("b", 0, 10), ("b", 49, 50)]
    # read from the table: innermost, then its parent, then the grandparent; a parent not in the table
    # leaves none; a document without measures and a span before the first measure have none
    expected = ["a-1-1-1", "a-1-1", "a-1", None, None, None, "b-1"]
    assert [locate(*span) for span in spans] == expected
    assert locate.of_spans(*zip(*spans)) == expected
    assert measures_locator(measures.iloc[:0]).of_spans(["a"], [0], [1]) == [None]
