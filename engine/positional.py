"""Positional encodings: how a token's place in the sentence is added to its vector.

Attention itself ignores order: with positions off, two identical tokens get
identical attention rows wherever they stand. Adding one of these encodings to the
embeddings is what lets a head tell "the first bank" from "the second bank".

- ``"none"``: zeros, so the embeddings pass through unchanged.
- ``"sinusoidal"``: the fixed sine/cosine waves of "Attention Is All You Need".
- ``"one-hot"``: a "learned-looking" table in which each position owns one column.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["POSITION_KINDS", "one_hot", "positional_encoding", "sinusoidal"]

POSITION_KINDS = ("none", "sinusoidal", "one-hot")


def sinusoidal(n: int, d_model: int, *, scale: float = 1.0) -> np.ndarray:
    """The Transformer's sinusoidal encoding.

    ``PE[pos, 2i] = sin(pos / 10000**(2i / d_model))`` and
    ``PE[pos, 2i + 1] = cos(pos / 10000**(2i / d_model))``, times ``scale``.
    An odd ``d_model`` ends on a sine column; ``d_model == 1`` is ``sin(pos)``.

    Parameters
    ----------
    n : int
        Number of positions (>= 0).
    d_model : int
        Number of columns (>= 1).
    scale : float
        Multiplies every value; 0 switches the encoding off without changing shape.

    Returns
    -------
    ndarray, shape (n, d_model), float64
    """
    n, d_model, scale = _check_args(n, d_model, scale)
    columns = np.arange(d_model)
    # Columns 2i and 2i+1 share one frequency: 1 / 10000**(2i / d_model).
    even_index = (columns - columns % 2).astype(np.float64)
    angles = np.arange(n, dtype=np.float64)[:, None] / 10000.0 ** (even_index / d_model)
    waves = np.where(columns % 2 == 0, np.sin(angles), np.cos(angles))
    return scale * waves


def one_hot(n: int, d_model: int, *, scale: float = 1.0) -> np.ndarray:
    """A "learned-looking" encoding: each position sets one column to ``scale``.

    Position ``p`` sets column ``d_model - 1 - (p % d_model)``: position 0 owns the
    last column, position 1 the one before, and so on. Counting from the end means
    that for short sentences only the last columns (spelling columns, when
    ``d_model`` exceeds the named features) are disturbed and the named features at
    the front stay readable. With more positions than columns the pattern wraps, so
    positions ``p`` and ``p + d_model`` become indistinguishable.

    Parameters
    ----------
    n : int
        Number of positions (>= 0).
    d_model : int
        Number of columns (>= 1).
    scale : float
        The value written into each position's column.

    Returns
    -------
    ndarray, shape (n, d_model), float64
    """
    n, d_model, scale = _check_args(n, d_model, scale)
    out = np.zeros((n, d_model))
    positions = np.arange(n)
    out[positions, d_model - 1 - positions % d_model] = scale
    return out


def positional_encoding(kind: str, n: int, d_model: int, *, scale: float = 1.0) -> np.ndarray:
    """Return the encoding named ``kind`` (one of :data:`POSITION_KINDS`).

    Parameters
    ----------
    kind : {"none", "sinusoidal", "one-hot"}
        Which encoding; ``"none"`` gives zeros of the same shape.
    n, d_model, scale
        As for :func:`sinusoidal`.

    Returns
    -------
    ndarray, shape (n, d_model), float64

    Raises
    ------
    ValueError
        For an unknown kind (the message lists the valid ones) or bad sizes.
    """
    if kind == "sinusoidal":
        return sinusoidal(n, d_model, scale=scale)
    if kind == "one-hot":
        return one_hot(n, d_model, scale=scale)
    if kind == "none":
        n, d_model, _ = _check_args(n, d_model, scale)
        return np.zeros((n, d_model))
    valid = ", ".join(repr(k) for k in POSITION_KINDS)
    raise ValueError(f"Unknown positional encoding {kind!r}; choose one of {valid}.")


def _check_args(n: object, d_model: object, scale: object) -> tuple[int, int, float]:
    """Validate the shared arguments and return them as plain Python numbers."""
    for name, value, low in (("n", n, 0), ("d_model", d_model, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(f"{name} must be a whole number, got {value!r}.")
        if value < low:
            raise ValueError(f"{name} must be at least {low}, got {value}.")
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
        raise ValueError(f"scale must be a number, got {scale!r}.")
    if not math.isfinite(scale):
        raise ValueError(f"scale must be finite, got {scale!r}.")
    return int(n), int(d_model), float(scale)
