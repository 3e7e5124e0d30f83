"""Public entry point of the engine: validated multi-head self-attention.

The contract (DESIGN.md, "The engine contract") is relied on by code outside this
project, so its signature only ever grows::

    res = multi_head_attention(x, w_q, w_k, w_v, w_o, *, scale=True, causal=False,
                               temperature=1.0, head_mask=None)

Inputs are checked here, once, and every failure is a ``ValueError`` whose message
says what to change. Then a Numba kernel (or, while it compiles, the NumPy twin in
:mod:`engine.reference`) fills the arrays of an :class:`AttentionResult`.
"""

from __future__ import annotations

import numbers

import numpy as np

from engine import backend as _backend
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
        Who computes. ``"auto"`` uses the Numba kernel, or the NumPy twin while a
        background warm-up (:func:`engine.backend.start_warmup`) is compiling.

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
    x, w_q, w_k, w_v, w_o = _as_float_arrays(x=x, w_q=w_q, w_k=w_k, w_v=w_v, w_o=w_o)
    h, d_model, d_k, n = _check_shapes(x, w_q, w_k, w_v, w_o)
    temperature = _check_temperature(temperature)
    gate = _check_head_mask(head_mask, h, x.dtype)
    scale = _check_flag("scale", scale)
    causal = _check_flag("causal", causal)

    chosen = _backend.resolve(backend, n, h, d_model, d_k, x.dtype)
    # Overflow is caught below as a clear error, so NumPy's warnings would only repeat it.
    with np.errstate(over="ignore", invalid="ignore"):
        if chosen == "numpy":
            result = multi_head_attention_reference(
                x, w_q, w_k, w_v, w_o, scale=scale, causal=causal, temperature=temperature, head_mask=gate
            )
        else:
            result = _run_numba(chosen, x, w_q, w_k, w_v, w_o, scale, causal, temperature, gate)
    _check_finite_result(result)
    return result


def _run_numba(chosen, x, w_q, w_k, w_v, w_o, scale, causal, temperature, gate) -> AttentionResult:
    h, _, d_k = w_q.shape
    n = x.shape[0]
    dt = x.dtype
    divisors = np.array([np.sqrt(dt.type(d_k)) if scale else 1.0, temperature], dtype=dt)
    out = {
        "q": np.empty((h, n, d_k), dt),
        "k": np.empty((h, n, d_k), dt),
        "v": np.empty((h, n, d_k), dt),
        "scores": np.empty((h, n, n), dt),
        "logits": np.empty((h, n, n), dt),
        "weights": np.empty((h, n, n), dt),
        "head_outputs": np.empty((h, n, d_k), dt),
        "concat": np.empty((n, h * d_k), dt),
        "output": np.empty((n, w_o.shape[1]), dt),
    }
    variant = chosen.removeprefix("numba-")
    _backend.run_kernel(variant, (x, w_q, w_k, w_v, w_o, divisors, causal, gate, *out.values()))
    return AttentionResult(**out, backend=chosen)


# --- validation ---------------------------------------------------------------------


def _as_float_arrays(**arrays) -> list[np.ndarray]:
    """C-contiguous arrays of one float dtype: float32 if all floats are float32."""
    converted = {}
    for name, a in arrays.items():
        try:
            arr = np.asarray(a)
        except Exception as exc:  # ragged lists and the like
            raise ValueError(f"{name} could not be read as a numeric array ({exc}).") from None
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
        ):
            raise ValueError(f"{name} must hold real numbers (float or int), not {arr.dtype} values.")
        converted[name] = arr
    floats = [a.dtype for a in converted.values() if np.issubdtype(a.dtype, np.floating)]
    all_f32 = bool(floats) and all(d == np.float32 for d in floats)
    dtype = np.dtype(np.float32 if all_f32 else np.float64)
    result = []
    for name, arr in converted.items():
        if np.issubdtype(arr.dtype, np.floating) and arr.dtype not in (np.float32, np.float64):
            arr = arr.astype(np.float64)  # float16 / longdouble: checked at float64
        _check_finite(name, arr)
        result.append(np.ascontiguousarray(arr, dtype=dtype))
    return result


def _check_finite(name: str, arr: np.ndarray) -> None:
    if not np.issubdtype(arr.dtype, np.floating):
        return
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        value = arr[where]
        kind = "NaN" if np.isnan(value) else "an infinite value"
        raise ValueError(
            f"{name} contains {kind} at index {where} ({int(bad.sum())} bad entries in all); "
            "every entry must be a finite number."
        )


def _check_shapes(x, w_q, w_k, w_v, w_o) -> tuple[int, int, int, int]:
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (tokens, d_model), but has shape {x.shape}.")
    n, d_model = x.shape
    if n == 0:
        raise ValueError("x has no rows: attention needs at least one token.")
    if d_model == 0:
        raise ValueError("x has no columns: d_model must be at least 1.")
    for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v)):
        if w.ndim != 3:
            raise ValueError(f"{name} must be 3-D (heads, d_model, d_k), but has shape {w.shape}.")
    if not (w_q.shape == w_k.shape == w_v.shape):
        raise ValueError(
            f"w_q, w_k and w_v must have the same shape, but have {w_q.shape}, {w_k.shape} and {w_v.shape}."
        )
    h, w_in, d_k = w_q.shape
    if h == 0 or d_k == 0:
        raise ValueError(f"w_q has shape {w_q.shape}: there must be at least one head and d_k >= 1.")
    if w_in != d_model:
        raise ValueError(
            f"w_q has {w_in} rows per head but x has {d_model} columns; both must equal d_model."
        )
    if w_o.shape != (h * d_k, d_model):
        raise ValueError(
            f"w_o must have shape (heads * d_k, d_model) = ({h * d_k}, {d_model}), but has {w_o.shape}."
        )
    return h, d_model, d_k, n


def _check_temperature(temperature) -> float:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise ValueError(f"temperature must be a number, not {temperature!r}.")
    t = float(temperature)
    if not np.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be a positive finite number, not {temperature!r}.")
    return t


def _check_head_mask(head_mask, h: int, dtype) -> np.ndarray:
    if head_mask is None:
        return np.ones(h, dtype=dtype)
    mask = np.asarray(head_mask)
    if mask.shape != (h,):
        raise ValueError(f"head_mask must have one entry per head, shape ({h},), but has shape {mask.shape}.")
    if mask.dtype == object or not (mask.dtype == bool or np.issubdtype(mask.dtype, np.number)):
        raise ValueError("head_mask must hold booleans or numbers.")
    mask = mask.astype(np.float64)
    _check_finite("head_mask", mask)
    return np.ascontiguousarray(mask, dtype=dtype)


def _check_flag(name: str, value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ValueError(f"{name} must be True or False, not {value!r}.")


def _check_finite_result(result: AttentionResult) -> None:
    # Finite inputs can still overflow (entries near 1e200, or float32 past 3e38).
    if not (np.isfinite(result.scores).all() and np.isfinite(result.output).all()):
        raise ValueError(
            "The attention scores overflowed: the inputs are too large for "
            f"{result.scores.dtype}. Use smaller matrix entries or float64."
        )
