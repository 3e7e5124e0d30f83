"""The four steps of attention for one query token and one head, with every number.

The step-by-step panel shows these; they are read from the snapshot's result (q, k,
v, scores, logits, weights, head outputs) and the state's settings, never recomputed
differently. The only new numbers are the ones the panel spells out on the way: the
term-by-term products of q . k, the divisor, exp of each logit with their sum, and
each weight times its value vector.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.snapshot_cache import per_snapshot

# exp() of a logit above this would print as a long number (or overflow); then the
# panel subtracts the largest logit first, which leaves the softmax unchanged.
EXP_SHIFT_ABOVE = 30.0


@dataclass(frozen=True)
class WorkedSteps:
    """Everything the step panel shows for query ``query`` of head ``head``.

    Arrays are over the keys (length n) unless noted; ``d_k`` is the head width.
    """

    head: int
    query: int
    defaulted: bool  # True when no query was selected and token 0 stands in
    tokens: tuple[str, ...]
    q: np.ndarray  # (d_k,) the query's vector
    k: np.ndarray  # (n, d_k) every key's vector
    products: np.ndarray  # (n, d_k) q_i * k_i, summed along d_k to give the score
    scores: np.ndarray  # result.scores[head, query]
    scale_divisor: float  # sqrt(d_k) when scaling is on, else 1
    scaled: np.ndarray  # scores / scale_divisor (before the temperature)
    temperature: float
    masked: np.ndarray  # bool, True where the causal mask hides a key
    logits: np.ndarray  # result.logits[head, query], -inf where masked
    exp_shift: float  # subtracted from each logit before exp (0 when not needed)
    exps: np.ndarray  # exp(logit - exp_shift), 0 where masked
    exp_sum: float
    weights: np.ndarray  # result.weights[head, query]
    v: np.ndarray  # (n, d_k) every key's value vector
    weighted_values: np.ndarray  # (n, d_k) weight_j * v_j
    weighted_sum: np.ndarray  # (d_k,) their sum: the output before the head's on/off switch
    head_on: bool
    output: np.ndarray  # (d_k,) result.head_outputs[head, query] (0 when the head is off)


def worked_steps(result, state, head: int, query: int) -> WorkedSteps:
    """The numbers of every step; ``query`` -1 means "none selected" and uses token 0."""
    defaulted = query < 0
    query = 0 if defaulted else int(query)
    q = result.q[head, query]
    k = result.k[head]
    logits = result.logits[head, query]
    masked = np.isneginf(logits)
    visible = logits[~masked]
    top = float(visible.max()) if visible.size else 0.0
    shift = top if top > EXP_SHIFT_ABOVE else 0.0
    exps = np.where(masked, 0.0, np.exp(np.where(masked, 0.0, logits) - shift))
    weights = result.weights[head, query]
    v = result.v[head]
    divisor = math.sqrt(state.d_k) if state.scale else 1.0
    weighted = weights[:, None] * v
    return WorkedSteps(
        head=head,
        query=query,
        defaulted=defaulted,
        tokens=tuple(state.tokens),
        q=q,
        k=k,
        products=q[None, :] * k,
        scores=result.scores[head, query],
        scale_divisor=divisor,
        scaled=result.scores[head, query] / divisor,
        temperature=float(state.temperature),
        masked=masked,
        logits=logits,
        exp_shift=shift,
        exps=exps,
        exp_sum=float(exps.sum()),
        weights=weights,
        v=v,
        weighted_values=weighted,
        weighted_sum=weighted.sum(axis=0),
        head_on=bool(state.head_mask[head]),
        output=result.head_outputs[head, query],
    )


@per_snapshot
def snapshot_steps(snapshot, head: int, query: int) -> WorkedSteps:
    """:func:`worked_steps` for a snapshot, computed once per (snapshot, head, query)."""
    return worked_steps(snapshot.result, snapshot.state, head, query)
