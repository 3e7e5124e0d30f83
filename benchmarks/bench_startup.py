"""Time to the first window: Attention Lab from source and frozen, against bare Qt.

    python3 lab.py bench bench_startup.py [--runs 5] [--frozen dist/AttentionLab/attention-lab]
    .venv/bin/python benchmarks/bench_startup.py --platform offscreen

Each variant is launched ``--runs`` times (after one untimed launch that warms the
disk cache and, from source, writes the .pyc files), the variants taking turns so a
busy moment on the machine slows all of them alike, from a fresh working folder, with
``--quit-after-first-paint``: the app prints ``first-paint: S s`` (seconds since the
top of main.py) when its main window first paints, and exits at once. Two times are
reported, as medians:

- launch -> paint: from starting the process to reading that line; what a person
  waits for, and the fair comparison for the frozen app (whose bootloader runs
  before main.py);
- main.py -> paint: the part spent in our code and the libraries it imports.

Each variant's median is also given as a multiple of the bare window's (the target
is 1.5x at most). Run it on a quiet machine: other work slows the app, which imports
more, more than the bare window.

Variants: a bare PySide6 QMainWindow (the floor), the app from source with a cold
Numba cache (a fresh cache folder each launch: the window must not wait for the
compiler) and with a warm one, and the frozen app (default dist/AttentionLab, if
built) with a warm and a cold cache. "Warm" means a ``--self-test`` run filled that
cache first. The window is real: on Linux without a display the script starts its own
Xvfb (``--platform xcb``, the default when Xvfb is installed) or uses Qt's offscreen
platform. Nothing is written outside a temporary folder: caches and settings are
redirected there.

A script, not a test: it prints a table (and ``--json FILE`` writes the numbers).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"
DEFAULT_FROZEN = (
    ROOT / "dist" / "AttentionLab" / ("attention-lab.exe" if os.name == "nt" else "attention-lab")
)
FLAG = "--quit-after-first-paint"

# The floor: a QMainWindow with nothing in it, timed the same way as the app.
BARE_QT = r"""
import time
STARTED = time.perf_counter()
import os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("bare PySide6"))
window.resize(1600, 1000)

def report():
    print(f"first-paint: {time.perf_counter() - STARTED:.3f} s", flush=True)
    os._exit(0)

class FirstPaint(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if not self.seen and event.type() == QEvent.Type.Paint and getattr(obj, "window", None) \
                and obj.window() is window:
            self.seen = True
            QTimer.singleShot(0, report)
        return False

f = FirstPaint(app)
app.installEventFilter(f)
window.show()
app.exec()
"""


@dataclass
class Variant:
    name: str
    command: list[str]
    cache: str  # "cold": a fresh Numba cache per launch; "warm": one, filled first; "none"
    prewarm: list[str] | None = None  # command that fills the warm cache
    wall: list[float] = field(default_factory=list)
    inner: list[float] = field(default_factory=list)
    error: str = ""

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall) if self.wall else float("nan")

    @property
    def inner_median(self) -> float:
        return statistics.median(self.inner) if self.inner else float("nan")


@contextlib.contextmanager
def virtual_display(platform: str):
    """Yield the environment for the Qt platform: a display for xcb (our own Xvfb if needed)."""
    if platform == "offscreen" or not sys.platform.startswith("linux"):
        yield {"QT_QPA_PLATFORM": platform} if sys.platform.startswith("linux") else {}
        return
    if os.environ.get("DISPLAY"):
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": os.environ["DISPLAY"]}
        return
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        raise SystemExit("No display and no Xvfb: install xvfb, or pass --platform offscreen.")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise SystemExit("Xvfb did not start.")
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": f":{number}"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def clean_env(extra: dict, cache: Path, config: Path, numba_cache: Path | None = None) -> dict:
    """The launch environment: no inherited Numba or Python settings, private folders.

    ``numba_cache`` (a fresh folder for a cold launch) moves only Numba's cache, so the
    rest of the cache folder (fontconfig's, for one) stays warm like a person's.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NUMBA_", "PYTHON", "QT_", "VIRTUAL_ENV")) and k != "DISPLAY"
    }
    env.update(extra)
    env["XDG_CACHE_HOME"] = str(cache)
    env["XDG_CONFIG_HOME"] = str(config)
    env["LOCALAPPDATA"] = str(cache)  # Windows: where app.paths puts the Numba cache
    if numba_cache is not None:
        env["NUMBA_CACHE_DIR"] = str(numba_cache)
    return env


def launch_once(command: list[str], env: dict, cwd: Path, timeout: float = 180.0) -> tuple[float, float]:
    """(launch -> first paint, main.py -> first paint) in seconds, for one launch."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        for line in proc.stdout:
            if line.startswith("first-paint:"):
                wall = time.perf_counter() - start
                value = line.split()[1]
                if value == "none":
                    raise RuntimeError(line.strip())
                return wall, float(value)
        raise RuntimeError(f"{command[0]} exited ({proc.wait()}) without painting a window")
    finally:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@dataclass
class _Place:
    """A variant's private folders: working folder, settings, cache."""

    cwd: Path
    config: Path
    cache: Path


def prepare(variant: Variant, tmp: Path) -> _Place:
    place = _Place(*(Path(tempfile.mkdtemp(prefix=p, dir=tmp)) for p in ("cwd-", "config-", "cache-")))
    if variant.prewarm:
        try:
            subprocess.run(
                variant.prewarm,
                cwd=place.cwd,
                env=clean_env({"QT_QPA_PLATFORM": "offscreen"}, place.cache, place.config),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
                timeout=900,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            variant.error = f"warming the cache failed: {exc}"
    return place


def launch(variant: Variant, place: _Place, display: dict, tmp: Path, timed: bool) -> None:
    if variant.error:
        return
    numba = Path(tempfile.mkdtemp(prefix="numba-", dir=tmp)) if variant.cache == "cold" else None
    try:
        wall, inner = launch_once(
            variant.command, clean_env(display, place.cache, place.config, numba), place.cwd
        )
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        variant.error = str(exc)
        return
    if timed:
        variant.wall.append(wall)
        variant.inner.append(inner)


def standard_variants(python: str, frozen: Path | None, which: set[str] | None = None) -> list[Variant]:
    app = [python, str(MAIN), FLAG]
    variants = [
        Variant("bare PySide6 QMainWindow", [python, "-c", BARE_QT], "none"),
        Variant("source, cold Numba cache", app, "cold"),
        Variant("source, warm Numba cache", app, "warm", prewarm=[python, str(MAIN), "--self-test"]),
    ]
    if frozen is not None and frozen.exists():
        exe = str(frozen.resolve())
        variants += [
            Variant("frozen, warm Numba cache", [exe, FLAG], "warm", prewarm=[exe, "--self-test"]),
            Variant("frozen, cold Numba cache", [exe, FLAG], "cold"),
        ]
    if which:
        variants = [v for v in variants if v.name in which]
    return variants


def xcb_works(display: dict, tmp: Path) -> bool:
    """Can a Qt window open on this display? (Qt's xcb plugin needs system libraries.)"""
    try:
        launch_once([sys.executable, "-c", BARE_QT], clean_env(display, tmp, tmp), tmp, timeout=60)
    except (RuntimeError, OSError):
        return False
    return True


def measure(variants: list[Variant], runs: int, platform: str) -> tuple[list[Variant], str]:
    """Run every variant in this one session; returns them and the platform used."""
    with (
        virtual_display(platform) as display,
        tempfile.TemporaryDirectory(prefix="attention-lab-bench-") as t,
    ):
        if display.get("QT_QPA_PLATFORM") == "xcb" and not xcb_works(display, Path(t)):
            print(
                "Qt cannot open an xcb window here (missing libxcb-* packages?): "
                "timing offscreen instead. `python3 lab.py run` installs them.",
                file=sys.stderr,
            )
            display = {"QT_QPA_PLATFORM": "offscreen"}
        places = [prepare(v, Path(t)) for v in variants]
        # Round-robin, one launch of each variant in turn: a busy moment on the machine
        # then slows every variant alike instead of one. Round 0 is untimed.
        for i in range(runs + 1):
            for v, place in zip(variants, places, strict=True):
                launch(v, place, display, Path(t), timed=i > 0)
        used = display.get("QT_QPA_PLATFORM", "native")
    return variants, used


def table(variants: list[Variant], runs: int, platform: str) -> str:
    lines = [
        f"Time to first window: median of {runs} launches each, Qt platform {platform}",
        "",
        f"{'variant':<28} {'launch->paint':>14} {'main.py->paint':>15} {'min':>7} {'max':>7}",
    ]
    for v in variants:
        if v.error:
            lines.append(f"{v.name:<28} failed: {v.error}")
            continue
        lines.append(
            f"{v.name:<28} {v.wall_median:>12.3f} s {v.inner_median:>13.3f} s "
            f"{min(v.wall):>6.3f} {max(v.wall):>6.3f}"
        )
    by_name = {v.name: v for v in variants if not v.error}
    bare = by_name.get("bare PySide6 QMainWindow")
    if bare:
        # Issue #3: the first window within 1.5x of a bare Qt window's, warm cache or cold.
        lines += ["", "launch->paint against bare PySide6 (target <= 1.5x):"]
        ratios = [(v.name, v.wall_median / bare.wall_median) for v in by_name.values() if v is not bare]
        lines += [f"  {name:<26} {ratio:.2f}x" for name, ratio in ratios]
    frozen, source = by_name.get("frozen, warm Numba cache"), by_name.get("source, warm Numba cache")
    if frozen and source:
        ratio = frozen.wall_median / source.wall_median
        lines += ["", f"frozen / source (warm cache, launch->paint): {ratio:.2f}x (target <= 1.5x)"]
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5, help="timed launches per variant (default 5)")
    p.add_argument("--frozen", type=Path, default=DEFAULT_FROZEN, help="the built attention-lab executable")
    default_platform = "xcb" if shutil.which("Xvfb") or os.environ.get("DISPLAY") else "offscreen"
    p.add_argument("--platform", choices=("xcb", "offscreen"), default=default_platform)
    p.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = p.parse_args(argv)
    variants, used = measure(standard_variants(sys.executable, args.frozen), args.runs, args.platform)
    print(table(variants, args.runs, used))
    if args.json:
        args.json.write_text(json.dumps([asdict(v) for v in variants], indent=2), encoding="utf-8")
    return 1 if any(v.error for v in variants) else 0


if __name__ == "__main__":
    sys.exit(main())
