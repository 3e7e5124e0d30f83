"""Attention as lines: queries on the left, keys on the right, one line per weight.

A line's width and opacity grow with the weight, its colour names the head. Hovering
a token keeps only its lines; clicking a query token selects it in every view.

On screen (and in PNG exports) :mod:`ui.line_raster` paints the lines into an image,
in exactly the weakest-first order, and only the part of the canvas being painted; a
vector drawing (SVG export), or a machine where that kernel does not compile, gets
Qt's lines (:mod:`ui.lines_qt`). Which lines, and how each looks, is :mod:`ui.lines_data`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QLineF,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPaintEngine, QPainter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from ui import lazy_view, line_raster
from ui.heatmap import short_label
from ui.lines_data import (
    FADED_ALPHA,
    HEAD_COLOURS,
    HEAD_RGB,
    MIN_WEIGHT,
    OFF_ALPHA,
    Lines,
    line_alpha,
    line_width,
    select_lines,
)
from ui.lines_legend import LinesLegend
from ui.lines_qt import Batch, draw_batches, plan_batches
from ui.theme import font_scale, scaled_points

ROW_HEIGHT = 26
MIN_ROW_HEIGHT = 18
MARGIN = 12
# Marked for translation (context "lines_view"), translated when the combo is filled.
MODES = {
    "all": QT_TRANSLATE_NOOP("lines_view", "All heads"),
    "selected": QT_TRANSLATE_NOOP("lines_view", "Selected head only"),
}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # once: enum maths is slow
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_PAINT_LATER = QEvent.Type(QEvent.registerEventType())
_BEHIND_PAINTS = Qt.EventPriority.LowEventPriority.value - 1  # Qt queues UpdateRequest at LowEventPriority


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
        # Kept between paints: the batches (until the lines, hover or faded query change)
        # and the line of each (query, key) pair (until the geometry changes).
        self._plan: tuple[tuple, list[Batch]] | None = None
        self._segments: tuple[tuple, list[QLineF]] | None = None
        self._widest: tuple[tuple, float] = ((), 0.0)  # (tokens, point size), their widest label (px)
        self._waiting_for_kernels = False  # drawn by Qt until ui.line_raster has compiled
        self._early: tuple[tuple, line_raster.Picture] | None = None  # see _start_early
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
        self._plan = None
        # The labels follow the text size (Preferences, presentation mode): the session
        # refreshes, and so redraws every view, when it changes.
        self._font.setPointSize(scaled_points(12))
        self.setMinimumHeight(2 * MARGIN + round(MIN_ROW_HEIGHT * font_scale()) * len(self.tokens))
        if self._start_early():
            # Painted after the window's other views (an event queued behind the paint
            # pass Qt has queued for them): the helper thread paints the lines meanwhile.
            QCoreApplication.postEvent(self, QEvent(_PAINT_LATER), _BEHIND_PAINTS)
        else:
            self.update()

    def event(self, event) -> bool:
        if event.type() == _PAINT_LATER:
            self.update()
            return True
        return super().event(event)

    def sizeHint(self) -> QSize:
        return QSize(420, 2 * MARGIN + round(ROW_HEIGHT * font_scale()) * max(len(self.tokens), 1))

    def visible_mask(self) -> np.ndarray:
        """Which of ``lines`` are drawn now (hovering a token keeps only its own)."""
        if self.hovered is None:
            return np.ones(len(self.lines.weights), dtype=bool)
        side, idx = self.hovered
        return (self.lines.queries if side == "query" else self.lines.keys) == idx

    def batches(self) -> list[Batch]:
        """The lines drawn now, grouped by pen, in drawing order."""
        faded = self.selected_query if self.hovered is None and self.selected_query >= 0 else -1
        key = (self.hovered, faded)
        if self._plan is None or self._plan[0] != key:
            plan = plan_batches(self.lines, self.visible_mask(), self.head_on, faded, len(self.tokens))
            self._plan = (key, plan)
        return self._plan[1]

    # --- geometry ---------------------------------------------------------------------

    def _row_height(self) -> float:
        return max(1.0, (self.height() - 2 * MARGIN) / max(len(self.tokens), 1))

    def _row_ys(self) -> np.ndarray:
        return MARGIN + (np.arange(len(self.tokens)) + 0.5) * self._row_height()

    def _columns(self) -> tuple[float, float]:
        """x of the left column's line ends and of the right column's."""
        if self._widest[0] != self.tokens:  # measured once per sentence, not at every paint and mouse move
            fm = QFontMetricsF(self._font)
            self._widest = (
                self.tokens,
                max((fm.horizontalAdvance(short_label(t)) for t in self.tokens), default=0.0),
            )
        widest = self._widest[1]
        return MARGIN + widest + 10, self.width() - MARGIN - widest - 10

    def segments(self) -> list[QLineF]:
        """The line of each (query, key) pair, at ``query * n + key``."""
        left, right = self._columns()
        ys = self._row_ys()
        key = (left, right, ys.tobytes())
        if self._segments is None or self._segments[0] != key:
            y = ys.tolist()
            lines = [QLineF(left + 4, yq, right - 4, yk) for yq in y for yk in y]
            self._segments = (key, lines)
        return self._segments[1]

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
            p.end()
            return
        row_h = self._row_height()
        left, right = self._columns()
        ys = self._row_ys()
        # In a small dock most of the canvas is scrolled away: only the strip being
        # painted is drawn. Vector drawings (SVG) get Qt's lines.
        rect = event.rect() & self.rect()
        raster = p.paintEngine().type() == QPaintEngine.Type.Raster
        if not (raster and self._paint_image(p, rect)):
            # Lines that do not cross the strip (give or take half a width) are left out.
            top, bottom = rect.top() - 5, rect.bottom() + 5
            keep = (np.minimum.outer(ys, ys) <= bottom) & (np.maximum.outer(ys, ys) >= top)
            keep = None if keep.all() else keep.ravel()
            draw_batches(p, self.batches(), self.segments(), keep, font_scale())
        p.setFont(self._font)
        bold = QFont(self._font)
        bold.setBold(True)
        for row, token in enumerate(self.tokens):
            if ys[row] + row_h / 2 < rect.top() or ys[row] - row_h / 2 > rect.bottom():
                continue  # scrolled away (drawText costs ~50 us a label)
            text = short_label(token)
            p.setFont(bold if row == self.selected_query or self.hovered == ("query", row) else self._font)
            p.setPen(QColor(255, 64, 0) if row == self.selected_query else QColor(30, 30, 30))
            box = QRectF(0, ys[row] - row_h / 2, left - 6, row_h)
            p.drawText(box, _RIGHT, text)
            p.setFont(bold if self.hovered == ("key", row) else self._font)
            p.setPen(QColor(30, 30, 30))
            box = QRectF(right + 6, ys[row] - row_h / 2, self.width() - right - 6, row_h)
            p.drawText(box, _LEFT, text)
        p.end()

    def line_style(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Of each line drawn now, in drawing order: width (px), opacity (0..1), dashed."""
        show = self.visible_mask()
        heads, queries, weights = self.lines.heads[show], self.lines.queries[show], self.lines.weights[show]
        on = np.ones(int(heads.max(initial=0)) + 1)
        mask = np.asarray(self.head_on, dtype=float).ravel()[: len(on)]
        on[: len(mask)] = np.where(mask != 0, 1.0, OFF_ALPHA)
        alpha = line_alpha(weights) * on[heads]  # dimmed as in batch_pen
        if self.hovered is None and self.selected_query >= 0:
            alpha = alpha * np.where(queries == self.selected_query, 1.0, FADED_ALPHA)
        # Wider with the text (Preferences, presentation mode): a hairline is lost on a projector.
        return line_width(weights) * font_scale(), alpha.astype(int) / 255.0, heads >= len(HEAD_COLOURS)

    def _picture_key(self, rect, ratio: float) -> tuple:
        """What a picture of the lines in ``rect`` depends on (the line arrays by identity)."""
        return (
            rect.getRect(),
            ratio,
            self._columns(),
            self.height(),
            id(self.lines),
            self.hovered,
            self.selected_query,
            self.head_on.tobytes(),
            font_scale(),  # the lines' widths
        )

    def _start_picture(self, rect, ratio: float, wait: bool):
        """Start painting the lines crossing ``rect`` (:mod:`ui.line_raster`); None if unavailable."""
        rows, cols = round(rect.height() * ratio), round(rect.width() * ratio)
        left, right = self._columns()
        ys = self._row_ys()
        show = self.visible_mask()
        queries, keys, heads = self.lines.queries[show], self.lines.keys[show], self.lines.heads[show]
        widths, alphas, dashed = self.line_style()
        return line_raster.start(
            (rows, cols),
            (left + 4 - rect.x()) * ratio,
            (right - 4 - rect.x()) * ratio,
            (ys[queries] - rect.y()) * ratio,
            (ys[keys] - rect.y()) * ratio,
            widths * ratio,
            dashed,
            HEAD_RGB[heads % len(HEAD_COLOURS)],
            alphas,
            wait=wait,
        )

    def _start_early(self) -> bool:
        """Begin a big picture of the lines now, on the helper thread, while the window's other
        views redraw and paint; :meth:`paintEvent` picks it up. (A raised Lines view is most
        of an edit's time; started at paint time it would add to everything else. A small
        one is quicker painted where it is needed.) False if not started: outside an event
        loop, a small picture, or no kernels yet."""
        if self._early is not None:
            self._early[1].drop()
            self._early = None
        rect = self.visibleRegion().boundingRect()
        ratio = self.devicePixelRatioF()
        pixels = rect.width() * rect.height() * ratio * ratio
        if not self.tokens or pixels < line_raster.SPLIT_MIN_PIXELS or not lazy_view.in_event_loop():
            return False
        picture = self._start_picture(rect, ratio, wait=False)
        if picture is not None:
            self._early = (self._picture_key(rect, ratio), picture)
        return picture is not None

    def _paint_image(self, p: QPainter, rect) -> bool:
        """Paint the lines crossing ``rect`` with :mod:`ui.line_raster`; False if it is unavailable."""
        ratio = p.device().devicePixelRatioF()
        rows, cols = round(rect.height() * ratio), round(rect.width() * ratio)
        if rows <= 0 or cols <= 0:
            return True
        early, self._early = self._early, None
        if early is not None and early[0] == self._picture_key(rect, ratio):
            picture = early[1]
        else:
            if early is not None:
                early[1].drop()
            # In a running window the kernels compile in the background: Qt draws meanwhile.
            picture = self._start_picture(rect, ratio, wait=not lazy_view.in_event_loop())
        if picture is None:
            if line_raster.compiling() and not self._waiting_for_kernels:
                self._waiting_for_kernels = True
                QTimer.singleShot(100, self, self._when_kernels_ready)
            return False
        words = picture.words()
        image = QImage(words.data, cols, rows, cols * 4, QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(ratio)
        p.drawImage(QPointF(rect.topLeft()), image)  # ``words`` outlives the image: drawn by now
        return True

    def _when_kernels_ready(self) -> None:
        if line_raster.compiling():
            QTimer.singleShot(100, self, self._when_kernels_ready)
        else:  # compiled (or failed: then Qt keeps drawing)
            self._waiting_for_kernels = False
            self.update()

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
        # Opaque: a label changing inside repaints this view's background, not the dock's
        # frame and title beneath it (a QDockWidget paint, ~0.3 ms, on most edits).
        self.setAutoFillBackground(True)
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
        self.legend = LinesLegend()  # painted: a rich-text label cost ~2 ms per head-slider step
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
        lazy_view.run_first(self)  # the picture is started on the helper thread (start_early)
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
        entries = []
        for h in heads:
            off = "" if state.head_mask[h] else " " + self.tr("(off)")
            colour = HEAD_COLOURS[h % len(HEAD_COLOURS)]
            entries.append((colour, h >= len(HEAD_COLOURS), f"{h + 1}: {state.head_names[h]}{off}"))
        self.legend.set_entries(entries)
        if lines.capped:
            self.note.setText(
                self.tr(
                    "Only the {count} strongest lines are drawn (weight \u2265 {threshold}); "
                    "Show \u201c{mode}\u201d for all of one head\u2019s lines."
                ).format(
                    count=len(lines.weights),
                    threshold=f"{lines.threshold:.2f}",
                    mode=QCoreApplication.translate("lines_view", MODES["selected"]),
                )
            )
        else:
            self.note.setText(
                self.tr("Lines for every weight of at least {weight}.").format(weight=f"{MIN_WEIGHT:.2f}")
            )
        # Last: this starts the picture (LinesCanvas._start_early), behind the cheap work above.
        self.canvas.set_data(state.tokens, lines, state.head_mask)

    def _on_query(self, query: int) -> None:
        self.canvas.selected_query = query
        self.canvas.update()
