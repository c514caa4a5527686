"""Fixtures of the places tests."""

import pytest

from pipeline.places import load_gazetteer


@pytest.fixture(scope="session")
def gaz():
    """The shipped gazetteer."""
    return load_gazetteer()
