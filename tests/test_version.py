"""The version the About box shows is the one pyproject.toml declares."""

import tomllib
from pathlib import Path

from app.version import __version__


def test_version_matches_pyproject():
    """One version number, in two files that must agree."""
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert project["project"]["version"] == __version__
