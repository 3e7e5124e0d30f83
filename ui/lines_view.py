"""Attention as lines: queries on the left, keys on the right, one line per weight.

A line's width and opacity grow with the weight, its colour names the head. Hovering
a token keeps only its lines; clicking a query token selects it in every view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from ui import lazy_view
from ui.heatmap import short_label

# Okabe & Ito's palette, readable with the common colour-vision deficiencies; heads
# 9-16 reuse it with dashed lines. Yellow is darkened to show on white.
HEAD_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#B8A000")
MIN_WEIGHT = 0.01  # lighter lines are invisible anyway
MAX_LINES = 3000  # with more candidates, only the strongest are drawn
ROW_HEIGHT = 26
MIN_ROW_HEIGHT = 18
MARGIN = 12
OFF_ALPHA = 0.35
FADED_ALPHA = 0.2
# Marked for translation (context "lines_view"), translated when the combo is filled.
MODES = {
    "all": QT_TRANSLATE_NOOP("lines_view", "All heads"),
    "selected": QT_TRANSLATE_NOOP("lines_view", "Selected head only"),
}


def head_colour(head: int) -> QColor:
    return QColor(HEAD_COLOURS[head % len(HEAD_COLOURS)])


def line_width(weight: float) -> float:
    """Pixels: a hairline for a small weight, 8 px for weight 1."""
    return 0.5 + 7.5 * weight


def line_alpha(weight: float) -> int:
    return int(40 + 215 * weight)


@dataclass(frozen=True)
class Lines:
    """The lines to draw: parallel arrays, one entry per (head, query, key) above ``threshold``."""

    heads: np.ndarray
    queries: np.ndarray
    keys: np.ndarray
    weights: np.ndarray
    threshold: float
    capped: bool  # True when only the strongest MAX_LINES were kept


def select_lines(weights: np.ndarray, heads) -> Lines:
    """The (head, query, key) cells of ``weights`` (h, n, n) worth a line, for ``heads``."""
    heads = np.asarray(list(heads), dtype=int)
    sub = weights[heads]
    threshold, capped = MIN_WEIGHT, False
    candidates = int((sub >= MIN_WEIGHT).sum())
    if candidates > MAX_LINES:
        threshold = float(np.partition(sub.ravel(), -MAX_LINES)[-MAX_LINES])
        capped = True
    h, q, k = np.nonzero(sub >= threshold)
    w = sub[h, q, k]
    order = np.argsort(w, kind="stable")  # strongest drawn last, on top
    return Lines(heads[h][order], q[order], k[order], w[order], threshold, capped)


class LinesCanvas(QWidget):
    """Paints the two columns of tokens and the lines between them.

    Signals
    -------
    sigQueryClicked(int)
        A query token (left column) was clicked.
    """

    sigQueryClicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.tokens: tuple[str, ...] = ()
        self.lines = select_lines(np.zeros((1, 0, 0)), [0])
        self.head_on = np.ones(1)
        self.selected_query = -1
        self.hovered: tuple[str, int] | None = None  # ("query" | "key", index)
        self._font = QFont()
        self._font.setPointSize(12)
        self.setToolTip(
            self.tr(
                "Queries on the left, keys on the right. A thicker, darker line means more attention; "
                "the colour says which head. Hover a token to see only its lines; click a query to select it."
            )
        )

    def set_data(self, tokens, lines: Lines, head_on) -> None:
        self.tokens = tuple(tokens)
        self.lines = lines
        self.head_on = np.asarray(head_on)
        self.setMinimumHeight(2 * MARGIN + MIN_ROW_HEIGHT * len(self.tokens))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 2 * MARGIN + ROW_HEIGHT * max(len(self.tokens), 1))

    def visible_mask(self) -> np.ndarray:
        """Which of ``lines`` are drawn now (hovering a token keeps only its own)."""
        if self.hovered is None:
            return np.ones(len(self.lines.weights), dtype=bool)
        side, idx = self.hovered
        return (self.lines.queries if side == "query" else self.lines.keys) == idx

    # --- geometry ---------------------------------------------------------------------

    def _row_height(self) -> float:
        return max(1.0, (self.height() - 2 * MARGIN) / max(len(self.tokens), 1))

    def _columns(self) -> tuple[float, float]:
        """x of the left column's line ends and of the right column's."""
        fm = QFontMetricsF(self._font)
        widest = max((fm.horizontalAdvance(short_label(t)) for t in self.tokens), default=0.0)
        return MARGIN + widest + 10, self.width() - MARGIN - widest - 10

    def token_at(self, pos: QPointF) -> tuple[str, int] | None:
        if not self.tokens:
            return None
        row = int((pos.y() - MARGIN) // self._row_height())
        if not 0 <= row < len(self.tokens):
            return None
        left, right = self._columns()
        if pos.x() <= left:
            return ("query", row)
        if pos.x() >= right:
            return ("key", row)
        return None

    # --- painting and mouse -------------------------------------------------------------

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        if not self.tokens:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setFont(self._font)
        row_h = self._row_height()
        left, right = self._columns()
        ys = MARGIN + (np.arange(len(self.tokens)) + 0.5) * row_h
        show = self.visible_mask()
        lines = self.lines
        fade = self.hovered is None and self.selected_query >= 0
        for i in np.nonzero(show)[0]:
            h, q, k = int(lines.heads[i]), int(lines.queries[i]), int(lines.keys[i])
            w = float(lines.weights[i])
            colour = head_colour(h)
            alpha = line_alpha(w) * (1.0 if self.head_on[h] else OFF_ALPHA)
            if fade and q != self.selected_query:
                alpha *= FADED_ALPHA
            colour.setAlpha(int(alpha))
            pen = QPen(colour, line_width(w))
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if h >= len(HEAD_COLOURS):
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(left + 4, ys[q]), QPointF(right - 4, ys[k]))
        bold = QFont(self._font)
        bold.setBold(True)
        for row, token in enumerate(self.tokens):
            text = short_label(token)
            p.setFont(bold if row == self.selected_query or self.hovered == ("query", row) else self._font)
            p.setPen(QColor(255, 64, 0) if row == self.selected_query else QColor(30, 30, 30))
            box = QRectF(0, ys[row] - row_h / 2, left - 6, row_h)
            p.drawText(box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
            p.setFont(bold if self.hovered == ("key", row) else self._font)
            p.setPen(QColor(30, 30, 30))
            box = QRectF(right + 6, ys[row] - row_h / 2, self.width() - right - 6, row_h)
            p.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        p.end()

    def mouseMoveEvent(self, event) -> None:
        hovered = self.token_at(event.position())
        if hovered != self.hovered:
            self.hovered = hovered
            self.update()

    def leaveEvent(self, event) -> None:
        if self.hovered is not None:
            self.hovered = None
            self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event) -> None:
        hit = self.token_at(event.position())
        if hit and hit[0] == "query":
            self.sigQueryClicked.emit(hit[1])


class LinesView(QWidget):
    """Header (which heads, legend) above a scrollable :class:`LinesCanvas`."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self.mode = QComboBox()
        for key, label in MODES.items():
            self.mode.addItem(QCoreApplication.translate("lines_view", label), key)
        self.mode.setToolTip(
            self.tr(
                "Draw the lines of every head at once (one colour per head), or only those of the "
                "head selected in the heatmap."
            )
        )
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setToolTip(self.tr("Which colour is which head. Dashed lines are heads 9-16."))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.canvas = LinesCanvas()
        scroll = QScrollArea()
        scroll.setWidget(self.canvas)
        scroll.setWidgetResizable(True)
        header = QHBoxLayout()
        header.addWidget(QLabel(self.tr("Show")))
        header.addWidget(self.mode)
        header.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.legend)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.note)
        self.mode.currentIndexChanged.connect(self._redraw)
        self.canvas.sigQueryClicked.connect(selection.set_query)
        lazy_view.connect_redraw(self, session.sigResultChanged, self._redraw)
        lazy_view.connect_redraw(self, selection.sigHeadChanged, self._redraw)
        selection.sigQueryChanged.connect(self._on_query)
        lazy_view.request(self, self._redraw)
        self._on_query(selection.query)

    def shown_heads(self, n_heads: int) -> list[int]:
        if self.mode.currentData() == "selected":
            return [min(self._selection.head, n_heads - 1)]
        return list(range(n_heads))

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        res, state = snap.result, snap.state
        heads = self.shown_heads(res.n_heads)
        lines = select_lines(res.weights, heads)
        self.canvas.set_data(state.tokens, lines, state.head_mask)
        swatches = []
        for h in heads:
            off = "" if state.head_mask[h] else " " + self.tr("(off)")
            dash = " - -" if h >= len(HEAD_COLOURS) else ""
            swatches.append(
                f"<span style='color:{HEAD_COLOURS[h % len(HEAD_COLOURS)]}; font-size:16pt'>"
                f"\u25a0{dash}</span>&nbsp;{h + 1}: {state.head_names[h]}{off}"
            )
        self.legend.setText(" &nbsp;&nbsp; ".join(swatches))
        if lines.capped:
            self.note.setText(
                self.tr(
                    "Many tokens: only the {count} strongest lines are drawn (weight \u2265 {threshold})."
                ).format(count=len(lines.weights), threshold=f"{lines.threshold:.2f}")
            )
        else:
            self.note.setText(
                self.tr("Lines for every weight of at least {weight}.").format(weight=f"{MIN_WEIGHT:.2f}")
            )

    def _on_query(self, query: int) -> None:
        self.canvas.selected_query = query
        self.canvas.update()
