"""The context effect: how far attention moved each token, and which tokens end up alike.

Left, one bar per token: ||output_i - x_i||, the distance between what went in and what
came out. Right, the cosine similarity between tokens' outputs (or inputs). Above,
repeated words such as the two "bank"s: the same word going in, different once
positions let attention tell them apart. The numbers come from
:func:`app.analysis.snapshot_context_effect`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.analysis import snapshot_context_effect
from ui import lazy_view
from ui.context_picture import ContextPicture
from ui.heatmap import short_label
from ui.rich_label import RichLabel

# Marked for translation (context "context_view"), translated where shown.
SIMILARITY_OF = {
    "output": QT_TRANSLATE_NOOP("context_view", "Outputs"),
    "input": QT_TRANSLATE_NOOP("context_view", "Inputs (word + position)"),
}
CAPTION = QT_TRANSLATE_NOOP(
    "context_view",
    "Bars: how far attention moved each token's vector (the length of output minus input). "
    "Matrix: how alike two tokens' vectors are (cosine similarity: 1 same direction, 0 unrelated, "
    "-1 opposite). Repeated words are outlined.",
)


IDLE = QT_TRANSLATE_NOOP(
    "context_view", "Hover a bar or a cell to read its number. Repeated words are outlined in orange."
)


def _translated(text: str) -> str:
    return QCoreApplication.translate("context_view", text)


class ContextView(QWidget):
    """Bar chart of output shifts beside the cosine-similarity matrix, with repeated words called out."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        # Opaque: a label changing inside repaints this view's background, not the dock's
        # frame and title beneath it (a QDockWidget paint, ~0.3 ms, on most edits).
        self.setAutoFillBackground(True)
        self._session = session
        self._selection = selection
        # Its numbers change on most edits: a RichLabel lays the new text out once and the
        # dock again only when the text needs another height (see ui.rich_label).
        self.callout = RichLabel()
        self.callout.setToolTip(
            self.tr(
                "A word that appears twice starts from the same word vector. With positions on, "
                "attention can give each occurrence a different output, coloured by its neighbours."
            )
        )
        self.which = QComboBox()
        for key, label in SIMILARITY_OF.items():
            self.which.addItem(_translated(label), key)
        self.which.setToolTip(
            self.tr(
                "Compare tokens after attention (outputs) or before it (inputs: word vector plus position)."
            )
        )
        header = QHBoxLayout()
        header.addWidget(self.callout, 1)
        header.addWidget(QLabel(self.tr("Similarity of")))
        header.addWidget(self.which)
        # One painted widget for the bars, the matrix and its colour bar (see ContextPicture).
        self.picture = ContextPicture()
        self.picture.tips = (
            self.tr("Longer bar: attention changed this token's vector more."),
            self.tr("Bright: the two tokens' vectors point the same way; dark: less alike."),
            _translated(CAPTION),
        )
        self.readout = QLabel(_translated(IDLE))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(header)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.readout)
        self.shift = np.zeros(0)
        self.picture.sigHovered.connect(self._on_hover)
        self.which.currentIndexChanged.connect(self._redraw)
        lazy_view.connect_redraw(self, session.sigResultChanged, self._redraw)
        lazy_view.request(self, self._redraw)

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        effect = snapshot_context_effect(snap)
        tokens = snap.state.tokens
        n = len(tokens)
        self.shift = effect.shift
        repeated = {i for r in effect.repeats for i in (r.first, r.second)}
        inputs = self.which.currentData() == "input"
        matrix = effect.input_cosine if inputs else effect.output_cosine
        # Cosines of these vectors rarely go below 0; spread the colours over what is there.
        low = min(float(matrix.min()), 0.9) if n else 0.0
        cells = [cell for r in effect.repeats for cell in ((r.first, r.second), (r.second, r.first))]
        self.picture.set_titles(
            self.tr("moved by attention: \u2016output \u2212 input\u2016"),
            self.tr("cosine similarity of inputs") if inputs else self.tr("cosine similarity of outputs"),
        )
        self.picture.show_effect([short_label(t) for t in tokens], effect.shift, repeated, matrix, low, cells)
        self.callout.setText(self.callout_text(effect, snap))
        self.readout.setText(_translated(IDLE))

    def callout_text(self, effect, snap) -> str:
        """The first repeated word in detail (the longest: "bank" before "the"), then the others."""
        if not effect.repeats:
            return self.tr(
                "No word appears twice in this sentence; try the Bank preset to compare its two 'bank's."
            )
        r = effect.repeats[0]
        who = self.tr("<b>'{word}'</b> (tokens {first} and {second})").format(
            word=r.text, first=r.first + 1, second=r.second + 1
        )
        if r.output_distance < 1e-9:
            why = (
                self.tr("with positions off, attention cannot tell them apart.")
                if snap.state.positions == "none"
                else self.tr("attention gave both the same output.")
            )
            text = self.tr("{who}: identical outputs (cosine {cosine}): {why}").format(
                who=who, cosine=f"{r.output_cosine:.2f}", why=why
            )
        else:
            feature = self._session.source.feature_names(snap.state.d_model)[r.feature]
            text = self.tr(
                "{who}: the same word vector going in; coming out their outputs differ "
                "(cosine {cosine}, distance {distance}), most on <i>{feature}</i>."
            ).format(
                who=who, cosine=f"{r.output_cosine:.2f}", distance=f"{r.output_distance:.2f}", feature=feature
            )
        others = ", ".join(f"'{o.text}'" for o in effect.repeats[1:])
        return text + (" " + self.tr("Also repeated: {words}.").format(words=others) if others else "")

    def _on_hover(self, row: int, col: int) -> None:
        tokens = self._session.state.tokens
        values = self.picture.values
        if 0 <= row < values.shape[0] and 0 <= col < values.shape[1]:
            self.readout.setText(
                self.tr(
                    "Cosine similarity of '{first}' (token {i}) and '{second}' (token {j}) = {value}"
                ).format(
                    first=tokens[row],
                    i=row + 1,
                    second=tokens[col],
                    j=col + 1,
                    value=f"{values[row, col]:.2f}",
                )
            )
        elif col < 0 and 0 <= row < len(self.shift) and row < len(tokens):
            self.readout.setText(
                self.tr("'{token}' (token {position}) moved {distance}").format(
                    token=self.picture.labels[row], position=row + 1, distance=f"{self.shift[row]:.2f}"
                )
            )
        else:
            self.readout.setText(_translated(IDLE))
