"""The selected head's attention weights, titled and explained."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.heatmap import AttentionHeatmap

READING_HINT = (
    "Each row is a query token spreading its attention over the keys across the top; rows sum to 1."
)


class AttentionView(QWidget):
    """Heatmap of one head's weights; follows the session's result and the selection."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.caption = QLabel(READING_HINT)
        self.caption.setWordWrap(True)
        self.heatmap = AttentionHeatmap()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.caption)
        layout.addWidget(self.heatmap, 1)
        self.heatmap.sigRowClicked.connect(selection.set_query)
        session.sigResultChanged.connect(self._redraw)
        selection.sigHeadChanged.connect(self._redraw)
        self._redraw()

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        head = min(self._selection.head, snap.result.n_heads - 1)
        state = snap.state
        off = "" if state.head_mask[head] else "  (switched off: adds nothing to the output)"
        self.title.setText(f"Head {head + 1} \u2014 {state.head_names[head]}: attention weights{off}")
        purpose = state.head_purposes[head]
        self.caption.setText((purpose + "  " if purpose else "") + READING_HINT)
        self.heatmap.set_matrix(
            snap.result.weights[head], state.tokens, state.tokens, masked=snap.result.masked[head]
        )
