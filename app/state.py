"""The session's state as one immutable value, and pure functions that change it.

Every edit produces a new :class:`SessionState` (arrays are replaced, never written in
place), so an undo step only has to keep the state before and after. Nothing here
knows about Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from engine.initializers import head_seed, random_matrix
from engine.positional import POSITION_KINDS

MAX_TOKENS = 64
MAX_HEADS = 16
MIN_TEMPERATURE = 0.05
MAX_TEMPERATURE = 20.0
MATRICES = ("w_q", "w_k", "w_v")

DEFAULT_SENTENCE = "I went to the bank to deposit money near the river bank."


@dataclass(frozen=True, eq=False)
class SessionState:
    """Everything that decides the attention the app shows.

    Attributes
    ----------
    tokens : tuple of str
        The tokens as the user sees them.
    d_model, n_heads, d_k : int
        Embedding width, number of heads, per-head width.
    w_q, w_k, w_v : ndarray (n_heads, d_model, d_k)
    w_o : ndarray (n_heads * d_k, d_model)
    head_names : tuple of str
        One name per head, shown wherever a head is chosen.
    head_purposes : tuple of str
        One line per head saying what it was built to do ("" for none).
    scale, causal : bool
    temperature : float
    positions : str
        One of :data:`engine.positional.POSITION_KINDS`.
    position_scale : float
        Size of the positional encoding added to the word vectors.
    head_mask : ndarray (n_heads,)
        1.0 for a head that contributes, 0.0 for one switched off.
    seed : int
        Base seed for new heads' random matrices.
    preset : str
        Slug of the preset this state was loaded from ("" for none).
    word_overrides : tuple of (str, ndarray)
        Word vectors the user edited, by lookup form (lower case): they replace the
        lexicon's vector for every token of that word, so identical words stay identical.
    """

    tokens: tuple[str, ...]
    d_model: int
    n_heads: int
    d_k: int
    w_q: np.ndarray
    w_k: np.ndarray
    w_v: np.ndarray
    w_o: np.ndarray
    head_names: tuple[str, ...]
    head_purposes: tuple[str, ...] = ()
    scale: bool = True
    causal: bool = False
    temperature: float = 1.0
    positions: str = "sinusoidal"
    position_scale: float = 0.5
    head_mask: np.ndarray = field(default_factory=lambda: np.ones(2))
    seed: int = 0
    preset: str = ""
    word_overrides: tuple = ()

    def __post_init__(self):
        if len(self.head_purposes) != self.n_heads:  # pad so every head has a purpose entry
            padded = (tuple(self.head_purposes) + ("",) * self.n_heads)[: self.n_heads]
            object.__setattr__(self, "head_purposes", padded)

    def with_changes(self, **changes) -> SessionState:
        return replace(self, **changes)


def new_head(seed: int, head: int, d_model: int, d_k: int) -> dict[str, np.ndarray]:
    """Random, reproducible W_Q, W_K, W_V (d_model, d_k) and W_O block (d_k, d_model)."""
    return {
        "w_q": random_matrix(head_seed(seed, head, "q"), d_model, d_k),
        "w_k": random_matrix(head_seed(seed, head, "k"), d_model, d_k),
        "w_v": random_matrix(head_seed(seed, head, "v"), d_model, d_k),
        "w_o": random_matrix(head_seed(seed, head, "o"), d_k, d_model),
    }


def feature_head(d_model: int, d_k: int, first_feature: int, gain: float) -> dict[str, np.ndarray]:
    """A head that compares tokens on features ``first_feature .. first_feature + d_k``.

    W_Q = W_K pick those features (times ``gain``), so q . k is large when two tokens
    share them; W_V copies them; the W_O block writes them back where they came from.
    """
    pick = np.zeros((d_model, d_k))
    for e in range(d_k):
        if first_feature + e < d_model:
            pick[first_feature + e, e] = 1.0
    return {"w_q": gain * pick, "w_k": gain * pick, "w_v": pick.copy(), "w_o": pick.T.copy()}


def default_state(tokens: tuple[str, ...], d_model: int = 16, n_heads: int = 2) -> SessionState:
    """The state the app opens on: two readable heads, then reproducible random ones.

    With the hand-built space, features 0-7 are meanings (finance, nature, ...) and
    8-15 are roles (person, action, noun, ...), so head 1 attends by meaning and
    head 2 by grammatical role: something a teacher can explain.
    """
    d_k = max(1, d_model // n_heads)
    heads, names, purposes = [], [], []
    readable = (
        ("Same meaning", "Attends to tokens that share meaning features (finance, nature, water, ...)."),
        ("Same role", "Attends to tokens with the same grammatical role (determiner, noun, verb, ...)."),
    )
    for h in range(n_heads):
        if h < 2 and (h + 1) * d_k <= d_model:
            heads.append(feature_head(d_model, d_k, h * d_k, gain=2.0))
            names.append(readable[h][0])
            purposes.append(readable[h][1])
        else:
            heads.append(new_head(0, h, d_model, d_k))
            names.append(f"Head {h + 1}")
            purposes.append("Random matrices: no built-in meaning.")
    return SessionState(
        tokens=tuple(tokens),
        d_model=d_model,
        n_heads=n_heads,
        d_k=d_k,
        w_q=np.stack([hd["w_q"] for hd in heads]),
        w_k=np.stack([hd["w_k"] for hd in heads]),
        w_v=np.stack([hd["w_v"] for hd in heads]),
        w_o=np.concatenate([hd["w_o"] for hd in heads], axis=0),
        head_names=tuple(names),
        head_purposes=tuple(purposes),
        head_mask=np.ones(n_heads),
    )


def with_head_count(state: SessionState, n_heads: int) -> SessionState:
    """Change the number of heads, keeping the existing heads' matrices as they are.

    d_k stays fixed, so kept heads are untouched; new heads get random matrices from
    :func:`new_head` with the session seed, so the same steps give the same heads.
    """
    if not 1 <= n_heads <= MAX_HEADS:
        raise ValueError(f"The number of heads must be between 1 and {MAX_HEADS}, not {n_heads}.")
    keep = min(n_heads, state.n_heads)
    d, dk = state.d_model, state.d_k
    added = [new_head(state.seed, h, d, dk) for h in range(keep, n_heads)]
    w_o_blocks = [state.w_o[h * dk : (h + 1) * dk] for h in range(keep)] + [a["w_o"] for a in added]
    names = state.head_names[:keep] + tuple(f"Head {h + 1}" for h in range(keep, n_heads))
    purposes = state.head_purposes[:keep] + ("Random matrices: no built-in meaning.",) * (n_heads - keep)
    mask = np.concatenate([state.head_mask[:keep], np.ones(n_heads - keep)])
    return state.with_changes(
        n_heads=n_heads,
        w_q=np.concatenate([state.w_q[:keep]] + [a["w_q"][None] for a in added]),
        w_k=np.concatenate([state.w_k[:keep]] + [a["w_k"][None] for a in added]),
        w_v=np.concatenate([state.w_v[:keep]] + [a["w_v"][None] for a in added]),
        w_o=np.concatenate(w_o_blocks, axis=0),
        head_names=names,
        head_purposes=purposes,
        head_mask=mask,
    )


def check_tokens(tokens) -> tuple[str, ...]:
    tokens = tuple(str(t) for t in tokens)
    if not tokens:
        raise ValueError("The sentence has no tokens yet: type at least one word.")
    if len(tokens) > MAX_TOKENS:
        raise ValueError(
            f"The sentence has {len(tokens)} tokens; this mode shows at most {MAX_TOKENS}. "
            "Shorten it to see its attention."
        )
    return tokens


def check_temperature(t: float) -> float:
    t = float(t)
    if not np.isfinite(t) or not MIN_TEMPERATURE <= t <= MAX_TEMPERATURE:
        raise ValueError(f"Temperature must be between {MIN_TEMPERATURE} and {MAX_TEMPERATURE}, not {t}.")
    return t


def check_positions(kind: str) -> str:
    if kind not in POSITION_KINDS:
        raise ValueError(f"Positions must be one of {', '.join(POSITION_KINDS)}, not {kind!r}.")
    return kind
