"""Translations: the app's texts and Qt's own, in the user's language, installed at start.

Every text the UI shows goes through Qt's translation (``self.tr`` or
``QCoreApplication.translate``), so a language is added by dropping a compiled
catalogue into ``resources/translations/`` as ``attention_lab_<language>.qm`` (see the
README there); no code changes. English is the source language and needs no file.
Qt's own texts (standard buttons such as "Cancel", the file dialogs) come from Qt's
``qtbase_<language>.qm`` where Qt ships one.

Translators are installed before any window is built: widgets translate their texts
as they are made, so a window built earlier keeps its English.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.resources import resources_dir

CATALOGUE = "attention_lab"  # resources/translations/attention_lab_<language>.qm
QT_CATALOGUE = "qtbase"

_installed: list[QTranslator] = []  # held here so they live as long as they are installed


def translations_dir() -> Path:
    """Where the app's compiled catalogues live (inside the frozen app too)."""
    return resources_dir() / "translations"


def qt_translations_dir() -> Path:
    """Where Qt's own ``qtbase_*.qm`` live (PySide6's wheel, or the frozen app's copy)."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def chosen_locale(language: str | None = None) -> QLocale:
    """``language`` ("fr", "pt_BR", "de-CH") if given, else the system's locale."""
    return QLocale(language.replace("-", "_")) if language else QLocale.system()


def needs_translation(locale: QLocale) -> bool:
    """False for English (the texts' own language) and for the untranslated "C" locale."""
    return locale.language() not in (QLocale.Language.English, QLocale.Language.C)


def install_translations(app: QCoreApplication | None = None, language: str | None = None) -> list[Path]:
    """Install translators for ``language`` (default: the system's); returns the files loaded.

    Replaces translators an earlier call installed. Loading nothing is normal: English,
    or a language nobody has translated yet (the texts stay English).
    """
    app = app or QCoreApplication.instance()
    remove_translations(app)
    locale = chosen_locale(language)
    if not needs_translation(locale):
        return []
    loaded = []
    for name, folder in ((CATALOGUE, translations_dir()), (QT_CATALOGUE, qt_translations_dir())):
        translator = QTranslator(app)
        # Tries each of the locale's UI languages, most specific first: fr_CA, then fr.
        if translator.load(locale, name, "_", str(folder), ".qm") and app.installTranslator(translator):
            _installed.append(translator)
            loaded.append(Path(translator.filePath()))
    return loaded


def remove_translations(app: QCoreApplication | None = None) -> None:
    """Take out every translator :func:`install_translations` put in (texts go back to English
    for widgets built from now on)."""
    app = app or QCoreApplication.instance()
    while _installed:
        translator = _installed.pop()
        if app is not None:
            app.removeTranslator(translator)
