"""Changing the sizes (d_model, d_k) and whole heads, as pure functions on the state.

Every function returns a new :class:`~app.state.SessionState`; the session wraps it in
one undo step. Sizes change by cropping or padding, so what the user built survives:
shrinking then growing back gives the original numbers in the kept part, and new
rows and columns are zeros (an edge that adds nothing until someone sets it).
"""

from __future__ import annotations

import numpy as np

from app.state import SessionState
from engine.initializers import head_seed, identity_like, random_matrix

MIN_D_MODEL, MAX_D_MODEL = 2, 64
MAX_D_K = 64
MATRIX_NAMES = ("w_q", "w_k", "w_v", "w_o")


def _fit(a: np.ndarray, axis: int, size: int) -> np.ndarray:
    """Crop or zero-pad ``a`` along ``axis`` to ``size``."""
    current = a.shape[axis]
    if size <= current:
        return np.take(a, np.arange(size), axis=axis)
    pad = [(0, 0)] * a.ndim
    pad[axis] = (0, size - current)
    return np.pad(a, pad)


def _w_o_blocks(state: SessionState) -> np.ndarray:
    """W_O as (heads, d_k, d_model): the rows that each head's output multiplies."""
    return state.w_o.reshape(state.n_heads, state.d_k, state.d_model)


def with_d_model(state: SessionState, d_model: int) -> SessionState:
    """Change the embedding width; W rows (and W_O columns) are cropped or zero-padded."""
    d_model = int(d_model)
    if not MIN_D_MODEL <= d_model <= MAX_D_MODEL:
        raise ValueError(f"d_model must be between {MIN_D_MODEL} and {MAX_D_MODEL}, not {d_model}.")
    blocks = _fit(_w_o_blocks(state), 2, d_model)
    overrides = tuple((word, _fit(vec, 0, d_model)) for word, vec in state.word_overrides)
    return state.with_changes(
        d_model=d_model,
        w_q=_fit(state.w_q, 1, d_model),
        w_k=_fit(state.w_k, 1, d_model),
        w_v=_fit(state.w_v, 1, d_model),
        w_o=blocks.reshape(state.n_heads * state.d_k, d_model),
        word_overrides=overrides,
    )


def with_d_k(state: SessionState, d_k: int) -> SessionState:
    """Change every head's width; W_Q/W_K/W_V columns and W_O rows are cropped or padded."""
    d_k = int(d_k)
    if not 1 <= d_k <= MAX_D_K:
        raise ValueError(f"d_k must be between 1 and {MAX_D_K}, not {d_k}.")
    blocks = _fit(_w_o_blocks(state), 1, d_k)
    return state.with_changes(
        d_k=d_k,
        w_q=_fit(state.w_q, 2, d_k),
        w_k=_fit(state.w_k, 2, d_k),
        w_v=_fit(state.w_v, 2, d_k),
        w_o=blocks.reshape(state.n_heads * d_k, state.d_model),
    )


def head_matrix(state: SessionState, which: str, head: int) -> np.ndarray:
    """One head's matrix as the editors show it: (d_model, d_k), or (d_k, d_model) for W_O."""
    if which == "w_o":
        return _w_o_blocks(state)[head]
    return getattr(state, which)[head]


def with_head_matrix(state: SessionState, which: str, head: int, matrix) -> SessionState:
    """Replace one head's W_Q, W_K, W_V or W_O block; the shape must stay the same."""
    if which not in MATRIX_NAMES:
        raise ValueError(f"Unknown matrix {which!r}; use one of {', '.join(MATRIX_NAMES)}.")
    matrix = np.array(matrix, dtype=np.float64)
    expected = head_matrix(state, which, head).shape
    if matrix.shape != expected:
        raise ValueError(f"{which} of head {head + 1} must have shape {expected}, not {matrix.shape}.")
    if not np.isfinite(matrix).all():
        raise ValueError("Matrix entries must be finite numbers (no NaN or infinity).")
    if which == "w_o":
        blocks = _w_o_blocks(state).copy()
        blocks[head] = matrix
        return state.with_changes(w_o=blocks.reshape(state.n_heads * state.d_k, state.d_model))
    full = getattr(state, which).copy()
    full[head] = matrix
    return state.with_changes(**{which: full})


def filled_matrix(kind: str, state: SessionState, which: str, head: int, seed: int = 0) -> np.ndarray:
    """A fresh matrix for one head: "random" (from ``seed``), "identity" or "zero"."""
    rows, cols = head_matrix(state, which, head).shape
    if kind == "random":
        return random_matrix(head_seed(seed, head, which[-1]), rows, cols)
    if kind == "identity":
        return identity_like(rows, cols)
    if kind == "zero":
        return np.zeros((rows, cols))
    raise ValueError(f"Unknown fill {kind!r}; use random, identity or zero.")


def with_head_copied(state: SessionState, source: int, target: int) -> SessionState:
    """Head ``target`` gets copies of head ``source``'s four matrices."""
    for which in MATRIX_NAMES:
        state = with_head_matrix(state, which, target, head_matrix(state, which, source).copy())
    return state


def solo_mask(n_heads: int, head: int) -> np.ndarray:
    """Only ``head`` contributes to the output."""
    mask = np.zeros(n_heads)
    mask[head] = 1.0
    return mask
