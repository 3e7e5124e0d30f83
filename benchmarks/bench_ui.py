"""Time from an edit to every visible view having redrawn and painted, offscreen.

    .venv/bin/python benchmarks/bench_ui.py [--repeats 100] [--layouts default,steps,...]

The main window at 1600x1000 on a 16-token sentence with 8 heads. Three edits, each
repeated ``--repeats`` times (alternating between two values so each is a real change):

- ``W_Q cell``: ``session.set_cell("w_q", 0, 0, 0, v, merge_key=...)``, as a slider drag;
- ``token``: ``session.set_tokens`` with one token changed;
- ``heads``: ``session.set_heads`` 8 <-> 7, as the head slider.

Each edit runs inside a real event loop (a zero timer, as an input event would) and is
timed until the queue is quiet: a marker event posted after it, below Qt's paint
requests (``UpdateRequest``), comes back until a whole pass of the queue delivered
nothing else. So the time covers computing, redrawing, the layouts that follow and
painting the changed regions into the window's backing store (every view paints on
the window's thread; the Lines view's raster kernel is compiled before timing starts,
so its Qt fallback is not what is measured). A second pass counts the Paint events
each view got and checks that nothing was left pending afterwards. The load average
is printed: on a shared machine other programs' work shows up in these times. So is
the time of a fixed Python loop at the start and at the end: a virtual machine's speed
can drift by half within minutes (its host's other guests), and every time here with it.

Layouts: the default (what the window opens with), each dock raised in turn (the other
dock area keeps its default tab), and every dock visible at once (untabbed, small).

Per view, the redraw slots are wrapped and timed (methods named in ``SLOTS``, the same in
old and new code, so the script can measure a checkout from before a change), and the
paint of each visible view is timed with ``grab()`` right after its redraw.

A burst: edits arriving every ``--burst-interval`` ms (a fast slider drag or a held
arrow key) for ``--burst`` edits, delivered as Qt delivers queued input: every edit
that arrived while the window was busy is handled before the event loop turns again.
The table shows how often each view redrew and that every view ends on the newest state.

A script, not a test: it prints tables (``--json FILE`` writes the numbers too).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from ui_probe import PaintCounter, SlotClock, run_in_loop  # noqa: E402

SENTENCE = "The quick brown fox saw the old dog near the river bank and ran away ."  # 16 tokens
HEADS = 8
SWAP_TOKEN = (3, ("fox", "cat"))  # token 4 alternates between these

# (module, class, redraw methods, label). Nested calls of one label are timed once.
SLOTS = [
    ("ui.attention_view", "AttentionView", ("_redraw",), "heatmap (centre)"),
    ("ui.controls", "ControlPanel", ("_on_state_changed", "_on_head_selected"), "controls"),
    ("ui.matrix_editor", "MatrixEditor", ("_redraw",), "matrices"),
    ("ui.matrix_editor", "MatricesView", ("_retitle",), "matrices"),
    ("ui.embedding_view", "EmbeddingView", ("_redraw",), "embeddings"),
    ("ui.token_editor", "TokenEditor", ("_redraw",), "tokens"),
    ("ui.lines_view", "LinesView", ("_redraw",), "lines"),
    ("ui.steps_view", "StepsView", ("_redraw",), "steps"),
    ("ui.all_heads_view", "AllHeadsView", ("_redraw", "_show_selected"), "all_heads"),
    ("ui.compare_view", "CompareView", ("_redraw",), "compare"),
    ("ui.outputs_view", "OutputsView", ("_redraw",), "outputs"),
    ("ui.context_view", "ContextView", ("_redraw",), "context"),
]
EDITS = ("W_Q cell", "token", "heads")
TARGET_MEDIAN_MS, TARGET_P95_MS = 16.0, 33.0


# --- the window ---------------------------------------------------------------------------------


def make_window(app, sentence: str, heads: int):
    from app.session import Session
    from ui.main_window import MainWindow

    session = Session()
    session.set_sentence(sentence)
    session.set_heads(heads)
    session.undo_stack.clear()
    window = MainWindow(session, remember_layout=False)
    with contextlib.suppress(ImportError):  # (a checkout from before the raster kernel)
        from ui import line_raster

        line_raster.kernels(wait=True)  # compiled (or from cache) before anything is timed
    window.resize(1600, 1000)
    window.show()
    settle(app, 0.3)
    return window


def settle(app, seconds: float = 0.1) -> None:
    """Let deferred work (dock sizing, views built after the first paint) run."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    for _ in range(3):
        app.processEvents()


def view_of(window, key: str):
    """The view in dock ``key``, built if the window builds its views lazily."""
    accessor = getattr(window, "view", None)
    return accessor(key) if accessor is not None else window.docks[key].widget()


def default_layout(window, app) -> None:
    """Every dock back in its tab stack, the first tab of each area in front."""
    for dock in window.docks.values():
        dock.show()
    for dock in window._first_docks:
        dock.raise_()
    # The first group of each area in front (matrices on the right, all heads below).
    window.docks["matrices"].raise_()
    window.docks["all_heads"].raise_()
    settle(app)


def layouts(window, app, wanted: list[str] | None):
    """(name, set-up) pairs: default, each dock raised, every dock at once."""
    keys = list(window.docks)

    def raise_(key):
        def setup():
            default_layout(window, app)
            window.docks[key].raise_()
            settle(app)

        return setup

    def all_at_once():
        from PySide6.QtCore import Qt

        default_layout(window, app)
        right = [
            k for k in keys if window.dockWidgetArea(window.docks[k]) == Qt.DockWidgetArea.RightDockWidgetArea
        ]
        bottom = [k for k in keys if k not in right]
        for area, group, orient in (
            (Qt.DockWidgetArea.RightDockWidgetArea, right, Qt.Orientation.Vertical),
            (Qt.DockWidgetArea.BottomDockWidgetArea, bottom, Qt.Orientation.Horizontal),
        ):
            first = window.docks[group[0]]
            window.addDockWidget(area, first)
            for k in group[1:]:
                window.splitDockWidget(first, window.docks[k], orient)
                first = window.docks[k]
        for dock in window.docks.values():
            dock.show()
        settle(app, 0.3)

    out = [("default", lambda: default_layout(window, app))]
    out += [(f"{k} raised", raise_(k)) for k in keys]
    out.append(("every dock at once", all_at_once))
    if wanted:
        out = [(n, f) for n, f in out if n in wanted or n.split()[0] in wanted]
    return out


def visible_views(window) -> dict[str, object]:
    found = {"heatmap (centre)": window.attention_view, "controls": window.controls}
    for key, dock in window.docks.items():
        widget = dock.widget()
        if widget is not None and widget.isVisible() and not widget.visibleRegion().isEmpty():
            found[key] = widget
    return found


# --- the edits ----------------------------------------------------------------------------------


def edit_functions(session):
    tokens = list(session.state.tokens)
    at, (a, b) = SWAP_TOKEN

    def cell(i):
        session.set_cell("w_q", 0, 0, 0, 0.5 + 0.25 * (i % 2), merge_key="cell:w_q:(0, 0)")

    def token(i):
        changed = list(tokens)
        changed[at] = b if i % 2 == 0 else a
        session.set_tokens(changed)

    def heads(i):
        session.set_heads(HEADS - 1 if i % 2 == 0 else HEADS)

    return {"W_Q cell": cell, "token": token, "heads": heads}


def reset_state(session) -> None:
    """The same starting point before each series: the sentence, 8 heads, W_Q[0,0,0] = 0.5."""
    session.set_sentence(SENTENCE)
    session.set_heads(HEADS)
    session.set_cell("w_q", 0, 0, 0, 0.5)
    session.end_merge()


def reference_loop_ms() -> float:
    """The fastest of three runs of a fixed pure-Python loop (3 million additions), in ms."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return 1e3 * best


def percentile(values, q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def measure_layout(app, window, clock: SlotClock, repeats: int, warmup: int = 5) -> dict:
    """Per edit: latencies, slot ms and calls per edit, paint counts per edit, view paint ms."""
    session = window.session
    edits = edit_functions(session)
    out = {}
    for name in EDITS:
        edit = edits[name]
        reset_state(session)
        settle(app, 0.02)
        for i in range(warmup):
            run_in_loop(lambda i=i, edit=edit: edit(i))
        clock.reset()
        gc.collect()
        times = []
        for i in range(repeats):
            times.append(run_in_loop(lambda i=i, edit=edit: edit(i)))
        slot_ms = {k: 1e3 * v / repeats for k, v in clock.seconds.items()}
        slot_calls = {k: v / repeats for k, v in clock.calls.items()}

        # Second pass: paints per view per edit, leftovers, and each visible view's paint time.
        counter = PaintCounter(window)
        app.installEventFilter(counter)
        leftovers = 0
        passes = max(5, repeats // 10)
        for i in range(passes):
            run_in_loop(lambda i=i, edit=edit: edit(i + repeats))
            before = sum(counter.counts.values())
            app.processEvents()
            leftovers += sum(counter.counts.values()) - before
        app.removeEventFilter(counter)
        paints = {k: v / passes for k, v in counter.counts.items()}
        paint_ms: dict[str, list[float]] = defaultdict(list)
        full_ms = []
        for i in range(passes):
            run_in_loop(lambda i=i, edit=edit: edit(i + 2 * repeats))
            start = time.perf_counter()
            window.repaint()
            full_ms.append(1e3 * (time.perf_counter() - start))
        for i in range(passes):
            edit(i + 3 * repeats)  # outside the loop: views redraw at once, nothing painted yet
            app.sendPostedEvents()  # (in case they deferred anyway)
            for key, view in visible_views(window).items():
                start = time.perf_counter()
                view.grab()
                paint_ms[key].append(1e3 * (time.perf_counter() - start))
            app.processEvents()
        out[name] = {
            "ms": [1e3 * t for t in times],
            "median": 1e3 * statistics.median(times),
            "p95": 1e3 * percentile(times, 95),
            "slot_ms": slot_ms,
            "slot_calls": slot_calls,
            "paints": paints,
            "leftover_paints": leftovers,
            "paint_ms": {k: statistics.median(v) for k, v in paint_ms.items()},
            "full_repaint_ms": statistics.median(full_ms),
        }
    reset_state(session)
    settle(app, 0.02)
    return out


# --- the burst ----------------------------------------------------------------------------------


def measure_burst(app, window, clock: SlotClock, count: int, interval_ms: float) -> dict:
    """``count`` W_Q edits arriving every ``interval_ms``; every due edit handled before the next turn."""
    session = window.session
    reset_state(session)
    settle(app, 0.05)
    values = [round(0.5 + 0.01 * (i + 1), 4) for i in range(count)]
    clock.reset()
    loop = QEventLoop()
    state = {"next": 0, "turns": 0}
    start = time.perf_counter()

    def tick():
        state["turns"] += 1
        due = min(count, int((time.perf_counter() - start) * 1e3 / interval_ms) + 1)
        while state["next"] < due:
            session.set_cell("w_q", 0, 0, 0, values[state["next"]], merge_key="cell:w_q:(0, 0)")
            state["next"] += 1
        if state["next"] >= count:
            timer.stop()
            QTimer.singleShot(0, loop.quit)

    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(tick)
    timer.start()
    loop.exec()
    # Whatever is still pending runs now; the time until the window is idle again.
    elapsed = time.perf_counter() - start + run_in_loop(lambda: None)
    session.end_merge()
    newest = values[-1]
    checks = newest_state_checks(window, newest)
    result = {
        "edits": count,
        "interval_ms": interval_ms,
        "event_loop_turns": state["turns"],
        "seconds": elapsed,
        "redraws": dict(clock.calls),
        "newest": checks,
    }
    reset_state(session)
    settle(app, 0.02)
    return result


def newest_state_checks(window, newest: float) -> dict[str, bool]:
    """Does each visible view show the newest W_Q[0,0,0] (and its result)?"""
    session = window.session
    res = session.result
    checks = {"session": bool(session.state.w_q[0, 0, 0] == newest)}
    checks["heatmap (centre)"] = bool(
        np.array_equal(window.attention_view.heatmap.values, res.weights[window.selection.head])
    )
    shown = visible_views(window)
    if "matrices" in shown:
        editor = shown["matrices"].editors["w_q"]
        checks["matrices"] = bool(editor.grid.values[0, 0] == newest)
    if "all_heads" in shown:
        cells = shown["all_heads"].cells
        checks["all_heads"] = all(np.array_equal(c.image.image, res.weights[h]) for h, c in enumerate(cells))
    if "lines" in shown:
        lines = shown["lines"].canvas.lines
        checks["lines"] = bool(
            np.array_equal(lines.weights, res.weights[lines.heads, lines.queries, lines.keys])
        )
    if "outputs" in shown:
        checks["outputs"] = bool(np.array_equal(shown["outputs"].output_plot.values, res.output))
    if "compare" in shown:
        checks["compare"] = bool(
            np.array_equal(shown["compare"].multi.heatmap.values, res.weights[window.selection.head])
        )
    if "steps" in shown:
        checks["steps"] = bool(
            np.array_equal(shown["steps"].steps.weights, res.weights[window.selection.head, 0])
        )
    return checks


# --- tables -------------------------------------------------------------------------------------


def latency_table(results: dict, repeats: int) -> str:
    lines = [
        f"Edit -> every visible view redrawn and painted (ms), n=16 tokens, {HEADS} heads, "
        f"{repeats} edits each, offscreen 1600x1000",
        f"targets: median <= {TARGET_MEDIAN_MS:.0f} ms, p95 <= {TARGET_P95_MS:.0f} ms; "
        "'full' = one forced window.repaint() afterwards (every widget, not only the changed ones)",
        "",
        f"{'layout':<24}" + "".join(f"{e + ' med/p95':>20}{'full':>7}" for e in EDITS) + "  met",
    ]
    for layout, per_edit in results.items():
        row = f"{layout:<24}"
        met = True
        for e in EDITS:
            r = per_edit[e]
            row += f"{r['median']:>11.1f} / {r['p95']:>5.1f}{r['full_repaint_ms']:>7.1f}"
            met &= r["median"] <= TARGET_MEDIAN_MS and r["p95"] <= TARGET_P95_MS
        lines.append(row + ("  yes" if met else "  NO"))
    return "\n".join(lines)


def cost_table(results: dict, top: int = 6) -> str:
    """Which views cost the most: redraw slot ms per edit and paint (grab) ms, per layout."""
    lines = [
        "",
        "Costliest views per edit (redraw slot ms x calls per edit | paint ms of a visible view):",
        "",
    ]
    for layout, per_edit in results.items():
        for e in EDITS:
            r = per_edit[e]
            keys = set(r["slot_ms"]) | set(r["paint_ms"])
            ranked = sorted(keys, key=lambda k: -(r["slot_ms"].get(k, 0.0) + r["paint_ms"].get(k, 0.0)))
            parts = []
            for k in ranked[:top]:
                slot = r["slot_ms"].get(k, 0.0)
                calls = r["slot_calls"].get(k, 0.0)
                paint = r["paint_ms"].get(k)
                parts.append(f"{k} {slot:.1f}x{calls:.0f}" + (f"|{paint:.1f}" if paint is not None else ""))
            unpainted = [
                k for k in r["paint_ms"] if r["paints"].get(k, 0) == 0 and r["slot_calls"].get(k, 0) > 0
            ]
            note = f"  (redrawn, no paint: {', '.join(unpainted)})" if unpainted else ""
            left = f"  leftover paints {r['leftover_paints']}" if r["leftover_paints"] else ""
            lines.append(f"{layout:<22} {e:<9} " + ", ".join(parts) + note + left)
    return "\n".join(lines)


def burst_table(bursts: dict) -> str:
    lines = [""]
    for layout, b in bursts.items():
        redraws = ", ".join(f"{k} {v}" for k, v in sorted(b["redraws"].items()))
        stale = [k for k, ok in b["newest"].items() if not ok]
        lines.append(
            f"Burst ({layout}): {b['edits']} W_Q edits arriving every {b['interval_ms']:g} ms, handled in "
            f"{b['event_loop_turns']} event-loop turns, {1e3 * b['seconds']:.0f} ms until idle"
        )
        lines.append(f"  redraws per view: {redraws}")
        lines.append(
            "  newest state shown by every visible view: "
            + ("yes" if not stale else f"NO ({', '.join(stale)})")
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=100, help="timed edits per edit kind and layout")
    p.add_argument("--layouts", help="comma-separated: default, <dock key> (raised), every")
    p.add_argument("--burst", type=int, default=50, help="edits in the burst")
    p.add_argument("--burst-interval", type=float, default=1.0, help="ms between the burst's edits")
    p.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = p.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    speed_before = reference_loop_ms()
    clock = SlotClock()
    clock.install(SLOTS)
    window = make_window(app, SENTENCE, HEADS)
    assert len(window.session.state.tokens) == 16, window.session.state.tokens
    wanted = args.layouts.split(",") if args.layouts else None
    results, bursts = {}, {}
    with contextlib.suppress(KeyboardInterrupt):
        for name, setup in layouts(window, app, wanted):
            setup()
            results[name] = measure_layout(app, window, clock, args.repeats)
            if name in ("default", "every dock at once"):
                bursts[name] = measure_burst(app, window, clock, args.burst, args.burst_interval)
            print(f"measured: {name}", file=sys.stderr, flush=True)
    if load_before is not None:
        after = os.getloadavg()
        print(
            f"load average (1 min) {load_before[0]:.2f} at the start, {after[0]:.2f} at the end, "
            f"{os.cpu_count()} cores"
        )
    print(
        f"machine speed: a fixed Python loop took {speed_before:.0f} ms at the start, "
        f"{reference_loop_ms():.0f} ms at the end (slower machine, slower edits)\n"
    )
    print(latency_table(results, args.repeats))
    print(cost_table(results))
    print(burst_table(bursts))
    if args.json:
        args.json.write_text(json.dumps({"latency": results, "bursts": bursts}, indent=1), encoding="utf-8")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
