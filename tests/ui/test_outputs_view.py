"""The outputs view: head outputs, concatenation, W_O and output, with their labels."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint

from ui.outputs_view import MAX_SEPARATE_HEADS, concat_labels


def test_matrices_have_the_results_shapes_and_values(bank_window, open_view):
    """Heads n x d_k, concatenation n x h*d_k, W_O h*d_k x d_model, output n x d_model."""
    outputs = open_view("outputs")
    res, state = bank_window.session.result, bank_window.session.state
    n, h, dk, d = len(state.tokens), state.n_heads, state.d_k, state.d_model
    assert [p.values.shape for p in outputs.head_plots] == [(n, dk)] * h
    for k, plot in enumerate(outputs.head_plots):
        np.testing.assert_array_equal(plot.values, res.head_outputs[k])
    np.testing.assert_array_equal(outputs.concat_plot.values, res.concat)
    np.testing.assert_array_equal(outputs.w_o_plot.values, state.w_o)
    np.testing.assert_array_equal(outputs.output_plot.values, res.output)
    assert outputs.concat_plot.values.shape == (n, h * dk)
    assert outputs.w_o_plot.values.shape == (h * dk, d)
    assert outputs.output_plot.values.shape == (n, d)


def test_tokens_on_rows_and_features_on_the_outputs_columns(bank_window, open_view):
    """Rows are the tokens; the output's and W_O's columns are the named features."""
    outputs = open_view("outputs")
    tokens = list(bank_window.session.state.tokens)
    features = bank_window.session.feature_names()
    assert outputs.output_plot.rows == tokens
    assert outputs.output_plot.columns == features[:16]
    assert outputs.output_plot.columns[0] == "finance"
    assert outputs.w_o_plot.columns == outputs.output_plot.columns
    assert outputs.w_o_plot.rows == concat_labels(2, 4) == outputs.concat_plot.columns


def test_head_boundaries_are_marked_in_the_concatenation(bank_window, open_view):
    """A thick line separates head 1's columns from head 2's, at column d_k."""
    outputs = open_view("outputs")
    assert outputs.concat_plot.marks == [bank_window.session.state.d_k]


def test_colours_are_centred_on_zero(bank_window, open_view):
    """Each matrix's colour scale is symmetric around 0, so white always means 0."""
    outputs = open_view("outputs")
    for plot in outputs.plots():
        low, high = plot.image.levels
        assert low == -high


def test_many_heads_show_the_selected_heads_output_alone(bank_window, open_view):
    """Beyond four heads, only the selected head gets its own matrix; the rest live in the concatenation."""
    outputs = open_view("outputs")
    bank_window.session.set_heads(MAX_SEPARATE_HEADS + 2)
    bank_window.selection.set_head(5)
    assert len(outputs.head_plots) == 1
    np.testing.assert_array_equal(outputs.head_plots[0].values, bank_window.session.result.head_outputs[5])
    assert outputs.concat_plot.values.shape[1] == 6 * bank_window.session.state.d_k


def test_hover_reads_a_cell(bank_window, open_view):
    """The readout names the matrix, the row token, the column and the value."""
    outputs = open_view("outputs")
    text = outputs.output_plot.describe(4, 0)
    value = bank_window.session.result.output[4, 0]
    assert text == f"Output: row 'bank', column 'finance' = {value:.2f}"


def test_each_cell_is_painted_in_its_colour_and_hover_reads_it(bank_window, open_view, qtbot):
    """Cell (r, c) of the output is painted r rows down, c columns across in its value's
    colour (red positive, blue negative, white 0); the mouse over it reads it out."""
    from PySide6.QtGui import QColor

    from ui.signed_heatmap import DIVERGING

    outputs = open_view("outputs")
    qtbot.wait(20)
    row = outputs.graphics
    plot = outputs.output_plot
    rect = row.matrix_rect(plot)
    n_rows, n_cols = plot.values.shape
    image = row.grab().toImage()
    for r, c in ((0, 0), (4, 0), (4, 13), (12, 15)):
        x = rect.left() + (c + 0.5) * rect.width() / n_cols
        y = rect.top() + (r + 0.5) * rect.height() / n_rows
        want = QColor(*DIVERGING.map(0.5 + 0.5 * plot.values[r, c] / plot.limit, mode="byte")[:3])
        got = image.pixelColor(round(x), round(y))
        assert max(abs(got.red() - want.red()), abs(got.blue() - want.blue())) <= 12, (r, c)
    qtbot.mouseMove(
        row,
        rect.topLeft().toPoint()
        + QPoint(int(rect.width() / n_cols * 0.5), int(rect.height() / n_rows * 4.5)),
    )
    assert outputs.readout.text() == plot.describe(4, 0)


def test_a_tiny_view_paints_without_error(bank_window, open_view):
    """Squeezed to almost nothing, the row of matrices paints and reads nothing."""
    from PySide6.QtCore import QPointF

    row = open_view("outputs").graphics
    row.resize(20, 15)
    row.grab()
    assert row.cell_at(QPointF(5, 5)) == (-1, -1, -1)
