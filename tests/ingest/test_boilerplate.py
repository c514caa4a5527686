"""Page chrome goes by pattern, by page structure and by recurrence across pages."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.boilerplate import (
    Boilerplate,
    drop_chrome,
    first_letters,
    join_patterns,
    joined,
    load_boilerplate,
    recurring_lines,
    split_lines,
    top_level_branches,
    trim_footer,
)
from pipeline.resources import DATA_DIR, ResourceError

PARAGRAPH = "镇宁自治县地处贵州西南部,素有黔中腹地、滇黔锁钥之称,全县总面积1717.3平方公里,共辖15个乡(镇、街道)。"


@pytest.fixture(scope="module")
def patterns():
    return load_boilerplate(DATA_DIR / "boilerplate.txt")


@pytest.mark.parametrize(
    "line",
    [
        "关灯",
        "[复制链接]",
        "猫眼看文 发表于 2018-9-5 20:42:38 | 显示全部楼层 |阅读模式 打印 上一主题 下一主题",
        "您需要登录后才可以回帖 登录 | 立即注册",
        "37粉丝",
        "全国服务热线:",
        "公司地址:泉州秘途文化传媒有限公司",
        "ICP备案号:湘ICP备17016663号-1",
        "Copyright   ©2015-2025  老秘网",
        "001.jpg",
        "巴彦淖尔市| 巴南区| 会泽县| 平湖市| 凉山| 吉木萨尔县| 兰坪|",
        "您当前的位置:首页 > 县委办文件",
        "图为红山果业基地。",
    ],
)
def test_chrome_lines_match_a_pattern(patterns, line):
    assert patterns.is_chrome(line)


@pytest.mark.parametrize("line", [PARAGRAPH, "一、镇宁自治县贫困现状", "(一)抓组织领导层层压实责任。", "抓党建促脱贫的实践与探索"])
def test_content_lines_are_not_chrome(patterns, line):
    assert not patterns.is_chrome(line)


def test_a_row_of_five_links_is_chrome_and_four_are_not(patterns):
    # the first item is too long for the pattern anchored at the line start: only the row of items counts
    assert patterns.is_chrome("返回上级栏目的快捷导航菜单链接 首页|新闻| 通知| 公告|专题|")
    assert not patterns.is_chrome("返回上级栏目的快捷导航菜单链接 首页|新闻| 通知| 公告|")


ROW_OF_ITEMS = re.compile(r"(\S{1,12}\|\s{0,4}){5,}")  # the plain form of the data file's pattern


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab中 \t|", max_size=40))
def test_the_row_pattern_written_from_its_first_bar_finds_the_lines_of_its_plain_form(line):
    written = re.compile(next(p for p in (DATA_DIR / "boilerplate.txt").read_text(encoding="utf-8").splitlines()
                              if p.startswith("\\|")))
    assert bool(written.search(line)) == bool(ROW_OF_ITEMS.search(line))


def test_watermark_is_cut_and_paragraph_kept(patterns):
    line = "党支部坚持“三会一课”制度(本文来自大秘书网www.damishu.cn),认真落实组织生活。"
    assert drop_chrome([line], patterns, frozenset()) == ["党支部坚持“三会一课”制度,认真落实组织生活。"]


def test_image_name_and_its_caption_are_dropped(patterns):
    lines = [PARAGRAPH, "003.jpg", "指导农户种植食用菌。", PARAGRAPH]
    assert drop_chrome(lines, patterns, frozenset()) == [PARAGRAPH, PARAGRAPH]


def test_footer_lines_after_the_last_paragraph_are_dropped():
    lines = [PARAGRAPH, "排行榜", "0595-22880819", "运营中心:福建省泉州市"]
    assert trim_footer(lines) == [PARAGRAPH]


def test_lines_recurring_on_several_pages_are_chrome_but_prose_is_not():
    pages = [["网站首页 | 新闻中心", PARAGRAPH, f"第{i}篇正文。" * 10] for i in range(4)]
    assert recurring_lines(pages, min_pages=3) == frozenset({"网站首页 | 新闻中心"})


def test_split_lines_strips_wide_spaces():
    assert split_lines("\u3000\u3000正文\xa0\n\n  \n尾") == ["正文", "尾"]


def test_pattern_file_rejects_a_pattern_without_section(tmp_path: Path):
    bad = tmp_path / "b.txt"
    bad.write_text("# header\n^关灯$\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="line 2: pattern '\\^关灯\\$' before a"):
        load_boilerplate(bad)


def test_pattern_file_names_file_and_line_of_a_bad_regex(tmp_path: Path):
    bad = tmp_path / "b.txt"
    bad.write_text("# header\n[line]\n^关灯$\n(未闭合\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"b.txt line 4: invalid regular expression"):
        load_boilerplate(bad)


def test_reposts_of_one_article_do_not_make_its_title_chrome():
    article = ["抓党建促脱贫的实践与探索", PARAGRAPH]
    pages = [[f"转载{i}", *article] for i in range(5)] + [["网站首页", f"另一篇文章第{i}段。" * 8] for i in range(3)]
    assert recurring_lines(pages, min_pages=3) == frozenset({"网站首页"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("细颗粒物（PM\n2.5\n）浓度继续下降。", ["细颗粒物（PM2.5）浓度继续下降。"]),
        ("广义货币M\n2\n和社会融资规模增速要相匹配。", ["广义货币M2和社会融资规模增速要相匹配。"]),
        ("一、工作回顾\n2\n下一页", ["一、工作回顾", "2", "下一页"]),  # a page number after Chinese text stays a line
    ],
)
def test_broken_subscripts_are_rejoined(text, expected):
    assert split_lines(text) == expected


def test_top_level_branches_respect_groups_classes_and_escapes():
    assert top_level_branches(r"^a|b(c|d)|[|x]|\|y") == ["^a", "b(c|d)", "[|x]", r"\|y"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="关灯复制链接[]登录注册|ICP备电话：:地址图为1234567890 ，。阅读模式aCopyright.jpg-=", max_size=40))
def test_joined_chrome_patterns_answer_like_one_search_per_pattern(patterns, line):
    one_by_one = Boilerplate(patterns.line, patterns.inline)
    assert patterns.is_chrome(line) == one_by_one.is_chrome(line)


@pytest.mark.parametrize(("branch", "letters"), [
    ("版权所有", "版"), (r"\|\s*x", "|"), ("[Cc]opyright", "Cc"), ("主+办", "主"),
    ("a?b", None), ("版*权", None), ("版{0,2}权", None), (r"\d+号", None), ("(ab)", None), ("[^x]y", None), ("[a-z]", None), (".x", None),
])
def test_first_letters_are_known_only_when_every_match_starts_with_them(branch, letters):
    assert first_letters(branch) == letters


def test_joined_branches_are_led_by_their_first_letters_only_when_every_branch_has_plain_ones():
    branches = ["版权所有", "[Cc]opyright", r"\|\s*友情链接"]
    led = joined(branches)
    assert led.pattern.startswith("(?=[")
    assert not joined([*branches, r"\d+人浏览"]).pattern.startswith("(?=")
    for line in ("本站版权所有", "copyright 2020", "网站 | 友情链接", "版权", "全县1717.3平方公里"):
        assert bool(led.search(line)) == any(re.search(b, line) for b in branches)


def test_patterns_with_backreferences_or_flags_are_searched_alone():
    line = (re.compile(r"(ab)\1"), re.compile(r"(?i)copyright"), re.compile("^关灯$"))
    anchored, anywhere, alone = join_patterns(line)
    assert [p.pattern for p in alone] == [r"(ab)\1", "(?i)copyright"]
    chrome = Boilerplate(line, (), (anchored, anywhere, alone))
    assert chrome.is_chrome("xababx") and chrome.is_chrome("COPYRIGHT 2020") and chrome.is_chrome("关灯")
    assert not chrome.is_chrome("关灯了")
