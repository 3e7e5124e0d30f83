"""Every head at a glance: one small heatmap per head with what it mostly does.

The statistics under each heatmap (mean entropy, peak weight, what the head mostly
attends to) come from :func:`app.analysis.snapshot_head_stats`; this module only
draws them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QTransform
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from app.analysis import snapshot_head_stats
from ui import lazy_view
from ui.heatmap import MASKED_RGBA, ColourImage, colour_map
from ui.layout_shield import LayoutShield
from ui.painted_axes import PlotSized
from ui.rich_label import RichLabel

OFF_OPACITY = 0.3
CELL_MIN_SIZE = (170, 230)
CELL_MAX_WIDTH = 420  # two heads in a wide strip stay about square
# Marked for translation (context "all_heads_view"), translated where shown.
CAPTION = QT_TRANSLATE_NOOP(
    "all_heads_view",
    "Every head at once (rows = queries, columns = keys). Click a head to show it everywhere.",
)
EXPLANATION = QT_TRANSLATE_NOOP(
    "all_heads_view",
    "Each small heatmap is one head (rows = queries, columns = keys, as in the big one). "
    "Click a head to show it everywhere. Entropy says how spread out a head's attention is: "
    "0 bits means every token looks at exactly one other, more bits means more spread.",
)


def grid_columns(n_heads: int, width: int) -> int:
    """Heads per row: as many as fit in ``width`` (all of them in a wide strip)."""
    fit = max(1, width // (CELL_MIN_SIZE[0] + 8))
    return max(1, min(n_heads, fit))


class HeadPicture(PlotSized, QWidget):
    """A head's small heatmap, painted straight onto a widget.

    It was a pyqtgraph plot with its axes hidden: a graphics scene per head, whose
    queued updates made the window paint once more for each head on every edit. The
    pixels are the same: the images are rendered by the same :class:`ColourImage`
    (kept as ``image`` and ``mask_image``, never put in a scene) and drawn with the
    transform the plot used, a 1 px margin (pyqtgraph's plot margin) then scaled to fill.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image = ColourImage(axisOrder="row-major")
        self.image.setColorMap(colour_map("viridis"))
        self.mask_image = ColourImage(axisOrder="row-major")
        self.mask_image.setVisible(False)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel itself

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), Qt.GlobalColor.white)  # plots are white in every theme
        width, height = self.width() - 2, self.height() - 2
        for item in (self.image, self.mask_image):
            if not item.isVisible() or item.image is None or width <= 0 or height <= 0:
                continue
            if item.picture() is None:
                continue
            rows, cols = item.image.shape[:2]
            painter.setOpacity(item.opacity())
            painter.setTransform(QTransform(width / cols, 0, 0, height / rows, 1, 1))
            painter.drawImage(QRectF(0, 0, cols, rows), item.qimage)
        painter.end()


class HeadCell(QFrame):
    """One head: title, small heatmap, statistics; outlined when selected, dimmed when off.

    Signals
    -------
    sigClicked(int)
        The head's index, when the cell is clicked anywhere.
    """

    sigClicked = Signal(int)

    def __init__(self, head: int, parent=None):
        super().__init__(parent)
        self.head = head
        self.setObjectName("headCell")
        self.setMinimumSize(*CELL_MIN_SIZE)
        self.setMaximumWidth(CELL_MAX_WIDTH)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600;")
        self.plot = HeadPicture()  # a click on it reaches mousePressEvent below
        # Take the room the grid gives: with the word-wrapped labels a size of its own
        # would make every row of cells taller than the view.
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.image, self.mask_image = self.plot.image, self.plot.mask_image
        # New numbers on most edits. A RichLabel lays them out once and asks for a new layout
        # only when they need another height; a QLabel in a LayoutShield was measured again
        # after each change, which laid its document out again and queued a window paint pass
        # of its own (for a label scrolled out of sight, a pass that painted nothing).
        self.stats = RichLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        # The title changes with the head's name or state: shielded, so a new text that
        # needs the same room does not lay out (and repaint) the whole dock again.
        layout.addWidget(LayoutShield(self.title))
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.stats)
        self.selected: bool | None = None
        # What the plot shows now: an edit that leaves this head alone repaints nothing.
        self._weights: np.ndarray | None = None
        self._masked: np.ndarray | None = None
        self._texts_of: tuple | None = None  # (name, on, statistics) the texts were written for
        self._words_of: tuple | None = None  # (name, on, the numbers as written) in the texts
        self.pending: tuple | None = None  # show_head's arguments, kept while scrolled out of sight
        self.set_selected(False)

    def show_head(self, weights, masked, name: str, on: bool, stats) -> None:
        n_rows, n_cols = weights.shape
        new_shape = self._masked is None or self._masked.shape != masked.shape
        changed = False
        if self._weights is None or not np.array_equal(self._weights, weights):
            self._weights = np.array(weights)
            self.image.setImage(self._weights, levels=(0.0, max(float(weights.max()), 0.05)))
            changed = True
        if new_shape or not np.array_equal(self._masked, masked):
            self._masked = np.array(masked, dtype=bool)
            overlay = np.zeros((n_rows, n_cols, 4), dtype=np.ubyte)
            overlay[self._masked] = MASKED_RGBA
            self.mask_image.setImage(overlay, levels=(0, 255))
            # A transparent layer would still be blended over the whole picture on every paint.
            self.mask_image.setVisible(bool(self._masked.any()))
            changed = True
        opacity = 1.0 if on else OFF_OPACITY
        if opacity != self.image.opacity():
            self.image.setOpacity(opacity)
            changed = True
        if changed:
            self.plot.update()
        if (name, on, stats) == self._texts_of:
            return  # an edit of another head: the same words (formatting them cost ~0.2 ms a head)
        self._texts_of = (name, on, stats)
        focus = stats.focus
        numbers = {
            "focus": focus.label,
            "share": f"{focus.share:.0%}",
            "entropy": f"{stats.entropy_bits:.2f}",
            "peak": f"{stats.peak:.2f}",
            "even": f"{stats.even_bits:.2f}",
        }
        if (name, on, numbers) == self._words_of:
            return  # new statistics, the same numbers to the digits shown (most heads, on most edits)
        self._words_of = (name, on, numbers)
        self.title.setText(f"{self.head + 1}: {name}" + ("" if on else " " + self.tr("(off)")))
        self.title.setEnabled(on)
        self.stats.setEnabled(on)
        self.stats.setText(
            self.tr("Mostly: <b>{focus}</b> ({share})<br>Entropy {entropy} bits \u00b7 peak {peak}").format(
                **numbers
            )
        )
        head = (
            self.tr("Head {number}, {name}") if on else self.tr("Head {number}, {name} (switched off)")
        ).format(number=self.head + 1, name=name)
        tip = (
            head
            + ". "
            + self.tr(
                "On average a row puts {share} of its attention on {focus}. "
                "Mean entropy {entropy} bits: 0 would be one key per token, "
                "{even} an even spread. Largest single weight {peak}. "
                "Click to show this head everywhere."
            ).format(**numbers)
        )
        if tip != self.toolTip():  # every new tooltip re-polishes the styled cell
            self.setToolTip(tip)

    def set_selected(self, selected: bool) -> None:
        if selected == self.selected:
            return  # a new style sheet re-polishes the whole cell
        self.selected = selected
        border = "3px solid #ff4000" if selected else "1px solid #bbbbbb"
        self.setStyleSheet(f"QFrame#headCell {{ border: {border}; border-radius: 4px; }}")

    def mousePressEvent(self, event) -> None:
        self.sigClicked.emit(self.head)
        super().mousePressEvent(event)


class AllHeadsView(QWidget):
    """A grid with one :class:`HeadCell` per head; clicking one selects that head."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self.cells: list[HeadCell] = []
        self._spare: list[HeadCell] = []  # cells of heads taken away, hidden (see _set_cell_count)
        caption = QLabel(QCoreApplication.translate("all_heads_view", CAPTION))
        caption.setWordWrap(True)
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(8)
        self._columns = 0
        self._scroll = QScrollArea()
        self._scroll.setWidget(self._grid_host)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.viewport().installEventFilter(self)
        self._scroll.verticalScrollBar().valueChanged.connect(self._show_pending)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self._scroll, 1)
        self.setToolTip(QCoreApplication.translate("all_heads_view", EXPLANATION))
        lazy_view.connect_redraw(self, session.sigResultChanged, self._redraw)
        selection.sigHeadChanged.connect(self._show_selected)
        lazy_view.request(self, self._redraw)

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        res, state = snap.result, snap.state
        shown = len(self.cells) != res.n_heads
        if shown:
            self._set_cell_count(res.n_heads)
        stats = snapshot_head_stats(snap)
        masked = res.masked
        names, on = state.head_names, state.head_mask
        for h, cell in enumerate(self.cells):
            cell.pending = (res.weights[h], masked[h], names[h], bool(on[h]), stats[h])
        # The cells in sight now; the others when scrolled to (in a short dock most of a
        # grid of heads is out of sight, and a cell's new picture and numbers cost ~0.15 ms).
        # A new head count places cells anew: then every cell.
        self._show_pending(every=shown)
        self._show_selected(self._selection.head)
        self._settle_grid(shown)
        if any(cell.pending is not None for cell in self.cells):
            # Looked again once the layouts this edit queued are done (a cell's place can move).
            QTimer.singleShot(0, self, self._show_pending)

    def _show_pending(self, *_, every: bool = False) -> None:
        """Give the cells that can be seen (or ``every`` cell) the head they wait to show.
        (In a window not on screen, a script's or a test's, every cell counts as seen.)"""
        every = every or not self.window().isVisible()
        for cell in self.cells:
            if cell.pending is not None and (every or not cell.visibleRegion().isEmpty()):
                args, cell.pending = cell.pending, None
                cell.show_head(*args)

    def _set_cell_count(self, n_heads: int) -> None:
        """Keep the cells of the heads that stay; add or take away the others.

        A cell holds a plot widget that takes tens of milliseconds to build, so the cells
        taken away are kept, hidden, for when the head slider comes back.
        """
        for cell in self.cells[n_heads:]:
            self._grid.removeWidget(cell)
            cell.hide()  # at once, so no cell of a head that is gone stays on screen
            self._spare.append(cell)
        del self.cells[n_heads:]
        self._spare.sort(key=lambda c: c.head)
        while len(self.cells) < n_heads:
            h = len(self.cells)
            if self._spare and self._spare[0].head == h:
                cell = self._spare.pop(0)
            else:
                cell = HeadCell(h)
                cell.sigClicked.connect(self._selection.set_head)
            self.cells.append(cell)
        cols = grid_columns(len(self.cells), self._scroll.viewport().width())
        if cols != self._columns:
            self._columns = 0
            self._place_cells()
            return
        # Same number of columns: the cells that stay keep their places (taking every cell
        # out of the grid and putting it back cost a few ms per step of the head slider).
        for h, cell in enumerate(self.cells):
            if self._grid.indexOf(cell) < 0:
                # Shown before it joins the grid: showing a child lays its parent out at
                # once, which (in the grid, at the grid's old size) moved every cell twice.
                cell.setVisible(True)  # a spare cell coming back was hidden
                self._grid.addWidget(cell, h // cols, h % cols)

    def _settle_grid(self, cells_shown: bool) -> None:
        """Lay the cells, the grid and the scroll area out now, inside this redraw.

        A cell more or less, or a title or numbers needing another height, posts a layout
        request to the cell or the grid, whose new size posts one to the scroll area; a
        spare cell shown again posts a late update to itself and each widget in it.
        Delivered after the paint pass this edit already queued, they made the window
        paint a second time (the scroll bar, the cells that moved, or nothing at all for
        a cell out of sight). Delivered now, in order from the cells out, what they change
        is painted in the same pass as everything else. (With nothing posted, each call
        returns at once.) Twice when cells came or went: cells given a new width measure
        their labels again, which asks the grid once more.
        """
        layout_request = QEvent.Type.LayoutRequest
        if cells_shown:
            # The scroll area first sizes the grid for its new cells, so the grid places
            # them once, at that size (laid out first, at the old size, a head more moved
            # every cell twice).
            QCoreApplication.sendEvent(self._scroll, QEvent(layout_request))
        for _ in range(2 if cells_shown else 1):
            for cell in self.cells:
                QCoreApplication.sendPostedEvents(cell, layout_request)
            QCoreApplication.sendPostedEvents(self._grid_host, layout_request)
            QCoreApplication.sendPostedEvents(self._scroll.viewport(), layout_request)
            QCoreApplication.sendPostedEvents(self._scroll, layout_request)
        if cells_shown:
            for cell in self.cells:
                for widget in (cell, *cell.findChildren(QWidget)):
                    QCoreApplication.sendPostedEvents(widget, QEvent.Type.UpdateLater)

    def _place_cells(self) -> None:
        """Lay the cells out in rows that fit the view's width (again after a resize)."""
        cols = grid_columns(len(self.cells), self._scroll.viewport().width())
        if cols == self._columns:
            return
        self._columns = cols
        for cell in self.cells:
            self._grid.removeWidget(cell)
        for c in range(self._grid.columnCount()):
            self._grid.setColumnStretch(c, 0)
        for h, cell in enumerate(self.cells):
            self._grid.addWidget(cell, h // cols, h % cols)
            cell.setVisible(True)  # a spare cell coming back was hidden
        self._grid.setColumnStretch(cols, 1)  # spare width stays on the right

    def eventFilter(self, obj, event) -> bool:
        # The columns follow the width the cells get: the scroll area's viewport's. (This
        # view's own resize came before the scroll area had resized its viewport, so the
        # grid kept the columns of the width before until the head count changed.)
        if obj is self._scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._place_cells()
            QTimer.singleShot(0, self, self._show_pending)  # once the cells have their new places
        return False

    def _show_selected(self, head: int) -> None:
        for cell in self.cells:
            cell.set_selected(cell.head == head)
