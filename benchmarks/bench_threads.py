"""Would a second core speed up the interactive sizes? Fork-join against the serial kernel.

    .venv/bin/python benchmarks/bench_threads.py                  # all sizes, both loads (~6 min)
    .venv/bin/python benchmarks/bench_threads.py --sizes 32x128x16 --rounds 20

At n <= 64 tokens the fused kernel (:mod:`engine.kernels`) takes 50-400 us on one core,
and the engine runs it serially ("auto" below ``CONFIG.parallel_min_work``). This
script measures what the ways of sharing that work between two cores would cost and
save, so the choice rests on numbers from this machine:

- ``serial``: ``multi_head_attention(backend="numba-serial")``, what "auto" runs;
- ``py-threads``: ``backend="numba-parallel"``: the heads split between the engine's
  Python worker threads (:mod:`engine.blas`), each running the nogil kernel;
- ``omp-spin`` / ``omp-passive`` / ``workqueue``: the same split in ONE Numba
  ``prange`` launch (defined here, not in the engine) on Numba's OpenMP threading
  layer with spinning idle threads (libgomp's default), with sleeping idle threads
  (``OMP_WAIT_POLICY=passive``), and on Numba's own workqueue layer.

Numba fixes its threading layer once per process, so each prange variant runs in a
child process (this script with ``--child``). Every variant is timed in rounds of a
pause (as after a slider step) then ten calls, and under two loads: ``quiet``, and
``busy``, where one more process spins on the other core (a browser, a second app,
the test suite), which is when a fork-join waits for a descheduled thread. The table
shows the median and the 95th percentile: a stall shows in the second.

A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = "16x64x4,32x64x8,32x128x16"
VARIANTS = {  # name -> environment of the child process that times it
    "serial": {},
    "py-threads": {},
    "omp-spin": {"NUMBA_THREADING_LAYER": "omp"},
    "omp-passive": {"NUMBA_THREADING_LAYER": "omp", "OMP_WAIT_POLICY": "passive"},
    "workqueue": {"NUMBA_THREADING_LAYER": "workqueue"},
}


def _spin(stop) -> None:  # the "busy" load: one core's worth of work until told to stop
    while not stop.is_set():
        sum(range(10_000))


def _inputs(n: int, d_model: int, heads: int):
    rng = np.random.default_rng(0)
    d_k = d_model // heads
    x = rng.normal(size=(n, d_model))
    ws = [rng.normal(size=(heads, d_model, d_k)) / np.sqrt(d_model) for _ in range(3)]
    w_o = rng.normal(size=(heads * d_k, d_model)) / np.sqrt(heads * d_k)
    return x, *ws, w_o


def _prange_runner(x, w_q, w_k, w_v, w_o):
    """The heads split in two halves in one prange launch; each half adds its share of the output."""
    import numba
    from numba import njit, prange

    from engine.kernels import mha_fused, pack_qkv

    @njit(parallel=True, nogil=True)
    def split(
        x, w_q, w_k, w_v, w_o, gate, scale_div, packs, q, k, v, scores, logits, weights, ho, concat, partial
    ):
        h = w_q.shape[0]
        parts = partial.shape[0]
        status = np.zeros(parts, np.int64)
        for t in prange(parts):
            h0, h1 = h * t // parts, h * (t + 1) // parts
            status[t] = mha_fused(
                x, w_q, w_k, w_v, w_o, gate, scale_div, 1.0, False, h0, h1, packs[t],
                q, k, v, scores, logits, weights, ho, concat, partial[t], False,
            )  # fmt: skip
        return status.max(), partial.sum(axis=0)

    numba.set_num_threads(2)
    h, d_model, d_k = w_q.shape
    n = x.shape[0]
    packs = np.empty((2, d_model, 3 * (h // 2) * d_k))
    for t in range(2):  # packed once, as the engine's serial path keeps its packed weights
        pack_qkv(w_q, w_k, w_v, h * t // 2, h * (t + 1) // 2, packs[t])
    gate = np.ones(h)

    def run():
        e = np.empty
        outs = [e((h, n, d_k)) for _ in range(3)] + [e((h, n, n)) for _ in range(3)]
        outs += [e((h, n, d_k)), e((n, h * d_k)), e((2, n, d_model))]
        return split(x, w_q, w_k, w_v, w_o, gate, np.sqrt(d_k), packs, *outs)

    return run


def child(variant: str, sizes: list[tuple[int, int, int]], rounds: int, pause: float) -> dict:
    from engine import multi_head_attention

    out = {}
    for n, d_model, heads in sizes:
        x, w_q, w_k, w_v, w_o = _inputs(n, d_model, heads)
        if variant in ("serial", "py-threads"):
            backend = "numba-serial" if variant == "serial" else "numba-parallel"

            def run(backend=backend, args=(x, w_q, w_k, w_v, w_o)):
                return multi_head_attention(*args, backend=backend)
        else:
            run = _prange_runner(x, w_q, w_k, w_v, w_o)
            expected = multi_head_attention(x, w_q, w_k, w_v, w_o, backend="numba-serial").output
            if not np.allclose(run()[1], expected, rtol=1e-10, atol=1e-12):
                raise SystemExit(f"{variant}: the split kernel disagrees with the serial one")
        run()
        times = []
        for _ in range(rounds):
            time.sleep(pause)
            for _ in range(10):
                t0 = time.perf_counter()
                run()
                times.append(time.perf_counter() - t0)
        if variant not in ("serial", "py-threads"):
            import numba

            layer = numba.threading_layer()
            if layer != VARIANTS[variant]["NUMBA_THREADING_LAYER"]:
                raise SystemExit(f"{variant}: Numba chose the {layer} threading layer")
        out[f"{n}x{d_model}x{heads}"] = [float(np.median(times)), float(np.percentile(times, 95))]
    return out


def run_child(variant: str, args) -> dict:
    env = dict(os.environ, **VARIANTS[variant])
    cmd = [sys.executable, __file__, "--child", variant, "--sizes", args.sizes]
    cmd += ["--rounds", str(args.rounds), "--pause", str(args.pause)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def fmt(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} us" if seconds < 1e-3 else f"{seconds * 1e3:.1f} ms"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default=SIZES, help="n x d_model x heads, comma-separated (float64)")
    p.add_argument("--rounds", type=int, default=15, help="rounds of a pause then ten calls")
    p.add_argument("--pause", type=float, default=0.05, help="seconds of rest before each round")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    if args.child:
        print(json.dumps(child(args.child, sizes, args.rounds, args.pause)))
        return 0

    print(f"bench_threads: {os.cpu_count()} CPUs, pause {args.pause} s then 10 calls, {args.rounds} rounds")
    results = {}
    for load in ("quiet", "busy"):
        stop = multiprocessing.Event()
        hog = multiprocessing.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
        if hog:
            hog.start()
        try:
            for variant in VARIANTS:
                print(f"  {load}: {variant} ...", file=sys.stderr, flush=True)
                results[(load, variant)] = run_child(variant, args)
        finally:
            if hog:
                stop.set()
                hog.join()

    print("\nmedian / p95 per call; ratio = median / serial's median under the same load\n")
    for load in ("quiet", "busy"):
        print(f"{load}:")
        header = f"  {'variant':<12}" + "".join(f"{s:>30}" for s in args.sizes.split(","))
        print(header)
        base = results[(load, "serial")]
        for variant in VARIANTS:
            got = results[(load, variant)]
            cells = []
            for size in args.sizes.split(","):
                if "error" in got:
                    cells.append(f"{'failed: ' + ' '.join(got['error'])[:20]:>30}")
                    continue
                med, p95 = got[size]
                ratio = med / base[size][0] if "error" not in base else float("nan")
                cells.append(f"{fmt(med) + ' / ' + fmt(p95) + f' ({ratio:.2f}x)':>30}")
            print(f"  {variant:<12}" + "".join(cells))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
