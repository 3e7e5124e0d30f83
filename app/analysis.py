"""Numbers about attention that are not attention itself: statistics the views show.

Pure functions of arrays (tested with hand-made weight matrices), plus thin
per-snapshot wrappers the views call so each number is computed once per result.

- per head: mean row entropy in bits, peak weight, and what the head mostly attends
  to (itself, the previous token, the next token, one particular word, or nothing in
  particular);
- per token: how far attention moved its vector (||output_i - x_i||) and the cosine
  similarity between tokens' vectors, with repeated words ("bank" ... "bank") paired.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.snapshot_cache import per_snapshot

# A head "mostly attends to" a pattern only if that pattern gets clearly more than an
# even spread would give it: more than SPREAD_FACTOR / n of each row on average.
SPREAD_FACTOR = 1.5

FOCUS_LABELS = {
    "self": "itself",
    "previous": "the previous token",
    "next": "the next token",
    "spread": "nothing in particular",
}


@dataclass(frozen=True)
class Focus:
    """What a head mostly attends to.

    Attributes
    ----------
    kind : str
        "self", "previous", "next", "word" or "spread".
    share : float
        The average weight a row puts on it (0..1).
    token : int
        For "word": the key position that receives the attention; otherwise -1.
    label : str
        The words the app shows, e.g. "the previous token" or "a particular word: 'bank'".
    """

    kind: str
    share: float
    token: int = -1
    label: str = ""


@dataclass(frozen=True)
class HeadStats:
    """Summary numbers of one head's weight matrix."""

    entropy_bits: float  # mean over rows of -sum w log2 w
    even_bits: float  # the same for an even spread over the visible keys (the maximum)
    peak: float  # the largest single weight
    focus: Focus


def row_entropy_bits(weights: np.ndarray) -> np.ndarray:
    """Entropy of each row in bits: 0 when a row puts everything on one key.

    A row spread evenly over m keys has log2(m) bits. Zero weights (masked cells)
    contribute nothing (0 log 0 = 0).
    """
    w = np.asarray(weights, dtype=float)
    logs = np.log2(w, out=np.zeros_like(w), where=w > 0)  # log 0 left at 0: 0 log 0 = 0
    return -(w * logs).sum(axis=-1)


def _diagonal_shares(w: np.ndarray, offset: int) -> np.ndarray:
    """Per head (w is h x n x n): average weight on the key ``offset`` places from the query."""
    diag = np.diagonal(w, offset=offset, axis1=1, axis2=2)
    # sum / count is what mean() does, without its Python wrapper (~8 us a call)
    return diag.sum(axis=-1) / diag.shape[-1] if diag.shape[-1] else np.zeros(w.shape[0])


def word_label(tokens, j: int) -> str:
    """How a key is named in a focus label; the position is added when the word repeats."""
    text = tokens[j]
    repeats = sum(1 for t in tokens if t.lower() == text.lower()) > 1
    return f"a particular word: '{text}'" + (f" (token {j + 1})" if repeats else "")


_CANDIDATES = ("self", "previous", "next", "word")


def attention_focuses(weights: np.ndarray, tokens) -> tuple[Focus, ...]:
    """:func:`attention_focus` of every head of ``weights`` (h, n, n), in one pass."""
    w = np.asarray(weights, dtype=float)
    n = w.shape[1]
    shares = [_diagonal_shares(w, 0), _diagonal_shares(w, -1), _diagonal_shares(w, 1)]  # w[i, i-1], w[i, i+1]
    word = np.full(w.shape[0], -1)
    if n > 1:
        off_diagonal = w.sum(axis=1) - np.diagonal(w, axis1=1, axis2=2)
        column_share = off_diagonal / (n - 1)
        word = np.argmax(column_share, axis=1)
        shares.append(column_share[np.arange(len(word)), word])
    table = np.array(shares).T  # (h, candidates)
    best = np.argmax(table, axis=1)  # the first of equals, in the order above
    out = []
    shares_best = table[np.arange(len(best)), best].tolist()  # Python floats, one call
    for k, share, column in zip(best.tolist(), shares_best, word.tolist(), strict=True):
        kind = _CANDIDATES[k]
        token = column if kind == "word" else -1
        if n > 1 and share < SPREAD_FACTOR / n:
            kind, token = "spread", -1
        label = word_label(tokens, token) if kind == "word" else FOCUS_LABELS[kind]
        out.append(Focus(kind, share, token, label))
    return tuple(out)


def attention_focus(weights: np.ndarray, tokens) -> Focus:
    """Classify what a head's weight matrix (rows = queries) mostly attends to.

    Compares the average weight a row puts on itself (the diagonal), on the previous
    token (the diagonal below), on the next token (above), and on each single key
    (a column, ignoring that key's own row). The largest wins, ties in that order; if
    even the largest is not clearly above an even spread, the head attends to
    "nothing in particular".
    """
    return attention_focuses(np.asarray(weights, dtype=float)[None], tokens)[0]


def heads_stats(weights: np.ndarray, tokens, masked: np.ndarray | None = None) -> tuple[HeadStats, ...]:
    """:func:`head_stats` of every head of ``weights`` (h, n, n) in one pass over the array.

    A view redraws them on every edit: one NumPy call per statistic for all heads, not
    one per head (eight heads cost 1200 small NumPy calls before).
    """
    w = np.asarray(weights, dtype=float)
    rows = max(w.shape[1], 1)
    if masked is None:
        visible = np.full(w.shape[:2], w.shape[2])  # every key of every row
    else:
        visible = w.shape[2] - np.asarray(masked, dtype=bool).sum(axis=-1)
    # sum / rows is what mean() does, without its Python wrapper; .tolist() gives the floats.
    entropy = (row_entropy_bits(w).sum(axis=-1) / rows).tolist()
    even = (np.log2(np.maximum(visible, 1)).sum(axis=-1) / rows).tolist()
    peak = w.max(axis=(1, 2)).tolist()
    focus = attention_focuses(w, tokens)
    return tuple(
        HeadStats(entropy_bits=entropy[h], even_bits=even[h], peak=peak[h], focus=focus[h])
        for h in range(w.shape[0])
    )


def head_stats(weights: np.ndarray, tokens, masked: np.ndarray | None = None) -> HeadStats:
    """Entropy, peak and focus of one head's weights (n, n); ``masked`` marks hidden keys."""
    w = np.asarray(weights, dtype=float)[None]
    return heads_stats(w, tokens, None if masked is None else np.asarray(masked, dtype=bool)[None])[0]


@per_snapshot
def snapshot_head_stats(snapshot) -> tuple[HeadStats, ...]:
    """:func:`head_stats` for every head of a snapshot, computed once per snapshot."""
    res = snapshot.result
    return heads_stats(res.weights, snapshot.state.tokens, res.masked)


# --- the context effect ----------------------------------------------------------------


def output_shift(x: np.ndarray, output: np.ndarray) -> np.ndarray:
    """||output_i - x_i|| for each token: how far attention moved its vector (both n x d_model)."""
    return np.linalg.norm(np.asarray(output, dtype=float) - np.asarray(x, dtype=float), axis=1)


def cosine_similarity_matrix(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity between every pair of rows; 0 where a row is all zeros."""
    m = np.asarray(vectors, dtype=float)
    norms = np.linalg.norm(m, axis=1)
    safe = np.where(norms > 0, norms, 1.0)
    unit = m / safe[:, None]
    sim = unit @ unit.T
    sim[norms == 0, :] = 0.0
    sim[:, norms == 0] = 0.0
    return np.clip(sim, -1.0, 1.0)


def repeated_words(tokens) -> list[tuple[str, tuple[int, ...]]]:
    """Words that occur more than once (ignoring case), with their positions, in order."""
    seen: dict[str, list[int]] = {}
    for i, t in enumerate(tokens):
        if any(ch.isalnum() for ch in t):
            seen.setdefault(t.lower(), []).append(i)
    return [(tokens[idx[0]], tuple(idx)) for idx in seen.values() if len(idx) > 1]


@dataclass(frozen=True)
class RepeatedWord:
    """Two occurrences of one word and how alike their vectors are before and after.

    ``word_cosine`` compares the word parts only (1 for the same word), ``input_cosine``
    the vectors entering attention (word plus position), ``output_cosine`` and
    ``output_distance`` what comes out; ``feature`` is the output column where the two
    differ most.
    """

    text: str
    first: int
    second: int
    word_cosine: float
    input_cosine: float
    output_cosine: float
    output_distance: float
    feature: int


@dataclass(frozen=True)
class ContextEffect:
    """How attention changed each token's vector."""

    shift: np.ndarray  # (n,) ||output_i - x_i||
    output_cosine: np.ndarray  # (n, n)
    input_cosine: np.ndarray  # (n, n)
    repeats: tuple[RepeatedWord, ...]  # longest words first


def context_effect(words: np.ndarray, x: np.ndarray, output: np.ndarray, tokens) -> ContextEffect:
    """Shift per token, cosine matrices of inputs and outputs, and each repeated word's pair.

    ``words`` is the word part of the input (without positions), ``x`` the whole input.
    """
    output = np.asarray(output, dtype=float)
    cin, cout = cosine_similarity_matrix(x), cosine_similarity_matrix(output)
    repeats = []
    for text, idx in repeated_words(tokens):
        a, b = idx[0], idx[1]
        cw = cosine_similarity_matrix(np.asarray(words, dtype=float)[[a, b]])[0, 1]
        diff = output[a] - output[b]
        repeats.append(
            RepeatedWord(
                text,
                a,
                b,
                word_cosine=float(cw),
                input_cosine=float(cin[a, b]),
                output_cosine=float(cout[a, b]),
                output_distance=float(np.linalg.norm(diff)),
                feature=int(np.argmax(np.abs(diff))),
            )
        )
    # Longer words first: "bank" is worth calling out before "the" and "to".
    repeats.sort(key=lambda r: (-len(r.text), r.first))
    return ContextEffect(output_shift(x, output), cout, cin, tuple(repeats))


@per_snapshot
def snapshot_context_effect(snapshot) -> ContextEffect:
    """:func:`context_effect` of a snapshot's input and output, computed once per snapshot."""
    emb = snapshot.embedded
    return context_effect(emb.words, emb.x, snapshot.result.output, snapshot.state.tokens)
