"""Engine tunables, kept in one place (never as module globals elsewhere).

Why one module: the kernels are compiled with these flags, the dispatcher picks a
path with these thresholds, and the app changes the thread count from its
preferences. Keeping them together means one object to read and one to test.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass


@dataclass
class EngineConfig:
    """Tunables of the attention engine.

    Attributes
    ----------
    threads : int or None
        Threads for the engine (BLAS and the tiled paths); ``None`` means every core,
        or ``NUMBA_NUM_THREADS`` when that is set (``main.py --threads`` sets it).
        Read on every call, so it can be changed at any time.
    cache : bool
        Cache compiled kernels on disk (``NUMBA_CACHE_DIR`` says where).
    fastmath : bool
        Let LLVM reorder floating-point maths. Off: by-hand exercises must match
        the NumPy twin to the printed digit.
    fma : bool
        Let LLVM fuse ``a * b + c`` into one fused multiply-add (one rounding instead
        of two; nothing is reordered). About 2x on the kernels' inner loops; results
        move by an ulp or so, far inside the tests' tolerance.
    parallel_min_work : int
        From this many multiply-adds per call on, ``backend="auto"`` and ``"numba"``
        use every thread instead of the calling thread alone. Below it the hand-off
        costs more than it saves: waking a sleeping thread and passing Python's GIL
        back and forth took 30-50 us per call on the reference machine (a 2-core VM),
        and when other programs keep the second core busy the split loses outright
        (64 tokens x d_model 128 x 16 heads, 5.2M, is the first interactive size
        that gained in benchmarks/bench_engine.py there).
    tiled_min_n : int
        From this many tokens on, the parallel backend (and output-only calls) use the
        tiled BLAS paths (:mod:`engine.tiled`, :mod:`engine.streaming`) instead of the
        fused kernel with the heads shared out between threads.
    block_rows : int
        Query rows per tile in the tiled paths (a tile is one head x these rows).
    block_keys : int
        Keys per block in the output-only streaming path: its scratch memory per
        thread is ``block_rows * block_keys`` numbers, whatever the sequence length.
    pack_cache_min, pack_cache_size : int
        The serial fused kernel keeps the packed [W_Q | W_K | W_V] of the last weights
        it saw (and a copy of them to notice a change) when W_Q has from
        ``pack_cache_min`` to ``pack_cache_size`` numbers: twice the three matrices'
        memory, 3 MiB in float64 at most. Below the minimum, packing costs less than
        the 2-3 us of looking the weights up.
    """

    threads: int | None = None
    cache: bool = True
    fastmath: bool = False
    fma: bool = True
    parallel_min_work: int = 4_000_000
    tiled_min_n: int = 256
    block_rows: int = 128
    block_keys: int = 2048
    pack_cache_min: int = 2048
    pack_cache_size: int = 1 << 16


CONFIG = EngineConfig()


@functools.cache
def cpu_count() -> int:
    """Cores this process may use (honours CPU affinity where the OS has it; read once)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # Windows and macOS have no sched_getaffinity
        return max(1, os.cpu_count() or 1)


def threads_in_use() -> int:
    """How many threads the engine uses now: CONFIG.threads, else NUMBA_NUM_THREADS, else all cores."""
    if CONFIG.threads:
        return max(1, int(CONFIG.threads))
    env = os.environ.get("NUMBA_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return cpu_count()


def numba_flags() -> dict:
    """Keyword arguments for ``@njit`` from CONFIG (read once, when the kernels are imported)."""
    if CONFIG.fastmath:
        fastmath = True
    elif CONFIG.fma:
        fastmath = {"contract"}
    else:
        fastmath = False
    return {"cache": CONFIG.cache, "fastmath": fastmath, "nogil": True}


def reduce_flags() -> dict:
    """numba_flags plus ``reassoc``, for the row reductions (sum, max, dot) alone.

    Reassociation lets LLVM keep partial sums in SIMD lanes (7x faster sums); NumPy's
    own sums are pairwise, so no order is "the" twin's and the results agree to ulps.
    """
    flags = numba_flags()
    if flags["fastmath"] is not True:
        flags["fastmath"] = set(flags["fastmath"] or ()) | {"reassoc"}
    return flags
