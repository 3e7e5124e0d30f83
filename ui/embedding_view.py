"""The input to attention: what each token means, where it stands, and their sum.

Three n x d_model heatmaps with the hand-built space's feature names on the columns,
on one colour scale so they can be compared. Click a cell of the word part to edit
that feature of that word (every copy of the word changes with it).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import lazy_view
from ui.signed_heatmap import SignedHeatmap


class EmbeddingView(QWidget):
    """Word part + position part = x, the rows that enter attention."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        # Opaque: a label changing inside repaints this view's background, not the dock's
        # frame and title beneath it (a QDockWidget paint, ~0.3 ms, on most edits).
        self.setAutoFillBackground(True)
        self._session = session
        self._selection = selection
        self._cell = (-1, -1)
        self.words = SignedHeatmap(x_label=self.tr("feature"), y_label=self.tr("token"))
        self.positions = SignedHeatmap(y_label=self.tr("token"), annotate=False)
        self.total = SignedHeatmap(y_label=self.tr("token"), annotate=False)
        self.words.setToolTip(
            self.tr("What each token means: its vector in the hand-built space. Click a cell to edit it.")
        )
        self.positions.setToolTip(
            self.tr("Where each token stands: the positional encoding added to the word part.")
        )
        self.total.setToolTip(self.tr("x = word part + position part: what W_Q, W_K and W_V multiply."))
        # Stacked, not side by side: the editors' dock is narrow and tall.
        stack = QVBoxLayout()
        for title, view in (
            (self.tr("Word part: what each token means"), self.words),
            (self.tr("+ Position part: where it stands"), self.positions),
            (self.tr("= x: what enters attention"), self.total),
        ):
            stack.addWidget(QLabel(f"<b>{title}</b>"))
            stack.addWidget(view, 1)
        self.readout = QLabel(self.tr("Click a cell of the word part to edit that feature of that word."))
        self.readout.setWordWrap(True)  # a long hint must not force the dock wide
        self.value_box = QDoubleSpinBox()
        self.value_box.setRange(-5.0, 5.0)
        self.value_box.setSingleStep(0.1)
        self.value_box.setDecimals(2)
        self.value_box.setEnabled(False)
        self.value_box.setToolTip(self.tr("The selected feature of the selected word."))
        self.reset = QPushButton(self.tr("Reset word"))
        self.reset.setToolTip(self.tr("Give the selected word its vector from the lexicon again."))
        self.reset.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.readout, 1)
        row.addWidget(self.value_box)
        row.addWidget(self.reset)
        layout = QVBoxLayout(self)
        layout.addLayout(stack, 1)
        layout.addLayout(row)

        self.words.sigCellClicked.connect(self.select_cell)
        self.value_box.valueChanged.connect(self._on_value)
        self.value_box.editingFinished.connect(session.end_merge)
        self.reset.clicked.connect(self._on_reset)
        lazy_view.connect_redraw(self, session.sigResultChanged, self._redraw)
        lazy_view.request(self, self._redraw)

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        e, tokens = snap.embedded, snap.state.tokens
        features = self._session.source.feature_names(snap.state.d_model)
        limit = max(float(np.abs(a).max()) for a in (e.words, e.positions, e.x)) or 1.0
        self.words.set_matrix(e.words, tokens, features, limit=limit)
        self.positions.set_matrix(e.positions, tokens, features, limit=limit)
        self.total.set_matrix(e.x, tokens, features, limit=limit)
        r, c = self._cell
        if r >= len(tokens) or c >= snap.state.d_model:
            self._cell = (-1, -1)
        self._show_cell()

    def select_cell(self, row: int, col: int) -> None:
        self._cell = (row, col)
        self._show_cell()

    def _show_cell(self) -> None:
        r, c = self._cell
        self.words.select_cell(r, c)
        active = r >= 0
        self.value_box.setEnabled(active)
        self.reset.setEnabled(active)
        if not active:
            return
        snap = self._session.snapshot
        token = snap.state.tokens[r]
        feature = self._session.source.feature_names(snap.state.d_model)[c]
        old = self.value_box.blockSignals(True)
        self.value_box.setValue(float(snap.embedded.words[r, c]))
        self.value_box.blockSignals(old)
        self.readout.setText(self.tr("'{token}', feature '{feature}':").format(token=token, feature=feature))

    def _on_value(self, value: float) -> None:
        r, c = self._cell
        snap = self._session.snapshot
        vector = snap.embedded.words[r].copy()
        vector[c] = value
        try:
            self._session.set_word_vector(snap.state.tokens[r], vector, merge_key=f"word:{r}:{c}")
        except ValueError as exc:
            self.readout.setText(str(exc))

    def _on_reset(self) -> None:
        r, _ = self._cell
        if r >= 0:
            self._session.reset_word_vector(self._session.state.tokens[r])
