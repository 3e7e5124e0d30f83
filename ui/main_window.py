"""The main window: wires the session to the controls and views, and lays them out.

Thin on purpose: no maths and no state of its own beyond Qt's window layout.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QScrollArea

from app.selection import Selection
from engine import backend
from ui.about import show_about
from ui.attention_view import AttentionView
from ui.controls import ControlPanel
from ui.view_registry import view_specs

WINDOW_TITLE = "Attention Lab"


class MainWindow(QMainWindow):
    """Controls on the left, the selected head's heatmap in the centre."""

    def __init__(self, session, *, remember_layout: bool = True, parent=None):
        super().__init__(parent)
        self.session = session
        self.selection = Selection(session, self)
        self._remember_layout = remember_layout
        self.setWindowTitle(WINDOW_TITLE)
        self.setObjectName("MainWindow")

        self.attention_view = AttentionView(session, self.selection)
        self.setCentralWidget(self.attention_view)

        self.controls = ControlPanel(session, self.selection)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.controls_dock = QDockWidget("Controls", self)
        self.controls_dock.setObjectName("ControlsDock")
        self.controls_dock.setWidget(scroll)
        self.controls_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        # Wide enough for the panel's longest row; the scroll area never scrolls sideways.
        self.controls_dock.setMinimumWidth(self.controls.minimumSizeHint().width() + 24)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.controls_dock)

        self.docks: dict[str, QDockWidget] = {}
        self._shown_once = False
        self._layout_restored = False
        self._build_menus()
        self._add_views()
        self._engine_label = QLabel()
        self.statusBar().addPermanentWidget(self._engine_label)
        self._engine_timer = QTimer(self, interval=400, timeout=self._update_engine_status)
        self._engine_timer.start()
        self._update_engine_status()
        self.resize(1600, 1000)
        if remember_layout:
            self._restore_layout()

    def _build_menus(self) -> None:
        stack = self.session.undo_stack
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close)
        file_menu.addAction(quit_action)

        edit_menu = self.menuBar().addMenu("&Edit")
        undo = stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)

        self.view_menu = self.menuBar().addMenu("&View")
        self.view_menu.addAction(self.controls_dock.toggleViewAction())

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(QAction("&About Attention Lab", self, triggered=lambda: show_about(self)))

    def _add_views(self) -> None:
        """One dock per registered view; the views of a group start as tabs of one dock area."""
        first_of_group: dict[str, QDockWidget] = {}
        for spec in view_specs():
            dock = QDockWidget(spec.title, self)
            dock.setObjectName(f"{spec.key}Dock")
            dock.setWidget(spec.factory(self.session, self.selection))
            if spec.group in first_of_group:
                self.tabifyDockWidget(first_of_group[spec.group], dock)
            else:
                self.addDockWidget(spec.area, dock)
                first_of_group[spec.group] = dock
            self.docks[spec.key] = dock
            self.view_menu.addAction(dock.toggleViewAction())
        for dock in first_of_group.values():
            dock.raise_()
        self._first_docks = list(first_of_group.values())

    def _size_docks(self) -> None:
        """Start with the central heatmap largest: docks below take a third of the height,
        docks on the right about a third of the width (Qt ignores this before the first show)."""
        for dock in self._first_docks:
            area = self.dockWidgetArea(dock)
            if area == Qt.DockWidgetArea.BottomDockWidgetArea:
                self.resizeDocks([dock], [int(self.height() * 0.33)], Qt.Orientation.Vertical)
            elif area == Qt.DockWidgetArea.RightDockWidgetArea:
                self.resizeDocks([dock], [int(self.width() * 0.34)], Qt.Orientation.Horizontal)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if not self._layout_restored:
                QTimer.singleShot(0, self._size_docks)  # after the first layout pass

    def _update_engine_status(self) -> None:
        result = self.session.result
        computed = f" \u2014 last result by {result.backend}" if result is not None else ""
        self._engine_label.setText(backend.status() + computed)
        if not backend.warming_up():
            self._engine_timer.setInterval(2000)

    # --- remembered layout -------------------------------------------------------------

    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self._layout_restored = self.restoreState(state)

    def closeEvent(self, event) -> None:
        if self._remember_layout:
            settings = QSettings()
            settings.setValue("window/geometry", self.saveGeometry())
            settings.setValue("window/state", self.saveState())
        super().closeEvent(event)
