"""The cost runner: sweeps on a worker thread, newest request wins, exponents fitted."""

from __future__ import annotations

import numpy as np
import pytest

from app.cost_runner import CostRunner, fit_exponent, sweep_lengths


def test_sweep_lengths_double_up_to_n():
    """16, 32, ... then n itself; n is kept inside 16..8192."""
    assert sweep_lengths(128) == [16, 32, 64, 128]
    assert sweep_lengths(100) == [16, 32, 64, 100]
    assert sweep_lengths(5) == [16]
    assert sweep_lengths(10**6)[-1] == 8192


def test_fit_exponent_recovers_a_power_law():
    """Values growing as n^2 (plus a fixed overhead at small n) fit to an exponent near 2."""
    ns = [16, 32, 64, 128, 256, 512, 1024]
    values = [1e-6 + 1e-9 * n**2 for n in ns]
    assert fit_exponent(ns, values) == pytest.approx(2.0, abs=0.1)
    assert fit_exponent([16], [1.0]) is None
    assert fit_exponent(ns, [n * 3.0 for n in ns]) == pytest.approx(1.0)


def test_with_weights_past_the_limit_is_refused(qapp):
    """Keeping every weight at n = 8192 would need gigabytes: the request says so."""
    runner = CostRunner()
    with pytest.raises(ValueError, match="GB"):
        runner.request(8192, need_weights=True)
    runner.shutdown()


def test_a_sweep_runs_off_the_gui_thread(qapp, qtbot):
    """Measuring 16..64 emits one result per length and finishes, without blocking."""
    runner = CostRunner()
    got = []
    runner.sigMeasured.connect(got.append)
    with qtbot.waitSignal(runner.sigBusyChanged, timeout=120_000, check_params_cb=lambda busy: not busy):
        runner.request(64, need_weights=False, d_model=16, n_heads=2)
    assert [m["n"] for m in got] == [16, 32, 64]
    assert all(m["seconds"] > 0 and m["peak_bytes"] is not None for m in got)
    runner.shutdown()


def test_newest_request_replaces_the_waiting_one(qapp, qtbot):
    """Two requests while busy: the first sweep stops early, the newest runs in full."""
    runner = CostRunner()
    got = []
    runner.sigMeasured.connect(got.append)
    runner.request(512, need_weights=False, d_model=16, n_heads=2)
    runner.request(32, need_weights=True, d_model=16, n_heads=2)
    runner.request(64, need_weights=True, d_model=16, n_heads=2)
    qtbot.waitUntil(lambda: not runner.busy, timeout=120_000)
    tail = [(m["n"], m["need_weights"]) for m in got[-3:]]
    assert tail == [(16, True), (32, True), (64, True)]
    assert not any(m["n"] == 512 for m in got)  # the long first sweep was cut short
    runner.shutdown()
    assert np.isfinite([m["seconds"] for m in got]).all()
