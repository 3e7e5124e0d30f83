"""Presentation mode: full screen, big text everywhere, thick lines, high contrast.

Qt widgets follow the application font (see :func:`ui.theme.apply_theme`), and so do
the views painted straight onto widgets (the heatmaps, matrices, outputs...): they size
their text with :func:`ui.theme.scaled_points` whenever they lay out. Text and lines
of the remaining pyqtgraph plots are items with fonts and pens of their own, so
:class:`PlotScaler` walks every plot's scene and scales them from the size each item
started with; it runs again after each redraw, because views create new text items as
they draw.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.settings import Preferences
from ui.theme import apply_theme

PRESENTATION_THEME = "high-contrast"
_BASE_FONT = "_al_base_font"  # attribute on each item: its font before any scaling
_BASE_WIDTH = "_al_base_width"
_BASE_EXTENT = "_al_base_extent"  # a vertical axis's fixed width before any scaling


def _scaled(font: QFont, scale: float) -> QFont:
    out = QFont(font)
    size = font.pointSizeF() if font.pointSizeF() > 0 else font.pixelSize() * 0.75
    out.setPointSizeF(max(1.0, size * scale))
    return out


class PlotScaler:
    """Scales the fonts and line widths of every pyqtgraph item inside a widget."""

    def __init__(self, root):
        self._root = root
        self.font_scale = 1.0
        self.line_scale = 1.0

    def apply(self, root=None) -> None:
        """Scale every plot inside the window, or inside ``root`` only (a view built later)."""
        for view in (root or self._root).findChildren(pg.GraphicsView):
            for item in view.scene().items():
                if isinstance(item, pg.AxisItem):
                    self._axis(item)
                elif isinstance(item, pg.TextItem):
                    self._text(item)
                elif isinstance(item, pg.PlotDataItem):
                    self._curve(item)

    def _base(self, item, attr: str, current):
        if not hasattr(item, attr):
            setattr(item, attr, current)
        return getattr(item, attr)

    def _axis(self, axis: pg.AxisItem) -> None:
        tick_font = axis.style.get("tickFont") or QFont(QApplication.font())
        base = self._base(axis, _BASE_FONT, QFont(tick_font))
        axis.setStyle(tickFont=_scaled(base, self.font_scale))
        label_base = self._base(axis.label, _BASE_FONT, QFont(axis.label.font()))
        axis.label.setFont(_scaled(label_base, self.font_scale))
        pen = axis.pen()
        width = self._base(axis, _BASE_WIDTH, max(1.0, pen.widthF()))
        pen.setWidthF(width * self.line_scale)
        axis.setPen(pen)
        # A colour bar's axis has a fixed width (45 px, pyqtgraph's ColorBarItem): its
        # labels, drawn bigger, no longer fit and pyqtgraph leaves them out (presentation
        # mode showed only "0"). The width grows with the text.
        if axis.orientation in ("left", "right") and axis.fixedWidth is not None:
            extent = self._base(axis, _BASE_EXTENT, axis.fixedWidth)
            axis.setWidth(round(extent * max(1.0, self.font_scale)))

    def _text(self, item: pg.TextItem) -> None:
        base = self._base(item, _BASE_FONT, QFont(item.textItem.font()))
        item.setFont(_scaled(base, self.font_scale))

    def _curve(self, item: pg.PlotDataItem) -> None:
        pen = pg.mkPen(item.opts.get("pen"))
        width = self._base(item, _BASE_WIDTH, max(1.0, pen.widthF()))
        pen.setWidthF(width * self.line_scale)
        item.setPen(pen)


class Presentation(QObject):
    """Turns presentation mode on and off for a main window."""

    def __init__(self, window, preferences: Preferences | None = None):
        super().__init__(window)
        self._window = window
        self.prefs = preferences or Preferences()
        self.scaler = PlotScaler(window)
        self.active = False
        self._was_maximized = False
        self._saved_layout = None
        # Views redraw on these; scale their new text once they have.
        window.session.sigResultChanged.connect(self._rescale_soon)
        window.selection.sigHeadChanged.connect(self._rescale_soon)

    def set_active(self, on: bool, full_screen: bool = True) -> None:
        on = bool(on)
        if on == self.active:
            return
        self.active = on
        if on:
            self._was_maximized = self._window.isMaximized()
            # The heatmap gets the room: every view dock is put away (the View menu brings
            # any back); the controls and the lesson stay. Leaving restores the layout.
            self._saved_layout = self._window.saveState()
            for dock in self._window.docks.values():
                dock.hide()
            scale = self.prefs.presentation_scale
            apply_theme(QApplication.instance(), PRESENTATION_THEME, scale)
            self.scaler.font_scale, self.scaler.line_scale = scale, 2.0
            if full_screen:
                self._window.showFullScreen()
        else:
            apply_theme(QApplication.instance(), self.prefs.theme, self.prefs.font_scale)
            self.scaler.font_scale, self.scaler.line_scale = self.prefs.font_scale, 1.0
            if self._window.isFullScreen():
                self._window.showMaximized() if self._was_maximized else self._window.showNormal()
            if self._saved_layout is not None:
                self._window.restoreState(self._saved_layout)
                self._saved_layout = None
        self._window.session.refresh()  # views redraw, and size their plot text anew
        self._window.fit_controls()
        self.scaler.apply()

    def apply_preferences(self) -> None:
        """Use the saved theme and font scale (at start, or after Preferences change)."""
        if not self.active:
            apply_theme(QApplication.instance(), self.prefs.theme, self.prefs.font_scale)
            self.scaler.font_scale = self.prefs.font_scale
            self._window.session.refresh()
            self.scaler.apply()

    def _rescale_soon(self, *_) -> None:
        if self.scaler.font_scale != 1.0 or self.scaler.line_scale != 1.0:
            QTimer.singleShot(0, self.scaler.apply)
