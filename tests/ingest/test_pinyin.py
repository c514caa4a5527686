"""Pinyin annotations go; legitimate Latin text in parentheses stays."""

import pytest

from pipeline.ingest.pinyin import remove_pinyin


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("五抓五強(qiáng)", "五抓五強"),
        ("草長(zhǎng)鶯飛", "草長鶯飛"),
        ("發(fā)展（fā zhǎn）", "發展"),
        ("細顆粒物(PM2.5)濃度", "細顆粒物(PM2.5)濃度"),
        ("支部+基地(项目)模式", "支部+基地(项目)模式"),
        ("采用(abc)编号", "采用(abc)编号"),
        ("(dāng)开头不在汉字后", "(dāng)开头不在汉字后"),
    ],
)
def test_remove_pinyin(raw, clean):
    assert remove_pinyin(raw)[0] == clean
