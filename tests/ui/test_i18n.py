"""Every visible text goes through Qt's translation, and translations load at start."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui"

# Command-line output, not UI: the self-test's verdict stays English.
NOT_UI_MODULES = {"selftest.py"}
# Texts that are the same in every language: product and matrix names, symbols.
ALLOWED = {"W_O"}

# Calls that show their argument(s): method or class name -> positions of the text arguments.
TEXT_ARGS = {
    "setText": (0,),
    "setToolTip": (0,),
    "setStatusTip": (0,),
    "setWhatsThis": (0,),
    "setWindowTitle": (0,),
    "setPlaceholderText": (0,),
    "setSpecialValueText": (0,),
    "setPrefix": (0,),
    "setSuffix": (0,),
    "setTitle": (0,),
    "setHtml": (0,),
    "setMarkdown": (0,),
    "showMessage": (0,),
    "addTab": (1,),
    "addItem": (0,),
    "addItems": (0,),
    "setItemText": (1,),
    "addMenu": (0,),
    "addAction": (0,),
    "addRow": (0,),
    "addLabel": (0,),
    "createUndoAction": (1,),
    "createRedoAction": (1,),
    "QLabel": (0,),
    "QPushButton": (0,),
    "QCheckBox": (0,),
    "QRadioButton": (0,),
    "QGroupBox": (0,),
    "QAction": (0,),
    "QDockWidget": (0,),
    "QListWidgetItem": (0,),
    "QMessageBox": (1, 2),
    "warning": (1, 2),
    "information": (1, 2),
    "critical": (1, 2),
    "question": (1, 2),
    "about": (1, 2),
    "getOpenFileName": (1, 3),
    "getSaveFileName": (1, 3),
    "getExistingDirectory": (1,),
}
TEXT_KEYWORDS = {"text", "title", "label", "tip", "toolTip", "x_label", "y_label"}
CURVE_CALLS = {"plot"}  # plot(..., name=...) names a curve in the legend
AXIS_SIDES = {"left", "right", "top", "bottom"}
TRANSLATING = {"tr", "translate"}


def _is_translation(node: ast.AST) -> bool:
    """tr(...), self.tr(...), translate(...), QCoreApplication.translate(...)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in TRANSLATING


def _visible_letters(text: str) -> bool:
    """Whether a literal has words to translate once markup and {fields} are taken out."""
    text = re.sub(r"<[^>]*>|&\w+;|\{[^{}]*\}", "", text)
    return bool(re.search(r"[^\W\d_]", text)) and text.strip() not in ALLOWED


def _untranslated(node: ast.AST) -> bool:
    """A literal (or an f-string, a .format or % of one, a sum of them) that skips translation."""
    if _is_translation(node):
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _visible_letters(node.value)
    if isinstance(node, ast.JoinedStr):
        parts = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return _visible_letters(parts) or any(
            _untranslated(v.value) for v in node.values if isinstance(v, ast.FormattedValue)
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _untranslated(node.func.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _untranslated(node.left) or _untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) or _untranslated(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(_untranslated(e) for e in node.elts)
    return False


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def untranslated_texts(source: str, filename: str = "<source>") -> list[str]:
    """``file:line: call(...)`` for every text shown without going through translation."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        args = list(node.args)
        positions = TEXT_ARGS.get(name, ())
        if name == "setLabel" and args:  # axis.setLabel(text) or plot.setLabel("bottom", text)
            first = args[0]
            side = isinstance(first, ast.Constant) and first.value in AXIS_SIDES
            positions = (1,) if side else (0,)
        suspects = [args[i] for i in positions if i < len(args)]
        keywords = TEXT_KEYWORDS | ({"name"} if name in CURVE_CALLS else set())
        suspects += [k.value for k in node.keywords if k.arg in keywords]
        for arg in suspects:
            if _untranslated(arg):
                found.append(f"{filename}:{node.lineno}: {name}({ast.unparse(arg)[:60]})")
    return found


def test_the_checker_catches_literals_and_passes_translations():
    """The checker itself: literals and f-strings are caught; tr(), symbols and fields pass."""
    bad = """
label.setText("Hello")
QPushButton(f"Head {n}")
box.setToolTip("Hello {n}".format(n=1))
plot.setLabel("bottom", "tokens n")
QMessageBox.warning(w, "Oops", text)
menu.addAction("&Quit")
Heatmap(x_label="feature")
"""
    good = """
label.setText(self.tr("Hello"))
QPushButton(self.tr("Head {n}").format(n=n))
box.setToolTip(QCoreApplication.translate("ctx", "Hello"))
plot.setLabel("bottom", self.tr("tokens n"))
label.setText(f"{t:.2f}")
label.setText("")
label.setText(f"<b>{title}</b>")
layout.addLabel("\\u2192")
label.setText(message)
"""
    assert len(untranslated_texts(bad)) == 7
    assert untranslated_texts(good) == []


def test_ui_shows_no_untranslated_literal():
    """No text literal in ui/ reaches a label, button, menu, tooltip, title or axis untranslated."""
    found = []
    for path in sorted(UI.glob("*.py")):
        if path.name not in NOT_UI_MODULES:
            found += untranslated_texts(path.read_text(encoding="utf-8"), path.name)
    assert not found, "\n".join(found)


def _wrappers(tree: ast.AST) -> set[str]:
    """Functions that pass one of their parameters to tr()/translate() as the text."""
    names = set()
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef):
            params = {a.arg for a in func.args.args + func.args.kwonlyargs} - {"self"}
            for node in ast.walk(func):
                if _is_translation(node) and node.args:
                    text = (
                        node.args[1]
                        if _call_name(node) == "translate" and len(node.args) > 1
                        else node.args[0]
                    )
                    if isinstance(text, ast.Name) and text.id in params:
                        names.add(func.name)
    return names


def test_no_literal_goes_through_a_wrapper():
    """No literal is passed to a translating helper, where lupdate cannot find it."""
    # A helper that translates its parameter may only serve QT_TRANSLATE_NOOP-marked texts.
    found = []
    for path in sorted(UI.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrappers = _wrappers(tree)
        for node in ast.walk(tree):
            literal = isinstance(node, ast.Call) and any(
                isinstance(a, (ast.Constant, ast.JoinedStr)) for a in node.args
            )
            if literal and _call_name(node) in wrappers:
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:60]}")
    assert not found, found


class Marking(QTranslator):
    """A 'language' that wraps every text in «»: a text without them skipped translation."""

    def translate(self, context, source_text, disambiguation=None, n=-1):
        return f"\u00ab{source_text}\u00bb" if source_text else source_text

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def marking_window(qtbot, qapp):
    """The main window built while the «» translator is installed; removed afterwards."""
    from app.session import Session
    from ui.main_window import MainWindow

    translator = Marking()
    assert qapp.installTranslator(translator)
    try:
        session = Session()
        session.load_preset("bank")
        win = MainWindow(session, remember_layout=False)
        qtbot.addWidget(win)
        yield win
    finally:
        qapp.removeTranslator(translator)


def _marked(text: str) -> bool:
    return "\u00ab" in text and "\u00bb" in text


def test_visible_texts_come_out_translated(marking_window):
    """Menus, docks, group boxes, a tooltip and the heatmap's texts pass through the translator."""
    from PySide6.QtWidgets import QGroupBox

    win = marking_window
    menus = [a.text() for a in win.menuBar().actions()]
    assert menus and all(_marked(t) for t in menus), menus
    assert win.controls_dock.windowTitle() == "\u00abControls\u00bb"
    assert _marked(win.docks["steps"].windowTitle())
    boxes = [b.title() for b in win.controls.findChildren(QGroupBox)]
    assert boxes and all(_marked(t) for t in boxes), boxes
    assert _marked(win.controls.temperature_slider.toolTip())
    view = win.attention_view
    assert _marked(view.caption.toolTip()) and _marked(view.readout.text())
    assert _marked(view.title.text())  # "Head {number} — {name}", filled in after translation
    assert all(_marked(title) for title in view.heatmap.axis_titles())
    assert _marked(win.windowTitle())


def test_a_window_built_without_translator_is_english(qtbot):
    """With no translator installed (the state every other test runs in) the texts are English."""
    from app.session import Session
    from ui.main_window import MainWindow

    win = MainWindow(Session(), remember_layout=False)
    qtbot.addWidget(win)
    assert win.controls_dock.windowTitle() == "Controls"
    assert [a.text() for a in win.menuBar().actions()][0] == "&File"


LRELEASE = shutil.which("pyside6-lrelease", path=str(ROOT / ".venv" / "bin")) or shutil.which(
    "pyside6-lrelease"
)


@pytest.mark.skipif(LRELEASE is None, reason="pyside6-lrelease is not installed")
def test_install_translations_loads_a_catalogue(qapp, tmp_path, monkeypatch):
    """A compiled attention_lab_<lang>.qm in the translations folder is found and installed."""
    from PySide6.QtCore import QCoreApplication

    import ui.i18n as i18n

    ts = tmp_path / "attention_lab_fr.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="fr">'
        "<context><name>menus</name><message><source>&amp;File</source>"
        "<translation>&amp;Fichier</translation></message></context></TS>",
        encoding="utf-8",
    )
    subprocess.run([LRELEASE, str(ts)], check=True, capture_output=True)
    monkeypatch.setattr(i18n, "translations_dir", lambda: tmp_path)
    try:
        loaded = i18n.install_translations(qapp, "fr")
        assert tmp_path / "attention_lab_fr.qm" in loaded
        assert QCoreApplication.translate("menus", "&File") == "&Fichier"
        assert i18n.install_translations(qapp, "en") == []  # English: nothing to load
        assert QCoreApplication.translate("menus", "&File") == "&File"
    finally:
        i18n.remove_translations(qapp)


def test_language_flag():
    """--language takes a language code and refuses anything else."""
    from app.cli import parse_args

    assert parse_args(["--language", "pt_BR"]).language == "pt_BR"
    assert parse_args([]).language is None
    with pytest.raises(SystemExit):
        parse_args(["--language", "../../etc"])
