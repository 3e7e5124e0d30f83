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

    Four rows of ``a`` and four of ``b`` per pass: each loaded element of ``b`` serves
    four rows and each load and store of ``c`` four multiply-adds, which is what lets a
    plain loop keep up with single-threaded OpenBLAS at these sizes (measured 27-36
    GFLOP/s float64 on 32 x 128 x 384 and 32 x 64 x 192, 15-25% more than two rows a
    pass). The innermost loop runs along a row of ``b`` and ``c``, so it vectorises.
    """
    n = c.shape[0]
    m = c.shape[1]
    i = 0
    while i + 4 <= n:
        c0, c1, c2, c3 = c[i], c[i + 1], c[i + 2], c[i + 3]
        for col in range(m):
            c0[col] = 0.0
            c1[col] = 0.0
            c2[col] = 0.0
            c3[col] = 0.0
        r = 0
        while r + 4 <= depth:
            ar = a0 + r
            x0, x1, x2, x3 = a[i, ar], a[i, ar + 1], a[i, ar + 2], a[i, ar + 3]
            y0, y1, y2, y3 = a[i + 1, ar], a[i + 1, ar + 1], a[i + 1, ar + 2], a[i + 1, ar + 3]
            z0, z1, z2, z3 = a[i + 2, ar], a[i + 2, ar + 1], a[i + 2, ar + 2], a[i + 2, ar + 3]
            w0, w1, w2, w3 = a[i + 3, ar], a[i + 3, ar + 1], a[i + 3, ar + 2], a[i + 3, ar + 3]
            b_0, b_1, b_2, b_3 = b[b0 + r], b[b0 + r + 1], b[b0 + r + 2], b[b0 + r + 3]
            for col in range(m):
                p0, p1, p2, p3 = b_0[col], b_1[col], b_2[col], b_3[col]
                c0[col] = c0[col] + x0 * p0 + x1 * p1 + x2 * p2 + x3 * p3
                c1[col] = c1[col] + y0 * p0 + y1 * p1 + y2 * p2 + y3 * p3
                c2[col] = c2[col] + z0 * p0 + z1 * p1 + z2 * p2 + z3 * p3
                c3[col] = c3[col] + w0 * p0 + w1 * p1 + w2 * p2 + w3 * p3
            r += 4
        while r < depth:
            x0, y0, z0, w0 = a[i, a0 + r], a[i + 1, a0 + r], a[i + 2, a0 + r], a[i + 3, a0 + r]
            b_0 = b[b0 + r]
            for col in range(m):
                p0 = b_0[col]
                c0[col] += x0 * p0
                c1[col] += y0 * p0
                c2[col] += z0 * p0
                c3[col] += w0 * p0
            r += 1
        i += 4
    while i < n:  # the last one to three rows
        c0 = c[i]
        for col in range(m):
            c0[col] = 0.0
        r = 0
        while r + 4 <= depth:
            x0, x1, x2, x3 = a[i, a0 + r], a[i, a0 + r + 1], a[i, a0 + r + 2], a[i, a0 + r + 3]
            b_0, b_1, b_2, b_3 = b[b0 + r], b[b0 + r + 1], b[b0 + r + 2], b[b0 + r + 3]
            for col in range(m):
                c0[col] = c0[col] + x0 * b_0[col] + x1 * b_1[col] + x2 * b_2[col] + x3 * b_3[col]
            r += 4
        while r < depth:
            x0 = a[i, a0 + r]
            b_0 = b[b0 + r]
            for col in range(m):
                c0[col] += x0 * b_0[col]
            r += 1
        i += 1


@njit(**_FLAGS)
def pack_qkv(w_q, w_k, w_v, h0, h1, out):
    """out[d, part * hs + (head - h0) * d_k + e] = W_part[head, d, e] for heads h0..h1-1.

    Written row by row of ``out``, so every store lands next to the previous one.
    """
    d_k = w_q.shape[2]
    for dd in range(w_q.shape[1]):
        dst = out[dd]
        col = 0
        for part in range(3):
            w = w_q if part == 0 else (w_k if part == 1 else w_v)
            for hh in range(h0, h1):
                src = w[hh, dd]
                for e in range(d_k):
                    dst[col + e] = src[e]
                col += d_k


@njit(**_FLAGS)
def differs(a, b):
    """True unless the 1-D arrays hold the same numbers (a NaN never equals; -0.0 equals
    0.0, which changes at most the sign of an exact zero downstream). One vectorised
    pass, without an early exit (which would stop the vectorising)."""
    diff = False
    for j in range(a.shape[0]):
        diff |= a[j] != b[j]
    return diff


@njit(**_FLAGS)
def refresh_packed(w_q, w_k, w_v, saved, packed):
    """Make ``packed`` hold pack_qkv of all the heads; True if it had to be repacked.

    ``saved`` (flat, three times the size of w_q) holds the weights ``packed`` was made
    from. They are compared in runs of 1024, stopping at the first run that differs, so
    a caller recomputing with unchanged weights pays one read of them instead of the
    repacking (whose runs of d_k numbers are too short to vectorise: 3-4x slower).
    """
    size = w_q.size
    same = True
    for part in range(3):
        w = w_q if part == 0 else (w_k if part == 1 else w_v)
        flat = w.reshape(size)
        base = part * size
        for start in range(0, size, 1024):
            stop = min(start + 1024, size)
            if differs(flat[start:stop], saved[base + start : base + stop]):
                same = False
                break
        if not same:
            break
    if same:
        return False
    for part in range(3):
        w = w_q if part == 0 else (w_k if part == 1 else w_v)
        flat = w.reshape(size)
        dst = saved[part * size : (part + 1) * size]
        for j in range(size):  # indices from 0: no negative-index fix-up, so it vectorises
            dst[j] = flat[j]
    pack_qkv(w_q, w_k, w_v, 0, w_q.shape[0], packed)
    return True


@njit(**_FLAGS)
def unpack_qkv(qkv, h0, h1, q, k, v):
    """q[head, i, e] = qkv[i, (head - h0) * d_k + e], and k, v from the next two thirds."""
    n = qkv.shape[0]
    d_k = q.shape[2]
    hs = (h1 - h0) * d_k
    for hh in range(h0, h1):
        c = (hh - h0) * d_k
        qh, kh, vh = q[hh], k[hh], v[hh]
        for i in range(n):
            row = qkv[i]
            qi, ki, vi = qh[i], kh[i], vh[i]
            for e in range(d_k):
                qi[e] = row[c + e]
                ki[e] = row[hs + c + e]
                vi[e] = row[2 * hs + c + e]


@njit(**_FLAGS)
def transpose_into(a, a_t):
    """a_t[e, j] = a[j, e]."""
    for j in range(a.shape[0]):
        row = a[j]
        for e in range(a.shape[1]):
            a_t[e, j] = row[e]


@njit(**_FLAGS)
def attend(q, k, v, gate, h0, h1, inv_div, causal, scores, logits, weights, head_outputs, concat):
    """Scores, logits, weights, head outputs and concat of heads h0..h1-1; True if a score is not finite.

    ``inv_div`` is 1 / (sqrt(d_k) * temperature): one multiply instead of the twin's two
    divides (within 2 ulp). Loops are kept long, because every short loop pays a fixed
    cost (about 100 cycles measured for a row of 32) and a loop shorter than 16 numbers
    is not vectorised at all: the exponentials run in one pass over all the heads, and
    both products are whole-head products whose inner loop runs along the longer of the
    key axis and d_k (``weights @ V`` is computed as ``(V^T weights^T)^T`` when there are
    more keys than d_k, as d_k is often 8).
    """
    n = q.shape[1]
    d_k = q.shape[2]
    k_t = np.empty((d_k, n), q.dtype)
    bad = False
    for hh in range(h0, h1):
        transpose_into(k[hh], k_t)
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
    transposed = n > d_k
    if transposed:
        w_t = np.empty((n, n), q.dtype)
        v_t = np.empty((d_k, n), q.dtype)
        ho_t = np.empty((d_k, n), q.dtype)
    for hh in range(h0, h1):
        for i in range(n):
            n_valid = i + 1 if causal else n
            wrow = weights[hh, i]
            inv_total = 1.0 / row_sum(wrow, n_valid)
            for j in range(n_valid):
                wrow[j] = wrow[j] * inv_total
        ho = head_outputs[hh]
        g = gate[hh]
        c0 = hh * d_k
        if transposed:
            transpose_into(weights[hh], w_t)
            transpose_into(v[hh], v_t)
            matmul_into(v_t, 0, w_t, 0, n, ho_t)
            for i in range(n):
                hrow = ho[i]
                crow = concat[i]
                for e in range(d_k):
                    value = ho_t[e, i] * g
                    hrow[e] = value
                    crow[c0 + e] = value
        else:
            matmul_into(weights[hh], 0, v[hh], 0, n, ho)
            for i in range(n):
                hrow = ho[i]
                crow = concat[i]
                for e in range(d_k):
                    value = hrow[e] * g
                    hrow[e] = value
                    crow[c0 + e] = value
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
    packed,
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
    ``scale_div`` is sqrt(d_k), or 1 without scaling. ``packed`` is pack_qkv of all
    the heads (then h0 = 0 and h1 = h), or a 0 x 0 array: pack heads h0..h1-1 here.
    """
    n, d_model = x.shape
    d_k = w_q.shape[2]
    hs = (h1 - h0) * d_k
    bad = False

    # Projections: x against the packed [W_Q | W_K | W_V] of the heads, then scattered.
    if packed.shape[0] == 0:
        wp = np.empty((d_model, 3 * hs), x.dtype)
        pack_qkv(w_q, w_k, w_v, h0, h1, wp)
    else:
        wp = packed
    qkv = np.empty((n, 3 * hs), x.dtype)
    matmul_into(x, 0, wp, 0, d_model, qkv)
    bad |= any_nonfinite(qkv.reshape(n * 3 * hs))
    unpack_qkv(qkv, h0, h1, q, k, v)

    inv_div = inv_divisor(x, scale_div, temperature)
    bad |= attend(q, k, v, gate, h0, h1, inv_div, causal, scores, logits, weights, head_outputs, concat)

    share = np.empty((n, d_model), x.dtype) if accumulate else output
    matmul_into(concat, h0 * d_k, w_o, h0 * d_k, hs, share)
    bad |= any_nonfinite(share.reshape(n * d_model))
    if accumulate:
        for i in range(n):
            for c in range(d_model):
                output[i, c] += share[i, c]
    return 1 if bad else 0
