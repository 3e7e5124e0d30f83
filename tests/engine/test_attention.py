"""The attention engine: contract, maths checked by hand, kernels against the NumPy twin."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import engine
from engine.attention import multi_head_attention
from engine.reference import multi_head_attention_reference

FIELDS = ("q", "k", "v", "scores", "logits", "weights", "head_outputs", "concat", "output")
KERNELS = ("numba-serial", "numba-parallel")


def random_inputs(rng, n, d_model, h, d_k, dtype=np.float64):
    x = rng.normal(size=(n, d_model)).astype(dtype)
    w = [rng.normal(size=(h, d_model, d_k)).astype(dtype) for _ in range(3)]
    w_o = rng.normal(size=(h * d_k, d_model)).astype(dtype)
    return x, *w, w_o


def assert_same_result(a, b, rtol, atol):
    for name in FIELDS:
        got, want = getattr(a, name), getattr(b, name)
        assert got.shape == want.shape, name
        assert got.dtype == want.dtype, name
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=name)


# --- the contract -------------------------------------------------------------------------


def test_contract_shapes_and_reexport():
    """Every field of the result has the shape DESIGN.md promises; engine re-exports the call."""
    assert engine.multi_head_attention is multi_head_attention
    n, d_model, h, d_k = 5, 6, 3, 2
    res = multi_head_attention(*random_inputs(np.random.default_rng(0), n, d_model, h, d_k))
    assert res.q.shape == res.k.shape == res.v.shape == (h, n, d_k)
    assert res.scores.shape == res.logits.shape == res.weights.shape == (h, n, n)
    assert res.head_outputs.shape == (h, n, d_k)
    assert res.concat.shape == (n, h * d_k)
    assert res.output.shape == (n, d_model)
    assert res.weights.dtype == np.float64


def test_float32_in_float32_out():
    """float32 inputs are computed and returned in float32 (long sequences need it)."""
    args = random_inputs(np.random.default_rng(1), 4, 8, 2, 4, np.float32)
    res = multi_head_attention(*args, backend="numba")
    assert all(getattr(res, f).dtype == np.float32 for f in FIELDS)


def test_integer_inputs_become_float64():
    """Small integer matrices from a by-hand exercise are accepted as float64."""
    x = np.array([[1, 0], [0, 1]])
    w = np.ones((1, 2, 2), dtype=int)
    res = multi_head_attention(x, w, w, w, np.eye(2, dtype=int))
    assert res.output.dtype == np.float64


# --- the maths, by hand ----------------------------------------------------------------------

# Three tokens, d_model 4, two heads of d_k 2. Head 1 reads features 0-1, head 2 features 2-3.
BY_HAND_X = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]], dtype=float)
_P = np.array([[1, 0], [0, 1], [0, 0], [0, 0]], dtype=float)
_S = np.array([[0, 0], [0, 0], [1, 0], [0, 1]], dtype=float)
BY_HAND_W = np.stack([_P, _S])


@pytest.mark.parametrize("backend", ["numpy", *KERNELS])
def test_by_hand_example(backend):
    """3 tokens, d_model 4, 2 heads: every number below was worked out on paper."""
    res = multi_head_attention(BY_HAND_X, BY_HAND_W, BY_HAND_W, BY_HAND_W, np.eye(4), backend=backend)
    # Head 1: q = k = v = first two features = [[1,0],[0,1],[1,1]]; scores = q k^T.
    np.testing.assert_array_equal(res.scores[0], [[1, 0, 1], [0, 1, 1], [1, 1, 2]])
    # Head 2: features 2-3 = [[1,0],[0,1],[0,0]].
    np.testing.assert_array_equal(res.scores[1], [[1, 0, 0], [0, 1, 0], [0, 0, 0]])
    # Scaled by sqrt(2): a = 1/sqrt(2) = 0.707107, e^a = 2.028115.
    # Row [a, 0, a] -> [e^a, 1, e^a] / (2 e^a + 1) = [0.401112, 0.197776, 0.401112].
    # Row [a, a, 2a] -> [1, 1, e^a] / (2 + e^a) = [0.248255, 0.248255, 0.503490].
    np.testing.assert_allclose(
        res.weights[0],
        [[0.401112, 0.197776, 0.401112], [0.197776, 0.401112, 0.401112], [0.248255, 0.248255, 0.503490]],
        atol=5e-7,
    )
    # Head 2, row [a, 0, 0] -> [e^a, 1, 1] / (e^a + 2); a row of zeros -> 1/3 each.
    np.testing.assert_allclose(
        res.weights[1],
        [[0.503490, 0.248255, 0.248255], [0.248255, 0.503490, 0.248255], [1 / 3, 1 / 3, 1 / 3]],
        atol=5e-7,
    )
    # Output of token 0 in head 1: 0.401112*[1,0] + 0.197776*[0,1] + 0.401112*[1,1].
    np.testing.assert_allclose(res.head_outputs[0, 0], [0.802224, 0.598888], atol=5e-7)
    # W_O is the identity, so the output is the concatenation, head 1 first.
    np.testing.assert_allclose(
        res.output,
        [
            [0.802224, 0.598888, 0.503490, 0.248255],
            [0.598888, 0.802224, 0.248255, 0.503490],
            [0.751745, 0.751745, 1 / 3, 1 / 3],
        ],
        atol=5e-7,
    )


def test_by_hand_causal():
    """Causal: token 1 sees tokens 0 and 1 only: logits [0, a] -> [1, e^a] / (1 + e^a)."""
    res = multi_head_attention(BY_HAND_X, BY_HAND_W, BY_HAND_W, BY_HAND_W, np.eye(4), causal=True)
    np.testing.assert_allclose(res.weights[0, 1], [0.330238, 0.669762, 0.0], atol=5e-7)
    np.testing.assert_array_equal(res.weights[:, 0], [[1, 0, 0], [1, 0, 0]])
    assert np.isneginf(res.logits[0, 0, 1]) and np.isneginf(res.logits[1, 1, 2])


def test_scale_and_temperature_divide_the_scores():
    """logits = scores / sqrt(d_k) / temperature; without scale only the temperature."""
    args = random_inputs(np.random.default_rng(2), 4, 6, 2, 3)
    res = multi_head_attention(*args, temperature=2.5)
    np.testing.assert_allclose(res.logits, res.scores / np.sqrt(3) / 2.5, rtol=1e-12)
    res = multi_head_attention(*args, scale=False, temperature=0.5)
    np.testing.assert_allclose(res.logits, res.scores / 0.5, rtol=1e-12)


# --- properties of every result --------------------------------------------------------------


@pytest.mark.parametrize("backend", ["numpy", *KERNELS])
@pytest.mark.parametrize("causal", [False, True])
def test_rows_sum_to_one_and_causal_upper_triangle_is_zero(backend, causal):
    """Each weights row is a probability distribution; causal leaves nothing above the diagonal."""
    res = multi_head_attention(
        *random_inputs(np.random.default_rng(3), 9, 8, 3, 4), causal=causal, temperature=0.3, backend=backend
    )
    np.testing.assert_allclose(res.weights.sum(axis=-1), 1.0, rtol=1e-12)
    assert (res.weights >= 0).all()
    if causal:
        upper = np.triu(np.ones((9, 9), dtype=bool), k=1)
        assert (res.weights[:, upper] == 0.0).all()
        assert res.masked[:, upper].all() and not res.masked[:, ~upper].any()


@pytest.mark.parametrize("backend", ["numpy", *KERNELS])
def test_permutation_equivariance_without_positions(backend):
    """Shuffling the tokens (no positions) only shuffles the attention matrix and outputs."""
    rng = np.random.default_rng(4)
    x, *w = random_inputs(rng, 7, 6, 2, 3)
    perm = rng.permutation(7)
    a = multi_head_attention(x, *w, backend=backend)
    b = multi_head_attention(x[perm], *w, backend=backend)
    np.testing.assert_allclose(b.weights, a.weights[:, perm][:, :, perm], rtol=1e-12)
    np.testing.assert_allclose(b.output, a.output[perm], rtol=1e-12, atol=1e-12)


def test_identical_tokens_get_identical_rows():
    """Two equal input rows (the two 'bank's with positions off) attend identically."""
    rng = np.random.default_rng(5)
    x, *w = random_inputs(rng, 5, 4, 2, 2)
    x[3] = x[1]
    res = multi_head_attention(x, *w)
    np.testing.assert_allclose(res.weights[:, 1], res.weights[:, 3], rtol=1e-12)


def test_head_mask_zeroes_a_heads_contribution():
    """A head switched off adds zeros; its weights are still there to look at."""
    args = random_inputs(np.random.default_rng(6), 4, 6, 3, 2)
    full = multi_head_attention(*args)
    off = multi_head_attention(*args, head_mask=[True, False, True])
    assert (off.head_outputs[1] == 0).all()
    np.testing.assert_array_equal(off.weights, full.weights)
    w_o = args[4]
    expected = full.output - full.head_outputs[1] @ w_o[2:4]
    np.testing.assert_allclose(off.output, expected, rtol=1e-10, atol=1e-12)
    half = multi_head_attention(*args, head_mask=[1.0, 0.5, 1.0])
    np.testing.assert_allclose(half.head_outputs[1], 0.5 * full.head_outputs[1], rtol=1e-12)


# --- kernels against the twin ---------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    n=hs.integers(1, 12),
    d_model=hs.integers(1, 9),
    h=hs.integers(1, 4),
    d_k=hs.integers(1, 5),
    causal=hs.booleans(),
    scale=hs.booleans(),
    temperature=hs.floats(0.05, 20.0),
    seed=hs.integers(0, 2**31),
    kernel=hs.sampled_from(KERNELS),
    use_mask=hs.booleans(),
)
def test_kernels_match_twin_float64(n, d_model, h, d_k, causal, scale, temperature, seed, kernel, use_mask):
    """Both Numba kernels equal the NumPy twin on random shapes, n = h = d_k = 1 included."""
    rng = np.random.default_rng(seed)
    args = random_inputs(rng, n, d_model, h, d_k)
    mask = rng.random(h) < 0.5 if use_mask else None
    kw = {"causal": causal, "scale": scale, "temperature": temperature, "head_mask": mask}
    assert_same_result(
        multi_head_attention(*args, backend=kernel, **kw),
        multi_head_attention(*args, backend="numpy", **kw),
        rtol=1e-10,
        atol=1e-12,
    )


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (1, 4, 2, 2), (16, 8, 4, 2), (33, 5, 3, 7)])
def test_kernels_match_twin_float32(kernel, shape):
    """float32 kernels agree with the float32 twin to float32 precision."""
    args = random_inputs(np.random.default_rng(7), *shape, dtype=np.float32)
    kw = {"causal": True, "temperature": 0.7, "head_mask": np.ones(shape[2], dtype=bool)}
    assert_same_result(
        multi_head_attention(*args, backend=kernel, **kw),
        multi_head_attention_reference(*args, **{**kw, "head_mask": np.ones(shape[2], np.float32)}),
        rtol=2e-4,
        atol=2e-5,
    )


# --- validation -----------------------------------------------------------------------------


def _good():
    return list(random_inputs(np.random.default_rng(8), 3, 4, 2, 2))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.__setitem__(0, np.zeros(4)), "2-D"),
        (lambda a: a.__setitem__(0, np.zeros((0, 4))), "at least one token"),
        (lambda a: a.__setitem__(1, np.zeros((2, 4))), "3-D"),
        (lambda a: a.__setitem__(2, np.zeros((2, 4, 3))), "same shape"),
        (lambda a: a.__setitem__(4, np.zeros((4, 3))), "w_o must have shape"),
        (lambda a: a.__setitem__(0, np.zeros((3, 5))), "d_model"),
        (lambda a: a[1].__setitem__((1, 2, 0), np.nan), "w_q contains NaN at index (1, 2, 0)"),
        (lambda a: a[0].__setitem__((0, 0), np.inf), "x contains an infinite value"),
        (lambda a: a.__setitem__(3, np.full((2, 4, 2), "a")), "real numbers"),
        (lambda a: a.__setitem__(0, [[1, 2], [3]]), "could not be read"),
    ],
)
def test_bad_arrays_raise_clear_value_errors(change, message):
    """Each malformed input is refused with a sentence that names what to fix."""
    args = _good()
    change(args)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        multi_head_attention(*args)


@pytest.mark.parametrize("temperature", [0, -1.0, np.nan, np.inf, "hot", True])
def test_bad_temperature(temperature):
    """Temperature must be a positive finite number."""
    with pytest.raises(ValueError, match="temperature"):
        multi_head_attention(*_good(), temperature=temperature)


def test_bad_head_mask_and_flags_and_backend():
    """A head_mask of the wrong length, a non-bool flag or an unknown backend is refused."""
    with pytest.raises(ValueError, match=r"one entry per head, shape \(2,\)"):
        multi_head_attention(*_good(), head_mask=[1, 0, 1])
    with pytest.raises(ValueError, match="head_mask contains NaN"):
        multi_head_attention(*_good(), head_mask=[1, np.nan])
    with pytest.raises(ValueError, match="causal must be True or False"):
        multi_head_attention(*_good(), causal="yes")
    with pytest.raises(ValueError, match="backend must be"):
        multi_head_attention(*_good(), backend="gpu")


@pytest.mark.parametrize("backend", ["numpy", "numba-serial"])
def test_overflow_is_reported_not_shown(backend):
    """Finite but huge entries overflow the scores: a clear error, never NaN weights."""
    args = _good()
    args[1] = np.full_like(args[1], 1e200)
    args[2] = np.full_like(args[2], 1e200)
    with pytest.raises(ValueError, match="overflowed"):
        multi_head_attention(*args, backend=backend)


def test_huge_logits_still_give_a_valid_softmax():
    """Large but representable logits do not overflow exp: the row max is subtracted first."""
    x = np.array([[30.0, 0.0], [0.0, 30.0]])
    w = np.eye(2)[None] * 30
    res = multi_head_attention(x, w, w, w, np.eye(2), temperature=0.05)
    assert np.isfinite(res.weights).all()
    np.testing.assert_allclose(res.weights[0], [[1, 0], [0, 1]], atol=1e-12)
