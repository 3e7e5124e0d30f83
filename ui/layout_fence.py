"""Keep a label whose text changes at every edit from laying out the whole window again.

A QLabel whose text changes asks its parent's layout to run again (``updateGeometry``),
and every layout that runs asks its own parent in turn, up to the main window: at each
slider step the window and all its docks were laid out anew (bench_ui, default layout:
3-4 ms of the window thread per edit for the matrix editor's readout alone; with every
dock open the Compare and Context captions did the same).

``fenced(label)`` puts the label in a small widget that is not a layout: the label's
request stops there. The fence reports the label's size hints as its own and passes the
request on only when they changed (a text that needs another line, a longer word), so
the layout still grows and shrinks with the text; a number that changed its digits
costs a repaint of the label and nothing else.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QWidget


class LayoutFence(QWidget):
    def __init__(self, child: QWidget, parent=None):
        super().__init__(parent)
        self.child = child
        child.setParent(self)
        child.installEventFilter(self)
        self.setSizePolicy(child.sizePolicy())
        self.setVisible(not child.isHidden())
        self._reported = self._needs()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        # Hiding the child must give its room back, as it did in the layout: the fence
        # follows the child's own show/hide (not the implicit ones the fence causes).
        if obj is self.child:
            if event.type() == QEvent.Type.HideToParent:
                self.hide()
            elif event.type() == QEvent.Type.ShowToParent:
                self.show()
        return False

    def _needs(self) -> tuple:
        """What the enclosing layout was told about the child: hints, height at this width."""
        height = self.child.heightForWidth(self.width()) if self.child.hasHeightForWidth() else -1
        return (self.child.sizeHint(), self.child.minimumSizeHint(), height)

    # The enclosing layout sees the child's hints as the fence's own.
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's names)
        return self.child.sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.child.minimumSizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return self.child.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self.child.heightForWidth(width)

    def resizeEvent(self, event) -> None:  # noqa: N802
        self.child.setGeometry(self.rect())
        self._reported = self._needs()
        super().resizeEvent(event)

    def event(self, event) -> bool:
        # The child posts LayoutRequest here (a parent without a layout) when its text,
        # font or style changed; only a change of the hints goes further up.
        if event.type() == QEvent.Type.LayoutRequest:
            needs = self._needs()
            if needs != self._reported:
                self._reported = needs
                self.updateGeometry()
            return True
        return super().event(event)


def fenced(child: QWidget) -> LayoutFence:
    """``child`` inside a LayoutFence: add the fence to the layout, keep using the child."""
    return LayoutFence(child)
