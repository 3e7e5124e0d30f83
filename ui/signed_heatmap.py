"""A heatmap for signed numbers (matrices, embeddings) that can be clicked, painted and hovered.

Blue is negative, white zero, red positive, on a scale symmetric around 0 so the
colour of zero never moves. Rows run down, columns across, as the matrix is written.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from ui.cell_texts import CellTexts
from ui.heatmap import ColourImage, axis_ticks
from ui.token_axis import quicken_number_axis

DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [(33, 102, 172), (247, 247, 247), (178, 24, 43)])
MAX_ANNOTATED_CELLS = 400
COLUMN_LABEL_CHARS = 6
MIN_LABEL_PIXELS = 9  # below this many pixels per character, column names are abbreviated further
MIN_CELL_FOR_NUMBER = (26, 13)  # (width, height) in pixels a cell needs to show its number
NUMBER_POINT_SIZE = 9
STRONG_TEXT = QColor(250, 250, 250)  # on the dark ends of the scale


def compact_number(v: float) -> str:
    """A cell's value in at most ~4 characters: 0.8 -> ".8", -0.049 -> "-.05", 12 -> "12"."""
    text = f"{round(float(v), 2):g}"
    if text in ("0", "-0"):
        return "0"
    return text.replace("0.", ".", 1) if abs(v) < 1 else text


class _CellImage(ColourImage):
    """An ImageItem that reports which cell the mouse is on, clicked or dragged over."""

    def __init__(self, owner):
        super().__init__(axisOrder="row-major")
        self._owner = owner
        self.setAcceptHoverEvents(True)

    def _cell(self, pos) -> tuple[int, int] | None:
        shape = self._owner.values.shape
        r, c = int(np.floor(pos.y())), int(np.floor(pos.x()))
        return (r, c) if 0 <= r < shape[0] and 0 <= c < shape[1] else None

    def mouseClickEvent(self, ev):
        cell = self._cell(ev.pos())
        if cell and ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self._owner.sigCellClicked.emit(*cell)

    def mouseDragEvent(self, ev):
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        cell = self._cell(ev.pos())
        if cell and cell != self._owner._last_dragged:
            self._owner._last_dragged = cell
            self._owner.sigCellDragged.emit(*cell)
        if ev.isFinish():
            self._owner._last_dragged = None
            self._owner.sigDragFinished.emit()

    def hoverEvent(self, ev):
        if ev.isExit():
            self._owner.sigCellHovered.emit(-1, -1)
            return
        cell = self._cell(ev.pos())
        self._owner.sigCellHovered.emit(*(cell or (-1, -1)))


class SignedHeatmap(pg.GraphicsLayoutWidget):
    """Signed values as colours, with row and column names.

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
        self.setBackground("w")
        self._plot = self.addPlot(enableMenu=False)  # no context menu built only to be dropped
        self._plot.setMenuEnabled(False)
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.hideButtons()
        self._plot.invertY(True)
        self._plot.showAxis("top")
        self._plot.hideAxis("bottom")
        if x_label:
            self._plot.getAxis("top").setLabel(x_label)
        if y_label:
            self._plot.getAxis("left").setLabel(y_label)
        self._image = _CellImage(self)
        self._image.setColorMap(DIVERGING)
        self._plot.addItem(self._image)
        self._outline = QGraphicsRectItem()
        pen = QPen(QColor(0, 0, 0), 3)
        pen.setCosmetic(True)  # 3 screen pixels whatever the cells' aspect ratio
        self._outline.setPen(pen)
        self._outline.setVisible(False)
        self._plot.addItem(self._outline)
        self._annotate = annotate
        # Every number painted by one item, in one pass (a TextItem per cell cost ~2 ms
        # per hundred cells on each edit, and seconds to build at start-up).
        self._numbers = CellTexts(NUMBER_POINT_SIZE, min_cell=MIN_CELL_FOR_NUMBER, light=STRONG_TEXT)
        self._plot.addItem(self._numbers)
        self._last_dragged = None
        self.values = np.zeros((0, 0))
        self._rows: list[str] = []
        self._cols: list[str] = []
        self._column_ticks = None
        self.limit = 1.0
        font = QFont()
        font.setPointSize(11)
        self._font = font
        for name in ("left", "top"):
            axis = self._plot.getAxis(name)
            axis.setStyle(tickFont=font)
            axis.label.setFont(font)
            axis.setTextPen(pg.mkPen(30, 30, 30))
            # pyqtgraph measures every name again whenever the axis redraws (a token edit
            # relabels the rows); with this each name is measured once, drawn the same.
            quicken_number_axis(axis)

    def set_matrix(self, values, rows, cols, *, limit: float | None = None) -> None:
        """Show ``values``; the colour scale runs from -limit to +limit (default: largest |value|)."""
        values = np.asarray(values, dtype=float)
        n_rows, n_cols = values.shape
        peak = float(np.abs(values).max()) if values.size else 0.0
        limit = limit if limit is not None else max(peak, 1e-9)
        if (
            limit == self.limit
            and (list(rows), list(cols)) == (self._rows, self._cols)
            and np.array_equal(values, self.values)
        ):
            return  # unchanged (another head's or matrix's edit): nothing to repaint
        self.values = values
        self.limit = limit
        self._image.setImage(values, levels=(-self.limit, self.limit))
        self._image.setRect(QRectF(0, 0, n_cols, n_rows))
        rows = list(rows)
        if rows != self._rows:  # new ticks make the axis measure every label again
            self._rows = rows
            self._plot.getAxis("left").setTicks(axis_ticks(rows))
        self._cols = list(cols)
        self._label_columns()
        self._plot.setRange(xRange=(0, n_cols), yRange=(0, n_rows), padding=0)
        self._draw_numbers()

    def _label_columns(self) -> None:
        """Column names as long as the cells are wide: full, 6 letters, or 3."""
        n_cols = max(1, len(self._cols))
        pixels = self._plot.vb.width() / n_cols if self._plot.vb.width() > 0 else 60
        chars = max(3, min(COLUMN_LABEL_CHARS, int(pixels // MIN_LABEL_PIXELS)))
        short = [c if len(c) <= chars else c[:chars] for c in self._cols]
        ticks = [[(i + 0.5, t) for i, t in enumerate(short)]]
        if ticks != self._column_ticks:
            self._column_ticks = ticks
            self._plot.getAxis("top").setTicks(ticks)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if hasattr(self, "_numbers"):  # pyqtgraph resizes once before __init__ is done
            self._label_columns()

    def _cells_fit_numbers(self) -> bool:
        n_rows, n_cols = self.values.shape
        w, h = self._plot.vb.width(), self._plot.vb.height()
        if w <= 0 or h <= 0:  # not laid out yet: assume the numbers fit
            return True
        return w / max(n_cols, 1) >= MIN_CELL_FOR_NUMBER[0] and h / max(n_rows, 1) >= MIN_CELL_FOR_NUMBER[1]

    def select_cell(self, row: int, col: int) -> None:
        """Outline one cell (row, col); (-1, -1) removes the outline."""
        visible = 0 <= row < self.values.shape[0] and 0 <= col < self.values.shape[1]
        self._outline.setVisible(visible)
        if visible:
            self._outline.setRect(QRectF(col, row, 1, 1))

    def cell_texts(self) -> list[str]:
        """The numbers written in the cells now (none when the cells are too small)."""
        return self._numbers.texts if self._cells_fit_numbers() else []

    def _draw_numbers(self) -> None:
        """Hand the numbers to the painting item; whether they fit is decided as it paints."""
        n_rows, n_cols = self.values.shape
        if not self._annotate or n_rows * n_cols > MAX_ANNOTATED_CELLS:
            self._numbers.clear()
            return
        flat, limit = self.values.ravel(), self.limit
        # Made only when drawn (the numbers vanish when the cells are too small for them).
        self._numbers.set_cells(
            lambda: [compact_number(v) for v in flat],
            lambda: np.abs(flat) <= 0.6 * limit,  # white text on the dark ends of the scale
            (n_rows, n_cols),
            key=(flat.tobytes(), limit),
        )
