"""Encodings are detected without being told; bad bytes become reasons, not crashes."""

import codecs

import pytest

from pipeline.ingest.encoding import DecodeError, declared_charset, decode

SAMPLE = "镇宁自治县始终以“在扶贫中抓党建,抓好党建促脱贫”为抓手,坚持把党的政治优势、组织优势转化为推动脱贫攻坚的“红色引擎”。"
TRADITIONAL = "鎮寧自治縣始終以“在扶貧中抓黨建,抓好黨建促脫貧”為抓手,堅持把黨的政治優勢、組織優勢轉化為推動脫貧攻堅的“紅色引擎”。"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk", "utf-16", "utf-16-le"])
def test_simplified_text_round_trips(encoding):
    text, _ = decode(SAMPLE.encode(encoding))
    assert text == SAMPLE


def test_utf8_bom_is_stripped():
    text, encoding = decode(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"))
    assert text == SAMPLE and encoding == "utf-8-sig"


def test_big5_is_told_apart_from_gb18030():
    text, encoding = decode(TRADITIONAL.encode("big5"))
    assert text == TRADITIONAL and encoding == "big5"


def test_gb18030_is_not_read_as_big5():
    text, encoding = decode(SAMPLE.encode("gb18030"))
    assert encoding == "gb18030" and text == SAMPLE


def test_declared_meta_charset_is_read():
    page = b'<html><head><meta charset="gb2312"></head><body></body></html>'
    assert declared_charset(page) == "gb18030"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(256)) * 4, "binary"),
        (SAMPLE.encode("utf-8")[:-2], "truncated"),
    ],
)
def test_bad_bytes_raise_with_reason(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode(data)
