"""Every dockable view, its title and where it starts: one list, one place to add a view.

The main window builds a dock for each entry, tabs together the entries of one group,
and lists them in the View menu. Views take ``(session, selection)`` and read the
session's snapshot; they never compute attention.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt


@dataclass(frozen=True)
class ViewSpec:
    key: str  # stable id: the dock's objectName, so saved layouts find it again
    title: str  # what the dock's tab and the View menu say, translated
    factory: Callable  # (session, selection) -> QWidget
    area: Qt.DockWidgetArea
    group: str  # docks of one group start tabbed together


RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


def _lazy(module: str, name: str) -> Callable:
    """A factory that imports the view's module only when the view is built.

    The registry is read before the window's first paint, when no plotting module may
    be imported yet (they bring pyqtgraph, about a second).
    """

    def factory(session, selection):
        return getattr(importlib.import_module(module), name)(session, selection)

    factory.__qualname__ = f"{module}.{name}"
    return factory


def view_specs() -> list[ViewSpec]:
    """The views in their default order; the first of each area is the visible tab.

    Titles are translated at call time (context "view_registry").
    """
    translate = QCoreApplication.translate  # lupdate finds translate("context", "text")
    specs: list[ViewSpec] = [
        ViewSpec(
            "matrices",
            translate("view_registry", "Matrices"),
            _lazy("ui.matrix_editor", "MatricesView"),
            RIGHT,
            "edit",
        ),
        ViewSpec(
            "embeddings",
            translate("view_registry", "Embeddings"),
            _lazy("ui.embedding_view", "EmbeddingView"),
            RIGHT,
            "edit",
        ),
        ViewSpec(
            "tokens",
            translate("view_registry", "Tokens"),
            _lazy("ui.token_editor", "TokenEditor"),
            RIGHT,
            "edit",
        ),
        ViewSpec(
            "lines",
            translate("view_registry", "Lines"),
            _lazy("ui.lines_view", "LinesView"),
            RIGHT,
            "inspect",
        ),
        ViewSpec(
            "steps",
            translate("view_registry", "Step by step"),
            _lazy("ui.steps_view", "StepsView"),
            RIGHT,
            "inspect",
        ),
        ViewSpec(
            "all_heads",
            translate("view_registry", "All heads"),
            _lazy("ui.all_heads_view", "AllHeadsView"),
            BOTTOM,
            "heads",
        ),
        ViewSpec(
            "compare",
            translate("view_registry", "One head vs many"),
            _lazy("ui.compare_view", "CompareView"),
            BOTTOM,
            "heads",
        ),
        ViewSpec(
            "outputs",
            translate("view_registry", "Outputs"),
            _lazy("ui.outputs_view", "OutputsView"),
            BOTTOM,
            "outputs",
        ),
        ViewSpec(
            "context",
            translate("view_registry", "Context effect"),
            _lazy("ui.context_view", "ContextView"),
            BOTTOM,
            "outputs",
        ),
        ViewSpec(
            "cost", translate("view_registry", "Cost"), _lazy("ui.cost_view", "CostView"), BOTTOM, "outputs"
        ),
    ]
    return specs
