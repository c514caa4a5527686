"""Numerals: every written form of a number reads back to the same value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.segment.numbers import numeral_end, parse_numeral

PLAIN = ("零一二三四五六七八九", ("", "十", "百", "千"), ("", "万", "亿", "万亿"))
FINANCIAL = ("零壹贰叁肆伍陆柒捌玖", ("", "拾", "佰", "仟"), ("", "万", "亿", "万亿"))
TRADITIONAL = ("零一兩三四五六七八九", ("", "十", "百", "千"), ("", "萬", "億", "萬億"))


def render(n: int, style: tuple) -> str:
    """A Chinese numeral for n, written the way a text would (零 for gaps, groups of four digits)."""
    digits, small, big = style
    if n == 0:
        return digits[0]
    groups = [(n // 10 ** (4 * i)) % 10**4 for i in range(4)]
    out = ""
    for index in range(3, -1, -1):
        if groups[index]:
            out += group(groups[index], bool(out), digits, small) + big[index]
        elif out and any(groups[:index]):
            out += "" if out.endswith(digits[0]) else digits[0]
    return out


def group(value: int, padded: bool, digits: str, small: tuple) -> str:
    """One group of four digits (padded: a higher group came before, so leading gaps need 零)."""
    out, gap = "", False
    for power in (3, 2, 1, 0):
        digit = value // 10**power % 10
        if digit == 0:
            gap = gap or bool(out) or padded
            continue
        if gap and not out.endswith(digits[0]):
            out += digits[0]
        out, gap = out + digits[digit] + small[power], False
    return out


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**15), st.sampled_from([PLAIN, FINANCIAL, TRADITIONAL]))
def test_chinese_numerals_round_trip(n, style):
    assert parse_numeral(render(n, style)).value == n


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**12), st.booleans())
def test_arabic_numerals_with_separators_and_full_width_round_trip(n, full_width):
    written = f"{n:,}"
    if full_width:
        written = written.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    assert parse_numeral(written).value == n


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 99), st.sampled_from(["万", "亿"]))
def test_decimals_with_a_magnitude_are_exact(whole, cents, magnitude):
    written = f"{whole}.{cents:02d}{magnitude}"
    scale = 10**4 if magnitude == "万" else 10**8
    assert parse_numeral(written).value == (whole * 100 + cents) * scale // 100


@pytest.mark.parametrize(
    ("written", "value", "unit"),
    [
        ("壹百萬零四", 1000004, None),
        ("兩千三百五", 2350, None),
        ("三百五十万亿", 350 * 10**12, None),
        ("千分之一百一十一", 111, "‰"),
        ("百分之三十", 30, "%"),
        ("0.4", 0.4, None),
        ("１５０", 150, None),
        ("1,075", 1075, None),
        ("负三十二", -32, None),
        ("-5", -5, None),
        ("十", 10, None),
        ("三千五", 3500, None),
        ("两万三", 23000, None),
        ("一千零五", 1005, None),
        ("一点二五", 1.25, None),
        ("1亿3千多万", 130000000, None),
        ("285.6亿", 28560000000, None),
    ],
)
def test_written_forms(written, value, unit):
    reading = parse_numeral(written)
    assert (reading.value, reading.unit) == (value, unit)


def test_fractions_and_approximations():
    third = parse_numeral("三分之一")
    assert third.fraction and third.value == pytest.approx(1 / 3)
    assert parse_numeral("1亿3千多万").approx == "多"


@pytest.mark.parametrize("written", ["两三", "十五六", "十三五", "三五", "X", ""])
def test_ranges_and_names_are_not_one_number(written):
    assert parse_numeral(written) is None


def test_digit_sequences_are_flagged():
    assert parse_numeral("二〇二六").sequence


@pytest.mark.parametrize(
    ("text", "numeral"),
    [
        ("用电量突破1000亿千瓦时。", "1000亿"),
        ("新增600万千瓦", "600万"),
        ("共1,075人", "1,075"),
        ("提高到百分之三十", "百分之三十"),
        ("约三分之一以上", "三分之一"),
        ("达1亿3千多万元", "1亿3千多万"),
    ],
)
def test_numeral_end_stops_before_units(text, numeral):
    stops = frozenset({"千瓦", "千瓦时"})
    start = text.index(numeral)
    assert text[start : numeral_end(text, start, stops, 3)] == numeral


@pytest.mark.parametrize(
    ("text", "numeral"),
    [
        # 两 after a unit starts the next word (两个 台阶, taels), a tail digit there is written 二
        ("经济总量连续迈上4万亿、5万亿两个台阶", "5万亿"),
        ("收购黄金一千两", "一千"),
        # before a unit it is a digit of the numeral
        ("共有党员一万两千名", "一万两千"),
        ("新增就业3万两千人", "3万两千"),
        ("两万两千人参加", "两万两千"),
        ("一万二参加", "一万二"),
    ],
)
def test_a_pair_after_a_unit_is_not_a_tail_digit(text, numeral):
    start = text.index(numeral)
    assert text[start : numeral_end(text, start)] == numeral
