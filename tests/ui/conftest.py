"""Windows for the UI tests: the app as a person opens it, on a chosen preset."""

from __future__ import annotations

import pytest

from app.session import Session
from ui.main_window import MainWindow


@pytest.fixture
def bank_window(qtbot):
    """The main window on the Bank preset at the default 1600x1000, shown and laid out."""
    session = Session()
    session.load_preset("bank")
    win = MainWindow(session, remember_layout=False)
    qtbot.addWidget(win)
    win.resize(1600, 1000)
    win.show()
    qtbot.waitExposed(win)
    qtbot.wait(20)  # the deferred dock sizing runs after the first layout pass
    return win


@pytest.fixture
def open_view(bank_window):
    """A function: registered view key -> its widget, its dock raised so it is laid out."""

    def open_(key):
        view = bank_window.view(key)  # views are built after the first paint; this one now
        bank_window.docks[key].raise_()
        return view

    return open_


@pytest.fixture
def layout_with_closed_dock(qtbot):
    """A function: open a window that remembers its layout, close dock ``key``, close the
    window (which saves the layout), so the next window starts from that layout."""
    from PySide6.QtCore import QSettings

    def close_with(key: str) -> None:
        first = MainWindow(Session(), remember_layout=True)
        qtbot.addWidget(first)
        first.show()
        first.docks[key].hide()
        first.close()
        assert QSettings().value("window/state") is not None

    return close_with


@pytest.fixture
def layout_requests():
    """``watch(widget)``: a list that collects every object a LayoutRequest reaches through
    ``widget``'s event filter from then on (clear it to start counting again)."""
    from PySide6.QtCore import QEvent, QObject

    class Watch(QObject):
        def __init__(self):
            super().__init__()
            self.requests = []

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.LayoutRequest:
                self.requests.append(obj)
            return False

    watches = []

    def watch(widget):
        w = Watch()
        widget.installEventFilter(w)
        watches.append(w)  # kept alive as long as the test
        return w.requests

    return watch
