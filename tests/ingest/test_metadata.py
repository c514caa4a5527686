"""Titles and source units from the lines around a page's body (dates: test_dates.py)."""

import pytest

from pipeline.ingest.metadata import page_metadata, trim_header

BODY = "镇宁自治县地处贵州西南部,素有黔中腹地、滇黔锁钥之称,全县总面积1717.3平方公里,共辖15个乡(镇、街道)。"


@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("供稿单位:安顺市镇宁自治县委政研室", "安顺市镇宁自治县委政研室"),
        ("文章来源:  时间: 2020-03-20 16:56", None),
        ("时间:2017-05-27 作者: 来源:县委办文件", "县委办文件"),
    ],
)
def test_source_units(line, unit):
    assert page_metadata([line, BODY]).source_unit == unit


def test_title_is_the_heading_before_the_metadata_line_and_chrome_above_it_goes():
    lines = ["开启左侧", "抓党建促脱贫的实践与探索", "猫眼看文 发表于 2018-9-5", "公文写作", BODY]
    title, kept = trim_header(lines)
    assert title == "抓党建促脱贫的实践与探索"
    assert kept == ["抓党建促脱贫的实践与探索", "公文写作", BODY]


def test_dash_subtitle_is_not_the_title():
    lines = ["把党的组织优势转化为脱贫攻坚力量", "——我省深入实施党员精准扶贫示范工程", BODY]
    assert trim_header(lines)[0] == "把党的组织优势转化为脱贫攻坚力量"
