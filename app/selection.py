"""What the user is looking at: the selected head and query token.

Shared by every view (click a row in one, it is selected in all) but not part of the
document, so changing it is not an undo step.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Selection(QObject):
    """The selected head and query token, kept inside the session's current sizes.

    Signals
    -------
    sigHeadChanged(int)
    sigQueryChanged(int)
        -1 when no query token is selected.
    """

    sigHeadChanged = Signal(int)
    sigQueryChanged = Signal(int)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self._session = session
        self._head = 0
        self._query = -1
        session.sigStateChanged.connect(self._clamp)

    @property
    def head(self) -> int:
        return self._head

    @property
    def query(self) -> int:
        return self._query

    def set_head(self, head: int) -> None:
        head = max(0, min(int(head), self._session.state.n_heads - 1))
        if head != self._head:
            self._head = head
            self.sigHeadChanged.emit(head)

    def set_query(self, query: int) -> None:
        query = int(query)
        if not -1 <= query < len(self._session.state.tokens):
            query = -1
        if query != self._query:
            self._query = query
            self.sigQueryChanged.emit(query)

    def _clamp(self, state) -> None:
        if self._head >= state.n_heads:
            self.set_head(state.n_heads - 1)
        if self._query >= len(state.tokens):
            self.set_query(-1)
