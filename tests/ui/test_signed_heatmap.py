"""The signed heatmap painted on a plain widget: cells where the matrix says, mouse, names, scale."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFontMetricsF

from ui import theme
from ui.signed_heatmap import DIVERGING, SignedHeatmap


@pytest.fixture
def heatmap(qtbot):
    hm = SignedHeatmap(x_label="column", y_label="row")
    qtbot.addWidget(hm)
    hm.resize(420, 320)
    hm.show()
    qtbot.waitExposed(hm)
    return hm


def test_each_cell_is_painted_in_its_values_colour_not_transposed(heatmap):
    """Row r, column c of a 3 x 4 matrix is painted at the r-th row down, c-th column across."""
    values = np.array([[-2.0, 0.0, 2.0, 0.0], [0.0, -2.0, 0.0, 2.0], [2.0, 2.0, -2.0, 0.0]])
    heatmap.set_matrix(values, ["a", "b", "c"], ["1", "2", "3", "4"])
    picture = heatmap.grab().toImage()
    red, blue, white = (QColor(*DIVERGING.map(x, mode="byte")[:3]) for x in (1.0, 0.0, 0.5))
    expected = {2.0: red, -2.0: blue, 0.0: white}
    for (r, c), v in np.ndenumerate(values):
        centre = heatmap.cell_center(r, c)
        # beside the number written in the cell, not on it
        pixel = picture.pixelColor(round(centre.x() - heatmap.matrix_rect().width() / 10), round(centre.y()))
        want = expected[v]
        assert max(abs(pixel.red() - want.red()), abs(pixel.blue() - want.blue())) <= 12, (r, c, pixel.name())


def test_click_drag_and_hover_report_cells(heatmap, qtbot):
    """A click names its cell; a drag names every cell entered, then finishes; hover follows the mouse."""
    heatmap.set_matrix(np.zeros((3, 4)), ["a", "b", "c"], ["1", "2", "3", "4"])
    clicked, dragged, finished, hovered = [], [], [], []
    heatmap.sigCellClicked.connect(lambda r, c: clicked.append((r, c)))
    heatmap.sigCellDragged.connect(lambda r, c: dragged.append((r, c)))
    heatmap.sigDragFinished.connect(lambda: finished.append(True))
    heatmap.sigCellHovered.connect(lambda r, c: hovered.append((r, c)))
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_center(2, 1).toPoint())
    assert clicked == [(2, 1)] and not dragged
    qtbot.mousePress(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_center(1, 0).toPoint())
    for c in (1, 2, 3):
        qtbot.mouseMove(heatmap, heatmap.cell_center(1, c).toPoint())
    qtbot.mouseRelease(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_center(1, 3).toPoint())
    assert dragged == [(1, 0), (1, 1), (1, 2), (1, 3)]
    assert finished == [True] and clicked == [(2, 1)]  # a drag is not a click
    assert hovered[-1] == (1, 3)
    qtbot.mouseMove(heatmap, heatmap.matrix_rect().topLeft().toPoint() - QPointF(4, 4).toPoint())
    assert hovered[-1] == (-1, -1)  # off the matrix


def test_crowded_row_names_are_written_every_few_rows_and_grow_with_presentation(heatmap):
    """Forty rows in a short widget: not every name fits, so every k-th is written; a
    larger font scale writes the names larger."""
    names = [f"token{i}" for i in range(40)]
    heatmap.set_matrix(np.zeros((40, 3)), names, ["x", "y", "z"])
    heatmap.grab()
    _, rows, _, _ = heatmap._layout()
    assert 1 < rows.step < 40
    assert rows.drawn() == names[:: rows.step]
    spacing = heatmap.matrix_rect().height() / 40 * rows.step
    assert QFontMetricsF(rows.font).height() * 0.8 <= spacing
    normal = QFontMetricsF(rows.font).height()
    before = theme.font_scale()
    theme._scale["font"] = 2.0  # as apply_theme sets it in presentation mode
    try:
        _, rows, _, _ = heatmap._layout()
        assert QFontMetricsF(rows.font).height() > 1.5 * normal
    finally:
        theme._scale["font"] = before


def test_numbers_are_written_only_when_the_cells_have_room(heatmap):
    """A few big cells carry their numbers; in a tiny widget none are claimed."""
    heatmap.set_matrix(np.array([[0.5, -1.25]]), ["a"], ["1", "2"])
    assert heatmap.cell_texts() == [".5", "-1.25"]
    heatmap.resize(90, 60)
    heatmap.grab()
    assert heatmap.cell_texts() == []


def test_bad_input_paints_without_error(heatmap):
    """An empty matrix and a widget too small for its names paint nothing but white."""
    heatmap.set_matrix(np.zeros((0, 0)), [], [])
    heatmap.grab()
    heatmap.set_matrix(np.ones((2, 2)), ["a" * 60, "b"], ["c", "d"])
    heatmap.resize(40, 30)
    heatmap.grab()
    assert heatmap.cell_at(QPointF(1, 1)) is None


def test_numbers_need_room_for_their_presentation_size(heatmap):
    """At twice the font size a cell needs twice the room before its number is written."""
    heatmap.set_matrix(np.full((8, 8), 0.5), [str(i) for i in range(8)], [str(i) for i in range(8)])
    heatmap.resize(420, 320)
    heatmap.grab()
    rect = heatmap.matrix_rect()
    cell_w, cell_h = rect.width() / 8, rect.height() / 8
    assert cell_w >= 26 and cell_h >= 13 and (cell_w < 52 or cell_h < 26)  # fits 1x, not 2x
    assert len(heatmap.cell_texts()) == 64
    before = theme.font_scale()
    theme._scale["font"] = 2.0
    try:
        heatmap.grab()
        assert heatmap.cell_texts() == []
    finally:
        theme._scale["font"] = before


def test_names_are_written_once_and_again_when_they_change(heatmap, tmp_path):
    """The row names are kept as one picture between paints; new names are written anew,
    and a vector export (SVG) gets them as text."""
    from PySide6.QtCore import QRect

    from ui.image_export import export_widget

    heatmap.set_matrix(np.ones((3, 2)), ["apple", "pear", "plum"], ["x", "y"])
    first = heatmap.grab().toImage()
    _, rows, _, _ = heatmap._layout()
    pictures = dict(rows._pictures)
    assert len(pictures) == 1
    heatmap.set_matrix(np.full((3, 2), 2.0), ["apple", "pear", "plum"], ["x", "y"])
    heatmap.grab()
    assert heatmap._layout()[1]._pictures == pictures  # same names: the same picture
    heatmap.set_matrix(np.full((3, 2), 2.0), ["fig", "pear", "plum"], ["x", "y"])
    second = heatmap.grab().toImage()
    left = heatmap.matrix_rect().left()
    names = QRect(0, 0, int(left) - 2, heatmap.height())
    assert first.copy(names) != second.copy(names)
    path = export_widget(heatmap, tmp_path / "heatmap.svg")  # as File > Export does
    assert "fig" in path.read_text()


def test_a_one_cell_edit_repaints_that_cell_only(heatmap, qtbot):
    """A slider step changes one value: only that cell (and its outline's width) is
    repainted, and it shows the new number; a new colour scale repaints everything."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    values = np.zeros((4, 4))
    values[0, 0] = 1.0
    heatmap.set_matrix(values, list("abcd"), list("wxyz"))
    heatmap.grab()
    for _ in range(3):
        QApplication.processEvents()
    painted = []

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if obj is heatmap and event.type() == QEvent.Type.Paint:
                painted.append(event.rect())
            return False

    watch = Watch()
    heatmap.installEventFilter(watch)
    changed = values.copy()
    changed[2, 1] = 0.5
    heatmap.set_matrix(changed, list("abcd"), list("wxyz"))
    qtbot.waitUntil(lambda: bool(painted))
    cell = heatmap.cell_rect(2, 1).toAlignedRect()
    assert painted[0].contains(cell) and painted[0].width() < cell.width() + 10
    assert heatmap.cell_texts()[2 * 4 + 1] == ".5"
    painted.clear()
    heatmap.set_matrix(changed * 3, list("abcd"), list("wxyz"))  # the scale's limit changes
    qtbot.waitUntil(lambda: bool(painted))
    assert painted[0].contains(heatmap.matrix_rect().toAlignedRect())


def test_long_row_names_are_cut_as_before(heatmap):
    """A 40-letter token keeps its row name short (with an ellipsis), so the matrix keeps its room."""
    from ui.heatmap import short_label

    heatmap.set_matrix(np.zeros((2, 2)), ["x" * 40, "bank"], ["a", "b"])
    heatmap.grab()
    _, rows, _, _ = heatmap._layout()
    assert rows.labels == [short_label("x" * 40), "bank"] and rows.labels[0].endswith("\u2026")
    assert heatmap.matrix_rect().width() > heatmap.width() / 2


def _painted_rects(widget):
    """Start recording the rectangles of ``widget``'s Paint events; returns (list, filter)."""
    from PySide6.QtCore import QEvent, QObject

    painted = []

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if obj is widget and event.type() == QEvent.Type.Paint:
                painted.append(event.rect())
            return False

    watch = Watch()
    widget.installEventFilter(watch)
    return painted, watch


def test_a_renamed_row_repaints_its_name_and_cells_only(heatmap, qtbot):
    """A token edit renames one row and changes its values: that row's cells and the band
    where its name is written are repainted, and the window shows what a full paint shows;
    a name that widens the names' column moves the matrix and repaints everything."""
    from PySide6.QtWidgets import QApplication

    values = np.arange(16.0).reshape(4, 4) - 8
    heatmap.set_matrix(values, ["ab", "cd", "ef", "gh"], list("wxyz"), limit=10.0)
    heatmap.grab()
    qtbot.wait(20)
    painted, watch = _painted_rects(heatmap)
    renamed = values.copy()
    renamed[1] = [1, 2, 3, 4]
    heatmap.set_matrix(renamed, ["ab", "xy", "ef", "gh"], list("wxyz"), limit=10.0)
    qtbot.waitUntil(lambda: bool(painted))
    matrix, row = heatmap.matrix_rect(), heatmap.cell_rect(1, 0)
    assert painted[0].height() < matrix.height() / 2  # not the whole picture
    assert painted[0].contains(row.toAlignedRect()) and painted[0].left() == 0  # the cells and the name
    screen = QApplication.primaryScreen().grabWindow(heatmap.winId()).toImage()
    assert screen == heatmap.grab().toImage().convertToFormat(screen.format())
    painted.clear()
    heatmap.set_matrix(renamed, ["ab", "a much longer name", "ef", "gh"], list("wxyz"), limit=10.0)
    qtbot.waitUntil(lambda: bool(painted))
    assert heatmap.matrix_rect() != matrix and painted[0].contains(heatmap.rect())
    del watch


def test_new_names_over_the_same_numbers_keep_the_colours(heatmap, qtbot, monkeypatch):
    """The position part after a token edit: same numbers, one new name. The colours are
    not worked out again, and the window shows the new name as a full paint would."""
    from PySide6.QtWidgets import QApplication

    values = np.linspace(-1, 1, 12).reshape(4, 3)
    heatmap.set_matrix(values, ["ab", "cd", "ef", "gh"], list("xyz"), limit=1.0)
    heatmap.grab()
    qtbot.wait(20)
    made = []
    monkeypatch.setattr(heatmap.image, "setImage", lambda *a, **k: made.append(a))
    painted, watch = _painted_rects(heatmap)
    heatmap.set_matrix(values.copy(), ["ab", "xy", "ef", "gh"], list("xyz"), limit=1.0)
    qtbot.waitUntil(lambda: bool(painted))
    assert made == [] and heatmap._layout()[1].labels[1] == "xy"
    screen = QApplication.primaryScreen().grabWindow(heatmap.winId()).toImage()
    assert screen == heatmap.grab().toImage().convertToFormat(screen.format())
    del watch


def test_a_repaint_inside_the_matrix_leaves_the_names_and_titles_as_they_were(heatmap, qtbot):
    """Cells repainted in the first row and column (next to the names and titles, which
    such a repaint skips) and an outline there: the window matches a full paint."""
    from PySide6.QtWidgets import QApplication

    values = np.linspace(-1, 1, 16).reshape(4, 4)
    heatmap.set_matrix(values, ["ab", "cd", "ef", "gh"], list("wxyz"), limit=1.0)
    heatmap.select_cell(0, 0)
    heatmap.grab()
    qtbot.wait(20)
    painted, watch = _painted_rects(heatmap)
    for cell in ((0, 0), (0, 3), (3, 0)):
        changed = heatmap.values.copy()
        changed[cell] = -changed[cell]
        heatmap.set_matrix(changed, ["ab", "cd", "ef", "gh"], list("wxyz"), limit=1.0)
        qtbot.waitUntil(lambda: bool(painted))
        screen = QApplication.primaryScreen().grabWindow(heatmap.winId()).toImage()
        assert screen == heatmap.grab().toImage().convertToFormat(screen.format())
        painted.clear()  # (grab() paints too)
    del watch
