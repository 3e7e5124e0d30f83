"""Presentation mode: at 1920x1080 every piece of text on screen is at least 18 px tall."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QLineEdit, QSpinBox, QTabBar

from app.session import Session
from ui.cell_texts import CellTexts
from ui.heatmap import AttentionHeatmap
from ui.main_window import MainWindow

MIN_TEXT_PX = 18


@pytest.fixture
def window(qtbot):
    win = MainWindow(Session(), remember_layout=False)
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    yield win
    win.presentation.set_active(False)


def visible_text_heights(win):
    """(what, pixel height) for every visible text-bearing widget and plot text item."""
    out = []
    for cls in (QLabel, QAbstractButton, QComboBox, QLineEdit, QSpinBox, QTabBar):
        for w in win.findChildren(cls):
            text = w.text() if hasattr(w, "text") else "x"
            if (
                w.isVisibleTo(win) and not w.visibleRegion().isEmpty() and text
            ):  # icon-only buttons have no text
                out.append((f"{cls.__name__} {text!r}", QFontMetricsF(w.font()).height()))
    for heatmap in win.findChildren(AttentionHeatmap):  # painted: it names the fonts it writes in
        if heatmap.isVisibleTo(win) and not heatmap.visibleRegion().isEmpty():
            out += [(what, QFontMetricsF(font).height()) for what, font in heatmap.painted_fonts()]
    for view in win.findChildren(pg.GraphicsView):
        # A graphics view is covered by its viewport: ask the viewport what shows.
        if not view.isVisibleTo(win) or view.viewport().visibleRegion().isEmpty():
            continue
        for item in view.scene().items():
            if isinstance(item, pg.TextItem) and item.isVisible():
                out.append(("plot text", QFontMetricsF(item.textItem.font()).height()))
            elif (
                isinstance(item, pg.AxisItem) and item.isVisible() and item.style.get("tickFont") is not None
            ):
                out.append(("axis ticks", QFontMetricsF(item.style["tickFont"]).height()))
            elif isinstance(item, CellTexts) and item.isVisible() and item.texts:
                cell = view.mapFromScene(item.mapToScene(QRectF(0, 0, 1, 1))).boundingRect()
                font = item.fitting_font(cell.width(), cell.height())
                if font is not None:  # None: no numbers drawn at all
                    out.append(("cell numbers", QFontMetricsF(font).height()))
    return out


def test_smallest_text_is_at_least_18_px(window, qtbot, tmp_path):
    """In presentation mode at 1920x1080 no visible text is shorter than 18 pixels."""
    window.session.load_preset("bank")
    window.presentation.set_active(True, full_screen=False)
    for _ in range(3):
        QApplication.processEvents()
    window.grab().save(str(tmp_path / "presentation.png"))
    heights = visible_text_heights(window)
    assert len(heights) > 20
    kinds = {what for what, _ in heights}
    assert {"token labels", "cell numbers"} <= kinds  # the heatmap's own text is measured too
    too_small = [(what, round(h, 1)) for what, h in heights if h < MIN_TEXT_PX]
    assert not too_small, too_small


def test_normal_mode_has_smaller_text_and_docks_come_back(window):
    """Leaving presentation mode restores the normal font and every view dock."""
    visible_before = {k for k, d in window.docks.items() if d.isVisible()}
    window.presentation.set_active(True, full_screen=False)
    assert not any(d.isVisible() for d in window.docks.values())
    window.presentation.set_active(False)
    assert {k for k, d in window.docks.items() if d.isVisible()} == visible_before
    assert QFontMetricsF(QApplication.font()).height() < MIN_TEXT_PX


def test_f11_toggles_presentation(window, qtbot):
    """The F11 action switches presentation mode on and off."""
    window.presentation_action.trigger()
    assert window.presentation.active and window.isFullScreen()
    window.presentation_action.trigger()
    assert not window.presentation.active and not window.isFullScreen()


def _bar_labels(window) -> list[str]:
    """The numbers the centre heatmap's colour bar draws now."""
    heatmap = window.attention_view.heatmap
    heatmap.grab()  # painted: the numbers are chosen for the bar's length when painted
    return heatmap.colour_bar.tick_texts()


def _bar_extent(window) -> int:
    """Pixels the colour bar with its numbers takes beside the matrix."""
    heatmap = window.attention_view.heatmap
    return heatmap.colour_bar.extent(heatmap.matrix_rect().height())


def test_the_colour_bar_keeps_its_numbers_in_presentation_mode(window):
    """pyqtgraph's bar had a fixed 45 px axis: the bigger numbers did not fit, and only "0"
    was drawn. The room for the numbers grows with the text and comes back afterwards."""
    window.session.load_preset("bank")
    normal = _bar_labels(window)
    width = _bar_extent(window)
    assert len(normal) >= 5
    window.presentation.set_active(True, full_screen=False)
    for _ in range(3):
        QApplication.processEvents()
    big = _bar_labels(window)
    assert len(big) >= 5, big
    assert {"0", "0.2", "0.4", "0.6", "0.8"} <= set(big)
    assert set(big) <= {f"{i / 10:g}" for i in range(11)}  # round numbers, as before
    assert _bar_extent(window) > width  # bigger numbers, more room
    window.presentation.set_active(False)
    for _ in range(3):  # the normal size comes back with the normal font
        QApplication.processEvents()
    assert _bar_extent(window) == width


def test_axis_lines_widen_with_the_text(qapp):
    """Axis lines and ticks are a screen pixel at normal size, two at twice the text."""
    from ui import theme
    from ui.painted_axes import axis_pen

    theme.apply_theme(font_scale=1.0)
    assert axis_pen().width() == 1 and axis_pen().isCosmetic()
    theme.apply_theme(font_scale=2.0)
    assert axis_pen().width() == 2
