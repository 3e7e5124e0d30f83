"""Measure what attention costs as n grows, on a worker thread, one kernel at a time.

The Cost view asks for a sweep (n = 16, 32, ... up to the slider's n); the runner
measures each length with :func:`engine.cost.measure` on a QThread so the window
never freezes. Only one sweep runs at a time: a new request while busy replaces any
waiting one (the newest wins) and stops the current sweep after its current length.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from engine.cost import measure

MIN_N, MAX_N = 16, 8192
# With every weight kept, memory grows as 3 * n^2 * heads * 4 bytes (scores, logits,
# weights): 0.8 GB at n = 4096 and 4 heads. Past that only the streaming mode runs.
MAX_N_WITH_WEIGHTS = 4096


def sweep_lengths(n_max: int) -> list[int]:
    """16, 32, 64, ... up to n_max (n_max itself included)."""
    n_max = max(MIN_N, min(MAX_N, int(n_max)))
    lengths = []
    n = MIN_N
    while n < n_max:
        lengths.append(n)
        n *= 2
    lengths.append(n_max)
    return lengths


def fit_exponent(ns, values, min_n: int = 128) -> float | None:
    """Slope of log(value) against log(n): about 2 when the cost grows as n squared.

    Short sequences are left out (their cost is mostly fixed overhead), unless fewer
    than three points would remain.
    """
    pairs = [(n, v) for n, v in zip(ns, values, strict=True) if v and v > 0]
    long = [(n, v) for n, v in pairs if n >= min_n]
    use = long if len(long) >= 3 else pairs
    if len(use) < 2:
        return None
    x = np.log([n for n, _ in use])
    y = np.log([v for _, v in use])
    slope, _ = np.polyfit(x, y, 1)
    return float(slope)


def estimated_weight_bytes(n: int, n_heads: int, itemsize: int = 4) -> int:
    return 3 * n * n * n_heads * itemsize


class _Worker(QObject):
    sigMeasured = Signal(dict)
    sigDone = Signal(bool)  # True when the sweep finished, False when stopped
    sigFailed = Signal(str)

    def __init__(self):
        super().__init__()
        # Set from the GUI thread: the sweep with this number is the one wanted now.
        # A plain int: reading and writing it is atomic under the GIL.
        self.wanted = 0

    @Slot(list, bool, int, int, int)
    def run(self, lengths, need_weights, d_model, n_heads, generation):
        for n in lengths:
            if self.wanted != generation:
                self.sigDone.emit(False)
                return
            try:
                m = measure(
                    n,
                    d_model=d_model,
                    n_heads=n_heads,
                    need_weights=need_weights,
                    repeats=3 if n <= 1024 else 1,
                )
            except (MemoryError, ValueError) as exc:
                self.sigFailed.emit(f"n = {n}: {exc}")
                self.sigDone.emit(False)
                return
            self.sigMeasured.emit(m)
        self.sigDone.emit(True)


class CostRunner(QObject):
    """Runs sweeps on a worker thread.

    Signals
    -------
    sigMeasured(dict)
        One length measured (see :func:`engine.cost.measure` for the keys).
    sigBusyChanged(bool)
    sigFailed(str)
    """

    sigMeasured = Signal(dict)
    sigBusyChanged = Signal(bool)
    sigFailed = Signal(str)
    _sigStart = Signal(list, bool, int, int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName("cost-worker")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._sigStart.connect(self._worker.run)
        self._worker.sigMeasured.connect(self.sigMeasured)
        self._worker.sigFailed.connect(self.sigFailed)
        self._worker.sigDone.connect(self._on_done)
        self.busy = False
        self._pending: tuple | None = None
        self._generation = 0
        app = QCoreApplication.instance()
        if app is not None:  # a QThread still running when Qt tears down aborts the process
            app.aboutToQuit.connect(self.shutdown)

    def request(self, n_max: int, need_weights: bool, d_model: int = 64, n_heads: int = 4) -> None:
        """Measure 16..n_max; if a sweep is running, it stops and this one runs next."""
        if need_weights and n_max > MAX_N_WITH_WEIGHTS:
            raise ValueError(
                f"Keeping every weight at n = {n_max} needs about "
                f"{estimated_weight_bytes(n_max, n_heads) / 1e9:.1f} GB; with weights the Cost view "
                f"goes up to n = {MAX_N_WITH_WEIGHTS}. Untick 'keep the weights' to go further."
            )
        job = (sweep_lengths(n_max), bool(need_weights), int(d_model), int(n_heads))
        if self.busy:
            self._pending = job
            self._worker.wanted = -1  # the running sweep stops after its current length
            return
        self._start(job)

    def stop(self) -> None:
        self._pending = None
        self._worker.wanted = -1

    def _start(self, job) -> None:
        if not self._thread.isRunning():
            self._thread.start()  # started on first use: an unused Cost view costs no thread
        self._generation += 1
        self._worker.wanted = self._generation
        self.busy = True
        self.sigBusyChanged.emit(True)
        self._sigStart.emit(*job, self._generation)

    def _on_done(self, _finished: bool) -> None:
        if self._pending is not None:
            job, self._pending = self._pending, None
            self._start(job)
            return
        self.busy = False
        self.sigBusyChanged.emit(False)

    def shutdown(self) -> None:
        """Stop after the current length and end the thread (before the window goes)."""
        self.stop()
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
