"""The Lines view's legend: a coloured square per head and its name, wrapped to the width.

It was a rich-text QLabel: every head added or removed made Qt parse and lay out its
HTML again, measure it for the layout (which laid the document out once more and
painted it a second time) and paint it: ~2 ms per head-slider step with every dock
open. Here the entries are measured with font metrics (each text once per font) and
painted directly; the layout hears of a change only when the legend needs a different
number of lines.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.painted_axes import static_texts
from ui.theme import scaled_points
from ui.token_axis import text_widths

SWATCH_POINTS = 16  # the square's size, as the label's HTML had it
SQUARE = "\u25a0"
DASHES = " - -"  # after the square of heads 9-16, whose lines are dashed
GAP = "\u00a0"  # between a square and its name
SEPARATOR = " \u00a0\u00a0 "  # between entries


class LinesLegend(QWidget):
    """Entries ``(colour, dashed, text)`` in a row, wrapped between entries."""

    def __init__(self, parent=None):
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._entries: list[tuple[str, bool, str]] = []
        self._lines_for: tuple | None = None  # (width, fonts) -> lines, cached
        self._font_pair: tuple | None = None  # (swatch points, names' font, swatch font)

    def text(self) -> str:
        """The legend as plain text (for tests and screen readers)."""
        return "   ".join(text for _, _, text in self._entries)

    def set_entries(self, entries) -> None:
        entries = [(str(c), bool(d), str(t)) for c, d, t in entries]
        if entries == self._entries:
            return
        before = self._places() if self.width() > 0 else None
        kept = self._entries
        self._entries = entries
        self._lines_for = None
        self.setAccessibleName(self.text())
        after = self._places() if before is not None else None
        if before is None or after[1] != before[1]:
            self.updateGeometry()  # another number of lines: the layout must know
        if before is None:
            self.update()
            return
        # A head more or less changes the last entries: repaint from the first entry that
        # changed or moved, not the whole legend (most of a head-slider step's paint here).
        same = min(len(kept), len(entries))
        first = next(
            (i for i in range(same) if kept[i] != entries[i] or before[0][i] != after[0][i]),
            same,
        )
        spots = before[0][first:] + after[0][first:]
        if first == 0 or not spots:
            self.update()
            return
        row, x = min(spots)
        height = self._line_height()
        self.update(math.floor(x) - 1, row * height, self.width(), height)
        if any(r > row for r, _ in spots):  # and the lines below it
            self.update(0, (row + 1) * height, self.width(), self.height())

    def _places(self) -> tuple[list[tuple[int, float]], int]:
        """(line, x) where each entry is written at the current width, and the number of lines."""
        places: list[tuple[int, float]] = [(0, 0.0)] * len(self._entries)
        font, _ = self._fonts()
        separator = text_widths(font, (SEPARATOR,))[0]
        pieces = self._pieces()
        lines = self._lines(self.width())
        for row, line in enumerate(lines):
            x = 0.0
            for i in line:
                places[i] = (row, x)
                x += pieces[i][2] + pieces[i][3] + separator
        return places, len(lines)

    # --- measuring -------------------------------------------------------------------

    def _fonts(self) -> tuple[QFont, QFont]:
        """The names' font and the squares' (bigger), made once per font and text size."""
        points = scaled_points(SWATCH_POINTS)
        if self._font_pair is None or self._font_pair[0] != points:
            swatch = QFont(self.font())
            swatch.setPointSize(points)
            self._font_pair = (points, QFont(self.font()), swatch)
        return self._font_pair[1], self._font_pair[2]

    def _pieces(self):
        """Per entry: (swatch text, name text, swatch width, name width)."""
        font, swatch = self._fonts()
        marks = [SQUARE + (DASHES if dashed else "") for _, dashed, _ in self._entries]
        names = [GAP + text for _, _, text in self._entries]
        return list(zip(marks, names, text_widths(swatch, marks), text_widths(font, names), strict=True))

    def _lines(self, width: int) -> list[list[int]]:
        """Entry indices on each line when ``width`` pixels wide (at least one entry a line)."""
        font, swatch = self._fonts()
        key = (width, font.key(), swatch.key())
        if self._lines_for is not None and self._lines_for[0] == key:
            return self._lines_for[1]
        separator = text_widths(font, (SEPARATOR,))[0]
        lines: list[list[int]] = []
        used = 0.0
        for i, (_, _, w_mark, w_name) in enumerate(self._pieces()):
            entry = w_mark + w_name
            if lines and used + separator + entry <= width:
                lines[-1].append(i)
                used += separator + entry
            else:
                lines.append([i])
                used = entry
        self._lines_for = (key, lines)
        return lines

    def _line_height(self) -> float:
        # Whole pixels per line, as the label's text layout gave its lines.
        font, swatch = self._fonts()
        return math.ceil(max(QFontMetricsF(font).height(), QFontMetricsF(swatch).height()))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return round(max(1, len(self._lines(width))) * self._line_height())

    def sizeHint(self) -> QSize:
        pieces = self._pieces()
        font, _ = self._fonts()
        separator = text_widths(font, (SEPARATOR,))[0]
        width = sum(m + n for _, _, m, n in pieces) + separator * max(len(pieces) - 1, 0)
        return QSize(round(width), round(self._line_height()))

    def minimumSizeHint(self) -> QSize:
        widest = max((m + n for _, _, m, n in self._pieces()), default=0.0)
        return QSize(round(min(widest, 120)), round(self._line_height()))

    # --- painting --------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        font, swatch = self._fonts()
        metrics, swatch_metrics = QFontMetricsF(font), QFontMetricsF(swatch)
        ascent = max(metrics.ascent(), swatch_metrics.ascent())
        line_height = self._line_height()
        separator = text_widths(font, (SEPARATOR,))[0]
        pieces = self._pieces()
        marks = static_texts(swatch, [piece[0] for piece in pieces])
        names = static_texts(font, [piece[1] for piece in pieces])
        text_colour = self.palette().color(self.foregroundRole())
        region = event.rect()
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            for row, line in enumerate(self._lines(self.width())):
                if row * line_height > region.bottom() or (row + 1) * line_height < region.top():
                    continue  # a line outside the part being repainted
                baseline = row * line_height + ascent  # one baseline for squares and names
                x = 0.0
                for i in line:  # laid-out static texts, placed by their tops
                    _, _, w_mark, w_name = pieces[i]
                    painter.setFont(swatch)
                    painter.setPen(QColor(self._entries[i][0]))
                    top = baseline - swatch_metrics.ascent()
                    painter.drawStaticText(QPointF(x, top), marks[i])
                    painter.setFont(font)
                    painter.setPen(text_colour)
                    top = baseline - metrics.ascent()
                    painter.drawStaticText(QPointF(x + w_mark, top), names[i])
                    x += w_mark + w_name + separator
        finally:
            painter.end()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (event.Type.FontChange, event.Type.StyleChange):  # the theme's text size
            self._lines_for = self._font_pair = None
            self.updateGeometry()
