"""Every dockable view, its title and where it starts: one list, one place to add a view.

The main window builds a dock for each entry, tabs together the entries of one group,
and lists them in the View menu. Views take ``(session, selection)`` and read the
session's snapshot; they never compute attention.
"""

from __future__ import annotations

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


def view_specs() -> list[ViewSpec]:
    """The views in their default order; the first of each area is the visible tab.

    Titles are translated at call time (context "view_registry").
    """
    # Imported here so that importing the registry stays cheap and cycle-free.
    from ui.all_heads_view import AllHeadsView
    from ui.compare_view import CompareView
    from ui.context_view import ContextView
    from ui.cost_view import CostView
    from ui.embedding_view import EmbeddingView
    from ui.lines_view import LinesView
    from ui.matrix_editor import MatricesView
    from ui.outputs_view import OutputsView
    from ui.steps_view import StepsView
    from ui.token_editor import TokenEditor

    translate = QCoreApplication.translate  # lupdate finds translate("context", "text")
    specs: list[ViewSpec] = [
        ViewSpec("matrices", translate("view_registry", "Matrices"), MatricesView, RIGHT, "edit"),
        ViewSpec("embeddings", translate("view_registry", "Embeddings"), EmbeddingView, RIGHT, "edit"),
        ViewSpec("tokens", translate("view_registry", "Tokens"), TokenEditor, RIGHT, "edit"),
        ViewSpec("lines", translate("view_registry", "Lines"), LinesView, RIGHT, "inspect"),
        ViewSpec("steps", translate("view_registry", "Step by step"), StepsView, RIGHT, "inspect"),
        ViewSpec("all_heads", translate("view_registry", "All heads"), AllHeadsView, BOTTOM, "heads"),
        ViewSpec("compare", translate("view_registry", "One head vs many"), CompareView, BOTTOM, "heads"),
        ViewSpec("outputs", translate("view_registry", "Outputs"), OutputsView, BOTTOM, "outputs"),
        ViewSpec("context", translate("view_registry", "Context effect"), ContextView, BOTTOM, "outputs"),
        ViewSpec("cost", translate("view_registry", "Cost"), CostView, BOTTOM, "outputs"),
    ]
    return specs
