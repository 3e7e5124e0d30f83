"""Attention as lines: queries on the left, keys on the right, one line per weight.

A line's width and opacity grow with the weight, its colour names the head. Hovering
a token keeps only its lines; clicking a query token selects it in every view.

Antialiased translucent lines are slow to paint: 16 tokens and 8 heads (2000 lines)
took 150-300 ms, which blocked the window on every edit and every hover. The lines
are therefore painted into a picture a slice of a few milliseconds at a time, with
the event loop turning between slices; the canvas shows the newest finished picture,
and its labels, at once. (A worker thread was tried first: sharing Python's lock with
it slowed every other view's painting three- to fourfold.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPaintEngine, QPainter, QPen
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
SLICE_SECONDS = 0.008  # painting lines this long at a time leaves the window responsive
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


@dataclass(frozen=True)
class LinePicture:
    """Everything the lines of one picture depend on (as plain data, kept while it is painted)."""

    width: int
    height: int
    pixel_ratio: float
    left: float  # x where lines leave the query column
    right: float  # x where they reach the key column
    ys: np.ndarray  # y of each token's row
    heads: np.ndarray
    queries: np.ndarray
    keys: np.ndarray
    weights: np.ndarray
    head_on: np.ndarray
    faded_except: int  # with a query selected and nothing hovered, other queries' lines fade; else -1
    clip: tuple[int, int, int, int]  # x, y, width, height: the part of the canvas on screen


def draw_lines(p: QPainter, job: LinePicture, start: int = 0, until: float | None = None) -> int:
    """Paint ``job``'s lines with ``p`` (antialiased), weakest first, from line ``start``.

    Stops once ``time.perf_counter()`` passes ``until`` (if given); returns the index of
    the first line not painted (``len(job.weights)`` when all are).
    """
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if job.clip != (0, 0, job.width, job.height):  # a clip, even the whole canvas, costs a third more
        p.setClipRect(QRect(*job.clip), Qt.ClipOperation.IntersectClip)  # lines off screen cost nothing
    heads, queries, keys = job.heads.tolist(), job.queries.tolist(), job.keys.tolist()
    weights = job.weights.tolist()
    for i in range(start, len(weights)):
        if until is not None and i > start and time.perf_counter() > until:
            return i
        h, q, k, w = heads[i], queries[i], keys[i], weights[i]
        colour = head_colour(h)
        alpha = line_alpha(w) * (1.0 if job.head_on[h] else OFF_ALPHA)
        if job.faded_except >= 0 and q != job.faded_except:
            alpha *= FADED_ALPHA
        colour.setAlpha(int(alpha))
        pen = QPen(colour, line_width(w))
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if h >= len(HEAD_COLOURS):
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(job.left + 4, job.ys[q]), QPointF(job.right - 4, job.ys[k]))
    return len(weights)


def blank_picture(job: LinePicture) -> QImage:
    """White, the canvas's size (in device pixels)."""
    image = QImage(
        round(job.width * job.pixel_ratio),
        round(job.height * job.pixel_ratio),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.setDevicePixelRatio(job.pixel_ratio)
    image.fill(QColor("white"))
    return image


def paint_picture(job: LinePicture) -> QImage:
    """The lines on white, as the canvas would paint them itself, in one go."""
    image = blank_picture(job)
    p = QPainter(image)
    draw_lines(p, job)
    p.end()
    return image


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
        # The lines' picture: the newest finished one, and the one being painted.
        self._picture: QImage | None = None
        self._picture_job: LinePicture | None = None
        self._painting: LinePicture | None = None  # being painted, slice by slice
        self._painting_image: QImage | None = None
        self._painted_lines = 0
        self._next: LinePicture | None = None  # then this one (the newest asked for)
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

    def picture_job(self, clip: QRect | None = None) -> LinePicture:
        """What the lines' picture must show now (of the part of the canvas on screen)."""
        if clip is None:
            clip = self.visibleRegion().boundingRect() if self.window().isVisible() else self.rect()
        left, right = self._columns()
        ys = MARGIN + (np.arange(len(self.tokens)) + 0.5) * self._row_height()
        show = self.visible_mask()
        lines = self.lines
        fade = self.hovered is None and self.selected_query >= 0
        return LinePicture(
            self.width(),
            self.height(),
            self.devicePixelRatioF(),
            left,
            right,
            ys,
            lines.heads[show],
            lines.queries[show],
            lines.keys[show],
            lines.weights[show],
            self.head_on,
            self.selected_query if fade else -1,
            (clip.x(), clip.y(), clip.width(), clip.height()),
        )

    def picture_pending(self) -> bool:
        """True while lines the canvas does not show yet are being painted."""
        return self._painting is not None or self._next is not None

    def _ask_for_picture(self, job: LinePicture) -> None:
        if self._painting is None:
            self._painting, self._painting_image, self._painted_lines = job, blank_picture(job), 0
            QTimer.singleShot(0, self, self._paint_slice)
        else:
            # The picture under way is finished first (a drag would otherwise never see
            # one); pictures asked for meanwhile collapse into the newest.
            self._next = job

    def _paint_slice(self) -> None:
        job = self._painting
        if job is None:
            return
        p = QPainter(self._painting_image)
        self._painted_lines = draw_lines(p, job, self._painted_lines, time.perf_counter() + SLICE_SECONDS)
        p.end()
        if self._painted_lines < len(job.weights):
            QTimer.singleShot(0, self, self._paint_slice)  # input and other views go first
        else:
            image, self._painting_image = self._painting_image, None
            self._on_picture(job, image)

    def _on_picture(self, job: LinePicture, image: QImage) -> None:
        self._picture, self._picture_job, self._painting = image, job, None
        if self._next is not None:
            upcoming, self._next = self._next, None
            if not _same_picture(upcoming, job):
                self._ask_for_picture(upcoming)
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        if not self.tokens:
            return
        row_h = self._row_height()
        left, right = self._columns()
        ys = MARGIN + (np.arange(len(self.tokens)) + 0.5) * row_h
        job = self.picture_job()
        if p.paintEngine().type() != QPaintEngine.Type.Raster or not QRect(*job.clip).contains(event.rect()):
            # A vector drawing (SVG export), a grab of the whole canvas or a strip scrolled
            # into view: painted here, as it always was, clipped to what is asked for.
            draw_lines(p, self.picture_job(event.rect()))
        elif self._picture_job is not None and _same_picture(job, self._picture_job):
            p.drawImage(0, 0, self._picture)
        elif self._picture is not None:
            p.drawImage(0, 0, self._picture)  # the last lines until the new ones are painted
            if not any(j is not None and _same_picture(job, j) for j in (self._painting, self._next)):
                self._ask_for_picture(job)
        else:  # nothing to show yet (the first paint): paint them here, once
            self._picture, self._picture_job = paint_picture(job), job
            p.drawImage(0, 0, self._picture)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setFont(self._font)
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


def _same_picture(a: LinePicture, b: LinePicture) -> bool:
    """Do two jobs paint the same picture? (Dataclass equality cannot compare arrays.)"""
    if (a.width, a.height, a.pixel_ratio, a.left, a.right, a.faded_except, a.clip) != (
        b.width,
        b.height,
        b.pixel_ratio,
        b.left,
        b.right,
        b.faded_except,
        b.clip,
    ):
        return False
    return all(
        np.array_equal(x, y)
        for x, y in (
            (a.ys, b.ys),
            (a.heads, b.heads),
            (a.queries, b.queries),
            (a.keys, b.keys),
            (a.weights, b.weights),
            (a.head_on, b.head_on),
        )
    )
