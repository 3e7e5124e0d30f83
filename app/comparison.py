"""One head against many: the same input and the same total width, computed once.

The single head's W_Q, W_K and W_V are the current heads' matrices side by side
(d_model x h*d_k) and its W_O is the current W_O, so it has exactly the parameters of
all heads together. Its query and key vectors are the heads' vectors laid end to end,
so its score is the *sum* of the heads' scores: where the heads keep apart "same
meaning" and "same role", the single head has to add them into one number and one
softmax. One spotlight instead of an orchestra.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.analysis import HeadStats, head_stats
from app.snapshot_cache import per_snapshot
from engine import AttentionResult, multi_head_attention


def concatenate_heads(w: np.ndarray) -> np.ndarray:
    """(h, d_model, d_k) -> (1, d_model, h*d_k): head 0's columns first."""
    h, d_model, d_k = w.shape
    return np.ascontiguousarray(w.transpose(1, 0, 2).reshape(d_model, h * d_k))[None]


@dataclass(frozen=True, eq=False)
class Comparison:
    """The single wide head's result next to the multi-head result it is compared with.

    Attributes
    ----------
    single : AttentionResult
        One head with d_k = h * d_k of the heads; ``single.weights[0]`` is its matrix.
    multi : AttentionResult
        The session's own result (all heads).
    summed_scores : ndarray (n, n)
        The heads' scores added up; equal to ``single.scores[0]``.
    single_stats : HeadStats
        Entropy, peak and focus of the single head, to set beside each head's.
    """

    single: AttentionResult
    multi: AttentionResult
    summed_scores: np.ndarray
    single_stats: HeadStats

    @property
    def single_width(self) -> int:
        return self.single.q.shape[2]


def single_head_comparison(x, state, multi: AttentionResult, backend: str = "auto") -> Comparison:
    """Run the single wide head through the engine with the state's settings.

    Every head counts in the single head's matrices, switched off or not: the point is
    the same total width. The single head is never switched off.
    """
    single = multi_head_attention(
        x,
        concatenate_heads(state.w_q),
        concatenate_heads(state.w_k),
        concatenate_heads(state.w_v),
        state.w_o,
        scale=state.scale,
        causal=state.causal,
        temperature=state.temperature,
        backend=backend,
    )
    return Comparison(
        single=single,
        multi=multi,
        summed_scores=multi.scores.sum(axis=0),
        single_stats=head_stats(single.weights[0], state.tokens, single.masked[0]),
    )


@per_snapshot
def snapshot_comparison(snapshot) -> Comparison:
    """:func:`single_head_comparison` for a snapshot, computed once per snapshot."""
    return single_head_comparison(snapshot.embedded.x, snapshot.state, snapshot.result, snapshot.backend)
