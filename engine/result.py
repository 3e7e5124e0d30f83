"""The one result type every part of the app reads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class AttentionResult:
    """Every intermediate of one multi-head self-attention pass.

    Shapes use ``h`` heads, ``n`` tokens, ``d_k`` per-head size and ``d_model``.

    Attributes
    ----------
    q, k, v : ndarray (h, n, d_k)
        Queries ("what am I looking for?"), keys ("what do I represent?") and
        values ("what information do I carry?").
    scores : ndarray (h, n, n), or None
        Raw dot products ``q . k``; row = query token, column = key token. None, like
        ``logits`` and ``weights``, when computed with ``need_weights=False``.
    logits : ndarray (h, n, n)
        Scores after scaling by sqrt(d_k), dividing by the temperature and masking;
        a masked cell holds ``-inf``.
    weights : ndarray (h, n, n)
        Softmax of each logits row; every row sums to 1, masked cells are 0.
    head_outputs : ndarray (h, n, d_k)
        ``weights @ v`` per head, times the head's mask value.
    concat : ndarray (n, h * d_k)
        The head outputs side by side, head 0 first.
    output : ndarray (n, d_model)
        ``concat @ w_o``.
    backend : str
        Which code computed it: ``"numba-serial"``, ``"numba-parallel"`` or ``"numpy"``.
    need_weights : bool
        False when the (h, n, n) fields were not kept (they are None).
    """

    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    scores: np.ndarray | None
    logits: np.ndarray | None
    weights: np.ndarray | None
    head_outputs: np.ndarray
    concat: np.ndarray
    output: np.ndarray
    backend: str = "numpy"

    @property
    def need_weights(self) -> bool:
        return self.weights is not None

    @property
    def n_heads(self) -> int:
        return self.q.shape[0]

    @property
    def n_tokens(self) -> int:
        return self.q.shape[1]

    @property
    def masked(self) -> np.ndarray | None:
        """Boolean (h, n, n): True where a cell was masked out (logit ``-inf``); None without weights."""
        return None if self.logits is None else np.isneginf(self.logits)
