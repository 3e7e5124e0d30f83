"""Signed matrices side by side in one row, painted straight onto a widget (the Outputs view).

:class:`MatrixPlot` holds one titled matrix (values, row and column names, colours);
:class:`MatrixRow` paints several of them in a row with their rows lined up, the way
data flows from one to the next, with operators ("→", "×", "=") between. Same
colours as :class:`ui.signed_heatmap.SignedHeatmap`: blue negative, white 0, red
positive, on a scale symmetric around 0.

These were pyqtgraph plots in a graphics layout: a scene that made the window paint
once more on every edit, and axes that measured their names again whenever the
tokens changed, even while the view was scrolled out of sight.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QTransform
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.heatmap import ColourImage, short_label
from ui.painted_axes import (
    MARGIN,
    TEXT_OFFSET,
    TICK_LENGTH,
    NameLayout,
    PlotSized,
    font_of,
    name_layout,
    paint_edges,
    paint_title,
)
from ui.signed_heatmap import DIVERGING
from ui.theme import scaled_points

NAME_POINTS = 11
TITLE_POINTS = 11
OPERATOR_POINTS = 18
TITLE_COLOUR = QColor(0x22, 0x22, 0x22)
OPERATOR_COLOUR = QColor(40, 40, 40)
MARK_COLOUR = QColor(20, 20, 20)
SPACING = 8  # between neighbouring items of the row


class MatrixPlot:
    """One titled matrix with named rows (left, if ``show_rows``) and columns (top)."""

    def __init__(self, title: str = ""):
        self.name = title  # what the hover readout calls it
        self.title = title  # what is written above it
        self.show_rows = True
        self.stretch = 1  # its share of the row's width
        self.image = ColourImage(axisOrder="row-major")
        self.image.setColorMap(DIVERGING)
        self.values = np.zeros((0, 0))
        self.rows: list[str] = []
        self.columns: list[str] = []
        self.limit = 1.0
        self.marks: list[float] = []  # column boundaries drawn as thick lines

    def set_matrix(self, values, rows, columns, *, limit: float | None = None) -> bool:
        """Show ``values``; colours run from -limit to +limit (default: the largest |value|).

        Returns whether anything changed (and so needs painting).
        """
        values = np.asarray(values, dtype=float)
        rows, columns = [str(r) for r in rows], [str(c) for c in columns]
        peak = float(np.abs(values).max()) if values.size else 0.0
        limit = limit if limit is not None else max(peak, 1e-9)
        if (
            limit == self.limit
            and (rows, columns) == (self.rows, self.columns)
            and np.array_equal(values, self.values)
        ):
            return False
        self.values, self.rows, self.columns, self.limit = values, rows, columns, limit
        self.image.setImage(values, autoLevels=False, levels=(-self.limit, self.limit))
        return True

    def mark_columns(self, positions) -> None:
        """Draw thick vertical lines at these column boundaries (e.g. between heads)."""
        self.marks = [float(x) for x in positions]

    def describe(self, row: int, col: int) -> str:
        value = self.values[row, col]
        return QCoreApplication.translate(
            "MatrixPlot", "{matrix}: row '{row}', column '{column}' = {value}"
        ).format(matrix=self.name, row=self.rows[row], column=self.columns[col], value=f"{value:.2f}")


class MatrixRow(PlotSized, QWidget):
    """Paints :class:`MatrixPlot` s and operators left to right, every matrix as tall as the others.

    Signals
    -------
    sigHovered(int, int, int)
        (index of the plot in :attr:`plots`, row, column) of the cell under the mouse,
        or (-1, -1, -1) off every matrix.
    """

    sigHovered = Signal(int, int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel itself
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.items: list[MatrixPlot | str] = []  # plots, and operators as text
        self._hovered = (-1, -1, -1)
        self._key = None
        self._geometry = None

    @property
    def plots(self) -> list[MatrixPlot]:
        return [item for item in self.items if isinstance(item, MatrixPlot)]

    def set_items(self, items) -> None:
        self.items = list(items)
        self._key = None
        self.update()

    def changed(self) -> None:
        """Something the plots show changed: paint again (laid out again if names, titles,
        widths or the font changed: the layout's key follows them)."""
        self.update()

    # --- geometry ------------------------------------------------------------------------

    def _layout(self) -> list[tuple]:
        """(item, rectangle, row names, column names) per item; operators get (text, rect, None, None)."""
        plots = self.plots
        key = (
            self.width(),
            self.height(),
            scaled_points(100),
            tuple((p.title, p.show_rows, p.stretch, tuple(p.rows), tuple(p.columns)) for p in plots),
            tuple(i for i in self.items if isinstance(i, str)),
        )
        if key == self._key:
            return self._geometry
        title_h = QFontMetricsF(font_of(TITLE_POINTS)).height() if any(p.title for p in plots) else 0.0
        operator_font = font_of(OPERATOR_POINTS)
        operator_w = {
            t: QFontMetricsF(operator_font).horizontalAdvance(t) for t in self.items if isinstance(t, str)
        }
        width, height = float(self.width()), float(self.height())
        guess_h = max(height - 2 * MARGIN - title_h - 40, 1.0)
        rows = {
            id(p): name_layout([short_label(r) for r in p.rows], guess_h, NAME_POINTS, horizontal=False)
            for p in plots
        }
        left = {
            id(p): (rows[id(p)].extent + TEXT_OFFSET + TICK_LENGTH) if p.show_rows and p.rows else 0.0
            for p in plots
        }
        fixed = sum(operator_w.values()) + sum(left.values()) + SPACING * max(len(self.items) - 1, 0)
        free = max(width - 2 * MARGIN - fixed, 0.0)
        total_stretch = sum(max(p.stretch, 0) for p in plots) or 1
        widths = {id(p): free * max(p.stretch, 0) / total_stretch for p in plots}
        columns = {
            id(p): name_layout(
                [short_label(c) for c in p.columns], max(widths[id(p)], 1.0), NAME_POINTS, horizontal=True
            )
            for p in plots
        }
        # Every matrix starts as low as the deepest column names need, so rows line up.
        names_h = max((c.extent for c in columns.values()), default=0) + TEXT_OFFSET + TICK_LENGTH
        top = MARGIN + title_h + names_h
        matrix_h = height - MARGIN - top
        x = MARGIN
        out = []
        for item in self.items:
            if isinstance(item, str):
                out.append((item, QRectF(x, top, operator_w[item], matrix_h), None, None))
                x += operator_w[item] + SPACING
                continue
            x += left[id(item)]
            rect = QRectF(x, top, widths[id(item)], matrix_h)
            names = (
                name_layout(
                    [short_label(r) for r in item.rows], max(matrix_h, 1.0), NAME_POINTS, horizontal=False
                )
                if item.show_rows
                else None
            )
            out.append((item, rect, names, columns[id(item)]))
            x += widths[id(item)] + SPACING
        self._key, self._geometry = key, out
        return out

    @staticmethod
    def _title_bands(layout, font) -> dict[int, tuple[float, float, float]]:
        """Per plot (by id): the x range its title may use and the title's centre.

        A title is centred over its plot (names included). Where two neighbours' titles
        would overlap, the room between their centres is shared in proportion to their
        widths; otherwise each may reach halfway across the gap between them.
        """
        metrics = QFontMetricsF(font)
        titles = []
        for item, rect, rows, _ in layout:
            if not isinstance(item, str):
                names = rows.extent + TEXT_OFFSET + TICK_LENGTH if isinstance(rows, NameLayout) else 0
                width = metrics.horizontalAdvance(item.title) + 2 if item.title else 0.0
                titles.append((item, (rect.left() - names + rect.right()) / 2, width))
        bounds = []
        for (_, c_a, w_a), (_, c_b, w_b) in zip(titles, titles[1:], strict=False):
            if c_a + w_a / 2 <= c_b - w_b / 2:  # no overlap: meet halfway across the gap
                bounds.append(((c_a + w_a / 2) + (c_b - w_b / 2)) / 2)
            else:
                bounds.append(c_a + (c_b - c_a) * w_a / max(w_a + w_b, 1e-9))
        edges = [float("-inf"), *bounds, float("inf")]
        return {id(item): (edges[k], edges[k + 1], centre) for k, (item, centre, _) in enumerate(titles)}

    def matrix_rect(self, plot: MatrixPlot) -> QRectF:
        """Where ``plot``'s matrix is painted, in the widget's pixels (empty if it is not shown)."""
        for item, rect, _, _ in self._layout():
            if item is plot:
                return QRectF(rect)
        return QRectF()

    def cell_at(self, pos) -> tuple[int, int, int]:
        """(plot index, row, column) of the cell at a widget point, or (-1, -1, -1)."""
        plots = self.plots
        for item, rect, _, _ in self._layout():
            if isinstance(item, str) or not rect.contains(pos) or not item.values.size:
                continue
            n_rows, n_cols = item.values.shape
            r = min(int((pos.y() - rect.top()) * n_rows / rect.height()), n_rows - 1)
            c = min(int((pos.x() - rect.left()) * n_cols / rect.width()), n_cols - 1)
            return plots.index(item), r, c
        return -1, -1, -1

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(event.rect(), Qt.GlobalColor.white)  # plots are white in every theme
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            title_font = font_of(TITLE_POINTS)
            title_font.setBold(True)
            title_h = QFontMetricsF(title_font).height()
            shown = QRectF(event.rect())
            layout = self._layout()
            bands = self._title_bands(layout, title_font)
            for item, rect, rows, columns in layout:
                if rect.width() < 1 or rect.height() < 1:
                    continue
                if isinstance(item, str):
                    painter.setFont(font_of(OPERATOR_POINTS))
                    painter.setPen(OPERATOR_COLOUR)
                    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), item)
                    continue
                # Only what is being painted (a dock often shows a corner of the row): a
                # matrix with its names and title.
                left, right, centre = bands[id(item)]
                left, right = max(left, 0.0), min(right, float(self.width()))
                names = rows.extent + TEXT_OFFSET + TICK_LENGTH if isinstance(rows, NameLayout) else 0
                reach = QRectF(
                    QPointF(min(left, rect.left() - names), 0),
                    QPointF(max(right, rect.right()), self.height()),
                )
                if not shown.intersects(reach):
                    continue
                self._paint_plot(painter, item, rect, rows, columns)
                if item.title and right > left:  # centred, kept in its room, cut short if need be
                    width = min(QFontMetricsF(title_font).horizontalAdvance(item.title) + 2, right - left)
                    x = min(max(centre - width / 2, left), right - width)
                    band = QRectF(x, MARGIN, width, title_h)
                    paint_title(painter, item.title, title_font, band, colour=TITLE_COLOUR)
        finally:
            painter.end()

    @staticmethod
    def _paint_plot(painter, plot: MatrixPlot, rect: QRectF, rows, columns) -> None:
        if not plot.values.size:
            return
        n_rows, n_cols = plot.values.shape
        cells = QTransform(rect.width() / n_cols, 0, 0, rect.height() / n_rows, rect.left(), rect.top())
        if plot.image.picture() is not None:
            painter.setTransform(cells)
            painter.drawImage(QRectF(0, 0, n_cols, n_rows), plot.image.qimage)
            if plot.marks:
                pen = QPen(MARK_COLOUR, 3)
                pen.setCosmetic(True)
                painter.setPen(pen)
                for x in plot.marks:
                    painter.drawLine(QPointF(x, 0.0), QPointF(x, float(n_rows)))
            painter.resetTransform()
        paint_edges(painter, rect, n_rows if rows is not None else 0, n_cols)
        if rows is not None:
            rows.paint(painter, rect, "left")
        columns.paint(painter, rect, "top")

    # --- the mouse -------------------------------------------------------------------------

    def mouseMoveEvent(self, event) -> None:
        hit = self.cell_at(event.position())
        if hit != self._hovered:
            self._hovered = hit
            self.sigHovered.emit(*hit)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        if self._hovered != (-1, -1, -1):
            self._hovered = (-1, -1, -1)
            self.sigHovered.emit(-1, -1, -1)
        super().leaveEvent(event)
