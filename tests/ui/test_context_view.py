"""The context effect: bars of how far each token moved, cosine similarities, the two banks."""

from __future__ import annotations

import numpy as np

from app.analysis import snapshot_context_effect


def test_bars_are_the_norms_of_output_minus_input(bank_window, open_view):
    """One bar per token, its length ||output_i - x_i||."""
    context = open_view("context")
    snap = bank_window.session.snapshot
    expected = np.linalg.norm(snap.result.output - snap.embedded.x, axis=1)
    np.testing.assert_allclose(context.picture.shift, expected)
    assert context.picture.labels == list(snap.state.tokens)


def test_similarity_matrix_is_the_outputs_cosines(bank_window, open_view):
    """The heatmap holds the cosine similarity of the outputs (or the inputs, when chosen)."""
    context = open_view("context")
    effect = snapshot_context_effect(bank_window.session.snapshot)
    np.testing.assert_array_equal(context.picture.values, effect.output_cosine)
    context.which.setCurrentIndex(context.which.findData("input"))
    np.testing.assert_array_equal(context.picture.values, effect.input_cosine)


def test_the_two_banks_are_called_out(bank_window, open_view):
    """The callout names both banks; positions off makes their outputs identical."""
    context = open_view("context")
    text = context.callout.text()
    assert "'bank'</b> (tokens 5 and 12)" in text and "differ" in text
    assert len(context.picture.outlines) == 2 * 3  # bank, the, to: both cells of each pair
    bank_window.session.set_positions("none")
    assert "identical outputs" in context.callout.text()
    assert "positions off" in context.callout.text()


def test_a_sentence_without_repeats_says_so(bank_window, open_view):
    """No repeated word: the callout suggests the Bank preset."""
    context = open_view("context")
    bank_window.session.set_sentence("The red car")
    assert "No word appears twice" in context.callout.text()
    assert context.picture.values.shape == (3, 3)


def test_hovering_reads_a_cell_and_a_bar(bank_window, open_view, qtbot):
    """The readout names the two tokens of the cell under the mouse, or the bar's token."""
    context = open_view("context")
    qtbot.wait(20)
    picture = context.picture
    qtbot.mouseMove(picture, picture.cell_center(4, 11).toPoint())
    value = context.picture.values[4, 11]
    assert context.readout.text() == (
        f"Cosine similarity of 'bank' (token 5) and 'bank' (token 12) = {value:.2f}"
    )
    qtbot.mouseMove(picture, picture.cell_center(6, -1).toPoint())
    assert context.readout.text() == f"'deposit' (token 7) moved {context.shift[6]:.2f}"


def test_cells_are_painted_in_their_colour_and_rows_line_up(bank_window, open_view, qtbot):
    """Cell (r, c) of the matrix shows similarity[r, c] in viridis (not transposed), each bar
    is as long as its number, and bar i stands on the same row as matrix row i."""
    from PySide6.QtGui import QColor

    from ui.heatmap import colour_map

    context = open_view("context")
    qtbot.wait(20)
    picture = context.picture
    image = picture.grab().toImage()
    values, low = picture.values, picture.low
    viridis = colour_map("viridis")
    for r, c in ((0, 1), (1, 0), (4, 11), (12, 3)):
        centre = picture.cell_center(r, c)
        assert abs(centre.y() - picture.cell_center(r, -1).y()) < 1e-9  # same row across
        want = QColor(*viridis.map((values[r, c] - low) / (1.0 - low), mode="byte")[:3])
        got = image.pixelColor(centre.toPoint())
        assert max(abs(got.red() - want.red()), abs(got.green() - want.green())) <= 10, (r, c)
    bars = picture._layout()["bars"]
    scale = bars.width() / picture.bar_range()
    for i in (0, 6):
        y = round(picture.cell_center(i, -1).y())
        end = bars.left() + picture.shift[i] * scale
        assert image.pixelColor(round(end) - 2, y) != QColor("white")
        assert image.pixelColor(round(end) + 2, y) == QColor("white")


def test_text_grows_with_the_presentation_scale(bank_window, open_view):
    """Names and numbers are laid out at the theme's font scale (presentation mode)."""
    from PySide6.QtGui import QFontMetricsF

    from ui import theme

    picture = open_view("context").picture
    normal = QFontMetricsF(picture._layout()["number_font"]).height()
    before = theme.font_scale()
    theme._scale["font"] = 2.0
    try:
        picture.update()
        assert QFontMetricsF(picture._layout()["number_font"]).height() > 1.5 * normal
    finally:
        theme._scale["font"] = before


def test_one_token_and_a_tiny_widget_paint_without_error(bank_window, open_view):
    """A single token (cosine 1 with itself) and a widget too small for anything."""
    context = open_view("context")
    bank_window.session.set_sentence("bank")
    context.picture.grab()
    context.picture.resize(30, 20)
    context.picture.grab()
    assert context.picture.values.shape == (1, 1)
