"""The session: edits recompute through the engine, undo restores, bad input is refused."""

from __future__ import annotations

import numpy as np
import pytest

from app import state as st
from app.export import export_npz
from app.selection import Selection
from app.session import Session, Snapshot
from engine import multi_head_attention


@pytest.fixture
def session(qapp):
    return Session()


def test_opens_on_the_explainers_sentence(session):
    """The default session is the bank sentence: 13 tokens, 2 heads, a result for each."""
    assert session.state.tokens[:5] == ("I", "went", "to", "the", "bank")
    assert len(session.state.tokens) == 13
    assert session.result.weights.shape == (2, 13, 13)
    assert session.error == ""


def test_result_is_the_engines_output_for_the_state(session):
    """The session shows exactly what the engine computes from its x and matrices."""
    s, snap = session.state, session.snapshot
    expected = multi_head_attention(
        snap.embedded.x, s.w_q, s.w_k, s.w_v, s.w_o, temperature=s.temperature, backend="numpy"
    )
    np.testing.assert_allclose(snap.result.weights, expected.weights, rtol=1e-12)
    np.testing.assert_allclose(snap.embedded.x, snap.embedded.words + snap.embedded.positions)


def test_set_sentence_emits_a_new_snapshot(session, qtbot):
    """Typing a new sentence recomputes and tells the views with a snapshot."""
    with qtbot.waitSignal(session.sigResultChanged) as blocker:
        session.set_sentence("The red car")
    snap = blocker.args[0]
    assert isinstance(snap, Snapshot)
    assert snap.state.tokens == ("The", "red", "car")
    assert snap.result.weights.shape == (2, 3, 3)


@pytest.mark.parametrize("text", ["", "   ", "!!! " * 40])
def test_empty_or_huge_sentences_are_refused_and_work_survives(session, text):
    """No tokens, or more than 64, is a clear ValueError; the current sentence stays."""
    before = session.state.tokens
    with pytest.raises(ValueError, match="no tokens|at most 64"):
        session.set_sentence(text)
    assert session.state.tokens == before
    assert session.undo_stack.count() == 0


def test_head_count_keeps_existing_heads_and_adds_reproducible_ones(session):
    """Going to 4 heads keeps heads 1-2 exactly; heads 3-4 are the same every time."""
    old = session.state
    session.set_heads(4)
    new = session.state
    np.testing.assert_array_equal(new.w_q[:2], old.w_q)
    np.testing.assert_array_equal(new.w_o[: 2 * old.d_k], old.w_o)
    assert new.w_q.shape == (4, old.d_model, old.d_k)
    assert session.result.weights.shape[0] == 4
    other = Session()
    other.set_heads(4)
    np.testing.assert_array_equal(other.state.w_q, new.w_q)
    session.set_heads(1)
    np.testing.assert_array_equal(session.state.w_q[0], old.w_q[0])
    with pytest.raises(ValueError, match="between 1 and 16"):
        session.set_heads(17)


def test_undo_and_redo_every_kind_of_edit(session):
    """Each edit is one undo step; undo brings back the exact previous state."""
    start = session.state
    session.set_heads(3)
    session.set_temperature(2.0)
    session.set_causal(True)
    session.set_positions("none")
    session.set_sentence("The red car")
    assert session.undo_stack.count() == 5
    for _ in range(5):
        session.undo_stack.undo()
    assert session.state is start
    assert session.result.weights.shape == (2, 13, 13)
    for _ in range(5):
        session.undo_stack.redo()
    assert session.state.tokens == ("The", "red", "car")
    assert session.state.n_heads == 3 and session.state.causal


def test_a_slider_drag_is_one_undo_step(session):
    """Consecutive temperature edits merge until the slider is released."""
    for t in (1.2, 1.5, 2.0, 3.0):
        session.set_temperature(t)
    session.end_merge()
    session.set_temperature(0.5)
    assert session.undo_stack.count() == 2
    session.undo_stack.undo()
    assert session.state.temperature == 3.0
    session.undo_stack.undo()
    assert session.state.temperature == 1.0


def test_batch_is_one_step_and_one_recompute(session, qtbot):
    """Several edits in a batch recompute once and undo together."""
    emitted = []
    session.sigResultChanged.connect(emitted.append)
    with session.batch("Set up"):
        session.set_heads(4)
        session.set_causal(True)
    assert len(emitted) == 1
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert session.state.n_heads == 2 and not session.state.causal


def test_nan_matrix_is_refused(session):
    """A NaN entry never reaches the engine; the matrices stay as they were."""
    w = session.state.w_q.copy()
    w[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        session.set_matrix("w_q", w)
    assert np.isfinite(session.state.w_q).all()


def test_overflow_keeps_the_last_good_result_and_says_why(session, qtbot):
    """Matrices too large to compute: an error message, and the last result stays on screen."""
    session.set_matrix("w_q", np.full_like(session.state.w_q, 1e200))  # still computable
    good = session.snapshot
    with qtbot.waitSignal(session.sigErrorChanged) as blocker:
        session.set_matrix("w_k", np.full_like(session.state.w_k, 1e200))
    assert "overflowed" in blocker.args[0]
    assert session.snapshot is good
    session.undo_stack.undo()
    assert session.error == ""


def test_positions_off_makes_the_two_banks_identical(session):
    """With positions off the two 'bank' tokens get identical attention rows (a lesson)."""
    session.set_positions("none")
    w = session.result.weights
    np.testing.assert_allclose(w[:, 4], w[:, 11], rtol=1e-12)
    session.set_positions("sinusoidal")
    assert not np.allclose(session.result.weights[:, 4], session.result.weights[:, 11])


def test_head_switched_off_contributes_nothing(session):
    """Switching a head off zeroes its output but keeps its weights to look at."""
    session.set_head_enabled(1, False)
    assert (session.result.head_outputs[1] == 0).all()
    assert session.result.weights[1].sum() == pytest.approx(13)


def test_selection_follows_the_head_count(session):
    """The selected head stays valid when heads are removed."""
    sel = Selection(session)
    session.set_heads(5)
    sel.set_head(4)
    session.set_heads(2)
    assert sel.head == 1
    sel.set_query(12)
    session.set_sentence("The red car")
    assert sel.query == -1


def test_temperature_limits(session):
    """Temperatures outside the slider's range are refused with their bounds named."""
    for bad in (0.0, -1.0, float("nan"), 1e6):
        with pytest.raises(ValueError, match="between"):
            session.set_temperature(bad)
    assert st.MIN_TEMPERATURE <= session.state.temperature <= st.MAX_TEMPERATURE


def test_export_npz_has_every_stage(session, tmp_path):
    """The .npz export holds tokens, inputs, matrices and every stage of attention."""
    path = export_npz(tmp_path / "bank.npz", session.snapshot)
    with np.load(path) as data:
        for key in ("tokens", "x", "w_q", "w_k", "w_v", "w_o", "weights", "head_outputs", "output"):
            assert key in data.files
        assert list(data["tokens"]) == list(session.state.tokens)
        np.testing.assert_array_equal(data["weights"], session.result.weights)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    with pytest.raises(ValueError, match=".npz"):
        export_npz(tmp_path / "bank.txt", session.snapshot)


def _fresh_input(session):
    s = session.state
    return session.source.embed(s.tokens, s.d_model, s.positions, s.position_scale, s.word_overrides)


def test_an_edit_that_keeps_the_input_reuses_it_and_others_embed_again(session):
    """A matrix, head or temperature edit leaves x alone (the last input is reused); tokens,
    positions and word vectors embed again. Either way x is what embedding the state gives."""
    first = session.snapshot.embedded
    session.set_cell("w_q", 0, 0, 0, 0.7)
    session.set_heads(3)
    session.set_temperature(2.0)
    assert session.snapshot.embedded is first
    edits = (
        lambda: session.set_tokens([*session.state.tokens[:-1], "lake"]),
        lambda: session.set_positions("none"),
        lambda: session.set_word_vector("bank", np.ones(session.state.d_model)),
        lambda: session.undo_stack.undo(),  # back to the first word vector of 'bank'
    )
    for edit in edits:
        before = session.snapshot.embedded
        edit()
        now = session.snapshot.embedded
        assert now is not before
        fresh = _fresh_input(session)
        np.testing.assert_array_equal(now.x, fresh.x)
        np.testing.assert_array_equal(now.words, fresh.words)
