"""Preferences survive bad values; autosave writes changed work and offers it back after a crash."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from app.autosave import Autosaver, autosave_path, recoverable
from app.session import Session
from app.settings import Preferences


@pytest.fixture
def prefs(tmp_path):
    return Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))


def test_preferences_round_trip(prefs):
    """Theme, font scale, colour map and threads are kept."""
    prefs.theme = "dark"
    prefs.font_scale = 2.5
    prefs.colormap = "cividis"
    prefs.threads = 1
    assert (prefs.theme, prefs.font_scale, prefs.colormap, prefs.threads) == ("dark", 2.5, "cividis", 1)


def test_bad_stored_values_fall_back_to_defaults(prefs):
    """A hand-edited settings file with nonsense does not break start-up."""
    prefs._s.setValue("appearance/theme", "neon")
    prefs._s.setValue("appearance/font_scale", "huge")
    prefs._s.setValue("appearance/colormap", 42)
    prefs._s.setValue("engine/threads", -5)
    assert (prefs.theme, prefs.font_scale, prefs.colormap, prefs.threads) == ("light", 1.0, "viridis", 0)
    with pytest.raises(ValueError, match="300%"):
        prefs.font_scale = 4


def test_recent_files_newest_first_without_duplicates(prefs, tmp_path):
    """Opening a file puts it first; the list keeps at most eight, each once."""
    for i in range(10):
        prefs.add_recent_file(tmp_path / f"{i}.attnlab")
    prefs.add_recent_file(tmp_path / "5.attnlab")
    files = prefs.recent_files()
    assert len(files) == 8 and files[0].endswith("5.attnlab")
    assert len(set(files)) == 8


def test_autosave_writes_only_changes_and_recovers(qapp, tmp_path):
    """Autosave writes when the work changed; the file brings the work back; a clean exit removes it."""
    session = Session()
    saver = Autosaver(session, lambda: {"name": "bank", "step": 1}, path=tmp_path / "auto.attnlab")
    assert saver.save_now()
    assert not saver.save_now()  # nothing changed since
    session.set_heads(5)
    assert saver.save_now()
    state, lesson = recoverable(saver.path)
    assert state.n_heads == 5 and lesson == {"name": "bank", "step": 1}
    saver.clean_exit()
    assert recoverable(saver.path) is None


def test_broken_autosave_is_ignored(tmp_path):
    """A half-written autosave from a crash is not offered (and does not crash start-up)."""
    path = tmp_path / "auto.attnlab"
    path.write_text('{"format": "attention-lab-session", "vers')
    assert recoverable(path) is None


def test_autosave_lives_in_the_user_data_folder():
    """The default autosave path is under the per-user data folder (XDG_DATA_HOME in tests)."""
    assert "AttentionLab" in str(autosave_path())
