"""--self-test and --quit-after-first-paint: the checks a frozen build runs on itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import main
from ui.selftest import SelfTestReport, run_self_test

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _numba_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))


def test_self_test_passes_from_source(qapp):
    """From source every check passes and the report says how the kernels were obtained."""
    report = run_self_test()
    assert report.passed, report.failures
    assert report.checks >= 15  # 6 sessions x Numba vs NumPy, the engine and the window
    assert report.numba_status in ("compiled", "from cache", "already compiled")
    assert report.threading_layer in ("omp", "tbb", "workqueue")
    assert report.screenshot_size[0] > 0
    assert report.verdict.startswith("self-test: passed (")
    assert "\n" not in report.verdict


def test_self_test_flag_returns_zero_and_prints_one_line(qapp, capsys):
    """`main --self-test` exits 0 and prints exactly one line: the verdict."""
    assert main.main(["--self-test"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].startswith("self-test: passed (")


def test_a_failed_check_makes_a_failed_verdict():
    """One failed check fails the self-test, and the verdict names it (plus a count of others)."""
    report = SelfTestReport()
    report.check(True, "unused")
    report.check(False, "heatmap is blank")
    report.check(False, "another")
    assert not report.passed
    assert report.verdict == "self-test: FAILED: heatmap is blank (and 1 more)"
    assert not SelfTestReport().passed  # no checks at all is no pass


def test_the_lines_check_fails_without_the_kernel_or_with_a_wrong_picture(monkeypatch):
    """A Lines kernel that did not compile, or paints nothing, is a failed check."""
    import numpy as np

    from ui import line_raster, selftest

    report = SelfTestReport()
    selftest._check_lines(report)
    assert report.passed, report.failures  # the kernel compiles here and paints the line
    monkeypatch.setattr(
        line_raster, "paint", lambda shape, *args, **kwargs: np.full(shape, 0xFFFFFFFF, np.uint32)
    )
    selftest._check_lines(report)
    assert report.failures == ["the Lines view's kernel painted a wrong picture"]
    monkeypatch.setattr(line_raster, "_failed", True)
    selftest._check_lines(report)
    assert report.failures[-1] == "the Lines view's kernel (ui/line_raster.py) did not compile"


def test_verdict_says_whether_kernels_came_from_the_cache():
    """The verdict line carries what the build script parses: cache or compile, and time."""
    report = SelfTestReport(checks=7, numba_status="from cache", numba_seconds=0.354, threading_layer="omp")
    assert report.verdict == (
        "self-test: passed (7 checks, numba kernels from cache in 0.35 s, threading layer omp)"
    )


def test_quit_after_first_paint_prints_the_time_and_exits(tmp_path):
    """--quit-after-first-paint opens the window, prints `first-paint: S s` and exits 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--quit-after-first-paint"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.strip().splitlines()[-1]
    assert line.startswith("first-paint: ") and line.endswith(" s")
    assert float(line.split()[1]) > 0
    assert not (tmp_path / "config").exists()  # nothing saved: no window layout, no settings
