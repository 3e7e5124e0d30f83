"""A labelled heatmap of one attention matrix: rows are queries, columns are keys.

Generic over what it shows (weights of any head, of any layer later): it is given a
matrix, labels and optionally the scores and logits behind it, and never computes
attention itself.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.functions as fn
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem

from ui.cell_texts import CellTexts
from ui.token_axis import TokenAxis, quicken_number_axis

MAX_LABEL_CHARS = 12
# Past this many tokens a number per cell no longer fits; the colour still reads.
MAX_ANNOTATED = 24
MASKED_RGBA = (150, 150, 150, 255)
SELECTED_ROW_COLOUR = QColor(255, 64, 0)
HINT = QT_TRANSLATE_NOOP(
    "heatmap",
    "Rows are query tokens (who is looking), columns are key tokens (who is looked at). "
    "Brighter means more attention. Grey hatched cells are masked. Click a row to follow "
    "that token in every view.",
)

# Colour maps offered to the user, all running from dark (0) to bright (most). Viridis
# and Cividis are designed to read the same for people with colour-vision deficiencies.
# Their names are marked for translation (context "heatmap") and translated where shown.
COLOUR_MAPS = {
    "viridis": QT_TRANSLATE_NOOP("heatmap", "Viridis"),
    "cividis": QT_TRANSLATE_NOOP("heatmap", "Cividis"),
    "magma": QT_TRANSLATE_NOOP("heatmap", "Magma"),
    "inferno": QT_TRANSLATE_NOOP("heatmap", "Inferno"),
    "grey": QT_TRANSLATE_NOOP("heatmap", "Grey"),
}
COLOUR_BLIND_SAFE = ("viridis", "cividis", "grey")


def colour_map(name: str) -> pg.ColorMap:
    """The pyqtgraph colour map for one of :data:`COLOUR_MAPS`' keys."""
    if name == "grey":
        return pg.ColorMap([0.0, 1.0], [(0, 0, 0), (255, 255, 255)], name="grey")
    if name not in COLOUR_MAPS:
        raise ValueError(f"Unknown colour map {name!r}; choose one of {', '.join(COLOUR_MAPS)}.")
    return pg.colormap.get(name)


def short_label(token: str) -> str:
    """Token text fit for an axis: long tokens are cut with an ellipsis."""
    return token if len(token) <= MAX_LABEL_CHARS else token[: MAX_LABEL_CHARS - 1] + "\u2026"


def axis_ticks(tokens) -> list[list[tuple[float, str]]]:
    """Ticks at cell centres; the position number keeps repeated tokens apart."""
    return [[(i + 0.5, short_label(t)) for i, t in enumerate(tokens)]]


class ColourImage(pg.ImageItem):
    """An ImageItem that renders to a 32-bit ARGB picture, which Qt scales fast.

    pyqtgraph renders a one-channel image through a colour map as an 8-bit indexed
    QImage, whose 256-entry colour table it rebuilds with one Python call per entry on
    every render, and which QPainter converts again on every paint: 1.8 ms to paint a
    500x470 heatmap, against 0.3 ms for the same picture in ARGB32. The colours are
    pyqtgraph's own (the same rule from levels to table index, the same table) and so
    are the pixels: ARGB32 is scaled by the same code as the indexed picture (the
    premultiplied format, faster still, rounds cell edges differently by a pixel).
    Anything else (NaNs, several channels) is rendered by pyqtgraph and converted once.
    """

    def render(self):
        image, lut, levels = self.image, self.lut, self.levels
        if not (
            isinstance(image, np.ndarray)
            and image.ndim == 2
            and image.size
            and image.dtype.kind == "f"
            and isinstance(lut, np.ndarray)
            and lut.dtype == np.uint8
            and lut.ndim == 2
            and lut.shape[1] in (3, 4)
            and levels is not None
            and np.ndim(levels) == 1
            and self.axisOrder == "row-major"
            and not self.autoDownsample
            and not np.isnan(image).any()
        ):
            super().render()
            if self.qimage is not None and self.qimage.format() == QImage.Format.Format_Indexed8:
                self.qimage = self.qimage.convertToFormat(QImage.Format.Format_ARGB32)
            return
        # As pyqtgraph's _rescale_and_lookup_float: index = (value - low) * n / (high - low),
        # in float32 for float32 data, clipped to the table and truncated. Each step is a
        # plain ufunc call into one buffer: at 16 x 16 (every head, every edit) NumPy's
        # per-call overhead was most of the cost.
        low, high = float(levels[0]), float(levels[1])
        span = (high - low) or 1.0
        n_colours = lut.shape[0]
        scaled = image.astype(np.float32 if np.can_cast(image.dtype, np.float32) else np.float64)
        scaled -= low
        scaled *= float(n_colours / span)
        np.maximum(scaled, 0, out=scaled)  # np.clip(scaled, 0, n - 1): no NaN gets here
        np.minimum(scaled, n_colours - 1, out=scaled)
        pixels = self._argb_table(lut).take(scaled.astype(np.intp))
        self.qimage = fn.ndarray_to_qimage(pixels, QImage.Format.Format_ARGB32)
        self._processingBuffer = self._displayBuffer = None
        self._renderRequired = False
        self._unrenderable = False

    _argb_for: tuple[tuple, np.ndarray] | None = None  # (colour table's shape and bytes, its ARGB32 words)

    def _argb_table(self, lut: np.ndarray) -> np.ndarray:
        """The colour table as 32-bit ARGB words, worked out once per table."""
        key = (lut.shape, lut.tobytes())  # a kilobyte: cheaper to compare than np.array_equal
        found = self._argb_for
        if found is not None and found[0] == key:
            return found[1]
        lut32 = lut.astype(np.uint32)
        alpha = lut32[:, 3] if lut.shape[1] == 4 else np.uint32(255)
        argb = (alpha << 24) | (lut32[:, 0] << 16) | (lut32[:, 1] << 8) | lut32[:, 2]
        self._argb_for = (key, argb)
        return argb


class AttentionHeatmap(pg.GraphicsLayoutWidget):
    """Attention weights as coloured cells with the tokens as axis labels.

    Queries run down the left (row i: how token i spreads its attention), keys run
    across the top (column j: how much attention token j receives). Masked cells are
    drawn grey and hatched, never as a weight of 0. A colour bar on the right reads
    colours back as weights; hovering a cell names its tokens, score, logit and weight.

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
        self.setBackground("w")
        self._plot = self.addPlot(
            row=0,
            col=0,
            axisItems={"top": TokenAxis("top", font_size), "left": TokenAxis("left", font_size)},
            enableMenu=False,  # pyqtgraph's context menu, built only to be switched off, cost ~25 ms
        )
        self._plot.setMenuEnabled(False)
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.hideButtons()
        self._plot.invertY(True)  # query 0 at the top, reading order
        self._plot.showAxis("top")
        self._plot.hideAxis("bottom")
        self._plot.getAxis("top").setLabel(self.tr("Key (looked at)"))
        self._plot.getAxis("left").setLabel(self.tr("Query (looking)"))
        self._plot.setToolTip(QCoreApplication.translate("heatmap", HINT))
        self._image = ColourImage(axisOrder="row-major")
        self._mask_image = ColourImage(axisOrder="row-major")
        self._hatch = QGraphicsPathItem()
        self._hatch.setPen(QPen(Qt.PenStyle.NoPen))
        self._hatch.setBrush(QBrush(QColor(70, 70, 70), Qt.BrushStyle.BDiagPattern))
        self._row_outline = QGraphicsRectItem()
        pen = QPen(SELECTED_ROW_COLOUR, 4)
        pen.setCosmetic(True)  # 4 screen pixels whatever the zoom
        self._row_outline.setPen(pen)
        self._row_outline.setZValue(20)
        self._row_outline.setVisible(False)
        self._cell_texts = CellTexts(max(8, font_size - 2))
        for item in (self._image, self._mask_image, self._hatch, self._cell_texts, self._row_outline):
            self._plot.addItem(item)
        self._bar = None
        if colour_bar:
            self._bar = pg.ColorBarItem(
                values=(0.0, 1.0), width=18, label=self.tr("weight"), interactive=False, colorMapMenu=False
            )
            self._bar.setImageItem(self._image)
            # The bar's number axis has no label of its own, so SI prefixes never apply; left
            # on, each new top weight rewrote the (hidden) label's HTML.
            self._bar.axis.enableAutoSIPrefix(False)
            quicken_number_axis(self._bar.axis)  # redrawn on every edit: a new top weight
            self.addItem(self._bar, row=0, col=1)
        self._values = np.zeros((0, 0))
        self._masked = np.zeros((0, 0), dtype=bool)
        self._scores: np.ndarray | None = None
        self._logits: np.ndarray | None = None
        self._rows: tuple[str, ...] = ()
        self._cols: tuple[str, ...] = ()
        self._top = 1.0
        self._selected_row = -1
        self._hovered = (-1, -1)
        self._colormap_name = ""
        self.set_colormap(colormap)
        self.scene().sigMouseClicked.connect(self._on_click)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._apply_font_size(font_size)
        # The axis titles ("Key (looked at)", the turned "Query (looking)") are rich-text
        # items laid out again each time the heatmap beside them repaints, which is every
        # edit: kept as pictures of themselves instead (the same pixels), redrawn only when
        # their text or font changes. Not the colour bar's "weight": it sits between pixels,
        # and a picture of it would be drawn a fraction of a pixel away.
        for axis in (self._plot.getAxis("left"), self._plot.getAxis("top")):
            axis.label.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

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
    def colour_bar(self):
        return self._bar

    def row_labels(self) -> tuple[str, ...]:
        return self._rows

    def column_labels(self) -> tuple[str, ...]:
        return self._cols

    def cell_texts(self) -> list[str]:
        """The numbers written in the cells (when the matrix is small enough to carry them)."""
        return self._cell_texts.texts

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
        n_rows, n_cols = values.shape
        same_shape = values.shape == self._values.shape
        masked = np.zeros(values.shape, bool) if masked is None else np.asarray(masked, bool)
        same_mask = same_shape and np.array_equal(masked, self._masked)
        rows, cols = tuple(rows), tuple(cols)
        # The colour scale runs from 0 to the largest weight shown: weights of a dozen
        # tokens rarely pass 0.5, and a fixed 0..1 scale would paint them all dark.
        if top is None:
            top = float(np.nanmax(values)) if values.size else 1.0
        top = max(top, 0.05)
        self._scores = None if scores is None else np.asarray(scores, dtype=float)
        self._logits = None if logits is None else np.asarray(logits, dtype=float)
        self._hovered = (-1, -1)
        if (
            same_mask
            and top == self._top
            and (rows, cols) == (self._rows, self._cols)
            and np.array_equal(values, self._values)
        ):
            return  # what is on screen already (another head changed): nothing to repaint
        self._values = values
        self._masked = masked
        self._rows, self._cols = rows, cols
        self._top = top
        self._image.setImage(values, autoLevels=False, levels=(0.0, self._top))
        if self._bar is not None:
            self._bar.setLevels((0.0, self._top))
        if not same_mask:  # the mask changes with the causal switch and the sizes only
            rect = QRectF(0, 0, n_cols, n_rows)
            self._image.setRect(rect)
            # Without masked cells the grey layer would blend a transparent picture over
            # the whole heatmap on every paint: it is hidden instead.
            any_masked = bool(self._masked.any())
            self._mask_image.setVisible(any_masked)
            self._hatch.setVisible(any_masked)
            overlay = np.zeros((n_rows, n_cols, 4), dtype=np.ubyte)
            overlay[self._masked] = MASKED_RGBA
            self._mask_image.setImage(overlay, levels=(0, 255))
            self._mask_image.setRect(rect)
            path = QPainterPath()
            for r, c in zip(*np.nonzero(self._masked), strict=True):
                path.addRect(QRectF(float(c), float(r), 1.0, 1.0))
            self._hatch.setPath(path)
            self._plot.setRange(xRange=(0, n_cols), yRange=(0, n_rows), padding=0)
        self._plot.getAxis("left").set_labels([short_label(t) for t in self._rows])
        self._plot.getAxis("top").set_labels([short_label(t) for t in self._cols])
        self._annotate()
        self.set_selected_row(self._selected_row if self._selected_row < n_rows else -1)

    def set_colormap(self, name: str) -> None:
        """Recolour with one of :data:`COLOUR_MAPS` (the numbers stay the same)."""
        cmap = colour_map(name)
        self._colormap_name = name
        self._cmap = cmap
        if self._bar is not None:
            self._bar.setColorMap(cmap)
        else:
            self._image.setColorMap(cmap)
        if self._values.size:
            self._annotate()

    def set_selected_row(self, row: int) -> None:
        """Outline query row ``row`` (-1: none)."""
        self._selected_row = row
        visible = 0 <= row < self._values.shape[0]
        self._row_outline.setVisible(visible)
        if visible:
            self._row_outline.setRect(QRectF(0, row, self._values.shape[1], 1))

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

    def _apply_font_size(self, point_size: int) -> None:
        font = QFont()
        font.setPointSize(point_size)
        self._cell_texts.set_point_size(max(8, point_size - 2))
        axes = [self._plot.getAxis("left"), self._plot.getAxis("top")]
        if self._bar is not None:
            axes += [self._bar.axis, self._bar.getAxis("left")]
        for axis in axes:
            axis.setStyle(tickFont=font, tickTextOffset=6)
            axis.label.setFont(font)
            if isinstance(axis, TokenAxis):
                axis.set_point_size(point_size)
            axis.setTextPen(pg.mkPen(30, 30, 30))
            axis.setPen(pg.mkPen(90, 90, 90))

    # --- mouse -----------------------------------------------------------------------

    def _cell_at(self, scene_pos) -> tuple[int, int]:
        point = self._plot.vb.mapSceneToView(scene_pos)
        r, c = int(np.floor(point.y())), int(np.floor(point.x()))
        if 0 <= r < self._values.shape[0] and 0 <= c < self._values.shape[1]:
            return r, c
        return -1, -1

    def _on_click(self, event) -> None:
        row, _ = self._cell_at(event.scenePos())
        if row >= 0:
            self.sigRowClicked.emit(row)
            event.accept()

    def _on_mouse_moved(self, scene_pos) -> None:
        self._set_hovered(*self._cell_at(scene_pos))

    def _set_hovered(self, row: int, col: int) -> None:
        if (row, col) == self._hovered:
            return
        self._hovered = (row, col)
        self._image.setToolTip(self.cell_description(row, col) if row >= 0 else "")
        self.sigCellHovered.emit(row, col)

    def leaveEvent(self, event) -> None:
        self._set_hovered(-1, -1)
        super().leaveEvent(event)
