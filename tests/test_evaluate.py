"""Precision, recall and F1 of multisets, as the evaluation table reports them."""

from collections import Counter

import pytest

from pipeline.evaluate import prf


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        (Counter("aab"), Counter("ab"), (1.0, 2 / 3)),
        (Counter("ab"), Counter("abcd"), (0.5, 1.0)),
        (Counter(), Counter(), (1.0, 1.0)),
        (Counter("a"), Counter(), (0.0, 0.0)),
    ],
)
def test_prf(gold, predicted, expected):
    score = prf(gold, predicted)
    assert (score["precision"], score["recall"]) == pytest.approx(expected)
