"""Paints the step-by-step panel's content (:mod:`ui.steps_text`), laid out by :mod:`ui.steps_layout`.

Why not a QTextBrowser: laying out a rich-text document of four tables took 30-80 ms
per edit (Qt lays out every table cell twice to size its columns, and again each time
the scroll bar came or went), when a whole edit, every view included, should take 16.
Here an edit costs a :class:`~ui.steps_layout.Layout` (measuring, no drawing) and a
paint of the rows on screen: one ``drawText`` at a point per run of numbers (drawing
into a rectangle with alignment flags costs ten times as much) and cached
``QStaticText`` for the words, which rarely change.

Sizes come from the widget's font, so presentation mode's larger text applies; colours
from the palette, looked up at paint time, so themes apply without a new layout.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QPainter, QPalette, QPen, QStaticText
from PySide6.QtWidgets import QScrollArea, QWidget

from ui.steps_layout import ACCENT, GREY, HEADER_INK, INK, Layout, Metrics

_CACHE_LIMIT = 2048


class StepsCanvas(QWidget):
    """The laid-out content; lives in a :class:`StepsArea`, which gives it its width."""

    linkActivated = Signal(str)
    linkFocused = Signal(QRectF)  # Tab moved to a link drawn here: scroll it into view

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        # Tab walks through the links, Enter or Space follows one (as in a text browser).
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.focus_link: str | None = None
        self._blocks: list = []
        self._width = 0  # the width to lay out for (the viewport's)
        self._statics: dict[tuple, QStaticText] = {}  # paragraphs of the current layout
        self._words: dict[tuple[int, str], QStaticText] = {}
        self._make_fonts()
        self.layout_ = Layout(self._m, [], 0, self._static)

    # --- what to show, and for which width -------------------------------------------------

    def set_blocks(self, blocks: list) -> None:
        self._blocks = blocks
        self.relayout()

    def set_layout_width(self, width: int) -> None:
        if width != self._width:
            self._width = width
            self.relayout()

    def relayout(self) -> None:
        previous, self._statics_next = self._statics, {}
        self.layout_ = Layout(self._m, self._blocks, self._width, self._static)
        self._statics = self._statics_next  # only the paragraphs still shown stay cached
        del previous
        self.resize(max(self._width, self.layout_.width), self.layout_.height)
        self.update()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # the theme's text size, presentation mode
            self._make_fonts()
            self.relayout()

    def _make_fonts(self) -> None:
        base = QFont(self.font())
        size = base.pointSizeF() if base.pointSizeF() > 0 else 11.0
        bold = QFont(base)
        bold.setBold(True)
        heading = QFont(bold)
        heading.setPointSizeF(size * 1.15)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(size)
        mono_bold = QFont(mono)
        mono_bold.setBold(True)
        # Links are underlined by paintEvent: QStaticText draws a font's underline without
        # the painter's offset when the canvas is painted as part of its window.
        link = QFont(base)
        self._fonts = [base, bold, heading, mono, mono_bold, link]
        self._m = Metrics(self._fonts)
        self._statics, self._words = {}, {}

    def _static(self, text: str, font: int, width: float, rich: bool) -> QStaticText:
        """A wrapped paragraph, reused while its text and width stay the same."""
        key = (text, font, width, rich)
        static = self._statics.get(key)
        if static is None:
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
            static.setTextWidth(width)
            static.prepare(font=self._fonts[font])
        self._statics_next[key] = static
        return static

    def _word(self, font: int, text: str) -> QStaticText:
        key = (font, text)
        static = self._words.get(key)
        if static is None:
            if len(self._words) > _CACHE_LIMIT:
                self._words.clear()
            static = self._words[key] = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=self._fonts[font])
        return static

    # --- reading back what is drawn (for tests, and links) ---------------------------------

    def text_boxes(self) -> list[tuple[QRectF, str]]:
        """Every word and number drawn (not the paragraphs), with the box it takes."""
        layout = self.layout_
        return [(box, text) for i in range(len(layout.rows)) for box, text, _ in layout.boxes(i)]

    def link_rects(self) -> list[tuple[QRectF, str]]:
        """Where each link is drawn and its target."""
        layout = self.layout_
        return [
            (box, target) for i in range(len(layout.rows)) for box, _, target in layout.boxes(i) if target
        ]

    def _link_at(self, pos) -> str | None:
        point = QPointF(pos)
        for i in self.layout_.visible(point.y(), point.y()):
            for box, _, target in self.layout_.boxes(i):
                if target and box.contains(point):
                    return target
        return None

    # --- painting and clicks ---------------------------------------------------------------

    def paintEvent(self, event) -> None:
        rect = event.rect()
        palette = self.palette()
        role = QPalette.ColorRole
        colours = {
            INK: palette.color(role.Text),
            GREY: palette.color(role.PlaceholderText),
            HEADER_INK: palette.color(role.ButtonText),
            # Links in the theme's accent: the themes set no link colour of their own,
            # and Qt's default blue is unreadable on the dark theme's background.
            ACCENT: palette.color(role.Highlight),
        }
        band = palette.color(role.Button)
        painter = QPainter(self)
        painter.fillRect(rect, palette.color(role.Base))
        layout, fonts, metrics = self.layout_, self._fonts, self._m.metrics
        font = pen = None
        for i in layout.visible(rect.top(), rect.bottom()):
            for op in layout.ops(i):
                kind = op[0]
                if kind in ("text", "word"):
                    _, f, c, x, baseline, text, _ = op
                    if c != pen:
                        painter.setPen(colours[c])
                        pen = c
                    if f != font:  # a static text drawn in another font would be laid out anew
                        painter.setFont(fonts[f])
                        font = f
                    if kind == "word":  # a cached layout; drawn from its top-left corner
                        static = self._word(f, text)
                        painter.drawStaticText(QPointF(x, baseline - metrics[f].ascent()), static)
                        if op[6]:  # a link
                            y = baseline + metrics[f].underlinePos()
                            painter.drawLine(QPointF(x, y), QPointF(x + static.size().width(), y))
                    else:
                        painter.drawText(QPointF(x, baseline), text)
                elif kind == "static":
                    _, static, f, x, top = op
                    painter.setFont(fonts[f])
                    painter.setPen(colours[INK])
                    font, pen = f, INK
                    painter.drawStaticText(QPointF(x, top), static)
                elif kind == "fill":
                    painter.fillRect(op[1], band)
                else:  # "rule": the line above a sum
                    painter.setPen(colours[INK])
                    pen = INK
                    painter.drawLine(QPointF(op[1], op[2]), QPointF(op[3], op[2]))
        focus = self._focus_rect(rect.top(), rect.bottom())
        if focus is not None:  # the link Tab reached
            painter.setPen(QPen(colours[ACCENT], 1, Qt.PenStyle.DotLine))
            painter.drawRect(focus)
        painter.end()

    def mouseMoveEvent(self, event) -> None:
        over = self._link_at(event.position()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    # --- the keyboard ---------------------------------------------------------------------

    def focusNextPrevChild(self, forward: bool) -> bool:
        links = self.link_rects()
        targets = [target for _, target in links]
        if self.focus_link in targets:
            k = targets.index(self.focus_link) + (1 if forward else -1)
        else:
            k = 0 if forward else len(targets) - 1
        if not 0 <= k < len(targets):  # past the last link: on to the next widget
            self.focus_link = None
            self.update()
            return super().focusNextPrevChild(forward)
        self.focus_link = targets[k]
        self.linkFocused.emit(links[k][0])
        self.update()
        return True

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        reason = event.reason()
        if reason in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason):
            self.focus_link = None
            self.focusNextPrevChild(reason == Qt.FocusReason.TabFocusReason)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()

    def keyPressEvent(self, event) -> None:
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        if event.key() in keys and self.focus_link is not None:
            self.linkActivated.emit(self.focus_link)
            return
        super().keyPressEvent(event)

    def _focus_rect(self, top: float, bottom: float) -> QRectF | None:
        if not self.hasFocus() or self.focus_link is None:
            return None
        for i in self.layout_.visible(top, bottom):
            for box, _, target in self.layout_.boxes(i):
                if target == self.focus_link:
                    return box.adjusted(-2, 0, 2, 0)
        return None

    def mousePressEvent(self, event) -> None:
        target = self._link_at(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        if target is None:
            super().mousePressEvent(event)
            return
        self.linkActivated.emit(target)


class StepsArea(QScrollArea):
    """Scrolls a :class:`StepsCanvas` and lays it out for the viewport's width."""

    def __init__(self, canvas: StepsCanvas, parent=None):
        super().__init__(parent)
        self.canvas = canvas
        self.setWidget(canvas)
        self.setWidgetResizable(False)  # the canvas sizes itself from its layout
        # Always there, so the width to lay out for does not change when the content
        # grows past the bottom (which would lay everything out twice).
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        canvas.linkFocused.connect(
            lambda r: self.ensureVisible(round(r.center().x()), round(r.center().y()), 0, round(r.height()))
        )

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.canvas.set_layout_width(self.viewport().width())
