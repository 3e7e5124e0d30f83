"""Statistics about attention, checked on weight matrices written by hand."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from app import analysis as an
from app.session import Session

TOKENS = ("the", "bank", "by", "the", "river")


def test_entropy_is_zero_for_one_key_and_log2_m_for_an_even_spread():
    """A one-hot row has 0 bits; an even row over 4 keys has 2 bits; masked zeros add nothing."""
    w = np.array([[1.0, 0, 0, 0], [0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0, 0]])
    np.testing.assert_allclose(an.row_entropy_bits(w), [0.0, 2.0, 1.0])


def test_identity_weights_attend_to_themselves():
    """Weights on the diagonal read "itself", share 1."""
    focus = an.attention_focus(np.eye(5), TOKENS)
    assert (focus.kind, focus.label, focus.share) == ("self", "itself", 1.0)


def test_shifted_weights_attend_to_the_previous_token():
    """Each row on the key before it (the first row on itself) reads "the previous token"."""
    w = np.zeros((5, 5))
    w[0, 0] = 1.0
    for i in range(1, 5):
        w[i, i - 1] = 1.0
    focus = an.attention_focus(w, TOKENS)
    assert focus.kind == "previous"
    assert focus.label == "the previous token"


def test_weights_on_the_following_key_read_the_next_token():
    """Each row on the key after it (the last row on itself) reads "the next token"."""
    w = np.zeros((5, 5))
    for i in range(4):
        w[i, i + 1] = 1.0
    w[4, 4] = 1.0
    assert an.attention_focus(w, TOKENS).label == "the next token"


def test_one_column_taking_the_attention_names_that_word():
    """Every row looking at "bank" reads "a particular word: 'bank'"."""
    w = np.zeros((5, 5))
    w[:, 1] = 1.0
    focus = an.attention_focus(w, TOKENS)
    assert (focus.kind, focus.token) == ("word", 1)
    assert focus.label == "a particular word: 'bank'"


def test_a_repeated_word_is_named_with_its_position():
    """When the word occurs twice the label says which one."""
    w = np.zeros((5, 5))
    w[:, 3] = 1.0
    assert an.attention_focus(w, TOKENS).label == "a particular word: 'the' (token 4)"


def test_even_weights_attend_to_nothing_in_particular():
    """A uniform matrix has no focus."""
    focus = an.attention_focus(np.full((5, 5), 0.2), TOKENS)
    assert focus.kind == "spread"
    assert "nothing in particular" in focus.label


def test_head_stats_of_a_hand_made_matrix():
    """Entropy, even-spread entropy and peak of a small causal matrix."""
    w = np.array([[1.0, 0.0], [0.5, 0.5]])
    masked = np.array([[False, True], [False, False]])
    stats = an.head_stats(w, ("a", "b"), masked)
    assert stats.entropy_bits == pytest.approx(0.5)  # rows: 0 bits and 1 bit
    assert stats.even_bits == pytest.approx(0.5)  # 1 visible key, then 2
    assert stats.peak == 1.0


def test_snapshot_stats_are_computed_once_per_snapshot(qapp):
    """Asking twice for one snapshot returns the same object; a new snapshot recomputes."""
    session = Session()
    first = an.snapshot_head_stats(session.snapshot)
    assert an.snapshot_head_stats(session.snapshot) is first
    assert len(first) == session.state.n_heads
    session.set_heads(3)
    assert len(an.snapshot_head_stats(session.snapshot)) == 3


def test_cached_results_go_with_their_snapshot(qapp):
    """The cache does not keep old snapshots alive."""
    session = Session()
    an.snapshot_head_stats(session.snapshot)
    before = an.snapshot_head_stats.cache_size()
    session.set_heads(3)
    session.undo_stack.clear()
    gc.collect()
    assert an.snapshot_head_stats.cache_size() <= before


def test_output_shift_is_the_row_norm_of_the_difference():
    """||output_i - x_i|| row by row: a 3-4-5 triangle and no move."""
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    out = np.array([[3.0, 4.0], [1.0, 1.0]])
    np.testing.assert_allclose(an.output_shift(x, out), [5.0, 0.0])


def test_cosine_similarity_by_hand():
    """Parallel rows give 1, opposite -1, orthogonal 0, and a zero row 0."""
    m = np.array([[1.0, 0.0], [2.0, 0.0], [-1.0, 0.0], [0.0, 3.0], [0.0, 0.0]])
    sim = an.cosine_similarity_matrix(m)
    assert sim[0, 1] == pytest.approx(1.0)
    assert sim[0, 2] == pytest.approx(-1.0)
    assert sim[0, 3] == pytest.approx(0.0)
    assert sim[4, 4] == 0.0
    np.testing.assert_allclose(sim, sim.T)


def test_repeated_words_ignore_case_and_punctuation():
    """ "The ... the" pair up; "." twice does not count as a word."""
    assert an.repeated_words(("The", "bank", ".", "the", "bank", ".")) == [
        ("The", (0, 3)),
        ("bank", (1, 4)),
    ]


def test_two_banks_are_the_same_without_positions_and_differ_with_them(qapp):
    """Bank preset: positions off, both "bank"s enter and leave alike; positions on, they differ."""
    session = Session()
    session.load_preset("bank")
    session.set_positions("none")
    effect = an.snapshot_context_effect(session.snapshot)
    assert [r.text for r in effect.repeats] == ["bank", "the", "to"]  # the one to call out first
    bank = effect.repeats[0]
    assert (bank.first, bank.second) == (4, 11)
    assert bank.input_cosine == pytest.approx(1.0)
    assert bank.output_cosine == pytest.approx(1.0)
    assert bank.output_distance == pytest.approx(0.0, abs=1e-12)
    session.set_positions("sinusoidal")
    bank = next(r for r in an.snapshot_context_effect(session.snapshot).repeats if r.text == "bank")
    assert bank.word_cosine == pytest.approx(1.0)  # still the same word
    assert bank.output_cosine < 0.99
    assert bank.output_distance > 0.1
    # The first bank leans to money, the second to the river: they differ most on finance.
    assert session.feature_names()[bank.feature] == "finance"


def _reference_head_stats(w, tokens, masked):
    """One head's statistics written out plainly, one NumPy call at a time (the old code)."""
    terms = np.where(w > 0, -w * np.log2(np.where(w > 0, w, 1.0)), 0.0)
    shares = []
    for kind, offset in (("self", 0), ("previous", -1), ("next", 1)):
        diag = np.diagonal(w, offset=offset)
        shares.append((kind, float(diag.mean()) if diag.size else 0.0, -1))
    n = w.shape[0]
    if n > 1:
        column = (w.sum(axis=0) - np.diagonal(w)) / (n - 1)
        j = int(np.argmax(column))
        shares.append(("word", float(column[j]), j))
    kind, share, token = max(shares, key=lambda s: s[1])
    if n > 1 and share < an.SPREAD_FACTOR / n:
        kind, token = "spread", -1
    return (
        float(terms.sum(axis=-1).mean()),
        float(np.log2(np.maximum((~masked).sum(axis=-1), 1)).mean()),
        float(w.max()),
        kind,
        share,
        token,
    )


@pytest.mark.parametrize("seed", range(6))
def test_all_heads_at_once_give_each_heads_own_statistics(seed):
    """The one-pass statistics of every head equal each head's own, to the bit, ties included."""
    rng = np.random.default_rng(seed)
    h, n = int(rng.integers(1, 9)), int(rng.integers(1, 30))
    w = rng.random((h, n, n)) ** (1 + 4 * seed) + 1e-12
    if seed % 2 and n > 1:
        w[:, :, 0] = w[:, :, 1]  # two columns tie
    if seed == 4:
        w[:] = 1.0  # an even spread: "nothing in particular"
    masked = (
        np.triu(np.ones((n, n), bool), 1)[None].repeat(h, 0) if seed % 3 == 0 else np.zeros((h, n, n), bool)
    )
    w[masked] = 0.0
    w /= w.sum(axis=-1, keepdims=True)
    tokens = [str(t) for t in rng.choice(["the", "The", "bank", "river", "a"], n)]
    stats = an.heads_stats(w, tokens, masked)
    assert len(stats) == h
    for head, s in enumerate(stats):
        got = (s.entropy_bits, s.even_bits, s.peak, s.focus.kind, s.focus.share, s.focus.token)
        assert got == _reference_head_stats(w[head], tokens, masked[head])
        assert an.head_stats(w[head], tokens, masked[head]) == s


def test_no_mask_means_every_key_is_visible():
    """``masked=None`` (no causal mask) gives what an all-False mask gives, head by head."""
    rng = np.random.default_rng(7)
    w = rng.random((3, 6, 6))
    w /= w.sum(axis=-1, keepdims=True)
    tokens = ["a", "b", "c", "a", "d", "e"]
    assert an.heads_stats(w, tokens) == an.heads_stats(w, tokens, np.zeros(w.shape, bool))
    assert all(s.even_bits == np.log2(6) for s in an.heads_stats(w, tokens))
