"""The control panel: sentence, heads, temperature, toggles and the head selector.

Each control writes through the session (one undoable edit) and is updated from the
session's state in ``_on_state_changed``, with its own signals blocked so the update
does not echo back as a new edit.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import shapes
from app import state as st
from app.presets import load_presets
from engine.positional import POSITION_KINDS
from ui.layout_shield import LayoutShield

# The temperature slider is logarithmic: equal steps multiply T by the same factor,
# so 0.1 -> 1 takes as much travel as 1 -> 10.
T_STEPS_PER_DECADE = 50
T_MIN_EXP, T_MAX_EXP = -1.0, 1.0

# Marked for translation (context "controls"), translated when the combo is filled.
POSITION_LABELS = {
    "none": QT_TRANSLATE_NOOP("controls", "Off"),
    "sinusoidal": QT_TRANSLATE_NOOP("controls", "Sinusoidal"),
    "one-hot": QT_TRANSLATE_NOOP("controls", "One-hot (learned-looking)"),
}


def temperature_to_slider(t: float) -> int:
    return round(math.log10(t) * T_STEPS_PER_DECADE)


def slider_to_temperature(v: int) -> float:
    return round(10 ** (v / T_STEPS_PER_DECADE), 3)


def _blocked(widget, setter, value) -> None:
    """Set a widget's value without emitting its change signal."""
    old = widget.blockSignals(True)
    try:
        setter(value)
    finally:
        widget.blockSignals(old)


class ControlPanel(QWidget):
    """The controls down the left of the main window."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        self._session = session
        self._selection = selection
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_preset())
        layout.addWidget(self._build_sentence())
        layout.addWidget(self._build_heads())
        layout.addWidget(self._build_settings())
        layout.addStretch(1)
        session.sigStateChanged.connect(self._on_state_changed)
        session.sigErrorChanged.connect(self._on_error_changed)
        selection.sigHeadChanged.connect(self._on_head_selected)
        self._on_state_changed(session.state)

    # --- building --------------------------------------------------------------------

    def _build_preset(self) -> QGroupBox:
        box = QGroupBox(self.tr("Preset"))
        v = QVBoxLayout(box)
        self.preset_combo = QComboBox()
        self.preset_combo.addItem(self.tr("(your own)"), "")
        for slug, preset in load_presets().items():
            self.preset_combo.addItem(preset.name, slug)
            self.preset_combo.setItemData(
                self.preset_combo.count() - 1, preset.purpose, Qt.ItemDataRole.ToolTipRole
            )
        self.preset_combo.setToolTip(
            self.tr(
                "Load a ready-made example from the explainer: its sentence, heads and settings. "
                "Loading is one step you can undo."
            )
        )
        self.preset_combo.activated.connect(self._on_preset_chosen)
        self.preset_purpose = QLabel()
        self.preset_purpose.setWordWrap(True)
        v.addWidget(self.preset_combo)
        v.addWidget(self.preset_purpose)
        return box

    def _build_sentence(self) -> QGroupBox:
        box = QGroupBox(self.tr("Sentence"))
        v = QVBoxLayout(box)
        self.sentence_edit = QLineEdit(self._session.sentence)
        self.sentence_edit.setToolTip(
            self.tr(
                "Type any sentence. It is split into tokens (words and punctuation) and every "
                "token attends to every other token. Up to 64 tokens."
            )
        )
        self.sentence_edit.textEdited.connect(self._on_sentence_edited)
        self.sentence_edit.editingFinished.connect(self._session.end_merge)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setVisible(False)
        v.addWidget(self.sentence_edit)
        v.addWidget(self.message)
        return box

    def _build_heads(self) -> QGroupBox:
        box = QGroupBox(self.tr("Heads"))
        form = QFormLayout(box)
        self.heads_slider = QSlider(Qt.Orientation.Horizontal)
        self.heads_slider.setRange(1, st.MAX_HEADS)
        self.heads_slider.setPageStep(1)
        self.heads_slider.setToolTip(
            self.tr(
                "How many attention heads run side by side. Each head has its own W_Q, W_K and "
                "W_V, so each can look for a different kind of relation."
            )
        )
        self.heads_label = QLabel()
        self.heads_label.setMinimumWidth(28)
        self.heads_slider.valueChanged.connect(self._on_heads_moved)
        self.heads_slider.sliderReleased.connect(self._session.end_merge)
        row = QHBoxLayout()
        row.addWidget(self.heads_slider, 1)
        # Shielded: a new number (same room) would lay the whole control panel out again.
        row.addWidget(LayoutShield(self.heads_label))
        form.addRow(self.tr("Number"), row)
        self.head_combo = QComboBox()
        self.head_combo.setToolTip(self.tr("The head whose attention weights the heatmap shows."))
        self.head_combo.currentIndexChanged.connect(self._selection.set_head)
        form.addRow(self.tr("Show"), self.head_combo)
        self.head_enabled = QCheckBox(self.tr("Head adds to the output"))
        self.head_enabled.setToolTip(
            self.tr(
                "Switch the shown head off to see what the output loses without it "
                "(its weights are still drawn, but it adds zeros to the output)."
            )
        )
        self.head_enabled.toggled.connect(lambda on: self._session.set_head_enabled(self._selection.head, on))
        form.addRow("", self.head_enabled)
        solo = QPushButton(self.tr("Solo"))
        solo.setToolTip(
            self.tr("Only the shown head contributes to the output; the others are switched off.")
        )
        solo.clicked.connect(lambda: self._guarded(self._session.solo_head, self._selection.head))
        all_on = QPushButton(self.tr("All on"))
        all_on.setToolTip(self.tr("Switch every head back on."))
        all_on.clicked.connect(lambda: self._guarded(self._session.enable_all_heads))
        row = QHBoxLayout()
        row.addWidget(solo)
        row.addWidget(all_on)
        form.addRow("", row)
        self.d_model_box = QSpinBox()
        self.d_model_box.setRange(shapes.MIN_D_MODEL, shapes.MAX_D_MODEL)
        self.d_model_box.setToolTip(
            self.tr(
                "Width of each token's vector. The first 16 columns are named features; "
                "shrinking drops the last columns, growing adds zero columns."
            )
        )
        self.d_model_box.valueChanged.connect(lambda v: self._guarded(self._session.set_d_model, v))
        form.addRow(self.tr("d_model"), self.d_model_box)
        self.d_k_box = QSpinBox()
        self.d_k_box.setRange(1, shapes.MAX_D_K)
        self.d_k_box.setToolTip(
            self.tr(
                "Width of each head's queries, keys and values. Usually d_model / heads; here you may choose."
            )
        )
        self.d_k_box.valueChanged.connect(lambda v: self._guarded(self._session.set_d_k, v))
        form.addRow(self.tr("d_k per head"), self.d_k_box)
        return box

    def _build_settings(self) -> QGroupBox:
        box = QGroupBox(self.tr("Attention"))
        form = QFormLayout(box)
        self.temperature_slider = QSlider(Qt.Orientation.Horizontal)
        self.temperature_slider.setRange(
            round(T_MIN_EXP * T_STEPS_PER_DECADE), round(T_MAX_EXP * T_STEPS_PER_DECADE)
        )
        self.temperature_slider.setToolTip(
            self.tr(
                "Divides every score before the softmax. Low temperature: each token picks "
                "one favourite. High temperature: attention spreads out evenly."
            )
        )
        self.temperature_label = QLabel()
        self.temperature_label.setMinimumWidth(44)
        self.temperature_slider.valueChanged.connect(self._on_temperature_moved)
        self.temperature_slider.sliderReleased.connect(self._session.end_merge)
        row = QHBoxLayout()
        row.addWidget(self.temperature_slider, 1)
        row.addWidget(LayoutShield(self.temperature_label))  # as the heads number above
        form.addRow(self.tr("Temperature"), row)
        self.scale_check = QCheckBox(self.tr("Scale scores by \u221ad_k"))
        self.scale_check.setToolTip(
            self.tr(
                "Divide each q\u00b7k score by the square root of the head size, as Transformers "
                "do, so bigger heads do not give sharper attention just by being bigger."
            )
        )
        self.scale_check.toggled.connect(self._session.set_scale)
        form.addRow(self.scale_check)
        self.causal_check = QCheckBox(self.tr("Causal mask (no looking ahead)"))
        self.causal_check.setToolTip(
            self.tr(
                "Each token may only attend to itself and the tokens before it, as in a model "
                "that writes text one word at a time. Masked cells are grey."
            )
        )
        self.causal_check.toggled.connect(self._session.set_causal)
        form.addRow(self.causal_check)
        self.positions_combo = QComboBox()
        for kind in POSITION_KINDS:
            label = POSITION_LABELS.get(kind)
            self.positions_combo.addItem(
                QCoreApplication.translate("controls", label) if label else kind, kind
            )
        self.positions_combo.setToolTip(
            self.tr(
                "Add a vector for each token's position. Off: attention cannot tell word order, "
                "and two identical words get identical attention rows."
            )
        )
        self.positions_combo.currentIndexChanged.connect(
            lambda i: self._guarded(self._session.set_positions, self.positions_combo.itemData(i))
        )
        form.addRow(self.tr("Positions"), self.positions_combo)
        return box

    # --- widget -> session -----------------------------------------------------------

    def _guarded(self, edit, *args) -> bool:
        """Run an edit; show its ValueError next to the sentence instead of raising."""
        try:
            edit(*args)
        except ValueError as exc:
            self._show_message(str(exc))
            return False
        self._show_message(self._session.error)
        return True

    def _on_preset_chosen(self, index: int) -> None:
        slug = self.preset_combo.itemData(index)
        if slug:
            self._guarded(self._session.load_preset, slug)

    def _on_sentence_edited(self, text: str) -> None:
        tokens = self._session.source.tokenize(text)
        try:
            tokens = st.check_tokens(tokens)
        except ValueError as exc:
            self._show_message(str(exc))  # the last good sentence stays on screen
            return
        # One undo step per burst of typing: merged until editing finishes.
        self._guarded(self._session.set_tokens, tokens, "sentence")

    def _on_heads_moved(self, value: int) -> None:
        self.heads_label.setText(str(value))
        self._guarded(self._session.set_heads, value)
        if not self.heads_slider.isSliderDown():
            self._session.end_merge()  # a key press is one step; a drag is one step

    def _on_temperature_moved(self, value: int) -> None:
        t = slider_to_temperature(value)
        self.temperature_label.setText(f"{t:.2f}")
        self._guarded(self._session.set_temperature, t)
        if not self.temperature_slider.isSliderDown():
            self._session.end_merge()

    # --- session -> widget -----------------------------------------------------------

    def _on_state_changed(self, state) -> None:
        presets = load_presets()
        _blocked(
            self.preset_combo,
            self.preset_combo.setCurrentIndex,
            max(0, self.preset_combo.findData(state.preset)),
        )
        self.preset_purpose.setText(presets[state.preset].purpose if state.preset in presets else "")
        self.preset_purpose.setVisible(state.preset in presets)
        sentence = " ".join(state.tokens)
        # Set only what changed: a line edit or spin box given its own value still repaints.
        if not self.sentence_edit.hasFocus():
            if self.sentence_edit.text() != sentence:
                _blocked(self.sentence_edit, self.sentence_edit.setText, sentence)
            if self.sentence_edit.cursorPosition() != 0:
                self.sentence_edit.setCursorPosition(0)  # show the start of a long sentence
        _blocked(self.heads_slider, self.heads_slider.setValue, state.n_heads)
        for box, value in ((self.d_model_box, state.d_model), (self.d_k_box, state.d_k)):
            if box.value() != value:
                _blocked(box, box.setValue, value)
        self.heads_label.setText(str(state.n_heads))
        _blocked(
            self.temperature_slider,
            self.temperature_slider.setValue,
            temperature_to_slider(state.temperature),
        )
        self.temperature_label.setText(f"{state.temperature:.2f}")
        _blocked(self.scale_check, self.scale_check.setChecked, state.scale)
        _blocked(self.causal_check, self.causal_check.setChecked, state.causal)
        _blocked(
            self.positions_combo, self.positions_combo.setCurrentIndex, POSITION_KINDS.index(state.positions)
        )
        names = [f"{i + 1}: {name}" for i, name in enumerate(state.head_names)]
        if names != [self.head_combo.itemText(i) for i in range(self.head_combo.count())]:
            old = self.head_combo.blockSignals(True)
            self.head_combo.clear()
            self.head_combo.addItems(names)
            self.head_combo.setCurrentIndex(self._selection.head)
            self.head_combo.blockSignals(old)
        self._on_head_selected(self._selection.head)

    def _on_head_selected(self, head: int) -> None:
        _blocked(self.head_combo, self.head_combo.setCurrentIndex, head)
        state = self._session.state
        _blocked(self.head_enabled, self.head_enabled.setChecked, bool(state.head_mask[head]))

    def _on_error_changed(self, message: str) -> None:
        self._show_message(message)

    def _show_message(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))
