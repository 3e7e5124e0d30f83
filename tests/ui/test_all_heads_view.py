"""All heads at a glance: one titled cell per head, statistics, click to select."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from app.analysis import snapshot_head_stats
from ui.all_heads_view import HeadCell
from ui.heatmap import MASKED_RGBA


def test_one_cell_per_head_titled_with_its_name(bank_window, open_view):
    """The grid has n_heads cells, each titled "k: name" and showing that head's weights."""
    grid = open_view("all_heads")
    state, res = bank_window.session.state, bank_window.session.result
    assert len(grid.cells) == state.n_heads == 2
    assert [c.title.text() for c in grid.cells] == ["1: Context", "2: Grammar role"]
    for h, cell in enumerate(grid.cells):
        np.testing.assert_array_equal(cell.image.image, res.weights[h])


def test_statistics_come_from_the_analysis(bank_window, open_view):
    """Each cell states the head's focus, mean entropy in bits and peak weight."""
    grid = open_view("all_heads")
    stats = snapshot_head_stats(bank_window.session.snapshot)
    for cell, st in zip(grid.cells, stats, strict=True):
        text = cell.stats.text()
        assert st.focus.label in text
        assert f"Entropy {st.entropy_bits:.2f} bits" in text
        assert f"peak {st.peak:.2f}" in text


def test_clicking_a_cell_selects_that_head_everywhere(bank_window, open_view, qtbot):
    """A click on head 2's cell selects head 2: outlined here, shown in the big heatmap."""
    grid = open_view("all_heads")
    qtbot.mouseClick(grid.cells[1].title, Qt.MouseButton.LeftButton)
    assert bank_window.selection.head == 1
    assert grid.cells[1].selected and not grid.cells[0].selected
    assert bank_window.attention_view.title.text().startswith("Head 2")
    assert bank_window.controls.head_combo.currentIndex() == 1
    qtbot.mouseClick(grid.cells[0].plot, Qt.MouseButton.LeftButton)  # the picture itself
    assert bank_window.selection.head == 0


def test_switched_off_head_is_dimmed_and_says_off(bank_window, open_view):
    """A head with head_mask 0 is drawn faint and titled "(off)"."""
    grid = open_view("all_heads")
    bank_window.session.set_head_enabled(1, False)
    assert grid.cells[1].title.text().endswith("(off)")
    assert grid.cells[1].image.opacity() < 0.5
    assert grid.cells[0].image.opacity() == 1.0


def test_grid_follows_the_head_count(bank_window, open_view):
    """set_heads gives the grid the new number of cells, titled Head k for new heads."""
    grid = open_view("all_heads")

    def shown_cells():
        return [cell for cell in grid.findChildren(HeadCell) if cell.isVisible()]

    bank_window.session.set_heads(5)
    assert len(grid.cells) == 5
    assert grid.cells[4].title.text() == "5: Head 5"
    assert sorted(shown_cells(), key=lambda c: c.head) == grid.cells
    bank_window.session.undo_stack.undo()
    assert len(grid.cells) == 2
    # The cells of the heads taken away vanish at once, not when the event loop gets
    # round to it: only the current heads' cells are on screen.
    assert sorted(shown_cells(), key=lambda c: c.head) == grid.cells


def test_the_causal_mask_greys_every_cell(bank_window, open_view, qtbot):
    """Switching the mask on greys the hidden keys in each cell: above the diagonal, painted."""
    grid = open_view("all_heads")
    assert not any(cell.mask_image.isVisible() for cell in grid.cells)  # nothing masked yet
    bank_window.session.set_causal(True)
    n = len(bank_window.session.state.tokens)
    grey = QColor(*MASKED_RGBA[:3])
    for cell in grid.cells:
        assert cell.mask_image.isVisible()
        picture = cell.plot.grab().toImage()
        # Cell (row 0, last key) is masked and (last row, key 0) is not; sample their centres
        # inside the 1 px margin, in the picture's own scale.
        width, height = picture.width() - 2, picture.height() - 2

        def centre(row, col, width=width, height=height):
            return int(1 + (col + 0.5) * width / n), int(1 + (row + 0.5) * height / n)

        assert picture.pixelColor(*centre(0, n - 1)) == grey
        assert picture.pixelColor(*centre(n - 1, 0)) != grey


def test_an_edit_repaints_only_the_heads_it_changed(bank_window, open_view, qtbot):
    """An edit of head 2's W_Q repaints head 2's picture and leaves head 1's alone."""
    grid = open_view("all_heads")
    qtbot.wait(200)  # the window settled: no paint left over from opening the view
    painted = []

    class Counter(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and obj in (grid.cells[0].plot, grid.cells[1].plot):
                painted.append(obj)
            return False

    before = grid.cells[1].plot.grab().toImage()
    counter = Counter()
    QApplication.instance().installEventFilter(counter)
    try:
        old = float(bank_window.session.state.w_q[1, 0, 0])
        bank_window.session.set_cell("w_q", 1, 0, 0, old + 1.0)
        qtbot.wait(20)
    finally:
        QApplication.instance().removeEventFilter(counter)
    assert grid.cells[1].plot in painted and grid.cells[0].plot not in painted
    assert grid.cells[1].plot.grab().toImage() != before


def test_cells_keep_their_places_when_a_head_comes_and_goes(bank_window, open_view, qtbot):
    """Head slider 8 -> 7 -> 8 with the same columns: each cell at row h // cols, column h % cols."""
    grid = open_view("all_heads")
    bank_window.session.set_heads(8)
    qtbot.wait(10)
    cols = grid._columns
    for n in (7, 8, 7, 8):
        bank_window.session.set_heads(n)
        qtbot.wait(10)
        assert grid._columns == cols
        shown = sorted((c for c in grid.findChildren(HeadCell) if c.isVisible()), key=lambda c: c.head)
        assert shown == grid.cells and len(shown) == n
        for h, cell in enumerate(grid.cells):
            row, col, _, _ = grid._grid.getItemPosition(grid._grid.indexOf(cell))
            assert (row, col) == (h // cols, h % cols)


def test_new_statistics_of_the_same_height_lay_nothing_out_again(bank_window, open_view, qtbot):
    """An edit that changes a head's numbers but not their height posts no layout request
    inside its cell: nothing is measured again, so no extra window paint pass follows."""
    grid = open_view("all_heads")
    qtbot.wait(50)
    cell = grid.cells[0]
    before = cell.stats.text()
    requests = []

    class Watch(QObject):
        def eventFilter(self, obj, event):
            inside = obj.isWidgetType() and (obj is cell or cell.isAncestorOf(obj))
            if event.type() == QEvent.Type.LayoutRequest and inside:
                requests.append(obj)
            return False

    watch = Watch()
    QApplication.instance().installEventFilter(watch)
    try:
        old = float(bank_window.session.state.w_q[0, 0, 0])
        bank_window.session.set_cell("w_q", 0, 0, 0, old + 0.5)
        qtbot.wait(20)
    finally:
        QApplication.instance().removeEventFilter(watch)
    assert cell.stats.text() != before  # the numbers did change
    assert requests == []


def test_a_switched_off_heads_statistics_are_drawn_disabled(bank_window, open_view, qtbot):
    """The numbers of a head switched off are drawn in the disabled text colour."""
    grid = open_view("all_heads")
    cell = grid.cells[1]
    assert cell.stats.isEnabled()
    bank_window.session.set_head_enabled(1, False)
    qtbot.wait(20)
    assert not cell.stats.isEnabled()
    disabled = cell.stats.palette().color(
        cell.stats.palette().ColorGroup.Disabled, cell.stats.palette().ColorRole.Text
    )
    picture = cell.stats.grab().toImage()
    colours = {
        picture.pixelColor(x, y).rgb() for x in range(picture.width()) for y in range(picture.height())
    }
    assert disabled.rgb() in colours


def test_a_head_more_or_less_leaves_no_layout_for_after_the_paint(bank_window, open_view, qtbot):
    """The head slider adds or takes away a cell: the cells, the grid and its scroll area
    are laid out, and a cell coming back is marked for painting, inside the redraw. Nothing
    is left queued for the view, which would make the window paint a second time."""
    grid = open_view("all_heads")
    session = bank_window.session
    session.set_heads(3)
    qtbot.wait(20)
    session.set_heads(2)  # head 3's cell is now a hidden spare
    qtbot.wait(50)
    late = []

    class Watch(QObject):
        def eventFilter(self, obj, event):
            kind = event.type()
            inside = obj.isWidgetType() and (obj is grid or grid.isAncestorOf(obj))
            if kind in (QEvent.Type.LayoutRequest, QEvent.Type.UpdateLater) and inside:
                late.append((kind, obj))
            return False

    watch = Watch()
    app = QApplication.instance()
    for heads in (3, 2, 3):  # the spare cell comes back, goes, comes back
        # Outside an event loop the view redraws at once, inside set_heads; what it
        # left queued is delivered by sendPostedEvents, where the watch sees it.
        session.set_heads(heads)
        assert len(grid.cells) == heads
        app.installEventFilter(watch)
        try:
            app.sendPostedEvents()
        finally:
            app.removeEventFilter(watch)
        assert late == []
    assert (
        sorted((c for c in grid.findChildren(HeadCell) if c.isVisible()), key=lambda c: c.head) == grid.cells
    )


def test_the_columns_fit_the_width_from_the_start(bank_window, open_view, qtbot):
    """As many heads per row as the scroll area's width holds as soon as the view is open,
    not only after the head count changed (the grid used to keep the columns it had
    been given at a narrower width until then); a resize of the dock follows."""
    from ui.all_heads_view import grid_columns

    bank_window.session.set_heads(8)
    grid = open_view("all_heads")
    qtbot.wait(50)
    width = grid._scroll.viewport().width()
    assert grid._columns == grid_columns(8, width) > 2
    bank_window.session.set_heads(7)
    bank_window.session.set_heads(8)
    qtbot.wait(20)
    assert grid._columns == grid_columns(8, grid._scroll.viewport().width())
    bank_window.resizeDocks([bank_window.docks["all_heads"]], [200], Qt.Orientation.Horizontal)
    bank_window.resize(900, 1000)
    qtbot.wait(50)
    assert grid._scroll.viewport().width() < width
    assert grid._columns == grid_columns(8, grid._scroll.viewport().width())


def test_a_head_more_places_each_cell_once(bank_window, open_view, qtbot):
    """A head whose cell needs a new row: the grid is sized for it first and each cell is
    placed once (laid out first at the old size, every cell moved twice)."""
    from app.state import MAX_HEADS
    from ui.all_heads_view import grid_columns

    grid = open_view("all_heads")
    session = bank_window.session
    columns = grid_columns(8, grid._scroll.viewport().width())
    assert 2 * columns + 1 <= MAX_HEADS, "the window is too wide for three rows of heads"
    session.set_heads(2 * columns + 1)
    session.set_heads(2 * columns)  # two full rows; the next head's cell is a hidden spare
    qtbot.wait(50)
    # (Two rows overflow the view: its scroll bar is there already. One appearing would
    # narrow the cells, a second, legitimate, move.)
    assert grid._scroll.verticalScrollBar().isVisible()
    moves = []

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Move and isinstance(obj, HeadCell):
                moves.append(obj.head)
            return False

    watch = Watch()
    QApplication.instance().installEventFilter(watch)
    try:
        session.set_heads(2 * columns + 1)  # a third row
        qtbot.wait(20)
    finally:
        QApplication.instance().removeEventFilter(watch)
    assert grid._columns == columns
    assert len(moves) == len(set(moves))


def test_cells_out_of_sight_show_an_edit_when_scrolled_to(bank_window, open_view, qtbot):
    """Eight heads in a dock two cells high: an edit reaches the cells in sight at once and
    a cell scrolled away when it is scrolled to; then it shows the newest weights."""
    grid = open_view("all_heads")
    bank_window.session.set_heads(8)
    qtbot.wait(20)
    bank_window.resizeDocks([bank_window.docks["all_heads"]], [200], Qt.Orientation.Vertical)
    qtbot.wait(50)
    hidden = [c for c in grid.cells if c.visibleRegion().isEmpty()]
    seen = [c for c in grid.cells if not c.visibleRegion().isEmpty()]
    assert hidden and seen, "the dock was meant to show only some of the cells"
    old = float(bank_window.session.state.w_q[0, 0, 0])
    for h in range(8):
        bank_window.session.set_cell("w_q", h, 0, 0, old + 1.0)
    weights = bank_window.session.result.weights
    for cell in seen:
        np.testing.assert_array_equal(cell.image.image, weights[cell.head])
    last = hidden[-1]
    assert last.pending is not None and not np.array_equal(last.image.image, weights[last.head])
    grid._scroll.ensureWidgetVisible(last)
    qtbot.waitUntil(lambda: last.pending is None)
    np.testing.assert_array_equal(last.image.image, weights[last.head])
    assert last.title.text() == f"{last.head + 1}: Head {last.head + 1}"
