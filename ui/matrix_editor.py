"""Editors for the selected head's W_Q, W_K, W_V and W_O.

Click a cell to select it, then set it with the slider or the number box; hold the
button and drag to paint the box's value over many cells; arrow keys move the
selection. Every change is an undoable session edit; a drag is one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import shapes
from ui import lazy_view
from ui.layout_shield import LayoutShield
from ui.signed_heatmap import SignedHeatmap

# The explainer's three questions, and what W_O does, in the words the app shows:
# (symbol, question, how). The words are marked for translation (context
# "matrix_editor") and translated where shown, see :func:`matrix_text`.
MATRIX_TEXT = {
    "w_q": (
        "W_Q",
        QT_TRANSLATE_NOOP("matrix_editor", "Query: what am I looking for?"),
        QT_TRANSLATE_NOOP("matrix_editor", "Each token's query is its row of x times W_Q."),
    ),
    "w_k": (
        "W_K",
        QT_TRANSLATE_NOOP("matrix_editor", "Key: what do I represent?"),
        QT_TRANSLATE_NOOP("matrix_editor", "Each token's key is its row of x times W_K."),
    ),
    "w_v": (
        "W_V",
        QT_TRANSLATE_NOOP("matrix_editor", "Value: what information do I carry?"),
        QT_TRANSLATE_NOOP("matrix_editor", "What a token hands over when it is attended to."),
    ),
    "w_o": (
        "W_O",
        QT_TRANSLATE_NOOP("matrix_editor", "Output: where the head's result goes"),
        QT_TRANSLATE_NOOP("matrix_editor", "Maps the head's output back to the features."),
    ),
}
# Tab titles avoid the underscore, which tab bars clip at the baseline.
MATRIX_TABS = {
    "w_q": QT_TRANSLATE_NOOP("matrix_editor", "Q: what am I looking for?"),
    "w_k": QT_TRANSLATE_NOOP("matrix_editor", "K: what do I represent?"),
    "w_v": QT_TRANSLATE_NOOP("matrix_editor", "V: what information do I carry?"),
    "w_o": QT_TRANSLATE_NOOP("matrix_editor", "O: where the head's result goes"),
}
ARROWS = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1), Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}
VALUE_LIMIT = 10.0
SLIDER_STEPS_PER_UNIT = 20


def matrix_text(which: str) -> tuple[str, str, str]:
    """(symbol, question, how) of one matrix, translated."""
    symbol, question, how = MATRIX_TEXT[which]
    return (
        symbol,
        QCoreApplication.translate("matrix_editor", question),
        QCoreApplication.translate("matrix_editor", how),
    )


class MatrixEditor(QWidget):
    """One matrix of the selected head, editable cell by cell."""

    def __init__(self, session, selection, which: str, parent=None):
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self._which = which
        self._cell = (0, 0)
        symbol, question, how = matrix_text(which)
        title = QLabel(f"<b>{symbol}</b> \u2014 {question}")
        title.setToolTip(how)
        row_name = self.tr("head column") if which == "w_o" else self.tr("input feature")
        col_name = self.tr("output feature") if which == "w_o" else self.tr("head column")
        self.grid = SignedHeatmap(x_label=col_name, y_label=row_name)
        self.grid.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.grid.setToolTip(
            self.tr(
                "Click a cell to select it; drag to paint the number box's value; arrow keys move. "
                "Red is positive, blue negative, white zero."
            )
        )
        self.readout = QLabel()
        self.readout.setMinimumWidth(180)

        self.value_box = QDoubleSpinBox()
        self.value_box.setRange(-VALUE_LIMIT, VALUE_LIMIT)
        self.value_box.setDecimals(2)
        self.value_box.setSingleStep(0.1)
        self.value_box.setToolTip(
            self.tr("The selected cell's value. Dragging over cells paints this value.")
        )
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(
            -int(VALUE_LIMIT * SLIDER_STEPS_PER_UNIT), int(VALUE_LIMIT * SLIDER_STEPS_PER_UNIT)
        )
        self.slider.setToolTip(self.tr("Slide to change the selected cell and watch the attention answer."))

        self.seed_box = QSpinBox()
        self.seed_box.setRange(0, 99999)
        self.seed_box.setPrefix(self.tr("seed "))
        self.seed_box.setToolTip(
            self.tr("The seed of the random numbers: the same seed gives the same matrix.")
        )
        randomise = QPushButton(self.tr("Randomise"))
        randomise.setToolTip(self.tr("Fill this head's matrix with random numbers from the seed."))
        identity = QPushButton(self.tr("Identity-like"))
        identity.setToolTip(self.tr("Ones on the diagonal: each column copies one feature."))
        zero = QPushButton(self.tr("Zero"))
        zero.setToolTip(self.tr("All zeros: this matrix contributes nothing."))
        self.copy_combo = QComboBox()
        self.copy_combo.setToolTip(self.tr("Copy all four matrices of another head into this one."))
        randomise.clicked.connect(lambda: self._fill("random"))
        identity.clicked.connect(lambda: self._fill("identity"))
        zero.clicked.connect(lambda: self._fill("zero"))
        self.copy_combo.activated.connect(self._copy_from)

        cell_row = QHBoxLayout()
        # Shielded: a new number in the readout on every slider step would otherwise lay
        # out the window again and repaint the whole Matrices dock (a QTabWidget) each time.
        cell_row.addWidget(LayoutShield(self.readout))
        cell_row.addWidget(self.slider, 1)
        cell_row.addWidget(self.value_box)
        # Two short rows rather than one long one, so the dock can be narrow.
        ops_row = QHBoxLayout()
        for w in (randomise, self.seed_box, identity, zero):
            ops_row.addWidget(w)
        ops_row.addStretch(1)
        copy_row = QHBoxLayout()
        copy_row.addWidget(QLabel(self.tr("Copy all four matrices from")))
        copy_row.addWidget(self.copy_combo, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.grid, 1)
        layout.addLayout(cell_row)
        layout.addLayout(ops_row)
        layout.addLayout(copy_row)

        self.grid.installEventFilter(self)
        self.grid.sigCellClicked.connect(self.select_cell)
        self.grid.sigCellDragged.connect(self._paint)
        self.grid.sigDragFinished.connect(session.end_merge)
        self.grid.sigCellHovered.connect(self._on_hover)
        self.value_box.valueChanged.connect(self._on_value_box)
        self.value_box.editingFinished.connect(session.end_merge)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderReleased.connect(session.end_merge)
        lazy_view.connect_redraw(self, session.sigStateChanged, self._redraw)
        lazy_view.connect_redraw(self, selection.sigHeadChanged, self._redraw)
        lazy_view.request(self, self._redraw)

    # --- what is shown -----------------------------------------------------------------

    def matrix(self):
        return shapes.head_matrix(self._session.state, self._which, self._head())

    def _head(self) -> int:
        return min(self._selection.head, self._session.state.n_heads - 1)

    def _names(self):
        features = self._session.feature_names()
        columns = [str(i + 1) for i in range(self._session.state.d_k)]
        return (columns, features) if self._which == "w_o" else (features, columns)

    def _redraw(self, *_) -> None:
        m = self.matrix()
        rows, cols = self._names()
        self.grid.set_matrix(m, rows, cols)
        r, c = self._cell
        self._cell = (min(r, m.shape[0] - 1), min(c, m.shape[1] - 1))
        self.grid.select_cell(*self._cell)
        self._show_cell_value()
        state = self._session.state
        head = self._head()
        items = [(self.tr("(choose a head)"), -1)]
        items += [(f"{i + 1}: {n}", i) for i, n in enumerate(state.head_names) if i != head]
        current = [
            (self.copy_combo.itemText(i), self.copy_combo.itemData(i)) for i in range(self.copy_combo.count())
        ]
        if items != current:  # refilling resizes the combo and lays out the whole window again
            old = self.copy_combo.blockSignals(True)
            self.copy_combo.clear()
            for text, data in items:
                self.copy_combo.addItem(text, data)
            self.copy_combo.blockSignals(old)

    def _show_cell_value(self) -> None:
        r, c = self._cell
        value = float(self.matrix()[r, c])
        box = self.value_box
        clamped = min(max(value, box.minimum()), box.maximum())
        shown = box.valueFromText(box.textFromValue(clamped))  # as the box would round it
        for widget, v in ((box, shown), (self.slider, round(value * SLIDER_STEPS_PER_UNIT))):
            if widget.value() == v:
                continue  # setValue repaints even an unchanged value (every edit of anything else)
            old = widget.blockSignals(True)
            widget.setValue(v)
            widget.blockSignals(old)
        rows, cols = self._names()
        self.readout.setText(f"{MATRIX_TEXT[self._which][0]}[{rows[r]}, {cols[c]}] = {value:.3g}")

    def _on_hover(self, r: int, c: int) -> None:
        if r < 0:
            self._show_cell_value()
            return
        rows, cols = self._names()
        self.readout.setText(
            f"{MATRIX_TEXT[self._which][0]}[{rows[r]}, {cols[c]}] = {self.matrix()[r, c]:.3g}"
        )

    # --- edits -------------------------------------------------------------------------

    def select_cell(self, r: int, c: int) -> None:
        self._cell = (r, c)
        self.grid.select_cell(r, c)
        self._show_cell_value()

    def _set(self, value: float, merge_key: str) -> None:
        r, c = self._cell
        try:
            self._session.set_cell(self._which, self._head(), r, c, value, merge_key=merge_key)
        except ValueError as exc:
            self.readout.setText(str(exc))

    def _on_value_box(self, value: float) -> None:
        self._set(value, f"cell:{self._which}:{self._cell}")

    def _on_slider(self, step: int) -> None:
        self._set(step / SLIDER_STEPS_PER_UNIT, f"cell:{self._which}:{self._cell}")
        if not self.slider.isSliderDown():
            self._session.end_merge()

    def _paint(self, r: int, c: int) -> None:
        value = self.value_box.value()  # read before selecting: selecting shows the cell's old value
        self.select_cell(r, c)
        self._set(value, f"paint:{self._which}")
        self._show_cell_value()

    def _fill(self, kind: str) -> None:
        self._session.fill_head(self._which, self._head(), kind, seed=self.seed_box.value())

    def _copy_from(self, index: int) -> None:
        source = self.copy_combo.itemData(index)
        if source is not None and source >= 0:
            self._session.copy_head(int(source), self._head())

    def move_selection(self, dr: int, dc: int) -> None:
        rows, cols = self.matrix().shape
        r, c = self._cell
        self.select_cell(max(0, min(rows - 1, r + dr)), max(0, min(cols - 1, c + dc)))

    def eventFilter(self, watched, event) -> bool:
        # Arrow keys on the grid move the selected cell (a focused widget would pass them on).
        if watched is self.grid and event.type() == QEvent.Type.KeyPress and event.key() in ARROWS:
            self.move_selection(*ARROWS[event.key()])
            return True
        return super().eventFilter(watched, event)


class MatricesView(QTabWidget):
    """The selected head's four matrices, one tab each."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        # Opaque: a label changing inside repaints the tabs' background, not the dock's
        # frame and title beneath it (a QDockWidget paint, ~0.3 ms, on most edits). The
        # pages stay transparent: they show the tab pane's own colour.
        self.setAutoFillBackground(True)
        self.editors = {}
        for which in MATRIX_TEXT:
            editor = MatrixEditor(session, selection, which)
            self.editors[which] = editor
            self.addTab(editor, QCoreApplication.translate("matrix_editor", MATRIX_TABS[which]))
        self._selection = selection
        self._session = session
        selection.sigHeadChanged.connect(self._retitle)
        session.sigStateChanged.connect(self._retitle)
        self._retitle()

    def _retitle(self, *_) -> None:
        head = min(self._selection.head, self._session.state.n_heads - 1)
        tip = self.tr("Matrices of head {number}: {name}").format(
            number=head + 1, name=self._session.state.head_names[head]
        )
        if tip != self.toolTip():  # unchanged on almost every edit; a new one costs an event
            self.setToolTip(tip)
