"""Threads: how many BLAS uses, and the engine's own worker threads.

Two pools on two cores fight. OpenBLAS's idle threads keep spinning for a while after
a call, and so do OpenMP's (Numba's parallel kernels); when both want both cores,
calls stall for a scheduler slice (4-16 ms measured). So the engine does not use
Numba's ``prange`` at all. Its parallel work runs on plain Python threads that sleep
when idle (:func:`run_parallel`), each calling nogil Numba kernels and BLAS, and BLAS
is held to one thread while they run (:func:`blas_threads`), so BLAS never wakes its
own pool for the engine: every product is split into pieces for the engine's threads.

BLAS is controlled through threadpoolctl, which finds NumPy's OpenBLAS (or MKL, or
BLIS) at run time. Without it (or without a BLAS it knows) the limits are no-ops.
"""

from __future__ import annotations

import itertools
import queue
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_region = threading.RLock()  # one thread-count change at a time, restored in order
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
    """Hold every BLAS library to ``n`` threads inside the block (process-wide).

    Blocks on other threads wait for this one to finish, so limits never interleave.
    """
    libs = _controllers()
    with _region:
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


class _Job:
    """One call of :func:`run_parallel`: tasks handed out by a counter, completions counted."""

    def __init__(self, task, n_tasks: int) -> None:
        self.task = task
        self.n_tasks = n_tasks
        self.counter = itertools.count()  # next() on it is atomic under the GIL
        self.completed = 0
        self.lock = threading.Lock()
        self.all_done = threading.Lock()  # held until the last task completes (cheaper than an Event)
        self.all_done.acquire()
        self.errors: list[BaseException] = []

    def work(self, worker: int) -> None:
        while True:
            i = next(self.counter)
            if i >= self.n_tasks:
                return
            try:
                if not self.errors:
                    self.task(i, worker)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                self.errors.append(exc)
            finally:
                with self.lock:
                    self.completed += 1
                    if self.completed == self.n_tasks:
                        self.all_done.release()


def run_parallel(task, n_tasks: int, threads: int) -> None:
    """Call ``task(i, worker)`` for i in range(n_tasks) on ``threads`` threads, the caller included.

    Tasks are handed out one at a time as threads become free, so uneven tasks (causal
    rows) balance, and the caller starts at once: if a helper is slow to wake, the
    caller takes its tasks and returns when every task is done, without waiting for
    the helper. ``worker`` (0 for the caller, 1 .. threads-1) names the thread running
    a task, for per-thread scratch. The first exception a task raised is re-raised.
    """
    threads = max(1, min(threads, n_tasks))
    if threads == 1:
        for i in range(n_tasks):
            task(i, 0)
        return
    job = _Job(task, n_tasks)
    with _pool_lock:
        _ensure_workers(threads - 1)
        for w in range(1, threads):
            _jobs.put(lambda w=w: job.work(w))
        job.work(0)
        job.all_done.acquire()
    if job.errors:
        raise job.errors[0]
