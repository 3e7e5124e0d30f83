"""File menu: open, save, recent files, export, copy, recovery; bad files never cost the work."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.session import Session
from app.session_file import save_session
from app.settings import Preferences
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path):
    win = MainWindow(Session(), remember_layout=False)
    win.files.prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    return win


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[1:3]))
    return shown


def test_save_then_open_restores_the_work_and_the_lesson(window, tmp_path, monkeypatch):
    """Save As writes the session; opening it elsewhere restores state and lesson step."""
    window.session.load_preset("red-car")
    window.lessons.start("specialised-heads", 1)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "car"), ""))
    assert window.files.save_as()
    path = tmp_path / "car.attnlab"
    assert path.exists() and window.windowTitle().startswith("car.attnlab")
    other = MainWindow(Session(), remember_layout=False)
    other.files.prefs = window.files.prefs
    assert other.files.open(path)
    np.testing.assert_array_equal(other.session.state.w_q, window.session.state.w_q)
    assert other.lessons.position() == {"name": "specialised-heads", "step": 1}
    assert str(path.resolve()) in other.files.prefs.recent_files()
    other.close()


def test_a_bad_file_warns_and_keeps_the_work(window, tmp_path, warnings):
    """Opening a truncated or newer file shows a warning and changes nothing."""
    before = window.session.state
    truncated = tmp_path / "cut.attnlab"
    truncated.write_text('{"format": "attention-lab-session", "version": 1, "state": {"tok')
    newer = tmp_path / "new.attnlab"
    newer.write_text(json.dumps({"format": "attention-lab-session", "version": 7, "state": {}}))
    assert not window.files.open(truncated)
    assert not window.files.open(newer)
    assert window.session.state is before
    assert "truncated" in warnings[0][1] and "newer Attention Lab" in warnings[1][1]


def test_dirty_marker_follows_the_undo_stack(window, tmp_path):
    """The title shows * after an edit and loses it after saving."""
    window.session.set_heads(3)
    assert "*" in window.windowTitle()
    assert window.files._write(tmp_path / "x.attnlab")
    assert "*" not in window.windowTitle()


def test_copy_as_table(window):
    """Copy weights puts a tab-separated table with a header on the clipboard."""
    window.files.copy_weights()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("head\thead_name\tquery_index")
    assert len(text.splitlines()) == 1 + 2 * 13 * 13


def test_export_dialog_writes_the_chosen_format(window, tmp_path, monkeypatch):
    """Export picks the format from the name: .csv gives a table of weights."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "w.csv"), ""))
    window.files.export_dialog()
    assert (tmp_path / "w.csv").read_text().startswith("head,head_name")


def test_recovery_after_a_crash(qtbot, tmp_path, monkeypatch):
    """Work autosaved by a run that never closed is offered back at the next start."""
    session = Session()
    session.set_heads(6)
    crashed = MainWindow(session, remember_layout=False, autosave=True)
    qtbot.addWidget(crashed)
    assert crashed.files.autosaver.save_now()
    path = crashed.files.autosaver.path  # the window is not closed: a crash
    fresh = MainWindow(Session(), remember_layout=False, autosave=True)
    qtbot.addWidget(fresh)
    assert fresh.files.autosaver.path == path
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    assert fresh.files.offer_recovery()
    assert fresh.session.state.n_heads == 6
    fresh.close()
    assert not path.exists()  # a clean exit leaves nothing to recover


def test_new_session_is_one_undo_step(window):
    """New puts the default sentence back; undo returns to the previous work."""
    window.session.load_preset("by-hand")
    window.files.new()
    assert len(window.session.state.tokens) == 13
    window.session.undo_stack.undo()
    assert window.session.state.preset == "by-hand"


def test_saving_to_an_unwritable_place_warns(window, tmp_path, warnings):
    """A save that fails says so; the work stays unsaved, not lost."""
    folder = tmp_path / "missing" / "deeper"
    assert not window.files._write(folder / "x.attnlab")
    assert warnings and "could not be saved" in warnings[0][0]
    save_session(tmp_path / "ok.attnlab", window.session.state)


def test_heatmap_saved_as_png_and_svg(window, tmp_path, monkeypatch):
    """The heatmap saves as a PNG of its size and as an SVG holding the token names."""
    window.resize(1600, 1000)
    window.show()
    for suffix in (".png", ".svg"):
        target = tmp_path / f"heat{suffix}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        window.files.save_heatmap_picture()
        assert target.exists() and target.stat().st_size > 1000
    from PySide6.QtGui import QImage

    image = QImage(str(tmp_path / "heat.png"))
    assert image.size() == window.attention_view.heatmap.grab().size()
    svg = (tmp_path / "heat.svg").read_text()
    assert "<svg" in svg and "deposit" in svg


def test_any_view_saved_as_svg(window, tmp_path):
    """A view made of several widgets (step by step) paints into an SVG too."""
    from ui.image_export import export_widget

    window.resize(1600, 1000)
    window.show()
    window.show_view("steps")
    path = export_widget(window.docks["steps"].widget(), tmp_path / "steps.svg")
    assert "<svg" in path.read_text()
    with pytest.raises(ValueError, match=".png or .svg"):
        export_widget(window.docks["steps"].widget(), tmp_path / "steps.gif")
