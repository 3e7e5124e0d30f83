"""engine.cost.measure, the Cost view's probe, and memory that grows with n, not n squared."""

from __future__ import annotations

import numpy as np
import pytest

from engine.config import CONFIG
from engine.cost import _traced_peak, measure, synthetic_inputs


def test_measure_reports_time_memory_and_what_ran():
    """A dict with a positive time, the traced peak and the result's own size."""
    got = measure(32, d_model=16, n_heads=2, dtype=np.float64, need_weights=True)
    assert got["seconds"] > 0
    assert got["peak_bytes"] >= got["result_bytes"] > 0
    assert got["backend"].startswith("numba")
    assert (got["n"], got["d_model"], got["n_heads"], got["dtype"]) == (32, 16, 2, "float64")
    assert got["flops"] > 0
    quiet = measure(8, memory=False, repeats=3)
    assert quiet["peak_bytes"] is None and quiet["dtype"] == "float32"


def test_output_only_needs_less_memory_than_the_weights():
    """need_weights=False leaves out the three (h, n, n) arrays: a smaller peak."""
    with_w = measure(300, d_model=32, n_heads=4, need_weights=True)
    without = measure(300, d_model=32, n_heads=4, need_weights=False)
    n_squared = 3 * 4 * 300 * 300 * 4
    assert with_w["peak_bytes"] - without["peak_bytes"] >= 0.9 * n_squared


def test_streaming_scratch_does_not_grow_with_n(monkeypatch):
    """Output only: the memory beyond the returned arrays stays flat when n quadruples."""
    monkeypatch.setattr(CONFIG, "block_keys", 256)  # scratch stops growing once n passes this
    scratch = []
    for n in (1024, 4096):
        got = measure(n, d_model=32, n_heads=2, need_weights=False, backend="numba-parallel")
        scratch.append(got["peak_bytes"] - got["result_bytes"])
    dense = 2 * 4096 * 4096 * 4  # one (h, n, n) float32 array at the larger n
    assert scratch[1] < 1.2 * scratch[0] + 2**16
    assert scratch[1] < dense / 16


def test_measure_refuses_bad_arguments():
    with pytest.raises(ValueError, match="at least 1"):
        measure(0)
    with pytest.raises(ValueError, match="repeats"):
        measure(4, repeats=0)


def test_traced_peak_counts_numpy_allocations():
    peak = _traced_peak(lambda: np.ones(1_000_000))
    assert peak >= 8_000_000
    x, w_q, w_k, w_v, w_o = synthetic_inputs(5, 8, 2, np.float64)
    assert x.shape == (5, 8) and w_q.shape == (2, 8, 4) and w_o.shape == (8, 8)
