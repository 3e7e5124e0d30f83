"""What the heads output, left to right as the data flows.

head outputs (n x d_k each) -> side by side: the concatenation (n x h*d_k) -> times
W_O (h*d_k x d_model) -> the output (n x d_model), whose columns are the named
features again. Every matrix is signed: blue negative, white 0, red positive.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui import lazy_view
from ui.matrix_plot import MatrixPlot, MatrixRow

MAX_SEPARATE_HEADS = 4  # beyond this, each head is a block of the concatenation
# Marked for translation (context "outputs_view"), translated where shown.
CAPTION = QT_TRANSLATE_NOOP(
    "outputs_view",
    "Left to right as the data flows: each head's output, the heads side by side "
    "(thick lines between heads), times W_O, gives the output, one row per token with "
    "the named features as columns. Blue is negative, white 0, red positive; each "
    "matrix has its own scale. Hover a cell to read its number.",
)
IDLE = QT_TRANSLATE_NOOP(
    "outputs_view",
    "Blue negative, white 0, red positive (each matrix on its own scale). Hover a cell to read its number.",
)


def _translated(text: str) -> str:
    return QCoreApplication.translate("outputs_view", text)


def concat_labels(n_heads: int, d_k: int) -> list[str]:
    """Column names of the concatenation: "h2.3" is head 2's column 3."""
    return [f"h{h + 1}.{e + 1}" for h in range(n_heads) for e in range(d_k)]


class OutputsView(QWidget):
    """Head outputs, their concatenation, W_O and the final output in one row of matrices."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        # Opaque: a label changing inside repaints this view's background, not the dock's
        # frame and title beneath it (a QDockWidget paint, ~0.3 ms, on most edits).
        self.setAutoFillBackground(True)
        self._session = session
        self._selection = selection
        self.graphics = MatrixRow()  # paints every matrix (see ui.matrix_plot)
        self.graphics.setToolTip(_translated(CAPTION))
        self.readout = QLabel(_translated(IDLE))
        self.readout.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.readout)
        self.head_plots: list[MatrixPlot] = []
        self.concat_plot: MatrixPlot | None = None
        self.w_o_plot: MatrixPlot | None = None
        self.output_plot: MatrixPlot | None = None
        self._shape_key = None
        self.graphics.sigHovered.connect(self._on_hover)
        lazy_view.connect_redraw(self, session.sigResultChanged, self._redraw)
        lazy_view.connect_redraw(self, selection.sigHeadChanged, self._redraw)
        lazy_view.request(self, self._redraw)

    def plots(self) -> list[MatrixPlot]:
        return [*self.head_plots, self.concat_plot, self.w_o_plot, self.output_plot]

    def shown_heads(self, n_heads: int) -> list[int]:
        """Every head when there are few; otherwise only the selected one."""
        if n_heads <= MAX_SEPARATE_HEADS:
            return list(range(n_heads))
        return [min(self._selection.head, n_heads - 1)]

    def _build(self, n_shown: int) -> None:
        """One plot per shown head, then concat, W_O and output, with the operators between."""
        self.head_plots = [MatrixPlot() for _ in range(n_shown)]
        for i, plot in enumerate(self.head_plots):
            plot.show_rows = i == 0  # rows line up: the first head's token names serve them all
        self.concat_plot, self.w_o_plot, self.output_plot = MatrixPlot(), MatrixPlot(), MatrixPlot()
        self.concat_plot.show_rows = not n_shown  # same rows as the head outputs beside it
        items = [*self.head_plots, "\u2192", self.concat_plot, "\u00d7", self.w_o_plot, "=", self.output_plot]
        self.graphics.set_items(items)

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        res, state = snap.result, snap.state
        heads = self.shown_heads(res.n_heads)
        key = len(heads)
        if key != self._shape_key:
            self._build(len(heads))
            self._shape_key = key
        tokens, d_k = state.tokens, state.d_k
        features = self._session.source.feature_names(state.d_model)
        for plot, h in zip(self.head_plots, heads, strict=True):
            title = self.tr("Head {number}") if state.head_mask[h] else self.tr("Head {number} (off)")
            plot.title = title.format(number=h + 1)
            plot.name = self.tr("Head {number} output").format(number=h + 1)
            plot.stretch = d_k  # width in proportion to the number of columns
            plot.set_matrix(res.head_outputs[h], tokens, [str(e + 1) for e in range(d_k)])
        names = concat_labels(res.n_heads, d_k)
        self._set(self.concat_plot, self.tr("Concatenation"), res.concat, tokens, names)
        self.concat_plot.mark_columns([h * d_k for h in range(1, res.n_heads)])
        self._set(self.w_o_plot, "W_O", state.w_o, names, features)
        self._set(self.output_plot, self.tr("Output"), res.output, tokens, features)
        self.graphics.changed()
        self.readout.setText(_translated(IDLE))

    def _set(self, plot: MatrixPlot, title: str, values, rows, cols) -> None:
        n_rows, n_cols = values.shape
        plot.name = title
        plot.title = f"{title} ({n_rows} \u00d7 {n_cols})"
        plot.stretch = n_cols
        plot.set_matrix(values, rows, cols)

    def _on_hover(self, index: int, row: int, col: int) -> None:
        plots = self.graphics.plots
        if 0 <= index < len(plots):
            self.readout.setText(plots[index].describe(row, col))
        else:
            self.readout.setText(_translated(IDLE))
