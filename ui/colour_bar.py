"""The colour scale beside a painted heatmap: a gradient from its lowest level (bottom)
to its highest (top), with round numbers and a title, drawn straight onto a widget.

It replaces pyqtgraph's ColorBarItem, whose number axis was generated and measured
again on every edit (the top weight moves with almost every edit). Here the numbers
are round values from :func:`ui.painted_axes.nice_ticks`, worked out once per range
and length, and written as laid-out static texts.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage

from ui.painted_axes import (
    TEXT_COLOUR,
    TEXT_OFFSET,
    TICK_LENGTH,
    axis_pen,
    font_of,
    nice_ticks,
    paint_title,
    static_text,
    tick_text,
)
from ui.theme import scaled_points
from ui.token_axis import text_widths

BAR_WIDTH = 18  # pixels, as pyqtgraph's ColorBarItem drew it
TICK_GAP = 1.4  # a number's height apart at least: about as many numbers as pyqtgraph wrote
TITLE_GAP = 4  # pixels between the turned title and the bar
WIDEST_NUMBER = "0.00"  # room kept for numbers, so the heatmap keeps its size as they change


class ColourBar:
    """Colours read back as numbers: what a painted heatmap draws on its right.

    ``points`` is the numbers' and title's size before the presentation scale
    (:func:`ui.theme.scaled_points`, applied whenever laid out).
    """

    def __init__(self, title: str, points: float):
        self.title = title
        self.points = points
        self._levels = (0.0, 1.0)
        self._gradient = QImage(1, 256, QImage.Format.Format_RGB32)
        self._font_for: tuple[int, QFont, float] | None = None  # (scaled size, font, its height)
        # (levels, length, size) -> ticks, each (value, text, laid-out text, width), and the
        # widest: a heatmap asks for the same ones when laying out and painting an edit.
        self._ticks: dict[tuple, tuple[list, float]] = {}
        self._length = 0.0  # the bar's length when last painted (see tick_texts)

    def levels(self) -> tuple[float, float]:
        """The values at the bottom and the top of the bar."""
        return self._levels

    def set_levels(self, low: float, high: float) -> None:
        self._levels = (float(low), float(high))

    def set_colour_map(self, cmap) -> None:
        """Draw the gradient of a pyqtgraph ColorMap, its start at the bottom."""
        table = np.asarray(cmap.getLookupTable(0.0, 1.0, 256, alpha=False), dtype=np.uint32)
        argb = (0xFF << 24) | (table[:, 0] << 16) | (table[:, 1] << 8) | table[:, 2]
        for i, word in enumerate(argb[::-1]):  # row 0 is the top: the end of the map
            self._gradient.setPixel(0, i, int(word))

    def gradient_colour(self, fraction: float) -> QColor:
        """The colour drawn ``fraction`` of the way up the bar (0 bottom, 1 top)."""
        row = round((1.0 - min(max(fraction, 0.0), 1.0)) * 255)
        return self._gradient.pixelColor(0, row)

    def font(self) -> tuple[QFont, float]:
        """The numbers' and title's font at the current presentation scale, and its height."""
        size = scaled_points(self.points)
        if self._font_for is None or self._font_for[0] != size:
            font = font_of(self.points)
            self._font_for = (size, font, QFontMetricsF(font).height())
        return self._font_for[1], self._font_for[2]

    def _marks(self, length: float) -> tuple[list, float]:
        """(ticks, widest text) for a bar ``length`` pixels long; each tick is (value, text,
        its laid-out static text, its width)."""
        font, height = self.font()
        key = (self._levels, round(length, 1), font.pointSize())
        found = self._ticks.get(key)
        if found is None:
            low, high = self._levels
            values = nice_ticks(low, high, length, TICK_GAP * height)
            spacing = values[1] - values[0] if len(values) > 1 else 1.0
            texts = [tick_text(v, spacing) for v in values]
            widths = text_widths(font, [WIDEST_NUMBER, *texts])
            ticks = [
                (v, t, static_text(font, t), w) for v, t, w in zip(values, texts, widths[1:], strict=True)
            ]
            if len(self._ticks) >= 4:
                self._ticks.clear()
            found = self._ticks[key] = (ticks, max(widths))
        return found

    def ticks(self, length: float) -> list[tuple[float, str]]:
        """(value, text) of the numbers written along a bar ``length`` pixels long."""
        return [(v, t) for v, t, _, _ in self._marks(length)[0]]

    def tick_texts(self) -> list[str]:
        """The numbers written along the bar when it was last painted."""
        return [text for _, text in self.ticks(self._length)] if self._length > 0 else []

    def extent(self, length: float) -> int:
        """Pixels the bar, its numbers and its title need across (beside a ``length`` px matrix)."""
        _, height = self.font()
        widest = self._marks(length)[1]
        title = height + TITLE_GAP if self.title else 0
        return round(BAR_WIDTH + TICK_LENGTH + TEXT_OFFSET + widest + title + 0.5)

    def paint(self, painter, rect: QRectF) -> None:
        """Title (turned, as pyqtgraph wrote it) at the left of ``rect``, then the bar as tall
        as ``rect``, then its numbers."""
        font, height = self.font()
        left = rect.left() + (height + TITLE_GAP if self.title else 0)
        if rect.height() <= 0 or rect.right() - left < BAR_WIDTH:
            return
        self._length = rect.height()
        bar = QRectF(left, rect.top(), BAR_WIDTH, rect.height())
        painter.drawImage(bar, self._gradient)
        painter.setPen(axis_pen())
        painter.drawRect(bar.adjusted(-0.5, -0.5, 0.5, 0.5))
        low, high = self._levels
        span = (high - low) or 1.0
        right = bar.right() + 0.5
        ticks = self._marks(rect.height())[0]
        ys = [bar.bottom() - (value - low) / span * bar.height() for value, _, _, _ in ticks]
        painter.drawLines([QLineF(right, y, right + TICK_LENGTH, y) for y in ys])
        painter.setFont(font)
        painter.setPen(TEXT_COLOUR)
        x = right + TICK_LENGTH + TEXT_OFFSET
        for (_, _, static, _), y in zip(ticks, ys, strict=True):
            painter.drawStaticText(QPointF(x, y - height / 2), static)
        if self.title:
            band = QRectF(rect.left(), rect.top(), height, rect.height())
            paint_title(painter, self.title, font, band, upwards=True)
