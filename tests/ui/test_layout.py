"""The default layout at 1600x1000 and the selection shared by every view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar

INSPECT_VIEWS = ("lines", "steps", "all_heads", "compare", "outputs", "context")


def test_every_view_has_a_dock_and_a_view_menu_entry(bank_window):
    """Each inspect view is docked and can be shown from the View menu."""
    titles = {a.text() for a in bank_window.view_menu.actions()}
    for key in INSPECT_VIEWS:
        dock = bank_window.docks[key]
        assert dock.objectName() == f"{key}Dock"
        assert dock.windowTitle() in titles
        view = bank_window.view(key)
        assert dock.widget() is view
        assert view.toolTip() or view.findChildren(object)


def test_default_layout_keeps_the_heatmap_readable(bank_window):
    """The centre keeps a sizeable heatmap; the right-hand tabs take about 40% of the width."""
    right = bank_window.docks["matrices"]
    assert bank_window.dockWidgetArea(right) == Qt.DockWidgetArea.RightDockWidgetArea
    assert 0.3 * 1600 <= right.width() <= 0.45 * 1600
    heatmap = bank_window.attention_view.heatmap
    assert heatmap.width() >= 400 and heatmap.height() >= 250
    bottom = bank_window.docks["all_heads"]  # the tab shown at start
    assert bank_window.dockWidgetArea(bottom) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert bottom.width() > 1000  # wide enough for a row of matrices


def test_no_stray_tab_bars(bank_window):
    """Only one tab bar per tabbed area is visible: none left over across the centre."""
    bars = [
        bar
        for bar in bank_window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if bar.isVisible()
    ]
    assert len(bars) == 3
    titles = sorted(tuple(bar.tabText(i) for i in range(bar.count())) for bar in bars)
    assert titles == [
        ("All heads", "One head vs many", "Outputs", "Context effect", "Cost"),
        ("Controls", "Lesson"),
        ("Matrices", "Embeddings", "Tokens", "Lines", "Step by step"),
    ]


def test_selecting_a_query_in_the_heatmap_reaches_every_view(bank_window, open_view, qtbot):
    """A click on a heatmap row is shown by the steps panel, the lines view and the comparison."""
    heatmap = bank_window.attention_view.heatmap
    row, col = heatmap.cell_at(heatmap.matrix_rect().center())
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_center(row, col).toPoint())
    query = bank_window.selection.query
    assert query == row >= 0
    token = bank_window.session.state.tokens[query]
    assert f"query '{token}' (token {query + 1})" in open_view("steps").title.text()
    assert open_view("lines").canvas.selected_query == query
    assert open_view("compare").multi.heatmap.selected_row == query
    assert heatmap.selected_row == query


def test_selecting_a_head_in_the_grid_reaches_every_view(bank_window, open_view, qtbot):
    """Clicking head 2 in All heads changes the heatmap, the steps, the comparison and the lines."""
    grid = open_view("all_heads")
    qtbot.mouseClick(grid.cells[1].stats, Qt.MouseButton.LeftButton)
    assert bank_window.attention_view.title.text().startswith("Head 2")
    assert open_view("steps").title.text().startswith("Head 2 (Grammar role)")
    assert open_view("compare").multi.title.text().startswith("Head 2 of 2")


def test_loading_a_preset_redraws_every_view(bank_window, open_view):
    """load_preset swaps tokens and heads in all views at once."""
    bank_window.session.load_preset("bank-account")
    state = bank_window.session.state
    assert len(open_view("all_heads").cells) == state.n_heads == 4
    assert open_view("lines").canvas.tokens == state.tokens
    assert open_view("outputs").output_plot.rows == list(state.tokens)
    assert open_view("context").picture.labels == list(state.tokens)
    assert open_view("steps").steps.tokens == state.tokens
