"""Per-user folders, computed without Qt so ``main.py`` can use them before imports."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "AttentionLab"


def user_cache_dir() -> Path:
    """Where caches live: %LOCALAPPDATA% on Windows, ~/Library/Caches, or XDG."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / APP_DIR_NAME


def user_data_dir() -> Path:
    """Where the app keeps the user's own files (autosave): %APPDATA%, Application Support or XDG."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME


def numba_cache_dir() -> Path:
    """Compiled kernels, one folder per user, whatever folder the app starts from.

    Numba's default (next to the source, or keyed on the working directory when
    frozen) would recompile on every launch from a new folder.
    """
    return user_cache_dir() / "numba"
