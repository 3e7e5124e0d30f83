"""An axis of names (tokens, features) at cell centres that stays readable when crowded.

pyqtgraph draws every tick label in one font, horizontally, and lets crowded labels
run into each other ("depositmoneynear"). This axis keeps them apart:

- across the top or bottom, labels are horizontal while they fit and turn to read
  upwards when they do not;
- down the side, and for turned labels, the font shrinks to fit the cells, and below
  the smallest readable size only every second (third, ...) label is written.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from pyqtgraph import Point
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen

from ui.theme import scaled_points

MIN_POINT_SIZE = 8
GAP = 4  # pixels kept free between neighbouring labels


_widths: dict[tuple[str, str], float] = {}


def text_width(font: QFont, text: str) -> float:
    """``QFontMetricsF(font).horizontalAdvance(text)``, measured once per font and text.

    An axis of names measures every name at each size it tries whenever one name changes.
    """
    return text_widths(font, (text,))[0]


def text_widths(font: QFont, texts) -> list[float]:
    """:func:`text_width` of each text; the font's key (a few microseconds) is made once."""
    font_key = font.key()
    metrics = None
    out = []
    for text in texts:
        key = (font_key, text)
        width = _widths.get(key)
        if width is None:
            if len(_widths) > 8192:
                _widths.clear()
            if metrics is None:
                metrics = QFontMetricsF(font)
            width = _widths[key] = metrics.horizontalAdvance(text)
        out.append(width)
    return out


class _MeasuringPainter:
    """The painter an axis measures its tick labels with, answering each measurement once.

    pyqtgraph measures every tick label with ``QPainter.boundingRect`` whenever the axis
    is redrawn; a colour bar is redrawn on every edit with mostly the same labels.
    """

    def __init__(self, painter, cache: dict):
        self._painter = painter
        self._cache = cache
        self._font = painter.font().key()

    def setFont(self, font) -> None:
        self._painter.setFont(font)
        self._font = font.key()

    def boundingRect(self, rect, flags, text):
        key = (self._font, rect.x(), rect.y(), rect.width(), rect.height(), int(flags), text)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 512:
                self._cache.clear()
            found = self._cache[key] = self._painter.boundingRect(rect, flags, text)
        return QRectF(found)  # a copy: the axis changes the rectangle it gets

    def __getattr__(self, name):
        return getattr(self._painter, name)


class QuickNumbers:
    """Faster redraws of a number axis whose range moves a little at a time (a colour bar).

    The same ticks and labels as pyqtgraph's: tick values are looked up by the plan that
    determines them (each level's spacing, first tick and count), which stays the same
    while the range moves within one tick, and labels are measured once each.
    """

    def __init__(self, axis: pg.AxisItem):
        self._axis = axis
        self._ticks: dict = {}
        self._measured: dict = {}
        # pyqtgraph's own, also for a TokenAxis (whose overrides call these)
        self._tick_values = pg.AxisItem.tickValues
        self._draw_specs = pg.AxisItem.generateDrawSpecs

    def tick_values(self, min_val: float, max_val: float, size: float):
        axis = self._axis
        if axis.logMode:
            return self._tick_values(axis, min_val, max_val, size)
        low, high = sorted((min_val, max_val))
        low, high = low * axis.scale, high * axis.scale
        plan = []
        for spacing, offset in axis.tickSpacing(low, high, size):  # as AxisItem.tickValues
            start = (math.ceil((low - offset) / spacing) * spacing) + offset
            plan.append((spacing, start, int((high - start) / spacing) + 1))
        key = (axis.scale, tuple(plan))
        found = self._ticks.get(key)
        if found is None:
            if len(self._ticks) > 256:
                self._ticks.clear()
            found = self._ticks[key] = self._tick_values(axis, min_val, max_val, size)
        return [(spacing, list(values)) for spacing, values in found]

    def draw_specs(self, p):
        axis, style = self._axis, self._axis.style
        if (
            axis.grid is not False
            or axis._tickLevels is not None
            or axis.logMode
            or style["tickAlpha"] is not None
            or tuple(style["stopAxisAtTick"]) != (False, False)
            or not style["showValues"]
        ):
            return self._draw_specs(axis, _MeasuringPainter(p, self._measured))
        return _number_specs(axis, _MeasuringPainter(p, self._measured))


_ALIGN = {
    "left": Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip,
    "right": Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip,
    "top": Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextDontClip,
    "bottom": Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip,
}


def _number_specs(axis: pg.AxisItem, p):
    """pyqtgraph's AxisItem.generateDrawSpecs (0.14) for a plain number axis, with less Python per tick.

    The same steps and arithmetic in the same order (tested to give the same specs), for
    an axis without grid, fixed ticks, log mode, tick alpha or stop-at-tick; the loop-
    invariant work (pens, flags, the axis's bounding rectangle) is done once.
    """
    style = axis.style
    if style["tickFont"] is not None:
        p.setFont(style["tickFont"])
    bounds = axis.mapRectFromParent(axis.geometry())
    tick_bounds = bounds  # no grid
    orientation = axis.orientation
    if orientation == "left":
        span = (bounds.topRight() + Point(-1.0, -1.0), bounds.bottomRight() + Point(-1.0, 1.0))
        tick_start, tick_stop, tick_dir, along = tick_bounds.right(), bounds.right(), -1, 0
    elif orientation == "right":
        span = (bounds.topLeft() + Point(1.0, -1.0), bounds.bottomLeft() + Point(1.0, 1.0))
        tick_start, tick_stop, tick_dir, along = tick_bounds.left(), bounds.left(), 1, 0
    elif orientation == "top":
        span = (bounds.bottomLeft() + Point(-1.0, -1.0), bounds.bottomRight() + Point(1.0, -1.0))
        tick_start, tick_stop, tick_dir, along = tick_bounds.bottom(), bounds.bottom(), -1, 1
    else:
        span = (bounds.topLeft() + Point(-1.0, 1.0), bounds.topRight() + Point(1.0, 1.0))
        tick_start, tick_stop, tick_dir, along = tick_bounds.top(), bounds.top(), 1, 1
    points = list(map(axis.mapToDevice, span))
    if None in points:
        return None
    length_px = Point(points[1] - points[0]).length()
    if length_px == 0:
        return None
    tick_levels = axis.tickValues(axis.range[0], axis.range[1], length_px)
    dif = axis.range[1] - axis.range[0]
    if dif == 0:
        x_scale, offset = 1, 0
    elif along == 0:
        x_scale = -bounds.height() / dif
        offset = axis.range[0] * x_scale - bounds.height()
    else:
        x_scale = bounds.width() / dif
        offset = axis.range[0] * x_scale
    x_range = [x * x_scale - offset for x in axis.range]
    x_min, x_max = min(x_range), max(x_range)

    tick_positions = []
    tick_specs = []
    base_pen = axis.tickPen()
    solid = base_pen.brush().style() == Qt.BrushStyle.SolidPattern
    for i in range(len(tick_levels)):
        positions = []
        tick_positions.append(positions)
        tick_length = style["tickLength"] / ((i * 0.5) + 1.0)
        tick_pen = base_pen
        if solid:  # as pyqtgraph: a copy, its colour's alpha 255 / (level + 1)
            tick_pen = QPen(base_pen)
            color = QColor(tick_pen.color())
            color.setAlpha(int(255 / (i + 1)))
            tick_pen.setColor(color)
        end = tick_stop + tick_length * tick_dir
        for v in tick_levels[i][1]:
            x = (v * x_scale) - offset
            if x < x_min or x > x_max:
                positions.append(None)
                continue
            positions.append(x)
            if along == 0:
                tick_specs.append((tick_pen, QPointF(tick_start, x), QPointF(end, x)))
            else:
                tick_specs.append((tick_pen, QPointF(x, tick_start), QPointF(x, end)))
    axis_spec = (axis.pen(), span[0], span[1])

    text_offset = style["tickTextOffset"][along]
    text_size2 = 0
    last_text_size2 = 0
    text_rects = []
    text_specs = []
    flags = _ALIGN[orientation]
    offset_px = max(0, style["tickLength"]) + text_offset
    box = axis.boundingRect()
    measure_box = QRectF(0, 0, 100, 100)
    for i in range(min(len(tick_levels), style["maxTextLevel"] + 1)):
        spacing, values = tick_levels[i]
        strings = axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
        if len(strings) == 0:
            continue
        for j in range(len(strings)):
            if tick_positions[i][j] is None:
                strings[j] = None
        rects = []
        for text in strings:
            if text is None:
                rects.append(None)
            else:
                br = p.boundingRect(measure_box, Qt.AlignmentFlag.AlignCenter, text)
                br.setHeight(br.height() * 0.8)
                rects.append(br)
                text_rects.append(br)
        if text_rects:
            if along == 0:
                text_size = np.sum([r.height() for r in text_rects])
                text_size2 = np.max([r.width() for r in text_rects])
            else:
                text_size = np.sum([r.width() for r in text_rects])
                text_size2 = np.max([r.height() for r in text_rects])
        else:
            text_size = 0
            text_size2 = 0
        if i > 0:
            fill = float(text_size) / length_px
            if any(len(text_specs) >= n and fill >= limit for n, limit in style["textFillLimits"]):
                break
        last_text_size2 = text_size2
        for j, text in enumerate(strings):
            if text is None:
                continue
            x = tick_positions[i][j]
            height, width = rects[j].height(), rects[j].width()
            if orientation == "left":
                rect = QRectF(tick_stop - offset_px - width, x - (height / 2), width, height)
            elif orientation == "right":
                rect = QRectF(tick_stop + offset_px, x - (height / 2), width, height)
            elif orientation == "top":
                rect = QRectF(x - width / 2.0, tick_stop - offset_px - height, width, height)
            else:
                rect = QRectF(x - width / 2.0, tick_stop + offset_px, width, height)
            if box & rect != rect:
                continue
            text_specs.append((rect, flags, text))
    axis._updateMaxTextSize(last_text_size2)
    return axis_spec, tick_specs, text_specs


def quicken_number_axis(axis: pg.AxisItem) -> None:
    """Give a plain pyqtgraph number axis (a colour bar's) :class:`QuickNumbers`' redraws."""
    quick = QuickNumbers(axis)
    axis.tickValues = quick.tick_values
    axis.generateDrawSpecs = quick.draw_specs


def link_extents(axes) -> None:
    """Keep these axes equally deep (the deepest one's size), so plots in a row line up."""
    axes = list(axes)
    for axis in axes:
        axis.group = axes
    for axis in axes:
        axis._relayout()


class TokenAxis(pg.AxisItem):
    """An :class:`pyqtgraph.AxisItem` whose ticks are names at 0.5, 1.5, 2.5, ..."""

    def __init__(self, orientation: str, point_size: int = 13, **kwargs):
        self._labels: list[str] = []  # before super(): its set-up already resizes the axis
        super().__init__(orientation, **kwargs)
        self._quick = QuickNumbers(self)
        self._specs = None  # pyqtgraph's line and ticks for the names (see generateDrawSpecs)
        self._specs_key_drawn: tuple | None = None
        self._base_size = point_size
        self._font = QFont()
        self._font.setPointSize(point_size)
        self.rotated = False  # across the top/bottom: labels turned to read upwards
        self.step = 1  # write every step-th label
        self.natural_extent = 0  # pixels the labels need across the axis
        self.group: list[TokenAxis] = [self]  # axes kept the same size (see link_extents)
        self.setStyle(tickFont=self._font, tickTextOffset=6)

    @property
    def horizontal(self) -> bool:
        return self.orientation in ("top", "bottom")

    def labels(self) -> list[str]:
        return list(self._labels)

    def drawn_labels(self) -> list[str]:
        """The labels actually written (every ``step``-th)."""
        return self._labels[:: self.step]

    def set_point_size(self, point_size: int) -> None:
        self._base_size = point_size
        self.label.setFont(self._label_font())
        self._relayout()

    def set_labels(self, labels) -> None:
        """Name the cells 0..n-1; call after the view's range is set to (0, n)."""
        labels = [str(s) for s in labels]
        if labels == self._labels:
            return  # same names: nothing to measure or lay out again
        self._labels = labels
        self.setTicks([[(i + 0.5, s) for i, s in enumerate(self._labels)]])
        self._relayout()

    def resizeEvent(self, ev=None) -> None:
        super().resizeEvent(ev)
        self._relayout()

    def _label_font(self) -> QFont:
        font = QFont()
        font.setPointSize(scaled_points(self._base_size))
        return font

    def _relayout(self) -> None:
        """Choose font size, direction and step for the current length, then the axis size."""
        n = len(self._labels)
        if not n or self.label is None:
            return
        label_font = self._label_font()
        if self.label.font() != label_font:  # setting it lays the label's text out again
            self.label.setFont(label_font)
        length = self.size().width() if self.horizontal else self.size().height()
        spacing = max(length, 1.0) / n
        font = QFont(self._font)
        rotated, step = False, 1
        # Sizes scale with the presentation font: in presentation mode labels are skipped
        # (every second one written) rather than shrunk below what the back row can read.
        top, bottom = scaled_points(self._base_size), scaled_points(MIN_POINT_SIZE)
        for size in range(top, bottom - 1, -1):
            font.setPointSize(size)
            fm = QFontMetricsF(font)
            widest = max(text_widths(font, self._labels))
            if self.horizontal and size == top and widest + GAP <= spacing:
                break  # horizontal at full size
            rotated = self.horizontal
            if fm.height() <= spacing:
                break
        else:
            step = max(1, math.ceil(QFontMetricsF(font).height() / spacing))
        self._font, self.rotated, self.step = font, rotated, step
        fm = QFontMetricsF(font)
        across = max(text_widths(font, self._labels)) if (rotated or not self.horizontal) else 0
        extent = math.ceil(across if across else fm.height())
        extent += self.style["tickTextOffset"][1 if self.horizontal else 0] + max(0, self.style["tickLength"])
        if self.label.isVisible():
            extent += math.ceil(self.label.boundingRect().height() * 0.8)
        self.natural_extent = extent
        target = max(a.natural_extent for a in self.group)
        for axis in self.group:
            axis._apply_extent(target)
        self.picture = None
        self.update()

    def _apply_extent(self, extent: int) -> None:
        if self.horizontal and self.fixedHeight != extent:
            self.setHeight(extent)
        elif not self.horizontal and self.fixedWidth != extent:
            self.setWidth(extent)

    def tickValues(self, minVal, maxVal, size):  # noqa: N803 - pyqtgraph's names
        return self._quick.tick_values(minVal, maxVal, size)  # numbers only: names are set as ticks

    def generateDrawSpecs(self, p):
        if not self._labels:
            return self._quick.draw_specs(p)  # numbers, as pyqtgraph draws them, measured once
        # pyqtgraph records the axis into a new picture after any change it knows of (range,
        # size, ticks, pens, style); a new name at the same place is one. The line and tick
        # positions, pyqtgraph's own, are worked out again only if what they depend on changed.
        key = self._specs_key()
        if key == self._specs_key_drawn and self._specs is not None:
            return self._specs
        # drawPicture writes the names itself: pyqtgraph measuring every name with
        # QPainter.boundingRect on each redraw of the axis was wasted (a third of its cost).
        shown = self.style["showValues"]
        self.style["showValues"] = False
        try:
            self._specs = super().generateDrawSpecs(p)
        finally:
            self.style["showValues"] = shown
        self._specs_key_drawn = key
        return self._specs

    def _specs_key(self) -> tuple:
        """What pyqtgraph's line and tick positions depend on, for an axis of names."""
        return (
            len(self._labels),
            tuple(self.range),
            self.mapRectFromParent(self.geometry()),
            self.grid,
            self.style["tickLength"],
            QPen(self.pen()),
            QPen(self.tickPen()),
        )

    def drawPicture(self, p, axis_spec, tick_specs, text_specs) -> None:
        if not self._labels:
            super().drawPicture(p, axis_spec, tick_specs, text_specs)
            return
        p.setRenderHint(p.RenderHint.Antialiasing, False)
        p.setRenderHint(p.RenderHint.TextAntialiasing, True)
        pen, p1, p2 = axis_spec
        p.setPen(pen)
        p.drawLine(p1, p2)
        for tick_pen, a, b in tick_specs:
            p.setPen(tick_pen)
            p.drawLine(a, b)
        if len(tick_specs) != len(self._labels):
            return  # some ticks are out of range (mid-resize): draw them next time
        p.setFont(self._font)
        p.setPen(self.textPen())
        fm = QFontMetricsF(self._font)
        offset = self.style["tickTextOffset"][1 if self.horizontal else 0] + max(0, self.style["tickLength"])
        height = fm.height()
        widths = text_widths(self._font, self._labels)
        for i in range(0, len(self._labels), self.step):
            text = self._labels[i]
            _, a, _ = tick_specs[i]
            width = widths[i] + 2
            if self.orientation == "left":
                rect = QRectF(p1.x() - offset - width, a.y() - height / 2, width, height)
                p.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
            elif self.orientation == "right":
                rect = QRectF(p1.x() + offset, a.y() - height / 2, width, height)
                p.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
            elif not self.rotated:
                y = p1.y() - offset - height if self.orientation == "top" else p1.y() + offset
                rect = QRectF(a.x() - width / 2, y, width, height)
                p.drawText(rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter), text)
            else:
                p.save()
                if self.orientation == "top":  # reads upwards, starting at the axis line
                    p.translate(QPointF(a.x(), p1.y() - offset))
                    p.rotate(-90)
                    rect = QRectF(0, -height / 2, width, height)
                    p.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
                else:  # bottom: reads upwards, ending at the axis line
                    p.translate(QPointF(a.x(), p1.y() + offset))
                    p.rotate(-90)
                    rect = QRectF(-width, -height / 2, width, height)
                    p.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
                p.restore()
