"""Shared test set-up: no screen, and no settings leaking between runs."""

from __future__ import annotations

import os

# Before any Qt import: tests never need (or have) a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """QSettings and caches write under the test's temp folder, never the user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # engine-only environments
        return
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture(autouse=True)
def _no_modal_dialogs(monkeypatch):
    """A message box would wait forever for a click nobody makes: fail the test instead."""
    try:
        from PySide6.QtWidgets import QMessageBox
    except ImportError:
        return

    def refuse(*args, **kwargs):
        raise AssertionError(f"A modal message box opened during a test: {args[1:3]}")

    for name in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, name, refuse)


@pytest.fixture(autouse=True)
def _application_look_restored():
    """A test that themes the whole application (main.py applies a style sheet, palette,
    font and presentation scale) leaves the next test the look it found: a style sheet
    setting font sizes, for one, stops widgets following their parent's font."""
    try:
        from PySide6.QtGui import QFont, QPalette
        from PySide6.QtWidgets import QApplication
    except ImportError:
        yield
        return
    app = QApplication.instance()
    if app is None:  # no Qt in this test (the application outlives tests once made)
        yield
        return
    from ui import theme

    sheet, palette, font = app.styleSheet(), QPalette(app.palette()), QFont(app.font())
    scale = dict(theme._scale)
    yield
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
    if app.palette() != palette:
        app.setPalette(palette)
    if app.font() != font:
        app.setFont(font)
    theme._scale.update(scale)
