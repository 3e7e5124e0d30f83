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
