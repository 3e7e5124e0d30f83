"""Build the standalone Attention Lab, then prove the build works.

    python3 lab.py build                 one folder: dist/AttentionLab/attention-lab, and
                                         the download: dist/AttentionLab-<version>-<os>-<cpu>.tar.gz
    python3 lab.py build --onefile       also one file: dist/AttentionLab-onefile/attention-lab
    python3 lab.py build --no-check      build only

(``lab.py build`` runs this file with the project's virtual environment.) PyInstaller
builds for the system it runs on: run it on Windows or macOS for those.

The check, after the build:

1. The folder holds what it must (kernel sources, resources, licences, the OpenMP
   threading layer, llvmlite, Qt as separate libraries) and nothing it must not
   (other Qt bindings, tkinter, QML, WebEngine, ...).
2. The download archive is unpacked in a fresh temporary place and
   ``attention-lab --self-test`` runs twice, each time from another new working
   folder, with a fresh per-user cache: the first launch must compile the Numba kernels, the second must load
   them from the cache, and the cache must hold one folder for the app. Same for
   the one-file build.
3. Time to the first window, frozen (warm cache) against source, via
   ``benchmarks/bench_startup.py``.

Then a summary table. The exit status is 0 only if the build and checks 1-2 passed;
start-up times are reported against their target, not enforced.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent
ROOT = SPEC_DIR.parent
sys.path.insert(0, str(SPEC_DIR))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bundle  # noqa: E402

DIST = ROOT / "dist"
WORK = ROOT / "build"
SPEC = SPEC_DIR / "attention_lab.spec"
EXE_SUFFIX = ".exe" if os.name == "nt" else ""
FOLDER = DIST / bundle.FOLDER_NAME
ONEFILE = DIST / bundle.ONEFILE_FOLDER / f"{bundle.EXE_NAME}{EXE_SUFFIX}"
SIZE_TARGET_MB = 400
STARTUP_RATIO_TARGET = 1.5
VERDICT = re.compile(r"^self-test: (passed|FAILED)(.*)$")
NUMBA = re.compile(r"numba kernels (compiled|from cache|already compiled)(?:[^,)]*?in ([0-9.]+) s)?")
LAYER = re.compile(r"threading layer (\w+)")

# Must be in the one-folder build (paths relative to it; * matches within a name).
REQUIRED = [
    f"{bundle.EXE_NAME}{EXE_SUFFIX}",
    "_internal/engine/kernels.py",
    "_internal/resources/lexicon.json",
    "_internal/resources/icons/attention-lab-256.png",
    "licenses/README.txt",
    "licenses/Qt-PySide6/LGPL-3.0.txt",
    "licenses/Qt-PySide6/GPL-3.0.txt",
    "_internal/llvmlite/binding/*llvmlite*",
]
REQUIRED_LINUX = [
    "_internal/numba/np/ufunc/omppool*.so",
    "_internal/libgomp*",
    "_internal/PySide6/Qt/lib/libQt6Core.so.6",
    "_internal/PySide6/Qt/plugins/platforms/libqxcb.so",
    "_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "share/attention-lab.desktop",
    "install-desktop-entry.sh",
]
# Must not be anywhere in it (matched against each file's name and folder names).
FORBIDDEN = re.compile(
    r"^(PyQt5|PyQt6|PySide2|tkinter|_tkinter.*|matplotlib|OpenGL|cupy|h5py|scipy|IPython|pytest"
    r"|.*Qt6?(Quick|Qml|WebEngine|3D|Multimedia|Pdf|Charts|DataVisualization|Designer|Network).*"
    r"|libqgtk3\.so|libtbb.*)$"
)


@dataclass
class Launch:
    seconds: float
    returncode: int
    verdict: str
    numba: str = ""
    numba_seconds: float = float("nan")
    layer: str = ""


@dataclass
class Check:
    name: str
    launches: list[Launch] = field(default_factory=list)
    cache_folders: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def say(message: str) -> None:
    print(f"[build] {message}", flush=True)


# --- building -------------------------------------------------------------------------------


def run_pyinstaller(onefile: bool) -> float:
    for path in (FOLDER, DIST / bundle.ONEFILE_FOLDER, WORK):
        shutil.rmtree(path, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        str(SPEC),
    ]
    if onefile:
        cmd += ["--", "--onefile"]
    # collect_submodules("ui") imports the views: no display is needed for that.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    say("PyInstaller " + ("(one folder + one file)" if onefile else "(one folder)") + ": a few minutes")
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            total += os.lstat(os.path.join(folder, name)).st_size
    return total / 1e6


def archive() -> Path:
    """The one folder packed for download: .tar.gz on Linux (keeps symlinks and modes), else .zip."""
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform.rstrip("0123456789"))
    name = f"{bundle.FOLDER_NAME}-{bundle.version()}-{system}-{platform.machine().lower()}"
    fmt = "gztar" if sys.platform.startswith("linux") else "zip"
    for old in DIST.glob(f"{bundle.FOLDER_NAME}-*.*"):
        if old.is_file():
            old.unlink()
    say(f"packing {name}")
    return Path(shutil.make_archive(str(DIST / name), fmt, root_dir=DIST, base_dir=bundle.FOLDER_NAME))


# --- checking -------------------------------------------------------------------------------


def content_problems(folder: Path) -> list[str]:
    problems = []
    for pattern in REQUIRED + (REQUIRED_LINUX if sys.platform.startswith("linux") else []):
        if not list(folder.glob(pattern)):
            problems.append(f"missing {pattern}")
    for path in folder.rglob("*"):
        if FORBIDDEN.match(path.name):
            problems.append(f"should not be shipped: {path.relative_to(folder)}")
    return problems[:20]


def launch_env(cache: Path, home: Path) -> dict:
    """The frozen app's environment: nothing from this venv, private per-user folders."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NUMBA_", "PYTHON", "VIRTUAL_ENV", "QT_", "XDG_"))
    }
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CACHE_HOME=str(cache),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        LOCALAPPDATA=str(cache),
    )
    return env


def self_test(exe: Path, cwd: Path, env: dict) -> Launch:
    start = time.perf_counter()
    proc = subprocess.run(
        [str(exe), "--self-test"], cwd=cwd, env=env, capture_output=True, text=True, timeout=1200
    )
    seconds = time.perf_counter() - start
    lines = [ln for ln in proc.stdout.splitlines() if VERDICT.match(ln)]
    verdict = lines[-1] if lines else f"(no verdict; stderr: {proc.stderr.strip()[-400:]})"
    launch = Launch(seconds, proc.returncode, verdict)
    if m := NUMBA.search(verdict):
        launch.numba = m.group(1)
        launch.numba_seconds = float(m.group(2)) if m.group(2) else float("nan")
    if m := LAYER.search(verdict):
        launch.layer = m.group(1)
    return launch


def check_launches(name: str, built: Path, workdir: Path) -> Check:
    """Unpack or copy ``built`` elsewhere; self-test it twice from new folders, fresh cache."""
    check = Check(name)
    install = workdir / "install"
    install.mkdir()
    if built.name.endswith((".tar.gz", ".zip")):  # what a teacher downloads: unpack it
        shutil.unpack_archive(built, install)
        exe = install / bundle.FOLDER_NAME / f"{bundle.EXE_NAME}{EXE_SUFFIX}"
    elif built.is_dir():
        copy = install / built.name
        shutil.copytree(built, copy, symlinks=True)
        exe = copy / f"{bundle.EXE_NAME}{EXE_SUFFIX}"
    else:
        exe = install / built.name
        shutil.copy2(built, exe)
    cache = workdir / "cache"
    env = launch_env(cache, workdir)
    for i in (1, 2):
        cwd = workdir / f"cwd{i}"
        cwd.mkdir()
        launch = self_test(exe, cwd, env)
        check.launches.append(launch)
        say(f"{name}, launch {i} from {cwd}: {launch.verdict}")
        if launch.returncode != 0 or not launch.verdict.startswith("self-test: passed"):
            check.problems.append(f"launch {i} failed: {launch.verdict}")
        if sorted(p.name for p in cwd.iterdir()):
            check.problems.append(f"launch {i} wrote into its working folder: {sorted(os.listdir(cwd))}")
    first, second = check.launches
    if first.numba != "compiled":
        check.problems.append(f"launch 1 should compile the kernels (cold cache), not: {first.numba or '?'}")
    if second.numba != "from cache":
        check.problems.append(f"launch 2 should load the kernels from the cache, not: {second.numba or '?'}")
    if sys.platform.startswith("linux") and any(la.layer != "omp" for la in check.launches):
        check.problems.append("Numba's OpenMP threading layer is not in use")
    numba_cache = cache / "AttentionLab" / "numba"
    check.cache_folders = sorted(p.name for p in numba_cache.iterdir()) if numba_cache.is_dir() else []
    # One per folder of kernels inside the app (the engine's; the Lines view's, which the
    # self-test compiles too), named by the frozen app's locator.
    expected = bundle.frozen_cache_folders()
    if check.cache_folders != expected:
        check.problems.append(f"expected the Numba cache folders {expected}, found {check.cache_folders}")
    return check


def startup_times(exe: Path, runs: int):
    import bench_startup

    # This script runs in the project's environment, so sys.executable runs the source.
    variants = bench_startup.standard_variants(
        sys.executable, exe, {"source, warm Numba cache", "frozen, warm Numba cache"}
    )
    platform = "xcb" if shutil.which("Xvfb") or os.environ.get("DISPLAY") else "offscreen"
    return bench_startup.measure(variants, runs, platform)


# --- reporting ------------------------------------------------------------------------------


def summary(rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"  {k:<{width}}  {v}" for k, v in rows)


def describe(launch: Launch) -> str:
    kernels = f"kernels {launch.numba} in {launch.numba_seconds:.2f} s" if launch.numba else launch.verdict
    return f"{launch.seconds:6.1f} s  ({kernels})"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Build the standalone Attention Lab and check it.")
    p.add_argument("--onefile", action="store_true", help="also build the one-file executable")
    p.add_argument("--no-check", action="store_true", help="build only; skip the self-tests and timings")
    p.add_argument("--check", action="store_true", help="(the default) check the build after building")
    p.add_argument("--runs", type=int, default=5, help="launches per start-up timing (default 5)")
    args = p.parse_args(argv)

    build_seconds = run_pyinstaller(args.onefile)
    rows = [
        ("build time", f"{build_seconds / 60:.1f} min"),
        (
            "one folder",
            f"{size_mb(FOLDER):.0f} MB  ({FOLDER.relative_to(ROOT)}; target <= {SIZE_TARGET_MB} MB)",
        ),
    ]
    if args.onefile:
        rows.append(("one file", f"{size_mb(ONEFILE):.0f} MB  ({ONEFILE.relative_to(ROOT)})"))
    packed = archive()
    rows.append(("download archive", f"{size_mb(packed):.0f} MB  ({packed.relative_to(ROOT)})"))
    problems = []
    if size_mb(FOLDER) > SIZE_TARGET_MB:
        problems.append(f"the one-folder build is {size_mb(FOLDER):.0f} MB, over {SIZE_TARGET_MB} MB")
    if args.no_check:
        print("\nAttention Lab build\n" + summary(rows))
        return 1 if problems else 0

    problems += [f"one folder: {p}" for p in content_problems(FOLDER)]
    targets = [("one folder", packed)] + ([("one file", ONEFILE)] if args.onefile else [])
    for name, built in targets:
        with tempfile.TemporaryDirectory(prefix="attention-lab-check-") as tmp:
            check = check_launches(name, built, Path(tmp))
        problems += [f"{name}: {p}" for p in check.problems]
        for i, launch in enumerate(check.launches, 1):
            rows.append((f"self-test, {name}, launch {i}", describe(launch)))

    say(f"timing the first window, {args.runs} launches each (frozen vs source)")
    variants, platform = startup_times(FOLDER / f"{bundle.EXE_NAME}{EXE_SUFFIX}", args.runs)
    by_name = {v.name: v for v in variants}
    for label, key in (
        ("first window, source", "source, warm Numba cache"),
        ("first window, frozen", "frozen, warm Numba cache"),
    ):
        v = by_name.get(key)
        rows.append(
            (
                label,
                f"{v.wall_median:.2f} s median (warm cache, {platform})"
                if v and not v.error
                else f"failed: {v.error if v else '?'}",
            )
        )
    source, frozen = by_name.get("source, warm Numba cache"), by_name.get("frozen, warm Numba cache")
    if source and frozen and not (source.error or frozen.error):
        ratio = frozen.wall_median / source.wall_median
        verdict = "met" if ratio <= STARTUP_RATIO_TARGET else "MISSED"
        rows.append(("frozen / source", f"{ratio:.2f}x  (target <= {STARTUP_RATIO_TARGET}x: {verdict})"))

    print("\nAttention Lab build\n" + summary(rows))
    if problems:
        print("\nBuild check FAILED:\n" + "\n".join(f"  - {p}" for p in problems), flush=True)
        return 1
    print("\nBuild check passed.", flush=True)
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)
