"""Mojibake is flagged with spans, never silently repaired."""

import pytest

from pipeline.ingest.mojibake import mojibake_spans


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("开展“村霸”和涉黑涉恶?jiǎn)栴}集中排查整治活动", "?jiǎn)栴}"),
        ("从省管党费中下?lián)?.15亿元", "?lián)?"),
        ("损坏的字符\ufffd\ufffd在这里", "\ufffd\ufffd"),
    ],
)
def test_mojibake_is_flagged(text, flagged):
    spans = mojibake_spans(text)
    assert len(spans) == 1
    start, end = spans[0]
    assert flagged in text[start:end]


@pytest.mark.parametrize(
    "text",
    [
        "这是一个问题吗?是的。",
        "细颗粒物(PM2.5)浓度下降",
        "巴彦淖尔市| 巴南区| 会泽县",
        "登录 | 立即注册",
    ],
)
def test_clean_text_is_not_flagged(text):
    assert mojibake_spans(text) == []
