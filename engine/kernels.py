"""The fused Numba kernel for interactive sizes: every intermediate in one call.

Private by design: :func:`engine.attention.multi_head_attention` validates inputs,
allocates every output and then calls :func:`mha_fused` (on one thread, or on two
threads that each take half of the heads). The NumPy twin in :mod:`engine.reference`
is what the tests compare it against. Long sequences go through :mod:`engine.tiled`
instead, which hands the big matrix products to BLAS.

Why one fused kernel: at the sizes a person types (n <= 64 tokens) the maths takes
microseconds and the cost is in calls and allocations, so everything happens in one
call. Loops are arranged so the innermost one walks contiguous memory of useful
length (a packed projection row, a scores row, a whole head's weights) rather than
d_k, which is often 2-8: LLVM only vectorises runs of 16 or more. ``np.dot`` inside
``@njit`` would need SciPy.

The kernel reports whether anything it produced is NaN or infinite (status 1).
Non-finite inputs always show up in q, k, v or the output (IEEE arithmetic carries
them through every sum, and no term is skipped), so the caller does not scan the
inputs first; it looks for the culprit only when the status says so.

Flags come from :data:`engine.config.CONFIG` at import time. This module is collected
as source in the frozen app so Numba's on-disk cache keys on a stable file.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from engine.config import numba_flags, reduce_flags
from engine.vexp import fexp, row_max

_FLAGS = numba_flags()
# Reductions may be summed in SIMD lanes. NumPy's own sum is pairwise, so neither
# order is "the" twin's, and both agree far inside the tests' tolerance.
_REDUCE = reduce_flags()


@njit(**_FLAGS)
def any_nonfinite(row):
    """True if any entry of a 1-D array is NaN or infinite."""
    bad = False
    for j in range(row.shape[0]):
        bad |= not (abs(row[j]) < np.inf)
    return bad


@njit(**_REDUCE)
def row_sum(row, stop):
    total = row[0]
    for j in range(1, stop):
        total += row[j]
    return total


@njit(**_REDUCE)
def scale_row(src, dst, stop, factor, check_all):
    """dst[:stop] = src[:stop] * factor. Returns True if src[:stop] (all of src with
    ``check_all``) may hold a NaN or infinity: their sum, computed on the way, is then
    not finite. A finite sum proves all are finite; the rare overflowing sum of large
    finite entries is settled by an exact scan."""
    check = src[0] * 0.0
    for j in range(stop):
        s = src[j]
        check += s
        dst[j] = s * factor
    if check_all:
        for j in range(stop, src.shape[0]):
            check += src[j]
    if abs(check) < np.inf:
        return False
    bad = False
    for j in range(src.shape[0] if check_all else stop):
        bad |= not (abs(src[j]) < np.inf)
    return bad


@njit(**_REDUCE)
def scale_row_inplace(row, stop, factor):
    """row[:stop] *= factor; True if row[:stop] holds a NaN or infinity (as scale_row).

    Separate from scale_row because LLVM's overlap check sends src is dst to scalar code.
    """
    check = row[0] * 0.0
    for j in range(stop):
        s = row[j]
        check += s
        row[j] = s * factor
    if abs(check) < np.inf:
        return False
    bad = False
    for j in range(stop):
        bad |= not (abs(row[j]) < np.inf)
    return bad


@njit(**_FLAGS)
def exp_inplace(flat):
    """flat[:] = exp(flat) over one long run, so every SIMD lane is busy."""
    for j in range(flat.shape[0]):
        flat[j] = fexp(flat[j])


@njit(**_FLAGS)
def matmul_into(a, a0, b, b0, depth, c):
    """c[i, :] = sum over r < depth of a[i, a0 + r] * b[b0 + r, :], for every row i.

    Two rows of ``a`` and four of ``b`` per pass: each loaded element of ``b`` and of
    ``c`` serves several multiply-adds, which is what lets a plain loop get near the
    core's peak (measured 33 GFLOP/s float64, 76 float32, on 32 x 128 x 384).
    """
    n = c.shape[0]
    m = c.shape[1]
    i = 0
    while i + 1 < n:
        c0 = c[i]
        c1 = c[i + 1]
        for col in range(m):
            c0[col] = 0.0
            c1[col] = 0.0
        r = 0
        while r + 4 <= depth:
            x0, x1, x2, x3 = a[i, a0 + r], a[i, a0 + r + 1], a[i, a0 + r + 2], a[i, a0 + r + 3]
            y0, y1, y2, y3 = (
                a[i + 1, a0 + r],
                a[i + 1, a0 + r + 1],
                a[i + 1, a0 + r + 2],
                a[i + 1, a0 + r + 3],
            )
            b_0 = b[b0 + r]
            b_1 = b[b0 + r + 1]
            b_2 = b[b0 + r + 2]
            b_3 = b[b0 + r + 3]
            for col in range(m):
                p0, p1, p2, p3 = b_0[col], b_1[col], b_2[col], b_3[col]
                c0[col] = c0[col] + x0 * p0 + x1 * p1 + x2 * p2 + x3 * p3
                c1[col] = c1[col] + y0 * p0 + y1 * p1 + y2 * p2 + y3 * p3
            r += 4
        while r < depth:
            x0 = a[i, a0 + r]
            y0 = a[i + 1, a0 + r]
            b_0 = b[b0 + r]
            for col in range(m):
                c0[col] += x0 * b_0[col]
                c1[col] += y0 * b_0[col]
            r += 1
        i += 2
    if i < n:  # an odd last row
        c0 = c[i]
        for col in range(m):
            c0[col] = 0.0
        for r in range(depth):
            x0 = a[i, a0 + r]
            b_0 = b[b0 + r]
            for col in range(m):
                c0[col] += x0 * b_0[col]


@njit(**_FLAGS)
def pack_qkv(w_q, w_k, w_v, h0, h1, out):
    """out[d, part * hs * d_k + (head - h0) * d_k + e] = W_part[head, d, e] for heads h0..h1-1."""
    d_k = w_q.shape[2]
    hs = (h1 - h0) * d_k
    for part in range(3):
        w = w_q if part == 0 else (w_k if part == 1 else w_v)
        for hh in range(h0, h1):
            col = part * hs + (hh - h0) * d_k
            for dd in range(w.shape[1]):
                src = w[hh, dd]
                dst = out[dd]
                for e in range(d_k):
                    dst[col + e] = src[e]


@njit(**_FLAGS)
def attend(q, k, v, gate, h0, h1, inv_div, causal, scores, logits, weights, head_outputs, concat):
    """Scores, logits, weights, head outputs and concat of heads h0..h1-1; True if a score is not finite.

    ``inv_div`` is 1 / (sqrt(d_k) * temperature): one multiply instead of the twin's two
    divides (within 2 ulp). Both products are whole-head matrix products whose inner
    loop runs over keys, and the exponentials run in one pass over all the heads.
    """
    n = q.shape[1]
    d_k = q.shape[2]
    k_t = np.empty((d_k, n), q.dtype)
    bad = False
    for hh in range(h0, h1):
        for j in range(n):
            for e in range(d_k):
                k_t[e, j] = k[hh, j, e]
        matmul_into(q[hh], 0, k_t, 0, d_k, scores[hh])
        for i in range(n):
            srow = scores[hh, i]
            n_valid = i + 1 if causal else n
            lrow = logits[hh, i]
            bad |= scale_row(srow, lrow, n_valid, inv_div, True)
            for j in range(n_valid, n):
                lrow[j] = -np.inf
            mx = row_max(lrow, n_valid)
            wrow = weights[hh, i]
            for j in range(n):
                wrow[j] = lrow[j] - mx  # -inf where masked, so exp gives exactly 0
    exp_inplace(weights[h0:h1].reshape((h1 - h0) * n * n))
    for hh in range(h0, h1):
        for i in range(n):
            n_valid = i + 1 if causal else n
            wrow = weights[hh, i]
            inv_total = 1.0 / row_sum(wrow, n_valid)
            for j in range(n_valid):
                wrow[j] = wrow[j] * inv_total
        ho = head_outputs[hh]
        matmul_into(weights[hh], 0, v[hh], 0, n, ho)
        g = gate[hh]
        for i in range(n):
            for e in range(d_k):
                value = ho[i, e] * g
                ho[i, e] = value
                concat[i, hh * d_k + e] = value
    return bad


@njit(**_FLAGS)
def inv_divisor(like, scale_div, temperature):
    """1 / (scale_div * temperature), rounded to the dtype of the array ``like``."""
    tmp = np.empty(1, like.dtype)
    tmp[0] = 1.0 / (scale_div * temperature)
    return tmp[0]


@njit(**_FLAGS)
def mha_fused(
    x,
    w_q,
    w_k,
    w_v,
    w_o,
    gate,
    scale_div,
    temperature,
    causal,
    h0,
    h1,
    q,
    k,
    v,
    scores,
    logits,
    weights,
    head_outputs,
    concat,
    output,
    accumulate,
):
    """Fill every output of heads h0..h1-1, and ``output`` with those heads' share of
    ``concat @ w_o`` (all heads: the whole output), or add that share to ``output``
    with ``accumulate``. Returns 1 if any value produced is NaN or infinite, else 0.
    ``scale_div`` is sqrt(d_k), or 1 without scaling.
    """
    n, d_model = x.shape
    d_k = w_q.shape[2]
    hs = (h1 - h0) * d_k
    bad = False

    # Projections: x against the packed [W_Q | W_K | W_V] of the heads, then scattered.
    wp = np.empty((d_model, 3 * hs), x.dtype)
    pack_qkv(w_q, w_k, w_v, h0, h1, wp)
    qkv = np.empty((n, 3 * hs), x.dtype)
    matmul_into(x, 0, wp, 0, d_model, qkv)
    for i in range(n):
        row = qkv[i]
        bad |= any_nonfinite(row)
        for hh in range(h0, h1):
            c = (hh - h0) * d_k
            for e in range(d_k):
                q[hh, i, e] = row[c + e]
                k[hh, i, e] = row[hs + c + e]
                v[hh, i, e] = row[2 * hs + c + e]

    inv_div = inv_divisor(x, scale_div, temperature)
    bad |= attend(q, k, v, gate, h0, h1, inv_div, causal, scores, logits, weights, head_outputs, concat)

    share = np.empty((n, d_model), x.dtype) if accumulate else output
    matmul_into(concat, h0 * d_k, w_o, h0 * d_k, hs, share)
    for i in range(n):
        bad |= any_nonfinite(share[i])
        if accumulate:
            for c in range(d_model):
                output[i, c] += share[i, c]
    return 1 if bad else 0
