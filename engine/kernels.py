"""Numba kernels for multi-head self-attention.

Private by design: :func:`engine.attention.multi_head_attention` validates inputs,
allocates every output and then calls one of the two drivers here. The NumPy twin in
:mod:`engine.reference` is what the tests compare these against.

The work is split into three row functions (project one row, attend one row, mix one
output row). Two drivers loop over them: a serial one, because on two cores a thread
team costs more than small inputs are worth, and a ``prange`` one that splits heads x
query rows across threads. Both drivers call the same row functions, so the maths is
written once. Loops are explicit: ``np.dot`` inside ``@njit`` would need SciPy.

Flags come from :data:`engine.config.CONFIG` at import time. This module is collected
as source in the frozen app so Numba's on-disk cache keys on a stable file.
"""

from __future__ import annotations

import math

from numba import njit, prange

from engine.config import CONFIG

_FLAGS = {"cache": CONFIG.cache, "fastmath": CONFIG.fastmath, "nogil": True}


@njit(**_FLAGS)
def _project_row(t, x, w_q, w_k, w_v, q, k, v):
    """q, k, v for head ``t // n`` and token ``t % n``: one row of x times W."""
    n = x.shape[0]
    d_model = x.shape[1]
    d_k = w_q.shape[2]
    hh = t // n
    i = t % n
    for e in range(d_k):
        q[hh, i, e] = 0.0
        k[hh, i, e] = 0.0
        v[hh, i, e] = 0.0
    # d outer, e inner: the inner loop walks W and the output along contiguous memory.
    for d in range(d_model):
        xv = x[i, d]
        for e in range(d_k):
            q[hh, i, e] += xv * w_q[hh, d, e]
            k[hh, i, e] += xv * w_k[hh, d, e]
            v[hh, i, e] += xv * w_v[hh, d, e]


@njit(**_FLAGS)
def _attend_row(t, divisors, causal, head_mask, q, k, v, scores, logits, weights, head_outputs, concat):
    """Scores, logits, softmax weights and output of query ``t % n`` in head ``t // n``.

    ``divisors`` holds (sqrt(d_k) or 1, temperature) in the input dtype, so float32
    inputs are divided in float32 exactly as the NumPy twin does.
    """
    n = q.shape[1]
    d_k = q.shape[2]
    hh = t // n
    i = t % n
    row_max = -math.inf
    for j in range(n):
        s = 0.0
        for e in range(d_k):
            s += q[hh, i, e] * k[hh, j, e]
        scores[hh, i, j] = s
        if causal and j > i:
            lg = -math.inf
        else:
            lg = (scores[hh, i, j] / divisors[0]) / divisors[1]
        logits[hh, i, j] = lg
        if lg > row_max:
            row_max = lg
    # The diagonal is never masked, so row_max is finite and exp(-inf - max) is 0.
    total = 0.0
    for j in range(n):
        w = math.exp(logits[hh, i, j] - row_max)
        weights[hh, i, j] = w
        total += w
    for j in range(n):
        weights[hh, i, j] = weights[hh, i, j] / total
    for e in range(d_k):
        head_outputs[hh, i, e] = 0.0
    for j in range(n):
        w = weights[hh, i, j]
        if w != 0.0:
            for e in range(d_k):
                head_outputs[hh, i, e] += w * v[hh, j, e]
    gate = head_mask[hh]
    for e in range(d_k):
        head_outputs[hh, i, e] = head_outputs[hh, i, e] * gate
        concat[i, hh * d_k + e] = head_outputs[hh, i, e]


@njit(**_FLAGS)
def _output_row(i, concat, w_o, output):
    """output[i] = concat[i] @ W_O."""
    d_model = w_o.shape[1]
    for c in range(d_model):
        output[i, c] = 0.0
    for r in range(w_o.shape[0]):
        cv = concat[i, r]
        for c in range(d_model):
            output[i, c] += cv * w_o[r, c]


@njit(**_FLAGS)
def mha_serial(
    x,
    w_q,
    w_k,
    w_v,
    w_o,
    divisors,
    causal,
    head_mask,
    q,
    k,
    v,
    scores,
    logits,
    weights,
    head_outputs,
    concat,
    output,
):
    """Fill every output array, one row at a time on the calling thread."""
    rows = w_q.shape[0] * x.shape[0]
    for t in range(rows):
        _project_row(t, x, w_q, w_k, w_v, q, k, v)
    for t in range(rows):
        _attend_row(t, divisors, causal, head_mask, q, k, v, scores, logits, weights, head_outputs, concat)
    for i in range(x.shape[0]):
        _output_row(i, concat, w_o, output)


@njit(parallel=True, **_FLAGS)
def mha_parallel(
    x,
    w_q,
    w_k,
    w_v,
    w_o,
    divisors,
    causal,
    head_mask,
    q,
    k,
    v,
    scores,
    logits,
    weights,
    head_outputs,
    concat,
    output,
):
    """Fill every output array; heads x query rows are split across threads."""
    rows = w_q.shape[0] * x.shape[0]
    for t in prange(rows):
        _project_row(t, x, w_q, w_k, w_v, q, k, v)
    for t in prange(rows):
        _attend_row(t, divisors, causal, head_mask, q, k, v, scores, logits, weights, head_outputs, concat)
    for i in prange(x.shape[0]):
        _output_row(i, concat, w_o, output)
