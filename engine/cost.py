"""What one attention call costs at a given length: time and peak memory.

For the app's "Cost" view (and anyone curious): :func:`measure` runs the engine once
on a synthetic sequence and reports how long it took and how much memory it needed
beyond its inputs, so the view can plot the n-squared wall and how ``need_weights=False``
steps around it::

    >>> from engine.cost import measure
    >>> measure(512, d_model=64, n_heads=4)            # doctest: +SKIP
    {'seconds': 0.0061, 'peak_bytes': 12910592, 'n': 512, ...}
"""

from __future__ import annotations

import math
import statistics
import time
import tracemalloc

import numpy as np

from engine.attention import multi_head_attention


def synthetic_inputs(n: int, d_model: int = 64, n_heads: int = 4, dtype=np.float32, seed: int = 0):
    """x (n, d_model) and weights with d_k = d_model // n_heads, scaled so scores stay moderate."""
    if n < 1 or d_model < 1 or n_heads < 1:
        raise ValueError(f"n, d_model and n_heads must be at least 1, not {n}, {d_model}, {n_heads}.")
    d_k = max(1, d_model // n_heads)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d_model)).astype(dtype)
    ws = [(rng.normal(size=(n_heads, d_model, d_k)) / math.sqrt(d_model)).astype(dtype) for _ in range(3)]
    w_o = (rng.normal(size=(n_heads * d_k, d_model)) / math.sqrt(n_heads * d_k)).astype(dtype)
    return x, ws[0], ws[1], ws[2], w_o


def measure(
    n: int,
    d_model: int = 64,
    n_heads: int = 4,
    dtype=np.float32,
    need_weights: bool = True,
    *,
    causal: bool = False,
    backend: str = "numba",
    repeats: int = 1,
    memory: bool = True,
    seed: int = 0,
) -> dict:
    """Time one :func:`engine.multi_head_attention` call on ``n`` synthetic tokens.

    The kernels are compiled first on a tiny input, so compile time never counts.
    ``seconds`` is the median of ``repeats`` timed calls; ``peak_bytes`` comes from
    one more call traced with :mod:`tracemalloc` (NumPy reports its allocations to
    it): the most memory held at once during the call, result included, inputs not.
    With ``memory=False`` that call is skipped and ``peak_bytes`` is None.

    Returns a dict: ``seconds``, ``peak_bytes``, ``result_bytes`` (what the returned
    arrays hold), ``n``, ``d_model``, ``n_heads``, ``dtype`` (name), ``need_weights``,
    ``backend`` (the one that ran) and ``flops`` (multiply-adds x 2 of the call).
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, not {repeats}.")
    dtype = np.dtype(dtype)
    x, w_q, w_k, w_v, w_o = synthetic_inputs(n, d_model, n_heads, dtype, seed)
    kw = {"need_weights": need_weights, "causal": causal, "backend": backend}
    # Compile (or load) the kernels this size will use, on a short prefix of the sequence.
    multi_head_attention(x[: min(n, 4)], w_q, w_k, w_v, w_o, **kw)
    if n >= 256:
        multi_head_attention(x[:256], w_q, w_k, w_v, w_o, **kw)
    times = []
    result = None
    for _ in range(repeats):
        result = None  # the previous result's memory is free before the next call
        t0 = time.perf_counter()
        result = multi_head_attention(x, w_q, w_k, w_v, w_o, **kw)
        times.append(time.perf_counter() - t0)
    ran = result.backend
    result_bytes = _result_bytes(result)
    peak = None
    if memory:
        result = None
        peak = _traced_peak(lambda: multi_head_attention(x, w_q, w_k, w_v, w_o, **kw))
    d_k = w_q.shape[2]
    return {
        "seconds": statistics.median(times),
        "peak_bytes": peak,
        "result_bytes": result_bytes,
        "n": n,
        "d_model": d_model,
        "n_heads": n_heads,
        "dtype": dtype.name,
        "need_weights": need_weights,
        "backend": ran,
        "flops": 2.0
        * (3 * n * d_model * n_heads * d_k + 2 * n_heads * n * n * d_k + n * n_heads * d_k * d_model),
    }


def _result_bytes(result) -> int:
    fields = ("q", "k", "v", "scores", "logits", "weights", "head_outputs", "concat", "output")
    return sum(getattr(result, f).nbytes for f in fields if getattr(result, f) is not None)


def _traced_peak(call) -> int:
    """Peak bytes traced during ``call()`` above what was allocated before it."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        result = call()
        _, peak = tracemalloc.get_traced_memory()
        del result
    finally:
        if started:
            tracemalloc.stop()
    return max(0, peak - base)
