"""A heatmap for signed numbers (matrices, embeddings) that can be clicked, painted and hovered.

Blue is negative, white zero, red positive, on a scale symmetric around 0 so the
colour of zero never moves. Rows run down, columns across, as the matrix is written.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QTransform
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from ui.heatmap import ColourImage, short_label
from ui.painted_axes import (
    MARGIN,
    TEXT_OFFSET,
    PlotSized,
    font_of,
    name_layout,
    paint_edges,
    paint_title,
    static_text,
)
from ui.theme import font_scale, scaled_points
from ui.token_axis import text_widths

DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [(33, 102, 172), (247, 247, 247), (178, 24, 43)])
MAX_ANNOTATED_CELLS = 400
COLUMN_LABEL_CHARS = 6
MIN_LABEL_PIXELS = 9  # below this many pixels per character, column names are abbreviated further
MIN_CELL_FOR_NUMBER = (26, 13)  # (width, height) in pixels a cell needs to show its number
NUMBER_POINT_SIZE = 9
STRONG_TEXT = QColor(250, 250, 250)  # on the dark ends of the scale
WEAK_TEXT = QColor(20, 20, 20)  # on the pale middle of the scale
MAX_PARTIAL_CELLS = 32  # an edit changing at most this many cells repaints only those
AXIS_POINT_SIZE = 11  # row and column names, and the axis titles
OVERLAP = 0.2  # pyqtgraph wrote names 0.8 of their height apart; closer, every second one


def compact_number(v: float) -> str:
    """A cell's value in at most ~4 characters: 0.8 -> ".8", -0.049 -> "-.05", 12 -> "12"."""
    text = f"{round(float(v), 2):g}"
    if text in ("0", "-0"):
        return "0"
    return text.replace("0.", ".", 1) if abs(v) < 1 else text


class SignedHeatmap(PlotSized, QWidget):
    """Signed values as colours, with row and column names, painted straight onto a widget.

    It was a pyqtgraph plot: a graphics scene of its own, which made the window paint
    once more on every edit, and axes that measured every name again whenever the rows
    changed. The colours are the same :class:`ui.heatmap.ColourImage` (kept as
    ``image``, never put in a scene), drawn with nearest-neighbour scaling into the
    matrix's rectangle as the plot drew it; names are written by :mod:`ui.painted_axes`.
    Row names that would overlap more than pyqtgraph let them (a fifth of their height)
    are written every second (third, ...) row instead of on top of each other.

    Signals
    -------
    sigCellClicked(int, int)
        Row and column of a clicked cell.
    sigCellDragged(int, int)
        The mouse, button held, entered this cell (painting).
    sigDragFinished()
        The button was released after a drag.
    sigCellHovered(int, int)
        The cell under the mouse, or (-1, -1) when it left.
    """

    sigCellClicked = Signal(int, int)
    sigCellDragged = Signal(int, int)
    sigDragFinished = Signal()
    sigCellHovered = Signal(int, int)

    def __init__(self, parent=None, *, x_label: str = "", y_label: str = "", annotate: bool = True):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel itself
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)  # hover readouts
        self.x_label, self.y_label = x_label, y_label
        self.image = ColourImage(axisOrder="row-major")
        self.image.setColorMap(DIVERGING)
        self._annotate = annotate
        self._texts: list[str] | None = None  # the cells' numbers, made when first needed
        self._selected = (-1, -1)
        self._press: tuple | None = None  # (position, cell) of a left-button press
        self._dragging = False
        self._last_dragged = None
        self._hovered = (-1, -1)
        self.values = np.zeros((0, 0))
        self._rows: list[str] = []
        self._cols: list[str] = []
        self.limit = 1.0
        self._geometry_key = None
        self._geometry = None

    def set_matrix(self, values, rows, cols, *, limit: float | None = None) -> None:
        """Show ``values``; the colour scale runs from -limit to +limit (default: largest |value|)."""
        values = np.asarray(values, dtype=float)
        n_rows, n_cols = values.shape
        if limit is None:  # (the embeddings pass one scale for their three heatmaps)
            limit = max(float(np.abs(values).max()) if values.size else 0.0, 1e-9)
        rows, cols = [str(r) for r in rows], [str(c) for c in cols]
        same_names = (rows, cols) == (self._rows, self._cols)
        same_colours = limit == self.limit and np.array_equal(values, self.values)
        if same_colours and same_names:
            return  # unchanged (another head's or matrix's edit): nothing to repaint
        # A slider step changes one cell, a token edit one row and its name: repaint
        # those, not the whole picture, while the matrix keeps its place.
        changed = renamed = None
        same_shape = values.shape == self.values.shape and len(rows) == len(self._rows)
        if limit == self.limit and cols == self._cols and same_shape:
            changed = np.argwhere(values != self.values)
            renamed = [i for i, (was, now) in enumerate(zip(self._rows, rows, strict=True)) if was != now]
        before = self._layout() if renamed else None
        self.values = values
        self.limit = limit
        self._rows, self._cols = rows, cols
        if not same_colours:  # (new names only, as the position part after a token edit: same picture)
            self.image.setImage(values, levels=(-self.limit, self.limit))
            self._texts = None
        if changed is not None and len(changed) <= MAX_PARTIAL_CELLS and self._names_in_place(before):
            self._update_cells(changed)
            for r in renamed:
                self._update_row_name(r)
        else:
            self.update()

    def _update_cells(self, cells) -> None:
        """Repaint ``cells`` ((row, column) pairs), a row's changed stretch as one rectangle
        (a token edit changes a whole row: one geometry look-up, not one per cell)."""
        spans: dict[int, list[int]] = {}
        for r, c in cells.tolist():
            span = spans.setdefault(r, [c, c])
            span[0], span[1] = min(span[0], c), max(span[1], c)
        matrix = self.matrix_rect()
        n_rows, n_cols = self.values.shape
        if matrix.width() <= 0 or matrix.height() <= 0 or not n_rows or not n_cols:
            self.update()  # not laid out yet
            return
        w, h = matrix.width() / n_cols, matrix.height() / n_rows
        for r, (first, last) in spans.items():
            rect = QRectF(matrix.left() + first * w, matrix.top() + r * h, (last - first + 1) * w, h)
            self.update(rect.toAlignedRect().adjusted(-3, -3, 3, 3))  # with the outline's room

    def _names_in_place(self, before) -> bool:
        """After new row names: are the matrix and the rows whose names are written where they were?
        (A longer name widens the names' column and moves the matrix.)"""
        if before is None:
            return True  # no name changed
        after = self._layout()
        return after[0] == before[0] and after[1].step == before[1].step

    def _update_row_name(self, row: int) -> None:
        """Repaint where row ``row``'s name is written (if it is: crowded rows skip names)."""
        rect, rows, _, _ = self._layout()
        if not rows.step or row % rows.step or rect.height() <= 0 or not self.values.shape[0]:
            return
        centre = rect.top() + (row + 0.5) * rect.height() / self.values.shape[0]
        height = rows.metrics.height()
        # The whole band left of the matrix, a pixel more each way than the name's line.
        self.update(0, int(centre - height / 2) - 2, int(rect.left()) + 1, int(height) + 5)

    def _update_cell(self, row: int, col: int) -> None:
        """Repaint one cell, with room for the 3 px outline around it."""
        rect = self.cell_rect(row, col)
        if rect.isEmpty():
            self.update()
        else:
            self.update(rect.toAlignedRect().adjusted(-3, -3, 3, 3))

    def select_cell(self, row: int, col: int) -> None:
        """Outline one cell (row, col); (-1, -1) removes the outline."""
        visible = 0 <= row < self.values.shape[0] and 0 <= col < self.values.shape[1]
        cell = (row, col) if visible else (-1, -1)
        if cell != self._selected:
            for r, c in (self._selected, cell):
                if r >= 0:
                    self._update_cell(r, c)
            self._selected = cell

    def cell_texts(self) -> list[str]:
        """The numbers written in the cells now (none when the cells are too small)."""
        return list(self._numbers()) if self._cells_fit_numbers() else []

    def _numbers(self) -> list[str]:
        """Each cell's number, row by row (none for a matrix too big to annotate)."""
        if not self._annotate or self.values.size > MAX_ANNOTATED_CELLS:
            return []
        if self._texts is None:
            self._texts = [compact_number(v) for v in self.values.ravel()]
        return self._texts

    def _cells_fit_numbers(self) -> bool:
        n_rows, n_cols = self.values.shape
        matrix = self.matrix_rect()
        w, h = matrix.width(), matrix.height()
        if w <= 0 or h <= 0:  # not laid out yet: assume the numbers fit
            return True
        # The numbers grow with the presentation font; so does the room they need.
        need_w, need_h = (side * font_scale() for side in MIN_CELL_FOR_NUMBER)
        return w / max(n_cols, 1) >= need_w and h / max(n_rows, 1) >= need_h

    # --- geometry ------------------------------------------------------------------------

    def _layout(self):
        """(matrix rectangle, row names, column names, title font), for the current size and names."""
        key = (self.width(), self.height(), tuple(self._rows), tuple(self._cols), scaled_points(100))
        if key == self._geometry_key:
            return self._geometry
        title_font = font_of(AXIS_POINT_SIZE)
        title = QFontMetricsF(title_font).height()
        left = MARGIN + (title + 2 if self.y_label else 0)
        top = MARGIN + (title + 2 if self.x_label else 0)
        names = [short_label(r) for r in self._rows]  # a 40-letter token is cut with an ellipsis
        rows = name_layout(names, 1.0, AXIS_POINT_SIZE, horizontal=False, shrink=False)
        left += (rows.extent + TEXT_OFFSET) if self._rows else 0
        top += (QFontMetricsF(rows.font).height() + TEXT_OFFSET) if self._cols else 0
        rect = QRectF(left, top, self.width() - MARGIN - left, self.height() - MARGIN - top)
        n_rows, n_cols = self.values.shape
        if rect.width() > 0 and rect.height() > 0:
            rows = name_layout(
                names,
                rect.height(),
                AXIS_POINT_SIZE,
                horizontal=False,
                shrink=False,
                overlap=OVERLAP,
            )
        # Column names as long as the cells are wide: full, 6 letters, or 3.
        pixels = rect.width() / max(1, n_cols) if rect.width() > 0 else 60
        chars = max(3, min(COLUMN_LABEL_CHARS, int(pixels // MIN_LABEL_PIXELS)))
        short = [c if len(c) <= chars else c[:chars] for c in self._cols]
        cols = name_layout(short, rect.width(), AXIS_POINT_SIZE, horizontal=True, turn=False)
        self._geometry_key, self._geometry = key, (rect, rows, cols, title_font)
        return self._geometry

    def matrix_rect(self) -> QRectF:
        """Where the matrix is painted, in the widget's pixels."""
        return QRectF(self._layout()[0])

    def cell_center(self, row: int, col: int) -> QPointF:
        """The centre of cell (row, col) in the widget's pixels."""
        rect = self.matrix_rect()
        n_rows, n_cols = self.values.shape
        return QPointF(
            rect.left() + (col + 0.5) * rect.width() / max(n_cols, 1),
            rect.top() + (row + 0.5) * rect.height() / max(n_rows, 1),
        )

    def cell_rect(self, row: int, col: int) -> QRectF:
        """Cell (row, col) in the widget's pixels (empty before the matrix is laid out)."""
        rect = self.matrix_rect()
        n_rows, n_cols = self.values.shape
        if rect.width() <= 0 or rect.height() <= 0 or not n_rows or not n_cols:
            return QRectF()
        w, h = rect.width() / n_cols, rect.height() / n_rows
        return QRectF(rect.left() + col * w, rect.top() + row * h, w, h)

    def cell_at(self, pos) -> tuple[int, int] | None:
        """The cell under a point of the widget, or None outside the matrix."""
        rect = self.matrix_rect()
        n_rows, n_cols = self.values.shape
        if rect.width() <= 0 or rect.height() <= 0 or not n_rows or not n_cols:
            return None
        c = int(np.floor((pos.x() - rect.left()) * n_cols / rect.width()))
        r = int(np.floor((pos.y() - rect.top()) * n_rows / rect.height()))
        return (r, c) if 0 <= r < n_rows and 0 <= c < n_cols else None

    # --- painting --------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(event.rect(), Qt.GlobalColor.white)  # plots are white in every theme
            rect, rows, cols, title_font = self._layout()
            n_rows, n_cols = self.values.shape
            if rect.width() <= 0 or rect.height() <= 0 or not n_rows or not n_cols:
                return
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            cells = QTransform(rect.width() / n_cols, 0, 0, rect.height() / n_rows, rect.left(), rect.top())
            if self.image.picture() is not None:
                painter.setTransform(cells)
                painter.drawImage(QRectF(0, 0, n_cols, n_rows), self.image.qimage)
                painter.resetTransform()
            paint_edges(painter, rect, n_rows, n_cols)
            if self._cells_fit_numbers():
                self._paint_numbers(painter, rect, QRectF(event.rect()))
            painter.setTransform(cells)
            r, c = self._selected
            if r >= 0:
                pen = QPen(QColor(0, 0, 0), 3)
                pen.setCosmetic(True)  # 3 screen pixels whatever the cells' aspect ratio
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(QRectF(c, r, 1, 1))
            painter.resetTransform()
            # Names and titles end TEXT_OFFSET px before the matrix: a repaint inside the
            # matrix (a changed row, a slider step) need not write them again.
            region = event.rect()
            height = QFontMetricsF(title_font).height()
            if region.left() < rect.left() - 2:  # the row names and the y title, on the left
                rows.paint(painter, rect, "left")
                if self.y_label:
                    band = QRectF(MARGIN, rect.top(), height, rect.height())
                    paint_title(painter, self.y_label, title_font, band, upwards=True)
            if region.top() < rect.top() - 2:  # the column names and the x title, above
                cols.paint(painter, rect, "top")
                if self.x_label:
                    band = QRectF(rect.left(), MARGIN, rect.width(), height)
                    paint_title(painter, self.x_label, title_font, band)
        finally:
            painter.end()

    def _paint_numbers(self, painter, rect: QRectF, region: QRectF) -> None:
        """Each cell's number centred in it, for the cells inside ``region`` only (a slider
        step repaints one cell), dark on the pale middle of the scale, light on its ends."""
        texts = self._numbers()
        if not texts:
            return
        n_rows, n_cols = self.values.shape
        w, h = rect.width() / n_cols, rect.height() / n_rows
        c0 = max(0, int((region.left() - rect.left()) // w))
        c1 = min(n_cols, int((region.right() - rect.left()) // w) + 1)
        r0 = max(0, int((region.top() - rect.top()) // h))
        r1 = min(n_rows, int((region.bottom() - rect.top()) // h) + 1)
        font = font_of(NUMBER_POINT_SIZE)
        height = QFontMetricsF(font).height()
        painter.setFont(font)
        pale = np.abs(self.values) <= 0.6 * self.limit
        for r in range(r0, r1):
            y = rect.top() + r * h
            for c in range(c0, c1):
                text = texts[r * n_cols + c]
                x = rect.left() + c * w
                width = text_widths(font, (text,))[0]
                painter.setPen(WEAK_TEXT if pale[r, c] else STRONG_TEXT)
                painter.drawStaticText(
                    QPointF(x + (w - width) / 2, y + (h - height) / 2), static_text(font, text)
                )

    # --- the mouse -------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = (event.position(), self.cell_at(event.position()))
            self._dragging = False
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        self._hover(self.cell_at(pos))
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        if not self._dragging:
            start, cell = self._press
            if (pos - start).manhattanLength() < QApplication.startDragDistance():
                return
            self._dragging, self._last_dragged = True, None
            self._drag_over(cell)  # the cell the drag started in is painted too
        self._drag_over(self.cell_at(pos))

    def _drag_over(self, cell) -> None:
        if cell and cell != self._last_dragged:
            self._last_dragged = cell
            self.sigCellDragged.emit(*cell)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            super().mouseReleaseEvent(event)
            return
        _, cell = self._press
        self._press = None
        if self._dragging:
            self._dragging, self._last_dragged = False, None
            self.sigDragFinished.emit()
        elif cell is not None and cell == self.cell_at(event.position()):
            self.sigCellClicked.emit(*cell)

    def _hover(self, cell) -> None:
        cell = cell or (-1, -1)
        if cell != self._hovered:
            self._hovered = cell
            self.sigCellHovered.emit(*cell)

    def leaveEvent(self, event) -> None:
        self._hover(None)
        super().leaveEvent(event)
