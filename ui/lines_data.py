"""Which weights of the Lines view get a line, and how each line looks.

Shared by the view (:mod:`ui.lines_view`), the kernel's arguments and Qt's drawing
(:mod:`ui.lines_qt`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QColor

# Okabe & Ito's palette, readable with the common colour-vision deficiencies; heads
# 9-16 reuse it with dashed lines. Yellow is darkened to show on white.
HEAD_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#B8A000")
MIN_WEIGHT = 0.01  # lighter lines are invisible anyway
# With more candidates, only the strongest are drawn. 16 tokens x 8 heads is 2048 lines,
# most of them the even share (1/16) of heads that look everywhere: a haze over the
# strong ones that took 15-25 ms of a 2-core laptop per edit. The strongest 1024 keep
# every line above an even share there, and the note under the view says so.
MAX_LINES = 1024
OFF_ALPHA = 0.35
FADED_ALPHA = 0.2
# The palette as (8, 3) red, green, blue in 0..1, for ui.line_raster.
HEAD_RGB = np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in HEAD_COLOURS])


def head_colour(head: int) -> QColor:
    return QColor(HEAD_COLOURS[head % len(HEAD_COLOURS)])


def line_width(weight: float) -> float:
    """Pixels: a hairline for a small weight, 8 px for weight 1."""
    return 0.5 + 7.5 * weight


def line_alpha(weight):
    """Opacity 0..255 (whole numbers) of a line of ``weight``, or of each of an array of weights."""
    return np.trunc(40 + 215 * np.asarray(weight)).astype(int)


@dataclass(frozen=True)
class Lines:
    """The lines to draw: parallel arrays, one entry per (head, query, key) above ``threshold``."""

    heads: np.ndarray
    queries: np.ndarray
    keys: np.ndarray
    weights: np.ndarray
    threshold: float
    capped: bool  # True when only the strongest MAX_LINES were kept


def select_lines(weights: np.ndarray, heads) -> Lines:
    """The (head, query, key) cells of ``weights`` (h, n, n) worth a line, for ``heads``."""
    heads = np.asarray(list(heads), dtype=int)
    sub = weights[heads]
    threshold, capped = MIN_WEIGHT, False
    candidates = int((sub >= MIN_WEIGHT).sum())
    if candidates > MAX_LINES:
        threshold = float(np.partition(sub.ravel(), -MAX_LINES)[-MAX_LINES])
        capped = True
    h, q, k = np.nonzero(sub >= threshold)
    w = sub[h, q, k]
    order = np.argsort(w, kind="stable")  # strongest drawn last, on top
    return Lines(heads[h][order], q[order], k[order], w[order], threshold, capped)
