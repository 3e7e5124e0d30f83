"""Where a painted attention heatmap puts its cells and writes its names and titles.

Kept apart from :mod:`ui.heatmap` (which re-exports ``short_label``) so the widget stays
under the size where a file wants splitting; nothing here needs a widget.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF

from ui.painted_axes import MARGIN, TEXT_OFFSET, NameLayout, font_of, name_layout

MAX_LABEL_CHARS = 12


def short_label(token: str) -> str:
    """Token text fit for an axis: long tokens are cut with an ellipsis."""
    return token if len(token) <= MAX_LABEL_CHARS else token[: MAX_LABEL_CHARS - 1] + "\u2026"


def lay_out(
    width: float,
    height: float,
    row_tokens,
    col_tokens,
    points: float,
    right: float,
    x_title: str,
    y_title: str,
) -> tuple[QRectF, NameLayout, NameLayout, QFont]:
    """(matrix rectangle, row names, column names, title font) in a ``width`` x ``height``
    widget, keeping ``right`` pixels beside the matrix (for a colour bar); titles and names
    in ``points`` before the presentation scale. An empty title takes no room."""
    title_font = font_of(points)
    title = QFontMetricsF(title_font).height()
    left0 = MARGIN + (title + 2 if y_title else 0)
    top0 = MARGIN + (title + 2 if x_title else 0)
    right = MARGIN + right
    rows = [short_label(t) for t in row_tokens]
    cols = [short_label(t) for t in col_tokens]

    def rect_for(row_names, col_names) -> QRectF:
        left = left0 + (row_names.extent + TEXT_OFFSET if rows else 0)
        top = top0 + (col_names.extent + TEXT_OFFSET if cols else 0)
        return QRectF(left, top, width - right - left, height - MARGIN - top)

    # The names' size depends on the room the cells get, which depends on the names':
    # a first guess, then the layouts for the rectangle it gives (twice at most).
    row_names = name_layout(rows, max(height - top0 - MARGIN, 1.0), points, horizontal=False)
    col_names = name_layout(cols, max(width - left0 - right, 1.0), points, horizontal=True)
    rect = rect_for(row_names, col_names)
    for _ in range(2):
        if rect.width() <= 0 or rect.height() <= 0:
            break
        row_names = name_layout(rows, rect.height(), points, horizontal=False)
        col_names = name_layout(cols, rect.width(), points, horizontal=True)
        again = rect_for(row_names, col_names)
        if again == rect:
            break
        rect = again
    return rect, row_names, col_names, title_font
