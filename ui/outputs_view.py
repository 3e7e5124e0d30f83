"""What the heads output, left to right as the data flows.

head outputs (n x d_k each) -> side by side: the concatenation (n x h*d_k) -> times
W_O (h*d_k x d_model) -> the output (n x d_model), whose columns are the named
features again. Every matrix is signed: blue negative, white 0, red positive.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui import lazy_view
from ui.matrix_plot import MatrixPlot
from ui.token_axis import link_extents

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
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
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
        # What the plots show besides their numbers, set again only when it changes: a
        # title or stretch factor set anew lays the whole row of plots out again.
        self._titles: dict[int, str] = {}
        self._stretch_key = None
        self._marks_key = None
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
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
        """Lay out one plot per shown head, then concat, W_O and output, with the operators between."""
        self.graphics.clear()
        gl = self.graphics.ci
        self.head_plots = []
        col = 0
        for i in range(n_shown):
            plot = MatrixPlot()
            if i > 0:  # rows line up: the first head's token names serve them all
                plot.hideAxis("left")
            self.graphics.addItem(plot, row=0, col=col)
            self.head_plots.append(plot)
            col += 1
        for text, attr in (("\u2192", "concat_plot"), ("\u00d7", "w_o_plot"), ("=", "output_plot")):
            gl.addLabel(text, row=0, col=col, size="18pt", color=(40, 40, 40))
            col += 1
            plot = MatrixPlot()
            self.graphics.addItem(plot, row=0, col=col)
            setattr(self, attr, plot)
            col += 1
        if n_shown:
            self.concat_plot.hideAxis("left")  # same rows as the head outputs beside it
        link_extents([p.column_axis for p in self.plots()])

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        res, state = snap.result, snap.state
        heads = self.shown_heads(res.n_heads)
        # Rebuilt only when the number of plots changes (building them costs ~100 ms);
        # titles, values, head boundaries and widths are set on every redraw below.
        key = len(heads)
        if key != self._shape_key:
            self._build(len(heads))
            self._shape_key = key
            self._titles, self._stretch_key, self._marks_key = {}, None, None
        tokens, d_k = state.tokens, state.d_k
        features = self._session.source.feature_names(state.d_model)
        for plot, h in zip(self.head_plots, heads, strict=True):
            title = self.tr("Head {number}") if state.head_mask[h] else self.tr("Head {number} (off)")
            self._title(plot, title.format(number=h + 1))
            plot.name = self.tr("Head {number} output").format(number=h + 1)
            plot.set_matrix(res.head_outputs[h], tokens, [str(e + 1) for e in range(d_k)])
        names = concat_labels(res.n_heads, d_k)
        self._set(self.concat_plot, self.tr("Concatenation"), res.concat, tokens, names)
        marks = [h * d_k for h in range(1, res.n_heads)]
        if (marks, res.concat.shape) != self._marks_key:
            self._marks_key = (marks, res.concat.shape)
            self.concat_plot.mark_columns(marks)
        self._set(self.w_o_plot, "W_O", state.w_o, names, features)
        self._set(self.output_plot, self.tr("Output"), res.output, tokens, features)
        self._set_stretch(res.n_heads, d_k, state.d_model)
        self.readout.setText(_translated(IDLE))

    def _title(self, plot: MatrixPlot, text: str) -> None:
        if self._titles.get(id(plot)) != text:
            self._titles[id(plot)] = text
            plot.setTitle(text, size="11pt", bold=True, color="#222")

    def _set(self, plot: MatrixPlot, title: str, values, rows, cols) -> None:
        n_rows, n_cols = values.shape
        plot.name = title
        self._title(plot, f"{title} ({n_rows} \u00d7 {n_cols})")
        plot.set_matrix(values, rows, cols)

    def _set_stretch(self, n_heads: int, d_k: int, d_model: int) -> None:
        """Give each matrix width in proportion to its number of columns."""
        key = (len(self.head_plots), n_heads, d_k, d_model)
        if key == self._stretch_key:
            return
        self._stretch_key = key
        gl = self.graphics.ci.layout
        col = 0
        for _ in self.head_plots:
            gl.setColumnStretchFactor(col, d_k)
            col += 1
        for width in (n_heads * d_k, d_model, d_model):
            gl.setColumnStretchFactor(col, 0)
            gl.setColumnStretchFactor(col + 1, width)
            col += 2

    def _on_mouse_moved(self, scene_pos) -> None:
        for plot in self.plots():
            r, c = plot.cell_at(scene_pos)
            if r >= 0:
                self.readout.setText(plot.describe(r, c))
                return
        self.readout.setText(_translated(IDLE))
