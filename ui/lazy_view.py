"""Redraw a view only when it can be seen, and at most once per turn of the event loop.

Every view redraws from the session's newest snapshot, so a redraw nobody sees, or one
that a newer edit makes stale before it is painted, is wasted work. Views therefore
connect their redraw slots through :func:`connect_redraw` instead of ``signal.connect``:

- **Hidden views wait.** A view that cannot be seen inside a window on screen (a dock
  tab behind another, which Qt moves off screen rather than hiding; a closed dock; a
  tab page behind another) does not redraw; it is marked stale and redraws when it is
  shown (its Show event, or its dock's ``visibilityChanged``), before its next paint.
- **Bursts collapse.** Inside a running event loop, a signal only marks the slot
  pending; the redraw runs once, after the event being handled (and any input queued
  with it), with the newest arguments. Fifty slider steps queued while the window was
  busy cost one redraw, of the fiftieth state.
- **No event loop, no waiting.** Outside a running event loop (a script, a test, the
  ``--screenshot`` and ``--self-test`` paths) nothing would ever run a deferred redraw,
  so a view redraws at once, as does a view whose window is not on screen at all (a
  widget built on its own is read back straight away).

A view that reads back what it drew right after asking for an edit (the token editor
opens the chip it just inserted) calls :func:`flush` first.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread
from PySide6.QtWidgets import QDockWidget

_FLUSH = QEvent.Type(QEvent.registerEventType())


class _Slot(QObject):
    """One redraw slot of one view: pending arguments, and whether it waits to be shown.

    A QObject child of the view, so the signal connections to :meth:`request` end when
    the view is deleted.
    """

    def __init__(self, views: _ViewSlots, slot):
        super().__init__(views)
        self._views = views
        self.slot = slot
        self.args: tuple = ()
        self.pending = False  # asked for, not yet run
        self.stale = False  # came due while hidden: runs when shown

    def request(self, *args) -> None:
        self.args = args
        self.pending = True
        if in_event_loop():
            _scheduler().schedule(self._views)
        else:
            self._views.run()


class _ViewSlots(QObject):
    """The redraw slots of one view, in the order they were connected; what shows it."""

    def __init__(self, widget):
        super().__init__(widget)
        self.widget = widget
        self.slots: list[_Slot] = []
        self.first = False  # see run_first
        self._docks: list[QDockWidget] = []  # docks around the view whose tab switches we follow
        widget.installEventFilter(self)

    def slot_for(self, slot) -> _Slot:
        for entry in self.slots:
            if entry.slot == slot:  # bound methods of one object compare equal
                return entry
        entry = _Slot(self, slot)
        self.slots.append(entry)
        return entry

    def can_be_seen(self) -> bool:
        """Draw now if the view shows on screen, or if its window is not on screen at all."""
        w = self.widget
        if not w.window().isVisible():
            return True
        # A dock tab behind another stays "visible", moved off screen: nothing of it shows.
        return w.isVisible() and not w.visibleRegion().isEmpty()

    def run(self, shown: bool = False) -> None:
        """Run what is pending (and, once shown, what went stale); newest arguments only."""
        due = shown or self.can_be_seen()
        went_stale = False
        for entry in list(self.slots):
            if not (entry.pending or entry.stale):
                continue
            if not due:
                entry.pending, entry.stale = False, True
                went_stale = True
                continue
            entry.pending = entry.stale = False
            entry.slot(*entry.args)
        if went_stale:
            self._follow_docks()

    def _follow_docks(self) -> None:
        """Redraw when a dock around the view comes to the front (its tab is chosen)."""
        parent = self.widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QDockWidget) and not any(d is parent for d in self._docks):
                self._docks.append(parent)
                parent.visibilityChanged.connect(self._on_dock_visibility)
            parent = parent.parentWidget()

    def _on_dock_visibility(self, visible: bool) -> None:
        # The dock may not have moved its contents on screen yet: the view's own
        # visibility (a tab page behind another stays hidden) is what counts here.
        if visible and self.widget.isVisible():
            self.run(shown=True)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.widget:
            kind = event.type()
            if kind == QEvent.Type.Show:
                self.run(shown=True)
            elif kind == QEvent.Type.Resize and any(e.stale for e in self.slots) and self.can_be_seen():
                self.run()  # e.g. built into a dock that was already in front: laid out now
        return False


class _Scheduler(QObject):
    """Runs every pending view once, from one posted event per turn of the event loop."""

    def __init__(self):
        super().__init__(QCoreApplication.instance())
        self._queue: list[_ViewSlots] = []
        self._posted = False

    def schedule(self, views: _ViewSlots) -> None:
        if views not in self._queue:
            self._queue.append(views)
        if not self._posted:
            self._posted = True
            QCoreApplication.postEvent(self, QEvent(_FLUSH))

    def event(self, event) -> bool:
        if event.type() != _FLUSH:
            return super().event(event)
        self._posted = False
        queue, self._queue = self._queue, []
        queue.sort(key=lambda views: not views.first)  # stable: otherwise in the order asked
        failed = None
        for views in queue:
            if not shiboken6.isValid(views):
                continue  # the view was deleted meanwhile
            try:
                views.run()
            except Exception as exc:  # noqa: BLE001 - the other views still redraw; re-raised below
                failed = failed or exc
        if failed is not None:
            raise failed
        return True


_the_scheduler: list[_Scheduler] = []


def _scheduler() -> _Scheduler:
    if not _the_scheduler or not shiboken6.isValid(_the_scheduler[0]):
        _the_scheduler[:] = [_Scheduler()]
    return _the_scheduler[0]


def in_event_loop() -> bool:
    """Is this thread inside a running event loop (a window's), or in a script or test?"""
    return QThread.currentThread().loopLevel() > 0


def _views_of(widget) -> _ViewSlots:
    views = getattr(widget, "_lazy_view_slots", None)
    if views is None:
        views = _ViewSlots(widget)
        widget._lazy_view_slots = views
    return views


def connect_redraw(widget, signal, slot) -> None:
    """Call ``slot`` with ``signal``'s newest arguments when ``widget`` can be seen.

    Several signals may share one slot (result and selected head, say): it still runs
    once per turn.
    """
    signal.connect(_views_of(widget).slot_for(slot).request)


def run_first(widget) -> None:
    """Redraw ``widget`` before the other views pending in the same turn: its redraw hands
    work to another thread, which then runs while they redraw and paint."""
    _views_of(widget).first = True


def request(widget, slot, *args) -> None:
    """Ask for ``slot(*args)`` as a signal connected with :func:`connect_redraw` would."""
    _views_of(widget).slot_for(slot).request(*args)


def flush(widget) -> None:
    """Run ``widget``'s pending redraws now (if it can be seen); for reading back at once."""
    views = getattr(widget, "_lazy_view_slots", None)
    if views is not None:
        views.run()


def is_stale(widget) -> bool:
    """True while ``widget`` has a redraw waiting (pending, or until it is shown)."""
    views = getattr(widget, "_lazy_view_slots", None)
    return views is not None and any(e.pending or e.stale for e in views.slots)
