"""Antialiased translucent lines painted straight into an image, for the Lines view.

Qt's raster engine spends 25-50 us on each antialiased translucent line of a Lines
view (it blends pixel by pixel for thin lines): 16 tokens x 8 heads, 2048 lines, took
50-90 ms per paint even with one ``drawLines`` call per pen. This Numba kernel paints
the same lines about ten times faster, in exactly the weakest-first order.

Each line is a band of constant vertical thickness between two x positions; a pixel's
coverage is the area of the band inside it (per column, the band's edges are straight,
so the area has a closed form, tabulated per line), times the line's opacity. Ends are
cut vertically (Qt's flat caps cut square to the line; the lines end 4 px inside the
token columns, where the difference is hidden under the fan of other lines).

The kernels compile on a thread of their own the first time they are asked for; until
then, or if compiling fails, :func:`paint` returns None and the caller draws with Qt.
"""

from __future__ import annotations

import math
import threading
from typing import NamedTuple

import numpy as np

_lock = threading.Lock()
_kernel = None  # _paint_bands, once compiled
_failed = False  # compiling failed: callers draw with Qt from then on
_thread: threading.Thread | None = None


STEPS = 32  # coverage samples per pixel of distance; interpolated between, within 1/255 of exact
# Picture.state: [0] 1 once dropped; [1 + b] band b: FREE, TAKEN (being painted), or painted by
# the helper (BY_HELPER) or the painting thread (BY_PAINTER).
FREE, TAKEN, BY_HELPER, BY_PAINTER = 0, 1, 2, 3


def _coverage_tables(x0, x1, ya, yb, half, alpha, reach, tables):
    """Per line: how far its pixels reach from the centre line (``reach``), and their coverage.

    A line is the same band in every column, shifted by its slope, so how much of a pixel
    row it covers depends only on how far the row lies from the centre line. ``tables[i, j]``
    is that coverage, times the opacity, for a row whose top is u = j / STEPS - reach[i] px
    above the centre line (at the column's middle): exact at these points, interpolated
    between by :func:`_paint_bands` (computing it exactly per pixel was 30% of the time at
    16 tokens x 8 heads). It is the area of the pixel between the band's two edges, averaged
    over the column, across which each edge moves by w px: with G the integral of
    clamp(t, 0, 1), (G(m + w/2) - G(m - w/2)) / w is the part of a pixel above an edge m px
    below its top. Columns cut short at the line's ends scale it by the part they span.
    """
    span = x1 - x0
    for i in range(ya.shape[0]):
        s = (yb[i] - ya[i]) / span if span > 0 else 0.0
        hv = half[i] * math.sqrt(1.0 + s * s)  # the band's vertical half-thickness
        w = max(abs(s), 1e-4)
        reach[i] = hv + 0.5 * w  # rows farther than this from the centre line are untouched
        size = min(int(math.ceil((2.0 * reach[i] + 1.0) * STEPS)) + 2, tables.shape[1])
        for j in range(size):
            u = j / STEPS - reach[i]
            cov = 0.0
            for sign in (1.0, -1.0):
                m = u + sign * hv
                t_hi = m + 0.5 * w
                t_lo = m - 0.5 * w
                clip_hi = min(max(t_hi, 0.0), 1.0)
                clip_lo = min(max(t_lo, 0.0), 1.0)
                g_hi = 0.5 * clip_hi * clip_hi + max(t_hi - 1.0, 0.0)
                g_lo = 0.5 * clip_lo * clip_lo + max(t_lo - 1.0, 0.0)
                cov += sign * (g_hi - g_lo)
            tables[i, j] = max(cov / w, 0.0) * alpha[i]


def _raster(img, x0, x1, ya, yb, dash, red, green, blue, reach, tables, row0):
    """Paint lines ``(x0, ya[i]) -> (x1, yb[i])`` over ``img`` (rows, cols, 3), in order.

    ``reach`` and ``tables`` are :func:`_coverage_tables`'; ``dash`` is the dash unit (0
    for a solid line): on for 4 units, off for 2, from the line's start. ``img`` holds the
    picture's rows ``row0`` to ``row0 + rows``: a band of rows is painted with the same
    arithmetic, pixel for pixel, as the whole picture would be.
    """
    rows, cols = img.shape[0], img.shape[1]
    top_row = int(row0)
    end_row = top_row + rows
    span = x1 - x0
    if span <= 0:
        return
    c_first = max(int(math.floor(x0)), 0)
    c_last = min(int(math.ceil(x1)), cols)  # exclusive
    for i in range(ya.shape[0]):
        s = (yb[i] - ya[i]) / span
        along = math.sqrt(1.0 + s * s)
        ext = reach[i] + 1.0  # how far a column's pixels can lie from the band's centre
        # Only the columns where the band meets the image's rows.
        c0, c1 = c_first, c_last
        if abs(s) > 1e-9:
            xa = x0 + (top_row - ext - ya[i]) / s
            xb = x0 + (end_row + ext - ya[i]) / s
            lo, hi = min(xa, xb), max(xa, xb)
            c0 = max(c0, int(math.floor(lo)))
            c1 = min(c1, int(math.ceil(hi)) + 1)
        elif ya[i] + ext < top_row or ya[i] - ext > end_row:
            continue
        r, g, b = red[i], green[i], blue[i]
        unit = dash[i]
        near = reach[i]
        for c in range(c0, c1):
            left = max(float(c), x0)
            right = min(c + 1.0, x1)
            fx = right - left  # the part of the column the line spans
            if fx <= 0.0:
                continue
            xm = 0.5 * (left + right)
            if unit > 0.0 and (xm - x0) * along % (6.0 * unit) >= 4.0 * unit:
                continue
            yc = ya[i] + s * (xm - x0)
            r0 = max(int(math.floor(yc - near)), top_row)
            r1 = min(int(math.ceil(yc + near)), end_row)
            shifted = (yc + near) * STEPS
            for row in range(r0, r1):
                t = shifted - row * STEPS  # (u + reach) * STEPS: 0 .. the table's length - 2
                j = int(t)
                k = (tables[i, j] + (t - j) * (tables[i, j + 1] - tables[i, j])) * fx
                y = row - top_row
                img[y, c, 0] += (r - img[y, c, 0]) * k
                img[y, c, 1] += (g - img[y, c, 1]) * k
                img[y, c, 2] += (b - img[y, c, 2]) * k


def _paint_bands(out, x0, x1, ya, yb, half, dash, red, green, blue, alpha, tables, bounds, state, helper):
    """Paint the bands of rows of ``out`` (0xffRRGGBB words) no other thread has taken.

    The helper thread takes bands from the top, the painting thread from the bottom, so
    they meet once; each call is one stretch without the GIL (between two Python calls a
    thread waits for the GIL up to Python's switch interval, 5 ms, while the other thread
    runs Python). Taking a band is not atomic: both threads may paint one band, with the
    same arithmetic, so the same pixels. Each thread brings its own ``tables``.
    """
    n_bands = bounds.shape[0] - 1
    band = 0 if helper else n_bands - 1
    step = 1 if helper else -1
    tables_filled = False
    reach = np.empty(ya.shape[0])
    cols = out.shape[1]
    while 0 <= band < n_bands and state[0] == 0:
        if state[1 + band] == FREE:
            state[1 + band] = TAKEN
            if not tables_filled:
                _coverage_tables(x0, x1, ya, yb, half, alpha, reach, tables)
                tables_filled = True
            top, bottom = bounds[band], bounds[band + 1]
            img = np.ones((bottom - top, cols, 3))
            _raster(img, x0, x1, ya, yb, dash, red, green, blue, reach, tables, top)
            for y in range(bottom - top):
                for x in range(cols):
                    r = int(img[y, x, 0] * 255.0 + 0.5)
                    g = int(img[y, x, 1] * 255.0 + 0.5)
                    b = int(img[y, x, 2] * 255.0 + 0.5)
                    out[top + y, x] = np.uint32(0xFF000000 | (r << 16) | (g << 8) | b)
            state[1 + band] = BY_HELPER if helper else BY_PAINTER
        band += step


_PLAIN = {kernel.__name__: kernel for kernel in (_coverage_tables, _raster, _paint_bands)}


def _jit(**flags):
    """Compile the kernels; the module's names become the compiled ones, which is how
    :func:`_paint_bands` finds them (Numba resolves a kernel's globals as it compiles it)."""
    from numba import njit

    # nogil: the bands of a picture are painted on two threads at once.
    for name in ("_coverage_tables", "_raster"):
        globals()[name] = njit(nogil=True, **flags)(_PLAIN[name])
    return njit(nogil=True, **flags)(_PLAIN["_paint_bands"])


def _compile() -> None:
    global _kernel, _failed
    try:
        from engine.config import CONFIG

        try:
            kernel = _jit(cache=CONFIG.cache, fastmath=True)
        except RuntimeError:  # no cache locator (a frozen app without this file's source)
            kernel = _jit(fastmath=True)
        one = np.ones(1)
        tables, bounds, state = np.zeros((1, 4 * STEPS)), np.array([0, 2]), np.zeros(2, np.int64)
        lines = (0.0, 2.0, one, one, one, one * 0, one, one, one, one)
        kernel(np.empty((2, 2), np.uint32), *lines, tables, bounds, state, True)
        _kernel = kernel
    except Exception:  # noqa: BLE001 - whatever went wrong, Qt draws the lines instead
        _failed = True


def kernels(wait: bool = True):
    """The compiled :func:`_paint_bands`, or None: compiling failed, or (``wait`` False) not done yet.

    The first call starts compiling on a thread of its own (about 1.5 s cold, 0.02-0.3 s
    from Numba's cache), so a window is not frozen meanwhile; ``wait`` joins it. The
    thread is not a daemon: the interpreter waits for it at exit rather than abandon it
    inside LLVM, which can abort the process.
    """
    global _thread
    with _lock:
        if _kernel is not None or _failed:
            return _kernel
        if _thread is None:
            _thread = threading.Thread(target=_compile, name="line-raster-compile")
            _thread.start()
        thread = _thread
    if wait:
        thread.join()
    return _kernel


def compiling() -> bool:
    """True while the kernels are being compiled."""
    thread = _thread
    return thread is not None and thread.is_alive()


def paint(*lines, **named) -> np.ndarray | None:
    """:func:`start` (same arguments) and finish at once: the picture, or None without the kernels."""
    picture = start(*lines, **named)
    return None if picture is None else picture.words()


def start(
    shape: tuple[int, int],
    x0: float,
    x1: float,
    ya: np.ndarray,
    yb: np.ndarray,
    widths: np.ndarray,
    dashed: np.ndarray,
    colours: np.ndarray,
    alphas: np.ndarray,
    wait: bool = True,
) -> Picture | None:
    """Begin painting the lines over white, as ``shape`` (rows, cols) 0xffRRGGBB words;
    :meth:`Picture.words` finishes it. None without the kernels (see :func:`kernels` for
    ``wait``).

    Coordinates are in the image's pixels; ``colours`` is (lines, 3) in 0..1, ``alphas``
    0..1, ``dashed`` True for a dashed line; lines are painted in their order.

    A big picture (see SPLIT_MIN_PIXELS) goes to the helper thread at once, so a caller
    with other work before it needs the picture (the window's other views) gets it
    painted meanwhile.
    """
    kernel = kernels(wait)
    if kernel is None:
        return None
    rows, cols = shape
    f = np.ascontiguousarray
    ya, yb = np.asarray(ya, dtype=float), np.asarray(yb, dtype=float)
    widths = np.asarray(widths, dtype=float)
    dashed, alphas = np.asarray(dashed), np.asarray(alphas, dtype=float)
    colours = np.asarray(colours, dtype=float).reshape(-1, 3)
    # Lines that cannot reach the picture's rows are left out: a strip of a tall canvas
    # scrolled into view (64 tokens, or a small dock) meets a few of them. (Farther than
    # the kernel's reach, with room to spare; their pixels would all be untouched.)
    slope = np.abs(yb - ya) / (x1 - x0) if x1 > x0 else np.zeros(len(ya))
    # How far a line's pixels reach from its centre line: _coverage_tables' ``reach``.
    reach = widths / 2 * np.sqrt(1.0 + slope * slope) + 0.5 * np.maximum(slope, 1e-4)
    margin = reach + slope + 2.0
    near = (np.minimum(ya, yb) - margin < rows) & (np.maximum(ya, yb) + margin > 0)
    if not near.all():
        ya, yb, widths, dashed, colours, alphas, reach = (
            a[near] for a in (ya, yb, widths, dashed, colours, alphas, reach)
        )
    # Coverage samples the widest line needs (see _coverage_tables), with room to interpolate.
    table_width = int(math.ceil((2.0 * float(reach.max(initial=0.0)) + 1.0) * STEPS)) + 3
    dash = np.where(dashed, np.maximum(widths, 1.0), 0.0)
    lines = Lines(
        float(x0),
        float(x1),
        f(ya),
        f(yb),
        f(widths / 2),
        f(dash),
        f(colours[:, 0]),
        f(colours[:, 1]),
        f(colours[:, 2]),
        f(alphas),
    )
    big = rows * cols >= SPLIT_MIN_PIXELS
    pool = _helper() if big else None
    picture = Picture(kernel, lines, rows, cols, BANDS if big else 1, table_width)
    if pool is not None:
        picture.hand_to(pool)
    return picture


# Pictures at least this big are painted in bands on two threads at once (a view in a
# small dock is quicker on one thread than handing work to another). More bands than
# threads: a band where many lines cross takes longer, and the free thread takes the next.
SPLIT_MIN_PIXELS = 40_000
BANDS = 8
_pool = None


class Lines(NamedTuple):
    """The lines of a picture, in the image's pixels, as the kernels take them."""

    x0: float
    x1: float
    ya: np.ndarray
    yb: np.ndarray
    half: np.ndarray  # half the width
    dash: np.ndarray  # the dash unit, 0 for a solid line
    red: np.ndarray
    green: np.ndarray
    blue: np.ndarray
    alpha: np.ndarray


class Picture:
    """A picture being painted in bands of rows, by whichever thread is free.

    A raised Lines view is 10-20 ms of arithmetic on one core; the kernel releases the
    GIL, so the helper thread paints bands on the other core while the window's thread
    does other work, and :meth:`words` paints those left and waits for the helper's
    last. If the helper is slow to wake (the other core busy), the window's thread
    paints them all rather than stall.
    """

    def __init__(self, kernel, lines: Lines, rows: int, cols: int, bands: int, table_width: int):
        self._kernel = kernel
        self._lines = lines
        self._out = np.empty((rows, cols), np.uint32)
        self._bounds = np.array([rows * b // bands for b in range(bands + 1)], np.int64)
        self._state = np.zeros(bands + 1, np.int64)  # see FREE .. BY_PAINTER
        self._width = table_width  # of each thread's coverage tables
        self._helper = None  # the helper's Future
        self._dropped = False

    def _paint(self, helper: bool) -> None:
        tables = np.zeros((len(self._lines.ya), self._width))
        self._kernel(self._out, *self._lines, tables, self._bounds, self._state, helper)

    def hand_to(self, pool) -> None:
        """Let ``pool``'s thread paint bands from now on."""
        self._helper = pool.submit(self._paint, True)

    def drop(self) -> None:
        """Not needed any more: bands not started yet are left unpainted (no :meth:`words` then)."""
        self._state[0] = 1
        self._dropped = True

    def words(self) -> np.ndarray:
        """The finished picture, (rows, cols) 0xffRRGGBB; the helper's error, if any, is raised here."""
        if self._dropped:
            raise RuntimeError("a dropped picture is unfinished")
        self._paint(False)
        if self._helper is not None and (self._state[1:] != BY_PAINTER).any():
            # The helper took a band: wait until it is out of the kernel, which also makes
            # its pixels visible to this thread.
            self._helper.result()
        return self._out


def _helper():
    """The thread taking bands, or None with one engine thread (``--threads 1``)."""
    global _pool
    from engine.config import threads_in_use

    if threads_in_use() < 2:
        return None
    with _lock:
        if _pool is None:
            from concurrent.futures import ThreadPoolExecutor

            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="line-raster")
        return _pool
