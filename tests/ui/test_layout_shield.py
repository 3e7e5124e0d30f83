"""A label whose text changes often lays out its window again only when it needs other room."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QSlider, QTabWidget, QVBoxLayout, QWidget

from ui.layout_shield import LayoutShield

LONG = "a readout much longer than the hundred and eighty pixels it started with"
WRAPPING = " ".join(["several words that wrap"] * 8)


class _LayoutRequests(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def _window(qtbot, label: QLabel, shielded: bool):
    """A tab widget (it repaints itself whole on every layout request) holding the label."""
    page = QWidget()
    column = QVBoxLayout(page)
    column.addWidget(LayoutShield(label) if shielded else label)
    column.addWidget(QSlider(), 1)
    tabs = QTabWidget()
    tabs.addTab(page, "page")
    top = QWidget()
    QVBoxLayout(top).addWidget(tabs)
    qtbot.addWidget(top)
    top.resize(500, 300)
    top.show()
    qtbot.waitExposed(top)
    qtbot.wait(10)
    counter = _LayoutRequests()
    tabs.installEventFilter(counter)
    return top, counter


def _pair(qtbot, text: str, *, wrap: bool):
    """The same label in two windows: as it was (in the layout) and shielded."""
    out = []
    for shielded in (False, True):
        label = QLabel(text)
        label.setMinimumWidth(180)
        label.setWordWrap(wrap)
        out.append((label, *_window(qtbot, label, shielded)))
    return out


def _step(qtbot, pair, action) -> list[int]:
    """Do ``action`` to both labels; both end the same size and place. Layout requests per window."""
    counts = []
    for label, _, counter in pair:
        counter.count = 0
        action(label)
    qtbot.wait(20)
    (plain, *_), (shielded, *_) = pair
    assert shielded.size() == plain.size()
    assert shielded.mapTo(shielded.window(), shielded.rect().topLeft()) == plain.mapTo(
        plain.window(), plain.rect().topLeft()
    )
    counts = [counter.count for _, _, counter in pair]
    return counts


def test_a_new_number_that_fits_the_same_room_lays_nothing_out(qtbot):
    """Unshielded, every new text reaches the tab widget; shielded, only a text that needs more room."""
    pair = _pair(qtbot, "x = 0.50", wrap=False)
    plain, shielded = _step(qtbot, pair, lambda label: label.setText("x = 0.75"))
    assert plain > 0 and shielded == 0
    plain, shielded = _step(qtbot, pair, lambda label: label.setText(LONG))
    assert shielded > 0  # more room needed: laid out, as the plain label is
    _step(qtbot, pair, lambda label: label.setText("x = 0.5"))


def test_a_wrapped_label_gets_the_lines_its_new_text_needs(qtbot):
    """Word-wrapped text that needs more lines gets them, also after the window is resized."""
    pair = _pair(qtbot, "short", wrap=True)
    _step(qtbot, pair, lambda label: label.setText(WRAPPING))
    (shielded, top, _) = pair[1]
    assert shielded.height() >= shielded.heightForWidth(shielded.width())  # every line shows
    _step(qtbot, pair, lambda label: label.window().resize(300, 500))  # narrower: more lines
    _step(qtbot, pair, lambda label: label.setText(WRAPPING + " and more"))
    _step(qtbot, pair, lambda label: label.window().resize(700, 500))
    _step(qtbot, pair, lambda label: label.setText("short again"))


def test_text_set_while_hidden_is_laid_out_when_shown(qtbot):
    """A shield that was hidden when the text changed tells the layout once it shows."""

    def hidden_change(label):
        label.window().hide()
        label.setText(WRAPPING)
        label.window().show()

    pair = _pair(qtbot, "short", wrap=True)
    _step(qtbot, pair, hidden_change)
