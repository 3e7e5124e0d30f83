#!/usr/bin/env python3
"""Set up and run Attention Lab with one command; standard library only.

    python3 lab.py run [app flags]    set up if needed, then open the app
    python3 lab.py test [pytest args] set up if needed, then lint and run every test
    python3 lab.py build [--onefile]  set up if needed, then build the standalone app and check it
    python3 lab.py bench SCRIPT       set up if needed, then run benchmarks/SCRIPT

Set-up means: a virtual environment in .venv with the versions pinned in
pyproject.toml, and on Debian/Ubuntu the system libraries Qt and Numba need (installed
with apt-get when run as root, otherwise named so you can install them).
"""

from __future__ import annotations

import sys

if sys.version_info < (3, 11):  # noqa: UP036 - lab.py may be started by an older python3
    sys.exit(f"Attention Lab needs Python 3.11 or newer; this is {sys.version.split()[0]}.")

import hashlib  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tomllib  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".attention-lab-installed"

# Qt offscreen needs these (tests, screenshots); libgomp1 gives Numba its OpenMP
# threading layer (without it two threads calling a parallel kernel can kill the
# process); without fonts, text renders as boxes with no error at all.
APT_BASE = [
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libfontconfig1",
    "libfreetype6",
    "libglib2.0-0",
    "libdbus-1-3",
    "libx11-6",
    "fonts-dejavu-core",
    "libgomp1",
]
# A real window on X11 (and under Xvfb) also needs the xcb platform plugin's libraries.
APT_WINDOW = [
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libx11-xcb1",
]
# PyInstaller reads shared libraries with objdump (binutils; strip comes with it too).
# The build's check times the first real window, on its own Xvfb server when there is
# no display, so it also needs the window libraries above.
APT_BUILD = ["binutils", "xvfb"]


def say(message: str) -> None:
    print(f"[lab] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[lab] {message}", file=sys.stderr, flush=True)
    sys.exit(1)


# --- system packages ----------------------------------------------------------------------


def missing_debian_packages(packages: list[str]) -> list[str]:
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for pkg in packages:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in out.stdout:
            missing.append(pkg)
    return missing


def ensure_system_packages(packages: list[str]) -> None:
    if not sys.platform.startswith("linux"):
        return
    missing = missing_debian_packages(packages)
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"Installing system packages: {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env
        )
        return
    fail(
        "These system packages are missing: " + " ".join(missing) + "\n"
        "Install them, then run this command again:\n    sudo apt-get install " + " ".join(missing)
    )


# --- the virtual environment ---------------------------------------------------------------


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def requirements(extras: bool) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    if extras:
        reqs += project["optional-dependencies"]["dev"]
    return reqs


def _digest(reqs: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(reqs)).encode()).hexdigest()


def ensure_venv(dev: bool) -> Path:
    py = venv_python()
    if not py.exists():
        try:
            import ensurepip  # noqa: F401  (Debian ships venv's pip separately)
        except ImportError:
            ensure_system_packages([f"python3.{sys.version_info.minor}-venv"])
        say(f"Creating the virtual environment in {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    reqs = requirements(extras=dev)
    installed = STAMP.read_text().split() if STAMP.exists() else []
    if _digest(reqs) not in installed:
        say("Installing Python packages (first run only; a few minutes)")
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *reqs], check=True)
        # The dev set includes the runtime set, so `run` after `test` installs nothing.
        done = {_digest(reqs), *installed}
        if dev:
            done.add(_digest(requirements(extras=False)))
        STAMP.write_text("\n".join(sorted(done)))
    return py


def run(cmd: list[str], env: dict | None = None) -> int:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode


# --- commands -------------------------------------------------------------------------------


def cmd_run(args: list[str]) -> int:
    ensure_system_packages(APT_BASE + APT_WINDOW)
    py = ensure_venv(dev=False)
    return run([str(py), "main.py", *args])


def cmd_test(args: list[str]) -> int:
    ensure_system_packages(APT_BASE)
    py = ensure_venv(dev=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    say("ruff check and ruff format --check")
    if run([str(py), "-m", "ruff", "check", "."], env) or run(
        [str(py), "-m", "ruff", "format", "--check", "."], env
    ):
        fail(
            "Lint failed: run `.venv/bin/ruff check --fix . && .venv/bin/ruff format .` and look at the rest."
        )
    say("pytest")
    return run([str(py), "-m", "pytest", *args], env)


def cmd_build(args: list[str]) -> int:
    ensure_system_packages(APT_BASE + APT_WINDOW + APT_BUILD)
    py = ensure_venv(dev=True)
    return run([str(py), "build_spec/build.py", *args])


def cmd_bench(args: list[str]) -> int:
    ensure_system_packages(APT_BASE)
    py = ensure_venv(dev=True)
    if not args:
        fail("Name a benchmark script, e.g. `python3 lab.py bench bench_engine.py`.")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return run([str(py), str(Path("benchmarks") / args[0]), *args[1:]], env)


COMMANDS = {"run": cmd_run, "test": cmd_test, "build": cmd_build, "bench": cmd_bench}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
