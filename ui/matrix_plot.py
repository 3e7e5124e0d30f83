"""One signed matrix as a plot inside a larger pyqtgraph layout (outputs, similarities).

Unlike :class:`ui.signed_heatmap.SignedHeatmap` (a whole widget, for editing) this is a
:class:`pyqtgraph.PlotItem` so that several matrices can stand in one row with their
rows lined up, the way data flows from one to the next. Same colours: blue negative,
white 0, red positive, on a scale symmetric around 0.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from ui.heatmap import ColourImage, short_label
from ui.signed_heatmap import DIVERGING
from ui.token_axis import TokenAxis


class MatrixPlot(pg.PlotItem):
    """A titled matrix with named rows (left) and columns (top), drawn row-major."""

    def __init__(self, title: str = "", point_size: int = 11, **kwargs):
        self.row_axis = TokenAxis("left", point_size)
        self.column_axis = TokenAxis("top", point_size)
        # enableMenu=False: the context menus pyqtgraph builds by default (~25 ms a plot) are
        # switched off below anyway.
        kwargs.setdefault("enableMenu", False)
        super().__init__(axisItems={"left": self.row_axis, "top": self.column_axis}, **kwargs)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.invertY(True)
        self.showAxis("top")
        self.hideAxis("bottom")
        self.name = title
        if title:
            self.setTitle(title, size=f"{point_size + 1}pt", bold=True, color="#222")
        # ARGB32, not pyqtgraph's indexed picture that QPainter converts on every paint.
        self.image = ColourImage(axisOrder="row-major")
        self.image.setColorMap(DIVERGING)
        self.addItem(self.image)
        self._lines = QGraphicsPathItem()
        pen = QPen(QColor(20, 20, 20), 3)
        pen.setCosmetic(True)
        self._lines.setPen(pen)
        self._lines.setZValue(10)
        self.addItem(self._lines)
        font = QFont()
        font.setPointSize(point_size)
        for axis in (self.row_axis, self.column_axis):
            axis.label.setFont(font)
            axis.setTextPen(pg.mkPen(30, 30, 30))
            axis.setPen(pg.mkPen(90, 90, 90))
        self.values = np.zeros((0, 0))
        self.rows: list[str] = []
        self.columns: list[str] = []
        self.limit = 1.0

    def set_matrix(self, values, rows, columns, *, limit: float | None = None) -> None:
        """Show ``values``; colours run from -limit to +limit (default: the largest |value|)."""
        values = np.asarray(values, dtype=float)
        rows, columns = [str(r) for r in rows], [str(c) for c in columns]
        n_rows, n_cols = values.shape
        peak = float(np.abs(values).max()) if values.size else 0.0
        limit = limit if limit is not None else max(peak, 1e-9)
        if (
            limit == self.limit
            and (rows, columns) == (self.rows, self.columns)
            and np.array_equal(values, self.values)
        ):
            return  # unchanged: nothing to repaint
        self.values = values
        self.rows, self.columns = rows, columns
        self.limit = limit
        self.image.setImage(values, autoLevels=False, levels=(-self.limit, self.limit))
        self.image.setRect(QRectF(0, 0, n_cols, n_rows))
        self.setRange(xRange=(0, n_cols), yRange=(0, n_rows), padding=0)
        self.row_axis.set_labels([short_label(r) for r in self.rows])
        self.column_axis.set_labels([short_label(c) for c in self.columns])

    def mark_columns(self, positions) -> None:
        """Draw thick vertical lines at these column boundaries (e.g. between heads)."""
        path = QPainterPath()
        n_rows = self.values.shape[0]
        for x in positions:
            path.moveTo(float(x), 0.0)
            path.lineTo(float(x), float(n_rows))
        self._lines.setPath(path)

    def cell_at(self, scene_pos) -> tuple[int, int]:
        """(row, column) under a scene position, or (-1, -1) outside the matrix."""
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            return -1, -1
        point = self.vb.mapSceneToView(scene_pos)
        r, c = int(np.floor(point.y())), int(np.floor(point.x()))
        if 0 <= r < self.values.shape[0] and 0 <= c < self.values.shape[1]:
            return r, c
        return -1, -1

    def describe(self, row: int, col: int) -> str:
        value = self.values[row, col]
        return self.tr("{matrix}: row '{row}', column '{column}' = {value}").format(
            matrix=self.name, row=self.rows[row], column=self.columns[col], value=f"{value:.2f}"
        )
