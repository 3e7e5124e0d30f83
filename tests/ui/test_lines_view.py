"""The lines view: one line per weight, width and opacity from the weight, colour per head."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from ui import line_raster
from ui.lines_data import (
    FADED_ALPHA,
    HEAD_COLOURS,
    MAX_LINES,
    MIN_WEIGHT,
    line_alpha,
    line_width,
    select_lines,
)
from ui.lines_qt import LEVELS, ORDER_WINDOW, batch_pen, plan_batches

ROOT = Path(__file__).resolve().parents[2]


def _pixels(image: QImage) -> np.ndarray:
    """(rows, cols, 3) red, green, blue of ``image``."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    words = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    words = words[:, : image.width()]
    return np.stack([(words >> 16) & 255, (words >> 8) & 255, words & 255], axis=-1).astype(int)


def _hover(canvas, pos: QPointF) -> None:
    # Sent straight to the canvas: a real cursor move can be taken by a window left over
    # from an earlier test.
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        pos,
        QPointF(canvas.mapToGlobal(pos.toPoint())),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas, move)


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
    _hover(canvas, QPointF(5, int(12 + 4.5 * row_h)))
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


def test_hovering_a_token_leaves_only_its_lines_on_screen(bank_window, open_view, qtbot):
    """Next to query 0's row, lines fan out; hovering query 4 leaves white there."""
    canvas = open_view("lines").canvas
    qtbot.wait(10)
    left, _ = canvas._columns()
    row_h = canvas._row_height()
    x, y = int(left + 12), int(12 + 0.5 * row_h)
    before = _pixels(canvas.grab().toImage())[y - 2 : y + 3, x]
    _hover(canvas, QPointF(5, int(12 + 4.5 * row_h)))
    after = _pixels(canvas.grab().toImage())[y - 2 : y + 3, x]
    assert before.min() < 200  # query 0's lines
    assert after.min() == 255  # query 4's lines start four rows lower


def test_a_selected_query_fades_the_other_lines(bank_window, open_view):
    """With query 3 selected, its lines keep their opacity and the others fade."""
    canvas = open_view("lines").canvas
    bank_window.selection.set_query(3)
    _, alphas, _ = canvas.line_style()
    own = canvas.lines.queries == 3
    weights = canvas.lines.weights
    expected = np.array([line_alpha(w) for w in weights]) / 255
    np.testing.assert_allclose(alphas[own], expected[own], atol=1 / 255)
    np.testing.assert_allclose(alphas[~own], expected[~own] * FADED_ALPHA, atol=1 / 255)


def test_qt_draws_the_lines_in_bulk_with_the_right_pens(bank_window, open_view):
    """16 heads: each shown line is in exactly one batch, whose pen has the line's head
    and (within a rounding step) its width and opacity; far fewer calls than lines."""
    bank_window.session.set_heads(16)
    canvas = open_view("lines").canvas
    lines, n = canvas.lines, len(canvas.tokens)
    batches = plan_batches(lines, np.ones(len(lines.weights), bool), np.ones(16), -1, n)
    weights = bank_window.session.result.weights
    drawn = []
    for batch in batches:
        w = weights[batch.head, batch.segments // n, batch.segments % n]
        assert np.abs(w * (LEVELS - 1) - batch.level).max() <= 0.5 + 1e-9
        pen = batch_pen(batch.head, batch.level, batch.dim)
        assert pen.color().rgb() == QColor(HEAD_COLOURS[batch.head % len(HEAD_COLOURS)]).rgb()
        assert (pen.style() == Qt.PenStyle.DashLine) == (batch.head >= 8)
        assert abs(pen.widthF() - line_width(w.mean())) <= 7.5 / (LEVELS - 1)
        assert abs(pen.color().alpha() - line_alpha(w.mean())) <= 215 / (LEVELS - 1) + 1
        drawn += [(batch.head, int(s)) for s in batch.segments]
    assert sorted(drawn) == sorted(
        zip(lines.heads.tolist(), (lines.queries * n + lines.keys).tolist(), strict=True)
    )
    assert len(batches) < len(lines.weights) / 4
    # Weakest first, strongest on top: the last window holds the strongest line.
    tail, count = set(), 0
    for batch in reversed(batches):
        tail.add(batch.head)
        count += len(batch.segments)
        if count >= ORDER_WINDOW:
            break
    assert lines.heads[-1] in tail


def test_an_edit_shows_at_once_and_qt_draws_the_same(bank_window, open_view, qtbot, monkeypatch):
    """After an edit, the next paint shows the new lines; drawn by Qt instead (an SVG
    export, or no kernel), the picture is the same to the eye."""
    canvas = open_view("lines").canvas
    qtbot.wait(10)
    before = _pixels(canvas.grab().toImage())
    bank_window.session.set_causal(True)
    bank_window.selection.set_query(3)
    kernel = _pixels(canvas.grab().toImage())
    from ui import lines_view

    drawn_by_qt = []
    draw_batches = lines_view.draw_batches
    monkeypatch.setattr(line_raster, "start", lambda *args, **kwargs: None)  # no kernel
    monkeypatch.setattr(
        lines_view, "draw_batches", lambda *a, **k: drawn_by_qt.append(1) or draw_batches(*a, **k)
    )
    qt = _pixels(canvas.grab().toImage())
    assert drawn_by_qt  # Qt drew this picture
    assert np.abs(kernel - before).mean() > 5  # the causal mask removed half the lines
    diff = np.abs(kernel - qt)
    assert diff.mean() < 1.0
    assert np.percentile(diff, 99) <= 20


def test_a_window_showing_the_lines_exits_cleanly(tmp_path):
    """The app's window with the Lines view in front, painted, then quit: exit code 0,
    nothing printed about threads (a painting thread once aborted the process at exit)."""
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from app.session import Session\n"
        "from ui.main_window import MainWindow\n"
        "session = Session()\n"
        "session.load_preset('bank')\n"
        "window = MainWindow(session, remember_layout=False)\n"
        "window.resize(1200, 800)\n"
        "window.show()\n"
        "window.build_views()\n"
        "window.docks['lines'].raise_()\n"
        "QTimer.singleShot(300, lambda: session.set_heads(8))\n"
        "QTimer.singleShot(600, window.close)\n"
        "QTimer.singleShot(700, app.quit)\n"
        "sys.exit(app.exec())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "terminate" not in done.stderr and "QThread" not in done.stderr


def test_presentation_mode_enlarges_the_labels(bank_window, open_view, qtbot):
    """In presentation mode the token labels and rows grow with the text."""
    canvas = open_view("lines").canvas
    normal_font, normal_height = canvas._font.pointSize(), canvas.minimumHeight()
    bank_window.presentation.set_active(True, full_screen=False)
    try:
        bank_window.docks["lines"].show()  # presentation mode puts the docks away
        open_view("lines")
        qtbot.wait(20)
        assert canvas._font.pointSize() >= 1.4 * normal_font
        assert canvas.minimumHeight() > normal_height
        left, _ = canvas._columns()
        assert left > canvas.width() * 0.1  # the columns make room for the bigger labels
    finally:
        bank_window.presentation.set_active(False)
    assert open_view("lines").canvas._font.pointSize() == normal_font


def test_a_legend_that_keeps_its_lines_does_not_lay_the_view_out_again(qtbot, layout_requests):
    """One head more or less changes the legend's text; while it still wraps to the same
    number of lines, the view's layout (and so the window's) is left alone. When it
    needs another line, the layout hears of it."""
    from app.selection import Selection
    from app.session import Session
    from ui.lines_view import LinesView

    session = Session()
    session.set_sentence("The red car stopped")
    session.set_heads(8)
    view = LinesView(session, Selection(session))
    qtbot.addWidget(view)
    view.resize(3000, 400)  # the whole legend on one line, for 7 heads as for 8
    view.show()
    qtbot.waitExposed(view)
    for _ in range(3):  # the first layout's requests are handled
        QApplication.processEvents()
    requests = layout_requests(view)
    session.set_heads(7)
    for _ in range(3):
        QApplication.processEvents()
    assert "7: " in view.legend.text() and "8: " not in view.legend.text()
    assert requests == []
    view.resize(200, 400)  # now the legend wraps: a head fewer takes fewer lines
    for _ in range(3):
        QApplication.processEvents()
    requests.clear()
    session.set_heads(1)
    for _ in range(3):
        QApplication.processEvents()
    assert requests  # the legend shrank: the layout was told


def test_the_legend_wraps_between_entries_and_names_every_head(qtbot):
    """Each head's square and name stay together on a line; a narrow legend takes more
    lines, a wide one a single line; its text names every head."""
    from ui.lines_legend import LinesLegend

    legend = LinesLegend()
    qtbot.addWidget(legend)
    legend.set_entries([(HEAD_COLOURS[h % 8], h >= 8, f"{h + 1}: Head {h + 1}") for h in range(10)])
    one_line = legend.heightForWidth(5000)
    assert abs(legend.heightForWidth(60) - 10 * one_line) < 10  # one entry a line
    assert one_line < legend.heightForWidth(300) < 10 * one_line
    assert all(f"{h}: Head {h}" in legend.text() for h in range(1, 11))
    legend.resize(300, legend.heightForWidth(300))
    image = legend.grab().toImage()
    assert image.pixelColor(6, one_line // 2) == QColor(HEAD_COLOURS[0])  # the first square


def test_a_head_more_or_less_repaints_the_legend_from_the_entry_that_changed(qtbot):
    """Removing the last head repaints from its entry on (not the squares and names before
    it), renaming the first repaints everything; each time the window shows what a full
    paint of the legend shows."""
    from PySide6.QtCore import QObject

    from ui.lines_legend import LinesLegend

    legend = LinesLegend()
    qtbot.addWidget(legend)
    entries = [(HEAD_COLOURS[h], False, f"{h + 1}: Head {h + 1}") for h in range(8)]
    legend.set_entries(entries)
    legend.resize(420, legend.heightForWidth(420))
    legend.show()
    qtbot.waitExposed(legend)
    painted = []

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if obj is legend and event.type() == QEvent.Type.Paint:
                painted.append(event.region().boundingRect())
            return False

    watch = Watch()
    legend.installEventFilter(watch)

    def shows_as_a_full_paint():
        screen = QApplication.primaryScreen().grabWindow(legend.winId()).toImage()
        return _pixels(screen).tolist() == _pixels(legend.grab().toImage()).tolist()

    for changed in (entries[:7], entries, [(HEAD_COLOURS[0], False, "1: Renamed"), *entries[1:]]):
        painted.clear()
        legend.set_entries(changed)
        qtbot.waitUntil(lambda: bool(painted))
        assert shows_as_a_full_paint()
        if changed is not entries:
            continue
        assert not painted[0].contains(QPoint(2, 2))  # from the eighth entry on: not the first square
    assert painted[0] == legend.rect()  # the first entry renamed: all of it
    del watch


def test_an_edit_in_a_running_window_paints_the_early_picture(bank_window, open_view, qtbot, monkeypatch):
    """In the event loop the redraw starts the picture on the helper thread and the canvas
    paints after the other views; what reaches the screen is what a fresh paint draws."""
    from PySide6.QtCore import QTimer

    canvas = open_view("lines").canvas
    qtbot.wait(20)
    used = []
    original_words = line_raster.Picture.words

    def words(picture):
        used.append(picture._helper is not None)
        return original_words(picture)

    monkeypatch.setattr(line_raster.Picture, "words", words)
    QTimer.singleShot(0, lambda: bank_window.session.set_causal(True))
    qtbot.waitUntil(lambda: bool(used))
    qtbot.wait(20)
    assert used[0], "the picture painted was not the one started on the helper thread"
    assert canvas._early is None  # taken by the paint
    screen = QApplication.primaryScreen().grabWindow(bank_window.winId()).toImage()
    top_left = canvas.mapTo(bank_window, QPoint(0, 0))
    visible = canvas.visibleRegion().boundingRect()
    shown = _pixels(screen.copy(visible.translated(top_left)))
    fresh = _pixels(canvas.grab(visible).toImage())
    assert np.abs(shown - fresh).max() == 0
    assert (fresh < 200).any()  # lines, not a blank canvas


def test_the_note_says_when_only_the_strongest_lines_are_drawn(qtbot):
    """16 tokens x 8 heads: MAX_LINES lines, and the note names the mode that shows all of a head's."""
    from app.selection import Selection
    from app.session import Session
    from ui.lines_view import LinesView

    session = Session()
    session.set_sentence("The quick brown fox saw the old dog near the river bank and ran away .")
    session.set_heads(8)
    view = LinesView(session, Selection(session))
    qtbot.addWidget(view)
    assert len(view.canvas.lines.weights) == MAX_LINES
    assert "Selected head only" in view.note.text() and str(MAX_LINES) in view.note.text()
    view.mode.setCurrentIndex(view.mode.findData("selected"))
    assert len(view.canvas.lines.weights) == int((session.result.weights[0] >= MIN_WEIGHT).sum())
    assert "every weight" in view.note.text()


def test_lines_widen_with_the_text_size(bank_window, open_view):
    """Presentation mode's larger text widens the lines in step (hairlines vanish on a
    projector), for the kernel and for Qt's pens alike."""
    from ui import theme

    canvas = open_view("lines").canvas
    widths = canvas.line_style()[0]
    theme.apply_theme(font_scale=1.5)
    np.testing.assert_allclose(canvas.line_style()[0], 1.5 * widths)
    assert batch_pen(0, LEVELS - 1, 0, 1.5).widthF() == pytest.approx(1.5 * line_width(1.0))
