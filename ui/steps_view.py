"""Step by step: the selected query token's attention in one head, with every number.

The numbers come from :func:`app.steps.snapshot_steps` (read from the snapshot's
result); the text from :mod:`ui.steps_html`. "Next step" reveals the four steps one at
a time, for presenting; "Show all" reveals the rest.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.steps import snapshot_steps
from ui import lazy_view
from ui.steps_html import STEP_TITLES, steps_html

N_STEPS = len(STEP_TITLES)


class StepsView(QWidget):
    """The four steps of attention for (selected head, selected query), revealable one by one."""

    def __init__(self, session, selection, parent=None):
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self.revealed = N_STEPS
        self.expanded: set[int] = set()
        self.steps = None
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.title.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.restart_button = QPushButton(self.tr("From step 1"))
        self.restart_button.setToolTip(
            self.tr("Hide everything but step 1, to walk a class through the steps.")
        )
        self.next_button = QPushButton(self.tr("Next step"))
        self.next_button.setToolTip(self.tr("Reveal the next step of the calculation."))
        self.all_button = QPushButton(self.tr("Show all"))
        self.all_button.setToolTip(self.tr("Reveal all four steps at once."))
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setToolTip(
            self.tr(
                "The calculation for the selected token with the actual numbers. Click 'show the sum' "
                "to see a score worked out term by term."
            )
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.restart_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.all_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.browser, 1)
        self.restart_button.clicked.connect(lambda: self.reveal(1))
        self.next_button.clicked.connect(lambda: self.reveal(self.revealed + 1))
        self.all_button.clicked.connect(lambda: self.reveal(N_STEPS))
        self.browser.anchorClicked.connect(self._on_link)
        # One slot for all three, so a new result and a new selection in one turn rebuild
        # the text once (and not at all while the panel is hidden).
        for signal in (session.sigResultChanged, selection.sigHeadChanged, selection.sigQueryChanged):
            lazy_view.connect_redraw(self, signal, self._on_result)
        lazy_view.request(self, self._on_result)

    def reveal(self, count: int) -> None:
        """Show the first ``count`` steps (1-4)."""
        self.revealed = max(1, min(N_STEPS, count))
        self._render(keep_scroll=True)

    def _on_link(self, url) -> None:
        target = url.toString().removeprefix("expand:")
        n = len(self.steps.tokens) if self.steps else 0
        if target == "all":
            self.expanded = set(range(n))
        elif target == "none":
            self.expanded = set()
        elif target.isdigit():
            self.expanded ^= {int(target)}
        self._render(keep_scroll=True)

    def _on_result(self, *_) -> None:
        if self.steps is not None and len(self._session.state.tokens) != len(self.steps.tokens):
            self.expanded = set()
        self._redraw()

    def _redraw(self, *_) -> None:
        snap = self._session.snapshot
        if snap is None:
            return
        head = min(self._selection.head, snap.result.n_heads - 1)
        query = self._selection.query if self._selection.query < snap.result.n_tokens else -1
        self.steps = snapshot_steps(snap, head, query)
        st = self.steps
        name = snap.state.head_names[head]
        token = st.tokens[st.query]
        self.title.setText(
            self.tr("Head {number} ({name}), query '{token}' (token {position})").format(
                number=head + 1, name=name, token=token, position=st.query + 1
            )
        )
        if st.defaulted:
            self.note.setText(
                self.tr(
                    "No token selected, so this shows token 1 ('{token}'). Click a row of the heatmap "
                    "(or a token in the Lines view) to choose another."
                ).format(token=token)
            )
        else:
            self.note.setText(self.tr("Click another row of the heatmap to follow a different token."))
        self._render(keep_scroll=False)

    def _render(self, keep_scroll: bool) -> None:
        if self.steps is None:
            return
        bar = self.browser.verticalScrollBar()
        position = bar.value()
        self.browser.setHtml(steps_html(self.steps, self.revealed, self.expanded))
        if keep_scroll:
            bar.setValue(position)
        self.next_button.setEnabled(self.revealed < N_STEPS)
        self.all_button.setEnabled(self.revealed < N_STEPS)
