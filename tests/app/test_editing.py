"""Editing everything: sizes, single cells, whole heads, word vectors, token order."""

from __future__ import annotations

import numpy as np
import pytest

from app import shapes
from app.session import Session


@pytest.fixture
def session(qapp):
    return Session()


def test_d_model_shrinks_and_grows_back_keeping_the_kept_part(session):
    """d_model 16 -> 6 -> 16: the first 6 rows of every W survive; new rows are zero."""
    old = session.state
    session.set_d_model(6)
    assert session.state.w_q.shape == (2, 6, old.d_k)
    assert session.state.w_o.shape == (2 * old.d_k, 6)
    assert session.result.output.shape == (13, 6)
    session.set_d_model(16)
    np.testing.assert_array_equal(session.state.w_q[:, :6], old.w_q[:, :6])
    assert (session.state.w_q[:, 6:] == 0).all()
    with pytest.raises(ValueError, match="between 2 and 64"):
        session.set_d_model(65)


def test_d_k_changes_every_head_and_w_o_blocks(session):
    """d_k 8 -> 3: W_Q columns and the matching W_O rows of each head are kept."""
    old = session.state
    session.set_d_k(3)
    s = session.state
    assert s.w_k.shape == (2, 16, 3) and s.w_o.shape == (6, 16)
    np.testing.assert_array_equal(s.w_o[3:6], old.w_o[8:11])  # head 2's first three rows
    assert session.result.head_outputs.shape == (2, 13, 3)


def test_cell_edits_merge_into_one_step_while_dragging(session):
    """A slider drag over one cell is one undo step; the value reaches the result."""
    before = session.state.w_q[1, 3, 2]
    for v in (0.5, 1.0, 1.5):
        session.set_cell("w_q", 1, 3, 2, v, merge_key="cell")
    session.end_merge()
    assert session.state.w_q[1, 3, 2] == 1.5
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert session.state.w_q[1, 3, 2] == before
    with pytest.raises(ValueError, match="finite"):
        session.set_cell("w_k", 0, 0, 0, float("nan"))


def test_w_o_edits_touch_only_that_heads_block(session):
    """Editing head 2's W_O block changes rows d_k..2*d_k of W_O and nothing else."""
    dk = session.state.d_k
    old = session.state.w_o.copy()
    session.set_cell("w_o", 1, 0, 5, 9.0)
    assert session.state.w_o[dk, 5] == 9.0
    changed = np.argwhere(session.state.w_o != old)
    assert changed.tolist() == [[dk, 5]]


def test_fill_and_copy_heads(session):
    """Randomise is reproducible by seed; identity and zero do what they say; copy copies."""
    session.fill_head("w_q", 0, "random", seed=7)
    a = session.state.w_q[0].copy()
    session.fill_head("w_q", 0, "zero")
    assert (session.state.w_q[0] == 0).all()
    session.fill_head("w_q", 0, "random", seed=7)
    np.testing.assert_array_equal(session.state.w_q[0], a)
    session.fill_head("w_v", 1, "identity")
    np.testing.assert_array_equal(session.state.w_v[1], np.eye(16, 8))
    session.copy_head(0, 1)
    for which in shapes.MATRIX_NAMES:
        np.testing.assert_array_equal(
            shapes.head_matrix(session.state, which, 1), shapes.head_matrix(session.state, which, 0)
        )
    np.testing.assert_allclose(session.result.weights[0], session.result.weights[1])


def test_solo_and_all_heads(session):
    """Solo switches every other head off; 'all heads on' brings them back."""
    session.set_heads(4)
    session.solo_head(2)
    np.testing.assert_array_equal(session.state.head_mask, [0, 0, 1, 0])
    assert (session.result.head_outputs[[0, 1, 3]] == 0).all()
    session.enable_all_heads()
    assert session.state.head_mask.tolist() == [1, 1, 1, 1]


def test_word_vector_edit_changes_every_copy_of_the_word(session):
    """Editing 'bank' changes both banks' input rows; reset brings back the lexicon's."""
    original = session.snapshot.embedded.words[4].copy()
    new = np.zeros(16)
    new[0] = 1.0
    session.set_word_vector("Bank", new)
    words = session.snapshot.embedded.words
    np.testing.assert_array_equal(words[4], new)
    np.testing.assert_array_equal(words[11], new)
    session.reset_word_vector("bank")
    np.testing.assert_array_equal(session.snapshot.embedded.words[4], original)
    with pytest.raises(ValueError, match="16 finite numbers"):
        session.set_word_vector("bank", np.zeros(3))


def test_shuffle_without_positions_only_permutes_the_matrix(session):
    """Positions off: shuffling the tokens permutes the attention matrix, nothing more."""
    session.set_positions("none")
    before_tokens = session.state.tokens
    before = session.result.weights.copy()
    session.shuffle_tokens(seed=3)
    after_tokens = session.state.tokens
    assert sorted(after_tokens) == sorted(before_tokens) and after_tokens != before_tokens
    # Recover the permutation by matching rows of the input.
    x_before = session.source.embed(before_tokens, 16, "none", 0.0).x
    x_after = session.snapshot.embedded.x
    perm = [int(np.flatnonzero((x_before == row).all(axis=1))[0]) for row in x_after]
    np.testing.assert_allclose(session.result.weights, before[:, perm][:, :, perm], rtol=1e-12)


def test_rename_head(session):
    """A head can be given a name people will see everywhere; an empty name is refused."""
    session.rename_head(1, "Grammar")
    assert session.state.head_names[1] == "Grammar"
    with pytest.raises(ValueError, match="name"):
        session.rename_head(1, "  ")
