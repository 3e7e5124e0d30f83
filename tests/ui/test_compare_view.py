"""One wide head against the selected head, on one colour scale."""

from __future__ import annotations

import numpy as np

from app.comparison import snapshot_comparison


def test_single_head_beside_the_selected_head(bank_window, open_view):
    """Left: the single wide head's weights; right: the selected head's, titled with its width."""
    compare = open_view("compare")
    comp = snapshot_comparison(bank_window.session.snapshot)
    np.testing.assert_array_equal(compare.single.heatmap.values, comp.single.weights[0])
    np.testing.assert_array_equal(compare.multi.heatmap.values, bank_window.session.result.weights[0])
    assert compare.single.title.text() == "One head, d_k = 8 (2 \u00d7 4)"
    assert compare.multi.title.text().startswith("Head 1 of 2: Context")
    assert "spotlight" in compare.caption.text() and "orchestra" in compare.caption.text()


def test_both_sides_share_one_colour_scale(bank_window, open_view):
    """The brightest colour means the same weight on both sides."""
    compare = open_view("compare")
    assert compare.single.heatmap.colour_bar.levels() == compare.multi.heatmap.colour_bar.levels()


def test_follows_the_selected_head_and_query(bank_window, open_view):
    """Selecting head 2 swaps the right-hand heatmap; a selected query is outlined on both sides."""
    compare = open_view("compare")
    bank_window.selection.set_head(1)
    np.testing.assert_array_equal(compare.multi.heatmap.values, bank_window.session.result.weights[1])
    bank_window.selection.set_query(11)
    assert compare.single.heatmap.selected_row == compare.multi.heatmap.selected_row == 11


def test_statistics_under_each_side(bank_window, open_view):
    """Each side names what it mostly attends to and its entropy."""
    compare = open_view("compare")
    comp = snapshot_comparison(bank_window.session.snapshot)
    assert comp.single_stats.focus.label in compare.single.stats.text()
    assert f"entropy {comp.single_stats.entropy_bits:.2f} bits" in compare.single.stats.text()


def test_redraws_after_adding_heads(bank_window, open_view):
    """With four heads the single head is 16 wide and still computed."""
    compare = open_view("compare")
    bank_window.session.set_heads(4)
    assert compare.single.title.text() == "One head, d_k = 16 (4 \u00d7 4)"


def _alone_in_a_window(qtbot, label, text: str, size, *, margins=True, stretch=True, palette=None):
    """Show ``label`` with ``text`` as a view holds it: alone in a column layout of a window
    of ``size``. Keep the window returned: the label is deleted with it."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    if palette is not None:
        holder.setPalette(palette(holder.palette()))
    layout = QVBoxLayout(holder)
    if not margins:
        layout.setContentsMargins(0, 0, 0, 0)
    label.setText(text)
    layout.addWidget(label)
    if stretch:
        layout.addStretch(1)
    holder.resize(*size)
    holder.show()
    qtbot.waitExposed(holder)
    return holder


def test_rich_labels_take_a_qlabels_room_and_pixels(qtbot):
    """The statistics and the Context callout are RichLabels: laid out once per new text,
    they must take the room a word-wrapped QLabel took and look the same."""
    from PySide6.QtWidgets import QLabel

    from ui.rich_label import RichLabel

    text = "Mostly: <b>itself</b> (30% of each row) \u00b7 entropy 2.64 bits \u00b7 peak 0.92"
    grabs = []
    for make in (lambda: QLabel(wordWrap=True), RichLabel):
        label = make()
        holder = _alone_in_a_window(qtbot, label, text, (160, 200), margins=False)  # noqa: F841 - kept alive
        grabs.append((label.geometry(), label.grab().toImage()))
    (qlabel_rect, qlabel_image), (rich_rect, rich_image) = grabs
    assert rich_rect == qlabel_rect and rich_rect.height() > 20  # wrapped to several lines
    assert rich_image == qlabel_image


def test_a_rich_label_asks_for_a_new_layout_only_when_its_height_changes(qtbot, layout_requests):
    """New numbers of the same length leave the layout alone; a longer text that needs
    another line tells it."""
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    from ui.rich_label import RichLabel

    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    label = RichLabel("peak <b>0.91</b>")
    layout.addWidget(label)
    holder.resize(300, 200)
    holder.show()
    qtbot.waitExposed(holder)
    for _ in range(3):
        QApplication.processEvents()
    requests = layout_requests(holder)
    label.setText("peak <b>0.93</b>")
    for _ in range(3):
        QApplication.processEvents()
    assert requests == [] and label.text() == "peak <b>0.93</b>"
    label.setText("peak <b>0.93</b> " + "and a great deal more to say " * 6)
    for _ in range(3):
        QApplication.processEvents()
    assert requests and label.height() > 2 * label.fontMetrics().height()


def test_a_disabled_rich_label_looks_like_a_disabled_qlabel(qtbot):
    """Disabled, a RichLabel takes the palette's disabled text colour as QLabel does (not the
    window-text one), even when a palette makes the two differ."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QLabel

    from ui.rich_label import RichLabel

    def disabled_colours(palette):
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(200, 0, 0))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(0, 0, 200))
        return palette

    text = "Mostly: <b>itself</b> (30%)<br>Entropy 2.64 bits \u00b7 peak 0.92"
    grabs = []
    for make in (lambda: QLabel(wordWrap=True), RichLabel):
        label = make()
        label.setEnabled(False)
        holder = _alone_in_a_window(qtbot, label, text, (220, 120), stretch=False, palette=disabled_colours)  # noqa: F841
        grabs.append(label.grab().toImage())
    assert grabs[0] == grabs[1]
    assert QColor(200, 0, 0).rgb() in {
        grabs[1].pixel(x, y) for x in range(grabs[1].width()) for y in range(grabs[1].height())
    }


def test_a_rich_label_follows_font_width_and_text_changes_as_a_qlabel(qtbot):
    """The document keeps its font and width between texts and heights are remembered per
    (text, width, font): after a new font, a new width and an earlier text again, the
    label still takes a QLabel's room and pixels."""
    from PySide6.QtWidgets import QLabel

    from ui.rich_label import RichLabel

    first = "Mostly: <b>itself</b> (30% of each row) \u00b7 entropy 2.64 bits \u00b7 peak 0.92"
    second = "Mostly: <b>bank</b> (41% of each row) \u00b7 entropy 1.07 bits \u00b7 peak 0.77"
    results = []
    for make in (lambda: QLabel(wordWrap=True), RichLabel):
        label = make()
        holder = _alone_in_a_window(qtbot, label, first, (260, 300), margins=False)
        label.grab()  # painted once at this width and font
        font = label.font()
        font.setPointSize(font.pointSize() + 4)
        label.setFont(font)
        label.setText(second)
        holder.resize(150, 300)
        qtbot.wait(10)
        label.setText(first)
        qtbot.wait(10)
        results.append((label.geometry(), label.grab().toImage()))
    (q_rect, q_image), (r_rect, r_image) = results
    assert r_rect == q_rect and r_rect.height() > 60
    assert r_image == q_image


def test_a_rich_label_follows_its_parents_font_as_a_qlabel(qtbot):
    """A font set on the window (as presentation mode does) reaches the label, which lays
    its text out again in it: the same room and pixels as a QLabel's."""
    from PySide6.QtWidgets import QLabel

    from ui.rich_label import RichLabel

    text = "Mostly: <b>itself</b> (30%)<br>Entropy 2.64 bits \u00b7 peak 0.92"
    results = []
    for make in (lambda: QLabel(wordWrap=True), RichLabel):
        label = make()
        holder = _alone_in_a_window(qtbot, label, text, (240, 300))
        label.grab()
        small = label.height()
        font = holder.font()
        font.setPointSize(font.pointSize() * 2)
        holder.setFont(font)
        qtbot.wait(10)
        assert label.height() > small
        results.append((label.geometry(), label.grab().toImage()))
    assert results[0][0] == results[1][0]
    assert results[0][1] == results[1][1]
