"""Output-only attention for long sequences, in memory proportional to n.

With ``need_weights=False`` nobody looks at the (h, n, n) scores, logits and weights,
so they are never stored: at n = 16384 and 8 heads they would take 8 GiB each in
float32. Each (head, block of query rows) tile walks the keys in blocks instead, as
FlashAttention does: for every block, ``S = q k_block^T`` (BLAS), then
:func:`engine.tiles.online_block` keeps each row's running max and running sum of
exponentials and rescales what was accumulated when the max grows, then
``acc += exp(S - max) v_block`` (BLAS). One division by the sum at the end gives the
same head outputs as the materialised softmax.

Memory beyond the returned (n x d) arrays: per worker thread one scores block of
``CONFIG.block_rows x CONFIG.block_keys`` numbers plus a few rows of d_k; constant in
n. With ``causal`` the key blocks after a tile's last row are skipped altogether.
"""

from __future__ import annotations

import numpy as np

from engine import tiles
from engine.blas import blas_threads, run_parallel
from engine.config import CONFIG
from engine.tiled import output_projection, project, row_blocks


def attention_streaming(x, w_q, w_k, w_v, w_o, gate, scale_div, temperature, causal, threads):
    """(status, AttentionResult fields in order, scores/logits/weights None); status 1: overflow."""
    h, _, d_k = w_q.shape
    n = x.shape[0]
    dt = x.dtype
    with blas_threads(1):
        q, k, v = project(x, w_q, w_k, w_v, threads)
    head_outputs = np.empty((h, n, d_k), dt)
    concat = np.empty((n, h * d_k), dt)
    inv_div = dt.type(1.0 / (scale_div * temperature))
    blocks = row_blocks(n, h, threads)
    rows_max = max(r1 - r0 for _, r0, r1 in blocks)
    keys = max(1, min(CONFIG.block_keys, n))
    workers = max(1, min(threads, len(blocks)))
    # Per-thread scratch, allocated once per call: flat so any (rows, cols) view is contiguous.
    s_buf = [np.empty(rows_max * keys, dt) for _ in range(workers)]
    acc_buf = [np.empty((rows_max, d_k), dt) for _ in range(workers)]
    pv_buf = [np.empty((rows_max, d_k), dt) for _ in range(workers)]
    m_buf = [np.empty(rows_max, dt) for _ in range(workers)]
    sum_buf = [np.empty(rows_max, dt) for _ in range(workers)]
    bad = []

    def task(i: int, worker: int) -> None:
        with np.errstate(over="ignore", invalid="ignore"):  # per thread; overflow is reported below
            tile(i, worker)

    def tile(i: int, worker: int) -> None:
        hh, r0, r1 = blocks[i]
        rows = r1 - r0
        q_tile = q[hh, r0:r1]
        acc = acc_buf[worker][:rows]
        pv = pv_buf[worker][:rows]
        m = m_buf[worker][:rows]
        total = sum_buf[worker][:rows]
        acc.fill(0.0)
        m.fill(-np.inf)
        total.fill(0.0)
        key_end = r1 if causal else n  # keys after the tile's last row are all masked
        has_pv = False
        for c0 in range(0, key_end, keys):
            c1 = min(key_end, c0 + keys)
            s = s_buf[worker][: rows * (c1 - c0)].reshape(rows, c1 - c0)
            np.matmul(q_tile, k[hh, c0:c1].T, out=s)
            if tiles.online_block(s, r0, c0, inv_div, causal, m, total, acc, pv, has_pv):
                bad.append(i)
            np.matmul(s, v[hh, c0:c1], out=pv)
            has_pv = True
        tiles.finish_rows(acc, pv, total, gate[hh], head_outputs[hh, r0:r1], concat, r0, hh * d_k)

    with blas_threads(1):
        run_parallel(task, len(blocks), threads)
        output = output_projection(concat, w_o, threads)
    status = 1 if bad or not tiles.all_finite(output.reshape(-1)) else 0
    return status, (q, k, v, None, None, None, head_outputs, concat, output)
