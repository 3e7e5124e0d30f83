"""The session: the single source of truth every view reads.

A widget asks the session for an edit (``set_heads(4)``); the session validates it,
pushes an undoable :class:`~app.commands.StateCommand`, recomputes attention through
the engine and emits the new result. Views redraw from that result and never compute
attention themselves.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app import shapes
from app import state as st
from app.commands import StateCommand
from app.source import Embedded, HandBuiltSource, default_source
from engine import AttentionResult, multi_head_attention


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A result together with the state and input it was computed from.

    Views draw labels and numbers from one snapshot, so they always agree even when
    a later edit failed to compute.
    """

    state: st.SessionState
    embedded: Embedded
    result: AttentionResult
    # Who computed it ("numpy" until the kernels' warm-up starts): work derived from the
    # snapshot (One head vs many) uses the same, so it never compiles on the window's thread.
    backend: str = "auto"


class Session(QObject):
    """One document: tokens, matrices and settings, plus the attention they produce.

    Signals
    -------
    sigStateChanged(SessionState)
        Any part of the state changed (after an edit, undo or redo).
    sigResultChanged(Snapshot)
        A new attention result is ready; views redraw from it.
    sigErrorChanged(str)
        The message explaining why the last edit could not be computed, or "" when
        all is well. The previous result stays on screen meanwhile.
    """

    sigStateChanged = Signal(object)
    sigResultChanged = Signal(object)
    sigErrorChanged = Signal(str)

    def __init__(
        self,
        source: HandBuiltSource | None = None,
        sentence: str = st.DEFAULT_SENTENCE,
        parent=None,
        *,
        backend: str = "auto",
    ):
        super().__init__(parent)
        self.source = source or default_source()
        # The engine's backend for every recompute. The app starts on "numpy" (the twin
        # gives the same numbers) and switches to "auto" once the kernels' warm-up runs.
        self.backend = backend
        self.undo_stack = QUndoStack(self)
        self._state = st.default_state(st.check_tokens(self.source.tokenize(sentence)))
        self._snapshot: Snapshot | None = None
        self._error = ""
        self._batch_depth = 0
        self._recompute()

    # --- reading ---------------------------------------------------------------------

    @property
    def state(self) -> st.SessionState:
        return self._state

    @property
    def snapshot(self) -> Snapshot | None:
        """The newest result that could be computed (kept while an edit fails)."""
        return self._snapshot

    @property
    def result(self) -> AttentionResult | None:
        return self._snapshot.result if self._snapshot else None

    @property
    def error(self) -> str:
        return self._error

    @property
    def sentence(self) -> str:
        return " ".join(self._state.tokens)

    def feature_names(self) -> list[str]:
        return self.source.feature_names(self._state.d_model)

    # --- edits (each one undoable) -----------------------------------------------------

    def set_sentence(self, text: str) -> None:
        """Tokenize ``text`` and use its tokens; raises ValueError for none or too many."""
        self.set_tokens(self.source.tokenize(text))

    def set_tokens(self, tokens, merge_key: str | None = None) -> None:
        tokens = st.check_tokens(tokens)
        if tokens != self._state.tokens:
            self._push("Edit tokens", merge_key=merge_key, tokens=tokens)

    def load_preset(self, slug: str) -> None:
        """Replace everything with a preset's sentence, heads and settings: one undo step."""
        from app.presets import get_preset, preset_state

        preset = get_preset(slug)
        self._commit(
            f"Load preset {preset.name}",
            preset_state(preset, self.source.tokenize, self.source.feature_names),
        )

    def replace_state(self, new_state: st.SessionState, text: str) -> None:
        """Swap in a whole state (an opened file, a lesson step) as one undo step."""
        self._commit(text, new_state)

    def set_heads(self, n_heads: int) -> None:
        n_heads = int(n_heads)
        if n_heads != self._state.n_heads:
            self._commit(f"Use {n_heads} heads", st.with_head_count(self._state, n_heads), merge_key="heads")

    def set_temperature(self, t: float) -> None:
        t = st.check_temperature(t)
        if t != self._state.temperature:
            self._push("Change temperature", merge_key="temperature", temperature=t)

    def set_scale(self, on: bool) -> None:
        if bool(on) != self._state.scale:
            self._push("Scale by sqrt(d_k)" if on else "Do not scale", scale=bool(on))

    def set_causal(self, on: bool) -> None:
        if bool(on) != self._state.causal:
            self._push("Causal mask on" if on else "Causal mask off", causal=bool(on))

    def set_positions(self, kind: str) -> None:
        kind = st.check_positions(kind)
        if kind != self._state.positions:
            self._push(f"Positions: {kind}", positions=kind)

    def set_head_enabled(self, head: int, on: bool) -> None:
        mask = self._state.head_mask.copy()
        mask[head] = 1.0 if on else 0.0
        self._push(f"Head {head + 1} {'on' if on else 'off'}", head_mask=mask)

    def set_matrix(self, which: str, array, merge_key: str | None = None) -> None:
        """Replace W_Q, W_K, W_V (all heads) or W_O with an array of the same shape."""
        if which not in (*st.MATRICES, "w_o"):
            raise ValueError(f"Unknown matrix {which!r}.")
        current = getattr(self._state, which)
        array = np.array(array, dtype=np.float64)
        if array.shape != current.shape:
            raise ValueError(f"{which} must keep its shape {current.shape}, not {array.shape}.")
        if not np.isfinite(array).all():
            raise ValueError(f"{which} would contain NaN or infinite entries; enter finite numbers.")
        self._push(f"Edit {which.upper().replace('_', '')}", merge_key=merge_key, **{which: array})

    # --- sizes and whole heads ----------------------------------------------------------

    def set_d_model(self, d_model: int) -> None:
        if int(d_model) != self._state.d_model:
            self._commit(f"d_model {d_model}", shapes.with_d_model(self._state, d_model))

    def set_d_k(self, d_k: int) -> None:
        if int(d_k) != self._state.d_k:
            self._commit(f"d_k {d_k}", shapes.with_d_k(self._state, d_k))

    def set_head_matrix(self, which: str, head: int, matrix, merge_key: str | None = None) -> None:
        """Replace one head's W_Q, W_K, W_V (d_model x d_k) or W_O block (d_k x d_model)."""
        new = shapes.with_head_matrix(self._state, which, head, matrix)
        self._commit(f"Edit {_label(which)} of head {head + 1}", new, merge_key)

    def set_cell(self, which: str, head: int, row: int, col: int, value: float, merge_key=None) -> None:
        """Set one entry of one head's matrix (a slider drag passes a merge_key)."""
        value = float(value)
        if not np.isfinite(value):
            raise ValueError("A matrix entry must be a finite number.")
        matrix = shapes.head_matrix(self._state, which, head).copy()
        matrix[row, col] = value
        self.set_head_matrix(which, head, matrix, merge_key)

    def fill_head(self, which: str, head: int, kind: str, seed: int = 0) -> None:
        """Fill one head's matrix: "random" (with a seed), "identity" or "zero"."""
        matrix = shapes.filled_matrix(kind, self._state, which, head, seed)
        self._commit(
            f"{kind.capitalize()} {_label(which)} of head {head + 1}",
            shapes.with_head_matrix(self._state, which, head, matrix),
        )

    def copy_head(self, source: int, target: int) -> None:
        self._commit(
            f"Copy head {source + 1} to head {target + 1}",
            shapes.with_head_copied(self._state, source, target),
        )

    def solo_head(self, head: int) -> None:
        """Only this head contributes to the output; the others are switched off."""
        self._push(f"Solo head {head + 1}", head_mask=shapes.solo_mask(self._state.n_heads, head))

    def enable_all_heads(self) -> None:
        self._push("All heads on", head_mask=np.ones(self._state.n_heads))

    def rename_head(self, head: int, name: str) -> None:
        name = name.strip()
        if not name:
            raise ValueError("A head needs a name.")
        names = list(self._state.head_names)
        names[head] = name
        self._push(f"Rename head {head + 1}", head_names=tuple(names))

    # --- tokens and word vectors ------------------------------------------------------

    def shuffle_tokens(self, seed: int | None = None) -> None:
        """Put the tokens in a random order (a lesson: without positions, only the matrix moves)."""
        rng = np.random.default_rng(seed)
        order = rng.permutation(len(self._state.tokens))
        self._push("Shuffle tokens", tokens=tuple(self._state.tokens[i] for i in order))

    def set_word_vector(self, token: str, vector, merge_key: str | None = None) -> None:
        """Give a word its own vector (every token of that word changes, identical words stay so)."""
        vector = np.array(vector, dtype=np.float64)
        if vector.shape != (self._state.d_model,) or not np.isfinite(vector).all():
            raise ValueError(f"A word vector needs {self._state.d_model} finite numbers.")
        key = self.source.lookup_key(token)
        kept = tuple((w, v) for w, v in self._state.word_overrides if w != key)
        self._push(
            f"Edit the features of '{token}'", merge_key=merge_key, word_overrides=(*kept, (key, vector))
        )

    def reset_word_vector(self, token: str) -> None:
        key = self.source.lookup_key(token)
        kept = tuple((w, v) for w, v in self._state.word_overrides if w != key)
        if len(kept) != len(self._state.word_overrides):
            self._push(f"Reset the features of '{token}'", word_overrides=kept)

    def refresh(self) -> None:
        """Tell the views to redraw the current result (after a change of fonts or theme)."""
        if self._snapshot is not None:
            self.sigResultChanged.emit(self._snapshot)

    def end_merge(self) -> None:
        """Close the current streak of merged edits (a slider was released)."""
        index = self.undo_stack.index()
        if index == 0:
            # Never ask for command(-1): PySide returns None for the null pointer without
            # taking a reference, and enough such calls crash Python at exit.
            return
        top = self.undo_stack.command(index - 1)
        if isinstance(top, StateCommand):
            top.close()

    @contextmanager
    def batch(self, text: str):
        """Group several edits into one undo step and one recompute."""
        self.undo_stack.beginMacro(text)
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            self.undo_stack.endMacro()
            if self._batch_depth == 0:
                self._recompute()

    # --- internals -------------------------------------------------------------------

    def _push(self, text: str, merge_key: str | None = None, **changes) -> None:
        self._commit(text, self._state.with_changes(**changes), merge_key)

    def _commit(self, text: str, after: st.SessionState, merge_key: str | None = None) -> None:
        self.undo_stack.push(StateCommand(self, text, self._state, after, merge_key))

    def _assign(self, new_state: st.SessionState) -> None:
        """Called by commands (do and undo): set the state, recompute, notify."""
        self._state = new_state
        self.sigStateChanged.emit(new_state)
        if self._batch_depth == 0:
            self._recompute()

    def _recompute(self) -> None:
        s = self._state
        try:
            embedded = self._same_input()
            if embedded is None:
                embedded = self.source.embed(
                    s.tokens, s.d_model, s.positions, s.position_scale, s.word_overrides
                )
            result = multi_head_attention(
                embedded.x,
                s.w_q,
                s.w_k,
                s.w_v,
                s.w_o,
                scale=s.scale,
                causal=s.causal,
                temperature=s.temperature,
                head_mask=s.head_mask,
                backend=self.backend,
            )
        except ValueError as exc:
            self._set_error(str(exc))
            return
        self._snapshot = Snapshot(state=s, embedded=embedded, result=result, backend=self.backend)
        self._set_error("")
        self.sigResultChanged.emit(self._snapshot)

    def _same_input(self) -> Embedded | None:
        """The last snapshot's input if this state embeds to the same (a matrix, head or
        temperature edit): embedding again cost ~85 us of a ~120 us recompute."""
        last, s = self._snapshot, self._state
        if last is None:
            return None
        was = last.state
        same = (
            was.tokens == s.tokens
            and was.d_model == s.d_model
            and was.positions == s.positions
            and was.position_scale == s.position_scale
            # Edited word vectors are arrays: an edit makes a new tuple, so identity is enough.
            and was.word_overrides is s.word_overrides
        )
        return last.embedded if same else None

    def _set_error(self, message: str) -> None:
        if message != self._error:
            self._error = message
            self.sigErrorChanged.emit(message)


def _label(which: str) -> str:
    """ "w_q" -> "W_Q": the name the editors show."""
    return which.upper()
