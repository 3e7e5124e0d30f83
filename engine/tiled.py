"""Long sequences with every intermediate kept: BLAS for the products, tiles on all threads.

At n in the thousands the work is matrix products (projections, ``Q K^T``, ``weights
V``), which BLAS does near the machine's peak, plus ``h * n * n`` exponentials. So:

1. q, k, v = x W, one BLAS product per head and matrix;
2. per (head, block of query rows) tile: ``scores = q k^T`` (BLAS, written straight
   into the result), the softmax (:func:`engine.tiles.softmax_tile`), ``head_out =
   weights v`` (BLAS);
3. output = concat W_O, by blocks of rows.

Each step's pieces are shared out to the engine's worker threads
(:func:`engine.blas.run_parallel`) with BLAS held to one thread, so BLAS never wakes
its own pool: its idle threads would spin against ours for a scheduler slice.

:mod:`engine.streaming` shares steps 1 and 3 and replaces step 2 when the weights are
not wanted.
"""

from __future__ import annotations

import numpy as np

from engine import tiles
from engine.blas import blas_threads, run_parallel
from engine.config import CONFIG


def inputs_finite(*arrays) -> bool:
    """True if no input holds NaN or infinity (BLAS may not carry them into its results)."""
    return all(tiles.all_finite(a.reshape(-1)) for a in arrays)


def project(x, w_q, w_k, w_v, threads: int):
    """q, k, v (h, n, d_k), contiguous: one single-threaded BLAS product per head and
    matrix, shared out to the engine's threads (call inside ``blas_threads(1)``)."""
    h, _, d_k = w_q.shape
    n = x.shape[0]
    out = [np.empty((h, n, d_k), x.dtype) for _ in range(3)]
    ws = (w_q, w_k, w_v)

    def task(i: int, worker: int) -> None:
        m, hh = divmod(i, h)
        np.matmul(x, ws[m][hh], out=out[m][hh])

    run_parallel(task, 3 * h, threads)
    return out


def output_projection(concat, w_o, threads: int):
    """concat @ w_o, in blocks of rows shared out to the engine's threads."""
    n = concat.shape[0]
    output = np.empty((n, w_o.shape[1]), concat.dtype)
    rows = max(16, CONFIG.block_rows)
    starts = list(range(0, n, rows))

    def task(i: int, worker: int) -> None:
        r0 = starts[i]
        np.matmul(concat[r0 : r0 + rows], w_o, out=output[r0 : r0 + rows])

    run_parallel(task, len(starts), threads)
    return output


def row_blocks(n: int, h: int, threads: int) -> list[tuple[int, int, int]]:
    """(head, first row, end row) tiles: CONFIG.block_rows rows, fewer when there would
    not be a few tiles per thread to balance."""
    rows = max(1, min(CONFIG.block_rows, -(-n * h // (4 * threads))))
    return [(hh, r0, min(n, r0 + rows)) for hh in range(h) for r0 in range(0, n, rows)]


def attention_materialised(x, w_q, w_k, w_v, w_o, gate, scale_div, temperature, causal, threads):
    """(status, the fields of an AttentionResult in order); status 1 if something overflowed."""
    h, _, d_k = w_q.shape
    n = x.shape[0]
    dt = x.dtype
    with blas_threads(1):
        q, k, v = project(x, w_q, w_k, w_v, threads)
    scores = np.empty((h, n, n), dt)
    logits = np.empty((h, n, n), dt)
    weights = np.empty((h, n, n), dt)
    head_outputs = np.empty((h, n, d_k), dt)
    concat = np.empty((n, h * d_k), dt)
    inv_div = dt.type(1.0 / (scale_div * temperature))
    blocks = row_blocks(n, h, threads)
    bad = []

    def task(i: int, worker: int) -> None:
        with np.errstate(over="ignore", invalid="ignore"):  # per thread; overflow is reported below
            tile(i, worker)

    def tile(i: int, worker: int) -> None:
        hh, r0, r1 = blocks[i]
        s = scores[hh, r0:r1]
        np.matmul(q[hh, r0:r1], k[hh].T, out=s)
        w = weights[hh, r0:r1]
        if tiles.softmax_tile(s, logits[hh, r0:r1], w, r0, inv_div, causal):
            bad.append(i)
        ho = head_outputs[hh, r0:r1]
        if causal:  # weights after the tile's last row are all 0: leave them out of the product
            np.matmul(w[:, :r1], v[hh, :r1], out=ho)
        else:
            np.matmul(w, v[hh], out=ho)
        tiles.gate_into_concat(ho, gate[hh], concat, r0, hh * d_k)

    with blas_threads(1):
        run_parallel(task, len(blocks), threads)
        output = output_projection(concat, w_o, threads)
    status = 1 if bad or not tiles.all_finite(output.reshape(-1)) else 0
    return status, (q, k, v, scores, logits, weights, head_outputs, concat, output)
