"""The context effect: bars of how far each token moved, cosine similarities, the two banks."""

from __future__ import annotations

import numpy as np

from app.analysis import snapshot_context_effect


def test_bars_are_the_norms_of_output_minus_input(bank_window, open_view):
    """One bar per token, its length ||output_i - x_i||."""
    context = open_view("context")
    snap = bank_window.session.snapshot
    expected = np.linalg.norm(snap.result.output - snap.embedded.x, axis=1)
    np.testing.assert_allclose(context.bars.opts["width"], expected)
    assert context.bar_axis.labels() == list(snap.state.tokens)


def test_similarity_matrix_is_the_outputs_cosines(bank_window, open_view):
    """The heatmap holds the cosine similarity of the outputs (or the inputs, when chosen)."""
    context = open_view("context")
    effect = snapshot_context_effect(bank_window.session.snapshot)
    np.testing.assert_array_equal(context.similarity.values, effect.output_cosine)
    context.which.setCurrentIndex(context.which.findData("input"))
    np.testing.assert_array_equal(context.similarity.values, effect.input_cosine)


def test_the_two_banks_are_called_out(bank_window, open_view):
    """The callout names both banks; positions off makes their outputs identical."""
    context = open_view("context")
    text = context.callout.text()
    assert "'bank'</b> (tokens 5 and 12)" in text and "differ" in text
    assert len(context._outlines) == 2 * 3  # bank, the, to: both cells of each pair
    bank_window.session.set_positions("none")
    assert "identical outputs" in context.callout.text()
    assert "positions off" in context.callout.text()


def test_a_sentence_without_repeats_says_so(bank_window, open_view):
    """No repeated word: the callout suggests the Bank preset."""
    context = open_view("context")
    bank_window.session.set_sentence("The red car")
    assert "No word appears twice" in context.callout.text()
    assert context.similarity.values.shape == (3, 3)
