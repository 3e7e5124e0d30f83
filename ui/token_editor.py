"""The sentence as tokens: edit one, insert, delete, drag to reorder, shuffle.

Each change writes the whole token list through the session (one undo step); the
list is rebuilt from the session's state, with its own signals blocked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.state import MAX_TOKENS
from ui import lazy_view

MAX_CHIP_PICTURES = 256  # chips kept drawn (a few per token: plain, selected, hovered)


class ChipDelegate(QStyledItemDelegate):
    """Draws each chip as the style sheet does, once, and then from a kept picture.

    The style sheet's rounded chips cost ~0.1 ms each to draw, and renaming one token
    lays the list out again, which repaints every chip. A chip looks the same while its
    text, state (selected, current, hovered) and size do, so it is drawn once into a
    picture filled with the list's background and copied from then on: the pixels the
    style paints there. A new font, palette or style forgets every picture
    (:meth:`forget`, called by the list's change events).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._pictures: dict[tuple, QPixmap] = {}

    def forget(self) -> None:
        self._pictures.clear()

    def paint(self, painter, option, index) -> None:
        rect = option.rect
        widget = option.widget
        device = painter.device()
        # Only onto a widget (the list): a drag's picture (a pixmap) keeps its transparent
        # edges. Compared by device type: PySide hands a window's paint device over as a
        # plain QPaintDevice, not as the widget.
        if (
            widget is None
            or device.devType() != widget.devType()
            or rect.isEmpty()
            or not painter.transform().isIdentity()
        ):
            super().paint(painter, option, index)  # no known background to draw a picture on
            return
        ratio = device.devicePixelRatioF()
        key = (index.data(), option.state.value, rect.width(), rect.height(), ratio)
        picture = self._pictures.get(key)
        if picture is None:
            picture = QPixmap(round(rect.width() * ratio), round(rect.height() * ratio))
            picture.setDevicePixelRatio(ratio)
            picture.fill(widget.palette().color(QPalette.ColorRole.Base))
            inner = QPainter(picture)
            inner.setRenderHints(painter.renderHints())
            moved = QStyleOptionViewItem(option)
            moved.rect = rect.translated(-rect.topLeft())
            super().paint(inner, moved, index)
            inner.end()
            if len(self._pictures) >= MAX_CHIP_PICTURES:
                self._pictures.clear()
            self._pictures[key] = picture
        painter.drawPixmap(rect.topLeft(), picture)


class _ChipList(QListWidget):
    """The chips' list: its delegate forgets its pictures when the look changes."""

    def changeEvent(self, event) -> None:
        if event.type() in _LOOK_CHANGES:
            delegate = self.itemDelegate()
            if isinstance(delegate, ChipDelegate):
                delegate.forget()
        super().changeEvent(event)


_LOOK_CHANGES = (QEvent.Type.FontChange, QEvent.Type.PaletteChange, QEvent.Type.StyleChange)


class TokenEditor(QWidget):
    """Tokens as chips in reading order."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        # Opaque: a label changing inside repaints this view's background, not the dock's
        # frame and title beneath it (a QDockWidget paint, ~0.3 ms, on most edits).
        self.setAutoFillBackground(True)
        self._session = session
        self._selection = selection
        self.list = _ChipList()
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setSpacing(4)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.setToolTip(
            self.tr(
                "The tokens attention sees. Double-click to edit one, drag to reorder. "
                "With positions off, reordering only reorders the attention matrix."
            )
        )
        # Tokens look like chips: one rounded box each, easy to grab and drag.
        self.list.setStyleSheet(
            "QListWidget::item { border: 1px solid #8a8fb0; border-radius: 6px; padding: 4px 10px;"
            " background: #eef0fa; margin: 2px; }"
            "QListWidget::item:selected { background: #3b4cc0; color: white; }"
        )
        self.list.setMaximumHeight(160)
        self.chips = ChipDelegate(self.list)
        self.list.setItemDelegate(self.chips)
        self.count = QLabel()
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, tip, slot in (
            (
                self.tr("Insert"),
                self.tr("Add a token after the selected one (or at the end)."),
                self.insert_token,
            ),
            (self.tr("Delete"), self.tr("Remove the selected token."), self.delete_token),
            (
                self.tr("Shuffle"),
                self.tr("Put the tokens in a random order."),
                lambda: self._session.shuffle_tokens(),
            ),
        ):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addWidget(self.count)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.list)
        hint = QLabel(self.tr("Double-click a token to change it; drag a token to move it."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.list.itemChanged.connect(lambda _item: self._write_back("Edit token"))
        self.list.model().rowsMoved.connect(lambda *_: self._write_back("Move token"))
        self.list.currentRowChanged.connect(selection.set_query)
        lazy_view.connect_redraw(self, session.sigStateChanged, self._redraw)
        selection.sigQueryChanged.connect(self._on_query_selected)
        lazy_view.request(self, self._redraw)

    def tokens(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _redraw(self, *_) -> None:
        tokens = list(self._session.state.tokens)
        shown = self.tokens()
        # Most edits (a matrix cell, the heads) leave the tokens alone, and a token edit
        # changes one: rebuilding every chip each time cost ~0.4 ms and a relayout.
        if len(shown) == len(tokens) and shown != tokens:
            old = self.list.blockSignals(True)  # no itemChanged: nothing to write back
            for i, (was, now) in enumerate(zip(shown, tokens, strict=True)):
                if was != now:
                    self.list.item(i).setText(now)
            self.list.blockSignals(old)
            # The chips are laid out again on a timer of their own, which painted the
            # window once more after the other views: lay them out now instead.
            self.list.executeDelayedItemsLayout()
        elif shown != tokens:
            old = self.list.blockSignals(True)
            self.list.model().blockSignals(True)
            self.list.clear()
            for t in tokens:
                item = QListWidgetItem(t)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.list.addItem(item)
            self.list.model().blockSignals(False)
            self.list.blockSignals(old)
        self.count.setText(self.tr("{count} / {limit} tokens").format(count=len(tokens), limit=MAX_TOKENS))
        self._on_query_selected(self._selection.query)

    def _on_query_selected(self, query: int) -> None:
        old = self.list.blockSignals(True)
        self.list.setCurrentRow(query)
        self.list.blockSignals(old)

    def _write_back(self, _what: str) -> None:
        tokens = [t.strip() for t in self.tokens()]
        if any(not t for t in tokens):
            self._show(self.tr("A token cannot be empty; use Delete to remove it."))
            self._redraw()
            return
        try:
            self._session.set_tokens(tokens)
        except ValueError as exc:
            self._show(str(exc))
            self._redraw()
            return
        self._show("")

    def insert_token(self) -> None:
        tokens = list(self._session.state.tokens)
        at = self.list.currentRow() + 1 if self.list.currentRow() >= 0 else len(tokens)
        tokens.insert(at, self.tr("word"))
        try:
            self._session.set_tokens(tokens)
        except ValueError as exc:
            self._show(str(exc))
            return
        self._show("")
        lazy_view.flush(self)  # the new chip must exist before it is opened for editing
        self.list.setCurrentRow(at)
        self.list.editItem(self.list.item(at))

    def delete_token(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            self._show(self.tr("Select a token to delete."))
            return
        tokens = list(self._session.state.tokens)
        del tokens[row]
        try:
            self._session.set_tokens(tokens)
        except ValueError as exc:
            self._show(str(exc))
            return
        self._show("")

    def _show(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))
