"""``--self-test``: is this installation complete and computing right?

Meant for the frozen executable above all (``attention-lab --self-test``), where a
missing library, plugin or resource shows up only at run time. It

1. compiles the Numba kernels, or loads them from the per-user cache, as the app's
   start-up warm-up does, and says which (Numba's own hit and miss counters decide)
   and how long it took;
2. computes attention for several sessions (and every preset) with the Numba
   kernels, the parallel one too where the engine has one, and compares every field
   with the NumPy twin; then starts Numba's threading layer and names it;
3. compiles the Lines view's kernel and paints one line with it;
4. opens the main window offscreen, renders it to a PNG in a temporary folder and
   checks that the image is not blank and that the heatmap carries the tokens.

It writes nothing outside that temporary folder except Numba's cache, which is the
point. :func:`run_self_test` returns a :class:`SelfTestReport`; :func:`main` prints its
one-line verdict and returns the exit status.

(The hidden ``--quit-after-first-paint`` flag that times start-up is
:mod:`ui.first_paint`: it must not import numpy, which this module does.)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FIELDS = ("q", "k", "v", "scores", "logits", "weights", "head_outputs", "concat", "output")
# The kernels and the twin add in different orders; this is the engine tests' bound.
RTOL, ATOL = 1e-10, 1e-12
ONE_TOKEN_SENTENCE = "Attention"
SHORT_SENTENCE = "The red car"


@dataclass
class SelfTestReport:
    """What the self-test found; ``verdict`` is the one line it prints."""

    checks: int = 0
    failures: list[str] = field(default_factory=list)
    numba_status: str = "not run"  # "compiled", "from cache", "already compiled", ...
    numba_seconds: float = float("nan")
    threading_layer: str = "unknown"
    screenshot_size: tuple[int, int] = (0, 0)

    @property
    def passed(self) -> bool:
        return self.checks > 0 and not self.failures

    @property
    def verdict(self) -> str:
        if not self.passed:
            first = self.failures[0] if self.failures else "no checks ran"
            more = f" (and {len(self.failures) - 1} more)" if len(self.failures) > 1 else ""
            return f"self-test: FAILED: {first}{more}"
        if self.numba_status == "already compiled":
            kernels = "numba kernels already compiled in this process"
        else:
            kernels = f"numba kernels {self.numba_status} in {self.numba_seconds:.2f} s"
        return f"self-test: passed ({self.checks} checks, {kernels}, threading layer {self.threading_layer})"

    def check(self, ok: bool, failure: str) -> bool:
        self.checks += 1
        if not ok:
            self.failures.append(failure)
        return ok


# --- the engine -------------------------------------------------------------------------------


def _engine_dispatchers() -> dict[str, object]:
    """Every Numba-compiled function the engine has defined so far, by qualified name."""
    from numba.core.dispatcher import Dispatcher

    found = {}
    for modname, module in list(sys.modules.items()):
        if module is None or not (modname == "engine" or modname.startswith("engine.")):
            continue
        for obj in list(vars(module).values()):
            if isinstance(obj, Dispatcher) and getattr(obj.py_func, "__module__", None) == modname:
                found[f"{modname}.{obj.py_func.__qualname__}"] = obj
    return found


def _cache_counts() -> dict[str, tuple[int, int, int]]:
    """(compiled signatures, cache hits, cache misses) of every engine kernel."""
    return {
        name: (len(d.signatures), sum(d.stats.cache_hits.values()), sum(d.stats.cache_misses.values()))
        for name, d in _engine_dispatchers().items()
    }


def _numba_backends() -> list[str]:
    """ "numba" (the size-chosen kernel), plus the parallel kernel where the engine has one."""
    from engine import multi_head_attention

    found = ["numba"]
    x, w = np.ones((1, 1)), np.ones((1, 1, 1))
    try:
        multi_head_attention(x, w, w, w, np.ones((1, 1)), backend="numba-parallel")
    except ValueError as exc:
        if "backend" not in str(exc):
            raise
    else:
        found.append("numba-parallel")
    return found


def _threading_layer() -> str:
    """The threading layer Numba uses, starting it if no parallel kernel has run yet."""
    import numba

    try:
        return numba.threading_layer()
    except ValueError:  # not started yet
        from numba.np.ufunc import parallel

        parallel._launch_threads()
        return numba.threading_layer()


def _sessions():
    """(name, Session) pairs covering the settings the app opens with and edits most."""
    from app.session import Session

    default = Session()
    heads = Session()
    heads.set_heads(4)
    causal = Session()
    causal.set_causal(True)
    no_positions = Session()
    no_positions.set_positions("none")
    return [
        ("default session", default),
        ("4 heads", heads),
        ("causal mask", causal),
        ("positions off", no_positions),
        ("1-token sentence", Session(sentence=ONE_TOKEN_SENTENCE)),
        (repr(SHORT_SENTENCE), Session(sentence=SHORT_SENTENCE)),
    ]


def _preset_inputs(source):
    """(name, state, x) for every preset, if this build has presets; else nothing."""
    try:
        from app import presets
    except ImportError:
        return []
    slugs = getattr(presets, "preset_slugs", None)
    get = getattr(presets, "get_preset", None)
    to_state = getattr(presets, "preset_state", None)
    if not (callable(slugs) and callable(get) and callable(to_state)):
        return []
    found = []
    for slug in slugs():
        state = to_state(get(slug), source.tokenize, source.feature_names)
        x = source.embed(state.tokens, state.d_model, state.positions, state.position_scale).x
        found.append((f"preset {slug!r}", state, x))
    return found


def _compare(report: SelfTestReport, name: str, state, x, backend: str) -> None:
    from engine import multi_head_attention

    kw = {
        "scale": state.scale,
        "causal": state.causal,
        "temperature": state.temperature,
        "head_mask": state.head_mask,
    }
    args = (x, state.w_q, state.w_k, state.w_v, state.w_o)
    got = multi_head_attention(*args, backend=backend, **kw)
    want = multi_head_attention(*args, backend="numpy", **kw)
    problems = []
    if not got.backend.startswith("numba"):
        problems.append(f"computed by {got.backend}")
    for f in FIELDS:
        a, b = getattr(got, f), getattr(want, f)
        if a.shape != b.shape or a.dtype != b.dtype:
            problems.append(f"{f} is {a.dtype}{a.shape}, the twin's {b.dtype}{b.shape}")
        elif not np.allclose(a, b, rtol=RTOL, atol=ATOL):
            with np.errstate(invalid="ignore"):
                worst = float(np.nanmax(np.abs(np.where(np.isfinite(b), a - b, 0.0))))
            problems.append(f"{f} differs from the NumPy twin by up to {worst:.3g}")
    report.check(not problems, f"{name}, {backend}: {'; '.join(problems)}")


def _check_engine(report: SelfTestReport) -> None:
    import engine.kernels  # noqa: F401 - imported first: importing numba is not compiling
    from app.source import default_source
    from engine import backend, multi_head_attention

    before = _cache_counts()
    start = time.perf_counter()
    # What the app does at start-up: every kernel variant, compiled or loaded on a
    # thread (so a later launch finds all of them in the cache, float32 included).
    backend.start_warmup().join()
    x, w = np.ones((1, 1)), np.ones((1, 1, 1))
    multi_head_attention(x, w, w, w, np.ones((1, 1)), backend="numba")
    backends = _numba_backends()
    report.numba_seconds = time.perf_counter() - start
    failed = backend.failures()
    report.check(not failed, f"Numba kernels failed to compile: {failed}")

    named = [(name, s.snapshot.state, s.snapshot.embedded.x) for name, s in _sessions()]
    named += _preset_inputs(default_source())
    for name, state, x in named:
        for chosen in backends:
            _compare(report, name, state, x, chosen)

    after = _cache_counts()
    hits = sum(a[1] - before.get(k, (0, 0, 0))[1] for k, a in after.items())
    misses = sum(a[2] - before.get(k, (0, 0, 0))[2] for k, a in after.items())
    if misses:
        report.numba_status = "compiled"
    elif hits:
        report.numba_status = "from cache"
    elif any(c[0] for c in before.values()):
        report.numba_status = "already compiled"
    else:
        report.numba_status = "compiled (cache off)"
    report.check(bool(after), "no Numba kernels were found in the engine")

    report.threading_layer = _threading_layer()
    report.check(
        report.threading_layer in ("omp", "tbb", "workqueue"),
        f"unknown Numba threading layer {report.threading_layer!r}",
    )


def _check_lines(report: SelfTestReport) -> None:
    """The Lines view's kernel compiles (without it the view falls back to Qt's drawing,
    ten times slower, with no error to see) and paints a line where it should."""
    from ui import line_raster

    line_raster.kernels(wait=True)
    if not report.check(
        not line_raster._failed, "the Lines view's kernel (ui/line_raster.py) did not compile"
    ):
        return
    one = np.ones(1)
    words = line_raster.paint(
        (9, 40), 0.0, 40.0, one * 4.5, one * 4.5, one * 3, one < 0, np.zeros((1, 3)), one
    )
    report.check(
        words is not None and (words[4] & 0xFF).max() < 10 and (words[0] & 0xFF).min() == 255,
        "the Lines view's kernel painted a wrong picture",
    )


# --- the window -------------------------------------------------------------------------------


def _distinct_colours(image) -> int:
    from PySide6.QtGui import QImage

    img = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = img.width(), img.height()
    if w == 0 or h == 0:
        return 0
    raw = np.frombuffer(img.constBits(), dtype=np.uint32, count=img.bytesPerLine() * h // 4)
    pixels = raw.reshape(h, img.bytesPerLine() // 4)[:, :w]
    return len(np.unique(pixels))


def _check_window(report: SelfTestReport, app, folder: Path) -> None:
    from PySide6.QtGui import QImage

    from app.resources import resource_path
    from app.session import Session
    from ui.main_window import MainWindow

    icon = QImage(str(resource_path("icons", "attention-lab-256.png")))
    report.check(not icon.isNull(), "the bundled icon could not be read (resources or image plugins)")

    session = Session()
    window = MainWindow(session, remember_layout=False)
    try:
        window.resize(1280, 800)
        window.show()
        window.build_views()  # every view, not only the tabs in front: each must build
        for _ in range(5):
            app.processEvents()
        missing = [key for key, dock in window.docks.items() if dock.widget() is None]
        report.check(not missing, f"these views could not be built: {', '.join(missing)}")
        path = folder / "window.png"
        saved = window.grab().save(str(path))
        image = QImage(str(path))
        report.screenshot_size = (image.width(), image.height())
        report.check(
            saved and not image.isNull() and _distinct_colours(image) >= 16,
            "the rendered main window is blank",
        )
        heatmap = window.attention_view.heatmap
        tokens = tuple(session.state.tokens)
        report.check(
            tuple(heatmap.row_labels()) == tokens and tuple(heatmap.column_labels()) == tokens,
            f"the heatmap's labels {heatmap.row_labels()!r} are not the tokens {tokens!r}",
        )
        report.check(_distinct_colours(heatmap.grab().toImage()) >= 8, "the heatmap shows no coloured cells")
        # ui/__init__ configures pyqtgraph through an import hook when it is first
        # imported; a frozen app's importer is where such a hook could be skipped.
        import pyqtgraph

        report.check(
            pyqtgraph.getConfigOption("imageAxisOrder") == "row-major",
            "pyqtgraph was not configured: heatmaps would be drawn transposed",
        )
        session.set_sentence(SHORT_SENTENCE)
        app.processEvents()
        expected = tuple(SHORT_SENTENCE.split())
        report.check(
            tuple(heatmap.row_labels()) == expected and np.shape(heatmap.values) == (3, 3),
            f"after typing {SHORT_SENTENCE!r} the heatmap shows {heatmap.row_labels()!r}",
        )
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


# --- entry points -----------------------------------------------------------------------------

_app_ref = None  # a QApplication this module created lives as long as the process


def _application():
    global _app_ref
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = _app_ref = QApplication(sys.argv[:1])
        app.setOrganizationName("AttentionLab")
        app.setApplicationName("Attention Lab")
    return app


def run_self_test() -> SelfTestReport:
    """Run every check; never raises (an exception becomes a failure)."""
    report = SelfTestReport()
    try:
        app = _application()
        _check_engine(report)
        _check_lines(report)
        with tempfile.TemporaryDirectory(prefix="attention-lab-selftest-") as tmp:
            _check_window(report, app, Path(tmp))
    except Exception as exc:  # noqa: BLE001 - the verdict must name it, not a traceback
        where = traceback.extract_tb(exc.__traceback__)[-1]
        report.failures.append(f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})")
    return report


_message_handler = None


def _hide_offscreen_noise() -> None:
    """Drop the offscreen platform's "no window manager" warning; pass on every other."""
    global _message_handler
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode, context, message):
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    _message_handler = handler
    previous = qInstallMessageHandler(handler)


def main() -> int:
    """Print the one-line verdict; 0 only if every check passed."""
    _hide_offscreen_noise()
    report = run_self_test()
    for failure in report.failures[1:]:
        print(f"  also failed: {failure}", file=sys.stderr)
    print(report.verdict, flush=True)
    return 0 if report.passed else 1
