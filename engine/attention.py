"""Public entry point of the engine: validated multi-head self-attention.

The contract (DESIGN.md, "The engine contract") is relied on by code outside this
project, so its signature only ever grows::

    res = multi_head_attention(x, w_q, w_k, w_v, w_o, *, scale=True, causal=False,
                               temperature=1.0, head_mask=None, backend="auto",
                               need_weights=True)

Inputs are checked here (:mod:`engine.validation`), and every failure is a
``ValueError`` whose message says what to change. Then one of these fills an
:class:`AttentionResult`:

- the fused Numba kernel (:mod:`engine.kernels`) for interactive sizes, on the calling
  thread, or on every engine thread with the heads shared out;
- the tiled path (:mod:`engine.tiled`) for long sequences: BLAS for the products,
  Numba for the softmax, tiles on every engine thread;
- the streaming path (:mod:`engine.streaming`) for long sequences when the weights
  are not wanted: memory proportional to n instead of n squared;
- the NumPy twin (:mod:`engine.reference`) on request, or while the kernels compile.
"""

from __future__ import annotations

import math

import numpy as np

from engine import backend as _backend
from engine import validation as _v
from engine.config import CONFIG, threads_in_use
from engine.reference import multi_head_attention_reference
from engine.result import AttentionResult

__all__ = ["AttentionResult", "multi_head_attention"]


def multi_head_attention(
    x,
    w_q,
    w_k,
    w_v,
    w_o,
    *,
    scale: bool = True,
    causal: bool = False,
    temperature: float = 1.0,
    head_mask=None,
    backend: str = "auto",
    need_weights: bool = True,
) -> AttentionResult:
    """Multi-head self-attention with every intermediate kept.

    Parameters
    ----------
    x : array_like (n, d_model)
        Token embeddings (plus positions, if any); one row per token.
    w_q, w_k, w_v : array_like (h, d_model, d_k)
        Per-head query, key and value projections.
    w_o : array_like (h * d_k, d_model)
        Output projection applied to the concatenated head outputs.
    scale : bool
        Divide scores by sqrt(d_k).
    causal : bool
        Mask future positions: query i may only attend to keys j <= i.
    temperature : float
        Divide the logits by this (> 0); higher flattens the weights.
    head_mask : array_like (h,) of bool or float, optional
        A head with 0 contributes zeros to the output; 1 (default) contributes fully.
    backend : {"auto", "numba", "numba-serial", "numba-parallel", "numpy"}
        Who computes. ``"numba-serial"`` runs on the calling thread,
        ``"numba-parallel"`` on every engine thread (:data:`engine.config.CONFIG`
        ``.threads``); ``"numba"`` picks one of the two by size. ``"auto"`` does the
        same, or uses the NumPy twin while a background warm-up
        (:func:`engine.backend.start_warmup`) is still compiling that kernel.
    need_weights : bool
        False: do not keep the (h, n, n) scores, logits and weights; the result holds
        ``None`` for them and every other field as usual. Long sequences then take
        memory proportional to n (:mod:`engine.streaming`), not n squared.

    Returns
    -------
    AttentionResult
        float64 unless every floating input is float32.

    Raises
    ------
    ValueError
        For wrong shapes or dtypes, NaN or infinite entries, a temperature that is
        not a positive number, or scores too large to represent.
    """
    dt = _v.fast_dtype(x, w_q, w_k, w_v, w_o)
    scanned = dt is None
    if scanned:  # lists, integers, other dtypes, strided views: convert and scan now
        x, w_q, w_k, w_v, w_o = _v.as_float_arrays(x=x, w_q=w_q, w_k=w_k, w_v=w_v, w_o=w_o)
        dt = x.dtype
    h, d_model, d_k, n = _v.check_shapes(x, w_q, w_k, w_v, w_o)
    temperature = _v.check_temperature(temperature)
    scale = _v.check_flag("scale", scale)
    causal = _v.check_flag("causal", causal)
    need_weights = _v.check_flag("need_weights", need_weights)
    chosen = _backend.resolve(backend, n, h, d_model, d_k, dt)
    gate = _v.head_gate(head_mask, h, dt, scan=scanned or chosen == "numpy")

    if chosen == "numpy":
        if not scanned:
            for name, arr in zip(("x", "w_q", "w_k", "w_v", "w_o"), (x, w_q, w_k, w_v, w_o), strict=True):
                _v.check_finite(name, arr)
        return _run_numpy(x, w_q, w_k, w_v, w_o, scale, causal, temperature, gate, need_weights)

    scale_div = math.sqrt(d_k) if scale else 1.0
    args = (x, w_q, w_k, w_v, w_o, gate, scale_div, temperature, causal)
    if chosen == "numba-serial":
        if need_weights or n < CONFIG.tiled_min_n:
            status, fields = _backend.run_fused(args, need_weights, threads=1)
        else:
            status, fields = _backend.run_tiled(args, need_weights, threads=1)
    else:
        threads = threads_in_use()
        if n < CONFIG.tiled_min_n:
            status, fields = _backend.run_fused(args, need_weights, threads=threads)
        else:
            status, fields = _backend.run_tiled(args, need_weights, threads=threads)
    if status:
        raise _v.explain_nonfinite({"x": x, "w_q": w_q, "w_k": w_k, "w_v": w_v, "w_o": w_o}, gate)
    return AttentionResult(*fields, chosen)


def _run_numpy(x, w_q, w_k, w_v, w_o, scale, causal, temperature, gate, need_weights) -> AttentionResult:
    # Overflow is caught below as a clear error, so NumPy's warnings would only repeat it.
    with np.errstate(over="ignore", invalid="ignore"):
        result = multi_head_attention_reference(
            x, w_q, w_k, w_v, w_o, scale=scale, causal=causal, temperature=temperature, head_mask=gate
        )
        finite = np.isfinite(result.scores).all() and np.isfinite(result.output).all()
    if not finite:
        raise _v.overflow_error(result.scores.dtype)
    if not need_weights:
        result = AttentionResult(
            q=result.q,
            k=result.k,
            v=result.v,
            scores=None,
            logits=None,
            weights=None,
            head_outputs=result.head_outputs,
            concat=result.concat,
            output=result.output,
            backend="numpy",
        )
    return result
