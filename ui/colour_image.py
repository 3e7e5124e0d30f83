"""An ImageItem rendering matrices to 32-bit ARGB pictures, for views painted without a
scene, and the colour maps the heatmaps offer.

Lives beside :mod:`ui.heatmap` (which re-exports both) so the heatmap widget keeps under
the size where a file wants splitting.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.functions as fn
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QImage

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


class ColourImage(pg.ImageItem):
    """An ImageItem that renders to a 32-bit ARGB picture, which Qt scales fast.

    pyqtgraph renders a one-channel image through a colour map as an 8-bit indexed
    QImage, whose 256-entry colour table it rebuilds with one Python call per entry on
    every render, and which QPainter converts again on every paint: 1.8 ms to paint a
    500x470 heatmap, against 0.3 ms for the same picture in ARGB32. The colours are
    pyqtgraph's own (the same rule from levels to table index, the same table) and so
    are the colours. An opaque colour table gives a premultiplied ARGB32 picture (the
    same words), which QPainter scales fastest; its cell edges may fall a pixel away
    from where pyqtgraph's indexed picture put them.
    Anything else (NaNs, several channels) is rendered by pyqtgraph and converted once.
    """

    def picture(self) -> QImage | None:
        """The rendered picture, rendered again first if ``setImage`` changed the data; None if empty."""
        if self.qimage is None or self._renderRequired:
            self.render()
        return self.qimage

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
        table, opaque = self._argb_table(lut)
        pixels = table.take(scaled.astype(np.intp))
        # Every colour opaque: the same words are also premultiplied ARGB, which QPainter
        # scales without converting each pixel first (2.6x faster on a 16 x 16 heatmap
        # drawn at 600 x 1000, and the centre heatmap is drawn that big on every edit).
        fmt = QImage.Format.Format_ARGB32_Premultiplied if opaque else QImage.Format.Format_ARGB32
        self.qimage = fn.ndarray_to_qimage(pixels, fmt)
        self._processingBuffer = self._displayBuffer = None
        self._renderRequired = False
        self._unrenderable = False

    # (colour table's shape and bytes, its ARGB32 words, whether every colour is opaque)
    _argb_for: tuple[tuple, np.ndarray, bool] | None = None

    def _argb_table(self, lut: np.ndarray) -> tuple[np.ndarray, bool]:
        """The colour table as 32-bit ARGB words and whether all are opaque, worked out once per table."""
        key = (lut.shape, lut.tobytes())  # a kilobyte: cheaper to compare than np.array_equal
        found = self._argb_for
        if found is not None and found[0] == key:
            return found[1], found[2]
        lut32 = lut.astype(np.uint32)
        alpha = lut32[:, 3] if lut.shape[1] == 4 else np.uint32(255)
        argb = (alpha << 24) | (lut32[:, 0] << 16) | (lut32[:, 1] << 8) | lut32[:, 2]
        opaque = bool(np.all(alpha == 255))
        self._argb_for = (key, argb, opaque)
        return argb, opaque
