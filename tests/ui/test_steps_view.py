"""The step-by-step panel writes the engine's own numbers for the selected query and head."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def click_link(steps, target: str) -> None:
    """A left click in the middle of the link to ``target``, where the panel drew it."""
    rects = [rect for rect, t in steps.canvas.link_rects() if t == target]
    assert rects, f"no link to {target!r}"
    centre = rects[0].center()
    QTest.mouseClick(
        steps.canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(centre.x()), round(centre.y()))
    )


def drawn_texts(steps) -> list[str]:
    return [text for _, text in steps.canvas.text_boxes()]


def test_numbers_are_the_results_for_the_selected_query(bank_window, open_view):
    """Scores, logits and weights shown are result.scores/logits/weights[head, query] to 2 decimals."""
    steps = open_view("steps")
    bank_window.selection.set_query(4)
    bank_window.selection.set_head(1)
    res = bank_window.session.result
    text = steps.text()
    drawn = drawn_texts(steps)
    assert steps.title.text() == "Head 2 (Grammar role), query 'bank' (token 5)"
    for j in range(len(bank_window.session.state.tokens)):
        assert f"{res.scores[1, 4, j]:.2f}" in text
        assert f"{res.logits[1, 4, j]:.2f}" in drawn  # in a cell of its own
        assert f"{res.weights[1, 4, j]:.2f}" in drawn
    assert "[" + ", ".join(f"{x:.2f}" for x in res.head_outputs[1, 4]) + "]" in text
    np.testing.assert_array_equal(steps.steps.weights, res.weights[1, 4])


def test_a_score_expands_into_its_products(bank_window, open_view):
    """Clicking "show the sum" writes score(q, k) = q1 x k1 + ... = score with real numbers."""
    steps = open_view("steps")
    bank_window.selection.set_query(4)
    res = bank_window.session.result
    q, k = res.q[0, 4], res.k[0, 7]
    terms = " + ".join(f"{a:.2f} \u00d7 {b:.2f}" for a, b in zip(q, k, strict=True))
    formula = f"score(bank, money) = {terms} = {res.scores[0, 4, 7]:.2f}"
    assert formula not in steps.text()  # collapsed until asked for
    click_link(steps, "7")
    assert formula in steps.text()
    assert "hide" in drawn_texts(steps)
    click_link(steps, "7")
    assert formula not in steps.text()


def test_show_every_sum_and_hide_them(bank_window, open_view):
    """The "Show every sum" link expands all keys' products; "Hide the sums" folds them again."""
    steps = open_view("steps")
    n = len(bank_window.session.state.tokens)
    click_link(steps, "all")
    assert steps.text().count("score(") == n
    click_link(steps, "none")
    assert "score(" not in steps.text()


def test_next_step_reveals_the_stages_one_at_a_time(bank_window, open_view):
    """From step 1, "Next step" adds steps 2, 3 and 4; "Show all" shows every step."""
    steps = open_view("steps")
    steps.restart_button.click()
    text = steps.text()
    assert "1. Scores" in text and "2. Scale" not in text
    steps.next_button.click()
    steps.next_button.click()
    text = steps.text()
    assert "3. Softmax" in text and "4. Output" not in text
    steps.all_button.click()
    assert "4. Output" in steps.text()
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
    assert "-\u221e (masked)" in drawn_texts(steps)


def test_softmax_shows_exp_values_and_their_sum(bank_window, open_view):
    """Step 3 lists exp(logit) for each key and their sum; the weights add up to 1.00."""
    steps = open_view("steps")
    bank_window.selection.set_query(0)
    drawn = drawn_texts(steps)
    st = steps.steps
    assert f"{st.exp_sum:.3f}" in drawn
    assert all(f"{e:.3f}" in drawn for e in st.exps)
    assert "1.00" in drawn


def test_text_fits_the_panel_without_overlapping(bank_window, open_view):
    """Vectors break between entries to fit a narrow panel; nothing overlaps or is cut off.

    Narrower than the widest table can get, the panel scrolls sideways instead.
    """
    steps = open_view("steps")
    bank_window.session.set_d_k(8)  # long vectors
    bank_window.selection.set_query(4)
    # The narrowest the content can get depends on the font earlier tests left (themes,
    # text sizes): measure it at 300 px, too narrow for step 2's table, then give it room.
    steps.area.resize(300, 500)
    narrowest = steps.canvas.layout_.width
    roomy = max(520, narrowest + 40)
    for width, fits in ((roomy, True), (300, False)):
        steps.area.resize(width, 500)
        viewport = steps.area.viewport().width()
        boxes = steps.canvas.text_boxes()
        assert max(rect.right() for rect, _ in boxes) <= steps.canvas.width()
        if fits:
            assert steps.canvas.width() == viewport
        else:
            assert steps.canvas.width() > viewport
            assert steps.area.horizontalScrollBar().maximum() >= steps.canvas.width() - viewport
        for i, (a, text_a) in enumerate(boxes):
            for b, text_b in boxes[i + 1 :]:
                overlap = a.intersected(b)
                assert overlap.width() < 1 or overlap.height() < 1, (text_a, text_b)
        assert any(text.endswith(",") for _, text in boxes)  # a vector did break


def test_text_grows_with_the_font_scale(bank_window, open_view):
    """Presentation mode's larger text (the theme's font scale) makes the panel's text larger."""
    from ui.theme import apply_theme

    steps = open_view("steps")
    before = steps.canvas.height()
    line = max(rect.height() for rect, _ in steps.canvas.text_boxes())
    try:
        apply_theme(QApplication.instance(), "light", 2.0)
        QApplication.processEvents()
        assert max(rect.height() for rect, _ in steps.canvas.text_boxes()) > 1.6 * line
        assert steps.canvas.height() > 1.5 * before
    finally:
        apply_theme(QApplication.instance(), "light", 1.0)


def test_copy_puts_the_calculation_on_the_clipboard(bank_window, open_view):
    """The text is painted, not selectable: "Copy the calculation" copies all of it."""
    steps = open_view("steps")
    bank_window.selection.set_query(4)
    steps.copy_text()
    copied = QApplication.clipboard().text()
    assert copied.startswith(steps.title.text())
    assert f"{bank_window.session.result.weights[0, 4, 4]:.2f}" in copied
    assert "4. Output" in copied


def test_a_long_token_widens_the_panel_instead_of_running_off(bank_window, open_view):
    """A 60-letter token cannot break: the expanded sum and the tables make the panel scroll."""
    steps = open_view("steps")
    bank_window.session.set_tokens(["a" * 60, "b"])
    bank_window.selection.set_query(0)
    click_link(steps, "all")
    assert steps.text().count("score(" + "a" * 60) == 2
    assert max(rect.right() for rect, _ in steps.canvas.text_boxes()) <= steps.canvas.width()


def test_tab_reaches_the_links_and_enter_follows_one(bank_window, open_view):
    """Without a mouse: Tab walks "Show every sum", "Hide the sums", then each key's link."""
    steps = open_view("steps")
    bank_window.selection.set_query(4)
    steps.canvas.setFocus(Qt.FocusReason.TabFocusReason)
    assert steps.canvas.focus_link == "all"
    QTest.keyClick(steps.canvas, Qt.Key.Key_Tab)
    QTest.keyClick(steps.canvas, Qt.Key.Key_Tab)
    assert steps.canvas.focus_link == "0"
    QTest.keyClick(steps.canvas, Qt.Key.Key_Return)
    assert "score(bank, I) = " in steps.text()
    QTest.keyClick(steps.canvas, Qt.Key.Key_Backtab)
    assert steps.canvas.focus_link == "none"


def test_a_screen_reader_gets_the_calculation_as_text(bank_window, open_view, monkeypatch):
    """The text is painted; with assistive technology listening, the canvas describes it."""
    import ui.steps_view as steps_view

    steps = open_view("steps")
    assert steps.canvas.accessibleName()
    monkeypatch.setattr(steps_view.QAccessible, "isActive", staticmethod(lambda: True))
    bank_window.selection.set_query(4)
    steps.reveal(4)
    description = steps.canvas.accessibleDescription()
    assert description == steps.text()
    assert "bank" in description and f"{steps.steps.exp_sum:.3f}" in description
