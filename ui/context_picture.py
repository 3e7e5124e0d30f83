"""The Context effect's picture: bars of how far each token moved beside the cosine similarities.

Painted straight onto one widget. It was a pyqtgraph layout (a bar plot, a matrix plot
and a colour bar with four axes): a graphics scene that made the window paint once
more on every edit and regenerated its axes each time, 3-7 ms per edit with every dock
open. The same things are drawn: token names down the left of both plots (their rows
line up), the bar lengths' numbers across the top of the bars, the token names across
the top of the matrix (turned upwards when crowded), a colour bar with its numbers,
and the repeated words' cells outlined.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QTransform
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.colour_bar import BAR_WIDTH, ColourBar
from ui.heatmap import ColourImage, colour_map
from ui.painted_axes import (
    MARGIN,
    TEXT_COLOUR,
    TEXT_OFFSET,
    TICK_LENGTH,
    PlotSized,
    draw_text,
    font_of,
    name_layout,
    nice_ticks,
    paint_edges,
    paint_title,
    show_tip,
    tick_text,
)
from ui.theme import scaled_points

BAR_COLOUR = QColor(0, 114, 178)  # Okabe-Ito blue
REPEAT_COLOUR = QColor(213, 94, 0)  # Okabe-Ito vermillion: the repeated word's bars and cells
NAME_POINTS = 11
TITLE_POINTS = 11
NUMBER_POINTS = 10
BAR_HEIGHT = 0.7  # of a row
SPACING = 6  # between the bars, the matrix and the colour bar
BAR_SHARE = 2 / 5  # of the width left for the two plots (pyqtgraph's stretch factors 2:3)


class ContextPicture(PlotSized, QWidget):
    """Bars (left) and a similarity matrix with its colour bar (right), rows lined up.

    Signals
    -------
    sigHovered(int, int)
        (row, column) of the matrix cell under the mouse, (row, -1) over a token's bar,
        (-1, -1) elsewhere.
    """

    sigHovered = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel itself
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.labels: list[str] = []
        self.shift = np.zeros(0)
        self.repeated: set[int] = set()
        self.values = np.zeros((0, 0))
        self.low = 0.0
        self.outlines: list[tuple[int, int]] = []  # (row, column) cells outlined
        self.bars_title = ""
        self.matrix_title = ""
        self.tips = ("", "", "")  # tooltips over the bars, the matrix, elsewhere
        self.image = ColourImage(axisOrder="row-major")
        self.image.setColorMap(colour_map("viridis"))
        # The same colour bar as the big heatmap's, without a title (the matrix has one).
        self.colour_bar = ColourBar("", NUMBER_POINTS)
        self.colour_bar.set_colour_map(colour_map("viridis"))
        self._hovered = (-1, -1)
        self._key = None
        self._geometry = None
        self._ticks_key = None

    def show_effect(self, labels, shift, repeated, values, low: float, outlines) -> None:
        """New numbers: one bar per token, the n x n similarities coloured from ``low`` to 1."""
        labels = [str(s) for s in labels]
        shift = np.asarray(shift, dtype=float)
        values = np.asarray(values, dtype=float)
        repeated, outlines = set(repeated), list(outlines)
        if (
            labels == self.labels
            and repeated == self.repeated
            and outlines == self.outlines
            and low == self.low
            and np.array_equal(shift, self.shift)
            and np.array_equal(values, self.values)
        ):
            return  # nothing to repaint
        self.labels, self.shift, self.repeated = labels, shift, repeated
        self.values, self.low, self.outlines = values, float(low), outlines
        self.colour_bar.set_levels(self.low, 1.0)
        if values.size:
            self.image.setImage(values, levels=(self.low, 1.0))
        self.update()

    def set_titles(self, bars: str, matrix: str) -> None:
        if (bars, matrix) != (self.bars_title, self.matrix_title):
            self.bars_title, self.matrix_title = bars, matrix
            self.update()

    def bar_range(self) -> float:
        """The bars' axis runs from 0 to this (5% beyond the longest bar)."""
        top = max(float(self.shift.max()) if self.shift.size else 0.0, 1e-6)
        return top * 1.05

    # --- geometry ------------------------------------------------------------------------

    def _layout(self) -> dict:
        """Rectangles, name layouts and ticks for the current size, names and numbers.

        The geometry depends on the size, names and font only (kept between edits, so
        the names stay written); the ticks follow the bars' and colours' ranges.
        """
        key = (
            self.width(),
            self.height(),
            tuple(self.labels),
            bool(self.bars_title),
            bool(self.matrix_title),
            scaled_points(100),
        )
        if key != self._key:
            self._geometry = self._place()
            self._key = key
            self._ticks_key = None
        g = self._geometry
        ticks_key = (self.bar_range(), self.low)
        if ticks_key != self._ticks_key:
            numbers = QFontMetricsF(g["number_font"])
            gap = 4 * numbers.horizontalAdvance("0.0")  # a few numbers, as pyqtgraph's axis wrote
            bar_values = nice_ticks(0.0, self.bar_range(), g["bars"].width(), gap)
            spacing = bar_values[1] - bar_values[0] if len(bar_values) > 1 else 1.0
            # 0 is where the bars start; pyqtgraph wrote no number there either
            g["bar_ticks"] = [(v, tick_text(v, spacing)) for v in bar_values if v > 0]
            self._ticks_key = ticks_key
        return g

    def _place(self) -> dict:
        """Where the bars, the matrix and the colour bar go, and their names."""
        n = len(self.labels)
        title_font, number_font = font_of(TITLE_POINTS), font_of(NUMBER_POINTS)
        title_h = QFontMetricsF(title_font).height()
        numbers = QFontMetricsF(number_font)
        width, height = float(self.width()), float(self.height())
        # The colour bar keeps room for the widest number it could write ("-0.000"), so
        # the plots keep their size (and their names stay written) as its numbers move.
        colour_w = BAR_WIDTH + TICK_LENGTH + TEXT_OFFSET + numbers.horizontalAdvance("-0.000")
        plots_w = width - 2 * MARGIN - colour_w - 2 * SPACING
        # The names' size depends on the rows' height, which depends on how deep the
        # column names are: two passes, the first with a guess.
        top = MARGIN + title_h + numbers.height() + 2 * TEXT_OFFSET
        for _ in range(2):
            rows_h = height - MARGIN - top
            names = name_layout(self.labels, max(rows_h, 1.0), NAME_POINTS, horizontal=False)
            left_w = names.extent + TEXT_OFFSET + TICK_LENGTH
            bars_rect_w = plots_w * BAR_SHARE - left_w
            matrix_rect_w = plots_w * (1 - BAR_SHARE) - left_w
            columns = name_layout(self.labels, max(matrix_rect_w, 1.0), NAME_POINTS, horizontal=True)
            # Both plots' tops are as deep as the deeper one, so their rows line up.
            bar_numbers = numbers.height() + TEXT_OFFSET + TICK_LENGTH
            column_names = columns.extent + TEXT_OFFSET + TICK_LENGTH
            top = MARGIN + title_h + max(bar_numbers, column_names)
        bars = QRectF(MARGIN + left_w, top, bars_rect_w, height - MARGIN - top)
        matrix = QRectF(bars.right() + SPACING + left_w, top, matrix_rect_w, bars.height())
        colour = QRectF(matrix.right() + SPACING, top, colour_w, bars.height())
        return {
            "ok": n > 0 and bars.width() > 0 and matrix.width() > 0 and bars.height() > 0,
            "bars": bars,
            "matrix": matrix,
            "colour": colour,
            "names": names,
            "columns": columns,
            "title_font": title_font,
            "title_h": title_h,
            "number_font": number_font,
        }

    def cell_at(self, pos) -> tuple[int, int]:
        """(row, column) of the matrix cell at a widget point, (row, -1) on a bar's row, or (-1, -1)."""
        g = self._layout()
        n = len(self.labels)
        if not g["ok"]:
            return -1, -1
        matrix, bars = g["matrix"], g["bars"]
        if matrix.contains(pos):
            r = int((pos.y() - matrix.top()) * n / matrix.height())
            c = int((pos.x() - matrix.left()) * n / matrix.width())
            return (min(r, n - 1), min(c, n - 1))
        if bars.contains(pos):
            return min(int((pos.y() - bars.top()) * n / bars.height()), n - 1), -1
        return -1, -1

    def cell_center(self, row: int, col: int) -> QPointF:
        """The centre of a matrix cell (col >= 0) or of a bar's row (col = -1), in widget pixels."""
        g = self._layout()
        n = max(len(self.labels), 1)
        rect = g["matrix"] if col >= 0 else g["bars"]
        x = rect.left() + (col + 0.5) * rect.width() / n if col >= 0 else rect.center().x()
        return QPointF(x, rect.top() + (row + 0.5) * rect.height() / n)

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(event.rect(), Qt.GlobalColor.white)  # plots are white in every theme
            g = self._layout()
            if not g["ok"]:
                return
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            self._paint_bars(painter, g)
            self._paint_matrix(painter, g)
            self.colour_bar.paint(painter, g["colour"])
        finally:
            painter.end()

    def _paint_bars(self, painter, g) -> None:
        bars, n = g["bars"], len(self.labels)
        row = bars.height() / n
        scale = bars.width() / self.bar_range()
        painter.setPen(Qt.PenStyle.NoPen)
        for i, length in enumerate(self.shift):
            painter.setBrush(REPEAT_COLOUR if i in self.repeated else BAR_COLOUR)
            y = bars.top() + (i + 0.5 - BAR_HEIGHT / 2) * row
            painter.drawRect(QRectF(bars.left(), y, max(0.0, float(length)) * scale, BAR_HEIGHT * row))
        paint_edges(painter, bars, n, ticks_across=[bars.left() + v * scale for v, _ in g["bar_ticks"]])
        g["names"].paint(painter, bars, "left")
        font = g["number_font"]
        painter.setFont(font)
        painter.setPen(TEXT_COLOUR)
        y = bars.top() - TEXT_OFFSET - TICK_LENGTH - QFontMetricsF(font).height()
        for v, text in g["bar_ticks"]:
            draw_text(painter, font, text, bars.left() + v * scale, y, "centre")
        band = QRectF(bars.left(), MARGIN, bars.width(), g["title_h"])
        paint_title(painter, self.bars_title, g["title_font"], band)

    def _paint_matrix(self, painter, g) -> None:
        matrix, n = g["matrix"], len(self.labels)
        cells = QTransform(matrix.width() / n, 0, 0, matrix.height() / n, matrix.left(), matrix.top())
        if self.image.picture() is not None and self.values.shape == (n, n):
            painter.setTransform(cells)
            painter.drawImage(QRectF(0, 0, n, n), self.image.qimage)
            pen = QPen(REPEAT_COLOUR, 4)
            pen.setCosmetic(True)  # 4 screen pixels whatever the cells' size
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for r, c in self.outlines:
                if r < n and c < n:
                    painter.drawRect(QRectF(c, r, 1, 1))
            painter.resetTransform()
        paint_edges(painter, matrix, n, n)
        g["names"].paint(painter, matrix, "left")
        g["columns"].paint(painter, matrix, "top")
        band = QRectF(matrix.left(), MARGIN, matrix.width(), g["title_h"])
        paint_title(painter, self.matrix_title, g["title_font"], band)

    # --- the mouse -------------------------------------------------------------------------

    def mouseMoveEvent(self, event) -> None:
        cell = self.cell_at(event.position())
        if cell != self._hovered:
            self._hovered = cell
            self.sigHovered.emit(*cell)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        if self._hovered != (-1, -1):
            self._hovered = (-1, -1)
            self.sigHovered.emit(-1, -1)
        super().leaveEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:  # each part explains itself, as the plots did
            r, c = self.cell_at(QPointF(event.pos()))
            bars, matrix, elsewhere = self.tips
            return show_tip(self, event, (matrix if c >= 0 else bars) if r >= 0 else elsewhere)
        return super().event(event)
