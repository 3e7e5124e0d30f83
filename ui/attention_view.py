"""The selected head's attention weights, titled and explained."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui import lazy_view
from ui.heatmap import COLOUR_BLIND_SAFE, COLOUR_MAPS, AttentionHeatmap

# Marked for translation (context "attention_view"), translated where shown.
READING_HINT = QT_TRANSLATE_NOOP(
    "attention_view", "Each row is a query token spreading its attention over the keys; rows sum to 1."
)
READOUT_IDLE = QT_TRANSLATE_NOOP(
    "attention_view", "Hover a cell for its numbers; click a row to select that token."
)


def _translated(text: str) -> str:
    return QCoreApplication.translate("attention_view", text)


class AttentionView(QWidget):
    """Heatmap of one head's weights; follows the session's result and the selection.

    The header holds the colour-map choice; below the heatmap a readout repeats the
    hovered cell's tokens, score, logit and weight in large type (for a projector,
    where tooltips are too small to read from the back of the room).
    """

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.title.setWordWrap(True)
        self.colours = QComboBox()
        for key, label in COLOUR_MAPS.items():
            self.colours.addItem(QCoreApplication.translate("heatmap", label), key)
            safe = (
                self.tr("Reads the same for colour-blind viewers.") + " " if key in COLOUR_BLIND_SAFE else ""
            )
            tip = safe + self.tr("Dark: little attention, bright: most.")
            self.colours.setItemData(self.colours.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.colours.setToolTip(
            self.tr(
                "How weights become colours. Viridis (the default), Cividis and Grey stay readable "
                "for people with colour-blindness and in black-and-white print; every map runs dark "
                "(little attention) to bright (most attention)."
            )
        )
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(QLabel(self.tr("Colours")))
        header.addWidget(self.colours)
        self.caption = QLabel(_translated(READING_HINT))
        self.caption.setWordWrap(True)
        self.heatmap = AttentionHeatmap()
        self.readout = QLabel(_translated(READOUT_IDLE))
        self.readout.setWordWrap(True)
        self.readout.setToolTip(self.tr("The numbers behind the cell under the mouse."))
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.caption)
        layout.addWidget(self.heatmap, 1)
        layout.addWidget(self.readout)
        self.colours.currentIndexChanged.connect(
            lambda i: self.heatmap.set_colormap(self.colours.itemData(i))
        )
        self.heatmap.sigRowClicked.connect(selection.set_query)
        self.heatmap.sigCellHovered.connect(self._on_hovered)
        lazy_view.connect_redraw(self, session.sigResultChanged, self._redraw)
        lazy_view.connect_redraw(self, selection.sigHeadChanged, self._redraw)
        selection.sigQueryChanged.connect(self.heatmap.set_selected_row)
        lazy_view.request(self, self._redraw)
        self.heatmap.set_selected_row(selection.query)

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        res, state = snap.result, snap.state
        head = min(self._selection.head, res.n_heads - 1)
        off = "" if state.head_mask[head] else "  " + self.tr("(switched off: adds nothing to the output)")
        self.title.setText(
            self.tr("Head {number} \u2014 {name}").format(number=head + 1, name=state.head_names[head]) + off
        )
        purpose = state.head_purposes[head]
        self.caption.setText(purpose or _translated(READING_HINT))
        if self.caption.toolTip() != _translated(READING_HINT):  # a new tooltip costs an event
            self.caption.setToolTip(_translated(READING_HINT))
        self.heatmap.set_matrix(
            res.weights[head],
            state.tokens,
            state.tokens,
            masked=res.masked[head],
            scores=res.scores[head],
            logits=res.logits[head],
        )
        self.readout.setText(_translated(READOUT_IDLE))

    def _on_hovered(self, row: int, col: int) -> None:
        self.readout.setText(
            self.heatmap.cell_description(row, col) if row >= 0 else _translated(READOUT_IDLE)
        )
