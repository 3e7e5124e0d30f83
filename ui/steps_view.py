"""Step by step: the selected query token's attention in one head, with every number.

The numbers come from :func:`app.steps.snapshot_steps` (read from the snapshot's
result); the content from :mod:`ui.steps_text`, painted by :mod:`ui.steps_canvas`.
"Next step" reveals the four steps one at a time, for presenting; "Show all" reveals
the rest. A key's score expands into its term-by-term products when clicked.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.steps import snapshot_steps
from ui import lazy_view
from ui.steps_canvas import StepsArea, StepsCanvas
from ui.steps_text import STEP_TITLES, plain_text, steps_blocks

N_STEPS = len(STEP_TITLES)


class StepsView(QWidget):
    """The four steps of attention for (selected head, selected query), revealable one by one."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        # Opaque: a label changing inside repaints this view's background, not the dock's
        # frame and title beneath it (a QDockWidget paint, ~0.3 ms, on most edits).
        self.setAutoFillBackground(True)
        self._session = session
        self._selection = selection
        self.revealed = N_STEPS
        self.expanded: set[int] = set()
        self.steps = None
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.title.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.restart_button = QPushButton(self.tr("From step 1"))
        self.restart_button.setToolTip(
            self.tr("Hide everything but step 1, to walk a class through the steps.")
        )
        self.next_button = QPushButton(self.tr("Next step"))
        self.next_button.setToolTip(self.tr("Reveal the next step of the calculation."))
        self.all_button = QPushButton(self.tr("Show all"))
        self.all_button.setToolTip(self.tr("Reveal all four steps at once."))
        self.canvas = StepsCanvas()
        self.canvas.setAccessibleName(self.tr("The calculation, step by step"))
        self.canvas.setToolTip(
            self.tr(
                "The calculation for the selected token with the actual numbers. Click 'show the sum' "
                "to see a score worked out term by term."
            )
        )
        self.area = StepsArea(self.canvas)
        # The text is painted, not selectable: copying takes the whole calculation.
        copy = QAction(self.tr("Copy the calculation"), self)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.triggered.connect(self.copy_text)
        self.addAction(copy)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self._blocks: list = []
        buttons = QHBoxLayout()
        buttons.addWidget(self.restart_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.all_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.area, 1)
        self.restart_button.clicked.connect(lambda: self.reveal(1))
        self.next_button.clicked.connect(lambda: self.reveal(self.revealed + 1))
        self.all_button.clicked.connect(lambda: self.reveal(N_STEPS))
        self.canvas.linkActivated.connect(self._on_link)
        # One slot for all three, so a new result and a new selection in one turn rebuild
        # the text once (and not at all while the panel is hidden).
        for signal in (session.sigResultChanged, selection.sigHeadChanged, selection.sigQueryChanged):
            lazy_view.connect_redraw(self, signal, self._on_result)
        lazy_view.request(self, self._on_result)

    def reveal(self, count: int) -> None:
        """Show the first ``count`` steps (1-4)."""
        self.revealed = max(1, min(N_STEPS, count))
        self._render()

    def toggle_sum(self, j: int) -> None:
        """Show or hide key ``j``'s score worked out term by term."""
        self.expanded ^= {j}
        self._render()

    def text(self) -> str:
        """What the panel shows, as text (a line per row, cells separated by tabs)."""
        return plain_text(self._blocks)

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.title.text() + "\n" + self.text())

    def _on_link(self, target: str) -> None:
        n = len(self.steps.tokens) if self.steps else 0
        if target == "all":
            self.expanded = set(range(n))
        elif target == "none":
            self.expanded = set()
        elif target.isdigit() and int(target) < n:
            self.expanded ^= {int(target)}
        self._render()

    def _on_result(self, *_) -> None:
        if self.steps is not None and len(self._session.state.tokens) != len(self.steps.tokens):
            self.expanded = set()
        self._redraw()

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        head = min(self._selection.head, snap.result.n_heads - 1)
        query = self._selection.query if self._selection.query < snap.result.n_tokens else -1
        self.steps = snapshot_steps(snap, head, query)
        st = self.steps
        name = snap.state.head_names[head]
        token = st.tokens[st.query]
        self.title.setText(
            self.tr("Head {number} ({name}), query '{token}' (token {position})").format(
                number=head + 1, name=name, token=token, position=st.query + 1
            )
        )
        if st.defaulted:
            self.note.setText(
                self.tr(
                    "No token selected, so this shows token 1 ('{token}'). Click a row of the heatmap "
                    "(or a token in the Lines view) to choose another."
                ).format(token=token)
            )
        else:
            self.note.setText(self.tr("Click another row of the heatmap to follow a different token."))
        self._render()

    def _render(self) -> None:
        # The scroll position stays: following a token or dragging a slider keeps the
        # step being read in view.
        if self.steps is None:
            return
        self._blocks = steps_blocks(self.steps, self.revealed, self.expanded)
        self.canvas.set_blocks(self._blocks)
        # The calculation is painted, so a screen reader gets it as the canvas's
        # description; built only while assistive technology is listening.
        if QAccessible.isActive():
            self.canvas.setAccessibleDescription(self.text())
        self.next_button.setEnabled(self.revealed < N_STEPS)
        self.all_button.setEnabled(self.revealed < N_STEPS)
