"""A labelled heatmap of one attention matrix: rows are queries, columns are keys.

Generic over what it shows (weights of any head, of any layer later): it is given a
matrix and labels and never computes attention itself.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QColor, QFont

MAX_LABEL_CHARS = 12
# Past this many tokens a number per cell no longer fits; the colour still reads.
MAX_ANNOTATED = 24
MASKED_RGBA = (150, 150, 150, 255)


def short_label(token: str) -> str:
    """Token text fit for an axis: long tokens are cut with an ellipsis."""
    return token if len(token) <= MAX_LABEL_CHARS else token[: MAX_LABEL_CHARS - 1] + "\u2026"


def axis_ticks(tokens) -> list[list[tuple[float, str]]]:
    """Ticks at cell centres; the position number keeps repeated tokens apart."""
    return [[(i + 0.5, short_label(t)) for i, t in enumerate(tokens)]]


class AttentionHeatmap(pg.GraphicsLayoutWidget):
    """Attention weights as coloured cells with the tokens as axis labels.

    Queries run down the left (row i: how token i spreads its attention), keys run
    across the top (column j: how much attention token j receives). Masked cells are
    drawn grey, never as a weight of 0.

    Signals
    -------
    sigRowClicked(int)
        The user clicked a cell in this query row.
    """

    sigRowClicked = Signal(int)

    def __init__(self, parent=None, colormap: str = "viridis"):
        super().__init__(parent)
        self.setBackground("w")
        self._plot = self.addPlot()
        self._plot.setMenuEnabled(False)
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.hideButtons()
        self._plot.invertY(True)  # query 0 at the top, reading order
        self._plot.showAxis("top")
        self._plot.hideAxis("bottom")
        self._plot.getAxis("top").setLabel("Key (looked at)")
        self._plot.getAxis("left").setLabel("Query (looking)")
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setColorMap(pg.colormap.get(colormap))
        self._mask_image = pg.ImageItem(axisOrder="row-major")
        self._plot.addItem(self._image)
        self._plot.addItem(self._mask_image)
        self._texts: list[pg.TextItem] = []
        self._values = np.zeros((0, 0))
        self._rows: tuple[str, ...] = ()
        self._cols: tuple[str, ...] = ()
        self.scene().sigMouseClicked.connect(self._on_click)
        self._apply_font_size(13)

    # --- what tests and other views read -------------------------------------------

    @property
    def values(self) -> np.ndarray:
        """The matrix on screen, row = query."""
        return self._values

    def row_labels(self) -> tuple[str, ...]:
        return self._rows

    def column_labels(self) -> tuple[str, ...]:
        return self._cols

    def cell_texts(self) -> list[str]:
        return [t.textItem.toPlainText() for t in self._texts if t.isVisible()]

    # --- drawing -------------------------------------------------------------------

    def set_matrix(self, values: np.ndarray, rows, cols, masked: np.ndarray | None = None) -> None:
        """Show ``values`` (n_rows, n_cols) in [0, 1]; ``masked`` cells drawn grey."""
        values = np.asarray(values, dtype=float)
        n_rows, n_cols = values.shape
        self._values = values
        self._rows, self._cols = tuple(rows), tuple(cols)
        # The colour scale runs from 0 to the largest weight shown: weights of a dozen
        # tokens rarely pass 0.5, and a fixed 0..1 scale would paint them all dark.
        self._top = max(float(np.nanmax(values)) if values.size else 1.0, 0.05)
        self._image.setImage(values, levels=(0.0, self._top))
        self._image.setRect(QRectF(0, 0, n_cols, n_rows))
        overlay = np.zeros((n_rows, n_cols, 4), dtype=np.ubyte)
        if masked is not None:
            overlay[np.asarray(masked, dtype=bool)] = MASKED_RGBA
        self._mask_image.setImage(overlay, levels=(0, 255))
        self._mask_image.setRect(QRectF(0, 0, n_cols, n_rows))
        self._plot.getAxis("left").setTicks(axis_ticks(self._rows))
        self._plot.getAxis("top").setTicks(axis_ticks(self._cols))
        self._plot.setRange(xRange=(0, n_cols), yRange=(0, n_rows), padding=0)
        self._annotate(values, masked)

    def _annotate(self, values: np.ndarray, masked) -> None:
        n_rows, n_cols = values.shape
        show = max(n_rows, n_cols) <= MAX_ANNOTATED
        needed = n_rows * n_cols if show else 0
        while len(self._texts) < needed:
            item = pg.TextItem(anchor=(0.5, 0.5))
            item.setFont(self._cell_font)
            self._plot.addItem(item)
            self._texts.append(item)
        for idx, item in enumerate(self._texts):
            if idx >= needed:
                item.setVisible(False)
                continue
            r, c = divmod(idx, n_cols)
            is_masked = masked is not None and bool(masked[r, c])
            v = values[r, c]
            item.setText("\u2013" if is_masked else f"{v:.2f}")
            # Dark text on the bright end of viridis, light text on the dark end.
            item.setColor(QColor(20, 20, 20) if (v > 0.6 * self._top or is_masked) else QColor(245, 245, 245))
            item.setPos(c + 0.5, r + 0.5)
            item.setVisible(True)

    def _apply_font_size(self, point_size: int) -> None:
        font = QFont()
        font.setPointSize(point_size)
        self._cell_font = QFont(font)
        self._cell_font.setPointSize(max(8, point_size - 2))
        for name in ("left", "top"):
            axis = self._plot.getAxis(name)
            axis.setStyle(tickFont=font, tickTextOffset=6)
            axis.label.setFont(font)
            axis.setTextPen(pg.mkPen(30, 30, 30))
            axis.setPen(pg.mkPen(90, 90, 90))
        for item in self._texts:
            item.setFont(self._cell_font)

    def _on_click(self, event) -> None:
        point = self._plot.vb.mapSceneToView(event.scenePos())
        row = int(np.floor(point.y()))
        if 0 <= row < self._values.shape[0] and 0 <= point.x() < self._values.shape[1]:
            self.sigRowClicked.emit(row)
            event.accept()
