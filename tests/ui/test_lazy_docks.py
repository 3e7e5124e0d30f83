"""The window paints before its docked views exist, then builds them; view() builds one at once."""

from __future__ import annotations

from app.session import Session
from ui.main_window import MainWindow


def test_docks_exist_before_their_views(qtbot):
    """Every dock is there from the start (named, in the View menu); its view is built on demand."""
    window = MainWindow(Session(), remember_layout=False)
    qtbot.addWidget(window)
    assert all(dock.objectName() == f"{key}Dock" for key, dock in window.docks.items())
    assert all(dock.widget() is None for dock in window.docks.values())
    steps = window.view("steps")
    assert window.docks["steps"].widget() is steps
    assert window.view("steps") is steps  # built once
    assert steps.steps is not None  # drawn: its window is not on screen, so at once


def test_views_are_built_after_the_first_paint(qtbot):
    """Shown, the window paints, says so once, and then builds every view."""
    window = MainWindow(Session(), remember_layout=False)
    qtbot.addWidget(window)
    painted = []
    window.sigFirstPainted.connect(lambda: painted.append(True))
    window.resize(1600, 1000)
    window.show()
    qtbot.waitUntil(lambda: all(dock.widget() is not None for dock in window.docks.values()), timeout=30_000)
    assert painted == [True]
    matrices = window.docks["matrices"].widget()
    assert matrices.editors["w_q"].grid.values.shape == window.session.state.w_q[0].shape


def test_a_dock_brought_forward_gets_its_view_at_once(qtbot):
    """show_view (a lesson step, the View menu) never shows an empty dock."""
    window = MainWindow(Session(), remember_layout=False)
    qtbot.addWidget(window)
    window.show_view("context")
    assert window.docks["context"].widget() is not None


def test_a_saved_layout_finds_the_docks_before_their_views(qtbot, layout_with_closed_dock):
    """restoreState needs only the docks: a closed dock stays closed in the next window."""
    layout_with_closed_dock("lines")
    again = MainWindow(Session(), remember_layout=True)
    qtbot.addWidget(again)
    again.show()
    assert not again.docks["lines"].isVisible()
    assert again.docks["matrices"].isVisible()
