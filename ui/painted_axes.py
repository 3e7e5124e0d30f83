"""Names and numbers beside a matrix painted straight onto a widget (no pyqtgraph scene).

A pyqtgraph plot is a graphics scene of its own, and Qt paints the window once more
for every scene that changed: with every dock open an edit painted the window six
times. Views drawn with these helpers paint in the one pass with all other widgets,
and they measure a name once per font (:func:`ui.token_axis.text_widths`).

Fonts are given in points at the normal size and scaled with the presentation font
(:func:`ui.theme.scaled_points`) when laid out, so they grow in presentation mode.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPaintEngine,
    QPainter,
    QPen,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QToolTip

from ui.theme import font_scale, scaled_points
from ui.token_axis import GAP, MIN_POINT_SIZE, text_widths

TEXT_COLOUR = QColor(30, 30, 30)
AXIS_COLOUR = QColor(150, 150, 150)  # pyqtgraph's default foreground, as the plots had
TICK_LENGTH = 3
MARGIN = 9  # around the whole picture, as pyqtgraph's layouts left it
TEXT_OFFSET = 5  # between an axis line and its names
MAX_STATIC_TEXTS = 2048  # names kept laid out per font
MIN_ELIDED = 5  # characters (with the ellipsis) a shortened title keeps, or it is left out


class PlotSized:
    """Mixed into a painted view (before QWidget): the sizes the pyqtgraph widget it
    replaced asked for, so docks, stacks and grids give it the room they gave before
    (a wide hint lets All heads' cells grow to their largest)."""

    def sizeHint(self) -> QSize:
        return QSize(600, 480)

    def minimumSizeHint(self) -> QSize:
        return QSize(68, 68)


def show_tip(widget, event, text: str) -> bool:
    """Answer a ToolTip event with ``text``, or hide the tip when there is none; True (handled)."""
    if text:
        QToolTip.showText(event.globalPos(), text, widget)
    else:
        QToolTip.hideText()
    return True


def font_of(points: float) -> QFont:
    """The default family at ``points`` (before the presentation scale)."""
    font = QFont()
    font.setPointSize(scaled_points(points))
    return font


class NameLayout:
    """How names along one side of a matrix are written: font, turned or not, every step-th.

    The rules the pyqtgraph axes of names followed before the views were painted:
    across the top, names stay horizontal at full size while they fit and otherwise
    turn to read upwards; turned names and names down the side shrink until they fit
    the cells, and below the smallest readable size only every step-th name is written. ``shrink=False`` keeps
    the full size and only skips names (``overlap`` of a name's height may overlap its
    neighbour's, as pyqtgraph's axes let them), and ``turn=False`` keeps names
    horizontal at full size, written every step-th when they would run together.
    """

    def __init__(
        self,
        labels,
        length: float,
        points: float,
        *,
        horizontal: bool,
        shrink: bool = True,
        turn: bool = True,
        overlap: float = 0.0,
    ):
        self.labels = [str(s) for s in labels]
        self.horizontal = horizontal
        n = len(self.labels)
        spacing = max(length, 1.0) / max(n, 1)
        top = scaled_points(points)
        font = QFont()
        font.setPointSize(top)
        rotated, step = False, 1
        if horizontal and not turn:  # full size, horizontal: every step-th name that fits
            widest = max(text_widths(font, self.labels or [""]))
            step = max(1, math.ceil((widest + GAP) / spacing))
        elif not shrink:
            height = QFontMetricsF(font).height() * (1.0 - overlap)
            step = max(1, math.ceil(height / spacing))
        else:  # shrink to fit, then write every step-th name
            for size in range(top, scaled_points(MIN_POINT_SIZE) - 1, -1):
                font.setPointSize(size)
                if (
                    horizontal
                    and size == top
                    and max(text_widths(font, self.labels or [""])) + GAP <= spacing
                ):
                    break  # horizontal at full size
                rotated = horizontal
                if QFontMetricsF(font).height() <= spacing:
                    break
            else:
                step = max(1, math.ceil(QFontMetricsF(font).height() / spacing))
        self.font, self.rotated, self.step = font, rotated, step
        self.metrics = QFontMetricsF(font)
        self.widths = text_widths(font, self.labels) if self.labels else []
        across = max(self.widths, default=0.0) if (rotated or not horizontal) else self.metrics.height()
        self.extent = math.ceil(across) if n else 0  # pixels the names need across the axis
        self._pictures: dict[tuple, tuple] = {}  # where -> (top left, image) of the names written (see paint)

    def drawn(self) -> list[str]:
        return self.labels[:: self.step]

    def paint(self, painter, rect: QRectF, side: str) -> None:
        """Write the names of cells spread evenly along ``rect`` (the matrix's edge).

        ``side`` is "left" (names end ``TEXT_OFFSET`` px left of the edge) or "top"
        (names stand ``TEXT_OFFSET`` px above it). On screen the names are written once
        into a transparent picture, kept while this layout and ``rect`` stay the same
        (most edits change numbers, not names), and drawn as one image; a vector
        drawing (SVG export) gets the text itself.
        """
        if not self.labels:
            return
        if painter.paintEngine().type() != QPaintEngine.Type.Raster or not painter.transform().isIdentity():
            self._write(painter, rect, side)
            return
        ratio = painter.device().devicePixelRatioF()
        key = (rect.x(), rect.y(), rect.width(), rect.height(), side, ratio)
        picture = self._pictures.get(key)
        if picture is None:
            area = self._area(rect, side)
            image = QImage(
                max(1, math.ceil(area.width() * ratio)),
                max(1, math.ceil(area.height() * ratio)),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            image.setDevicePixelRatio(ratio)
            image.fill(Qt.GlobalColor.transparent)
            inner = QPainter(image)
            inner.setRenderHints(painter.renderHints())
            inner.translate(-area.x(), -area.y())  # whole pixels: the glyphs land as they would
            self._write(inner, rect, side)
            inner.end()
            if len(self._pictures) >= 4:  # one layout may be painted beside a few matrices:
                del self._pictures[next(iter(self._pictures))]  # forget the oldest only
            picture = self._pictures[key] = (QPointF(area.topLeft()), image)
        at, image = picture
        painter.drawImage(at, image)

    def _area(self, rect: QRectF, side: str) -> QRect:
        """Whole pixels around every name written beside ``rect`` on ``side``."""
        height, widest = self.metrics.height(), max(self.widths, default=0.0)
        if side == "left":
            right = rect.left() - TEXT_OFFSET
            box = QRectF(right - widest - 2, rect.top() - height, widest + 4, rect.height() + 2 * height)
        elif not self.rotated:
            base = rect.top() - TEXT_OFFSET
            box = QRectF(
                rect.left() - widest / 2 - 2, base - height - 1, rect.width() + widest + 4, height + 2
            )
        else:
            base = rect.top() - TEXT_OFFSET
            box = QRectF(rect.left() - height, base - widest - 2, rect.width() + 2 * height, widest + 3)
        return box.toAlignedRect()

    def _write(self, painter, rect: QRectF, side: str) -> None:
        """Each name where ``drawText`` into its box would put it, as a laid-out
        QStaticText (drawing a string lays it out again each time: about eight times the cost)."""
        n = len(self.labels)
        painter.setFont(self.font)
        painter.setPen(TEXT_COLOUR)
        height = self.metrics.height()
        statics = _statics(self.font)
        if side == "left":
            cell = rect.height() / n
            right = rect.left() - TEXT_OFFSET
            for i in range(0, n, self.step):
                centre = rect.top() + (i + 0.5) * cell
                at = QPointF(right - self.widths[i], centre - height / 2)  # right-aligned, centred
                painter.drawStaticText(at, _static(statics, self.labels[i], self.font))
            return
        cell = rect.width() / n
        base = rect.top() - TEXT_OFFSET
        for i in range(0, n, self.step):
            centre = rect.left() + (i + 0.5) * cell
            static = _static(statics, self.labels[i], self.font)
            if not self.rotated:  # centred, standing on the line
                painter.drawStaticText(QPointF(centre - self.widths[i] / 2, base - height), static)
                continue
            painter.save()  # reads upwards, starting at the axis line
            painter.translate(QPointF(centre, base))
            painter.rotate(-90)
            painter.drawStaticText(QPointF(0, -height / 2), static)
            painter.restore()


_name_layouts: dict[tuple, NameLayout] = {}


def name_layout(labels, length: float, points: float, **options) -> NameLayout:
    """A :class:`NameLayout`, shared while its names, length, options and the font scale stay
    the same: a view that lays itself out again on every edit (its numbers moved) gets
    back the same layout, and with it the names already written (see NameLayout.paint)."""
    key = (
        tuple(str(s) for s in labels),
        round(float(length), 3),
        points,
        scaled_points(100),
        *sorted(options.items()),
    )
    found = _name_layouts.get(key)
    if found is None:
        if len(_name_layouts) > 64:
            _name_layouts.clear()
        found = _name_layouts[key] = NameLayout(labels, length, points, **options)
    return found


_static_texts: dict[str, dict[str, QStaticText]] = {}  # font key -> text -> laid out


def _statics(font: QFont) -> dict[str, QStaticText]:
    key = font.key()
    found = _static_texts.get(key)
    if found is None or len(found) > MAX_STATIC_TEXTS:
        if len(_static_texts) > 16:  # fonts seen: a few sizes, more in presentation mode
            _static_texts.clear()
        found = _static_texts[key] = {}
    return found


def static_text(font: QFont, text: str) -> QStaticText:
    """``text`` laid out in ``font`` as a QStaticText, kept for the next paint."""
    return _static(_statics(font), text, font)


def static_texts(font: QFont, texts) -> list[QStaticText]:
    """:func:`static_text` of each of ``texts``; the font's key (a few microseconds) made once."""
    statics = _statics(font)
    return [_static(statics, text, font) for text in texts]


def draw_text(painter, font: QFont, text: str, x: float, y: float, align: str = "left") -> None:
    """Write ``text`` in ``font`` (set on the painter already) with its top at ``y`` and its
    left end, centre or right end (``align``) at ``x``, as a laid-out QStaticText."""
    width = text_widths(font, (text,))[0]
    x -= {"left": 0.0, "centre": width / 2, "right": width}[align]
    painter.drawStaticText(QPointF(x, y), _static(_statics(font), text, font))


def _static(statics: dict[str, QStaticText], text: str, font: QFont) -> QStaticText:
    static = statics.get(text)
    if static is None:
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(QTransform(), font)
        statics[text] = static
    return static


def axis_pen() -> QPen:
    """The grey of axis lines and ticks: a screen pixel wide, more with larger text
    (presentation mode), where a 1 px line is lost on a projector."""
    pen = QPen(AXIS_COLOUR)
    pen.setCosmetic(True)
    pen.setWidth(max(1, round(font_scale())))
    return pen


def paint_edges(painter, rect: QRectF, rows: int, cols: int = 0, *, ticks_across=None) -> None:
    """The grey axis lines along the matrix's left and top edges, with a tick per row and
    per column (or, across the top, at the x positions ``ticks_across``), in one call."""
    painter.setPen(axis_pen())
    x, y = rect.left() - 0.5, rect.top() - 0.5
    lines = [QLineF(x, y, x, rect.bottom()), QLineF(x, y, rect.right(), y)]
    if rows:
        step, top = rect.height() / rows, rect.top()
        lines += [QLineF(x - TICK_LENGTH, c, x, c) for c in (top + (i + 0.5) * step for i in range(rows))]
    if ticks_across is None and cols:
        step, left = rect.width() / cols, rect.left()
        ticks_across = [left + (i + 0.5) * step for i in range(cols)]
    lines += [QLineF(c, y - TICK_LENGTH, c, y) for c in ticks_across or ()]
    painter.drawLines(lines)


def paint_title(
    painter, text: str, font: QFont, rect: QRectF, *, upwards: bool = False, colour: QColor = TEXT_COLOUR
) -> None:
    """An axis title centred in ``rect``; ``upwards`` turns it to read bottom to top.

    A title longer than its side is cut short with an ellipsis rather than run into
    its neighbours, or left out when fewer than a few letters of it would fit.
    """
    if not text:
        return
    length = rect.height() if upwards else rect.width()
    shown = _elided(font, text, length)
    if shown != text and len(shown) < MIN_ELIDED:
        return
    # Where drawText(rect, AlignCenter) puts it, as a laid-out static text.
    painter.setFont(font)
    painter.setPen(colour)
    height = QFontMetricsF(font).height()
    if not upwards:
        draw_text(painter, font, shown, rect.center().x(), rect.center().y() - height / 2, "centre")
        return
    painter.save()
    painter.translate(rect.center())
    painter.rotate(-90)
    draw_text(painter, font, shown, 0.0, -height / 2, "centre")
    painter.restore()


_elisions: dict[tuple, str] = {}


def _elided(font: QFont, text: str, length: float) -> str:
    """``QFontMetricsF.elidedText`` (ellipsis on the right), worked out once per font, text and room."""
    key = (font.key(), text, round(length))
    found = _elisions.get(key)
    if found is None:
        if len(_elisions) > 512:
            _elisions.clear()
        found = _elisions[key] = QFontMetricsF(font).elidedText(
            text, Qt.TextElideMode.ElideRight, round(length)
        )
    return found


def nice_ticks(low: float, high: float, length: float, min_gap: float) -> list[float]:
    """Round values between low and high (1, 2 or 5 times a power of ten apart) at least
    ``min_gap`` pixels apart on an axis ``length`` pixels long."""
    span = high - low
    if not (span > 0 and length > 0 and math.isfinite(span)):
        return [low] if math.isfinite(low) else []
    most = max(1, int(length // max(min_gap, 1.0)))
    raw = span / most
    power = 10.0 ** math.floor(math.log10(raw))
    spacing = next((m * power for m in (1, 2, 5, 10) if m * power >= raw), 10 * power)
    first = math.ceil(low / spacing - 1e-9)
    values = []
    k = first
    while k * spacing <= high + spacing * 1e-9:
        values.append(round(k * spacing, 12))
        k += 1
    return values


def tick_text(value: float, spacing: float) -> str:
    """A tick's number with as many decimals as the spacing needs (0.9, 0.92, 1)."""
    decimals = max(0, -math.floor(math.log10(spacing) + 1e-9)) if spacing > 0 else 0
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
