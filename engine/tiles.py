"""Numba kernels for one tile of a long sequence: one head x a block of query rows.

The tiled paths (:mod:`engine.tiled`, :mod:`engine.streaming`) let BLAS do the matrix
products of a tile (``Q K^T`` and ``weights V``) and call these for what lies between:
scaling, masking, the softmax and the bookkeeping. All are nogil, so the engine's
worker threads run them side by side. Row loops are long here (hundreds to thousands
of keys), so every inner loop vectorises, exponentials included (:mod:`engine.vexp`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from engine.config import numba_flags
from engine.kernels import any_nonfinite, row_sum, scale_row, scale_row_inplace
from engine.vexp import fexp, row_max

_FLAGS = numba_flags()


@njit(**_FLAGS)
def all_finite(flat):
    """True if no entry of a 1-D array is NaN or infinite (one vectorised pass)."""
    return not any_nonfinite(flat)


@njit(**_FLAGS)
def softmax_tile(scores, logits, weights, row0, inv_div, causal):
    """Logits and weights of query rows row0.. of one head from their scores.

    ``scores``, ``logits``, ``weights`` are (rows, n) views. Returns True if a score is
    NaN or infinite (the inputs overflowed).
    """
    rows, n = scores.shape
    bad = False
    for r in range(rows):
        srow = scores[r]
        n_valid = min(n, row0 + r + 1) if causal else n
        lrow = logits[r]
        bad |= scale_row(srow, lrow, n_valid, inv_div, True)
        for j in range(n_valid, n):
            lrow[j] = -np.inf
        mx = row_max(lrow, n_valid)
        wrow = weights[r]
        for j in range(n_valid):
            wrow[j] = fexp(lrow[j] - mx)
        for j in range(n_valid, n):
            wrow[j] = 0.0
        inv_total = 1.0 / row_sum(wrow, n_valid)
        for j in range(n_valid):
            wrow[j] = wrow[j] * inv_total
    return bad


@njit(**_FLAGS)
def gate_into_concat(head_out, gate, concat, row0, col0):
    """head_out *= gate; concat[row0 + r, col0 + e] = head_out[r, e]."""
    rows, d_k = head_out.shape
    for r in range(rows):
        for e in range(d_k):
            value = head_out[r, e] * gate
            head_out[r, e] = value
            concat[row0 + r, col0 + e] = value


@njit(**_FLAGS)
def online_block(s, row0, col0, inv_div, causal, m, total, acc, pv, has_pv):
    """One key block of the streaming softmax (FlashAttention's running max and sum).

    ``s`` (rows, cols) holds the scores of query rows row0.. against keys col0..; it is
    turned in place into ``exp(logit - running max)``, which the caller multiplies by
    the block's values with BLAS into ``pv`` for the next call. ``m`` and ``total`` are
    each row's running max and sum of exponentials; ``acc`` (rows, d_k) accumulates
    ``sum_j exp(logit_j - m) v_j``. When the max grows, what was summed so far is
    rescaled by ``exp(m_old - m_new)``. Returns True if a score is NaN or infinite.
    """
    rows, cols = s.shape
    d_k = acc.shape[1]
    bad = False
    for r in range(rows):
        srow = s[r]
        n_valid = min(cols, max(0, row0 + r - col0 + 1)) if causal else cols
        # Masked scores are never looked at here (whole masked blocks are not even
        # computed), so only the unmasked ones are checked.
        if n_valid > 0:
            bad |= scale_row_inplace(srow, n_valid, inv_div)
        m_old = m[r]
        m_new = m_old
        if n_valid > 0:
            m_new = max(m_old, row_max(srow, n_valid))
        for j in range(n_valid):
            srow[j] = fexp(srow[j] - m_new)
        for j in range(n_valid, cols):
            srow[j] = 0.0
        alpha = fexp(m_old - m_new)  # 0 on the first block, where m_old is -inf
        block_sum = row_sum(srow, n_valid) if n_valid > 0 else srow[0] * 0.0
        total[r] = total[r] * alpha + block_sum
        m[r] = m_new
        arow = acc[r]
        if has_pv:
            prow = pv[r]
            for e in range(d_k):
                arow[e] = (arow[e] + prow[e]) * alpha
        else:
            for e in range(d_k):
                arow[e] = arow[e] * alpha
    return bad


@njit(**_FLAGS)
def finish_rows(acc, pv, total, gate, head_out, concat, row0, col0):
    """head_out = (acc + pv) / total * gate for a finished tile, copied into concat too."""
    rows, d_k = acc.shape
    for r in range(rows):
        inv = 1.0 / total[r]
        for e in range(d_k):
            value = (acc[r, e] + pv[r, e]) * inv * gate
            head_out[r, e] = value
            concat[row0 + r, col0 + e] = value
