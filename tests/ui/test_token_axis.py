"""Names measured once per font: the widths are Qt's own, for each font."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetricsF

from ui.token_axis import text_width, text_widths


def test_widths_are_qts_for_each_font(qapp):
    """A cached width is what QFontMetricsF measures, and a bigger font is measured anew."""
    small, big = QFont(), QFont()
    small.setPointSize(9)
    big.setPointSize(27)
    names = ["The", "bank", "deposit", "", "\u2013", "bank"]
    for font in (small, big, small):
        metrics = QFontMetricsF(font)
        assert text_widths(font, names) == [metrics.horizontalAdvance(n) for n in names]
        assert text_width(font, "money") == metrics.horizontalAdvance("money")
    assert text_width(big, "deposit") > 2 * text_width(small, "deposit")
