"""The File menu: new, open, save, recent files, export, copy as table; autosave and recovery.

Every failure is a message box that says what went wrong; the open work is never
replaced by a file that could not be read.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from app.autosave import Autosaver, recoverable
from app.export import EXPORT_SUFFIXES, export_snapshot, matrices_table, table_text, weights_table
from app.session_file import EXTENSION, SessionFileError, load_session, save_session
from app.settings import Preferences
from app.state import default_state
from ui.image_export import IMAGE_SUFFIXES, export_widget


# File-dialog filters, translated at call time (context "file_actions").
def session_filter() -> str:
    return QCoreApplication.translate("file_actions", "Attention Lab sessions (*{extension})").format(
        extension=EXTENSION
    )


def picture_filter() -> str:
    return QCoreApplication.translate("file_actions", "PNG picture (*.png);;SVG drawing (*.svg)")


def export_filter() -> str:
    return QCoreApplication.translate(
        "file_actions", "NumPy arrays (*.npz);;JSON (*.json);;Table of weights (*.csv)"
    )


class FileActions(QObject):
    """Builds the File menu for a main window and carries out its actions."""

    def __init__(
        self, window, session, lessons, preferences: Preferences | None = None, autosave: bool = True
    ):
        super().__init__(window)
        self._window = window
        self._session = session
        self._lessons = lessons
        self.prefs = preferences or Preferences()
        self.path: Path | None = None
        self.autosaver = Autosaver(session, lessons.position) if autosave else None
        session.undo_stack.cleanChanged.connect(self._update_title)

    # --- menu -------------------------------------------------------------------------

    def build(self, menu: QMenu) -> None:
        w = self._window

        def add(text, slot, shortcut=None, tip=""):
            action = QAction(text, w, triggered=slot)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.setStatusTip(tip)
            menu.addAction(action)
            return action

        add(
            self.tr("&New"),
            self.new,
            QKeySequence.StandardKey.New,
            self.tr("Start again from the bank sentence."),
        )
        add(
            self.tr("&Open\u2026"),
            self.open_dialog,
            QKeySequence.StandardKey.Open,
            self.tr("Open a saved session."),
        )
        self.recent_menu = menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        add(self.tr("&Save"), self.save, QKeySequence.StandardKey.Save, self.tr("Save the whole session."))
        add(
            self.tr("Save &as\u2026"),
            self.save_as,
            QKeySequence.StandardKey.SaveAs,
            self.tr("Save the session under a new name."),
        )
        menu.addSeparator()
        add(
            self.tr("&Export numbers\u2026"),
            self.export_dialog,
            "Ctrl+E",
            self.tr("Write every array to .npz, .json or .csv."),
        )
        add(
            self.tr("Save &heatmap as picture…"),
            self.save_heatmap_picture,
            None,
            self.tr("The heatmap as .png or .svg."),
        )
        add(
            self.tr("Save the &shown view as picture…"),
            self.save_view_picture,
            None,
            self.tr("The front view tab as .png or .svg."),
        )
        add(
            self.tr("Copy weights as &table"),
            self.copy_weights,
            "Ctrl+Shift+C",
            self.tr("Copy all weights, tab-separated."),
        )
        add(
            self.tr("Copy &matrices as table"),
            self.copy_matrices,
            None,
            self.tr("Copy every W entry, tab-separated."),
        )
        menu.addSeparator()

    # --- actions ----------------------------------------------------------------------

    def new(self) -> None:
        source = self._session.source
        state = default_state(
            tuple(source.tokenize("I went to the bank to deposit money near the river bank."))
        )
        self._session.replace_state(state, self.tr("New session"))
        self.path = None
        self._update_title()

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Open a session"), self._folder(), session_filter()
        )
        if path:
            self.open(path)

    def open(self, path) -> bool:
        """Open a session file; on any problem, say so and keep the current work."""
        try:
            state, lesson = load_session(path)
        except SessionFileError as exc:
            self._warn(self.tr("This session could not be opened"), str(exc))
            self.prefs.remove_recent_file(path)
            return False
        self._session.replace_state(state, self.tr("Open {name}").format(name=Path(path).name))
        self._resume_lesson(lesson)
        self.path = Path(path)
        self.prefs.add_recent_file(path)
        self._session.undo_stack.setClean()
        self._update_title()
        return True

    def save(self) -> bool:
        return self.save_as() if self.path is None else self._write(self.path)

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self._window, self.tr("Save the session"), self._folder(), session_filter()
        )
        if not path:
            return False
        if not path.endswith(EXTENSION):
            path += EXTENSION
        return self._write(Path(path))

    def _write(self, path: Path) -> bool:
        try:
            save_session(path, self._session.state, self._lessons.position())
        except (OSError, ValueError) as exc:
            self._warn(self.tr("The session could not be saved"), f"{path}: {exc}")
            return False
        self.path = path
        self.prefs.add_recent_file(path)
        self._session.undo_stack.setClean()
        self._update_title()
        self._window.statusBar().showMessage(self.tr("Saved {name}").format(name=path.name), 4000)
        return True

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self._window, self.tr("Export the numbers"), self._folder(), export_filter()
        )
        if not path:
            return
        if Path(path).suffix.lower() not in EXPORT_SUFFIXES:
            path += ".npz"
        try:
            export_snapshot(path, self._session.snapshot)
        except (OSError, ValueError) as exc:
            self._warn(self.tr("The numbers could not be exported"), str(exc))
            return
        self._window.statusBar().showMessage(self.tr("Exported {name}").format(name=Path(path).name), 4000)

    def save_heatmap_picture(self) -> None:
        self.save_picture(self._window.attention_view.heatmap, self.tr("heatmap"))

    def save_view_picture(self) -> None:
        """The view whose tab is in front and that is largest on screen (the one looked at)."""
        shown = [d for d in self._window.docks.values() if d.isVisible() and not d.visibleRegion().isEmpty()]
        if not shown:
            self._warn(self.tr("No view to save"), self.tr("Open a view from the View menu first."))
            return
        dock = max(shown, key=lambda d: d.width() * d.height())
        self.save_picture(dock.widget(), dock.windowTitle().lower().replace(" ", "-"))

    def save_picture(self, widget, name: str) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self._window,
            self.tr("Save as picture"),
            str(Path(self._folder()) / f"{name}.png"),
            picture_filter(),
        )
        if not path:
            return
        if Path(path).suffix.lower() not in IMAGE_SUFFIXES:
            path += ".png"
        try:
            export_widget(widget, path)
        except (OSError, ValueError) as exc:
            self._warn(self.tr("The picture could not be saved"), str(exc))
            return
        self._window.statusBar().showMessage(self.tr("Saved {name}").format(name=Path(path).name), 4000)

    def copy_weights(self) -> None:
        QGuiApplication.clipboard().setText(
            table_text(*weights_table(self._session.snapshot), delimiter="\t")
        )
        self._window.statusBar().showMessage(self.tr("Weights copied as a table"), 4000)

    def copy_matrices(self) -> None:
        names = self._session.feature_names()
        QGuiApplication.clipboard().setText(
            table_text(*matrices_table(self._session.state, names), delimiter="\t")
        )
        self._window.statusBar().showMessage(self.tr("Matrices copied as a table"), 4000)

    # --- recent files, autosave -------------------------------------------------------

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.prefs.recent_files()
        if not files:
            self.recent_menu.addAction(self.tr("(none yet)")).setEnabled(False)
        for f in files:
            self.recent_menu.addAction(Path(f).name, lambda f=f: self.open(f)).setStatusTip(f)

    def offer_recovery(self) -> bool:
        """If the last run crashed, offer its autosaved work; True when it was restored."""
        if self.autosaver is None:
            return False
        found = recoverable(self.autosaver.path)
        if found is None:
            return False
        answer = QMessageBox.question(
            self._window,
            self.tr("Recover your work?"),
            self.tr("Attention Lab did not close normally last time. Open the work it saved automatically?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        state, lesson = found
        self._session.replace_state(state, self.tr("Recover autosaved work"))
        self._resume_lesson(lesson)
        return True

    def _resume_lesson(self, lesson: dict | None) -> None:
        if lesson:
            # A lesson this version does not have: the work itself is open all the same.
            with contextlib.suppress(ValueError):
                self._lessons.start(lesson["name"], lesson["step"])

    def start_autosave(self) -> None:
        if self.autosaver is not None:
            self.autosaver.start()

    def clean_exit(self) -> None:
        if self.autosaver is not None:
            self.autosaver.clean_exit()

    # --- helpers ----------------------------------------------------------------------

    def _folder(self) -> str:
        if self.path is not None:
            return str(self.path.parent)
        recent = self.prefs.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def _warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self._window, title, text)

    def _update_title(self, clean: bool | None = None) -> None:
        # cleanChanged passes the answer: asking the stack could reach a deleted stack
        # while the session is being torn down.
        if clean is None:
            clean = self._session.undo_stack.isClean()
        name = self.path.name if self.path else self.tr("untitled")
        dirty = "" if clean else " *"
        self._window.setWindowTitle(
            self.tr("{name}{modified} \u2014 Attention Lab").format(name=name, modified=dirty)
        )
