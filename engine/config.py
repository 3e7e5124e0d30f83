"""Engine tunables, kept in one place (never as module globals elsewhere).

Why one module: the kernels are compiled with these flags, the dispatcher picks a
serial or parallel kernel with these thresholds, and the app changes the thread count
from its preferences. Keeping them together means one object to read and one to test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class EngineConfig:
    """Tunables of the attention engine.

    Attributes
    ----------
    threads : int or None
        Threads for the parallel kernel; ``None`` means every core.
    cache : bool
        Cache compiled kernels on disk (``NUMBA_CACHE_DIR`` says where).
    fastmath : bool
        Let LLVM reorder floating-point maths. Off: by-hand exercises must match
        the NumPy twin to the printed digit.
    parallel_min_work : int
        Below this many multiply-adds per call the serial kernel is used: on two
        cores a ``prange`` kernel was measured slower than serial loops up to
        n = 512, because starting the thread team costs more than the work.
    """

    threads: int | None = None
    cache: bool = True
    fastmath: bool = False
    parallel_min_work: int = 4_000_000


CONFIG = EngineConfig()


def cpu_count() -> int:
    """Cores this process may use (honours CPU affinity where the OS has it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # Windows and macOS have no sched_getaffinity
        return max(1, os.cpu_count() or 1)
