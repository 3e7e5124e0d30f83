"""The main window, driven as a person would: type, slide, toggle, click."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.session import Session
from ui.heatmap import short_label
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    win = MainWindow(Session(), remember_layout=False)
    qtbot.addWidget(win)
    win.show()
    return win


def test_heatmap_shows_the_selected_heads_weights_row_is_query(window):
    """The heatmap holds weights[head] as is (row = query token), with tokens on both axes."""
    heatmap = window.attention_view.heatmap
    np.testing.assert_array_equal(heatmap.values, window.session.result.weights[0])
    assert heatmap.row_labels() == window.session.state.tokens
    assert heatmap.column_labels() == window.session.state.tokens
    # A row sums to 1; a column need not: the rows are the queries.
    np.testing.assert_allclose(heatmap.values.sum(axis=1), 1.0)
    assert len(heatmap.cell_texts()) == 13 * 13


def test_typing_a_sentence_changes_the_heatmap_labels(window, qtbot):
    """Typing into the sentence box relabels the heatmap at once."""
    edit = window.controls.sentence_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "The red car")
    heatmap = window.attention_view.heatmap
    assert heatmap.row_labels() == ("The", "red", "car")
    assert heatmap.values.shape == (3, 3)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    window.session.undo_stack.undo()  # the whole burst of typing is one step
    assert len(heatmap.row_labels()) == 13


def test_clearing_the_sentence_keeps_the_last_good_heatmap(window, qtbot):
    """An empty sentence shows a message and leaves the heatmap as it was."""
    edit = window.controls.sentence_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert window.controls.message.isVisibleTo(window)
    assert "no tokens" in window.controls.message.text()
    assert len(window.attention_view.heatmap.row_labels()) == 13


def test_head_slider_changes_the_number_of_heads(window, qtbot):
    """Moving the head slider changes how many heads the result has, and the head list."""
    slider = window.controls.heads_slider
    slider.setFocus()
    for _ in range(3):
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert window.session.result.n_heads == 5
    assert window.controls.head_combo.count() == 5
    window.controls.head_combo.setCurrentIndex(4)
    assert window.selection.head == 4
    np.testing.assert_array_equal(window.attention_view.heatmap.values, window.session.result.weights[4])
    assert window.attention_view.title.text().startswith("Head 5")


def test_toggles_reach_the_result(window):
    """Causal, scale, positions and temperature controls change the computed attention."""
    c = window.controls
    c.causal_check.setChecked(True)
    assert window.session.state.causal
    assert window.session.result.masked[0, 0, 1]
    assert window.attention_view.heatmap.cell_texts()[1] == "\u2013"  # masked, not 0.00
    c.scale_check.setChecked(False)
    assert not window.session.state.scale
    c.positions_combo.setCurrentIndex(c.positions_combo.findData("none"))
    assert window.session.state.positions == "none"
    c.temperature_slider.setValue(c.temperature_slider.maximum())
    assert window.session.state.temperature == pytest.approx(10.0)


def test_undo_updates_the_controls(window):
    """Undo moves the widgets back: the model drives the view, not only the reverse."""
    window.session.set_heads(6)
    assert window.controls.heads_slider.value() == 6
    window.session.undo_stack.undo()
    assert window.controls.heads_slider.value() == 2
    assert window.controls.head_combo.count() == 2


def test_clicking_a_row_selects_that_query(window, qtbot):
    """A click on a heatmap cell selects its query row everywhere."""
    heatmap = window.attention_view.heatmap
    centre = heatmap.matrix_rect().center()  # the middle of the cells: some row, some column
    row, col = heatmap.cell_at(centre)
    assert row >= 0 and row != window.selection.query
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_center(row, col).toPoint())
    assert window.selection.query == row
    assert heatmap.selected_row == row


def test_long_tokens_are_shortened_on_the_axes():
    """A 40-character token is cut with an ellipsis so labels never overlap the matrix."""
    assert short_label("x" * 40) == "x" * 11 + "\u2026"
    assert short_label("bank") == "bank"


def test_layout_is_remembered(qtbot):
    """Closing saves the window's size and docks; a new window comes back the same."""
    # The offscreen screen is small: use whatever size the window settles at.
    win = MainWindow(Session(), remember_layout=True)
    qtbot.addWidget(win)
    win.show()
    win.resize(700, 500)
    win.docks["cost"].hide()
    size = win.size()
    win.close()
    again = MainWindow(Session(), remember_layout=True)
    qtbot.addWidget(again)
    again.show()
    assert again.size() == size
    assert not again.docks["cost"].isVisible()
    assert again.docks["matrices"].isVisible()
