"""Numbers written in the cells of a heatmap, drawn by one item in one pass.

A pyqtgraph TextItem per cell costs a graphics item each (169 for 13 tokens, 4096 for
64), which made building a heatmap slow, and rewriting them all on every edit slower
still. This item paints every number itself, in screen pixels, in the largest font (up
to a base size) that fits the cells on screen, and writes nothing when even the
smallest does not fit. With ``min_cell`` it follows a simpler rule instead (the signed
heatmaps'): the base size whenever a cell is at least that many pixels, else nothing.

Each distinct number is laid out once per font, as a QStaticText (drawing one is about
eight times cheaper than drawing a string into a rectangle, which lays it out again
on every paint), and placed where ``drawText(rect, AlignCenter)`` would put it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QStaticText, QTransform
from PySide6.QtWidgets import QGraphicsItem

from ui.theme import scaled_points

MIN_POINT_SIZE = 8
MAX_CACHED_TEXTS = 4096  # laid-out numbers kept per font (a 64x64 matrix has 4096 cells)
DARK = QColor(20, 20, 20)
LIGHT = QColor(245, 245, 245)


class CellTexts(QGraphicsItem):
    """Text centred in each unit cell (column c, row r) of a matrix drawn at (0, 0)."""

    def __init__(
        self,
        point_size: int = 11,
        parent=None,
        *,
        min_cell: tuple[float, float] | None = None,
        light: QColor = LIGHT,
    ):
        super().__init__(parent)
        self._texts: list[str] = []
        self._dark: list[bool] = []
        self._key = ("texts", [], [])  # what the texts were made from (see set_cells)
        self._pending = None  # (texts, dark) handed over but not yet made into lists
        self._shape = (0, 0)
        self._font = QFont()
        self._font.setPointSize(point_size)
        self._sample = "0.00"
        self._min_cell = min_cell
        self._light = QColor(light)
        # (font key) -> the font that fits cells of a size, and each text laid out in a font
        self._fitting: dict[tuple, QFont | None] = {}
        self._static: dict[str, tuple[QStaticText, float]] = {}
        self._static_font_key = None
        self.setZValue(5)

    @property
    def texts(self) -> list[str]:
        self._materialise()
        return list(self._texts)

    def set_point_size(self, point_size: int) -> None:
        self._font.setPointSize(point_size)
        self._fitting.clear()
        self.update()

    def set_cells(self, texts, dark, shape: tuple[int, int], sample: str = "0.00", *, key=None) -> None:
        """``texts`` and ``dark`` (dark text on a bright cell) row by row for a ``shape`` matrix.

        With ``key`` (anything comparable that changes whenever the texts or colours do),
        ``texts`` and ``dark`` may be functions returning them: they are then only called
        when the numbers are drawn or read, not when the cells are too small to carry any.
        """
        shape = tuple(shape)
        if key is None:
            texts, dark = list(texts), [bool(d) for d in dark]
            key = ("texts", texts, dark)
        if (key, shape, sample) == (self._key, self._shape, self._sample):
            return  # nothing to repaint
        if shape != self._shape:
            self.prepareGeometryChange()
        self._key = key
        self._pending = (texts, dark)
        self._shape = shape
        self._sample = sample
        self.update()

    def _materialise(self) -> None:
        if self._pending is None:
            return
        texts, dark = self._pending
        self._pending = None
        self._texts = list(texts() if callable(texts) else texts)
        self._dark = [bool(d) for d in (dark() if callable(dark) else dark)]

    def clear(self) -> None:
        self.set_cells([], [], (0, 0))

    def fitting_font(self, cell_width: float, cell_height: float) -> QFont | None:
        """The largest font up to the base size whose sample number fits a cell, or None."""
        # Asked on every paint; measuring four font sizes each time cost more than the drawing.
        key = (cell_width, cell_height, self._sample, self._font.pointSize(), scaled_points(100))
        if key not in self._fitting:
            if len(self._fitting) > 64:  # cell sizes seen while a dock is dragged wider
                self._fitting.clear()
            self._fitting[key] = self._measure_fitting_font(cell_width, cell_height)
        font = self._fitting[key]
        return None if font is None else QFont(font)

    def _measure_fitting_font(self, cell_width: float, cell_height: float) -> QFont | None:
        font = QFont(self._font)
        if self._min_cell is not None:
            if cell_width < self._min_cell[0] or cell_height < self._min_cell[1]:
                return None
            font.setPointSize(scaled_points(self._font.pointSize()))
            return font
        # Both ends grow with the presentation font scale: a number is either readable
        # from the back row or not written at all.
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
        if not n_rows or not n_cols:
            return
        transform = painter.transform()
        cell = transform.mapRect(QRectF(0, 0, 1, 1))
        font = self.fitting_font(abs(cell.width()), abs(cell.height()))
        if font is None:
            return
        self._materialise()
        if not self._texts:
            return
        height = QFontMetricsF(font).height()
        statics = self._statics_for(font)
        columns, rows = self._cell_edges(transform, n_rows, n_cols)
        painter.save()
        painter.resetTransform()  # draw in screen pixels so the text keeps its size
        painter.setFont(font)
        # Light numbers, then dark ones: one pen change per paint, not one per run of cells.
        # Each number stays inside its own cell (clipped there when it is too wide), so the
        # order they are drawn in changes no pixel.
        placed: tuple[list, list] = ([], [])
        texts, darks = self._texts, self._dark
        if columns is None:
            cells = (transform.mapRect(QRectF(c, r, 1, 1)) for r in range(n_rows) for c in range(n_cols))
            edges = ((q.x(), q.y(), q.width(), q.height()) for q in cells)
        else:
            edges = ((x, y, w, h) for y, h in rows for x, w in columns)
        for text, dark, (x, y, w, h) in zip(texts, darks, edges, strict=False):
            static, width = statics.get(text) or self._lay_out(statics, text, font)
            # Where drawText(QRectF(x, y, w, h), AlignCenter) puts it, clipped to the cell as
            # drawText clips (only a number wider or taller than its cell needs the clip).
            at = QPointF(x + (w - width) / 2, y + (h - height) / 2)
            placed[dark].append((at, static, QRectF(x, y, w, h) if width > w or height > h else None))
        draw = painter.drawStaticText
        for pen, cells_placed in zip((self._light, DARK), placed, strict=True):
            if not cells_placed:
                continue
            painter.setPen(pen)
            for at, static, clip in cells_placed:
                if clip is None:
                    draw(at, static)
                else:
                    painter.save()
                    painter.setClipRect(clip, Qt.ClipOperation.IntersectClip)
                    draw(at, static)
                    painter.restore()
        painter.restore()

    @staticmethod
    def _cell_edges(transform: QTransform, n_rows: int, n_cols: int):
        """Per column (x, width) and per row (y, height) of the cells on screen.

        The same numbers as ``transform.mapRect(QRectF(c, r, 1, 1))``, computed once per
        column and row rather than once per cell.
        """
        if transform.type().value > QTransform.TransformationType.TxScale.value:
            return None, None  # rotated or sheared: each cell mapped on its own
        columns = [(q.x(), q.width()) for q in (transform.mapRect(QRectF(c, 0, 1, 1)) for c in range(n_cols))]
        rows = [(q.y(), q.height()) for q in (transform.mapRect(QRectF(0, r, 1, 1)) for r in range(n_rows))]
        return columns, rows

    def _statics_for(self, font: QFont) -> dict[str, tuple[QStaticText, float]]:
        """The texts laid out in ``font`` so far (a new font, or too many texts, starts afresh)."""
        key = font.key()
        if key != self._static_font_key or len(self._static) > MAX_CACHED_TEXTS:
            self._static, self._static_font_key = {}, key
        return self._static

    @staticmethod
    def _lay_out(statics: dict, text: str, font: QFont) -> tuple[QStaticText, float]:
        """``text`` as a QStaticText in ``font`` and its advance width, kept in ``statics``."""
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(QTransform(), font)
        entry = (static, QFontMetricsF(font).horizontalAdvance(text))
        statics[text] = entry
        return entry
