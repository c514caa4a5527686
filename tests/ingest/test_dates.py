"""The date a document shows, where it comes from and how precise it is; never a date of the narrative."""

import datetime

import pytest

from pipeline.ingest.dates import document_date, parse_date

TODAY = datetime.date(2026, 11, 29)
BODY = "镇宁自治县地处贵州西南部,素有黔中腹地、滇黔锁钥之称,全县总面积1717.3平方公里,共辖15个乡(镇、街道)。到2020年底全面脱贫。"


def dated(header: list[str], title: str | None = None, given: object = None, body: list[str] | None = None):
    found = document_date(given, header, title, body, today=TODAY)
    return found.value, found.source, found.precision


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("猫眼看文 发表于 2018-9-5 20:42:38 | 显示全部楼层", "2018-09-05"),
        ("文章来源:  时间: 2020-03-20 16:56", "2020-03-20"),
        ("发布时间:2019年12月3日", "2019-12-03"),
        ("2023-05-12　来源：新华网", "2023-05-12"),
        ("来源：人民日报　2023年5月12日", "2023-05-12"),
    ],
)
def test_header_dates_with_or_without_a_label(line, value):
    assert dated(["标题", line, BODY]) == (value, "header", "day")


def test_an_impossible_or_future_date_is_not_a_date():
    assert dated(["标题", "时间: 2017-13-45", BODY])[0] is None
    assert dated(["标题", "发布时间:2027-01-05", BODY])[0] is None
    assert parse_date("1900年5月4日", TODAY) is None


@pytest.mark.parametrize(
    ("closing", "value"),
    [
        ("中共巍山县委办公室 2017年5月27日", "2017-05-27"),
        ("二〇一七年五月二十七日", "2017-05-27"),
        ("2018年9月", "2018-09"),
    ],
)
def test_a_closing_date_line(closing, value):
    assert dated(["标题", BODY], body=[BODY, closing])[0] == value


def test_the_narrative_is_never_read():
    """2020年底 in the body is what the text talks about, not when it was written."""
    assert dated(["标题", BODY], body=[BODY]) == (None, None, None)


def test_metadata_wins_and_a_bare_year_is_a_year():
    assert dated(["标题", "发布时间:2019年12月3日", BODY], given="2026-02-01") == ("2026-02-01", "metadata", "day")
    assert dated(["标题", BODY], given=2019) == ("2019", "metadata", "year")


@pytest.mark.parametrize(
    ("title", "value"),
    [("2019年中华人民共和国国务院政府工作报告", "2019"), ("2017年以来全县脱贫攻坚工作综述", None), ("抓党建促脱贫", None)],
)
def test_the_year_of_the_title(title, value):
    assert dated([title, BODY], title=title, body=[BODY])[0] == value
