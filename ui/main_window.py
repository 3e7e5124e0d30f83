"""The main window: wires the session to the controls and views, and lays them out.

Thin on purpose: no maths and no state of its own beyond Qt's window layout.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QScrollArea, QTabBar

from app.lessons import LessonRunner
from app.selection import Selection
from app.settings import COLORMAPS
from engine import backend
from ui.attention_view import AttentionView
from ui.controls import ControlPanel
from ui.file_actions import FileActions
from ui.lesson_panel import LessonPanel
from ui.menus import build_menus
from ui.preferences_dialog import PreferencesDialog
from ui.presentation import Presentation
from ui.view_registry import view_specs

WINDOW_TITLE = QT_TRANSLATE_NOOP("main_window", "Attention Lab")


class MainWindow(QMainWindow):
    """Controls on the left, the selected head's heatmap in the centre."""

    def __init__(self, session, *, remember_layout: bool = True, autosave: bool = False, parent=None):
        super().__init__(parent)
        self.session = session
        self.selection = Selection(session, self)
        self.lessons = LessonRunner(session, self.selection, self)
        self.files = FileActions(self, session, self.lessons, autosave=autosave)
        self._remember_layout = remember_layout
        self.setWindowTitle(QCoreApplication.translate("main_window", WINDOW_TITLE))
        self.setObjectName("MainWindow")

        self.attention_view = AttentionView(session, self.selection)
        self.setCentralWidget(self.attention_view)

        self.controls = ControlPanel(session, self.selection)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.controls_dock = QDockWidget(self.tr("Controls"), self)
        self.controls_dock.setObjectName("ControlsDock")
        self.controls_dock.setWidget(scroll)
        self.controls_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.fit_controls()
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.controls_dock)

        self.docks: dict[str, QDockWidget] = {}
        self._shown_once = False
        self._layout_restored = False
        build_menus(self)
        self._add_views()
        self._add_lesson_panel()
        self.presentation = Presentation(self, self.files.prefs)
        self.apply_colormap(self.files.prefs.colormap)
        self.attention_view.colours.currentIndexChanged.connect(self._remember_colormap)
        self._engine_label = QLabel()
        self.statusBar().addPermanentWidget(self._engine_label)
        self._engine_timer = QTimer(self, interval=400, timeout=self._update_engine_status)
        self._engine_timer.start()
        self._update_engine_status()
        self.resize(1600, 1000)
        if remember_layout:
            self._restore_layout()

    def fit_controls(self) -> None:
        """Wide enough for the panel's longest row (again after a font change); the
        scroll area never scrolls sideways."""
        self.controls_dock.setMinimumWidth(self.controls.minimumSizeHint().width() + 24)

    def _add_lesson_panel(self) -> None:
        """The lesson panel shares the left side with the controls, as a second tab."""
        conceal = [self.attention_view] + [
            self.docks[key].widget() for key in ("all_heads", "lines", "steps") if key in self.docks
        ]
        self.lesson_panel = LessonPanel(self.lessons, self.session, conceal)
        self.lesson_dock = QDockWidget(self.tr("Lesson"), self)
        self.lesson_dock.setObjectName("LessonDock")
        self.lesson_dock.setWidget(self.lesson_panel)
        self.tabifyDockWidget(self.controls_dock, self.lesson_dock)
        self.controls_dock.raise_()
        self.view_menu.addAction(self.lesson_dock.toggleViewAction())
        self.lessons.sigStepChanged.connect(self._on_lesson_step)
        self.lessons.sigShowView.connect(self.show_view)

    def _on_lesson_step(self, lesson, _step: int) -> None:
        if lesson is not None:
            self.lesson_dock.show()
            self.lesson_dock.raise_()

    def show_view(self, key: str) -> None:
        """Bring a view's dock forward (a lesson step asks for it)."""
        dock = self.docks.get(key)
        if dock is not None:
            dock.show()
            dock.raise_()

    def open_preferences(self) -> None:
        PreferencesDialog(self, self.files.prefs).exec()

    def apply_colormap(self, key: str) -> None:
        """Show the heatmap in this colour map (the combo in its header follows)."""
        combo = self.attention_view.colours
        index = combo.findData(key)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _remember_colormap(self, index: int) -> None:
        key = self.attention_view.colours.itemData(index)
        if key in COLORMAPS:
            self.files.prefs.colormap = key

    def set_presentation(self, on: bool) -> None:
        self.presentation.set_active(on)
        self.presentation_action.setChecked(self.presentation.active)

    def _add_views(self) -> None:
        """One dock per registered view; the views of an area start as tabs of one stack.

        Groups sharing an area are tabbed too, not split: two stacked halves of the
        right-hand side were too short for a 16-row matrix or a grid of heads. The first
        group of each area is the tab shown at start. The controls run the full height;
        the bottom area runs under the centre and the right, wide enough for a row of
        matrices.
        """
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        first_of_group: dict[str, QDockWidget] = {}
        first_in_area: dict[Qt.DockWidgetArea, QDockWidget] = {}
        for spec in view_specs():
            dock = QDockWidget(spec.title, self)
            dock.setObjectName(f"{spec.key}Dock")
            dock.setWidget(spec.factory(self.session, self.selection))
            if spec.group in first_of_group:
                self.tabifyDockWidget(first_of_group[spec.group], dock)
            elif spec.area in first_in_area:
                self.tabifyDockWidget(first_in_area[spec.area], dock)
                first_of_group[spec.group] = dock
            else:
                self.addDockWidget(spec.area, dock)
                first_of_group[spec.group] = first_in_area[spec.area] = dock
            self.docks[spec.key] = dock
            self.view_menu.addAction(dock.toggleViewAction())
        for dock in first_in_area.values():
            dock.raise_()
        self._first_docks = list(first_of_group.values())
        self._hide_stray_tab_bars()
        # Tabbing docks in a second area makes Qt 6.11 activate the layout early and fix
        # the window's minimum size before it is shown (so a remembered size smaller than
        # the docks' minimum is lost). Leave that to the first show, as with one area.
        self.setMinimumSize(0, 0)

    def _hide_stray_tab_bars(self) -> None:
        """Hide dock tab bars that no longer match a group of tabbed docks.

        With two dock areas holding tabs, Qt 6.11 can leave a stale copy of a tab bar
        (the group's first two tabs) visible over the centre of the window.
        """
        by_title = {dock.windowTitle(): dock for dock in self.docks.values()}
        for bar in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            titles = {bar.tabText(i) for i in range(bar.count())}
            dock = by_title.get(bar.tabText(0)) if bar.count() else None
            group = set()
            if dock is not None:
                group = {dock.windowTitle()} | {d.windowTitle() for d in self.tabifiedDockWidgets(dock)}
            if titles != group:
                bar.hide()

    def _size_docks(self) -> None:
        """Start with the central heatmap largest: docks below take 40% of the height,
        docks on the right 40% of the width (Qt ignores this before the first show)."""
        for dock in self._first_docks:
            area = self.dockWidgetArea(dock)
            if area == Qt.DockWidgetArea.BottomDockWidgetArea:
                self.resizeDocks([dock], [int(self.height() * 0.40)], Qt.Orientation.Vertical)
            elif area == Qt.DockWidgetArea.RightDockWidgetArea:
                self.resizeDocks([dock], [int(self.width() * 0.40)], Qt.Orientation.Horizontal)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if not self._layout_restored:
                QTimer.singleShot(0, self._size_docks)  # after the first layout pass

    def _update_engine_status(self) -> None:
        result = self.session.result
        computed = ""
        if result is not None:
            computed = " \u2014 " + self.tr("last result by {backend}").format(backend=result.backend)
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
        for dock in self.docks.values():  # views with worker threads stop them first
            shutdown = getattr(dock.widget(), "shutdown", None)
            if shutdown is not None:
                shutdown()
        self.files.clean_exit()
        if self._remember_layout:
            settings = QSettings()
            settings.setValue("window/geometry", self.saveGeometry())
            settings.setValue("window/state", self.saveState())
        super().closeEvent(event)
