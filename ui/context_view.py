"""The context effect: how far attention moved each token, and which tokens end up alike.

Left, one bar per token: ||output_i - x_i||, the distance between what went in and what
came out. Right, the cosine similarity between tokens' outputs (or inputs). Above,
repeated words such as the two "bank"s: the same word going in, different once
positions let attention tell them apart. The numbers come from
:func:`app.analysis.snapshot_context_effect`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRectF
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QComboBox, QGraphicsRectItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.analysis import snapshot_context_effect
from ui import lazy_view
from ui.heatmap import colour_map, short_label
from ui.layout_shield import LayoutShield
from ui.matrix_plot import MatrixPlot
from ui.token_axis import TokenAxis, link_extents, quicken_number_axis

BAR_COLOUR = QColor(0, 114, 178)  # Okabe-Ito blue
REPEAT_COLOUR = QColor(213, 94, 0)  # Okabe-Ito vermillion: the repeated word's bars and cells
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
        self._session = session
        self._selection = selection
        self.callout = QLabel()
        self.callout.setWordWrap(True)
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
        # Shielded: its numbers change on most edits and would lay the dock out again each time.
        header.addWidget(LayoutShield(self.callout), 1)
        header.addWidget(QLabel(self.tr("Similarity of")))
        header.addWidget(self.which)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.bar_axis = TokenAxis("left", 11)
        self.bar_axis.setTextPen(pg.mkPen(30, 30, 30))
        # A TokenAxis without names draws numbers as usual, and can be kept as deep as the
        # matrix's column names so the rows of the two plots line up.
        self.bars_plot = self.graphics.addPlot(
            row=0, col=0, axisItems={"left": self.bar_axis, "top": TokenAxis("top", 11)}, enableMenu=False
        )
        self.bars_plot.setMenuEnabled(False)
        self.bars_plot.setMouseEnabled(x=False, y=False)
        self.bars_plot.hideButtons()
        self.bars_plot.invertY(True)
        self.bars_plot.showAxis("top")
        self.bars_plot.hideAxis("bottom")
        self.bars_plot.getAxis("top").setLabel(self.tr("moved by attention: \u2016output \u2212 input\u2016"))
        self.bars_plot.setToolTip(self.tr("Longer bar: attention changed this token's vector more."))
        self.bars = pg.BarGraphItem(x0=[], y=[], height=[], width=[])
        self.bars_plot.addItem(self.bars)
        self.similarity = MatrixPlot()
        self.similarity.image.setColorMap(colour_map("viridis"))
        self.graphics.addItem(self.similarity, row=0, col=1)
        self.similarity.setToolTip(
            self.tr("Bright: the two tokens' vectors point the same way; dark: less alike.")
        )
        self.similarity_bar = pg.ColorBarItem(
            values=(0.0, 1.0), width=16, interactive=False, colorMapMenu=False, colorMap=colour_map("viridis")
        )
        self.similarity_bar.setImageItem(self.similarity.image)
        self.similarity_bar.axis.enableAutoSIPrefix(False)  # no label to prefix; see ui.heatmap
        quicken_number_axis(self.similarity_bar.axis)
        for axis in (self.similarity_bar.axis, self.bars_plot.getAxis("top")):
            axis.setTextPen(pg.mkPen(30, 30, 30))
            axis.label.setDefaultTextColor(QColor(30, 30, 30))
        self.similarity.column_axis.label.setDefaultTextColor(QColor(30, 30, 30))
        self.graphics.addItem(self.similarity_bar, row=0, col=2)
        self.graphics.ci.layout.setColumnStretchFactor(0, 2)
        self.graphics.ci.layout.setColumnStretchFactor(1, 3)
        link_extents([self.bars_plot.getAxis("top"), self.similarity.column_axis])
        self._outlines: list[QGraphicsRectItem] = []
        self.readout = QLabel(_translated(IDLE))
        self.graphics.setToolTip(_translated(CAPTION))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(header)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.readout)
        self.shift = np.zeros(0)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
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
        brushes = [pg.mkBrush(REPEAT_COLOUR if i in repeated else BAR_COLOUR) for i in range(n)]
        self.bars.setOpts(
            x0=np.zeros(n), y=np.arange(n) + 0.5, height=0.7, width=effect.shift, brushes=brushes, pen=None
        )
        top = max(float(effect.shift.max()) if n else 0.0, 1e-6)
        self.bars_plot.setRange(xRange=(0, top * 1.05), yRange=(0, n), padding=0)
        # pyqtgraph applies a new range when the view paints, which then makes the bars'
        # region dirty again: a second paint of the view on every edit. Apply it now.
        self.bars_plot.vb.prepareForPaint()
        self.bar_axis.set_labels([short_label(t) for t in tokens])
        inputs = self.which.currentData() == "input"
        matrix = effect.input_cosine if inputs else effect.output_cosine
        self.similarity.set_matrix(matrix, tokens, tokens)
        # Cosines of these vectors rarely go below 0; spread the colours over what is there.
        low = min(float(matrix.min()), 0.9) if n else 0.0
        self.similarity_bar.setLevels((low, 1.0))
        label = self.tr("cosine similarity of inputs") if inputs else self.tr("cosine similarity of outputs")
        if label != self.similarity.column_axis.labelText:  # a new label lays the plots out again
            self.similarity.column_axis.setLabel(label)
        self._outline_repeats(effect.repeats, n)
        self.callout.setText(self.callout_text(effect, snap))
        self.readout.setText(_translated(IDLE))

    def _outline_repeats(self, repeats, n: int) -> None:
        cells = [cell for r in repeats for cell in ((r.first, r.second), (r.second, r.first))]
        if cells == [(int(i.rect().y()), int(i.rect().x())) for i in self._outlines]:
            return  # the same words repeat at the same places: keep the outlines drawn
        for item in self._outlines:
            self.similarity.removeItem(item)
        self._outlines = []
        pen = QPen(REPEAT_COLOUR, 4)
        pen.setCosmetic(True)
        for r in repeats:
            for row, col in ((r.first, r.second), (r.second, r.first)):
                item = QGraphicsRectItem(QRectF(col, row, 1, 1))
                item.setPen(pen)
                item.setZValue(15)
                self.similarity.addItem(item)
                self._outlines.append(item)

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

    def _on_mouse_moved(self, scene_pos) -> None:
        r, c = self.similarity.cell_at(scene_pos)
        if r >= 0:
            self.readout.setText(
                self.tr(
                    "Cosine similarity of '{first}' (token {i}) and '{second}' (token {j}) = {value}"
                ).format(
                    first=self.similarity.rows[r],
                    i=r + 1,
                    second=self.similarity.columns[c],
                    j=c + 1,
                    value=f"{self.similarity.values[r, c]:.2f}",
                )
            )
            return
        if self.bars_plot.vb.sceneBoundingRect().contains(scene_pos):
            row = int(np.floor(self.bars_plot.vb.mapSceneToView(scene_pos).y()))
            if 0 <= row < len(self.shift):
                self.readout.setText(
                    self.tr("'{token}' (token {position}) moved {distance}").format(
                        token=self.bar_axis.labels()[row], position=row + 1, distance=f"{self.shift[row]:.2f}"
                    )
                )
                return
        self.readout.setText(_translated(IDLE))
