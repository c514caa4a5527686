"""Tests for pipeline.ingest.split: compilations behind a 目录 split into article spans."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.split import Part, split_compilation, toc_entries

ROOT = Path(__file__).resolve().parents[2]
SEED004 = ROOT / "corpus" / "raw" / "004_b9e2fd12c3dc4498.txt"
SEED004_TSV = ROOT / "tests" / "data" / "seed004_articles.tsv"

# TOC of three; the second article has no title line in the body and starts with a 今年以来 lead.
MISSING_TITLE = """目录
甲县推进党建引领乡村振兴
乙镇抓党建促脱贫的做法
丙村集体经济发展经验
甲县推进党建引领乡村振兴
近年来,甲县坚持把党建引领贯穿乡村振兴全过程,取得了明显成效,群众满意度持续提升。
一、强化组织保障
县委成立领导小组,统筹推进各项工作,定期研究解决重大问题,确保各项工作落到实处。
二、突出产业带动
各乡镇立足资源禀赋发展特色产业,带动群众增收致富,村集体经济不断发展壮大起来。
今年以来,乙镇通过党建引领“四轮驱动”,深入推进抓党建促脱贫攻坚工作,成效明显。
充实帮扶力量,织密帮扶网格。坚持县镇村三级联动,建立包联机制,确保帮扶不留死角。
压实三级责任,挑起管理重担。坚持县委牵头抓、部门具体抓、镇村抓落实的工作格局。
丙村集体经济发展经验
丙村地处山区,过去集体经济薄弱,近年来依托合作社发展种养殖业,集体收入逐年增长。
"""

# The TOC lists 丁乡 twice; the body has that article twice, each time under a byline, never its title.
# (A TOC whose last line repeated its first, right above a byline, would read as the first article's own
# title instead: that is how compilations usually open, so the duplicate here is not the TOC's last line.)
DUPLICATED_ENTRY = """目录
丁乡扶贫开发双推进
戊社区党建引领治理
丁乡扶贫开发双推进
庚村集体经济发展经验
丁乡党委
一、基本情况
丁乡位于县境西部,土地面积一百二十平方公里,辖六个行政村,是典型的山区农业乡镇。
二、主要做法
抓队伍转作风,实现服务队伍与扶贫开发双推进,干部作风明显转变,群众评价不断提高。
戊社区党建引领治理
戊社区坚持党建引领,整合辖区资源,打造共建共治共享的社区治理格局,居民获得感增强。
建强战斗堡垒,铺开一片红。在社区建立党建综合体,推动辖区单位党组织共驻共建共享。
丁乡党委
一、基本情况
丁乡位于县境西部,土地面积一百二十平方公里,辖六个行政村,是典型的山区农业乡镇。
二、主要做法
抓队伍转作风,实现服务队伍与扶贫开发双推进,干部作风明显转变,群众评价不断提高。
庚村集体经济发展经验
庚村地处山区,过去集体经济薄弱,近年来依托合作社发展种养殖业,集体收入逐年增长。
"""

# A title wrapped over two TOC lines; the body prints it on one line.
WRAPPED_TITLE = """目录
用“互联网+党建”思维引领
青年电商跨越新发展
己县党建引领基层治理
用“互联网+党建”思维引领青年电商跨越新发展
青年电商协会党支部把党建工作与电商发展结合起来,带动一批返乡青年创业就业,成效明显。
己县党建引领基层治理
己县坚持以党建引领基层治理,推动治理重心下移,构建网格化管理体系,群众满意度提升。
"""

# One ordinary article: headings and prose, no 目录 → not a compilation.
SINGLE_ARTICLE = """庚县抓党建促脱贫攻坚工作总结
近年来,庚县坚持以党建引领脱贫攻坚,选优配强村级班子,壮大村集体经济,成效明显。
一、强化组织保障
县委成立领导小组,统筹推进各项工作,定期研究解决重大问题,确保各项工作落到实处。
二、突出产业带动
各乡镇立足资源禀赋发展特色产业,带动群众增收致富,村集体经济不断发展壮大起来。
"""

# Page chrome, title and a 时间/来源 line form ONE header (as in a county notice page): no split.
CHROME_HEADER = """您当前的位置:首页 > 县委办文件
印发《关于加强基层党组织建设的实施意见》的通知
时间:2017-05-27       作者:      来源:县委办文件
各乡镇党委,县直各部门:现将《关于加强基层党组织建设的实施意见》印发给你们,请认真贯彻执行。
"""

# No TOC, but unmistakable 标题 / 来源 / 时间 blocks.
SOURCE_BLOCKS = """辛县开展党员志愿服务活动
来源:辛县融媒体中心
时间:2020-05-06
辛县组织党员志愿者深入社区开展服务,帮助群众解决实际困难,受到居民广泛好评。
壬镇推进农村人居环境整治
来源:壬镇人民政府
时间:2020-06-01
壬镇以党建引领人居环境整治,发动党员群众清理垃圾杂物,村容村貌明显改善。
"""


def _bodies(text: str, parts: list[Part]) -> list[str]:
    """Text of each part."""
    return [text[p.start : p.end] for p in parts]


def _read_reference() -> list[dict[str, str]]:
    """Rows of the hand-made seed 004 article table (comment lines skipped)."""
    with SEED004_TSV.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@pytest.fixture(scope="module")
def seed004() -> tuple[str, list[Part]]:
    """Seed 004 text and its split (computed once)."""
    text = SEED004.read_text(encoding="utf-8")
    return text, split_compilation(text)


def test_seed004_count_matches_reading(seed004: tuple[str, list[Part]]) -> None:
    _, parts = seed004
    assert len(parts) == len(_read_reference()) == 32


def test_seed004_titles_in_order(seed004: tuple[str, list[Part]]) -> None:
    _, parts = seed004
    assert [p.title for p in parts] == [row["title"] for row in _read_reference()]
    assert all(p.has_toc for p in parts)


def test_seed004_bodies_start_with_reference(seed004: tuple[str, list[Part]]) -> None:
    text, parts = seed004
    for row, body in zip(_read_reference(), _bodies(text, parts)):
        assert body.startswith(row["first_chars"]), (row["index"], body[:20])


def test_seed004_covers_body_without_gaps(seed004: tuple[str, list[Part]]) -> None:
    text, parts = seed004
    assert text[parts[0].start :].startswith("中共绥滨县新北国啤酒有限公司党支部")
    assert parts[-1].end == len(text.rstrip())
    for left, right in zip(parts, parts[1:]):
        assert left.end <= right.start and not text[left.end : right.start].strip()


def test_seed004_duplicate_article_is_split_twice(seed004: tuple[str, list[Part]]) -> None:
    text, parts = seed004
    bodies = _bodies(text, parts)
    assert parts[4].title == parts[26].title == "党建引领扶贫筑牢攻坚堡垒"
    assert bodies[4].strip() == bodies[26].strip()


def test_seed004_is_fast() -> None:
    text = SEED004.read_text(encoding="utf-8")
    began = time.perf_counter()
    split_compilation(text)
    assert time.perf_counter() - began < 1.0


@pytest.mark.parametrize(
    ("text", "titles", "starts"),
    [
        (
            MISSING_TITLE,
            ["甲县推进党建引领乡村振兴", "乙镇抓党建促脱贫的做法", "丙村集体经济发展经验"],
            ["甲县推进党建引领乡村振兴\n近年来", "今年以来,乙镇", "丙村集体经济发展经验\n"],
        ),
        (
            DUPLICATED_ENTRY,
            ["丁乡扶贫开发双推进", "戊社区党建引领治理", "丁乡扶贫开发双推进", "庚村集体经济发展经验"],
            ["丁乡党委\n一、", "戊社区党建引领治理\n", "丁乡党委\n一、", "庚村集体经济发展经验\n"],
        ),
        (
            WRAPPED_TITLE,
            ["用“互联网+党建”思维引领青年电商跨越新发展", "己县党建引领基层治理"],
            ["用“互联网+党建”思维引领青年电商", "己县党建引领基层治理\n"],
        ),
    ],
)
def test_synthetic_compilations(text: str, titles: list[str], starts: list[str]) -> None:
    parts = split_compilation(text)
    assert [p.title for p in parts] == titles
    for body, start in zip(_bodies(text, parts), starts):
        assert body.startswith(start)
    assert parts[-1].end == len(text.rstrip())


@pytest.mark.parametrize("text", [SINGLE_ARTICLE, CHROME_HEADER, "", "目录\n", "目录\n只有一行标题\n正文很短。"])
def test_not_a_compilation(text: str) -> None:
    assert split_compilation(text) == []


def test_source_blocks_without_toc() -> None:
    parts = split_compilation(SOURCE_BLOCKS)
    assert [p.title for p in parts] == ["辛县开展党员志愿服务活动", "壬镇推进农村人居环境整治"]
    assert not any(p.has_toc for p in parts)
    assert SOURCE_BLOCKS[parts[1].start :].startswith("壬镇推进农村人居环境整治\n来源")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["甲文章", "材料汇编3篇", "材料汇编1", "材料汇编2", "材料汇编3"], ["甲文章", "材料汇编1", "材料汇编2", "材料汇编3"]),
        (["强化党建引领助推精准脱贫", "一、主要做法成效", "二、存在的主要问题", "乙文章"], ["强化党建引领助推精准脱贫", "乙文章"]),
        (["用新思维引领", "电商跨越新发展"], ["用新思维引领", "电商跨越新发展"]),
    ],
)
def test_toc_entries(raw: list[str], expected: list[str]) -> None:
    assert toc_entries(raw, body_keys=set()) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["目录", "标题甲", "标题乙", "近年来,某县坚持党建引领,成效明显,群众满意度不断提升。", "一、做法", "", "来源:某网"]), max_size=25))
def test_any_text_gives_valid_ordered_spans(chunks: list[str]) -> None:
    text = "\n".join(chunks)
    parts = split_compilation(text)
    for part in parts:
        assert 0 <= part.start < part.end <= len(text)
    assert all(a.end <= b.start for a, b in zip(parts, parts[1:]))
    assert not any(re.fullmatch(r"\s*", text[p.start : p.end]) for p in parts)
