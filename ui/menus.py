"""The menu bar, with a keyboard shortcut for everything a presenter does.

Shortcuts avoid single letters, which would fire while a student types a sentence.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QKeySequence

# (text, shortcut) for the presenter's actions; also listed in Help. The texts are
# marked for translation (context "menus") and translated when an action is made.
PRESENTER_KEYS = {
    "next_step": (QT_TRANSLATE_NOOP("menus", "Next lesson step"), "PgDown"),
    "previous_step": (QT_TRANSLATE_NOOP("menus", "Previous lesson step"), "PgUp"),
    "next_head": (QT_TRANSLATE_NOOP("menus", "Next head"), "Ctrl+]"),
    "previous_head": (QT_TRANSLATE_NOOP("menus", "Previous head"), "Ctrl+["),
    "toggle_positions": (QT_TRANSLATE_NOOP("menus", "Positions on/off"), "Ctrl+Shift+P"),
    "toggle_mask": (QT_TRANSLATE_NOOP("menus", "Causal mask on/off"), "Ctrl+Shift+M"),
    "presentation": (QT_TRANSLATE_NOOP("menus", "Presentation mode"), "F11"),
}


def _action(window, key: str, slot, checkable: bool = False) -> QAction:
    text, shortcut = PRESENTER_KEYS[key]
    action = QAction(QCoreApplication.translate("menus", text), window, triggered=slot, checkable=checkable)
    action.setShortcut(QKeySequence(shortcut))
    window.addAction(action)  # the shortcut works even when the menu bar is hidden (full screen)
    return action


def build_menu_bar(window) -> None:
    """The menu bar's five menus, for the window's first frame: before the session exists.

    Only the View menu's dock entries (added by the window) and Help are filled now;
    :func:`fill_menus` adds the rest once the session is there.
    """
    bar = window.menuBar()
    window.file_menu = bar.addMenu(QCoreApplication.translate("menus", "&File"))
    window.edit_menu = bar.addMenu(QCoreApplication.translate("menus", "&Edit"))
    window.view_menu = bar.addMenu(QCoreApplication.translate("menus", "&View"))
    window.lesson_menu = bar.addMenu(QCoreApplication.translate("menus", "&Lesson"))
    help_menu = bar.addMenu(QCoreApplication.translate("menus", "&Help"))
    help_menu.addAction(
        QAction(
            QCoreApplication.translate("menus", "&About Attention Lab"),
            window,
            triggered=lambda: _show_about(window),
        )
    )


def fill_menus(window) -> None:
    """File, Edit, View and Lesson entries for :class:`ui.main_window.MainWindow`."""
    session, selection, lessons = window.session, window.selection, window.lessons

    file_menu = window.file_menu
    window.files.build(file_menu)
    file_menu.addAction(
        QAction(
            QCoreApplication.translate("menus", "&Quit"),
            window,
            shortcut=QKeySequence.StandardKey.Quit,
            triggered=window.close,
        )
    )

    edit_menu = window.edit_menu
    undo = session.undo_stack.createUndoAction(window, QCoreApplication.translate("menus", "&Undo"))
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = session.undo_stack.createRedoAction(window, QCoreApplication.translate("menus", "&Redo"))
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    edit_menu.addActions([undo, redo])
    edit_menu.addSeparator()

    def toggle_positions():
        state = session.state
        session.set_positions("none" if state.positions != "none" else "sinusoidal")

    def step_head(delta: int):
        selection.set_head((selection.head + delta) % session.state.n_heads)

    edit_menu.addAction(_action(window, "toggle_positions", toggle_positions))
    edit_menu.addAction(_action(window, "toggle_mask", lambda: session.set_causal(not session.state.causal)))
    edit_menu.addSeparator()
    preferences = QAction(
        QCoreApplication.translate("menus", "Preferences\u2026"), window, triggered=window.open_preferences
    )
    preferences.setShortcut(QKeySequence.StandardKey.Preferences)
    edit_menu.addAction(preferences)

    # Above the dock entries the window put there for its first frame.
    view_menu = window.view_menu
    docks = view_menu.actions()[0] if view_menu.actions() else None
    window.presentation_action = _action(window, "presentation", window.set_presentation, checkable=True)
    view_menu.insertActions(
        docks,
        [
            _action(window, "next_head", lambda: step_head(1)),
            _action(window, "previous_head", lambda: step_head(-1)),
            window.presentation_action,
        ],
    )
    view_menu.insertSeparator(docks)

    lesson_menu = window.lesson_menu
    lesson_menu.addAction(_action(window, "next_step", lessons.next))
    lesson_menu.addAction(_action(window, "previous_step", lessons.previous))
    lesson_menu.addAction(
        QAction(QCoreApplication.translate("menus", "Stop the lesson"), window, triggered=lessons.stop)
    )


def _show_about(window) -> None:
    # Imported when asked for: it names pyqtgraph's and numpy's versions, and the menus
    # are built before the window's first paint, when neither may be imported yet.
    from ui.about import show_about

    show_about(window)
