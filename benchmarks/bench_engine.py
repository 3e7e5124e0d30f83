"""How fast is the engine, next to the NumPy twin, PyTorch and the machine's own matmul?

    .venv/bin/python benchmarks/bench_engine.py              # the full table (a few minutes)
    .venv/bin/python benchmarks/bench_engine.py --quick      # fewer sizes and repeats
    .venv/bin/python benchmarks/bench_engine.py --sizes 13x16x2,2048x512x8:f32 --repeats 9
    .venv/bin/python benchmarks/bench_engine.py --memory 16384   # peak memory, output only

A script, not a test. Every contestant of a size runs in one process, round-robin:
each round gives every contestant a turn (10 calls for short inputs, one for long
ones) in a fresh random order, after a pause so no one inherits another's spinning
thread pool, and a noisy neighbour slows them all alike; the table shows medians of
all calls, and ratios. PyTorch columns appear when torch is
installed (``pip install torch==2.13.0``, the CPU wheel); it is never a dependency.

Contestants, all computing the same thing from the same x and weight matrices:

- ``engine``: multi_head_attention(backend="auto"), every intermediate kept;
- ``engine-ser`` / ``engine-par``: backend "numba-serial" / "numba-parallel" (at long
  sequences "auto" is the parallel one; ``--all-backends`` shows both everywhere);
- ``engine-out``: need_weights=False (output only; streaming for long sequences);
- ``twin``: engine.reference (the NumPy twin) called directly, without validation;
- ``torch-expl``: softmax(Q K^T / sqrt(d_k)) V with the weights, projections included;
- ``torch-sdpa``: F.scaled_dot_product_attention (no weights), projections included.

The ceiling is this machine's BLAS matmul rate (2048^3, all threads) in the size's
dtype, timed as one more contestant (``matmul``) at long sequences so the same
neighbours slow it; ``%ceil`` is the engine's rate as a share of it.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import multi_head_attention  # noqa: E402
from engine.config import CONFIG, threads_in_use  # noqa: E402
from engine.reference import multi_head_attention_reference  # noqa: E402

try:
    import torch
    import torch.nn.functional as F  # noqa: N812
except ImportError:  # benchmarks run without torch: its columns are skipped
    torch = None

INTERACTIVE = [
    (4, 4, 1, "f64"),
    (8, 16, 2, "f64"),
    (13, 16, 2, "f64"),
    (16, 32, 4, "f64"),
    (16, 64, 4, "f64"),
    (32, 64, 8, "f64"),
    (32, 128, 16, "f64"),
    (64, 64, 8, "f64"),
    (64, 128, 16, "f64"),
]
LARGE = [(2048, 512, 8, "f32"), (4096, 512, 8, "f32")]
QUICK = [
    (8, 16, 2, "f64"),
    (13, 16, 2, "f64"),
    (16, 64, 4, "f64"),
    (32, 128, 16, "f64"),
    (2048, 512, 8, "f32"),
]
DTYPES = {"f32": np.float32, "f64": np.float64}
CEILING_N = 2048  # the ceiling: one 2048^3 BLAS matmul on all threads


@dataclass
class Size:
    n: int
    d_model: int
    heads: int
    dtype: str
    times: dict[str, list[float]] = field(default_factory=dict)

    @property
    def d_k(self) -> int:
        return max(1, self.d_model // self.heads)

    @property
    def label(self) -> str:
        return f"{self.n}x{self.d_model}x{self.heads} {self.dtype}"

    def ceiling(self, fallback: dict[str, float]) -> float:
        """GF/s of the BLAS matmul timed among this size's rounds, else the run's own measure."""
        if self.times.get("matmul"):
            return 2.0 * CEILING_N**3 / statistics.median(self.times["matmul"]) / 1e9
        return fallback[self.dtype]

    @property
    def flops(self) -> float:
        """Multiply-adds x 2: projections, Q K^T, weights V, output projection."""
        n, d, h, dk = self.n, self.d_model, self.heads, self.d_k
        return 2.0 * (3 * n * d * h * dk + 2 * h * n * n * dk + n * h * dk * d)


def parse_sizes(text: str) -> list[Size]:
    sizes = []
    for part in text.split(","):
        shape, _, dt = part.strip().partition(":")
        n, d, h = (int(v) for v in shape.split("x"))
        dt = dt or ("f32" if n >= 512 else "f64")
        if dt not in DTYPES:
            raise SystemExit(f"dtype must be f32 or f64, not {dt!r}")
        sizes.append(Size(n, d, h, dt))
    return sizes


def make_inputs(s: Size, seed: int = 0):
    rng = np.random.default_rng(seed)
    dt = DTYPES[s.dtype]
    x = rng.normal(size=(s.n, s.d_model)).astype(dt)
    ws = [(rng.normal(size=(s.heads, s.d_model, s.d_k)) / math.sqrt(s.d_model)).astype(dt) for _ in range(3)]
    w_o = (rng.normal(size=(s.heads * s.d_k, s.d_model)) / math.sqrt(s.heads * s.d_k)).astype(dt)
    return x, *ws, w_o


def contestants(s: Size, args) -> dict[str, object]:
    x, w_q, w_k, w_v, w_o = make_inputs(s)
    gate = np.ones(s.heads, x.dtype)
    large = s.n >= 512
    runs: dict[str, object] = {
        "engine": lambda: multi_head_attention(x, w_q, w_k, w_v, w_o, head_mask=gate),
    }
    # At long sequences "auto" is the parallel backend, so only the serial one is added
    # (up to 2048: a single thread at 4096 adds minutes and tells nothing new).
    if args.all_backends or (large and s.n <= 2048):
        runs["engine-ser"] = lambda: multi_head_attention(
            x, w_q, w_k, w_v, w_o, head_mask=gate, backend="numba-serial"
        )
    if args.all_backends:
        runs["engine-par"] = lambda: multi_head_attention(
            x, w_q, w_k, w_v, w_o, head_mask=gate, backend="numba-parallel"
        )
    if large:
        runs["engine-out"] = lambda: multi_head_attention(
            x, w_q, w_k, w_v, w_o, head_mask=gate, need_weights=False
        )
    runs["twin"] = lambda: multi_head_attention_reference(x, w_q, w_k, w_v, w_o, head_mask=gate)
    if large:  # the ceiling, timed in the same rounds so the same neighbours slow it
        a, b = (np.random.default_rng(1).normal(size=(CEILING_N, CEILING_N)).astype(x.dtype) for _ in "ab")
        c = np.empty_like(a)
        runs["matmul"] = lambda: np.matmul(a, b, out=c)
    if torch is not None and not args.no_torch:
        runs.update(torch_contestants(s, x, w_q, w_k, w_v, w_o))
    return runs


def torch_contestants(s: Size, x, w_q, w_k, w_v, w_o) -> dict[str, object]:
    n, h, dk = s.n, s.heads, s.d_k
    tx = torch.from_numpy(x)
    # (d_model, h * d_k): the usual fused layout, so each projection is one matmul.
    tq, tk, tv = (
        torch.from_numpy(np.ascontiguousarray(w.transpose(1, 0, 2).reshape(s.d_model, h * dk)))
        for w in (w_q, w_k, w_v)
    )
    to = torch.from_numpy(w_o)
    scale = 1.0 / math.sqrt(dk)

    def heads(t):  # (n, h * d_k) -> (1, h, n, d_k), as nn.MultiheadAttention lays it out
        return t.view(1, n, h, dk).transpose(1, 2)

    def merge(t):  # (1, h, n, d_k) -> (n, h * d_k)
        return t.transpose(1, 2).reshape(n, h * dk)

    def explicit():
        with torch.inference_mode():
            q, k, v = heads(tx @ tq), heads(tx @ tk), heads(tx @ tv)
            weights = torch.softmax((q @ k.transpose(-2, -1)) * scale, dim=-1)
            return merge(weights @ v) @ to, weights

    def sdpa():
        # 4-D (batch, heads, n, d_k): without the batch axis PyTorch 2.13 skips its
        # flash kernel on CPU and runs 3x slower.
        with torch.inference_mode():
            q, k, v = heads(tx @ tq), heads(tx @ tk), heads(tx @ tv)
            return merge(F.scaled_dot_product_attention(q, k, v)) @ to

    return {"torch-expl": explicit, "torch-sdpa": sdpa}


def rounds_for(s: Size, args) -> tuple[int, int]:
    """(rounds, calls per turn): long runs one call per turn, short ones a block of ten."""
    if s.n >= 512:
        block = 1
        rounds = (3 if args.quick else 5) if s.n >= 4096 else (5 if args.quick else 11)
    else:
        block = 10
        rounds = 6 if args.quick else 20
    return (args.repeats or rounds), block


def measure_size(s: Size, args) -> None:
    runs = contestants(s, args)
    for f in runs.values():  # compile, fault pages in, start thread pools
        f()
    s.times = {name: [] for name in runs}
    names = list(runs)
    rng = random.Random(len(names) * s.n)
    rounds, block = rounds_for(s, args)
    # Round-robin: every round gives each contestant one turn, in a fresh random order so
    # none always follows the same one. Idle thread pools keep spinning after a call
    # (OpenBLAS ~0.1 s, MKL's OpenMP up to 0.2 s) and on two cores slow whoever runs
    # next, so every turn starts after a pause; a turn is one call for long inputs and
    # a block of calls for short ones.
    for _ in range(rounds):
        rng.shuffle(names)
        for name in names:
            f = runs[name]
            time.sleep(args.pause)
            for _ in range(block):
                t0 = time.perf_counter()
                f()
                s.times[name].append(time.perf_counter() - t0)


def matmul_ceiling(dtype, repeats: int = 7, size: int = 2048) -> float:
    """GFLOP/s of one big BLAS matmul on all threads: what the machine can do at best."""
    rng = np.random.default_rng(1)
    a = rng.normal(size=(size, size)).astype(dtype)
    b = rng.normal(size=(size, size)).astype(dtype)
    c = np.empty_like(a)
    np.matmul(a, b, out=c)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append(time.perf_counter() - t0)
    return 2.0 * size**3 / statistics.median(times) / 1e9


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def print_table(sizes: list[Size], ceilings: dict[str, float]) -> None:
    names = []
    for s in sizes:
        names += [k for k in s.times if k not in names]
    print()
    header = ["size", *names, "GF/s", "%ceil", "eng/best", "out/sdpa"]
    rows = []
    for s in sizes:
        med = {k: statistics.median(v) for k, v in s.times.items()}
        row = [s.label] + [fmt_time(med[k]) if k in med else "-" for k in names]
        eng = med["engine"]
        rate = s.flops / eng / 1e9
        row += [f"{rate:.1f}", f"{100 * rate / s.ceiling(ceilings):.0f}%"]
        rivals = [med[k] for k in ("twin", "torch-expl") if k in med]
        row.append(f"{eng / min(rivals):.2f}" if rivals else "-")
        if "engine-out" in med and "torch-sdpa" in med:
            row.append(f"{med['engine-out'] / med['torch-sdpa']:.2f}")
        else:
            row.append("-")
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=True)) + " |")
    print()
    print(
        "Medians of round-robin turns. GF/s and %ceil: the engine (auto, with weights) against the "
        f"machine's matmul ceiling on {threads_in_use()} threads: the 'matmul' column where there is one "
        f"(timed in the same rounds), else measured before and after (f32 {ceilings['f32']:.0f} GF/s, "
        f"f64 {ceilings['f64']:.0f} GF/s). eng/best: engine / faster of twin and torch-expl "
        "(target <= 0.5 for n <= 32, <= 1 at 2048). out/sdpa: engine-out / torch-sdpa (target <= 1.3)."
    )
    for s in sizes:
        med = {k: statistics.median(v) for k, v in s.times.items()}
        if "engine-out" in med:
            rate = s.flops / med["engine-out"] / 1e9
            print(
                f"  {s.label}: engine-out {rate:.1f} GF/s = {100 * rate / s.ceiling(ceilings):.0f}% of the "
                f"matmul ceiling timed in the same rounds, {s.ceiling(ceilings):.0f} GF/s (target >= 60%)"
            )


def peak_memory(n: int, d_model: int = 512, heads: int = 8) -> None:
    """Peak extra memory of one output-only call at n tokens (float32)."""
    s = Size(n, d_model, heads, "f32")
    x, w_q, w_k, w_v, w_o = make_inputs(s)
    small = [a[: min(64, n)] if i == 0 else a for i, a in enumerate((x, w_q, w_k, w_v, w_o))]
    multi_head_attention(*small, need_weights=False)  # compile outside the measurement
    returned = (3 * heads * n * s.d_k + heads * n * s.d_k + n * heads * s.d_k + n * d_model) * 4
    hwm_before = _vm_hwm(reset=True)
    tracemalloc.start()
    t0 = time.perf_counter()
    res = multi_head_attention(x, w_q, w_k, w_v, w_o, need_weights=False)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    hwm_after = _vm_hwm()
    dense = 3 * heads * n * n * 4
    print(f"\nOutput only, n={n}, d_model={d_model}, {heads} heads, float32: {fmt_time(seconds)}")
    print(f"  peak NumPy allocations (tracemalloc): {peak / 2**20:.1f} MiB")
    print(f"  of which the returned q, k, v, head_outputs, concat, output: {returned / 2**20:.1f} MiB")
    print(f"  scratch beyond the result: {(peak - returned) / 2**20:.1f} MiB")
    if hwm_before is not None and hwm_after is not None:
        print(f"  VmHWM rise (resident memory peak): {(hwm_after - hwm_before) / 2**20:.1f} MiB")
    print(f"  (scores, logits and weights kept would take {dense / 2**30:.1f} GiB)")
    del res


def _load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:  # not on every platform
        return "unknown"


def _vm_hwm(reset: bool = False) -> int | None:
    """Peak resident set size in bytes (Linux), optionally reset to the current size first."""
    try:
        if reset:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer sizes and repeats (about a minute)")
    p.add_argument("--sizes", help="comma-separated NxDxH[:f32|f64], e.g. 13x16x2,2048x512x8:f32")
    p.add_argument("--repeats", type=int, help="rounds per size (10 calls a round if n < 512)")
    p.add_argument("--threads", type=int, help="engine and torch threads (default: all cores)")
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if installed")
    p.add_argument("--all-backends", action="store_true", help="time serial and parallel at every size")
    p.add_argument("--pause", type=float, default=0.25, help="seconds of rest before each turn")
    p.add_argument(
        "--memory", type=int, metavar="N", help="also report peak memory of an output-only run at N"
    )
    args = p.parse_args(argv)
    if args.threads:
        CONFIG.threads = args.threads
    if torch is not None:
        torch.set_num_threads(threads_in_use())
    if args.sizes:
        sizes = parse_sizes(args.sizes)
    elif args.quick:
        sizes = [Size(*t) for t in QUICK]
    else:
        sizes = [Size(*t) for t in INTERACTIVE + LARGE]
    print(
        f"bench_engine: {os.cpu_count()} CPUs, engine threads {threads_in_use()}, numpy {np.__version__}, "
        f"torch {torch.__version__ if torch is not None else 'not installed'}, load average {_load()}"
    )
    ceilings = {"f32": matmul_ceiling(np.float32), "f64": matmul_ceiling(np.float64)}
    for s in sizes:
        print(f"  timing {s.label} ...", flush=True)
        measure_size(s, args)
    again = {"f32": matmul_ceiling(np.float32), "f64": matmul_ceiling(np.float64)}
    ceilings = {k: max(ceilings[k], again[k]) for k in ceilings}  # measured before and after; the better
    print_table(sizes, ceilings)
    print(f"Load average at the end (other programs on this machine): {_load()}")
    if args.memory:
        peak_memory(args.memory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
