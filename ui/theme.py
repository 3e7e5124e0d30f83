"""Fonts and colours for the whole application: light, dark and high-contrast themes.

Qt widgets take their font and colours from the application (font, palette, style
sheet). Plots keep a white background in every theme so that a colour map reads the
same everywhere; their text is scaled by :mod:`ui.presentation`.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.settings import THEMES

BASE_POINT_SIZE = 11
_scale = {"font": 1.0}  # the font scale in force; plot items multiply their sizes by it
_before_theme: list[QFont] = []  # the application's font before the first theme set it


def font_before_theme() -> QFont:
    """The application font as it was before any theme: the one plots are made with.

    Plot captions (axis titles, legends) keep the font of the moment they are made, and
    have always been made with this one; the app now sets its theme before it builds
    its plots (see :meth:`ui.main_window.MainWindow.view`).
    """
    return QFont(_before_theme[0] if _before_theme else QApplication.font())


def font_scale() -> float:
    """The font scale in force (1.0 normally, up to 3.0 in presentation mode)."""
    return _scale["font"]


def scaled_points(point_size: float) -> int:
    """A plot's base font size in the current scale, in whole points."""
    return max(1, round(point_size * _scale["font"]))


_COLOURS = {
    # window, text, base (inputs), alternate, button, highlight, highlighted text
    "light": ("#efeff2", "#1a1a1a", "#ffffff", "#f5f5f8", "#e4e4ea", "#3b4cc0", "#ffffff"),
    "dark": ("#26272b", "#ececec", "#1c1d20", "#2c2d31", "#36373c", "#7c8cff", "#111111"),
    "high-contrast": ("#ffffff", "#000000", "#ffffff", "#f0f0f0", "#ffffff", "#0000c8", "#ffffff"),
}


def palette(theme: str) -> QPalette:
    window, text, base, alternate, button, highlight, highlighted = (QColor(c) for c in _COLOURS[theme])
    p = QPalette()
    role = QPalette.ColorRole
    for r, c in (
        (role.Window, window),
        (role.WindowText, text),
        (role.Base, base),
        (role.AlternateBase, alternate),
        (role.Text, text),
        (role.Button, button),
        (role.ButtonText, text),
        (role.Highlight, highlight),
        (role.HighlightedText, highlighted),
        (role.ToolTipBase, base),
        (role.ToolTipText, text),
        (role.PlaceholderText, QColor(text).lighter(160) if theme == "dark" else QColor("#707070")),
    ):
        p.setColor(r, c)
    return p


def style_sheet(theme: str, font_scale: float) -> str:
    """Sizes in points, scaled, so titles and tooltips grow with the presentation font."""
    title = 15 * font_scale
    tip = BASE_POINT_SIZE * font_scale
    border = "2px solid #000000" if theme == "high-contrast" else "1px solid palette(mid)"
    # The font size lives in the style sheet: with a style sheet active, Qt widgets no
    # longer follow QApplication.setFont.
    return f"""
QWidget {{ font-size: {tip:.1f}pt; }}
QLabel#viewTitle {{ font-size: {title:.1f}pt; font-weight: 600; }}
QGroupBox {{ font-weight: 600; margin-top: {12 * font_scale:.0f}px; border: {border}; border-radius: 4px;
            padding-top: {6 * font_scale:.0f}px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; }}
QToolTip {{ font-size: {tip:.1f}pt; }}
"""


def apply_theme(app: QApplication | None = None, theme: str = "light", font_scale: float = 1.0) -> None:
    """Set the application's font size, palette and style sheet."""
    if theme not in THEMES:
        raise ValueError(f"Theme must be one of {', '.join(THEMES)}, not {theme!r}.")
    if not 1.0 <= font_scale <= 3.0:
        raise ValueError("The font scale runs from 100% to 300%.")
    app = app or QApplication.instance()
    _scale["font"] = font_scale
    if not _before_theme:
        _before_theme.append(QFont(app.font()))
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE * font_scale)
    app.setFont(font)
    app.setPalette(palette(theme))
    app.setStyleSheet(style_sheet(theme, font_scale))
