"""``--quit-after-first-paint``: print when the main window first paints, then exit.

Used by ``benchmarks/bench_startup.py`` to time start-up. It lives apart from
:mod:`ui.selftest` (which imports numpy) because it is installed before the first
paint, which must not wait for numpy.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, window, report, parent=None):
        super().__init__(parent)
        self._window = window
        self._report = report
        self.seen = False

    def eventFilter(self, obj, event) -> bool:
        if (
            not self.seen
            and event.type() == QEvent.Type.Paint
            and isinstance(obj, QWidget)
            and obj.window() is self._window
        ):
            self.seen = True
            QTimer.singleShot(0, self._report)  # after the rest of this paint pass
        return False


def quit_after_first_paint(app, window, started: float, timeout_s: float = 60.0) -> None:
    """Print seconds from ``started`` to the window's first paint, then end the process.

    The line reads ``first-paint: 0.812 s``. The process ends with ``os._exit`` right
    after: nothing is saved (no window layout) and a background compile still running
    is simply dropped, so the measurement changes nothing on disk.
    """

    def report() -> None:
        print(f"first-paint: {time.perf_counter() - started:.3f} s", flush=True)
        sys.stderr.flush()
        os._exit(0)

    def give_up() -> None:
        print(f"first-paint: none within {timeout_s:.0f} s", flush=True)
        os._exit(1)

    app._first_paint_filter = _FirstPaint(window, report, app)
    app.installEventFilter(app._first_paint_filter)
    QTimer.singleShot(int(timeout_s * 1000), give_up)
