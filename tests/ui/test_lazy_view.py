"""Views redraw only when seen, and a burst of edits in one turn of the event loop redraws once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QTabWidget, QWidget

from ui import lazy_view


class Emitter(QObject):
    changed = Signal(object)
    other = Signal(int)


class View(QLabel):
    """A view that records what it was asked to draw."""

    def __init__(self, emitter: Emitter):
        super().__init__("view")
        self.drawn: list = []
        lazy_view.connect_redraw(self, emitter.changed, self.redraw)

    def redraw(self, value) -> None:
        self.drawn.append(value)


def in_event_loop(action) -> None:
    """Run ``action`` from inside a running event loop (as an input event would), then let it finish."""
    loop = QEventLoop()

    def run():
        try:
            action()
        finally:
            loop.quit()

    QTimer.singleShot(0, run)
    loop.exec()
    QApplication.processEvents()  # the turn ends: deferred redraws run


@pytest.fixture
def emitter(qapp):
    return Emitter()


@pytest.fixture
def tabs(qtbot, emitter):
    """A shown window with two tab pages; the view is on the first."""
    widget = QTabWidget()
    view = View(emitter)
    widget.addTab(view, "view")
    widget.addTab(QWidget(), "other")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, view


def test_a_visible_view_redraws_at_once_outside_an_event_loop(tabs, emitter):
    """Scripts and tests read a view right after an edit: outside a loop it draws at once."""
    _, view = tabs
    emitter.changed.emit(1)
    emitter.changed.emit(2)
    assert view.drawn == [1, 2]
    assert not lazy_view.is_stale(view)


def test_a_hidden_view_waits_until_shown(tabs, emitter):
    """Behind another tab the view does not redraw; shown, it draws the newest value once."""
    widget, view = tabs
    widget.setCurrentIndex(1)
    for value in range(5):
        emitter.changed.emit(value)
    assert view.drawn == []
    assert lazy_view.is_stale(view)
    widget.setCurrentIndex(0)
    assert view.drawn == [4]
    assert not lazy_view.is_stale(view)


def test_a_dock_tab_behind_another_waits_until_raised(qtbot, emitter):
    """Qt moves a dock tab behind another off screen without hiding it: it still waits."""
    window = QMainWindow()
    window.setCentralWidget(QLabel("centre"))
    front, back = QDockWidget("front", window), QDockWidget("back", window)
    front.setWidget(QLabel("front"))
    view = View(emitter)
    back.setWidget(view)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, front)
    window.tabifyDockWidget(front, back)
    front.raise_()
    qtbot.addWidget(window)
    window.resize(600, 400)
    window.show()
    qtbot.waitExposed(window)
    emitter.changed.emit("a")
    emitter.changed.emit("b")
    assert view.drawn == []
    back.raise_()
    assert view.drawn == ["b"]
    front.raise_()
    back.hide()  # a closed dock waits too
    emitter.changed.emit("c")
    assert view.drawn == ["b"]
    back.show()
    back.raise_()
    assert view.drawn == ["b", "c"]


def test_a_burst_in_one_turn_redraws_once_with_the_newest_value(tabs, emitter):
    """Fifty edits handled in one turn of the event loop: one redraw, of the fiftieth."""
    _, view = tabs
    seen_during_burst = []

    def burst():
        for value in range(50):
            emitter.changed.emit(value)
        seen_during_burst.extend(view.drawn)

    in_event_loop(burst)
    assert seen_during_burst == []  # deferred to the end of the turn
    assert view.drawn == [49]


def test_two_signals_sharing_a_slot_redraw_once(tabs, emitter):
    """A result and a selection changing in one turn cost the view one redraw."""
    _, view = tabs
    lazy_view.connect_redraw(view, emitter.other, view.redraw)
    in_event_loop(lambda: (emitter.changed.emit("result"), emitter.other.emit(3)))
    assert view.drawn == [3]


def test_flush_runs_pending_redraws_now(tabs, emitter):
    """A view that reads back what it drew can ask for its pending redraw at once."""
    _, view = tabs
    seen = []

    def edit_then_read():
        emitter.changed.emit("new")
        seen.append(list(view.drawn))
        lazy_view.flush(view)
        seen.append(list(view.drawn))

    in_event_loop(edit_then_read)
    assert seen == [[], ["new"]]
    assert view.drawn == ["new"]  # not drawn a second time at the end of the turn


def test_a_view_whose_window_is_not_shown_draws_at_once(qapp, emitter):
    """A widget built on its own (never shown) is read back at once, so it draws at once."""
    view = View(emitter)
    in_event_loop(lambda: emitter.changed.emit(7))
    assert view.drawn == [7]
    view.deleteLater()


def test_request_asks_like_a_signal(tabs):
    """request() is the first draw of a view: deferred in a loop and skipped while hidden."""
    widget, view = tabs
    widget.setCurrentIndex(1)
    in_event_loop(lambda: lazy_view.request(view, view.redraw, "first"))
    assert view.drawn == []
    widget.setCurrentIndex(0)
    assert view.drawn == ["first"]


def test_a_deleted_view_is_left_alone(qtbot, emitter):
    """Edits after a view is gone neither redraw it nor fail."""
    widget = QTabWidget()
    qtbot.addWidget(widget)
    view = View(emitter)
    widget.addTab(view, "view")
    widget.show()

    def edit_and_delete():
        emitter.changed.emit(1)  # pending...
        widget.removeTab(0)
        view.setParent(None)
        view.deleteLater()  # ...and gone before the turn ends

    in_event_loop(edit_and_delete)
    QApplication.sendPostedEvents(None, 0)
    emitter.changed.emit(2)  # no receiver left: nothing happens
