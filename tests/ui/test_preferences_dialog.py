"""The Preferences dialog: values are saved and applied on OK, and nothing changes on Cancel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from app.session import Session
from app.settings import Preferences
from engine.config import CONFIG
from ui.main_window import MainWindow
from ui.preferences_dialog import PreferencesDialog
from ui.theme import apply_theme, font_scale


@pytest.fixture
def window(qtbot, tmp_path, qapp):
    win = MainWindow(Session(), remember_layout=False)
    win.files.prefs = Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    win.presentation.prefs = win.files.prefs
    qtbot.addWidget(win)
    yield win
    apply_theme(qapp)
    CONFIG.threads = None


def test_ok_saves_and_applies(window):
    """OK stores theme, sizes, colour map and threads, and the window takes them on."""
    dialog = PreferencesDialog(window, window.files.prefs)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.font_scale.setValue(125)
    dialog.presentation_scale.setValue(250)
    dialog.colormap.setCurrentIndex(dialog.colormap.findData("cividis"))
    dialog.threads.setValue(1)
    dialog.accept()
    prefs = window.files.prefs
    assert (prefs.theme, prefs.font_scale, prefs.presentation_scale) == ("dark", 1.25, 2.5)
    assert prefs.colormap == "cividis" and window.attention_view.colours.currentData() == "cividis"
    assert CONFIG.threads == 1
    assert font_scale() == 1.25


def test_cancel_changes_nothing(window):
    """Cancel leaves every preference as it was."""
    dialog = PreferencesDialog(window, window.files.prefs)
    dialog.theme.setCurrentIndex(dialog.theme.findData("high-contrast"))
    dialog.reject()
    assert window.files.prefs.theme == "light"


def test_colour_map_choice_is_remembered(window):
    """Choosing a colour map in the heatmap header is kept for the next start."""
    combo = window.attention_view.colours
    combo.setCurrentIndex(combo.findData("magma"))
    assert window.files.prefs.colormap == "magma"
