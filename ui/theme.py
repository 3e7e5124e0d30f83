"""Fonts and colours for the whole application."""

from __future__ import annotations

from PySide6.QtGui import QFont

BASE_POINT_SIZE = 11

STYLE = """
QLabel#viewTitle { font-size: 15pt; font-weight: 600; }
QGroupBox { font-weight: 600; margin-top: 12px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }
"""


def apply_theme(app) -> None:
    """A readable default: 11 pt text, bold section titles."""
    font = QFont(app.font())
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLE)
