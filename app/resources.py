"""Find the files in ``resources/``, from source and from the frozen app alike.

PyInstaller unpacks data next to the executable (``sys._MEIPASS``); from source the
folder sits at the repository root. Every caller goes through :func:`resource_path`
so there is exactly one place that knows the difference.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    root = Path(frozen_root) if frozen_root else Path(__file__).resolve().parent.parent
    return root / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``; raises FileNotFoundError naming it if missing."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"Attention Lab resource missing: {path}. The installation is incomplete.")
    return path
