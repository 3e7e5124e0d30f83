"""Checks on the inputs of :func:`engine.multi_head_attention`, each with a helpful sentence.

Two speeds. Arrays that are already NumPy arrays of one float dtype (float64, or all
float32) and C-contiguous take the fast path: no conversion, no copy, and no scan for
NaN or infinity here, because the kernels report any non-finite value they produce
and such inputs always produce one (see :mod:`engine.kernels`). Only then does
:func:`explain_nonfinite` scan the inputs, to name the culprit in the same words as
the slow path. Anything else (lists, integers, float16, strided views) is converted
and scanned up front by :func:`as_float_arrays`.
"""

from __future__ import annotations

import numbers

import numpy as np

_F64 = np.dtype(np.float64)
_F32 = np.dtype(np.float32)
_NAMES = ("x", "w_q", "w_k", "w_v", "w_o")


def fast_dtype(x, w_q, w_k, w_v, w_o):
    """The common dtype when all five are C-contiguous float64 or all float32 ndarrays, else None."""
    dt = getattr(x, "dtype", None)
    if dt != _F64 and dt != _F32:
        return None
    for a in (x, w_q, w_k, w_v, w_o):
        if type(a) is not np.ndarray or a.dtype != dt or not a.flags.c_contiguous:
            return None
    return dt


def as_float_arrays(**arrays) -> list[np.ndarray]:
    """C-contiguous finite arrays of one float dtype: float32 if all floats are float32."""
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
        check_finite(name, arr)
        result.append(np.ascontiguousarray(arr, dtype=dtype))
    return result


def check_finite(name: str, arr: np.ndarray) -> None:
    """Raise naming the first NaN or infinite entry of ``arr``, if there is one."""
    if not np.issubdtype(arr.dtype, np.floating):
        return
    with np.errstate(invalid="ignore", over="ignore"):
        if np.isfinite(arr.sum()):  # one cheap pass; NaN or inf anywhere makes the sum non-finite
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


def check_shapes(x, w_q, w_k, w_v, w_o) -> tuple[int, int, int, int]:
    """(h, d_model, d_k, n), or a ValueError naming the array whose shape is wrong."""
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


def check_temperature(temperature) -> float:
    if type(temperature) is float and 0.0 < temperature < np.inf:  # the common case, quickly
        return temperature
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise ValueError(f"temperature must be a number, not {temperature!r}.")
    t = float(temperature)
    if not np.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be a positive finite number, not {temperature!r}.")
    return t


def head_gate(head_mask, h: int, dtype, *, scan: bool) -> np.ndarray:
    """The head mask as a contiguous (h,) array of ``dtype``.

    A float array of the right dtype and shape is used as it is; with ``scan=False``
    its finiteness is left to the kernel's status (a NaN gate makes a NaN output).
    """
    if head_mask is None:
        return np.ones(h, dtype=dtype)
    if (
        type(head_mask) is np.ndarray
        and head_mask.dtype == dtype
        and head_mask.shape == (h,)
        and head_mask.flags.c_contiguous
    ):
        if scan:
            check_finite("head_mask", head_mask)
        return head_mask
    mask = np.asarray(head_mask)
    if mask.shape != (h,):
        raise ValueError(f"head_mask must have one entry per head, shape ({h},), but has shape {mask.shape}.")
    if mask.dtype == object or not (mask.dtype == bool or np.issubdtype(mask.dtype, np.number)):
        raise ValueError("head_mask must hold booleans or numbers.")
    mask = mask.astype(np.float64)
    check_finite("head_mask", mask)
    return np.ascontiguousarray(mask, dtype=dtype)


def check_flag(name: str, value) -> bool:
    if value is True or value is False:
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    raise ValueError(f"{name} must be True or False, not {value!r}.")


def overflow_error(dtype) -> ValueError:
    # Finite inputs can still overflow (entries near 1e200, or float32 past 3e38).
    return ValueError(
        "The attention scores overflowed: the inputs are too large for "
        f"{np.dtype(dtype)}. Use smaller matrix entries or float64."
    )


def explain_nonfinite(arrays: dict, head_mask: np.ndarray) -> ValueError:
    """After a kernel reported a NaN or infinity: the error naming the input that
    holds one, or, when every input is finite, the overflow error."""
    try:
        for name, arr in arrays.items():
            check_finite(name, arr)
        check_finite("head_mask", head_mask)
    except ValueError as exc:
        return exc
    return overflow_error(next(iter(arrays.values())).dtype)
