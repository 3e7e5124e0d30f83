"""Which code computes attention right now: a Numba kernel or the NumPy twin.

A cold Numba compile of the kernels takes seconds (a cache hit about 0.3 s), and the
window must respond before that. So the app calls :func:`start_warmup` at start-up:
a daemon thread compiles each kernel variant with tiny inputs. Until a variant is
ready, ``backend="auto"`` serves the NumPy twin, which gives the same numbers.
Callers that never start a warm-up (scripts, tests, ``--export``) get the kernel
compiled on their first call instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np

from engine.config import CONFIG, cpu_count

VARIANTS = ("serial", "parallel")
DTYPES = (np.dtype(np.float64), np.dtype(np.float32))

_lock = threading.Lock()
_ready: set[tuple[str, np.dtype]] = set()
_failed: dict[tuple[str, np.dtype], str] = {}
_warmup_thread: threading.Thread | None = None
# Numba's OpenMP team is shared; one parallel region at a time keeps the other
# threading layers (which are not thread-safe) from killing the process.
_parallel_call_lock = threading.Lock()


def _kernel(variant: str):
    from engine import kernels  # imported lazily: importing numba costs ~0.3 s

    return kernels.mha_parallel if variant == "parallel" else kernels.mha_serial


def _compile(variant: str, dtype: np.dtype) -> None:
    """Compile (or load from cache) one variant by calling it on a 1-token input."""
    from engine.attention import multi_head_attention

    x = np.ones((1, 1), dtype=dtype)
    w = np.ones((1, 1, 1), dtype=dtype)
    multi_head_attention(x, w, w, w, np.ones((1, 1), dtype=dtype), backend=f"numba-{variant}")


def _warm(pairs: Iterable[tuple[str, np.dtype]]) -> None:
    for pair in pairs:
        try:
            _compile(*pair)
        except Exception as exc:  # noqa: BLE001 - reported, and the twin keeps serving
            with _lock:
                _failed[pair] = f"{type(exc).__name__}: {exc}"


def start_warmup(dtypes: Iterable = DTYPES, variants: Iterable[str] = VARIANTS) -> threading.Thread:
    """Compile the kernels on a daemon thread; returns the thread (already started)."""
    global _warmup_thread
    pairs = [(v, np.dtype(d)) for d in dtypes for v in variants]
    with _lock:
        if _warmup_thread is not None and _warmup_thread.is_alive():
            return _warmup_thread
        _warmup_thread = threading.Thread(target=_warm, args=(pairs,), name="numba-warmup", daemon=True)
        _warmup_thread.start()
        return _warmup_thread


def warming_up() -> bool:
    """True while the background compile is still running."""
    t = _warmup_thread
    return t is not None and t.is_alive()


def is_ready(variant: str, dtype) -> bool:
    return (variant, np.dtype(dtype)) in _ready


def failures() -> dict[tuple[str, np.dtype], str]:
    """Variants whose compilation failed, with the error text."""
    with _lock:
        return dict(_failed)


def status() -> str:
    """A short sentence for a status bar."""
    if warming_up():
        return "Engine: NumPy while the Numba kernels compile"
    if _failed:
        return "Engine: NumPy (Numba kernels failed to compile)"
    if _ready:
        return "Engine: Numba"
    return "Engine: Numba (compiles on first use)"


def choose_variant(n: int, h: int, d_model: int, d_k: int) -> str:
    """Serial for small work, parallel when there is enough to share out."""
    work = h * n * (3 * d_model * d_k + 2 * n * d_k) + n * h * d_k * d_model
    return "parallel" if work >= CONFIG.parallel_min_work and cpu_count() > 1 else "serial"


def resolve(backend: str, n: int, h: int, d_model: int, d_k: int, dtype) -> str:
    """Turn a requested backend into the one that will run.

    ``"auto"`` picks the kernel variant for the size, and falls back to
    ``"numpy"`` while a background warm-up has not yet compiled that variant.
    """
    if backend in ("numpy", "numba-serial", "numba-parallel"):
        return backend
    if backend == "numba":
        return "numba-" + choose_variant(n, h, d_model, d_k)
    if backend != "auto":
        raise ValueError(
            f"backend must be 'auto', 'numba', 'numba-serial', 'numba-parallel' or 'numpy', not {backend!r}."
        )
    variant = choose_variant(n, h, d_model, d_k)
    pair = (variant, np.dtype(dtype))
    if pair in _ready:
        return "numba-" + variant
    if pair in _failed or warming_up():
        return "numpy"
    return "numba-" + variant


def run_kernel(variant: str, args: tuple) -> None:
    """Call one kernel variant on allocated outputs and record it as compiled."""
    kernel = _kernel(variant)
    if variant == "parallel":
        import numba

        with _parallel_call_lock:
            # set_num_threads is per calling thread in Numba, so set it on every call.
            threads = CONFIG.threads or cpu_count()
            numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
            kernel(*args)
    else:
        kernel(*args)
    dtype = args[0].dtype
    if (variant, dtype) not in _ready:
        with _lock:
            _ready.add((variant, dtype))
