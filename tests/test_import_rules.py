"""Dependencies run one way: ui -> app -> engine (DESIGN.md, "Layout")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = set(sys.stdlib_module_names)


def imported_modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.relative_to(ROOT), alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path.relative_to(ROOT), node.module
                if node.module == "PySide6":  # from PySide6 import QtWidgets
                    for alias in node.names:
                        yield path.relative_to(ROOT), f"PySide6.{alias.name}"


def test_engine_imports_only_numpy_numba_and_stdlib():
    """engine/ knows nothing of Qt, pyqtgraph, app or ui."""
    allowed = {"numpy", "numba", "threadpoolctl", "engine", "__future__"}
    bad = [
        f"{path}: {mod}"
        for path, mod in imported_modules("engine")
        if mod.split(".")[0] not in allowed | STDLIB
    ]
    assert not bad, bad


def test_app_has_no_widgets():
    """app/ may use QtCore and Qt's undo stack, never QtWidgets, pyqtgraph or ui."""
    bad = []
    for path, mod in imported_modules("app"):
        top = mod.split(".")[0]
        if top in {"ui", "pyqtgraph"} or mod.startswith("PySide6.QtWidgets"):
            bad.append(f"{path}: {mod}")
        if mod == "PySide6.QtGui":
            source = (ROOT / path).read_text(encoding="utf-8")
            names = [
                n for line in source.splitlines() if "from PySide6.QtGui import" in line for n in line.split()
            ]
            if any(
                n.strip(",") not in {"from", "PySide6.QtGui", "import", "QUndoStack", "QUndoCommand"}
                for n in names
            ):
                bad.append(f"{path}: QtGui beyond QUndoStack/QUndoCommand")
    assert not bad, bad


@pytest.mark.parametrize("module", ["engine", "app.session", "app.export"])
def test_importing_engine_and_app_loads_no_widgets(module):
    """At run time too: importing engine or app pulls in no QtWidgets and no pyqtgraph."""
    code = (
        f"import sys, {module}\n"
        "bad = [m for m in ('PySide6.QtWidgets', 'pyqtgraph') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
