"""LayoutFence: a changing number must not lay out the window again, and never be clipped."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from ui.layout_fence import LayoutFence, fenced

READOUT = "W_Q[finance, 1] = 0.50"
CAPTION = "Mostly: <b>itself</b> (14% of each row) · entropy 3.79 bits · peak 0.50"


class LayoutRequests(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def _window(qtbot, label: QLabel, fence: bool, width: int = 400):
    """A window: an outer layout holding a row with the label (fenced or not) and a slider."""
    top = QWidget()
    outer = QVBoxLayout(top)
    row_widget = QWidget()
    row = QHBoxLayout(row_widget)
    row.addWidget(fenced(label) if fence else label)
    row.addWidget(QSlider(Qt.Orientation.Horizontal))
    outer.addWidget(row_widget)
    outer.addStretch(1)
    qtbot.addWidget(top)
    top.resize(width, 300)
    top.show()
    qtbot.waitExposed(top)
    qtbot.wait(10)
    watch = LayoutRequests()
    top.installEventFilter(watch)
    return top, watch


def _fits(label: QLabel) -> bool:
    hint = label.minimumSizeHint()
    height = label.heightForWidth(label.width()) if label.hasHeightForWidth() else hint.height()
    return label.width() >= hint.width() and label.height() >= height


def test_a_bare_label_lays_out_the_window_at_every_change(qtbot):
    """The reason for the fence: if this ever stops holding, the fence is not needed."""
    label = QLabel(READOUT)
    top, watch = _window(qtbot, label, fence=False)
    label.setText("W_Q[finance, 1] = 0.75")
    qtbot.wait(10)
    assert watch.count >= 1


def test_a_fenced_number_changing_its_digits_does_not_lay_out_the_window(qtbot):
    label = QLabel(READOUT)
    top, watch = _window(qtbot, label, fence=True)
    for value in ("0.75", "0.25", "0.51", "0.99"):  # digits share one width
        label.setText(f"W_Q[finance, 1] = {value}")
        qtbot.wait(5)
    assert watch.count == 0
    assert label.text() == "W_Q[finance, 1] = 0.99"
    assert _fits(label)


def test_a_fenced_label_gets_room_for_a_longer_text(qtbot):
    label = QLabel(READOUT)
    top, watch = _window(qtbot, label, fence=True)
    before = label.width()
    label.setText("W_Q[determiner, 12] = -12.50 (a much longer readout)")
    qtbot.wait(20)
    assert label.width() > before
    assert _fits(label)


def test_a_fenced_wrapped_caption_gets_another_line_when_its_text_needs_one(qtbot):
    label = QLabel(CAPTION)
    label.setWordWrap(True)
    top, watch = _window(qtbot, label, fence=True, width=260)
    one = label.height()
    label.setText(CAPTION.replace("0.50", "0.51"))  # same length: no new layout
    qtbot.wait(10)
    assert watch.count == 0
    label.setText(CAPTION + " and much more text that needs at least one more line here")
    qtbot.wait(20)
    assert label.height() > one
    assert _fits(label)


def test_a_fenced_label_is_measured_again_when_its_font_grows(qtbot):
    label = QLabel(READOUT)
    top, watch = _window(qtbot, label, fence=True)
    small = label.height()
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2.5)
    label.setFont(font)
    qtbot.wait(20)
    assert label.height() > small
    assert _fits(label)


def test_a_style_sheet_font_reaches_the_fenced_label(qtbot):
    label = QLabel(READOUT)
    top, watch = _window(qtbot, label, fence=True)
    small = label.height()
    top.setStyleSheet("QLabel { font-size: 40px; }")
    qtbot.wait(20)
    assert label.height() > small
    assert _fits(label)


def test_hiding_the_fenced_label_gives_its_room_back(qtbot):
    label = QLabel(READOUT)
    top, watch = _window(qtbot, label, fence=True)
    fence = label.parentWidget()
    assert isinstance(fence, LayoutFence)
    label.hide()
    qtbot.wait(10)
    assert not fence.isVisible()
    label.show()
    qtbot.wait(10)
    assert fence.isVisible() and label.isVisible()
    assert _fits(label)
