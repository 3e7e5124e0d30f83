"""The step-by-step numbers agree with the engine's result."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.session import Session
from app.steps import snapshot_steps, worked_steps


@pytest.fixture
def session(qapp):
    s = Session()
    s.load_preset("bank")
    return s


def test_products_sum_to_the_scores(session):
    """q_i * k_i summed over i is the engine's score for every key."""
    steps = snapshot_steps(session.snapshot, 0, 4)
    np.testing.assert_allclose(steps.products.sum(axis=1), session.result.scores[0, 4], atol=1e-12)


def test_scores_divided_by_sqrt_dk_and_temperature_are_the_logits(session):
    """score / sqrt(d_k) / T gives the logits, with T and scale from the state."""
    session.set_temperature(2.0)
    steps = snapshot_steps(session.snapshot, 1, 3)
    assert steps.scale_divisor == pytest.approx(math.sqrt(session.state.d_k))
    np.testing.assert_allclose(steps.scores / steps.scale_divisor / 2.0, steps.logits)


def test_exp_over_their_sum_gives_the_weights(session):
    """exp(logit) / sum of exp is the weight row, and it sums to 1."""
    steps = snapshot_steps(session.snapshot, 0, 7)
    np.testing.assert_allclose(steps.exps / steps.exp_sum, session.result.weights[0, 7], atol=1e-12)
    assert steps.weights.sum() == pytest.approx(1.0)


def test_masked_keys_have_minus_infinity_and_zero_exp(session):
    """With the causal mask, keys after the query are -inf and contribute exp 0."""
    session.set_causal(True)
    steps = snapshot_steps(session.snapshot, 0, 2)
    assert steps.masked.tolist()[:4] == [False, False, False, True]
    assert np.isneginf(steps.logits[3]) and steps.exps[3] == 0.0


def test_weighted_values_sum_to_the_head_output(session):
    """sum_j weight_j v_j is the head's output row."""
    steps = snapshot_steps(session.snapshot, 1, 5)
    np.testing.assert_allclose(steps.weighted_values.sum(axis=0), session.result.head_outputs[1, 5])


def test_no_selected_query_uses_token_zero(session):
    """Query -1 stands for "none selected": token 0 is shown and flagged."""
    steps = worked_steps(session.result, session.state, 0, -1)
    assert (steps.query, steps.defaulted) == (0, True)


def test_huge_logits_are_shifted_before_exp(session):
    """Very sharp attention subtracts the largest logit first; the weights are unchanged."""
    session.set_temperature(0.05)
    steps = snapshot_steps(session.snapshot, 0, 10)
    assert steps.exp_shift > 30
    assert np.isfinite(steps.exps).all()
    np.testing.assert_allclose(steps.exps / steps.exp_sum, steps.weights, atol=1e-12)
