"""What goes into the standalone app: helpers for ``attention_lab.spec``.

Plain functions, importable without running PyInstaller, so the tests can check the
choices the spec makes (``tests/test_build_spec.py``).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path, PurePosixPath

SPEC_DIR = Path(__file__).resolve().parent
ROOT = SPEC_DIR.parent

APP_NAME = "Attention Lab"
EXE_NAME = "attention-lab"
FOLDER_NAME = "AttentionLab"
ONEFILE_FOLDER = "AttentionLab-onefile"


def version() -> str:
    """The version pyproject.toml declares (app/version.py holds the same; a test checks)."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


# --- modules --------------------------------------------------------------------------------

NUMBA_DECORATORS = {"njit", "jit", "vectorize", "guvectorize", "stencil", "cfunc", "generated_jit"}


KERNEL_PACKAGES = ("engine", "ui")  # where Numba kernels live


def njit_modules(package: str = "engine") -> list[str]:
    """Modules of ``package`` that define Numba-compiled functions, found by parsing.

    Both ``@njit``-style decorators and calls such as ``njit(cache=...)(fn)`` count
    (ui.line_raster compiles its kernels on first use that way).
    """
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(_numba_name(node) for node in ast.walk(tree)):
            found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def _numba_name(node) -> bool:
    """Is ``node`` a decorator or call naming one of NUMBA_DECORATORS?"""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        targets = [dec.func if isinstance(dec, ast.Call) else dec for dec in node.decorator_list]
    elif isinstance(node, ast.Call):
        targets = [node.func.func if isinstance(node.func, ast.Call) else node.func]
    else:
        return False
    names = {t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "") for t in targets}
    return bool(names & NUMBA_DECORATORS)


def module_collection_mode() -> dict[str, str]:
    """Kernels as ``.py`` files beside the app, so Numba's cache can key on them.

    Bytecode inside the PYZ archive has no file on disk, and Numba's cache locator
    (including the app's own, ``frozen_numba_cache``) needs one.
    """
    modes = {"engine.kernels": "py"}
    for package in KERNEL_PACKAGES:
        modes.update({m: "py" for m in njit_modules(package)})
    return modes


def frozen_cache_folders() -> list[str]:
    """The Numba cache folders a frozen app fills once every kernel has compiled: one per
    folder of kernel modules, named as ``frozen_numba_cache`` names them."""
    folders = {m.rsplit(".", 1)[0] for package in KERNEL_PACKAGES for m in njit_modules(package)}
    return sorted("frozen-" + folder.replace(".", "-") for folder in folders)


NUMBA_HIDDEN_IMPORTS = [
    # Numba picks its threading layer at run time by importing one of these: OpenMP
    # (with libgomp), or the workqueue fallback. TBB is excluded (no libtbb is shipped).
    "numba.np.ufunc.omppool",
    "numba.np.ufunc.workqueue",
    # Imported from C by numba._dispatcher; only numba.cuda (excluded) imports it in Python.
    "numba._devicearray",
]

OTHER_QT_BINDINGS = ["PyQt5", "PyQt6", "PySide2", "shiboken2", "sip"]
# Qt modules the app never loads (pyqtgraph tries QtTest but does without it).
UNUSED_QT_MODULES = [
    "PySide6.Qt3DAnimation",
    "PySide6.Qt3DCore",
    "PySide6.Qt3DExtras",
    "PySide6.Qt3DInput",
    "PySide6.Qt3DLogic",
    "PySide6.Qt3DRender",
    "PySide6.QtAxContainer",
    "PySide6.QtBluetooth",
    "PySide6.QtCharts",
    "PySide6.QtConcurrent",
    "PySide6.QtDataVisualization",
    "PySide6.QtDBus",
    "PySide6.QtDesigner",
    "PySide6.QtGraphs",
    "PySide6.QtGraphsWidgets",
    "PySide6.QtHelp",
    "PySide6.QtHttpServer",
    "PySide6.QtLocation",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtNetwork",
    "PySide6.QtNetworkAuth",
    "PySide6.QtNfc",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtPositioning",
    "PySide6.QtPrintSupport",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuick3D",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest",
    "PySide6.QtQuickWidgets",
    "PySide6.QtRemoteObjects",
    "PySide6.QtScxml",
    "PySide6.QtSensors",
    "PySide6.QtSerialBus",
    "PySide6.QtSerialPort",
    "PySide6.QtSpatialAudio",
    "PySide6.QtSql",
    "PySide6.QtStateMachine",
    "PySide6.QtTest",
    "PySide6.QtTextToSpeech",
    "PySide6.QtUiTools",
    "PySide6.QtWebChannel",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebSockets",
    "PySide6.QtWebView",
    "PySide6.QtXml",
]
# Imported by pyqtgraph or numba only when installed or asked for; and our dev tools.
OPTIONAL_EXTRAS = [
    "tkinter",
    "_tkinter",
    "matplotlib",
    "OpenGL",
    "OpenGL_accelerate",
    "pyqtgraph.opengl",
    "pyqtgraph.examples",
    "pyqtgraph.jupyter",
    "jupyter_rfb",
    "cupy",
    "h5py",
    "scipy",
    "pandas",
    "PIL",
    "colorcet",
    "metaarray",
    "IPython",
    "numba.cuda",
    "numba.np.ufunc.tbbpool",
    "tbb",
    "readline",
    "pytest",
    "_pytest",
    "hypothesis",
    "pytestqt",
    "PyInstaller",
]


# Packaging tools, reached only through numba's AOT compiler (numba.pycc), its test
# suite and numpy.distutils, none of which the app runs. Bundled, they also bring
# PyInstaller's runtime hooks for setuptools and pkg_resources, which import both at
# every launch before main.py: about 0.25 s of the frozen app's first window
# (frozen / source 1.72x in the CI run of 2026-11-29).
BUILD_TOOLS = [
    "setuptools",
    "pkg_resources",
    "distutils",
    "numba.pycc",
    "numba.tests",
    "numpy.distutils",
]


def excludes() -> list[str]:
    return OTHER_QT_BINDINGS + UNUSED_QT_MODULES + OPTIONAL_EXTRAS + BUILD_TOOLS


# --- data -----------------------------------------------------------------------------------

NOT_BUNDLED_SUFFIXES = {".ico", ".icns", ".desktop"}  # for installers and the build, not the app


def resource_datas() -> list[tuple[str, str]]:
    """``resources/`` to ``sys._MEIPASS/resources``, where app.resources looks."""
    datas = []
    for path in sorted((ROOT / "resources").rglob("*")):
        if path.is_file() and path.suffix not in NOT_BUNDLED_SUFFIXES and "__pycache__" not in path.parts:
            datas.append((str(path), str(path.parent.relative_to(ROOT))))
    return datas


# --- Qt plugins we do not ship (Linux) ------------------------------------------------------

# Platform plugins for embedded devices and remote framebuffers, their input plugins,
# and the GTK 3 theme plugin: the last drags GTK's whole stack (cairo, pango,
# harfbuzz, gdk-pixbuf, ...) from the build machine into the app, where it can clash
# with the teacher's own GTK. Qt falls back to its Fusion look, or to the XDG portal.
UNWANTED_QT_PLUGINS = (
    "platformthemes/libqgtk3.so",
    "platforms/libqeglfs.so",
    "platforms/libqlinuxfb.so",
    "platforms/libqminimalegl.so",
    "platforms/libqvnc.so",
    "platforms/libqvkkhrdisplay.so",
    "generic/",
    "egldeviceintegrations/",
)


def is_unwanted_qt_plugin(dest: str) -> bool:
    path = PurePosixPath(dest.replace("\\", "/")).as_posix()
    if "/Qt/plugins/" not in path:
        return False
    rel = path.split("/Qt/plugins/", 1)[1]
    return any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in UNWANTED_QT_PLUGINS)


def prune_binaries(binaries, datas, needed):
    """Drop unwanted Qt plugins and the libraries only they needed.

    ``binaries`` and ``datas`` are PyInstaller TOC lists of (dest, src, typecode);
    ``needed(src)`` gives the library names a binary links against. A library goes
    only if a dropped binary needed it and nothing kept does. Returns the new
    (binaries, datas, dropped dest names).
    """
    dropped = {dest for dest, _, _ in binaries if is_unwanted_qt_plugin(dest)}
    kept = [e for e in binaries if e[0] not in dropped]
    candidates = set()
    for dest, src, _ in binaries:
        if dest in dropped:
            candidates |= set(needed(src))
    while True:
        still_needed = set()
        for _, src, _ in kept:
            still_needed |= set(needed(src))
        orphans = [
            e
            for e in kept
            if PurePosixPath(e[0]).name in candidates and PurePosixPath(e[0]).name not in still_needed
        ]
        if not orphans:
            break
        for e in orphans:
            kept.remove(e)
            dropped.add(e[0])
            candidates |= set(needed(e[1]))
    dropped_names = {PurePosixPath(d).name for d in dropped}
    kept_datas = [
        e
        for e in datas
        if not (e[2] == "SYMLINK" and (e[1] in dropped or PurePosixPath(e[0]).name in dropped_names))
    ]
    return kept, kept_datas, sorted(dropped)


def linked_libraries(src: str) -> set[str]:
    """Names of the shared libraries a binary links against (PyInstaller's own reader)."""
    from PyInstaller.depend import bindepend

    return {PurePosixPath(name).name for name, _ in bindepend.get_imports(src)}


# --- the interpreter's debug information (Linux) --------------------------------------------


def interpreter_files(binaries) -> list[int]:
    """Indexes of entries that are CPython's own: libpython and lib-dynload modules.

    Only these get ``strip --strip-debug``: a Python built from source (pyenv) keeps
    ~25 MB of debug information in them. Never the wheels' libraries: stripping
    numpy's OpenBLAS (patched by auditwheel) breaks it, hence no ``strip=True``.
    """
    base = Path(sys.base_prefix).resolve()
    stdlib_dynload = base / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "lib-dynload"
    found = []
    for i, (_, src, _) in enumerate(binaries):
        p = Path(src).resolve()
        name = p.name
        if (name.startswith("libpython") and base in p.parents) or stdlib_dynload in p.parents:
            found.append(i)
    return found


def strip_interpreter_debug_info(binaries, workdir: Path):
    """Replace the interpreter's binaries by copies without debug sections."""
    strip = shutil.which("strip")
    if not sys.platform.startswith("linux") or not strip:
        return binaries
    out = list(binaries)
    for i in interpreter_files(binaries):
        dest, src, typecode = out[i]
        target = workdir / "stripped" / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([strip, "--strip-debug", "-o", str(target), src], check=True)
        out[i] = (dest, str(target), typecode)
    return out


# --- licences -------------------------------------------------------------------------------

LICENSED_DISTRIBUTIONS = {
    # distribution: (what it is, licence)
    "PySide6_Essentials": ("Qt for Python (PySide6) with the Qt 6 libraries", "LGPL-3.0-only"),
    "shiboken6": ("Shiboken, PySide6's binding runtime", "LGPL-3.0-only"),
    "numpy": ("NumPy, with OpenBLAS and the GCC runtime libraries", "BSD-3-Clause and others (see files)"),
    "numba": ("Numba", "BSD-2-Clause"),
    "llvmlite": ("llvmlite, with LLVM", "BSD-2-Clause; LLVM: Apache-2.0 WITH LLVM-exception"),
    "pyqtgraph": ("pyqtgraph", "MIT; its CET colour maps: CC-BY-4.0"),
}
LICENCE_WORDS = ("LICEN", "COPYING", "NOTICE")


def licence_files() -> list[tuple[Path, str]]:
    """(source file, path under licenses/) for everything the app ships.

    PySide6's wheels carry no licence text of their own (their METADATA declares
    LGPL-3.0-only OR GPL), so the LGPL v3 and the GPL v3 it builds on are kept in
    build_spec/licenses/ and shipped as Qt-PySide6/.
    """
    files = [(p, f"Qt-PySide6/{p.name}") for p in sorted((SPEC_DIR / "licenses").glob("*.txt"))]
    for dist_name in LICENSED_DISTRIBUTIONS:
        dist = metadata.distribution(dist_name)
        for f in dist.files or ():
            if any(word in f.name.upper() for word in LICENCE_WORDS):
                parts = f.parts[1:] if f.parts[0].endswith(".dist-info") else f.parts
                files.append((Path(dist.locate_file(f)), f"{dist_name}/{PurePosixPath(*parts)}"))
        meta = [f for f in dist.files or () if f.name == "METADATA" and f.parts[0].endswith(".dist-info")]
        if dist_name in ("PySide6_Essentials", "shiboken6"):
            files += [(Path(dist.locate_file(f)), f"{dist_name}/METADATA") for f in meta[:1]]
    pyver = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    for candidate in (
        Path(sys.base_prefix) / "LICENSE.txt",
        Path(sys.base_prefix) / "lib" / pyver / "LICENSE.txt",
    ):
        if candidate.is_file():
            files.append((candidate, "Python/LICENSE.txt"))
            break
    pyi = metadata.distribution("pyinstaller")
    files += [
        (Path(pyi.locate_file(f)), "PyInstaller-bootloader/COPYING.txt")
        for f in pyi.files or ()
        if f.name == "COPYING.txt"
    ][:1]
    return files


def licences_readme() -> str:
    rows = "\n".join(
        f"  {metadata.version(d):<10} {what}\n             licence: {lic}"
        for d, (what, lic) in LICENSED_DISTRIBUTIONS.items()
    )
    pyside = metadata.version("PySide6_Essentials")
    qt_lib = "_internal/PySide6/Qt/lib" if sys.platform.startswith("linux") else "_internal/PySide6"
    return f"""Attention Lab {version()}: third-party software inside this folder
=================================================================

Attention Lab itself is MIT-licensed. It ships with:

{rows}
  {sys.version.split()[0]:<10} Python: the interpreter and its standard library
             licence: PSF-2.0 (Python/LICENSE.txt)
  {metadata.version("pyinstaller"):<10} PyInstaller's bootloader, which starts the app
             licence: GPL-2.0-or-later with the bootloader exception (PyInstaller-bootloader/)

Qt and PySide6 {pyside} are used under the GNU Lesser General Public License v3
(Qt-PySide6/LGPL-3.0.txt, which adds to Qt-PySide6/GPL-3.0.txt). They are shipped
unmodified, as separate shared libraries (in {qt_lib}/ of the one-folder
app), so you may replace them with your own build of the same Qt and PySide6
version. Their source code:
  https://download.qt.io/official_releases/qt/                    (Qt)
  https://download.qt.io/official_releases/QtForPython/pyside6/   (PySide6)
  https://code.qt.io/cgit/pyside/pyside-setup.git/                (PySide6, git)

Each folder here holds the licence files of one component, copied from its package.
"""


def install_licences(target: Path) -> list[Path]:
    """Copy every licence file and a README into ``target``; returns the files written."""
    files = licence_files()
    missing = [str(src) for src, _ in files if not src.is_file()]
    if missing:
        raise SystemExit(f"Licence files missing: {missing}")
    if target.exists():
        shutil.rmtree(target)
    written = []
    for src, rel in files:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        written.append(dest)
    readme = target / "README.txt"
    readme.write_text(licences_readme(), encoding="utf-8")
    return [*written, readme]


# --- desktop integration (Linux) ------------------------------------------------------------


def install_desktop_files(folder: Path) -> None:
    """The .desktop entry, the icon and the script that installs both, beside the app."""
    share = folder / "share"
    share.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "resources" / "attention-lab.desktop", share / "attention-lab.desktop")
    shutil.copyfile(ROOT / "resources" / "icons" / "attention-lab.svg", share / "attention-lab.svg")
    shutil.copyfile(ROOT / "resources" / "icons" / "attention-lab-256.png", share / "attention-lab.png")
    script = folder / "install-desktop-entry.sh"
    shutil.copyfile(SPEC_DIR / "install-desktop-entry.sh", script)
    script.chmod(0o755)
