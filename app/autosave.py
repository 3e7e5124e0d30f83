"""Autosave and crash recovery: the work is written to a per-user file every so often.

A clean exit removes the file; if it is still there at the next start, the previous
run ended without saying goodbye, and the app offers to bring that work back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from app.paths import user_data_dir
from app.session_file import SessionFileError, load_session, save_session

AUTOSAVE_NAME = "autosave.attnlab"
INTERVAL_MS = 20_000


def autosave_path() -> Path:
    return user_data_dir() / AUTOSAVE_NAME


class Autosaver(QObject):
    """Writes the session to :func:`autosave_path` when it changed since the last write."""

    def __init__(self, session, lesson_position=lambda: None, path: Path | None = None, parent=None):
        super().__init__(parent)
        self._session = session
        self._lesson_position = lesson_position
        self.path = Path(path) if path else autosave_path()
        self._saved_state = None
        self.timer = QTimer(self, interval=INTERVAL_MS, timeout=self.save_now)

    def start(self) -> None:
        self.timer.start()

    def save_now(self) -> bool:
        """Write if anything changed; never raises (a full disk must not stop the lesson)."""
        state = self._session.state
        if state is self._saved_state:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            save_session(self.path, state, self._lesson_position())
        except (OSError, ValueError):
            return False
        self._saved_state = state
        return True

    def clean_exit(self) -> None:
        """The user closed the app normally: nothing to recover next time."""
        self.timer.stop()
        self.path.unlink(missing_ok=True)


def recoverable(path: Path | None = None):
    """The (state, lesson) left by a run that crashed, or None."""
    path = Path(path) if path else autosave_path()
    if not path.exists():
        return None
    try:
        return load_session(path)
    except SessionFileError:
        return None
