"""Every dockable view, its title and where it starts: one list, one place to add a view.

The main window builds a dock for each entry, tabs together the entries of one group,
and lists them in the View menu. Views take ``(session, selection)`` and read the
session's snapshot; they never compute attention.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt


@dataclass(frozen=True)
class ViewSpec:
    key: str  # stable id: the dock's objectName, so saved layouts find it again
    title: str  # what the dock's tab and the View menu say
    factory: Callable  # (session, selection) -> QWidget
    area: Qt.DockWidgetArea
    group: str  # docks of one group start tabbed together


RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


def view_specs() -> list[ViewSpec]:
    """The views in their default order; the first of each area is the visible tab."""
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

    specs: list[ViewSpec] = [
        ViewSpec("matrices", "Matrices", MatricesView, RIGHT, "edit"),
        ViewSpec("embeddings", "Embeddings", EmbeddingView, RIGHT, "edit"),
        ViewSpec("tokens", "Tokens", TokenEditor, RIGHT, "edit"),
        ViewSpec("lines", "Lines", LinesView, RIGHT, "inspect"),
        ViewSpec("steps", "Step by step", StepsView, RIGHT, "inspect"),
        ViewSpec("all_heads", "All heads", AllHeadsView, BOTTOM, "heads"),
        ViewSpec("compare", "One head vs many", CompareView, BOTTOM, "heads"),
        ViewSpec("outputs", "Outputs", OutputsView, BOTTOM, "outputs"),
        ViewSpec("context", "Context effect", ContextView, BOTTOM, "outputs"),
        ViewSpec("cost", "Cost", CostView, BOTTOM, "outputs"),
    ]
    return specs
