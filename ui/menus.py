"""The menu bar, with a keyboard shortcut for everything a presenter does.

Shortcuts avoid single letters, which would fire while a student types a sentence.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from ui.about import show_about

# (text, shortcut, what it does) for the presenter's actions; also listed in Help.
PRESENTER_KEYS = {
    "next_step": ("Next lesson step", "PgDown"),
    "previous_step": ("Previous lesson step", "PgUp"),
    "next_head": ("Next head", "Ctrl+]"),
    "previous_head": ("Previous head", "Ctrl+["),
    "toggle_positions": ("Positions on/off", "Ctrl+Shift+P"),
    "toggle_mask": ("Causal mask on/off", "Ctrl+Shift+M"),
    "presentation": ("Presentation mode", "F11"),
}


def _action(window, key: str, slot, checkable: bool = False) -> QAction:
    text, shortcut = PRESENTER_KEYS[key]
    action = QAction(text, window, triggered=slot, checkable=checkable)
    action.setShortcut(QKeySequence(shortcut))
    window.addAction(action)  # the shortcut works even when the menu bar is hidden (full screen)
    return action


def build_menus(window) -> None:
    """File, Edit, View, Lesson and Help menus for :class:`ui.main_window.MainWindow`."""
    session, selection, lessons = window.session, window.selection, window.lessons
    bar = window.menuBar()

    file_menu = bar.addMenu("&File")
    window.files.build(file_menu)
    file_menu.addAction(
        QAction("&Quit", window, shortcut=QKeySequence.StandardKey.Quit, triggered=window.close)
    )

    edit_menu = bar.addMenu("&Edit")
    undo = session.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = session.undo_stack.createRedoAction(window, "&Redo")
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
    preferences = QAction("Preferences\u2026", window, triggered=window.open_preferences)
    preferences.setShortcut(QKeySequence.StandardKey.Preferences)
    edit_menu.addAction(preferences)

    window.view_menu = bar.addMenu("&View")
    window.view_menu.addAction(_action(window, "next_head", lambda: step_head(1)))
    window.view_menu.addAction(_action(window, "previous_head", lambda: step_head(-1)))
    window.presentation_action = _action(window, "presentation", window.set_presentation, checkable=True)
    window.view_menu.addAction(window.presentation_action)
    window.view_menu.addSeparator()
    window.view_menu.addAction(window.controls_dock.toggleViewAction())

    lesson_menu = bar.addMenu("&Lesson")
    lesson_menu.addAction(_action(window, "next_step", lessons.next))
    lesson_menu.addAction(_action(window, "previous_step", lessons.previous))
    lesson_menu.addAction(QAction("Stop the lesson", window, triggered=lessons.stop))

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(QAction("&About Attention Lab", window, triggered=lambda: show_about(window)))
