"""One head or many: a single wide head beside the current heads, on the same input.

The single head's W_Q, W_K and W_V are the heads' matrices side by side, so it has the
same total width; its score is the sum of the heads' scores (see
:mod:`app.comparison`, which computes it once per result). This view only draws.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QBoxLayout, QLabel, QVBoxLayout, QWidget

from app.analysis import snapshot_head_stats
from app.comparison import snapshot_comparison
from ui import lazy_view
from ui.heatmap import AttentionHeatmap
from ui.layout_shield import LayoutShield
from ui.rich_label import RichLabel

# Marked for translation (context "compare_view"), translated where shown.
CAPTION = QT_TRANSLATE_NOOP(
    "compare_view",
    "One spotlight or an orchestra? Left: a single head as wide as all the heads together "
    "(its W_Q, W_K, W_V are theirs side by side), so its score is the <i>sum</i> of the heads' "
    "scores and one softmax must blend every relation into one pattern. Right: the selected head, "
    "free to follow one relation. Both use one colour scale.",
)


def stats_text(stats) -> str:
    return QCoreApplication.translate(
        "compare_view",
        "Mostly: <b>{focus}</b> ({share} of each row) \u00b7 entropy {entropy} bits \u00b7 peak {peak}",
    ).format(
        focus=stats.focus.label,
        share=f"{stats.focus.share:.0%}",
        entropy=f"{stats.entropy_bits:.2f}",
        peak=f"{stats.peak:.2f}",
    )


class _Panel(QWidget):
    """Title, heatmap and statistics of one side."""

    def __init__(self, tooltip: str, parent=None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.title.setWordWrap(True)
        self.heatmap = AttentionHeatmap(font_size=11)
        self.heatmap.setToolTip(tooltip)
        self.stats = RichLabel()  # new numbers on most edits: laid out once (see ui.rich_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Shielded: the numbers change on most edits and would lay the dock out again each time.
        layout.addWidget(LayoutShield(self.title))
        layout.addWidget(self.heatmap, 1)
        layout.addWidget(self.stats)


class CompareView(QWidget):
    """Single wide head (left or top) against the selected head (right or bottom)."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        # Opaque: a label changing inside repaints this view's background, not the dock's
        # frame and title beneath it (a QDockWidget paint, ~0.3 ms, on most edits).
        self.setAutoFillBackground(True)
        self._session = session
        self._selection = selection
        self.caption = QLabel(QCoreApplication.translate("compare_view", CAPTION))
        self.caption.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setVisible(False)
        self.single = _Panel(
            self.tr("The single wide head's attention weights: rows are queries, columns keys.")
        )
        self.multi = _Panel(self.tr("The selected head's attention weights, as in the big heatmap."))
        self._pair = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._pair.addWidget(self.single, 1)
        self._pair.addWidget(self.multi, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.message)
        layout.addLayout(self._pair, 1)
        for panel in (self.single, self.multi):
            panel.heatmap.sigRowClicked.connect(selection.set_query)
            selection.sigQueryChanged.connect(panel.heatmap.set_selected_row)
        lazy_view.connect_redraw(self, session.sigResultChanged, self._redraw)
        lazy_view.connect_redraw(self, selection.sigHeadChanged, self._redraw)
        lazy_view.request(self, self._redraw)

    def resizeEvent(self, event) -> None:
        """Side by side when wide, one above the other in a tall narrow dock."""
        super().resizeEvent(event)
        wide = self.width() >= 1.2 * self.height()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._pair.direction() != direction:
            self._pair.setDirection(direction)

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        try:
            comp = snapshot_comparison(snap)
        except ValueError as exc:  # e.g. the summed scores overflow
            self.message.setText(self.tr("The single head cannot be computed: {reason}").format(reason=exc))
            self.message.setVisible(True)
            return
        self.message.setVisible(False)
        res, state = snap.result, snap.state
        head = min(self._selection.head, res.n_heads - 1)
        top = max(float(comp.single.weights.max()), float(res.weights[head].max()))
        tokens = state.tokens
        self.single.title.setText(
            self.tr("One head, d_k = {width} ({heads} \u00d7 {d_k})").format(
                width=comp.single_width, heads=res.n_heads, d_k=state.d_k
            )
        )
        self.single.heatmap.set_matrix(
            comp.single.weights[0],
            tokens,
            tokens,
            masked=comp.single.masked[0],
            scores=comp.single.scores[0],
            logits=comp.single.logits[0],
            top=top,
        )
        self.single.stats.setText(stats_text(comp.single_stats))
        if state.head_mask[head]:
            title = self.tr("Head {number} of {count}: {name}, d_k = {d_k}")
        else:
            title = self.tr("Head {number} of {count}: {name} (off), d_k = {d_k}")
        self.multi.title.setText(
            title.format(number=head + 1, count=res.n_heads, name=state.head_names[head], d_k=state.d_k)
        )
        self.multi.heatmap.set_matrix(
            res.weights[head],
            tokens,
            tokens,
            masked=res.masked[head],
            scores=res.scores[head],
            logits=res.logits[head],
            top=top,
        )
        self.multi.stats.setText(stats_text(snapshot_head_stats(snap)[head]))
        for panel in (self.single, self.multi):
            panel.heatmap.set_selected_row(self._selection.query)
