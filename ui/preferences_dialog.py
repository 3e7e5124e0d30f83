"""Preferences: theme, text size, presentation text size, colour map and engine threads.

Values are kept with QSettings (:class:`app.settings.Preferences`) and take effect
when the dialog is accepted; Cancel changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox

from app.settings import COLORMAPS, THEMES
from engine.config import CONFIG, cpu_count
from ui.heatmap import COLOUR_MAPS

# Marked for translation (context "preferences_dialog"), translated when the combo is filled.
THEME_LABELS = {
    "light": QT_TRANSLATE_NOOP("preferences_dialog", "Light"),
    "dark": QT_TRANSLATE_NOOP("preferences_dialog", "Dark"),
    "high-contrast": QT_TRANSLATE_NOOP("preferences_dialog", "High contrast"),
}


class PreferencesDialog(QDialog):
    """Edits a :class:`app.settings.Preferences` and applies it to a main window."""

    def __init__(self, window, prefs, parent=None):
        super().__init__(parent or window)
        self._window = window
        self._prefs = prefs
        self.setWindowTitle(self.tr("Preferences"))
        self.theme = QComboBox()
        for key in THEMES:
            self.theme.addItem(QCoreApplication.translate("preferences_dialog", THEME_LABELS[key]), key)
        self.theme.setCurrentIndex(THEMES.index(prefs.theme))
        self.theme.setToolTip(
            self.tr("Colours of the windows and panels. Plots stay on white in every theme.")
        )
        self.font_scale = self._percent_box(
            prefs.font_scale, self.tr("Size of all text outside presentation mode.")
        )
        self.presentation_scale = self._percent_box(
            prefs.presentation_scale,
            self.tr("Size of all text in presentation mode (F11): big enough for the back row."),
        )
        self.colormap = QComboBox()
        for key in COLORMAPS:
            label = COLOUR_MAPS.get(key)
            self.colormap.addItem(
                QCoreApplication.translate("heatmap", label) if label else key.capitalize(), key
            )
        self.colormap.setCurrentIndex(COLORMAPS.index(prefs.colormap))
        self.colormap.setToolTip(self.tr("The colour map the attention heatmap starts with."))
        self.threads = QSpinBox()
        self.threads.setRange(0, cpu_count())
        self.threads.setSpecialValueText(self.tr("all cores"))
        self.threads.setValue(prefs.threads)
        self.threads.setToolTip(self.tr("Threads for long sequences; 'all cores' uses every core."))
        form = QFormLayout(self)
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow(self.tr("Text size"), self.font_scale)
        form.addRow(self.tr("Presentation text size"), self.presentation_scale)
        form.addRow(self.tr("Colour map"), self.colormap)
        form.addRow(self.tr("Engine threads"), self.threads)
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
