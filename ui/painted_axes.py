"""Names and numbers beside a matrix painted straight onto a widget (no pyqtgraph scene).

A pyqtgraph plot is a graphics scene of its own, and Qt paints the window once more
for every scene that changed: with every dock open an edit painted the window six
times. Views drawn with these helpers paint in the one pass with all other widgets,
and they measure a name once per font (:func:`ui.token_axis.text_widths`).

Fonts are given in points at the normal size and scaled with the presentation font
(:func:`ui.theme.scaled_points`) when laid out, as :class:`ui.token_axis.TokenAxis` does.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen

from ui.theme import scaled_points
from ui.token_axis import GAP, MIN_POINT_SIZE, text_widths

TEXT_COLOUR = QColor(30, 30, 30)
AXIS_COLOUR = QColor(150, 150, 150)  # pyqtgraph's default foreground, as the plots had
TICK_LENGTH = 3
MARGIN = 9  # around the whole picture, as pyqtgraph's layouts left it
TEXT_OFFSET = 5  # between an axis line and its names
MIN_ELIDED = 5  # characters (with the ellipsis) a shortened title keeps, or it is left out
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ABOVE = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)


def font_of(points: float) -> QFont:
    """The default family at ``points`` (before the presentation scale)."""
    font = QFont()
    font.setPointSize(scaled_points(points))
    return font


class NameLayout:
    """How names along one side of a matrix are written: font, turned or not, every step-th.

    The rules of :meth:`ui.token_axis.TokenAxis._relayout`: across the top, names stay
    horizontal at full size while they fit and otherwise turn to read upwards; turned
    names and names down the side shrink until they fit the cells, and below the
    smallest readable size only every step-th name is written. ``shrink=False`` keeps
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
        else:  # TokenAxis's rules
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

    def drawn(self) -> list[str]:
        return self.labels[:: self.step]

    def paint(self, painter, rect: QRectF, side: str) -> None:
        """Write the names of cells spread evenly along ``rect`` (the matrix's edge).

        ``side`` is "left" (names end ``TEXT_OFFSET`` px left of the edge) or "top"
        (names stand ``TEXT_OFFSET`` px above it).
        """
        n = len(self.labels)
        if not n:
            return
        painter.setFont(self.font)
        painter.setPen(TEXT_COLOUR)
        height = self.metrics.height()
        if side == "left":
            cell = rect.height() / n
            right = rect.left() - TEXT_OFFSET
            for i in range(0, n, self.step):
                width = self.widths[i] + 2
                centre = rect.top() + (i + 0.5) * cell
                box = QRectF(right - width, centre - height / 2, width, height)
                painter.drawText(
                    box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), self.labels[i]
                )
            return
        cell = rect.width() / n
        base = rect.top() - TEXT_OFFSET
        for i in range(0, n, self.step):
            width = self.widths[i] + 2
            centre = rect.left() + (i + 0.5) * cell
            if not self.rotated:
                box = QRectF(centre - width / 2, base - height, width, height)
                painter.drawText(
                    box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), self.labels[i]
                )
                continue
            painter.save()  # reads upwards, starting at the axis line
            painter.translate(QPointF(centre, base))
            painter.rotate(-90)
            box = QRectF(0, -height / 2, width, height)
            painter.drawText(
                box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.labels[i]
            )
            painter.restore()


def paint_edges(painter, rect: QRectF, rows: int, cols: int, *, left: bool = True, top: bool = True) -> None:
    """The grey axis lines along the matrix's left and top edges, with a tick per cell."""
    pen = QPen(AXIS_COLOUR)
    pen.setCosmetic(True)
    painter.setPen(pen)
    x, y = rect.left() - 0.5, rect.top() - 0.5
    if left:
        painter.drawLine(QPointF(x, y), QPointF(x, rect.bottom()))
        for i in range(rows):
            centre = rect.top() + (i + 0.5) * rect.height() / rows
            painter.drawLine(QPointF(x - TICK_LENGTH, centre), QPointF(x, centre))
    if top:
        painter.drawLine(QPointF(x, y), QPointF(rect.right(), y))
        for i in range(cols):
            centre = rect.left() + (i + 0.5) * rect.width() / cols
            painter.drawLine(QPointF(centre, y - TICK_LENGTH), QPointF(centre, y))


def paint_title(painter, text: str, font: QFont, rect: QRectF, *, upwards: bool = False) -> None:
    """An axis title centred in ``rect``; ``upwards`` turns it to read bottom to top.

    A title longer than its side is cut short with an ellipsis rather than run into
    its neighbours, or left out when fewer than a few letters of it would fit.
    """
    if not text:
        return
    length = rect.height() if upwards else rect.width()
    shown = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, length)
    if shown != text and len(shown) < MIN_ELIDED:
        return
    text = shown
    painter.setFont(font)
    painter.setPen(TEXT_COLOUR)
    if not upwards:
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        return
    painter.save()
    painter.translate(rect.center())
    painter.rotate(-90)
    turned = QRectF(-rect.height() / 2, -rect.width() / 2, rect.height(), rect.width())
    painter.drawText(turned, int(Qt.AlignmentFlag.AlignCenter), text)
    painter.restore()


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
