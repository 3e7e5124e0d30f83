"""Measuring names once per font, for the views that write token and feature names.

This module held ``TokenAxis``, the pyqtgraph axis of names the plots used: across
the top or bottom, names horizontal while they fit and turned to read upwards when
they do not; down the side and when turned, the font shrinking to fit the cells and,
below the smallest readable size, only every second (third, ...) name written. Every
view is now painted straight onto a widget and those rules live in
:class:`ui.painted_axes.NameLayout`; what stays here are the sizes they share and the
measurement of a name's width, kept per font and text.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetricsF

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
