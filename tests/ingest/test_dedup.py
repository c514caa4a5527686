"""Exact and near duplicates point at the first occurrence; unrelated texts do not."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.dedup import doc_hash, find_duplicates

ARTICLE = (
    "近年来,镇宁自治县始终以在扶贫中抓党建为抓手,坚持把党的政治优势、组织优势转化为推动脱贫攻坚的红色引擎。"
    "成立以县委书记、县长为指挥长的脱贫攻坚指挥部,下设综合协调组、产业发展组、项目推进组、政策宣传组等9个组。"
    "将14个乡(镇、街道)分别划分为14个战区,由联系县领导担任指挥长,划区作战,划单元攻坚。"
    "组建由乡镇党委副书记任突击队长的脱贫攻坚突击队,同时在194个村成立突击小分队,把驻村工作队、农村党员、致富能人有效组织起来。"
    "实施鸿雁回归计划,鼓励外出经商务工人员、致富带头人、退伍军人回村任职;实施能人治村,集中对全县60个深度贫困村班子进行调研。"
)
REPOST = "转载自某县门户网站 2019-01-02\n" + ARTICLE.replace("实施鸿雁回归计划,鼓励外出经商务工人员、致富带头人、退伍军人回村任职;", "")
UNRELATED = (
    "城市管理执法局坚持党建引领,推进城管执法进社区,开展市容环境整治,规范占道经营,"
    "建立网格化管理制度,把执法力量下沉到街道,群众满意度明显提升,城市面貌焕然一新。"
) * 3


def test_exact_duplicate_points_to_first():
    assert find_duplicates([ARTICLE, UNRELATED, ARTICLE]) == [None, None, 0]


def test_near_duplicate_is_flagged_and_unrelated_is_not():
    assert find_duplicates([ARTICLE, UNRELATED, REPOST]) == [None, None, 0]


def test_duplicate_of_a_duplicate_points_to_the_first():
    assert find_duplicates([ARTICLE, REPOST, ARTICLE + "完。"]) == [None, 0, 0]


def test_doc_hash_is_stable():
    assert doc_hash("党建引领") == doc_hash("党建引领") != doc_hash("党建引领。")
    assert len(doc_hash("x")) == 16


def test_texts_that_differ_in_their_figures_are_not_merged():
    """Shingles ignore digits; the figures must still agree for two texts to be one report."""
    other = ARTICLE.replace("194个村", "87个村").replace("60个深度贫困村", "25个深度贫困村")
    assert find_duplicates([ARTICLE, other]) == [None, None]


SHORT = "全县贫困发生率下降75个百分点,群众满意度明显提升。"


def test_short_texts_are_duplicates_only_when_identical():
    assert find_duplicates([SHORT, SHORT.replace("明显", "大幅"), SHORT]) == [None, None, 0]


def test_many_reposts_point_at_the_one_original_and_only_originals_are_indexed(monkeypatch):
    """A thousand reposts cost one LSH query each: the index holds originals, never their copies."""
    from pipeline.ingest.dedup import LshIndex

    inserted = []
    original_insert = LshIndex.insert
    monkeypatch.setattr(LshIndex, "insert", lambda self, key, *a: (inserted.append(key), original_insert(self, key, *a)))
    reposts = [ARTICLE.replace("9个组", f"9个组(转载{'甲乙丙丁戊己庚辛'[i % 8]})") for i in range(1000)]
    assert find_duplicates([UNRELATED, ARTICLE, *reposts]) == [None, None] + [1] * 1000
    assert inserted == [0, 1]


@pytest.mark.parametrize("chunk", [20_000, 7], ids=["in one go", "a few shingles at a time"])
def test_a_signature_is_the_minhash_of_the_distinct_shingles(monkeypatch, chunk):
    import numpy as np
    from datasketch import MinHash

    from pipeline.ingest import dedup
    from pipeline.ingest.dedup import NOISE, NUM_PERM, shingle_hashes, signature
    from pipeline.textscan import code_points

    monkeypatch.setattr(dedup, "MINHASH_CHUNK", chunk)  # a long text's shingles are permuted a chunk at a time

    text = "各村党支部领办合作社，带动农户增收。" * 6 + "全县建成扶贫车间86个，吸纳就业2300余人。"  # shingles repeat
    core = code_points(NOISE.sub("", text))
    distinct = np.unique(shingle_hashes(core))
    assert len(distinct) < len(shingle_hashes(core))
    expected = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)  # drawing its own permutations
    expected.update_batch(distinct.tolist())
    assert np.array_equal(signature(text).minhash, expected.hashvalues)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7, 0.9])
@pytest.mark.parametrize("num_perm", [64, 128, 256])
def test_the_lsh_bands_are_those_datasketch_chooses(threshold, num_perm):
    from datasketch.lsh import _optimal_param

    from pipeline.ingest.dedup import lsh_bands

    assert lsh_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_signatures_are_candidates_when_a_band_is_equal():
    import numpy as np

    from pipeline.ingest.dedup import LshIndex

    index = LshIndex(bands=2, rows=2)  # bands: values 0–1 and 2–3; the fifth value is in no band
    index.insert(7, np.array([1, 2, 3, 4, 5], dtype=np.uint32))
    index.insert(3, np.array([1, 2, 9, 9, 5], dtype=np.uint32))
    assert index.query(np.array([1, 2, 0, 0, 0], dtype=np.uint32)) == [3, 7]
    assert index.query(np.array([0, 2, 3, 4, 0], dtype=np.uint32)) == [7]
    assert index.query(np.array([1, 0, 3, 0, 5], dtype=np.uint32)) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("党建引领合作社 \t\n\u3000\u00a0\u2028,，。、:：;；!！?？“”\"'()（）《》【】-—…·")
                                         + ["1", "２", "\u0663", "\u096b", "𠀋", "x", "½", "²"]), max_size=80))
def test_core_points_are_the_code_points_of_the_text_without_noise(text):
    """NOISE removed on arrays: the same letters as NOISE.sub (Unicode spaces and decimal digits of any script;
    ½ and ² are not decimal digits and stay)."""
    from pipeline.ingest.dedup import NOISE, core_points
    from pipeline.textscan import code_points

    assert core_points(text).tolist() == code_points(NOISE.sub("", text)).tolist()
