"""The main window: wires the session to the controls and views, and lays them out.

Thin on purpose: no maths and no state of its own beyond Qt's window layout.

Start-up is staged so that the window appears about as fast as an empty Qt window.
The app first shows a shell, ``MainWindow(None)``: the frame, the menu bar, the
docks' tabs (so a remembered layout finds them) and, in the centre, a line saying
the heatmap is coming. Nothing it needs imports numpy, pyqtgraph or numba. After that
first paint the app makes the session and :meth:`MainWindow.attach` adds the
controls, the lesson panel and the menus' entries; then the heatmap replaces the
line, then the docked views are built, the ones in front first, one per turn of
the event loop so the window keeps responding; :attr:`MainWindow.sigViewsBuilt`
says when all are there. ``MainWindow(session)`` does the first two steps at once.
The builders (:attr:`MainWindow.attention_view`, :meth:`MainWindow.view`,
:attr:`MainWindow.presentation`) also run at once when something needs their widget
sooner (a test, a lesson step, a screenshot).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QByteArray,
    QCoreApplication,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QScrollArea, QTabBar

from app.selection import Selection
from app.settings import COLORMAPS, Preferences
from ui.menus import build_menu_bar, fill_menus
from ui.theme import apply_theme, font_before_theme
from ui.view_registry import view_specs

WINDOW_TITLE = QT_TRANSLATE_NOOP("main_window", "Attention Lab")
COMING = QT_TRANSLATE_NOOP("main_window", "Drawing the attention heatmap\u2026")


class MainWindow(QMainWindow):
    """Controls on the left, the selected head's heatmap in the centre.

    Signals
    -------
    sigFirstPainted()
        The window has painted for the first time.
    sigViewsBuilt()
        The heatmap and every docked view have been built.
    """

    sigFirstPainted = Signal()
    sigViewsBuilt = Signal()

    def __init__(
        self,
        session=None,
        *,
        remember_layout: bool = True,
        autosave: bool = False,
        preferences: Preferences | None = None,
        parent=None,
    ):
        super().__init__(parent)
        # Plot captions (axis titles, legends) keep the application font of the moment
        # they are made. The views used to be made here, before the theme set that font,
        # and are built later now: see _build().
        self._font_at_start = font_before_theme()
        self.session = None  # until attach()
        self._prefs = preferences or Preferences()
        self._autosave = autosave
        self._remember_layout = remember_layout
        self.setWindowTitle(QCoreApplication.translate("main_window", WINDOW_TITLE))
        self.setObjectName("MainWindow")

        self._attention_view = None  # the heatmap comes after the first paint
        self._presentation = None
        self._scale_from_prefs = False
        coming = QLabel(QCoreApplication.translate("main_window", COMING))
        coming.setAlignment(Qt.AlignmentFlag.AlignCenter)
        coming.setObjectName("heatmapComing")
        self.setCentralWidget(coming)

        self.controls_dock = QDockWidget(self.tr("Controls"), self)
        self.controls_dock.setObjectName("ControlsDock")
        self.controls_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.controls_dock)

        self.docks: dict[str, QDockWidget] = {}
        self._view_specs = {}
        self._building_views = False  # after the first paint: views build as their docks show
        self._painted = False
        self._shown_once = False
        self._layout_restored = False
        build_menu_bar(self)
        self.view_menu.addAction(self.controls_dock.toggleViewAction())
        self._add_views()
        self.lesson_dock = QDockWidget(self.tr("Lesson"), self)
        self.lesson_dock.setObjectName("LessonDock")
        self.tabifyDockWidget(self.controls_dock, self.lesson_dock)
        self.controls_dock.raise_()
        self.view_menu.addAction(self.lesson_dock.toggleViewAction())
        self._hide_stray_tab_bars()  # the left-hand pair too, whose docks are empty for now
        self._engine_label = QLabel()
        self.statusBar().addPermanentWidget(self._engine_label)
        self.resize(1600, 1000)
        if remember_layout:
            self._restore_layout()
        if session is not None:
            self.attach(session)

    def attach(self, session) -> None:
        """Give the window its session: controls, lesson panel, menu entries, status.

        Imported here, not at the top: these modules bring numpy, which the first
        frame does without.
        """
        from app.lessons import LessonRunner
        from ui.controls import ControlPanel
        from ui.file_actions import FileActions
        from ui.lesson_panel import LessonPanel

        self.session = session
        self.selection = Selection(session, self)
        self.lessons = LessonRunner(session, self.selection, self)
        self.files = FileActions(self, session, self.lessons, self._prefs, autosave=self._autosave)

        self.controls = ControlPanel(session, self.selection)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.controls_dock.setWidget(scroll)
        self.fit_controls()

        fill_menus(self)
        self.lesson_panel = LessonPanel(self.lessons, self.session, self._views_a_prediction_hides)
        self.lesson_dock.setWidget(self.lesson_panel)
        self.lessons.sigStepChanged.connect(self._on_lesson_step)
        self.lessons.sigShowView.connect(self.show_view)
        self._engine_timer = QTimer(self, interval=400, timeout=self._update_engine_status)
        self._engine_timer.start()
        self._update_engine_status()
        if self._painted:  # the shell has painted already: go on building
            QTimer.singleShot(0, self, self._build_after_first_paint)

    @property
    def prefs(self) -> Preferences:
        """The preferences in use: the File actions' once there (they save the recent files)."""
        files = getattr(self, "files", None)
        return files.prefs if files is not None else self._prefs

    @property
    def painted(self) -> bool:
        """True once the window has painted (its first frame is on screen)."""
        return self._painted

    def fit_controls(self) -> None:
        """Wide enough for the panel's longest row (again after a font change); the
        scroll area never scrolls sideways."""
        self.controls_dock.setMinimumWidth(self.controls.minimumSizeHint().width() + 24)

    def _on_lesson_step(self, lesson, _step: int) -> None:
        if lesson is not None:
            self.lesson_dock.show()
            self.lesson_dock.raise_()

    def _views_a_prediction_hides(self) -> list:
        hiding = [key for key in ("all_heads", "lines", "steps") if key in self.docks]
        return [self.attention_view] + [self.view(key) for key in hiding]

    def show_view(self, key: str) -> None:
        """Bring a view's dock forward (a lesson step asks for it)."""
        dock = self.docks.get(key)
        if dock is not None:
            self.view(key)
            dock.show()
            dock.raise_()

    def view(self, key: str):
        """The view in dock ``key``, built now if it was not built yet."""
        dock = self.docks[key]
        widget = dock.widget()
        if widget is None:
            widget = self._build(self._view_specs[key].factory)
            dock.setWidget(widget)
            self._scale_plots(widget)
        return widget

    @property
    def attention_view(self):
        """The central heatmap with its header, built now if it was not built yet."""
        if self._attention_view is None:
            from ui.attention_view import AttentionView

            view = self._attention_view = self._build(AttentionView)
            self.setCentralWidget(view)  # deletes the line that stood in for it
            if self.isVisible():
                # A child added to a shown window is otherwise shown from the event loop,
                # and until then the heatmap would hold back redraws as if hidden.
                view.show()
            self.apply_colormap(self.prefs.colormap)
            view.colours.currentIndexChanged.connect(self._remember_colormap)
            self._scale_plots(view)
        return self._attention_view

    @property
    def presentation(self):
        """Presentation mode and the plots' text scaler (they need pyqtgraph: made late)."""
        if self._presentation is None:
            from ui.presentation import Presentation

            self._presentation = Presentation(self, self.prefs)
            if self._scale_from_prefs:
                self._presentation.scaler.font_scale = self.prefs.font_scale
        return self._presentation

    def apply_preferences(self) -> None:
        """Use the saved theme and font scale (at start, or after Preferences change).

        Before the heatmap exists this only sets the theme: there are no plots to
        scale yet, and each one built later is scaled as it is made.
        """
        if self._presentation is not None or self._attention_view is not None:
            self.presentation.apply_preferences()
            return
        prefs = self.prefs
        apply_theme(QApplication.instance(), prefs.theme, prefs.font_scale)
        self._scale_from_prefs = True

    def _build(self, factory):
        """``factory(session, selection)``, made with the font plots have always been made with."""
        app = QApplication.instance()
        themed = QFont(app.font())
        app.setFont(self._font_at_start)  # so its plot captions look as they always did
        try:
            return factory(self.session, self.selection)
        finally:
            app.setFont(themed)

    def _scale_plots(self, widget) -> None:
        # Its plots' fonts and pens, as the scaler sets those of the views built before
        # (and scaled up in presentation mode). Until the theme's font scale is known
        # (a window made without it, as in the tests) plots keep their own sizes.
        if self._presentation is not None or self._scale_from_prefs:
            self.presentation.scaler.apply(widget)

    def build_views(self) -> None:
        """Build the heatmap and every view not built yet (a screenshot, the self-test)."""
        self.attention_view  # noqa: B018 - the property builds it
        for key in self.docks:
            self.view(key)

    def open_preferences(self) -> None:
        from ui.preferences_dialog import PreferencesDialog

        PreferencesDialog(self, self.prefs).exec()

    def apply_colormap(self, key: str) -> None:
        """Show the heatmap in this colour map (the combo in its header follows)."""
        combo = self.attention_view.colours
        index = combo.findData(key)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _remember_colormap(self, index: int) -> None:
        key = self.attention_view.colours.itemData(index)
        if key in COLORMAPS:
            self.prefs.colormap = key

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
            self._view_specs[spec.key] = spec  # the view itself comes later: see view()
            dock.visibilityChanged.connect(partial(self._on_dock_visibility, spec.key))
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

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.sigFirstPainted.emit()  # a shell's owner attaches the session now, or later
        if self.session is not None:
            QTimer.singleShot(0, self, self._build_after_first_paint)  # the controls paint first

    def _build_after_first_paint(self) -> None:
        """Build the heatmap, then the views, those in front first, one per turn of the
        event loop (input and painting get their turn in between)."""
        if self._building_views:
            return
        self.attention_view  # noqa: B018 - the property builds it
        self.presentation  # noqa: B018 - ready for F11 and Preferences
        self._building_views = True
        in_front = [k for k, d in self.docks.items() if d.isVisible() and not d.visibleRegion().isEmpty()]
        self._to_build = in_front + [k for k in self.docks if k not in in_front]
        QTimer.singleShot(0, self, self._build_next_view)

    def _build_next_view(self) -> None:
        while self._to_build:
            key = self._to_build.pop(0)
            if self.docks[key].widget() is None:
                self.view(key)
                break
        if self._to_build:
            QTimer.singleShot(0, self, self._build_next_view)
        else:
            self.sigViewsBuilt.emit()

    def _on_dock_visibility(self, key: str, visible: bool) -> None:
        # Before the first paint every dock shows empty; after it a dock brought forward
        # gets its view at once rather than when its turn comes.
        if visible and self._building_views:
            self.view(key)

    def engine_started(self) -> None:
        """The kernels' warm-up has begun: follow it closely again in the status bar."""
        self._engine_timer.setInterval(400)
        self._update_engine_status()

    def _update_engine_status(self) -> None:
        from engine import backend  # with the session: numpy is there by now

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
        if self.session is not None:
            self.files.clean_exit()
        if self._remember_layout:
            settings = QSettings()
            settings.setValue("window/geometry", self.saveGeometry())
            settings.setValue("window/state", self.saveState())
        super().closeEvent(event)
