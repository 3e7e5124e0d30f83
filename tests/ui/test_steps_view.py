"""The step-by-step panel writes the engine's own numbers for the selected query and head."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QUrl


def test_numbers_are_the_results_for_the_selected_query(bank_window, open_view):
    """Scores, logits and weights shown are result.scores/logits/weights[head, query] to 2 decimals."""
    steps = open_view("steps")
    bank_window.selection.set_query(4)
    bank_window.selection.set_head(1)
    res = bank_window.session.result
    text = steps.browser.toPlainText()
    assert steps.title.text() == "Head 2 (Grammar role), query 'bank' (token 5)"
    for j in range(len(bank_window.session.state.tokens)):
        assert f"{res.scores[1, 4, j]:.2f}" in text
        assert f"{res.logits[1, 4, j]:.2f}" in text
        assert f"{res.weights[1, 4, j]:.2f}" in text
    assert "[" + ", ".join(f"{x:.2f}" for x in res.head_outputs[1, 4]) + "]" in text
    np.testing.assert_array_equal(steps.steps.weights, res.weights[1, 4])


def test_a_score_expands_into_its_products(bank_window, open_view):
    """Clicking "show the sum" writes score(q, k) = q1 x k1 + ... = score with real numbers."""
    steps = open_view("steps")
    bank_window.selection.set_query(4)
    res = bank_window.session.result
    steps.browser.anchorClicked.emit(QUrl("expand:7"))
    q, k = res.q[0, 4], res.k[0, 7]
    terms = " + ".join(f"{a:.2f} \u00d7 {b:.2f}" for a, b in zip(q, k, strict=True))
    assert f"score(bank, money) = {terms} = {res.scores[0, 4, 7]:.2f}" in steps.browser.toPlainText()


def test_next_step_reveals_the_stages_one_at_a_time(bank_window, open_view):
    """From step 1, "Next step" adds steps 2, 3 and 4; "Show all" shows every step."""
    steps = open_view("steps")
    steps.restart_button.click()
    text = steps.browser.toPlainText()
    assert "1. Scores" in text and "2. Scale" not in text
    steps.next_button.click()
    steps.next_button.click()
    text = steps.browser.toPlainText()
    assert "3. Softmax" in text and "4. Output" not in text
    steps.all_button.click()
    assert "4. Output" in steps.browser.toPlainText()
    assert not steps.next_button.isEnabled()


def test_no_selection_uses_token_one_and_says_so(bank_window, open_view):
    """With no query selected the panel shows token 1 and explains why."""
    steps = open_view("steps")
    bank_window.selection.set_query(-1)
    assert "query 'I' (token 1)" in steps.title.text()
    assert "No token selected" in steps.note.text()


def test_masked_keys_read_minus_infinity(bank_window, open_view):
    """With the causal mask on, the later keys' logits read -inf (masked)."""
    steps = open_view("steps")
    bank_window.selection.set_query(2)
    bank_window.session.set_causal(True)
    assert "-\u221e (masked)" in steps.browser.toPlainText()


def test_softmax_shows_exp_values_and_their_sum(bank_window, open_view):
    """Step 3 lists exp(logit) for each key and their sum; the weights add up to 1.00."""
    steps = open_view("steps")
    bank_window.selection.set_query(0)
    text = steps.browser.toPlainText()
    st = steps.steps
    assert f"{st.exp_sum:.3f}" in text
    assert all(f"{e:.3f}" in text for e in st.exps)
    assert "1.00" in text
