"""The measure tree cannot derail: one missed, extra or repeated marker changes only its neighbourhood."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.segment.markers import find_markers, int_to_cn
from pipeline.segment.measures import extract_measures
from pipeline.segment.tree import document_ranks
from tests.conftest import package_resources

# A work report's outline: 一、 sections, （一） items with lead paragraphs, 1. items, —— bullets.
REPORT = """2026年政府工作报告
一、2025年工作回顾
过去一年，全省经济稳中有进。
——经济运行保持在合理区间。地区生产总值增长5%。
——经济结构不断优化。服务业占比提高。
二、2026年工作安排
（一）扩大国内需求。坚持内需主导。
实施提振消费专项行动。扩大优质商品和服务供给，培育新型消费。
推动投资稳定增长。发挥重大项目牵引作用。
（二）建设现代化产业体系。坚持创新驱动。
1.壮大先进制造业。支持龙头企业发展。
2.发展现代服务业。推动生产性服务业升级。
三、“十五五”时期主要目标任务
（一）发展目标。到2030年基本实现现代化。
（二）重点任务。一是构建现代化产业体系；二是扩大内需。
四、全面提升政府治理效能
当好创造性执行者。坚守政府执行机关定位。
当好为民施政的勤务员。民之所盼，政之所向。"""


def outline(text: str) -> list[tuple[int, str, str]]:
    """(level, heading, parent heading) of every measure."""
    ms = extract_measures(text, package_resources().section_kinds)
    heading = {m["measure_id"]: m["heading"] for m in ms}
    return [(m["level"], m["heading"], heading.get(m["parent_id"], "")) for m in ms]


def test_report_outline_follows_official_numbering():
    got = outline(REPORT)
    assert got == [
        (1, "2025年工作回顾", ""),
        (2, "经济运行保持在合理区间", "2025年工作回顾"),
        (2, "经济结构不断优化", "2025年工作回顾"),
        (1, "2026年工作安排", ""),
        (2, "扩大国内需求", "2026年工作安排"),
        (3, "实施提振消费专项行动", "扩大国内需求"),
        (3, "推动投资稳定增长", "扩大国内需求"),
        (2, "建设现代化产业体系", "2026年工作安排"),
        (3, "壮大先进制造业", "建设现代化产业体系"),
        (3, "发展现代服务业", "建设现代化产业体系"),
        (1, "“十五五”时期主要目标任务", ""),
        (2, "发展目标", "“十五五”时期主要目标任务"),
        (2, "重点任务", "“十五五”时期主要目标任务"),
        (3, "构建现代化产业体系", "重点任务"),
        (3, "扩大内需", "重点任务"),
        (1, "全面提升政府治理效能", ""),
        (2, "当好创造性执行者", "全面提升政府治理效能"),
        (2, "当好为民施政的勤务员", "全面提升政府治理效能"),
    ]


def test_a_missed_section_marker_changes_only_its_own_section():
    """Without 二、 its items join section 一; sections 三 and 四 and their items are untouched."""
    damaged = REPORT.replace("二、2026年工作安排", "2026年工作安排")
    before, after = outline(REPORT), outline(damaged)
    assert before[10:] == after[-8:]  # 三、 and 四、 with every child
    assert [row for row in after if row[1] == "扩大国内需求"] == [(2, "扩大国内需求", "2025年工作回顾")]
    assert [row[0] for row in after if row[1] in ("实施提振消费专项行动", "壮大先进制造业")] == [3, 3]


def test_a_repeated_marker_adds_one_sibling_and_changes_nothing_else():
    damaged = REPORT.replace("（二）建设现代化产业体系", "（二）扩大开放。深化改革。\n（二）建设现代化产业体系")
    before, after = outline(REPORT), outline(damaged)
    assert after == before[:7] + [(2, "扩大开放", "2026年工作安排")] + before[7:]


def test_an_extra_low_rank_marker_stays_inside_its_item():
    """A stray (1) nests under the open （一） item; from the next （二） on nothing changes."""
    damaged = REPORT.replace("推动投资稳定增长。", "（1）推动投资稳定增长。")
    before, after = outline(REPORT), outline(damaged)
    assert (3, "推动投资稳定增长", "扩大国内需求") in after
    second = (2, "建设现代化产业体系", "2026年工作安排")
    assert after[after.index(second):] == before[before.index(second):]


def test_observed_nesting_refines_the_prior():
    """A document that writes 1. above （一） (1. 2. around （一）（二）) keeps its own order."""
    text = "1.组织建设\n（一）建班子。选人。\n（二）立制度。定规。\n2.产业发展\n（一）建基地。种果。"
    assert document_ranks(find_markers(text)) == {"num_dot": 0, "cn_paren": 1}
    assert [row[:2] for row in outline(text)] == [(1, "组织建设"), (2, "建班子"), (2, "立制度"), (1, "产业发展"), (2, "建基地")]


@st.composite
def reports(draw):
    """A random outline of 一、 sections holding （一） items holding 1. items, rendered as text."""
    lines, n_sections = [], draw(st.integers(2, 4))
    for s in range(1, n_sections + 1):
        lines.append(f"{int_to_cn(s)}、第{s}部分工作")
        for i in range(1, draw(st.integers(0, 3)) + 1):
            lines.append(f"（{int_to_cn(i)}）第{s}部分第{i}项任务。推进各项工作落实。")
            for k in range(1, draw(st.integers(0, 2)) + 1):
                lines.append(f"{k}.第{s}部分第{i}项第{k}条措施。加强组织领导。")
    return lines


@settings(max_examples=60, deadline=None)
@given(reports(), st.data())
def test_deleting_any_marker_keeps_every_item_outside_its_section(lines, data):
    """Delete the marker of one line: items of the other top-level sections keep level, heading and parent."""
    index = data.draw(st.integers(0, len(lines) - 1))
    words = lines[index][lines[index].index("第"):]
    damaged = lines[:index] + [words] + lines[index + 1:]
    section = words[: words.index("部分") + 2]  # 第N部分
    untouched = [row for row in outline("\n".join(lines)) if not row[1].startswith(section)]
    assert set(untouched) <= set(outline("\n".join(damaged)))


def test_a_lost_first_item_does_not_join_the_list_of_the_section_before():
    """Section 三's `1.` is lost: its `2.` follows the `1.` that closes section 二, but with 三、 between
    them they are not one list, so `1.` still ranks below （一） everywhere."""
    text = "\n".join(["一、第1部分工作", "二、第2部分工作", "（一）第2部分第1项任务。推进落实。", "（二）第2部分第2项任务。推进落实。",
                      "1.第2部分第2项第1条措施。加强组织领导。", "三、第3部分工作", "（一）第3部分第1项任务。推进落实。",
                      "（二）第3部分第2项任务。推进落实。", "第3部分第2项第1条措施。加强组织领导。", "2.第3部分第2项第2条措施。加强组织领导。"])
    got = outline(text)
    assert (3, "第2部分第2项第1条措施", "第2部分第2项任务") in got
    assert (3, "第3部分第2项第2条措施", "第3部分第2项任务") in got
