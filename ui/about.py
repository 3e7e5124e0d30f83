"""The About box: version, and the third-party software inside with its licences."""

from __future__ import annotations

import platform

import numpy
import pyqtgraph
import PySide6
from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtWidgets import QMessageBox

from app.version import __version__


def third_party() -> list[tuple[str, str, str]]:
    """(name, version, licence) of every library shipped inside the app."""
    # Imported here, not at the top: importing numba takes ~0.4 s, which the window's
    # start-up would pay just to build the Help menu. By the time the box opens the
    # engine's background warm-up has usually imported it anyway.
    import numba

    return [
        (
            "Qt",
            qVersion(),
            QCoreApplication.translate(
                "about", "LGPL v3 (kept as separate shared libraries; licence texts ship with the app)"
            ),
        ),
        ("PySide6 (Qt for Python)", PySide6.__version__, "LGPL v3"),
        ("pyqtgraph", pyqtgraph.__version__, "MIT"),
        ("NumPy", numpy.__version__, "BSD 3-Clause"),
        ("Numba", numba.__version__, "BSD 2-Clause"),
        ("llvmlite / LLVM", _llvmlite_version(), "BSD 2-Clause / Apache 2.0 with LLVM exception"),
    ]


def _llvmlite_version() -> str:
    import llvmlite

    return llvmlite.__version__


def about_html() -> str:
    rows = "".join(f"<tr><td>{n}</td><td>{v}</td><td>{lic}</td></tr>" for n, v, lic in third_party())
    translate = QCoreApplication.translate  # lupdate finds translate("context", "text")
    heading = translate("about", "Attention Lab {version}").format(version=__version__)
    summary = translate(
        "about",
        "An offline laboratory for self-attention: change the tokens, the matrices and "
        "the heads, and watch the attention weights answer.",
    )
    built = translate("about", "Python {version}. Built with:").format(version=platform.python_version())
    software, version, licence = (
        translate("about", "Software"),
        translate("about", "Version"),
        translate("about", "Licence"),
    )
    return (
        f"<h3>{heading}</h3><p>{summary}</p><p>{built}</p>"
        f"<table cellspacing='6'><tr><th align='left'>{software}</th><th align='left'>{version}</th>"
        f"<th align='left'>{licence}</th></tr>{rows}</table>"
    )


def show_about(parent) -> None:
    QMessageBox.about(parent, QCoreApplication.translate("about", "About Attention Lab"), about_html())
