"""A word-wrapped rich-text label for numbers that change on every edit (readouts, callouts).

A QLabel given new text lays its document out, asks its layout to measure it again
(the measuring lays the document out twice more and, for rich text, repaints the
label a second time, in a window paint pass of its own) and paints. This label lays
the new text out once, at the width it has, paints that, and asks its layout to look
again only when the text needs another height. What the layout reads (size hints,
height for a width) is a QLabel's own answer, from a hidden QLabel holding the same
text, so the label takes exactly the room a QLabel took; and it is drawn as a QLabel
draws it (left-aligned, centred vertically, in the window-text colour).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QRectF, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, Qt, QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class RichLabel(QWidget):
    """``setText`` / ``text`` like a word-wrapped QLabel showing rich text."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self._probe = QLabel(self)  # never shown: answers the layout's questions as a QLabel would
        self._probe.setWordWrap(True)
        self._probe.hide()
        policy = QSizePolicy(self._probe.sizePolicy())
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._doc = QTextDocument(self)
        self._doc.setDocumentMargin(0)  # as QLabel's
        self._doc.setUndoRedoEnabled(False)
        self._text = ""
        self._probe_text = None  # the text the probe holds (set when the layout asks)
        # The document keeps its font and width when given a new text; setting either
        # lays the whole text out again, so each is set only when it changed.
        self._doc_font = None  # key of the font the document was given
        self._font_key = None  # this widget's font's key (QFont.key() takes ~10 us), until it changes
        # (text, width, font key) -> height, for the few texts and widths seen last: the
        # height before a new text (is the layout's room still right?) is then known
        # without laying the old text out again (a head's numbers out of sight never paint).
        self._heights: dict[tuple, int] = {}
        self.setText(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        text = str(text)
        if text == self._text:
            return
        before = self._height(self.width()) if self.width() > 0 else None
        self._text = text
        if Qt.mightBeRichText(text):  # as QLabel's automatic text format decides
            self._doc.setHtml(text)
        else:
            self._doc.setPlainText(text)
        self.setAccessibleName(self._doc.toPlainText())
        if before is None or self._height(self.width()) != before:
            self.updateGeometry()  # another height: the layout must know
        self.update()

    # --- measuring -------------------------------------------------------------------

    def _font_now(self) -> str:
        if self._font_key is None:
            self._font_key = self.font().key()
        return self._font_key

    def _lay_out(self, width: int) -> None:
        """Give the document this widget's font and ``width`` (if it has not got them)."""
        if self._font_now() != self._doc_font:
            self._doc.setDefaultFont(self.font())
            self._doc_font = self._font_now()
        width = max(1, width)
        if self._doc.textWidth() != width:
            self._doc.setTextWidth(width)

    def _height(self, width: int) -> int:
        key = (self._text, width, self._font_now())
        height = self._heights.get(key)
        if height is None:
            self._lay_out(width)
            height = math.ceil(self._doc.size().height())
            if len(self._heights) >= 8:
                self._heights.clear()
            self._heights[key] = height
        return height

    def _ask(self) -> QLabel:
        """The hidden QLabel, holding this text in this font."""
        if self._probe_text != self._text or self._probe.font() != self.font():
            self._probe.setFont(self.font())
            self._probe.setText(self._text)
            self._probe_text = self._text
        return self._probe

    def sizeHint(self) -> QSize:
        return self._ask().sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self._ask().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._ask().heightForWidth(width)

    # --- painting --------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        self._lay_out(self.width())
        painter = QPainter(self)
        try:
            top = (self.height() - self._doc.size().height()) / 2  # QLabel centres vertically
            painter.translate(0, max(0.0, top))
            context = QAbstractTextDocumentLayout.PaintContext()
            # As QLabel: the window-text colour while enabled; disabled, the palette's own
            # (its disabled group: palette() follows the widget's state).
            context.palette = self.palette()
            if self.isEnabled():
                context.palette.setColor(
                    QPalette.ColorRole.Text, context.palette.color(QPalette.ColorRole.WindowText)
                )
            context.clip = QRectF(event.rect()).translated(0, -max(0.0, top))
            self._doc.documentLayout().draw(painter, context)
        finally:
            painter.end()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):  # the theme's text size
            self._doc_font = self._font_key = None
            self._heights.clear()
            self.updateGeometry()
