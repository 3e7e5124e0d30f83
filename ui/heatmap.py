"""A labelled heatmap of one attention matrix: rows are queries, columns are keys.

Generic over what it shows (weights of any head, of any layer later): it is given a
matrix, labels and optionally the scores and logits behind it, and never computes
attention itself.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QPointF,
    QRect,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from ui.cell_texts import CellTexts
from ui.colour_bar import ColourBar
from ui.colour_image import COLOUR_BLIND_SAFE, COLOUR_MAPS, ColourImage, colour_map  # noqa: F401 - re-exported
from ui.heatmap_geometry import lay_out, short_label  # noqa: F401 - short_label re-exported
from ui.painted_axes import MARGIN, TEXT_OFFSET, PlotSized, font_of, paint_edges, paint_title, show_tip
from ui.theme import scaled_points

# Past this many tokens a number per cell no longer fits; the colour still reads.
MAX_ANNOTATED = 24
MASKED_RGBA = (150, 150, 150, 255)
SELECTED_ROW_COLOUR = QColor(255, 64, 0)
HATCH = QBrush(QColor(70, 70, 70), Qt.BrushStyle.BDiagPattern)  # over the grey of masked cells
BAR_SPACING = 10  # pixels between the matrix and its colour bar
HINT = QT_TRANSLATE_NOOP(
    "heatmap",
    "Rows are query tokens (who is looking), columns are key tokens (who is looked at). "
    "Brighter means more attention. Grey hatched cells are masked. Click a row to follow "
    "that token in every view.",
)


class AttentionHeatmap(PlotSized, QWidget):
    """Attention weights as coloured cells with the tokens as axis labels.

    Queries run down the left (row i: how token i spreads its attention), keys run
    across the top (column j: how much attention token j receives). Masked cells are
    drawn grey and hatched, never as a weight of 0. A colour bar on the right reads
    colours back as weights; hovering a cell names its tokens, score, logit and weight.

    Painted straight onto a plain widget. It was a pyqtgraph layout (a plot with two
    token axes and a colour bar with a number axis): a graphics scene whose queued
    update made the window paint once more after every edit, and whose colour bar
    generated and measured its numbers again each time. The cells are the same
    :class:`ColourImage` pixels, drawn with nearest-neighbour scaling into the matrix's
    rectangle; names, titles and numbers are written by :mod:`ui.painted_axes` in
    sizes scaled with the presentation font when laid out.

    Signals
    -------
    sigRowClicked(int)
        The user clicked a cell in this query row.
    sigCellHovered(int, int)
        Row and column under the mouse, or (-1, -1) when it left the matrix.
    """

    sigRowClicked = Signal(int)
    sigCellHovered = Signal(int, int)

    def __init__(self, parent=None, colormap: str = "viridis", *, colour_bar: bool = True, font_size=13):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel itself
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)  # hover readouts
        self._points = font_size
        self.x_label = self.tr("Key (looked at)")
        self.y_label = self.tr("Query (looking)")
        self.setToolTip(QCoreApplication.translate("heatmap", HINT))  # away from the cells
        self.setAccessibleName(self.tr("Attention heatmap"))
        self.setAccessibleDescription(QCoreApplication.translate("heatmap", HINT))
        self._image = ColourImage(axisOrder="row-major")
        self._mask_image = ColourImage(axisOrder="row-major")
        self._cell_texts = CellTexts(max(8, font_size - 2))
        self._bar = ColourBar(self.tr("weight"), font_size) if colour_bar else None
        self._values = np.zeros((0, 0))
        self._masked = np.zeros((0, 0), dtype=bool)
        self._any_masked = False
        self._scores: np.ndarray | None = None
        self._logits: np.ndarray | None = None
        self._rows: tuple[str, ...] = ()
        self._cols: tuple[str, ...] = ()
        self._top = 1.0
        self._selected_row = -1
        self._hovered = (-1, -1)
        self._press: tuple | None = None  # (position, row) of a left-button press on a row
        self._colormap_name = ""
        self._geometry_key = None
        self._geometry = None
        self._hatch_key = None
        self._hatch = QPainterPath()
        self._painted_scale = scaled_points(100)
        self.set_colormap(colormap)

    # --- what tests and other views read -------------------------------------------

    @property
    def values(self) -> np.ndarray:
        """The matrix on screen, row = query."""
        return self._values

    @property
    def colormap_name(self) -> str:
        return self._colormap_name

    @property
    def selected_row(self) -> int:
        return self._selected_row

    @property
    def colour_bar(self) -> ColourBar | None:
        """The colour scale (its ``levels()`` and ``tick_texts()``), None when built without."""
        return self._bar

    def row_labels(self) -> tuple[str, ...]:
        return self._rows

    def column_labels(self) -> tuple[str, ...]:
        return self._cols

    def cell_texts(self) -> list[str]:
        """The numbers written in the cells (when the matrix is small enough to carry them)."""
        return self._cell_texts.texts

    def axis_titles(self) -> tuple[str, str]:
        """(across the top, down the left): the titles written beside the names."""
        return self.x_label, self.y_label

    def cell_description(self, row: int, col: int) -> str:
        """What hovering cell (row, col) says: the two tokens and the numbers behind the colour."""
        head = self.tr("Query '{query}' (row {row}) \u2192 key '{key}' (column {column})").format(
            query=self._rows[row], row=row + 1, key=self._cols[col], column=col + 1
        )
        if self._masked.size and self._masked[row, col]:
            return head + ": " + self.tr("masked \u2014 the causal mask hides this key, so its weight is 0.")
        parts = []
        if self._scores is not None:
            parts.append(
                self.tr("raw score q\u00b7k = {score}").format(score=f"{self._scores[row, col]:.2f}")
            )
        if self._logits is not None:
            parts.append(self.tr("scaled logit = {logit}").format(logit=f"{self._logits[row, col]:.2f}"))
        parts.append(self.tr("weight = {weight}").format(weight=f"{self._values[row, col]:.2f}"))
        return head + ": " + ", ".join(parts)

    def painted_fonts(self) -> list[tuple[str, QFont]]:
        """(what, font) of each kind of text the last layout writes: for checks of readability."""
        rect, rows, cols, title_font = self._layout()
        out = []
        if rows.drawn() or cols.drawn():
            out += [("token labels", layout.font) for layout in (rows, cols) if layout.drawn()]
        out.append(("axis titles", title_font))
        if self._bar is not None:
            out.append(("colour bar numbers", font_of(self._bar.points)))
        n_rows, n_cols = self._values.shape
        if n_rows and n_cols and rect.width() > 0 and rect.height() > 0 and self.cell_texts():
            font = self._cell_texts.fitting_font(rect.width() / n_cols, rect.height() / n_rows)
            if font is not None:  # None: cells too small, no numbers written
                out.append(("cell numbers", font))
        return out

    # --- drawing -------------------------------------------------------------------

    def set_matrix(
        self,
        values: np.ndarray,
        rows,
        cols,
        masked: np.ndarray | None = None,
        *,
        scores: np.ndarray | None = None,
        logits: np.ndarray | None = None,
        top: float | None = None,
    ) -> None:
        """Show ``values`` (n_rows, n_cols) in [0, 1]; ``masked`` cells drawn grey and hatched.

        ``scores`` and ``logits`` (same shape) are only read back in the hover text.
        ``top`` fixes the weight drawn brightest (to share one scale between heatmaps);
        by default it is the largest weight shown.
        """
        values = np.asarray(values, dtype=float)
        if values.ndim != 2:
            raise ValueError(f"A heatmap shows a matrix (rows x columns), not shape {values.shape}.")
        n_rows, n_cols = values.shape
        rows, cols = tuple(str(r) for r in rows), tuple(str(c) for c in cols)
        if (len(rows), len(cols)) != (n_rows, n_cols):
            raise ValueError(
                f"{n_rows} x {n_cols} weights need {n_rows} row and {n_cols} column names, "
                f"not {len(rows)} and {len(cols)}."
            )
        masked = np.zeros(values.shape, bool) if masked is None else np.asarray(masked, bool)
        if masked.shape != values.shape:
            raise ValueError(f"The mask's shape {masked.shape} is not the weights' {values.shape}.")
        # The colour scale runs from 0 to the largest weight shown: weights of a dozen
        # tokens rarely pass 0.5, and a fixed 0..1 scale would paint them all dark.
        if top is None:
            finite = values[np.isfinite(values)]
            top = float(finite.max()) if finite.size else 1.0
        top = max(top, 0.05)
        self._scores = None if scores is None else np.asarray(scores, dtype=float)
        self._logits = None if logits is None else np.asarray(logits, dtype=float)
        self._hovered = (-1, -1)
        same_names = (rows, cols) == (self._rows, self._cols)
        if (
            top == self._top
            and same_names
            and np.array_equal(masked, self._masked)
            and np.array_equal(values, self._values)
        ):
            # What is on screen already (another head changed): nothing to repaint, unless
            # the presentation font changed since (the text is sized when painted).
            if scaled_points(100) != self._painted_scale:
                self.update()
            return
        # Where the cells were last laid out (a layout since out of date only means a
        # whole repaint below).
        laid_out = self._geometry is not None and same_names and values.shape == self._values.shape
        before = self._geometry[0] if laid_out else None
        self._values = values
        self._masked = masked
        self._any_masked = bool(masked.any())
        self._rows, self._cols = rows, cols
        self._top = top
        self._image.setImage(values, autoLevels=False, levels=(0.0, self._top))
        if self._any_masked:
            overlay = np.zeros((n_rows, n_cols, 4), dtype=np.ubyte)
            overlay[masked] = MASKED_RGBA
            self._mask_image.setImage(overlay, levels=(0, 255))
        if self._bar is not None:
            self._bar.set_levels(0.0, self._top)
        self._annotate()
        if not 0 <= self._selected_row < n_rows:
            self._selected_row = -1
        self._update_numbers(before)

    def _update_numbers(self, before: QRectF | None) -> None:
        """Repaint what new numbers change; ``before``: the matrix's place before them, or
        None when the names changed.

        With the same names, in the same place and the same font, the cells and the
        colour bar beside them, as one rectangle (two would be a region, and Qt clips
        every drawing to a region more slowly than it paints the whole widget); the names
        and titles stay as they are. Otherwise, everything.
        """
        rect = self._layout()[0]
        if before is None or rect != before or rect.isEmpty() or scaled_points(100) != self._painted_scale:
            self.update()
            return
        # The outline of a selected row stands 2 px out; the bar's end numbers half a line.
        margin = 4 + (math.ceil(self._bar.font()[1] / 2) if self._bar is not None else 0)
        left = math.ceil(rect.left() - 3)
        top, bottom = math.floor(rect.top() - margin), math.ceil(rect.bottom() + margin)
        self.update(QRect(left, top, self.width() - left, bottom - top))

    def set_colormap(self, name: str) -> None:
        """Recolour with one of :data:`COLOUR_MAPS` (the numbers stay the same)."""
        cmap = colour_map(name)
        self._colormap_name = name
        self._cmap = cmap
        self._image.setColorMap(cmap)
        if self._bar is not None:
            self._bar.set_colour_map(cmap)
        if self._values.size:
            self._annotate()
        self.update()

    def set_selected_row(self, row: int) -> None:
        """Outline query row ``row`` (-1: none)."""
        row = row if 0 <= row < self._values.shape[0] else -1
        if row == self._selected_row:
            return
        for r in (self._selected_row, row):
            if r >= 0:
                self._update_row(r)
        self._selected_row = row

    def _update_row(self, row: int) -> None:
        """Repaint one row, with room for the 4 px outline around it."""
        rect = self.cell_rect(row, 0)
        if rect.isEmpty():
            self.update()
            return
        band = QRectF(rect.left(), rect.top(), self.matrix_rect().width(), rect.height())
        self.update(band.toAlignedRect().adjusted(-4, -4, 4, 4))

    def _annotate(self) -> None:
        values, masked = self._values, self._masked
        n_rows, n_cols = values.shape
        if max(n_rows, n_cols) > MAX_ANNOTATED or not values.size:
            self._cell_texts.clear()
            return
        cmap, top = self._cmap, self._top

        def dark():  # dark text on bright cells, light text on dark ones, whatever the colour map
            rgb = cmap.map(np.clip(values / top, 0, 1).ravel(), mode="float")[:, :3]
            return ((rgb @ np.array([0.299, 0.587, 0.114])) > 0.5) | masked.ravel()

        def texts():
            flat = zip(values.ravel(), masked.ravel(), strict=True)
            return ["\u2013" if m else f"{v:.2f}" for v, m in flat]

        # Made only when drawn: at 16 tokens the cells are usually too small for numbers.
        key = (values.tobytes(), masked.tobytes(), top, self._colormap_name)
        self._cell_texts.set_cells(texts, dark, values.shape, key=key)

    # --- geometry ------------------------------------------------------------------------

    def _layout(self):
        """(matrix rectangle, row names, column names, title font) for the current size and names."""
        bar_extent = self._bar.extent(max(self.height() - 2 * MARGIN, 1.0)) if self._bar else 0
        key = (self.width(), self.height(), self._rows, self._cols, scaled_points(100), bar_extent)
        key += (self.x_label, self.y_label)
        if key != self._geometry_key:
            right = BAR_SPACING + bar_extent if self._bar else 0
            found = lay_out(
                self.width(),
                self.height(),
                self._rows,
                self._cols,
                self._points,
                right,
                self.x_label,
                self.y_label,
            )
            self._geometry_key, self._geometry = key, found
        return self._geometry

    def matrix_rect(self) -> QRectF:
        """Where the cells are painted, in the widget's pixels."""
        return QRectF(self._layout()[0])

    def cell_rect(self, row: int, col: int) -> QRectF:
        """Cell (row, col) in the widget's pixels (empty before the matrix is laid out)."""
        rect = self.matrix_rect()
        n_rows, n_cols = self._values.shape
        if rect.width() <= 0 or rect.height() <= 0 or not n_rows or not n_cols:
            return QRectF()
        w, h = rect.width() / n_cols, rect.height() / n_rows
        return QRectF(rect.left() + col * w, rect.top() + row * h, w, h)

    def cell_center(self, row: int, col: int) -> QPointF:
        """The centre of cell (row, col) in the widget's pixels."""
        return self.cell_rect(row, col).center()

    def cell_at(self, pos) -> tuple[int, int]:
        """(row, column) of the cell under a point of the widget, or (-1, -1) outside the matrix."""
        rect = self.matrix_rect()
        n_rows, n_cols = self._values.shape
        if rect.width() <= 0 or rect.height() <= 0 or not n_rows or not n_cols:
            return -1, -1
        c = int(np.floor((pos.x() - rect.left()) * n_cols / rect.width()))
        r = int(np.floor((pos.y() - rect.top()) * n_rows / rect.height()))
        return (r, c) if 0 <= r < n_rows and 0 <= c < n_cols else (-1, -1)

    def row_at(self, pos) -> int:
        """The query row under a point of the widget, or -1."""
        return self.cell_at(pos)[0]

    # --- painting --------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            self._painted_scale = scaled_points(100)
            self._paint(painter, QRectF(event.rect()))
        finally:
            painter.end()

    def _paint(self, painter, area: QRectF) -> None:
        """Paint what lies in ``area`` (what Qt asked for; everything else is clipped away)."""
        rect, rows, cols, title_font = self._layout()
        n_rows, n_cols = self._values.shape
        if rect.width() <= 0 or rect.height() <= 0 or not n_rows or not n_cols:
            painter.fillRect(area, Qt.GlobalColor.white)  # plots are white in every theme
            return
        painter.fillRect(area, Qt.GlobalColor.white)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        cells = QTransform(rect.width() / n_cols, 0, 0, rect.height() / n_rows, rect.left(), rect.top())
        painter.setTransform(cells)
        for item in (self._image, self._mask_image) if self._any_masked else (self._image,):
            if item.picture() is not None:
                painter.drawImage(QRectF(0, 0, n_cols, n_rows), item.qimage)
        if self._any_masked:
            painter.resetTransform()
            painter.fillPath(self._hatch_path(rect), HATCH)
            painter.setTransform(cells)
        self._cell_texts.paint(painter, None)  # in screen pixels, sized to fit the cells
        if self._selected_row >= 0:
            pen = QPen(SELECTED_ROW_COLOUR, 4)
            pen.setCosmetic(True)  # 4 screen pixels whatever the cells' size
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(0, self._selected_row, n_cols, 1))
        painter.resetTransform()
        paint_edges(painter, rect, n_rows, n_cols)
        # Names live left of and above the matrix, TEXT_OFFSET px away, the titles beyond
        # them (a glyph may stand out a pixel or two): an area clear of them skips them.
        height = QFontMetricsF(title_font).height()
        if area.left() < rect.left() - TEXT_OFFSET + 2:
            rows.paint(painter, rect, "left")
        if area.top() < rect.top() - TEXT_OFFSET + 2:
            cols.paint(painter, rect, "top")
        if self.y_label and area.left() < MARGIN + height + 2:
            paint_title(
                painter,
                self.y_label,
                title_font,
                QRectF(MARGIN, rect.top(), height, rect.height()),
                upwards=True,
            )
        if self.x_label and area.top() < MARGIN + height + 2:
            paint_title(painter, self.x_label, title_font, QRectF(rect.left(), MARGIN, rect.width(), height))
        if self._bar is not None and area.right() > rect.right():
            band = QRectF(
                rect.right() + BAR_SPACING,
                rect.top(),
                self.width() - MARGIN - rect.right() - BAR_SPACING,
                rect.height(),
            )
            self._bar.paint(painter, band)

    def _hatch_path(self, rect: QRectF) -> QPainterPath:
        """The masked cells in widget pixels, one rectangle per run of them along a row,
        worked out again only when the mask or the matrix's place changes."""
        key = (self._masked.tobytes(), self._masked.shape, rect.x(), rect.y(), rect.width(), rect.height())
        if key != self._hatch_key:
            n_rows, n_cols = self._masked.shape
            w, h = rect.width() / n_cols, rect.height() / n_rows
            path = QPainterPath()
            for r in range(n_rows):
                row = np.flatnonzero(np.diff(np.concatenate(([0], self._masked[r].astype(np.int8), [0]))))
                for start, stop in zip(row[::2], row[1::2], strict=True):
                    path.addRect(QRectF(rect.left() + start * w, rect.top() + r * h, (stop - start) * w, h))
            self._hatch_key, self._hatch = key, path
        return self._hatch

    # --- the mouse -------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            row = self.row_at(event.position())
            self._press = (event.position(), row) if row >= 0 else None
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            super().mouseReleaseEvent(event)
            return
        start, row = self._press
        self._press = None
        # A click, not a drag across the matrix: the row pressed is the query chosen.
        if (event.position() - start).manhattanLength() < QApplication.startDragDistance():
            self.sigRowClicked.emit(row)
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        self._set_hovered(*self.cell_at(event.position()))
        super().mouseMoveEvent(event)

    def _set_hovered(self, row: int, col: int) -> None:
        if (row, col) == self._hovered:
            return
        self._hovered = (row, col)
        self.sigCellHovered.emit(row, col)

    def leaveEvent(self, event) -> None:
        self._set_hovered(-1, -1)
        super().leaveEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:  # a cell names its numbers; elsewhere the hint
            row, col = self.cell_at(QPointF(event.pos()))
            return show_tip(self, event, self.cell_description(row, col) if row >= 0 else self.toolTip())
        return super().event(event)
