"""Keep a label whose text changes on every edit from laying out the whole window again.

``QLabel.setText`` always asks its layout to recompute. That request climbs to the
window: every layout on the way is recomputed, and a QTabWidget on the way (the
Matrices dock) repaints all of itself, even when the label needs exactly the room it
had. A readout that shows a new number on every slider step therefore repainted its
whole dock on every step, and the window's layouts ran twice per edit.

:class:`LayoutShield` holds one widget (a label) in its place in a layout and passes
the request on only when what the layout reads from the widget changed: its size hint,
minimum and maximum size, size policy, or height for the width it has. The layout sees
the widget's own sizes, so what is drawn and where is unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QWidget, QWidgetItem


class LayoutShield(QWidget):
    """A transparent holder for ``child`` that reports the child's sizes to its layout.

    Only for a child that stays visible: a hidden child would still take room here.
    Put the shield in the layout instead of the child; the child fills the shield.
    """

    def __init__(self, child: QWidget, parent=None):
        super().__init__(parent)
        self.child = child
        child.setParent(self)
        self._item = QWidgetItem(child)  # reads sizes as a layout would, with no cache
        self._adopt_limits()
        self._sizes = self._measure()

    def _adopt_limits(self) -> None:
        c = self.child
        self.setSizePolicy(c.sizePolicy())
        self.setMinimumSize(c.minimumSize())
        self.setMaximumSize(c.maximumSize())

    def _measure(self) -> tuple:
        item = self._item
        hfw = item.heightForWidth(self.width()) if item.hasHeightForWidth() else -1
        return (
            item.sizeHint(),
            item.minimumSize(),
            item.maximumSize(),
            item.expandingDirections(),
            self.child.sizePolicy(),
            hfw,
        )

    # --- what the layout reads: the child's own answers -----------------------------------

    def sizeHint(self):
        return self.child.sizeHint()

    def minimumSizeHint(self):
        return self.child.minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return self.child.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        return self.child.heightForWidth(width)

    # --- events ----------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.child.setGeometry(self.rect())
        if event.size().width() != event.oldSize().width():
            # Heights for this width may have been read before the child's latest change
            # (the layout keeps them per width): at a new width, let the layout read again.
            self._pass_on()

    def event(self, event) -> bool:
        # The child has no layout around it, so its size changes arrive here as a posted
        # LayoutRequest (or, for changes made while hidden, when the shield is shown).
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Show):
            self.check()
        return super().event(event)

    def check(self) -> None:
        """Tell the layout about the child's sizes if they changed since it last read them."""
        if self._measure() != self._sizes:
            self._pass_on()

    def _pass_on(self) -> None:
        self._sizes = self._measure()
        self._adopt_limits()
        self.updateGeometry()
