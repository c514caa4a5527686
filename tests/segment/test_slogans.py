"""Tests for pipeline/segment/slogans.py: numbered formulas found by shape."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.segment.slogans import extract_slogans


# (sentence, slogans in order), read off the Chinese by hand.
SLOGANS = [
    ("党员形成了“两学一做”学习教育规定动作", ["两学一做"]),
    ("探索建立“三定三诺两评一考”制度", ["三定三诺两评一考"]),
    ("坚持“四议两公开”工作法", ["四议两公开"]),
    ("严格执行“三会一课”、组织生活会", ["三会一课"]),
    ("江华:“五抓五强”摘穷帽", ["五抓五强"]),
    ("开展“双联系一共建双推进”活动", ["双联系一共建双推进"]),
    ("做到人员、经费、办公场地“三保障”", ["三保障"]),
    ("实施“四培养”工程,夯实作战力", ["四培养"]),
    ("深化“五心工程”,激发战斗力", ["五心工程"]),
    ("农村致富带头人“三支队伍”建设", ["三支队伍"]),
    ("坚持四议两公开工作法,不断完善", ["四议两公开"]),
    ("推行三定三诺两评一考,提高落实力", ["三定三诺两评一考"]),
    ("深化五心工程建设", ["五心工程"]),
    ("开展“三走遍三签字”活动", ["三走遍三签字"]),
    ("按照“一户一策”的原则", ["一户一策"]),
    ("通过“三权”促“三变”", ["三权", "三变"]),
    ("充分发挥了党员的“双带”作用", ["双带"]),
    ("实施政府“三资”管理改革", ["三资"]),
    ("推进“双随机、一公开”监管", ["双随机、一公开"]),
    ("坚持“两个毫不动摇”", ["两个毫不动摇"]),
    ("引深“三亮三比争先锋”主题实践", ["三亮三比争先锋"]),
    ("形成微平台、微服务的“五微党建工作法”", ["五微党建工作法"]),
    ("“省市共建、一室一策”支持长白山实验室", ["一室一策"]),
    ("开展关心关爱“四个1”活动", ["四个1"]),
    # 双 is no digit of a number (双|一流); 多 opens a later part in quotes; a programme named by 百/千/万 alone
    ("加快推进“双一流”建设", ["双一流"]),
    ("推广“一喷多促”技术", ["一喷多促"]),
    ("深化“一专多能”人才培养", ["一专多能"]),
    ("学习运用“千万工程”经验", ["千万工程"]),
    ("推进“百千万工程”走深走实", ["百千万工程"]),
]

# Plain counts, markers, idioms, bodies (两委) and quoted tiers (五级, 三级考评) are not slogans.
NOT_SLOGANS = [
    "将原有三个村党支部合并成两个新型农村社区党总支",
    "五年来,全县累计减少贫困人口",
    "一是成立指挥部,二是乡镇划区作战",
    "评选表彰一批“脱贫之星”",
    "选优配强村“两委”班子",
    "建立“三级考评”机制",
    "省市县乡村“五级”整体联动",
    "千方百计为贫困群众找门路",
    "三心二意不可取,四面八方来支援",
    "实施三大工程",
    "县委十四届四次全会要求",
    "选派“第一书记”",
    "他是单位的“一把手”",
    "培育电子信息等七大产业",
    "实施“千人计划”引进人才",  # a count of people, not one item per magnitude
    "实现“双赢多赢共赢”",  # a phrase: 多 opens no long part
    "“三三制”政权",  # a number after a numeral
]


@pytest.mark.parametrize(("sentence", "expected"), SLOGANS)
def test_slogans(sentence: str, expected: list[str]) -> None:
    """Formulas and numbered nouns are found with exact spans."""
    found = extract_slogans(sentence)
    assert [s["text"] for s in found] == expected
    assert all(sentence[s["start"] : s["end"]] == s["text"] for s in found)


@pytest.mark.parametrize("sentence", NOT_SLOGANS)
def test_not_slogans(sentence: str) -> None:
    """Counts, enumeration markers and idioms are not slogans."""
    assert extract_slogans(sentence) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("一二两三四五六七八九十双学做会课议公开“”\"「」工程的个大 ,\n")), max_size=40)
       | st.text(max_size=40))
def test_any_text_gives_valid_spans(text: str) -> None:
    """Any text: no exception, every span exact and non-overlapping."""
    found = extract_slogans(text)
    for s in found:
        assert text[s["start"] : s["end"]] == s["text"] and s["text"]
    assert all(a["end"] <= b["start"] for a, b in zip(found, found[1:]))
