"""Editors in both directions: the widget changes the session, the session changes the widget."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from app.selection import Selection
from app.session import Session
from ui.embedding_view import EmbeddingView
from ui.matrix_editor import MatricesView
from ui.token_editor import TokenEditor


@pytest.fixture
def session(qapp):
    return Session()


@pytest.fixture
def selection(session):
    return Selection(session)


def cell_center(grid, row: int, col: int) -> QPoint:
    """Where on the heatmap widget the centre of a cell is."""
    return grid.cell_center(row, col).toPoint()


# --- matrix editors -------------------------------------------------------------------------


def test_matrix_editor_shows_the_selected_heads_matrix(session, selection, qtbot):
    """The W_Q tab shows head 1's W_Q with feature names on rows; selecting head 2 follows."""
    view = MatricesView(session, selection)
    qtbot.addWidget(view)
    editor = view.editors["w_q"]
    np.testing.assert_array_equal(editor.grid.values, session.state.w_q[0])
    selection.set_head(1)
    np.testing.assert_array_equal(editor.grid.values, session.state.w_q[1])
    assert view.tabText(0) == "Q: what am I looking for?"  # the explainer's question
    w_o = view.editors["w_o"]
    assert w_o.grid.values.shape == (session.state.d_k, session.state.d_model)


def test_value_box_sets_the_selected_cell_and_undo_restores_the_widget(session, selection, qtbot):
    """Typing a value changes the session; undo puts the old value back in the widget."""
    view = MatricesView(session, selection)
    qtbot.addWidget(view)
    editor = view.editors["w_k"]
    editor.select_cell(2, 1)
    old = session.state.w_k[0, 2, 1]
    editor.value_box.setValue(3.5)
    assert session.state.w_k[0, 2, 1] == 3.5
    assert editor.grid.values[2, 1] == 3.5
    session.end_merge()
    session.undo_stack.undo()
    assert editor.grid.values[2, 1] == old
    assert editor.value_box.value() == pytest.approx(old)


def test_slider_drag_is_one_undo_step(session, selection, qtbot):
    """Dragging the slider through many values leaves one step on the undo stack."""
    view = MatricesView(session, selection)
    qtbot.addWidget(view)
    editor = view.editors["w_v"]
    editor.select_cell(0, 0)
    editor.slider.setSliderDown(True)
    for step in (10, 20, 30, 40):
        editor.slider.setValue(step)
    editor.slider.setSliderDown(False)
    session.end_merge()
    assert session.state.w_v[0, 0, 0] == pytest.approx(2.0)
    assert session.undo_stack.count() == 1


def test_click_selects_and_arrow_keys_move(session, selection, qtbot):
    """Clicking a cell selects it; arrow keys move the selection inside the matrix."""
    view = MatricesView(session, selection)
    qtbot.addWidget(view)
    view.show()
    editor = view.editors["w_q"]
    qtbot.mouseClick(editor.grid, Qt.MouseButton.LeftButton, pos=cell_center(editor.grid, 3, 2))
    assert editor._cell == (3, 2)
    qtbot.keyClick(editor.grid, Qt.Key.Key_Down)
    qtbot.keyClick(editor.grid, Qt.Key.Key_Right)
    assert editor._cell == (4, 3)
    qtbot.keyClick(editor.grid, Qt.Key.Key_Up)
    assert editor._cell == (3, 3)


def test_paint_drag_sets_many_cells_in_one_step(session, selection, qtbot):
    """Painting over three cells sets them all to the box's value, as one undo step."""
    view = MatricesView(session, selection)
    qtbot.addWidget(view)
    editor = view.editors["w_q"]
    old = editor.value_box.blockSignals(True)
    editor.value_box.setValue(-2.0)
    editor.value_box.blockSignals(old)
    for col in range(3):
        editor.grid.sigCellDragged.emit(5, col)
    editor.grid.sigDragFinished.emit()
    np.testing.assert_array_equal(session.state.w_q[0, 5, :3], [-2.0, -2.0, -2.0])
    assert session.undo_stack.count() == 1


def test_head_operations(session, selection, qtbot):
    """Randomise uses the seed shown; Zero and Identity-like fill; copy takes another head."""
    view = MatricesView(session, selection)
    qtbot.addWidget(view)
    editor = view.editors["w_q"]
    editor.seed_box.setValue(42)
    qtbot.mouseClick(_button(editor, "Randomise"), Qt.MouseButton.LeftButton)
    first = session.state.w_q[0].copy()
    qtbot.mouseClick(_button(editor, "Zero"), Qt.MouseButton.LeftButton)
    assert (session.state.w_q[0] == 0).all()
    qtbot.mouseClick(_button(editor, "Randomise"), Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(session.state.w_q[0], first)
    editor.copy_combo.setCurrentIndex(1)
    editor.copy_combo.activated.emit(1)
    np.testing.assert_array_equal(session.state.w_q[0], session.state.w_q[1])


def _button(widget, text):
    from PySide6.QtWidgets import QPushButton

    return next(b for b in widget.findChildren(QPushButton) if b.text() == text)


# --- token editor ---------------------------------------------------------------------------


def test_token_editor_edits_inserts_deletes_and_follows_undo(session, selection, qtbot):
    """Editing a chip, inserting and deleting write the tokens; undo rebuilds the chips."""
    editor = TokenEditor(session, selection)
    qtbot.addWidget(editor)
    assert editor.tokens() == list(session.state.tokens)
    editor.list.item(4).setText("shore")
    assert session.state.tokens[4] == "shore"
    editor.list.setCurrentRow(0)
    editor.delete_token()
    assert session.state.tokens[0] == "went"
    editor.list.setCurrentRow(0)
    editor.insert_token()
    assert session.state.tokens[1] == "word"
    session.undo_stack.undo()
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert editor.tokens()[4] == "bank"
    assert editor.count.text() == "13 / 64 tokens"


def test_chips_are_kept_unless_their_token_changes(session, selection, qtbot):
    """A matrix edit leaves every chip as it was; a token edit (or its undo) rewrites only
    that chip's text; the chips always read as the session's tokens."""
    editor = TokenEditor(session, selection)
    qtbot.addWidget(editor)
    chips = [editor.list.item(i) for i in range(editor.list.count())]
    session.set_cell("w_q", 0, 0, 0, 1.5)
    assert [editor.list.item(i) for i in range(editor.list.count())] == chips
    tokens = list(session.state.tokens)
    tokens[2] = "into"
    session.set_tokens(tokens)
    assert editor.tokens() == tokens and editor.list.item(2) is chips[2]
    session.undo_stack.undo()
    assert editor.tokens() == list(session.state.tokens) and editor.tokens()[2] == "to"
    session.set_tokens(tokens[:5])
    assert editor.tokens() == tokens[:5]


def test_empty_token_is_refused(session, selection, qtbot):
    """Clearing a chip's text shows a message and keeps the token."""
    editor = TokenEditor(session, selection)
    qtbot.addWidget(editor)
    editor.list.item(2).setText("  ")
    assert session.state.tokens[2] == "to"
    assert "cannot be empty" in editor.message.text()


def test_token_editor_refuses_the_65th_token(session, selection, qtbot):
    """Past 64 tokens the editor says so and keeps the sentence."""
    session.set_tokens(["w"] * 64)
    editor = TokenEditor(session, selection)
    qtbot.addWidget(editor)
    editor.insert_token()
    assert len(session.state.tokens) == 64
    assert "at most 64" in editor.message.text()


def test_shuffle_button_permutes(session, selection, qtbot):
    """Shuffle keeps the same tokens in another order."""
    editor = TokenEditor(session, selection)
    qtbot.addWidget(editor)
    qtbot.mouseClick(_button(editor, "Shuffle"), Qt.MouseButton.LeftButton)
    assert sorted(editor.tokens()) == sorted(session.undo_stack.command(0)._before.tokens)


def test_selecting_a_chip_selects_the_query(session, selection, qtbot):
    """Clicking a token chip selects that query token everywhere, and back."""
    editor = TokenEditor(session, selection)
    qtbot.addWidget(editor)
    editor.list.setCurrentRow(6)
    assert selection.query == 6
    selection.set_query(2)
    assert editor.list.currentRow() == 2


# --- embedding inspector --------------------------------------------------------------------


def test_embedding_view_shows_parts_and_their_sum(session, selection, qtbot):
    """Word part, position part and x are shown, and x = words + positions."""
    view = EmbeddingView(session, selection)
    qtbot.addWidget(view)
    e = session.snapshot.embedded
    np.testing.assert_array_equal(view.words.values, e.words)
    np.testing.assert_array_equal(view.positions.values, e.positions)
    np.testing.assert_array_equal(view.total.values, e.words + e.positions)
    session.set_positions("none")
    assert (view.positions.values == 0).all()


def test_editing_a_feature_changes_the_word_everywhere(session, selection, qtbot):
    """Setting bank's finance feature in the inspector changes both banks; reset restores it."""
    view = EmbeddingView(session, selection)
    qtbot.addWidget(view)
    view.select_cell(4, 0)
    view.value_box.setValue(-1.0)
    assert view.words.values[4, 0] == -1.0 and view.words.values[11, 0] == -1.0
    view.reset.click()
    assert view.words.values[4, 0] == pytest.approx(0.8)
