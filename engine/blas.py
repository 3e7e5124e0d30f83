"""Threads: how many BLAS uses, and the engine's own worker threads.

Two pools on two cores fight. OpenBLAS's idle threads keep spinning for a while after
a call, and so do OpenMP's (Numba's parallel kernels); when both want both cores,
calls stall for a scheduler slice (4-16 ms measured). So the engine does not use
Numba's ``prange`` at all. Its parallel work runs on plain Python threads that sleep
when idle (:func:`run_parallel`), each calling nogil Numba kernels and BLAS, and BLAS
is held to one thread while they run (:func:`blas_threads`). Outside those regions
BLAS gets the engine's thread count for the big single products (projections).

BLAS is controlled through threadpoolctl, which finds NumPy's OpenBLAS (or MKL, or
BLIS) at run time. Without it (or without a BLAS it knows) the limits are no-ops.
"""

from __future__ import annotations

import itertools
import queue
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_blas = None  # threadpoolctl lib controllers for the BLAS libraries NumPy loaded


def _controllers() -> list:
    global _blas
    if _blas is None:
        with _lock:
            if _blas is None:
                try:
                    import numpy  # noqa: F401  (threadpoolctl finds libraries already loaded)
                    from threadpoolctl import ThreadpoolController

                    _blas = list(ThreadpoolController().select(user_api="blas").lib_controllers)
                except Exception:  # noqa: BLE001 - no threadpoolctl, or a BLAS it cannot drive
                    _blas = []
    return _blas


def get_blas_threads() -> int | None:
    """Threads the (first) BLAS library uses now, or None when it cannot be told."""
    libs = _controllers()
    return libs[0].get_num_threads() if libs else None


@contextmanager
def blas_threads(n: int):
    """Hold every BLAS library to ``n`` threads inside the block (process-wide)."""
    libs = _controllers()
    before = [lib.get_num_threads() for lib in libs]
    changed = [b != n for b in before]
    for lib, c in zip(libs, changed, strict=True):
        if c:
            lib.set_num_threads(n)
    try:
        yield
    finally:
        for lib, b, c in zip(libs, before, changed, strict=True):
            if c:
                lib.set_num_threads(b)


# --- the engine's worker threads ----------------------------------------------------------

_pool_lock = threading.Lock()  # one parallel region at a time; callers queue up
_workers: list[threading.Thread] = []
_jobs: queue.SimpleQueue = queue.SimpleQueue()


def _worker_loop() -> None:
    while True:
        job = _jobs.get()
        job()


def _ensure_workers(count: int) -> None:
    while len(_workers) < count:
        t = threading.Thread(target=_worker_loop, name=f"attention-worker-{len(_workers) + 1}", daemon=True)
        t.start()
        _workers.append(t)


def run_parallel(task, n_tasks: int, threads: int) -> None:
    """Call ``task(i, worker)`` for i in range(n_tasks) on ``threads`` threads, the caller included.

    Tasks are handed out one at a time as threads become free, so uneven tasks (causal
    rows) balance. ``worker`` (0 .. threads-1) names the thread, for per-thread scratch.
    The first exception raised by a task is re-raised here after all threads stop.
    """
    threads = max(1, min(threads, n_tasks))
    if threads == 1:
        for i in range(n_tasks):
            task(i, 0)
        return
    counter = itertools.count()  # next() on it is atomic under the GIL
    errors: list[BaseException] = []
    done: queue.SimpleQueue = queue.SimpleQueue()

    def work(worker: int) -> None:
        try:
            while not errors:
                i = next(counter)
                if i >= n_tasks:
                    break
                task(i, worker)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            errors.append(exc)

    def helper(worker: int):
        def run() -> None:
            work(worker)
            done.put(worker)

        return run

    with _pool_lock:
        _ensure_workers(threads - 1)
        for w in range(1, threads):
            _jobs.put(helper(w))
        work(0)
        for _ in range(threads - 1):
            done.get()
    if errors:
        raise errors[0]
