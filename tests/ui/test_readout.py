"""Readout: a changing number must not lay out the window again, and must never be clipped."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from ui.readout import Readout


class LayoutRequests(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def _window(qtbot, label_cls):
    """A window: an outer layout holding a row with the label and a slider."""
    top = QWidget()
    outer = QVBoxLayout(top)
    row_widget = QWidget()
    row = QHBoxLayout(row_widget)
    label = label_cls("W_Q[finance, 1] = 0.50")
    row.addWidget(label)
    row.addWidget(QSlider())
    outer.addWidget(row_widget)
    qtbot.addWidget(top)
    top.show()
    qtbot.waitExposed(top)
    qtbot.wait(10)
    watch = LayoutRequests()
    top.installEventFilter(watch)
    return top, label, watch


def _fits(label) -> bool:
    hint = QLabel.sizeHint(label)
    return label.width() >= hint.width() and label.height() >= hint.height()


def test_a_qlabel_lays_out_the_window_at_every_change(qtbot):
    """The reason Readout exists: if this ever stops failing, Readout is not needed."""
    top, label, watch = _window(qtbot, QLabel)
    label.setText("W_Q[finance, 1] = 0.75")
    qtbot.wait(10)
    assert watch.count >= 1


def test_a_readout_changing_its_number_does_not_lay_out_the_window(qtbot):
    top, label, watch = _window(qtbot, Readout)
    for value in ("0.75", "0.25", "0.51", "0.99"):  # digits have one width
        label.setText(f"W_Q[finance, 1] = {value}")
        qtbot.wait(5)
    assert watch.count == 0
    assert label.text() == "W_Q[finance, 1] = 0.99"
    assert _fits(label)


def test_a_readout_grows_for_a_longer_text_and_keeps_that_width(qtbot):
    top, label, watch = _window(qtbot, Readout)
    before = label.width()
    label.setText("W_Q[determiner, 12] = -12.50")
    qtbot.wait(10)
    assert label.width() > before
    assert _fits(label)
    grown = label.width()
    label.setText("W_Q[x, 1] = 0")  # shorter: no jitter, no new layout
    qtbot.wait(10)
    assert label.width() == grown


def test_a_readout_is_measured_again_when_its_font_grows(qtbot):
    top, label, watch = _window(qtbot, Readout)
    small = label.height()
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2.5)
    label.setFont(font)
    qtbot.wait(10)
    assert label.height() > small
    assert _fits(label)


def test_a_readout_is_measured_again_when_a_style_sheet_sets_its_font(qtbot):
    top, label, watch = _window(qtbot, Readout)
    small = label.height()
    top.setStyleSheet("QLabel { font-size: 40px; }")
    qtbot.wait(10)
    assert label.height() > small
    assert _fits(label)
