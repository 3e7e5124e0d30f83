"""The engine's fast paths against the NumPy twin, and the streaming path against the materialised one.

Fast paths: the fused kernel on one thread and with the heads shared between threads
(engine.kernels), the tiled BLAS path (engine.tiled), the output-only streaming path
(engine.streaming), and the vectorised exp they all use (engine.vexp). Tile and block
sizes are shrunk here so short inputs still cross many tile and key-block edges.
No timing assertions: speed is benchmarks/bench_engine.py's job.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from engine import backend, blas, multi_head_attention
from engine.config import CONFIG, threads_in_use
from engine.reference import multi_head_attention_reference

FIELDS = ("q", "k", "v", "scores", "logits", "weights", "head_outputs", "concat", "output")
OUTPUT_FIELDS = ("q", "k", "v", "head_outputs", "concat", "output")
TOL = {np.float64: {"rtol": 1e-10, "atol": 1e-12}, np.float32: {"rtol": 2e-4, "atol": 2e-5}}


def inputs(seed, n, d_model, h, d_k, dtype=np.float64):
    """Weights scaled by 1/sqrt(fan-in), as trained models have them: scores stay O(1)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d_model)).astype(dtype)
    ws = [(rng.normal(size=(h, d_model, d_k)) / math.sqrt(d_model)).astype(dtype) for _ in range(3)]
    w_o = (rng.normal(size=(h * d_k, d_model)) / math.sqrt(h * d_k)).astype(dtype)
    return [x, *ws, w_o]


def twin(args, head_mask=None, **kw):
    h, dt = args[1].shape[0], args[0].dtype
    gate = np.ones(h, dt) if head_mask is None else np.asarray(head_mask, dtype=dt)
    return multi_head_attention_reference(*args, head_mask=gate, **kw)


def assert_close(got, want, dtype, fields=FIELDS):
    for name in fields:
        a, b = getattr(got, name), getattr(want, name)
        assert a.shape == b.shape and a.dtype == b.dtype == np.dtype(dtype), name
        np.testing.assert_allclose(a, b, err_msg=name, **TOL[dtype])


@pytest.fixture
def small_tiles(monkeypatch):
    """Tiny tiles and key blocks, and the tiled path from 1 token on."""
    monkeypatch.setattr(CONFIG, "tiled_min_n", 1)
    monkeypatch.setattr(CONFIG, "block_rows", 5)
    monkeypatch.setattr(CONFIG, "block_keys", 7)


# --- the vectorised exp --------------------------------------------------------------------------


@pytest.mark.parametrize(("dtype", "lowest", "ulps"), [(np.float64, -708.0, 1), (np.float32, -87.0, 2)])
def test_vectorised_exp_is_within_ulps_of_numpy(dtype, lowest, ulps):
    """exp of every value a softmax can meet (<= 0) is within an ulp or two of np.exp; below the
    normal range it is 0, and exp(-inf) is exactly 0."""
    from engine.kernels import exp_inplace

    rng = np.random.default_rng(0)
    x = np.concatenate([-rng.random(20000) * 2, -rng.random(20000) * -lowest, [0.0, -1e-30, lowest, -0.5]])
    x = x.astype(dtype)
    got = x.copy()
    exp_inplace(got)
    want = np.exp(x.astype(np.float64))
    eps = np.finfo(dtype).eps
    np.testing.assert_array_less(np.abs(got - want) / want, (ulps + 0.5) * eps)
    tail = np.array([-np.inf, lowest - 0.01, -800.0, -1e30], dtype=dtype)
    exp_inplace(tail)
    assert (tail == 0.0).all()
    one = np.zeros(1, dtype)
    exp_inplace(one)
    assert one[0] == 1.0


# --- the fused kernel, one thread and heads shared out ------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    n=hs.integers(1, 40),
    d_model=hs.integers(1, 24),
    h=hs.integers(1, 6),
    d_k=hs.integers(1, 20),
    causal=hs.booleans(),
    scale=hs.booleans(),
    temperature=hs.floats(0.1, 10.0),
    seed=hs.integers(0, 2**31),
    threads=hs.integers(1, 4),
    use_mask=hs.booleans(),
    f32=hs.booleans(),
)
def test_fused_kernel_matches_twin(
    n, d_model, h, d_k, causal, scale, temperature, seed, threads, use_mask, f32
):
    """The fused kernel on 1-4 threads (heads split unevenly) equals the twin, in both dtypes."""
    dtype = np.float32 if f32 else np.float64
    args = inputs(seed, n, d_model, h, d_k, dtype)
    mask = (np.random.default_rng(seed).random(h) < 0.6).astype(float) if use_mask else None
    kw = {"causal": causal, "scale": scale, "temperature": temperature}
    old = CONFIG.threads, CONFIG.pack_cache_min
    CONFIG.threads = threads
    CONFIG.pack_cache_min = 1  # the serial path keeps its packed weights at every size here
    try:
        for b in ("numba-serial", "numba-parallel"):
            got = multi_head_attention(*args, head_mask=mask, backend=b, **kw)
            assert_close(got, twin(args, mask, **kw), dtype)
    finally:
        CONFIG.threads, CONFIG.pack_cache_min = old


def test_fused_kernel_takes_fast_and_slow_inputs_alike():
    """Lists, a Fortran-ordered x and a bool head mask (the slow path) give what contiguous arrays give."""
    args = inputs(1, 6, 5, 3, 2)
    fast = multi_head_attention(*args, head_mask=np.array([1.0, 0.0, 1.0]), backend="numba-serial")
    slow = multi_head_attention(
        np.asfortranarray(args[0]),
        args[1].tolist(),
        *args[2:],
        head_mask=[True, False, True],
        backend="numba-serial",
    )
    assert_close(slow, fast, np.float64)


@pytest.mark.parametrize("cache_min", [1, 10**9])
def test_weights_edited_in_place_are_seen(monkeypatch, cache_min):
    """The serial path keeps the packed weights between calls (from a size on); editing a
    weight in place (same array object, same shape) must still change the result, one
    cell at a time."""
    monkeypatch.setattr(CONFIG, "pack_cache_min", cache_min)
    args = inputs(3, 7, 6, 2, 3)
    multi_head_attention(*args, backend="numba-serial")
    for w in (args[1], args[2], args[3]):
        w[1, 4, 2] += 0.75
        got = multi_head_attention(*args, backend="numba-serial")
        assert_close(got, twin(args), np.float64)
    w_nan = args[1].copy()
    w_nan[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="w_q contains NaN"):
        multi_head_attention(args[0], w_nan, *args[2:], backend="numba-serial")
    assert_close(multi_head_attention(*args, backend="numba-serial"), twin(args), np.float64)


def test_packed_weights_follow_shape_and_dtype_changes(monkeypatch):
    """The one kept packing is replaced when the weights change shape or dtype, and a call
    made while another thread holds it packs its own: every result equals the twin's."""
    monkeypatch.setattr(CONFIG, "pack_cache_min", 1)
    for n, d_model, h, d_k, dtype in [
        (5, 6, 2, 3, np.float64),
        (5, 6, 3, 2, np.float64),  # as many numbers, another shape
        (5, 6, 3, 2, np.float32),
        (9, 6, 3, 2, np.float64),  # same weight shape, new tokens: the packing is reused
    ]:
        args = inputs(n, n, d_model, h, d_k, dtype)
        got = multi_head_attention(*args, backend="numba-serial")
        assert_close(got, twin(args), dtype)
    args = inputs(4, 6, 6, 3, 2)
    with backend._pack_lock:  # as if another thread were inside the kernel
        got = multi_head_attention(*args, backend="numba-serial")
    assert_close(got, twin(args), np.float64)
    assert_close(multi_head_attention(*args, backend="numba-serial"), twin(args), np.float64)


# --- the tiled paths: materialised, and streaming (output only) ---------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize(
    ("n", "d_model", "h", "d_k"), [(1, 3, 1, 2), (6, 4, 2, 3), (23, 8, 3, 4), (40, 16, 2, 8)]
)
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_tiled_path_matches_twin(small_tiles, dtype, causal, n, d_model, h, d_k, threads):
    """BLAS products per tile plus the Numba softmax: every field equals the twin's."""
    args = inputs(n + h, n, d_model, h, d_k, dtype)
    mask = np.linspace(0.0, 1.0, h)
    kw = {"causal": causal, "temperature": 0.7}
    CONFIG.threads = threads
    try:
        got = multi_head_attention(*args, head_mask=mask, backend="numba-parallel", **kw)
    finally:
        CONFIG.threads = None
    assert_close(got, twin(args, mask, **kw), dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize(
    ("n", "d_model", "h", "d_k"), [(1, 3, 1, 2), (6, 4, 2, 3), (23, 8, 3, 4), (64, 16, 2, 8)]
)
@pytest.mark.parametrize("scale", [True, False])
@pytest.mark.parametrize("b", ["numba-serial", "numba-parallel"])
def test_streaming_matches_materialised(small_tiles, dtype, causal, n, d_model, h, d_k, scale, b):
    """Output only (online softmax over key blocks of 7) equals the materialised path and the twin."""
    args = inputs(3 * n + h, n, d_model, h, d_k, dtype)
    mask = np.array([1.0, 0.0, 0.5])[:h]
    kw = {"causal": causal, "temperature": 2.5, "scale": scale, "head_mask": mask}
    full = multi_head_attention(*args, backend="numba-parallel", **kw)
    out = multi_head_attention(*args, backend=b, need_weights=False, **kw)
    assert out.scores is None and out.logits is None and out.weights is None and out.masked is None
    assert not out.need_weights and full.need_weights
    assert (out.n_heads, out.n_tokens) == (h, n)
    assert_close(out, full, dtype, OUTPUT_FIELDS)
    assert_close(out, twin(args, **kw), dtype, OUTPUT_FIELDS)


def test_streaming_rescales_when_a_later_block_holds_the_max(small_tiles):
    """Keys that win are put in the last key block: the running sums must be rescaled, exactly."""
    args = inputs(5, 30, 6, 2, 3)
    args[0][25:] *= 4.0  # large rows late in the sequence -> large scores in the last block
    full = multi_head_attention(*args, backend="numba-parallel", temperature=0.2)
    out = multi_head_attention(*args, backend="numba-parallel", temperature=0.2, need_weights=False)
    assert_close(out, full, np.float64, OUTPUT_FIELDS)


@pytest.mark.parametrize("b", ["numpy", "numba-serial", "numba-parallel", "auto"])
def test_need_weights_false_on_every_backend(b):
    """Every backend accepts need_weights=False: None for the (h, n, n) fields, the rest unchanged."""
    args = inputs(2, 9, 6, 2, 3)
    full = multi_head_attention(*args, backend=b, causal=True)
    out = multi_head_attention(*args, backend=b, causal=True, need_weights=False)
    assert out.weights is None and out.scores is None and out.logits is None
    assert_close(out, full, np.float64, OUTPUT_FIELDS)
    with pytest.raises(ValueError, match="need_weights must be True or False"):
        multi_head_attention(*args, need_weights="no")


def test_long_sequence_takes_the_tiled_paths_by_default():
    """At CONFIG.tiled_min_n tokens the parallel backend uses the tiled paths, which agree with the twin."""
    n = CONFIG.tiled_min_n
    args = inputs(9, n, 16, 2, 8, np.float32)
    kw = {"causal": True, "temperature": 1.3}
    full = multi_head_attention(*args, backend="numba-parallel", **kw)
    out = multi_head_attention(*args, backend="numba-parallel", need_weights=False, **kw)
    want = twin(args, **kw)
    assert_close(full, want, np.float32)
    assert_close(out, want, np.float32, OUTPUT_FIELDS)


# --- errors found by the kernels' status ---------------------------------------------------------


@pytest.mark.parametrize("b", ["numba-serial", "numba-parallel"])
@pytest.mark.parametrize("tiled", [False, True])
@pytest.mark.parametrize("where", [0, 1, 2, 3, 4])
def test_non_finite_inputs_are_named_by_every_path(monkeypatch, b, tiled, where):
    """A NaN or inf in any input gives the slow path's message, found after the kernel reported it."""
    if tiled:
        monkeypatch.setattr(CONFIG, "tiled_min_n", 1)
    names = ("x", "w_q", "w_k", "w_v", "w_o")
    for value, kind in ((np.nan, "NaN"), (-np.inf, "an infinite value")):
        for need_weights in (True, False):
            args = inputs(4, 5, 4, 2, 2)
            args[where].reshape(-1)[3] = value
            index = np.unravel_index(3, args[where].shape)
            message = f"{names[where]} contains {kind} at index {tuple(int(i) for i in index)}"
            with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
                multi_head_attention(*args, backend=b, need_weights=need_weights)


@pytest.mark.parametrize("b", ["numba-serial", "numba-parallel"])
def test_non_finite_head_mask_array_is_named(b):
    """A float head-mask array (the fast path does not scan it) with NaN is still named."""
    with pytest.raises(ValueError, match="head_mask contains NaN"):
        multi_head_attention(*inputs(1, 4, 3, 2, 2), head_mask=np.array([1.0, np.nan]), backend=b)


@pytest.mark.parametrize("tiled", [False, True])
@pytest.mark.parametrize("need_weights", [True, False])
def test_overflow_is_reported_by_every_path(monkeypatch, tiled, need_weights):
    """float32 scores past 3e38 overflow: the overflow message, never NaN weights."""
    if tiled:
        monkeypatch.setattr(CONFIG, "tiled_min_n", 1)
    args = inputs(6, 4, 3, 1, 2, np.float32)
    args[1][:] = 1e20
    args[2][:] = 1e20
    with pytest.raises(ValueError, match="overflowed"):
        multi_head_attention(*args, backend="numba-parallel", need_weights=need_weights)


# --- threads and warm-up -------------------------------------------------------------------------


def test_threads_default_to_all_cores_and_can_be_set(monkeypatch):
    """CONFIG.threads wins; else NUMBA_NUM_THREADS (main.py --threads sets it); else every core."""
    monkeypatch.delenv("NUMBA_NUM_THREADS", raising=False)
    assert threads_in_use() == (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    )
    monkeypatch.setenv("NUMBA_NUM_THREADS", "3")
    assert threads_in_use() == 3
    monkeypatch.setattr(CONFIG, "threads", 1)
    assert threads_in_use() == 1


def test_blas_threads_are_restored_after_a_region():
    """blas_threads(1) holds BLAS to one thread inside and gives the old count back after."""
    before = blas.get_blas_threads()
    with blas.blas_threads(1):
        assert blas.get_blas_threads() in (1, None)
    assert blas.get_blas_threads() == before


def test_run_parallel_runs_every_task_once_and_reraises():
    """Every task runs exactly once over the threads; a task's exception reaches the caller."""
    seen = []
    blas.run_parallel(lambda i, w: seen.append((i, w)), 50, 3)
    assert sorted(i for i, _ in seen) == list(range(50))
    assert {w for _, w in seen} <= {0, 1, 2}

    def boom(i, w):
        if i == 7:
            raise RuntimeError("task 7 failed")

    with pytest.raises(RuntimeError, match="task 7"):
        blas.run_parallel(boom, 20, 2)


@pytest.mark.slow
def test_warmup_compiles_every_variant_and_dtype():
    """After start_warmup both variants are ready in both dtypes, and auto then uses them."""
    backend.start_warmup().join(timeout=600)
    assert not backend.failures()
    for dt in backend.DTYPES:
        for variant in backend.VARIANTS:
            assert backend.is_ready(variant, dt), (variant, dt)
    assert multi_head_attention(*inputs(0, 5, 4, 2, 2), backend="auto").backend.startswith("numba")
