"""Section kinds of headings: keyword table loading and classification."""

from pathlib import Path

import pytest

from pipeline.segment.sections import (
    SectionKind,
    classify_section,
    load_section_kinds,
    top_level_kinds,
)

TABLE = Path(__file__).resolve().parents[2] / "pipeline" / "data" / "section_kinds.tsv"

HEADINGS = [
    ("镇宁自治县贫困现状", "background"),
    ("基本情况", "background"),
    ("背景与起因", "background"),
    ("抓党建促脱贫的主要做法", "practices"),
    ("做法与经过", "practices"),
    ("宜昌市抓党建促脱贫攻坚主要做法成效", "practices"),
    ("成效与反响", "results"),
    ("取得成效", "results"),
    ("存在的主要问题", "problems"),
    ("问题", "problems"),
    ("经验启示", "lessons"),
    ("几点启示", "lessons"),
    ("关于深入推进抓党建促脱贫攻坚工作的几点建议", "suggestions"),
    ("对策建议", "suggestions"),
    ("总体目标", "goals"),
    ("主要任务", "tasks"),
    ("保障措施", "tasks"),
    ("2018年工作回顾", "results"),
    ("一、2025年工作总结和“十四五”发展成就", "results"),
    ("2019年经济社会发展总体要求和政策取向", "goals"),
    ("2026年工作安排", "tasks"),
    ("2026年重点工作", "tasks"),
    ("下一步打算", "tasks"),
    ("产出(总分30分,自评得分30分", "results"),
    # practice headings that merely contain a section word are not sections
    ("找准关键问题,有的放矢整治", "other"),
    ("始终坚持以人民为中心的发展思想,以变化见成效", "other"),
    ("紧抓作风建设,树立纪律严明良好形象", "other"),
]


@pytest.fixture(scope="module")
def kinds():
    return load_section_kinds(TABLE)


@pytest.mark.parametrize(("heading", "expected"), HEADINGS)
def test_classify_section(kinds, heading, expected):
    assert classify_section(heading, kinds) == expected


def test_table_kinds_are_closed_set(kinds):
    assert kinds.rules
    assert {r.kind for r in kinds.rules} <= set(SectionKind)


def test_no_section_headings_means_practices(kinds):
    headings = ["抓强基固本,强化脱贫攻坚执行力", "抓队伍建设,强化脱贫攻坚战斗力"]
    assert top_level_kinds(headings, kinds) == ["practices", "practices"]


def test_unnamed_sections_follow_the_orientation(kinds):
    """Unnamed sections tell work done, until a goals or tasks section turns the report to the future."""
    headings = ["2025年工作回顾", "抓党建促振兴", "“十五五”时期主要目标任务", "全面提升政府治理效能"]
    assert top_level_kinds(headings, kinds) == ["results", "practices", "goals", "tasks"]


def test_a_plan_title_or_obligation_markers_make_unnamed_sections_tasks(kinds):
    headings = ["夯实基层基础,筑牢战斗堡垒", "强化队伍建设,配强骨干力量"]
    assert top_level_kinds(headings, kinds, title="关于抓党建促脱贫攻坚的实施意见") == ["tasks", "tasks"]
    assert top_level_kinds(headings, kinds, obligations=True) == ["tasks", "tasks"]
    assert top_level_kinds(headings, kinds, title="抓党建促脱贫的实践与探索") == ["practices", "practices"]


def test_loader_rejects_unknown_kind(tmp_path):
    bad = tmp_path / "kinds.tsv"
    bad.write_text("# comment\n做法\tdoings\tany\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_section_kinds(bad)


def test_loader_skips_comments_and_blank_lines(tmp_path):
    table = tmp_path / "kinds.tsv"
    table.write_text("# c\n\n做法\tpractices\tedge\n", encoding="utf-8")
    assert classify_section("主要做法", load_section_kinds(table)) == "practices"
