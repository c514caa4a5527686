"""Tests for pipeline/provenance.py: the versions a run records."""

from __future__ import annotations

from importlib import metadata

from pipeline.provenance import name_and_version, package_versions


def test_every_installed_version_is_the_one_importlib_reads():
    expected = {dist.metadata["Name"]: dist.version for dist in metadata.distributions() if dist.metadata["Name"]}
    assert package_versions() == dict(sorted(expected.items(), key=lambda item: item[0].lower()))
    assert "pandas" in package_versions()


def test_the_version_comes_from_the_headers_not_the_description(tmp_path):
    info = tmp_path / "demo-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: demo\nVersion: 1.2\nSummary: a demo\n"
        "Description-Content-Type: text/markdown\n\n# Demo\nVersion: 9.9 is not this one.\nName: other\n",
        encoding="utf-8")
    dist = metadata.PathDistribution(info)
    assert name_and_version(dist) == ("demo", "1.2") == (dist.metadata["Name"], dist.version)


def test_an_egg_info_reads_its_pkg_info_and_a_nameless_one_is_left_out(tmp_path):
    egg = tmp_path / "old.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: old\nVersion: 0.1\n", encoding="utf-8")
    empty = tmp_path / "broken.dist-info"
    empty.mkdir()
    assert name_and_version(metadata.PathDistribution(egg)) == ("old", "0.1")
    assert name_and_version(metadata.PathDistribution(empty)) == (None, None)
