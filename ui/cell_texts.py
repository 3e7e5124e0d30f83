"""Numbers written in the cells of a heatmap, drawn by one item in one pass.

A pyqtgraph TextItem per cell costs a graphics item each (169 for 13 tokens, 4096 for
64), which made building a heatmap slow. This item paints every number itself, in
screen pixels, in the largest font (up to a base size) that fits the cells on screen,
and writes nothing when even the smallest does not fit.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem

from ui.theme import scaled_points

MIN_POINT_SIZE = 8
DARK = QColor(20, 20, 20)
LIGHT = QColor(245, 245, 245)


class CellTexts(QGraphicsItem):
    """Text centred in each unit cell (column c, row r) of a matrix drawn at (0, 0)."""

    def __init__(self, point_size: int = 11, parent=None):
        super().__init__(parent)
        self._texts: list[str] = []
        self._dark: list[bool] = []
        self._shape = (0, 0)
        self._font = QFont()
        self._font.setPointSize(point_size)
        self._sample = "0.00"
        self.setZValue(5)

    @property
    def texts(self) -> list[str]:
        return list(self._texts)

    def set_point_size(self, point_size: int) -> None:
        self._font.setPointSize(point_size)
        self.update()

    def set_cells(self, texts, dark, shape: tuple[int, int], sample: str = "0.00") -> None:
        """``texts`` and ``dark`` (dark text on a bright cell) row by row for a ``shape`` matrix."""
        self.prepareGeometryChange()
        self._texts, self._dark = list(texts), [bool(d) for d in dark]
        self._shape = shape
        self._sample = sample
        self.update()

    def clear(self) -> None:
        self.set_cells([], [], (0, 0))

    def fitting_font(self, cell_width: float, cell_height: float) -> QFont | None:
        """The largest font up to the base size whose sample number fits a cell, or None."""
        # Both ends grow with the presentation font scale: a number is either readable
        # from the back row or not written at all.
        font = QFont(self._font)
        for size in range(scaled_points(self._font.pointSize()), scaled_points(MIN_POINT_SIZE) - 1, -1):
            font.setPointSize(size)
            fm = QFontMetricsF(font)
            if fm.horizontalAdvance(self._sample) + 4 <= cell_width and fm.height() <= cell_height:
                return font
        return None

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._shape[1], self._shape[0])

    def paint(self, painter, option, widget=None) -> None:
        n_rows, n_cols = self._shape
        if not self._texts or not n_rows or not n_cols:
            return
        transform = painter.transform()
        cell = transform.mapRect(QRectF(0, 0, 1, 1))
        font = self.fitting_font(abs(cell.width()), abs(cell.height()))
        if font is None:
            return
        painter.save()
        painter.resetTransform()  # draw in screen pixels so the text keeps its size
        painter.setFont(font)
        flags = int(Qt.AlignmentFlag.AlignCenter)
        for idx, text in enumerate(self._texts):
            r, c = divmod(idx, n_cols)
            painter.setPen(DARK if self._dark[idx] else LIGHT)
            painter.drawText(transform.mapRect(QRectF(c, r, 1, 1)), flags, text)
        painter.restore()
