"""The Qt binding keeps Python's reference counts right (PySide6 6.12.0 did not)."""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene


class _Command(QUndoCommand):
    def redo(self):
        pass

    def undo(self):
        pass


class _Item(QGraphicsRectItem):
    def itemChange(self, change, value):
        return super().itemChange(change, value)


def _none_refs_lost(action, repeats=500) -> int:
    gc.collect()
    before = sys.getrefcount(None)
    for i in range(repeats):
        action(i)
    gc.collect()
    return before - sys.getrefcount(None)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_python_overrides_of_qt_virtuals_do_not_leak_none(qapp):
    """Calling Python overrides from C++ must not drain None's refcount (abort at exit)."""
    stack = QUndoStack()
    stack.push(_Command("x"))
    scene = QGraphicsScene()
    item = _Item(0, 0, 1, 1)
    scene.addItem(item)
    assert _none_refs_lost(lambda i: stack.undo() if i % 2 == 0 else stack.redo()) < 50
    assert _none_refs_lost(lambda i: item.setPos(i, 0)) < 50
