"""Which code computes attention right now, and running it.

A cold Numba compile of the kernels takes seconds (a cache hit well under one), and
the window must respond before that. So the app calls :func:`start_warmup` at
start-up: a daemon thread compiles each variant with tiny inputs. Until a variant is
ready, ``backend="auto"`` serves the NumPy twin, which gives the same numbers.
Callers that never start a warm-up (scripts, tests, ``--export``) get the kernels
compiled on their first call instead.

Variants: ``"serial"`` is the fused kernel (:mod:`engine.kernels`) on the calling
thread; ``"parallel"`` is the fused kernel with the heads shared between threads,
and for long sequences the tiled BLAS paths (:mod:`engine.tiled`,
:mod:`engine.streaming`). Warming ``"parallel"`` compiles all of those.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np

from engine import kernel_cache
from engine.config import CONFIG, threads_in_use

VARIANTS = ("serial", "parallel")
DTYPES = (np.dtype(np.float64), np.dtype(np.float32))

_lock = threading.Lock()
_ready: set[tuple[str, np.dtype]] = set()
_failed: dict[tuple[str, np.dtype], str] = {}
_warmup_thread: threading.Thread | None = None


def _compile(variant: str, dtype: np.dtype) -> None:
    """Compile (or load from cache) one variant by running it on tiny inputs."""
    from engine.attention import multi_head_attention

    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 2)).astype(dtype)
    w = rng.normal(size=(2, 2, 1)).astype(dtype)
    w_o = rng.normal(size=(2, 2)).astype(dtype)
    if variant == "serial":
        multi_head_attention(x, w, w, w, w_o, backend="numba-serial")
        return
    args = (x, w, w, w, w_o, np.ones(2, dtype), 1.0, 1.0, False)
    for need_weights in (True, False):
        run_fused(args, need_weights, threads=2)
        run_tiled(args, need_weights, threads=2)
    _mark_ready(variant, dtype)


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


def join_warmup(timeout: float | None = None) -> bool:
    """Wait for the background compile to end; True if it has (or never started).

    Call before the interpreter exits: a daemon thread still inside LLVM when Python
    finalises can crash the process (seen as exit code 139 after ``--screenshot``).
    """
    t = _warmup_thread
    if t is not None and t.is_alive():
        t.join(timeout)
    return not warming_up()


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
    if work < CONFIG.parallel_min_work:  # checked first: the thread count costs a lookup
        return "serial"
    return "parallel" if threads_in_use() > 1 else "serial"


def resolve(backend: str, n: int, h: int, d_model: int, d_k: int, dtype) -> str:
    """Turn a requested backend into the one that will run.

    ``"auto"`` picks the kernel variant for the size, and falls back to
    ``"numpy"`` while a background warm-up has not yet compiled that variant.
    """
    if backend == "auto":
        variant = choose_variant(n, h, d_model, d_k)
        if (variant, dtype) in _ready:
            return "numba-" + variant
        if (variant, np.dtype(dtype)) in _failed or warming_up():
            return "numpy"
        return "numba-" + variant
    if backend in ("numpy", "numba-serial", "numba-parallel"):
        return backend
    if backend == "numba":
        return "numba-" + choose_variant(n, h, d_model, d_k)
    raise ValueError(
        f"backend must be 'auto', 'numba', 'numba-serial', 'numba-parallel' or 'numpy', not {backend!r}."
    )


# --- running ----------------------------------------------------------------------------------


_kernels = None  # engine.kernels, imported on first use: importing numba costs ~0.3 s


def _load_kernels() -> None:
    """Import the kernels, first clearing cached machine code their sources have outgrown.

    Numba's cache would keep a kernel compiled against an older version of a helper
    in another module (see :mod:`engine.kernel_cache`); this runs before any kernel
    is loaded from it. Every path into the kernels comes through here or run_tiled.
    """
    global _kernels
    kernel_cache.ensure_fresh()
    from engine import kernels

    _kernels = kernels


def run_fused(args: tuple, need_weights: bool, threads: int) -> tuple[int, tuple]:
    """The fused kernel on ``threads`` threads (heads shared out): (status, result fields).

    ``args`` = (x, w_q, w_k, w_v, w_o, gate, scale_div, temperature, causal), validated.
    The fields come in AttentionResult order; without ``need_weights`` the (h, n, n)
    arrays are scratch and come back as None.
    """
    if _kernels is None:
        _load_kernels()
    x, w_q = args[0], args[1]
    h, _, d_k = w_q.shape
    n, d_model = x.shape
    dt = x.dtype
    empty = np.empty
    q, k, v = empty((h, n, d_k), dt), empty((h, n, d_k), dt), empty((h, n, d_k), dt)
    scores, logits, weights = empty((h, n, n), dt), empty((h, n, n), dt), empty((h, n, n), dt)
    head_outputs, concat, output = empty((h, n, d_k), dt), empty((n, h * d_k), dt), empty((n, d_model), dt)
    outs = (q, k, v, scores, logits, weights, head_outputs, concat)
    if threads <= 1 or h == 1:
        if CONFIG.pack_cache_min <= w_q.size <= CONFIG.pack_cache_size and _pack_lock.acquire(blocking=False):
            try:
                status = _kernels.mha_fused(*args, 0, h, _packed(args), *outs, output, False)
            finally:
                _pack_lock.release()
        else:  # small weights, or another thread holds the packed ones: pack here
            status = _kernels.mha_fused(*args, 0, h, _NO_PACK[dt], *outs, output, False)
        if ("serial", dt) not in _ready:
            _mark_ready("serial", dt)  # "parallel" is marked once _compile has run all its paths
    else:
        status = _fused_split(args, h, min(threads, h), outs, output)
    if not need_weights:
        scores = logits = weights = None
    return status, (q, k, v, scores, logits, weights, head_outputs, concat, output)


# The serial fused kernel's packed [W_Q | W_K | W_V] of the last weights it saw, kept
# between calls (engine.kernels.refresh_packed): the app recomputes with the same weights
# far more often than it changes them (tokens, temperature, causal, head switches).
# One entry; the lock keeps a second thread from repacking it under a running kernel
# (that thread packs its own instead).
_pack_lock = threading.Lock()
_pack_entry: tuple | None = None  # (w_q.shape, dtype, saved weights, packed)
_NO_PACK = {dt: np.empty((0, 0), dt) for dt in DTYPES}  # "pack here"; never written to


def _packed(args) -> np.ndarray:
    """The packed projection weights of args' w_q, w_k, w_v (call with _pack_lock held)."""
    global _pack_entry
    w_q, w_k, w_v = args[1], args[2], args[3]
    entry = _pack_entry
    if entry is None or entry[0] != w_q.shape or entry[1] != w_q.dtype:
        h, d_model, d_k = w_q.shape
        saved = np.full(3 * w_q.size, np.nan, w_q.dtype)  # NaN equals nothing: the first call packs
        entry = (w_q.shape, w_q.dtype, saved, np.empty((d_model, 3 * h * d_k), w_q.dtype))
        _pack_entry = entry
    _kernels.refresh_packed(w_q, w_k, w_v, entry[2], entry[3])
    return entry[3]


def _fused_split(args, h, threads, outs, output) -> int:
    """Heads shared out: one contiguous range of heads per thread. Each thread adds its
    heads' share of ``concat @ w_o`` into its own output buffer; the buffers are summed.

    One task per thread because every task costs hand-offs of Python's GIL between the
    threads (10-20 us each on the reference machine), which sink finer splits.
    """
    from engine.blas import run_parallel

    bounds = [h * t // threads for t in range(threads + 1)]
    no_pack = _NO_PACK[args[0].dtype]  # each thread packs the weights of its own heads
    partial = [output] + [np.empty_like(output) for _ in range(threads - 1)]
    used = [False] * threads
    statuses = [0] * threads

    def task(i: int, worker: int) -> None:
        statuses[i] = _kernels.mha_fused(
            *args, bounds[i], bounds[i + 1], no_pack, *outs, partial[worker], used[worker]
        )
        used[worker] = True

    run_parallel(task, threads, threads)
    if not used[0]:
        output.fill(0.0)
    for p, u in zip(partial[1:], used[1:], strict=True):
        if u:
            np.add(output, p, out=output)
    return max(statuses)


def run_tiled(args: tuple, need_weights: bool, threads: int) -> tuple[int, tuple]:
    """The tiled BLAS path (materialised, or streaming without ``need_weights``)."""
    kernel_cache.ensure_fresh()  # before engine.tiles' kernels load (once per process; then ~free)
    from engine import tiled
    from engine.streaming import attention_streaming

    x, w_q, w_k, w_v, w_o = args[:5]
    if not tiled.inputs_finite(x, w_q, w_k, w_v, w_o):
        return 1, ()
    # Overflow is reported through the status as a clear error, so NumPy's warnings would only repeat it.
    with np.errstate(over="ignore", invalid="ignore"):
        if need_weights:
            return tiled.attention_materialised(*args, threads)
        return attention_streaming(*args, threads)


def _mark_ready(variant: str, dtype) -> None:
    if (variant, dtype) not in _ready:
        with _lock:
            _ready.add((variant, np.dtype(dtype)))
