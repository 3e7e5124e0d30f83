"""The lines view: one line per weight, width and opacity from the weight, colour per head."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from ui.lines_view import MAX_LINES, MIN_WEIGHT, line_alpha, line_width, select_lines


def test_one_line_per_weight_above_the_threshold(bank_window, open_view):
    """All heads: as many lines as weights >= 0.01, each with that weight."""
    lines_view = open_view("lines")
    weights = bank_window.session.result.weights
    lines = lines_view.canvas.lines
    assert len(lines.weights) == int((weights >= MIN_WEIGHT).sum())
    np.testing.assert_array_equal(lines.weights, weights[lines.heads, lines.queries, lines.keys])


def test_width_and_opacity_grow_with_the_weight():
    """A heavier weight draws a wider, more opaque line."""
    assert line_width(0.9) > line_width(0.1) > line_width(0.0) > 0
    assert line_alpha(1.0) == 255 and line_alpha(0.1) < line_alpha(0.5)


def test_selected_head_only_shows_that_heads_lines(bank_window, open_view):
    """Switching to "Selected head only" keeps the selected head's lines alone."""
    lines_view = open_view("lines")
    bank_window.selection.set_head(1)
    lines_view.mode.setCurrentIndex(lines_view.mode.findData("selected"))
    lines = lines_view.canvas.lines
    assert set(lines.heads.tolist()) == {1}
    assert len(lines.weights) == int((bank_window.session.result.weights[1] >= MIN_WEIGHT).sum())
    bank_window.selection.set_head(0)
    assert set(lines_view.canvas.lines.heads.tolist()) == {0}


def test_hovering_a_token_isolates_its_lines(bank_window, open_view, qtbot):
    """The mouse on query token 4 keeps only lines from query 4; on key 7, only lines to key 7."""
    canvas = open_view("lines").canvas
    qtbot.wait(10)  # let the raised dock lay the canvas out before measuring it
    row_h = canvas._row_height()
    y = int(12 + 4.5 * row_h)
    # Sent straight to the canvas: a real cursor move can be taken by a window left over
    # from an earlier test.
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(5, y),
        QPointF(canvas.mapToGlobal(QPoint(5, y))),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas, move)
    assert canvas.hovered == ("query", 4)
    shown = canvas.visible_mask()
    assert set(canvas.lines.queries[shown].tolist()) == {4}
    assert canvas.token_at(QPointF(canvas.width() - 5, 12 + 7.5 * row_h)) == ("key", 7)


def test_clicking_a_query_token_selects_it_everywhere(bank_window, open_view, qtbot):
    """A click on a token in the left column selects that query in the heatmap too."""
    canvas = open_view("lines").canvas
    qtbot.wait(10)
    y = int(12 + 2.5 * canvas._row_height())
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(5, y))
    assert bank_window.selection.query == 2
    assert bank_window.attention_view.heatmap.selected_row == 2


def test_many_tokens_and_heads_draw_only_the_strongest_lines():
    """64 tokens x 16 heads of even weights: at most MAX_LINES lines are kept."""
    rng = np.random.default_rng(0)
    w = rng.random((16, 64, 64))
    w /= w.sum(axis=-1, keepdims=True)
    lines = select_lines(w, range(16))
    assert lines.capped
    assert len(lines.weights) <= MAX_LINES + 16  # ties at the threshold may add a few
    assert lines.weights.min() >= lines.threshold


def test_lines_redraw_after_a_new_sentence(bank_window, open_view):
    """set_sentence relabels the columns and recomputes the lines."""
    canvas = open_view("lines").canvas
    bank_window.session.set_sentence("The red car")
    assert canvas.tokens == ("The", "red", "car")
    assert canvas.lines.queries.max() <= 2


def test_the_lines_picture_catches_up_with_an_edit(bank_window, open_view, qtbot):
    """Painted on a worker thread, the picture ends on the newest lines, as painted directly."""
    from ui.lines_view import paint_picture

    canvas = open_view("lines").canvas
    qtbot.wait(10)
    canvas.repaint()
    bank_window.session.set_causal(True)
    bank_window.selection.set_query(3)
    canvas.repaint()
    qtbot.waitUntil(lambda: not canvas.picture_pending(), timeout=30_000)
    canvas.repaint()  # shows the picture that came back (the newest asked for)
    qtbot.waitUntil(lambda: not canvas.picture_pending(), timeout=30_000)
    job = canvas.picture_job()
    assert canvas._picture_job.faded_except == 3
    assert np.array_equal(canvas._picture_job.weights, job.weights)
    assert canvas._picture == paint_picture(job)
