"""A one-line label for a number that changes at every edit, without relaying out the window.

A QLabel whose text changes asks its parent to lay out again (``updateGeometry``), and
every layout that activates asks its own parent in turn, up to the main window: at each
slider step the whole window with its docks is laid out anew, about 3-4 ms on the
reference machine for one changed readout under the matrix editor. Qt stops that climb
at a widget whose minimum and maximum sizes are equal, so a ``Readout`` keeps itself at a
fixed size: it grows when a new text needs more room (one layout then), never shrinks
while the text only changes, and is measured afresh when its font or style changes
(presentation mode's larger text).

Only for single-line texts: a word-wrapped label needs a width that follows its parent.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel


class Readout(QLabel):
    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.setWordWrap(False)
        self.setText(text)
        self._fit(shrink=True)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if text == self.text():
            return
        super().setText(text)
        self._fit(shrink=False)

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit(shrink=True)

    def _fit(self, *, shrink: bool) -> None:
        """Fix the size to the text's needs; keep the width it had unless ``shrink``."""
        hint = QLabel.sizeHint(self)
        width = hint.width() if shrink else max(hint.width(), self.minimumWidth())
        if (width, hint.height()) != (self.minimumWidth(), self.minimumHeight()) or (
            self.minimumSize() != self.maximumSize()
        ):
            self.setFixedSize(width, hint.height())
