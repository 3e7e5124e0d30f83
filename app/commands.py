"""Undoable edits: every change to the session is one of these on its undo stack.

One generic command is enough because the state is an immutable value: a command
keeps the state before and after and swaps them. Edits that arrive in a stream (a
slider being dragged) carry a ``merge_key``; consecutive edits with the same key fold
into one undo step.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

# QUndoCommand.id() must be an int; one id for all mergeable edits, the key decides.
_MERGE_ID = 1001


class StateCommand(QUndoCommand):
    """Replace the session's state; undo puts the previous one back."""

    def __init__(self, session, text: str, before, after, merge_key: str | None = None):
        super().__init__(text)
        self._session = session
        self._before = before
        self._after = after
        self._merge_key = merge_key
        self._open = merge_key is not None

    def redo(self) -> None:
        self._session._assign(self._after)

    def undo(self) -> None:
        self._session._assign(self._before)

    def id(self) -> int:
        return _MERGE_ID if self._merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, StateCommand) and self._open and other._merge_key == self._merge_key):
            return False
        self._after = other._after
        return True

    def close(self) -> None:
        """Stop merging: the next edit with the same key starts a new undo step."""
        self._open = False
