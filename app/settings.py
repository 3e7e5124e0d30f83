"""Preferences kept between runs (QSettings), each read back checked and with a default.

A hand-edited or older settings file can hold anything; a value that is missing, of
the wrong type or out of range falls back to its default instead of breaking start-up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

THEMES = ("light", "dark", "high-contrast")
COLORMAPS = ("viridis", "cividis", "magma", "inferno", "grey")
FONT_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
MAX_RECENT = 8


class Preferences:
    """Typed access to the user's preferences."""

    def __init__(self, settings: QSettings | None = None):
        self._s = settings or QSettings()

    # --- helpers --------------------------------------------------------------------

    def _choice(self, key: str, choices, default):
        value = self._s.value(key, default)
        return value if value in choices else default

    def _number(self, key: str, low: float, high: float, default: float) -> float:
        try:
            value = float(self._s.value(key, default))
        except (TypeError, ValueError):
            return default
        return value if low <= value <= high else default

    # --- values -----------------------------------------------------------------------

    @property
    def theme(self) -> str:
        return self._choice("appearance/theme", THEMES, "light")

    @theme.setter
    def theme(self, value: str) -> None:
        if value not in THEMES:
            raise ValueError(f"Theme must be one of {', '.join(THEMES)}.")
        self._s.setValue("appearance/theme", value)

    @property
    def font_scale(self) -> float:
        return self._number("appearance/font_scale", 1.0, 3.0, 1.0)

    @font_scale.setter
    def font_scale(self, value: float) -> None:
        if not 1.0 <= float(value) <= 3.0:
            raise ValueError("The font scale runs from 100% to 300%.")
        self._s.setValue("appearance/font_scale", float(value))

    @property
    def presentation_scale(self) -> float:
        """Font scale in presentation mode: big enough for the back row by default."""
        return self._number("appearance/presentation_scale", 1.0, 3.0, 1.75)

    @presentation_scale.setter
    def presentation_scale(self, value: float) -> None:
        if not 1.0 <= float(value) <= 3.0:
            raise ValueError("The font scale runs from 100% to 300%.")
        self._s.setValue("appearance/presentation_scale", float(value))

    @property
    def colormap(self) -> str:
        return self._choice("appearance/colormap", COLORMAPS, "viridis")

    @colormap.setter
    def colormap(self, value: str) -> None:
        if value not in COLORMAPS:
            raise ValueError(f"Colour map must be one of {', '.join(COLORMAPS)}.")
        self._s.setValue("appearance/colormap", value)

    @property
    def threads(self) -> int:
        """0 means every core."""
        return int(self._number("engine/threads", 0, 256, 0))

    @threads.setter
    def threads(self, value: int) -> None:
        self._s.setValue("engine/threads", max(0, int(value)))

    # --- recent files -----------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self._s.value("files/recent", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        if not isinstance(value, list):
            return []
        return [v for v in value if isinstance(v, str) and v][:MAX_RECENT]

    def add_recent_file(self, path) -> list[str]:
        path = str(Path(path).resolve())
        files = [path] + [f for f in self.recent_files() if f != path]
        self._s.setValue("files/recent", files[:MAX_RECENT])
        return files[:MAX_RECENT]

    def remove_recent_file(self, path) -> None:
        self._s.setValue("files/recent", [f for f in self.recent_files() if f != str(path)])

    def sync(self) -> None:
        self._s.sync()
