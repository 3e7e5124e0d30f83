"""The token editor's chips: drawn by the style sheet once, then copied from kept pictures."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QStyledItemDelegate

from app.selection import Selection
from app.session import Session
from ui.token_editor import ChipDelegate, TokenEditor


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].astype(int)


def _as_the_style_draws_it(editor, qapp) -> np.ndarray:
    """The list as Qt's own delegate paints it, then the chip delegate put back."""
    chips = editor.list.itemDelegate()
    editor.list.setItemDelegate(QStyledItemDelegate(editor.list))
    qapp.processEvents()
    plain = _pixels(editor.list.grab().toImage())
    editor.list.setItemDelegate(chips)
    qapp.processEvents()
    return plain


def _on_screen(editor, qapp) -> np.ndarray:
    """The list as the window shows it (its backing store), painted with the kept pictures.
    (``grab()`` paints into a pixmap, which the delegate leaves to the style.)"""
    editor.list.viewport().repaint()
    qapp.processEvents()
    window = qapp.primaryScreen().grabWindow(editor.winId()).toImage()
    at = editor.list.mapTo(editor, editor.list.rect().topLeft())
    return _pixels(window.copy(at.x(), at.y(), editor.list.width(), editor.list.height()))


def _shows_as_the_style_draws(editor, qapp) -> None:
    mine = _on_screen(editor, qapp)
    plain = _as_the_style_draws_it(editor, qapp)
    assert mine.shape == plain.shape
    # Antialiased corners may round one level apart; nothing else differs.
    assert np.abs(mine - plain).max() <= 2 and (mine != plain).sum() < 40


def test_chips_look_as_the_style_sheet_draws_them_through_edits(qapp, qtbot):
    session = Session()
    editor = TokenEditor(session, Selection(session))
    qtbot.addWidget(editor)
    editor.resize(500, 240)
    editor.show()
    qtbot.waitExposed(editor)
    assert isinstance(editor.list.itemDelegate(), ChipDelegate)
    editor.list.setCurrentRow(2)  # a selected chip is drawn differently
    _shows_as_the_style_draws(editor, qapp)
    before = _on_screen(editor, qapp)
    tokens = list(session.state.tokens)
    tokens[1] = "elephant"  # a renamed chip shows its new text, not a kept picture
    session.set_tokens(tokens)
    qapp.processEvents()
    assert not np.array_equal(before, _on_screen(editor, qapp))
    _shows_as_the_style_draws(editor, qapp)
    kept = len(editor.chips._pictures)
    assert 0 < kept <= len(tokens) + 2  # one picture per chip drawn, not per paint
    _on_screen(editor, qapp)
    assert len(editor.chips._pictures) == kept
    font = QFont(editor.list.font())  # presentation mode: a bigger font forgets the pictures
    font.setPointSize(font.pointSize() + 6)
    editor.list.setFont(font)
    qapp.processEvents()
    _shows_as_the_style_draws(editor, qapp)


def test_the_main_windows_chips_come_from_kept_pictures(bank_window, open_view, qapp):
    """Painted as part of the whole window (where PySide hands the delegate a plain paint
    device), the chips still come from kept pictures: one per look (repeated words share)."""
    editor = open_view("tokens")
    editor.chips.forget()
    # Laid out and painted with the window, as after a token edit. (Not through
    # viewport(): asking for it makes PySide know the device as a widget.)
    editor.list.scheduleDelayedItemsLayout()
    for _ in range(5):
        qapp.processEvents()
    assert len(set(editor.tokens())) <= len(editor.chips._pictures) <= editor.list.count()
