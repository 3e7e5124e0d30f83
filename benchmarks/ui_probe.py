"""Instruments for bench_ui.py: per-view slot timing, "the queue is quiet" markers, paint counts.

Kept apart from the benchmark's layouts and tables so each file does one job.
"""

from __future__ import annotations

import time
from collections import defaultdict

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer


class SlotClock:
    """Wraps the views' redraw methods: time and calls per label, outermost call only."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._depth: dict[str, int] = defaultdict(int)

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()

    def install(self, slots) -> None:
        """``slots``: (module, class, method names, label) tuples."""
        import importlib

        for module, cls_name, methods, label in slots:
            cls = getattr(importlib.import_module(module), cls_name)
            for name in methods:
                setattr(cls, name, self._wrap(getattr(cls, name), label))

    def _wrap(self, fn, label: str):
        clock = self

        def timed(*args, **kwargs):
            if clock._depth[label]:
                return fn(*args, **kwargs)
            clock._depth[label] += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                clock.seconds[label] += time.perf_counter() - start
                clock.calls[label] += 1
                clock._depth[label] -= 1

        timed.__wrapped__ = fn
        timed.__name__ = fn.__name__
        return timed


_MARK = QEvent.Type(QEvent.registerEventType())
_MARK_PRIORITY = -100  # below Qt.LowEventPriority (-1), where Qt posts UpdateRequest
_MAX_ROUNDS = 100


class _Marker(QObject):
    """Posted after an edit; comes back until a whole pass of the queue delivered nothing else.

    Events posted while Qt drains its queue (a layout asking its children to lay out,
    the paints that follow) go behind a marker that was already queued, so one marker
    is not enough: it re-posts itself while any other event was delivered since the last
    round. The first quiet round ends the measurement: the window's thread is free again
    and every view has painted (no view paints on another thread).
    """

    def __init__(self):
        super().__init__()
        self.loop: QEventLoop | None = None
        self.seen_at = 0.0
        self.delivered = 0  # events delivered to anything but the marker (see eventFilter)
        self._last = 0
        self.rounds = 0

    def arm(self, loop) -> None:
        self.loop, self.rounds, self._last = loop, 0, self.delivered

    def eventFilter(self, obj, event) -> bool:
        if obj is not self:
            self.delivered += 1
        return False

    def _again(self) -> None:
        QCoreApplication.postEvent(self, QEvent(_MARK), _MARK_PRIORITY)

    def event(self, event) -> bool:
        if event.type() == _MARK:
            self.seen_at = time.perf_counter()
            quiet = self.delivered == self._last
            self._last = self.delivered
            if not quiet and self.rounds < _MAX_ROUNDS:
                self.rounds += 1
                self._again()
            else:
                self.loop.quit()
            return True
        return super().event(event)


_marker: _Marker | None = None


def run_in_loop(action) -> float:
    """Seconds from calling ``action`` (inside the event loop) until its redraws have painted."""
    global _marker
    if _marker is None:
        _marker = _Marker()
        QCoreApplication.instance().installEventFilter(_marker)
    loop = QEventLoop()
    started = [0.0]

    def go():
        _marker.arm(loop)
        started[0] = time.perf_counter()
        try:
            action()
        finally:
            QCoreApplication.postEvent(_marker, QEvent(_MARK), _MARK_PRIORITY)

    QTimer.singleShot(0, go)
    loop.exec()
    return _marker.seen_at - started[0]


class PaintCounter(QObject):
    """Counts Paint events per view (by the dock or area the painted widget sits in)."""

    def __init__(self, window):
        super().__init__()
        self.window = window
        self.counts: dict[str, int] = defaultdict(int)

    def owner(self, widget) -> str:
        from ui.attention_view import AttentionView

        w = widget
        while w is not None:
            name = w.objectName()
            if name.endswith("Dock"):
                return "controls" if name == "ControlsDock" else name[: -len("Dock")]
            if isinstance(w, AttentionView):
                return "heatmap (centre)"
            w = w.parentWidget()
        return "window"

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and obj.isWidgetType() and obj.window() is self.window:
            self.counts[self.owner(obj)] += 1
        return False
