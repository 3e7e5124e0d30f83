"""Preferences: theme, text size, presentation text size, colour map and engine threads.

Values are kept with QSettings (:class:`app.settings.Preferences`) and take effect
when the dialog is accepted; Cancel changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox

from app.settings import COLORMAPS, THEMES
from engine.config import CONFIG, cpu_count


def _tr(text: str) -> str:
    return QCoreApplication.translate("PreferencesDialog", text)


THEME_LABELS = {"light": "Light", "dark": "Dark", "high-contrast": "High contrast"}


class PreferencesDialog(QDialog):
    """Edits a :class:`app.settings.Preferences` and applies it to a main window."""

    def __init__(self, window, prefs, parent=None):
        super().__init__(parent or window)
        self._window = window
        self._prefs = prefs
        self.setWindowTitle(_tr("Preferences"))
        self.theme = QComboBox()
        for key in THEMES:
            self.theme.addItem(_tr(THEME_LABELS[key]), key)
        self.theme.setCurrentIndex(THEMES.index(prefs.theme))
        self.theme.setToolTip(_tr("Colours of the windows and panels. Plots stay on white in every theme."))
        self.font_scale = self._percent_box(
            prefs.font_scale, _tr("Size of all text outside presentation mode.")
        )
        self.presentation_scale = self._percent_box(
            prefs.presentation_scale,
            _tr("Size of all text in presentation mode (F11): big enough for the back row."),
        )
        self.colormap = QComboBox()
        for key in COLORMAPS:
            self.colormap.addItem(key.capitalize(), key)
        self.colormap.setCurrentIndex(COLORMAPS.index(prefs.colormap))
        self.colormap.setToolTip(_tr("The colour map the attention heatmap starts with."))
        self.threads = QSpinBox()
        self.threads.setRange(0, cpu_count())
        self.threads.setSpecialValueText(_tr("all cores"))
        self.threads.setValue(prefs.threads)
        self.threads.setToolTip(_tr("Threads for long sequences; 'all cores' uses every core."))
        form = QFormLayout(self)
        form.addRow(_tr("Theme"), self.theme)
        form.addRow(_tr("Text size"), self.font_scale)
        form.addRow(_tr("Presentation text size"), self.presentation_scale)
        form.addRow(_tr("Colour map"), self.colormap)
        form.addRow(_tr("Engine threads"), self.threads)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _percent_box(scale: float, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(100, 300)
        box.setSingleStep(25)
        box.setSuffix(" %")
        box.setValue(round(scale * 100))
        box.setToolTip(tip)
        return box

    def accept(self) -> None:
        p = self._prefs
        p.theme = self.theme.currentData()
        p.font_scale = self.font_scale.value() / 100
        p.presentation_scale = self.presentation_scale.value() / 100
        p.colormap = self.colormap.currentData()
        p.threads = self.threads.value()
        p.sync()
        apply_engine_threads(p)
        self._window.apply_colormap(p.colormap)
        self._window.presentation.apply_preferences()
        super().accept()


def apply_engine_threads(prefs) -> None:
    """The engine uses the preferred number of threads (0: every core)."""
    CONFIG.threads = prefs.threads or None
