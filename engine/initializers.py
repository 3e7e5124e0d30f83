"""Deterministic weight initialisers for new attention heads.

Every matrix comes from an explicit seed, so a lesson, a saved session or a by-hand
exercise shows the same numbers on every machine and every launch. Seeds of a head's
matrices come from :func:`head_seed`, which a person can read back: with base seed 42,
head 1's key matrix uses seed 42011.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["MATRICES", "head_seed", "identity_like", "random_matrix", "zeros"]

MATRICES = ("q", "k", "v", "o")
_MAX_HEADS = 100  # head * 10 must stay below the next base seed's block of 1000


def random_matrix(seed: int, rows: int, cols: int, *, gain: float = 1.0) -> np.ndarray:
    """Normal random matrix scaled like Xavier/LeCun initialisation.

    Entries are ``N(0, 1) * gain / sqrt(rows)``: dividing by the square root of the
    fan-in keeps ``x @ W`` about as large as ``x`` whatever ``d_model`` is.

    Parameters
    ----------
    seed : int
        Seed for ``numpy.random.default_rng`` (>= 0); same seed, same matrix.
    rows, cols : int
        Shape (each >= 1); ``rows`` is the input size (``d_model`` for W_Q).
    gain : float
        Multiplies every entry.

    Returns
    -------
    ndarray, shape (rows, cols), float64
    """
    seed = _check_int("seed", seed, 0)
    rows, cols, gain = _check_shape(rows, cols, gain)
    rng = np.random.default_rng(seed)
    return rng.standard_normal((rows, cols)) * (gain / math.sqrt(rows))


def identity_like(rows: int, cols: int, *, gain: float = 1.0) -> np.ndarray:
    """``gain`` on the main diagonal, zeros elsewhere (rectangular shapes allowed).

    As W_Q and W_K it makes a head score tokens by their plain embedding dot product,
    the easiest head to explain.
    """
    rows, cols, gain = _check_shape(rows, cols, gain)
    return np.eye(rows, cols) * gain


def zeros(rows: int, cols: int) -> np.ndarray:
    """A zero matrix: a starting point for a head a student builds by hand."""
    rows, cols, _ = _check_shape(rows, cols, 0.0)
    return np.zeros((rows, cols))


def head_seed(base_seed: int, head: int, which: str) -> int:
    """Stable seed for matrix ``which`` of head ``head``.

    The seed is ``base_seed * 1000 + head * 10 + MATRICES.index(which)``, so the
    digits spell out where it came from and adding a head never changes the seeds of
    the heads before it.

    Parameters
    ----------
    base_seed : int
        The session's seed (>= 0).
    head : int
        Head index, 0 to 99 (more would collide with the next base seed).
    which : {"q", "k", "v", "o"}
        Which matrix of the head.

    Returns
    -------
    int
    """
    base_seed = _check_int("base_seed", base_seed, 0)
    head = _check_int("head", head, 0)
    if head >= _MAX_HEADS:
        raise ValueError(f"head must be below {_MAX_HEADS}, got {head}.")
    if which not in MATRICES:
        raise ValueError(f"which must be one of {', '.join(MATRICES)}; got {which!r}.")
    return base_seed * 1000 + head * 10 + MATRICES.index(which)


def _check_int(name: str, value: object, low: int) -> int:
    """Return ``value`` as an int, or raise ValueError if it is not an int >= low."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if value < low:
        raise ValueError(f"{name} must be at least {low}, got {value}.")
    return int(value)


def _check_shape(rows: object, cols: object, gain: object) -> tuple[int, int, float]:
    """Validate a matrix shape and gain."""
    rows, cols = _check_int("rows", rows, 1), _check_int("cols", cols, 1)
    if isinstance(gain, bool) or not isinstance(gain, numbers.Real):
        raise ValueError(f"gain must be a number, got {gain!r}.")
    if not math.isfinite(gain):
        raise ValueError(f"gain must be finite, got {gain!r}.")
    return rows, cols, float(gain)
