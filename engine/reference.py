"""The NumPy twin of the attention kernels: slow, short and obviously correct.

Every fast path in :mod:`engine.kernels` is tested against this file. It is also what
the app computes with while Numba is still compiling, so it must give the same
numbers, not merely similar ones.
"""

from __future__ import annotations

import numpy as np

from engine.result import AttentionResult


def softmax_rows(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; ``-inf`` entries get weight exactly 0.

    The row maximum is subtracted first so large logits do not overflow ``exp``.
    """
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def causal_mask(n: int) -> np.ndarray:
    """Boolean (n, n): True above the diagonal, where a query would see the future."""
    return np.triu(np.ones((n, n), dtype=bool), k=1)


def multi_head_attention_reference(
    x, w_q, w_k, w_v, w_o, *, scale=True, causal=False, temperature=1.0, head_mask=None
) -> AttentionResult:
    """Multi-head self-attention written as the textbook formulas.

    Takes already-validated arrays of one float dtype (see
    :func:`engine.attention.multi_head_attention`, which validates and then calls
    this or a kernel).
    """
    h, _, d_k = w_q.shape
    n = x.shape[0]
    dtype = x.dtype
    # q[h, i, :] = x[i, :] @ w_q[h]
    q = np.einsum("nd,hde->hne", x, w_q)
    k = np.einsum("nd,hde->hne", x, w_k)
    v = np.einsum("nd,hde->hne", x, w_v)
    scores = q @ k.transpose(0, 2, 1)
    logits = scores.copy()
    if scale:
        logits = logits / np.sqrt(dtype.type(d_k))
    logits = logits / dtype.type(temperature)
    if causal:
        logits[:, causal_mask(n)] = -np.inf
    weights = softmax_rows(logits)
    gate = np.ones(h, dtype=dtype) if head_mask is None else head_mask.astype(dtype)
    head_outputs = (weights @ v) * gate[:, None, None]
    concat = head_outputs.transpose(1, 0, 2).reshape(n, h * d_k)
    output = concat @ w_o
    return AttentionResult(
        q=q,
        k=k,
        v=v,
        scores=scores,
        logits=logits.astype(dtype, copy=False),
        weights=weights.astype(dtype, copy=False),
        head_outputs=head_outputs.astype(dtype, copy=False),
        concat=np.ascontiguousarray(concat),
        output=output,
        backend="numpy",
    )
