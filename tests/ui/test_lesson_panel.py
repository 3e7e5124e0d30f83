"""The lesson panel: predict, then reveal, with the answer hidden until the student commits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.session import Session
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    win = MainWindow(Session(), remember_layout=False)
    qtbot.addWidget(win)
    win.show()
    return win


def test_a_predict_step_hides_the_heatmap_until_answered(window, qtbot):
    """The heatmap is covered while the question is open; a click on a token answers and uncovers."""
    panel = window.lesson_panel
    window.lessons.start("bank", 2)
    assert panel.curtain.covering
    assert panel.question.isVisibleTo(window) and "second 'bank'" in panel.question.text()
    tokens = window.session.state.tokens
    wrong = panel.choices.item(tokens.index("went"))
    panel.choices.itemClicked.emit(wrong)
    assert not panel.curtain.covering
    assert panel.verdict.text().startswith("Not quite") and "'river'" in panel.verdict.text()
    window.lessons.go_to(2)
    assert panel.curtain.covering
    panel.choices.itemClicked.emit(panel.choices.item(tokens.index("river")))
    assert panel.verdict.text().startswith("Right!")


def test_duplicate_tokens_are_told_apart_in_the_choices(window):
    """Two 'bank' chips carry their positions so the student can pick the right one."""
    window.lessons.start("bank", 2)
    labels = [window.lesson_panel.choices.item(i).text() for i in range(window.lesson_panel.choices.count())]
    assert "bank #5" in labels and "bank #12" in labels and "river" in labels


def test_reveal_without_guessing(window):
    """The reveal button lifts the curtain without a verdict."""
    window.lessons.start("dinner-party", 1)
    window.lesson_panel.reveal.click()
    assert not window.lesson_panel.curtain.covering
    assert window.lesson_panel.verdict.text() == ""


def test_buttons_and_page_keys_walk_the_steps(window, qtbot):
    """Next and Previous buttons, and Page Down / Page Up, move through the lesson."""
    window.lessons.start("qkv")
    window.lesson_panel.next.click()
    assert window.lessons.step == 1
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert window.lessons.step == 2
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert window.lessons.step == 1
    assert window.lesson_panel.counter.text() == "Step 2 of 3"


def test_choosing_a_lesson_starts_it_and_shows_its_view(window):
    """Picking a lesson in the chooser starts it; a step that names a view brings that view forward."""
    chooser = window.lesson_panel.chooser
    chooser.setCurrentIndex(chooser.findData("qkv"))
    chooser.activated.emit(chooser.currentIndex())
    assert window.lessons.lesson.slug == "qkv"
    assert window.session.state.preset == "example-weights"
    assert not window.docks["matrices"].visibleRegion().isEmpty()
