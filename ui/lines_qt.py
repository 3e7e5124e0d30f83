"""The Lines view's lines drawn by Qt: for a vector drawing (SVG export), or while (or
where) :mod:`ui.line_raster`'s kernel is not compiled.

16 tokens x 8 heads is 2048 antialiased translucent lines; drawn by Qt one ``drawLine``
and one pen at a time they took 150-300 ms. Here they are drawn in bulk: the weights
are quantised to ``LEVELS`` widths and opacities (steps of 0.12 px and 3.4 alpha, below
what the eye tells apart) and each pen draws all of its lines with one ``drawLines``
call, about 150 calls instead of 8000. Those keep the weakest-first order (strong lines
on top) in windows of ``ORDER_WINDOW`` lines, head by head inside a window. (Grouping a
whole level by head instead let the last head's colour cover the others wherever lines
cross: visibly browner.)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QPainter, QPen

from ui.lines_data import FADED_ALPHA, HEAD_COLOURS, OFF_ALPHA, Lines, head_colour, line_alpha, line_width

LEVELS = 64  # widths and opacities a line can take (weights 0..1 rounded to 1/63)
ORDER_WINDOW = 128  # lines drawn as one stretch of the weakest-first order, a pen at a time
DIM_OFF, DIM_FADED = 1, 2  # bits of Batch.dim: the head is switched off; another query is selected


@dataclass(frozen=True)
class Batch:
    """Lines drawn with one pen in one call: their (query, key) pairs as ``query * n + key``."""

    head: int
    level: int  # 0 .. LEVELS - 1: the weight, rounded
    dim: int  # DIM_OFF and DIM_FADED bits
    segments: np.ndarray


def plan_batches(lines: Lines, show: np.ndarray, head_on, faded_except: int, n_tokens: int) -> list[Batch]:
    """The shown lines grouped by pen, in drawing order.

    ``show`` masks ``lines``; lines of heads with ``head_on`` 0 are dimmed, and with
    ``faded_except`` >= 0 so are the lines of every other query.
    """
    heads, queries, keys = lines.heads[show], lines.queries[show], lines.keys[show]
    if len(heads) == 0:
        return []
    level = np.rint(np.clip(lines.weights[show], 0.0, 1.0) * (LEVELS - 1)).astype(np.int64)
    on = np.ones(int(heads.max()) + 1, dtype=bool)
    mask = np.asarray(head_on, dtype=float).ravel()[: len(on)] != 0
    on[: len(mask)] = mask
    dim = np.where(on[heads], 0, DIM_OFF)
    if faded_except >= 0:
        dim = dim | np.where(queries == faded_except, 0, DIM_FADED)
    window = np.arange(len(heads)) // ORDER_WINDOW  # lines are weakest first: so are windows
    key = ((window * LEVELS + level) * len(on) + heads) * 4 + dim
    order = np.argsort(key, kind="stable")
    key, segments = key[order], (queries * n_tokens + keys)[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)]
    batches = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        rest, dim_ = divmod(int(key[start]), 4)
        rest, head = divmod(rest, len(on))
        batches.append(Batch(head, rest % LEVELS, dim_, segments[start:end]))
    return batches


@functools.lru_cache(maxsize=4096)
def batch_pen(head: int, level: int, dim: int, scale: float = 1.0) -> QPen:
    """The pen of a batch, ``scale`` times as wide (shared: callers only pass it to ``QPainter.setPen``)."""
    weight = level / (LEVELS - 1)
    off = OFF_ALPHA if dim & DIM_OFF else 1.0
    faded = FADED_ALPHA if dim & DIM_FADED else 1.0
    alpha = line_alpha(weight) * off * faded
    colour = head_colour(head)
    colour.setAlpha(int(alpha))
    pen = QPen(colour, line_width(weight) * scale)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if head >= len(HEAD_COLOURS):
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def draw_batches(
    p: QPainter,
    batches: list[Batch],
    segments: list[QLineF],
    keep: np.ndarray | None = None,
    scale: float = 1.0,
) -> int:
    """Draw ``batches`` (antialiased, ``scale`` times as wide) with ``segments[i]`` the line of
    pair ``i``; only pairs ``keep`` allows, if given. Returns the number of ``drawLines`` calls."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    calls = 0
    for batch in batches:
        ids = batch.segments if keep is None else batch.segments[keep[batch.segments]]
        if len(ids):
            p.setPen(batch_pen(batch.head, batch.level, batch.dim, scale))
            p.drawLines([segments[i] for i in ids.tolist()])
            calls += 1
    return calls
