"""A plain start paints the window's shell first, then builds the rest while it responds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.session import Session
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]

# Runs main.py as a person starts it, with a probe in place of --quit-after-first-paint's:
# it notes the heavy modules loaded when the window first paints, then waits until the
# window is complete and describes it.
PROBE = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
import main
import ui.first_paint as fp
from PySide6.QtCore import QTimer

seen = {}

def probe(app, window, started, timeout_s=60.0):
    def painted():
        seen["loaded"] = [m for m in ("numpy", "pyqtgraph", "numba") if m in sys.modules]

    def built():
        QTimer.singleShot(0, finish)  # after the last view's own set-up

    def finish():
        seen["controls"] = window.controls_dock.widget() is not None
        seen["central"] = type(window.centralWidget()).__name__
        seen["views"] = {k: type(d.widget()).__name__ for k, d in window.docks.items()}
        seen["lesson"] = window.lesson_dock.widget() is not None
        seen["menus"] = {m.title(): len(m.actions()) for m in (window.file_menu, window.view_menu)}
        seen["first view entry"] = window.view_menu.actions()[0].text()
        print("PROBE " + json.dumps(seen), flush=True)
        os._exit(0)

    app._probe = fp._FirstPaint(window, painted, app)
    app.installEventFilter(app._probe)
    window.sigViewsBuilt.connect(built)
    QTimer.singleShot(int(timeout_s * 1000), lambda: os._exit(3))

fp.quit_after_first_paint = probe
sys.exit(main.main(["--quit-after-first-paint"]))
"""


def _run_probe(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "PYTHON"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    assert lines, f"exit {done.returncode}: {done.stdout[-500:]} {done.stderr[-2000:]}"
    return json.loads(lines[0][len("PROBE ") :])


def test_first_paint_comes_before_numpy_pyqtgraph_and_numba_and_the_window_ends_up_complete(tmp_path):
    """Nothing heavy is imported when the window first paints; then every part is built."""
    seen = _run_probe(tmp_path)
    assert seen["loaded"] == []
    assert seen["controls"] and seen["lesson"]
    assert seen["central"] == "AttentionView"
    assert set(seen["views"]) == {
        "matrices",
        "embeddings",
        "tokens",
        "lines",
        "steps",
        "all_heads",
        "compare",
        "outputs",
        "context",
        "cost",
    }
    assert "NoneType" not in seen["views"].values()
    assert seen["menus"]["&File"] > 5
    assert seen["first view entry"] == "Next head"  # the head keys above the dock entries


def test_a_shell_gets_its_session_after_painting_and_builds_everything(qtbot):
    """MainWindow() paints with a line where the heatmap goes; attach() brings the rest."""
    window = MainWindow(remember_layout=False)
    qtbot.addWidget(window)
    painted = []
    window.sigFirstPainted.connect(lambda: painted.append(True))
    window.show()
    qtbot.waitUntil(lambda: painted == [True], timeout=10_000)
    assert window.centralWidget().objectName() == "heatmapComing"
    assert window.controls_dock.widget() is None
    assert all(dock.widget() is None for dock in window.docks.values())
    window.attach(Session())
    assert window.controls_dock.widget() is not None  # at once: the controls come first
    qtbot.waitUntil(lambda: all(dock.widget() is not None for dock in window.docks.values()), timeout=60_000)
    assert window.centralWidget() is window.attention_view
    assert window.attention_view.heatmap.row_labels() == window.session.state.tokens


def test_a_remembered_layout_applies_to_the_shell(qtbot, layout_with_closed_dock):
    """The docks exist in the shell, so restoreState finds them before their views."""
    layout_with_closed_dock("steps")
    shell = MainWindow(remember_layout=True)
    qtbot.addWidget(shell)
    shell.show()
    assert not shell.docks["steps"].isVisible()
    shell.attach(Session())
    qtbot.waitUntil(lambda: all(dock.widget() is not None for dock in shell.docks.values()), timeout=60_000)
    assert not shell.docks["steps"].isVisible()
    assert shell.docks["matrices"].isVisible()


def test_pyqtgraph_is_configured_when_first_imported_not_when_ui_is():
    """Importing ui leaves pyqtgraph alone; importing pyqtgraph later gets the row-major set-up."""
    code = (
        "import sys, ui\n"
        "assert 'pyqtgraph' not in sys.modules\n"
        "import pyqtgraph as pg\n"
        "print(pg.getConfigOption('imageAxisOrder'), pg.getConfigOption('antialias'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["row-major", "True"], done.stderr[-2000:]
