"""Document places of the 32 articles of seed 004 against the reference read off the text.

tests/data/seed004_articles.tsv gives, per article (in ingest order), the place the article is
about (province / prefecture / county, municipality repeated as prefecture, empty when anonymised
or not identifiable) and reading notes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import CORPUS

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "seed004_articles.tsv"
EXACT_FLOOR = 0.9
PLACE_COLUMNS = ["province", "prefecture", "county"]
# Notes of articles about an anonymised place (XX县, xx乡xx村, 中共X县委): 1, 16, 20, 25, 31.
# Article 29 (——XX镇) hides only a town; its county 威信县 is named, so it has a reference place.
ANONYMISED_NOTE = "anonymised"


def blank(value: object) -> str:
    """A place name, or '' for a missing one."""
    return value if isinstance(value, str) else ""


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    """The reference split and places of seed 004."""
    ref = pd.read_csv(REFERENCE, sep="\t", comment="#", dtype=str, keep_default_na=False)
    return ref.set_index(ref["index"].astype(int))


@pytest.fixture(scope="module")
def articles(resources) -> pd.DataFrame:
    """The documents ingest makes of seed 004, in file order (row i is reference index i)."""
    from pipeline.ingest import ingest

    docs = ingest(CORPUS, resources).documents
    return docs[docs["source"].str.contains("004_")].reset_index(drop=True)


def placed(articles: pd.DataFrame, i: int) -> tuple[str, str, str]:
    """(province, prefecture, county) of article i, '' where missing."""
    row = articles.iloc[i]
    return tuple(blank(row[c]) for c in PLACE_COLUMNS)


def test_same_split(articles, reference):
    """Ingest yields the 32 reference articles (the comparison below depends on it)."""
    assert len(articles) == len(reference) == 32
    for i, first in reference["first_chars"].items():
        assert articles.iloc[i]["text"].lstrip().startswith(first[:8]), i


def test_places_exact(articles, reference):
    """At least 90% of the articles with a reference place get exactly that place."""
    rows = reference[reference["province"] != ""]
    expected = {i: tuple(row[c] for c in PLACE_COLUMNS) for i, row in rows.iterrows()}
    wrong = {i: (placed(articles, i), exp) for i, exp in expected.items() if placed(articles, i) != exp}
    assert len(expected) == 23
    assert 1 - len(wrong) / len(expected) >= EXACT_FLOOR, wrong


def test_anonymised_not_below_province(articles, reference):
    """Articles about an anonymised place are never placed at a real prefecture or county."""
    hidden = reference[reference["notes"].str.contains(ANONYMISED_NOTE)].index.tolist()
    assert hidden == [1, 16, 20, 25, 29, 31]
    for i in (h for h in hidden if reference.loc[h, "province"] == ""):
        assert placed(articles, i)[1:] == ("", ""), (i, placed(articles, i))
        assert blank(articles.iloc[i]["place_level"]) in ("", "province"), i


def test_lower_confidence_when_anonymised(articles):
    """A document with a placeholder place never claims full confidence."""
    for i in (1, 16, 20, 25, 31):
        assert articles.iloc[i]["place_confidence"] <= 0.5, i
