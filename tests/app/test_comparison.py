"""One wide head against the current heads: same input, same total width."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.comparison import concatenate_heads, snapshot_comparison
from app.session import Session


@pytest.fixture
def session(qapp):
    return Session()


def test_concatenating_heads_puts_head_zero_first():
    """(h, d_model, d_k) becomes (1, d_model, h*d_k) with head 0's columns on the left."""
    w = np.arange(2 * 3 * 2, dtype=float).reshape(2, 3, 2)
    wide = concatenate_heads(w)
    assert wide.shape == (1, 3, 4)
    np.testing.assert_array_equal(wide[0, :, :2], w[0])
    np.testing.assert_array_equal(wide[0, :, 2:], w[1])


def test_single_heads_score_is_the_sum_of_the_heads_scores(session):
    """q . k over the concatenated vectors equals the sum of the per-head q . k."""
    comp = snapshot_comparison(session.snapshot)
    np.testing.assert_allclose(comp.single.scores[0], session.result.scores.sum(axis=0), atol=1e-10)
    np.testing.assert_allclose(comp.summed_scores, comp.single.scores[0])


def test_single_heads_logits_scale_by_the_wider_sqrt_dk_and_temperature(session):
    """The single head divides the summed score by sqrt(h*d_k) and by T."""
    session.set_heads(4)
    session.set_temperature(0.5)
    comp = snapshot_comparison(session.snapshot)
    s = session.state
    assert comp.single_width == s.n_heads * s.d_k
    expected = session.result.scores.sum(axis=0) / math.sqrt(s.n_heads * s.d_k) / 0.5
    np.testing.assert_allclose(comp.single.logits[0], expected, atol=1e-10)


def test_causal_mask_applies_to_the_single_head_too(session):
    """The single head sees the same mask as the heads."""
    session.set_causal(True)
    comp = snapshot_comparison(session.snapshot)
    np.testing.assert_array_equal(comp.single.masked[0], session.result.masked[0])


def test_comparison_is_computed_once_per_snapshot(session):
    """Two views asking for the same snapshot share one computation."""
    assert snapshot_comparison(session.snapshot) is snapshot_comparison(session.snapshot)
    old = snapshot_comparison(session.snapshot)
    session.set_sentence("The red car")
    assert snapshot_comparison(session.snapshot) is not old
    assert snapshot_comparison(session.snapshot).single.weights.shape == (1, 3, 3)


def test_single_head_has_its_own_statistics(session):
    """The comparison carries the single head's entropy, peak and focus for the caption."""
    comp = snapshot_comparison(session.snapshot)
    assert 0.0 <= comp.single_stats.entropy_bits <= comp.single_stats.even_bits + 1e-9
    assert comp.single_stats.peak == pytest.approx(comp.single.weights[0].max())
