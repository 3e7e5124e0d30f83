"""The standalone build's choices: what the spec collects, leaves out and ships.

The build itself runs in .ci/run (`python3 lab.py build`), never here.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC_DIR = ROOT / "build_spec"
SPEC = SPEC_DIR / "attention_lab.spec"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_build_spec_{name}", SPEC_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle():
    return _load("bundle")


def test_spec_parses_and_names_its_hidden_imports():
    """The spec is valid Python and hands PyInstaller our packages and Numba's hidden imports."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= calls
    keywords = {k.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords}
    assert {"hiddenimports", "excludes", "module_collection_mode", "runtime_hooks"} <= keywords
    source = SPEC.read_text(encoding="utf-8")
    for package in ("engine", "app", "ui"):
        assert f'collect_submodules("{package}")' in source
    assert "NUMBA_HIDDEN_IMPORTS" in source and '"frozen_numba_cache"' in source
    assert '"strip": False' in source and "strip=True" not in source


def test_kernels_are_collected_as_source(bundle):
    """engine.kernels, and every other module with @njit functions, ships as .py for Numba's cache."""
    modes = bundle.module_collection_mode()
    assert modes["engine.kernels"] == "py"
    assert "engine.kernels" in bundle.njit_modules("engine")
    assert all(modes[m] == "py" for m in bundle.njit_modules("engine"))
    # The Lines view's raster kernel is compiled by a call, not a decorator.
    assert "ui.line_raster" in bundle.njit_modules("ui")
    assert modes["ui.line_raster"] == "py"
    assert "ui.heatmap" not in modes


def test_numba_threading_layer_and_devicearray_are_hidden_imports(bundle):
    """OpenMP and workqueue layers, and numba._devicearray (imported from C), are named."""
    assert {"numba.np.ufunc.omppool", "numba.np.ufunc.workqueue", "numba._devicearray"} <= set(
        bundle.NUMBA_HIDDEN_IMPORTS
    )
    assert "numba.np.ufunc.tbbpool" in bundle.excludes()


def test_other_bindings_and_unused_qt_modules_are_excluded(bundle):
    """Other Qt bindings, tkinter, QML, WebEngine and pyqtgraph's optional extras stay out."""
    excluded = set(bundle.excludes())
    for name in ("PyQt5", "PyQt6", "PySide2", "tkinter", "matplotlib", "OpenGL", "cupy", "h5py"):
        assert name in excluded
    for module in ("QtWebEngineCore", "QtQml", "QtQuick", "Qt3DCore", "QtMultimedia", "QtPdf", "QtCharts"):
        assert f"PySide6.{module}" in excluded


def test_nothing_the_app_imports_is_excluded(bundle):
    """Every module the app loads at run time survives the excludes (else the build breaks)."""
    code = (
        "import pkgutil, sys, importlib\n"
        "import main\n"
        "for pkg in ('engine', 'app', 'ui'):\n"
        "    for m in pkgutil.walk_packages([pkg], pkg + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    excluded = bundle.excludes()
    # pyqtgraph tries QtTest when present; it does without it in the build.
    tolerated = {"PySide6.QtTest"}
    hits = [m for m in out for e in excluded if (m == e or m.startswith(e + ".")) and e not in tolerated]
    assert not hits, hits


def test_resources_are_bundled_where_resource_path_looks(bundle):
    """Every file under resources/ goes to resources/ in the bundle (sys._MEIPASS/resources)."""
    datas = bundle.resource_datas()
    dests = {Path(src).name: dest for src, dest in datas}
    assert dests["lexicon.json"] == "resources"
    assert dests["attention-lab-256.png"] == str(Path("resources") / "icons")
    assert all(Path(dest).parts[0] == "resources" for _, dest in datas)
    assert not any(name.endswith((".ico", ".icns", ".desktop")) for name in dests)


def test_unwanted_qt_plugins_go_with_the_libraries_only_they_need(bundle):
    """The GTK theme plugin is dropped with its GTK libraries; shared libraries stay."""
    gtk = "PySide6/Qt/plugins/platformthemes/libqgtk3.so"
    xcb = "PySide6/Qt/plugins/platforms/libqxcb.so"
    binaries = [
        (gtk, "/s/libqgtk3.so", "BINARY"),
        (xcb, "/s/libqxcb.so", "BINARY"),
        ("libgtk-3.so.0", "/s/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/s/libcairo.so.2", "BINARY"),
        ("libglib-2.0.so.0", "/s/libglib-2.0.so.0", "BINARY"),
    ]
    needs = {
        "/s/libqgtk3.so": {"libgtk-3.so.0", "libglib-2.0.so.0"},
        "/s/libgtk-3.so.0": {"libcairo.so.2", "libglib-2.0.so.0"},
        "/s/libqxcb.so": {"libglib-2.0.so.0"},
    }
    datas = [("libcairo.so", "libcairo.so.2", "SYMLINK"), ("resources/x", "/s/x", "DATA")]
    kept, kept_datas, dropped = bundle.prune_binaries(binaries, datas, lambda src: needs.get(src, set()))
    assert [b[0] for b in kept] == [xcb, "libglib-2.0.so.0"]
    assert set(dropped) == {gtk, "libgtk-3.so.0", "libcairo.so.2"}
    assert kept_datas == [("resources/x", "/s/x", "DATA")]


def test_frozen_cache_folder_is_the_same_wherever_the_app_is_unpacked(tmp_path, monkeypatch):
    """One-file builds unpack to a new folder each launch; the Numba cache folder must not change."""
    locator = _load("frozen_numba_cache").FrozenAppCacheLocator
    names = set()
    for where in ("_MEIabc123", "_MEIxyz789"):
        monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / where), raising=False)
        names.add(locator.get_suitable_cache_subpath(str(tmp_path / where / "engine" / "kernels.py")))
    assert names == {"frozen-engine"}
    outside = locator.get_suitable_cache_subpath(str(ROOT / "engine" / "kernels.py"))
    assert not outside.startswith("frozen-")


def test_frozen_cache_goes_stale_when_the_kernel_source_changes(tmp_path, monkeypatch):
    """The cache stamp covers the kernel's source, not only the executable."""
    module = _load("frozen_numba_cache")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    source = tmp_path / "engine" / "kernels.py"
    source.parent.mkdir()
    source.write_text("x = 1\n")

    def kernel():
        pass

    locator = module.FrozenAppCacheLocator(kernel, str(source))
    before = locator.get_source_stamp()
    source.write_text("x = 2\n")
    assert locator.get_source_stamp() != before
    assert module.FrozenAppCacheLocator.from_function(kernel, str(ROOT / "main.py")) is None


def test_runtime_hook_names_the_locator_without_importing_numba():
    """The runtime hook only sets NUMBA_CACHE_LOCATOR_CLASSES (importing numba would slow start-up)."""
    source = (SPEC_DIR / "rthook_numba_cache.py").read_text(encoding="utf-8")
    assert "frozen_numba_cache.FrozenAppCacheLocator" in source
    assert "UserProvidedCacheLocator" in source
    assert "import numba" not in source


def test_version_comes_from_pyproject(bundle):
    """The build's version is pyproject's, which app/version.py repeats."""
    from app.version import __version__

    assert bundle.version() == __version__


def test_licence_texts_for_everything_shipped_are_found(bundle):
    """Qt's LGPL (and the GPL it extends) plus each wheel's licence files are collected."""
    files = bundle.licence_files()
    dests = {dest for _, dest in files}
    assert {"Qt-PySide6/LGPL-3.0.txt", "Qt-PySide6/GPL-3.0.txt"} <= dests
    for dist in ("numpy", "numba", "llvmlite", "pyqtgraph", "PySide6_Essentials"):
        assert any(d.startswith(dist + "/") for d in dests), dist
    assert all(src.is_file() for src, _ in files)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (SPEC_DIR / "licenses" / "LGPL-3.0.txt").read_text()


def test_icon_files_are_committed_in_every_size():
    """The build needs no generation step: PNGs 16..512, .ico, .icns and the SVG are in resources/."""
    from PySide6.QtGui import QImage

    icons = ROOT / "resources" / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        image = QImage(str(icons / f"attention-lab-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
    ico = (icons / "attention-lab.ico").read_bytes()
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 7)
    assert (icons / "attention-lab.icns").read_bytes()[:4] == b"icns"
    assert "<svg" in (icons / "attention-lab.svg").read_text(encoding="utf-8")


def test_desktop_entry_starts_the_executable_with_the_icon():
    """The Linux .desktop entry runs attention-lab and names the attention-lab icon."""
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "resources" / "attention-lab.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Name"] == "Attention Lab"
    assert section["Exec"] == "attention-lab"
    assert section["Icon"] == "attention-lab"
    assert section["Type"] == "Application"


def test_packaging_tools_are_left_out(bundle):
    """setuptools and pkg_resources would bring runtime hooks that import them at every launch."""
    left_out = set(bundle.excludes())
    assert {"setuptools", "pkg_resources", "distutils", "numba.pycc", "numba.tests"} <= left_out


def test_a_frozen_app_fills_one_cache_folder_per_folder_of_kernels(bundle):
    """The build check expects the engine's kernels and the Lines view's in their own folders."""
    assert bundle.frozen_cache_folders() == ["frozen-engine", "frozen-ui"]
