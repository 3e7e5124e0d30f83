"""Resources are found through app.resources alone, from source and from the frozen app."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from app import resources
from app.resources import resource_path, resources_dir

ROOT = Path(__file__).resolve().parents[2]


def test_from_source_resources_sit_at_the_repository_root(monkeypatch):
    """Without PyInstaller, resources/ is the repository's own folder."""
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resources_dir() == ROOT / "resources"
    assert resource_path("lexicon.json") == ROOT / "resources" / "lexicon.json"


def test_frozen_resources_are_under_meipass(monkeypatch, tmp_path):
    """In the frozen app resource_path looks in sys._MEIPASS/resources, where the spec puts them."""
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "icons" / "a.png").write_bytes(b"png")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"
    assert resource_path("icons", "a.png") == tmp_path / "resources" / "icons" / "a.png"


def test_a_missing_resource_names_the_file(monkeypatch, tmp_path):
    """A resource missing from an incomplete installation raises FileNotFoundError naming it."""
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    with pytest.raises(FileNotFoundError, match="lexicon.json"):
        resource_path("lexicon.json")


def test_no_other_module_locates_files_by_itself():
    """Only app/resources.py may look at __file__ or sys._MEIPASS to find files."""
    allowed = Path(resources.__file__).resolve()
    pattern = re.compile(r"__file__|_MEIPASS|sys\.frozen|getattr\(sys, .frozen")
    files = [ROOT / "main.py"]
    files += [path for package in ("app", "engine", "ui") for path in sorted((ROOT / package).rglob("*.py"))]
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        if path.resolve() != allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, offenders
