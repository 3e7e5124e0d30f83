"""Antialiased translucent lines painted straight into an image, for the Lines view.

Qt's raster engine spends 25-50 us on each antialiased translucent line of a Lines
view (it blends pixel by pixel for thin lines): 16 tokens x 8 heads, 2048 lines, took
50-90 ms per paint even with one ``drawLines`` call per pen. This Numba kernel paints
the same lines about ten times faster, in exactly the weakest-first order.

Each line is a band of constant vertical thickness between two x positions; a pixel's
coverage is the exact area of the band inside it (per column, the band's edges are
straight, so the area has a closed form), times the line's opacity. Ends are cut
vertically (Qt's flat caps cut square to the line; the lines end 4 px inside the token
columns, where the difference is hidden under the fan of other lines).

The kernels compile on a thread of their own the first time they are asked for; until
then, or if compiling fails, :func:`paint` returns None and the caller draws with Qt.
"""

from __future__ import annotations

import math
import threading

import numpy as np

_lock = threading.Lock()
_kernels = None  # (raster, convert) once compiled
_failed = False  # compiling failed: callers draw with Qt from then on
_thread: threading.Thread | None = None


def _raster(img, x0, x1, ya, yb, half, dash, red, green, blue, alpha, row0):
    """Paint lines ``(x0, ya[i]) -> (x1, yb[i])`` over ``img`` (3, rows, cols), in order.

    ``half`` is half the width; ``dash`` the dash unit (0 for a solid line): on for 4
    units, off for 2, from the line's start. ``img`` holds the picture's rows ``row0``
    to ``row0 + rows``: a band of rows is painted with the same arithmetic, pixel for
    pixel, as the whole picture would be.
    """
    rows, cols = img.shape[1], img.shape[2]
    top_row = int(row0)
    end_row = top_row + rows
    span = x1 - x0
    if span <= 0:
        return
    c_first = max(int(math.floor(x0)), 0)
    c_last = min(int(math.ceil(x1)), cols)  # exclusive
    for i in range(ya.shape[0]):
        s = (yb[i] - ya[i]) / span
        hv = half[i] * math.sqrt(1.0 + s * s)  # the band's vertical half-thickness
        d = abs(s)
        ext = hv + d + 1.0  # how far a column's pixels can lie from the band's centre
        # Only the columns where the band meets the image's rows.
        c0, c1 = c_first, c_last
        if d > 1e-9:
            xa = x0 + (top_row - ext - ya[i]) / s
            xb = x0 + (end_row + ext - ya[i]) / s
            lo, hi = min(xa, xb), max(xa, xb)
            c0 = max(c0, int(math.floor(lo)))
            c1 = min(c1, int(math.ceil(hi)) + 1)
        elif ya[i] + ext < top_row or ya[i] - ext > end_row:
            continue
        r, g, b, a = red[i], green[i], blue[i], alpha[i]
        unit = dash[i]
        along = math.sqrt(1.0 + s * s)
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
            w = d * fx  # how far the edges move up or down across the column
            inv_w = 1.0 / w if w > 1e-6 else 0.0
            top = yc - hv - 0.5 * w
            bottom = yc + hv + 0.5 * w
            r0 = max(int(math.floor(top)), top_row)
            r1 = min(int(math.ceil(bottom)), end_row)
            fa = fx * a
            for row in range(r0, r1):
                # Area of the pixel below each edge, averaged over the column.
                cov = 0.0
                for sign in (1.0, -1.0):
                    m = yc + sign * hv - row
                    lo_ = m - 0.5 * w
                    hi_ = m + 0.5 * w
                    if hi_ <= 0.0:
                        area = 0.0
                    elif lo_ >= 1.0:
                        area = 1.0
                    elif w <= 1e-6:
                        area = min(max(m, 0.0), 1.0)
                    else:
                        g_lo = 0.0 if lo_ <= 0.0 else (0.5 * lo_ * lo_ if lo_ < 1.0 else lo_ - 0.5)
                        g_hi = 0.5 * hi_ * hi_ if hi_ < 1.0 else hi_ - 0.5
                        area = (g_hi - g_lo) * inv_w
                    cov += sign * area
                k = cov * fa
                if k > 0.0:
                    y = row - top_row
                    img[0, y, c] += (r - img[0, y, c]) * k
                    img[1, y, c] += (g - img[1, y, c]) * k
                    img[2, y, c] += (b - img[2, y, c]) * k


def _to_rgb32(img, out):
    """``img`` (3, rows, cols) of 0..1 into 0xffRRGGBB words."""
    for y in range(img.shape[1]):
        for x in range(img.shape[2]):
            red = int(img[0, y, x] * 255.0 + 0.5)
            green = int(img[1, y, x] * 255.0 + 0.5)
            blue = int(img[2, y, x] * 255.0 + 0.5)
            out[y, x] = np.uint32(0xFF000000 | (red << 16) | (green << 8) | blue)


def _compile() -> None:
    global _kernels, _failed
    try:
        from numba import njit

        from engine.config import CONFIG

        try:
            # nogil: the two halves of a tall picture are painted on two threads at once.
            raster = njit(cache=CONFIG.cache, fastmath=True, nogil=True)(_raster)
            convert = njit(cache=CONFIG.cache, nogil=True)(_to_rgb32)
        except RuntimeError:  # no cache locator (a frozen app without this file's source)
            raster, convert = njit(fastmath=True, nogil=True)(_raster), njit(nogil=True)(_to_rgb32)
        probe, one = np.ones((3, 2, 2)), np.ones(1)
        raster(probe, 0.0, 2.0, one, one, one, one * 0, one, one, one, one, 0.0)
        convert(probe, np.empty((2, 2), np.uint32))
        _kernels = (raster, convert)
    except Exception:  # noqa: BLE001 - whatever went wrong, Qt draws the lines instead
        _failed = True


def kernels(wait: bool = True):
    """The compiled ``(raster, convert)``, or None: compiling failed, or (``wait`` False) not done yet.

    The first call starts compiling on a thread of its own (about 1.5 s cold, 0.02-0.3 s
    from Numba's cache), so a window is not frozen meanwhile; ``wait`` joins it. The
    thread is not a daemon: the interpreter waits for it at exit rather than abandon it
    inside LLVM, which can abort the process.
    """
    global _thread
    with _lock:
        if _kernels is not None or _failed:
            return _kernels
        if _thread is None:
            _thread = threading.Thread(target=_compile, name="line-raster-compile")
            _thread.start()
        thread = _thread
    if wait:
        thread.join()
    return _kernels


def compiling() -> bool:
    """True while the kernels are being compiled."""
    thread = _thread
    return thread is not None and thread.is_alive()


def paint(
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
) -> np.ndarray | None:
    """The lines over white, as ``shape`` (rows, cols) 0xffRRGGBB words; None without the kernels
    (see :func:`kernels` for ``wait``).

    Coordinates are in the image's pixels; ``colours`` is (lines, 3) in 0..1, ``alphas``
    0..1, ``dashed`` True for a dashed line; lines are painted in their order.
    """
    compiled = kernels(wait)
    if compiled is None:
        return None
    raster, convert = compiled
    rows, cols = shape
    f = np.ascontiguousarray
    widths = np.asarray(widths, dtype=float)
    dash = np.where(dashed, np.maximum(widths, 1.0), 0.0)
    colours = np.asarray(colours, dtype=float).reshape(-1, 3)
    lines = (
        float(x0),
        float(x1),
        f(ya, dtype=float),
        f(yb, dtype=float),
        f(widths / 2),
        f(dash),
        f(colours[:, 0]),
        f(colours[:, 1]),
        f(colours[:, 2]),
        f(alphas, dtype=float),
    )
    out = np.empty((rows, cols), np.uint32)

    def band(start: int, stop: int) -> None:
        img = np.ones((3, stop - start, cols))
        raster(img, *lines, float(start))
        convert(img, out[start:stop])

    pool = _helper() if rows * cols >= SPLIT_MIN_PIXELS else None
    if pool is None:
        band(0, rows)
    else:
        _in_bands(pool, band, rows)
    return out


# Pictures at least this big are painted in bands on two threads at once (a view in a
# small dock is quicker on one thread than handing work to another).
SPLIT_MIN_PIXELS = 40_000
BANDS = 4
_pool = None


def _in_bands(pool, band, rows: int) -> None:
    """Call ``band(start, stop)`` for BANDS bands of ``rows``, here and on the helper thread.

    A raised Lines view is ~30 ms of arithmetic on one core; the kernels release the
    GIL, so the other core can take bands. Whichever thread is free takes the next band,
    and this thread waits only for bands the helper has started: if the helper is slow
    to wake (the other core busy), this thread paints them all rather than stall.
    """
    bounds = [rows * b // BANDS for b in range(BANDS + 1)]
    state = {"next": 0, "running": 0}
    errors: list[BaseException] = []
    changed = threading.Condition()

    def work() -> None:
        while True:
            with changed:
                i = state["next"]
                if i >= BANDS or errors:
                    return
                state["next"] = i + 1
                state["running"] += 1
            try:
                band(bounds[i], bounds[i + 1])
            except BaseException as exc:  # noqa: BLE001 - re-raised on the painting thread
                errors.append(exc)
            finally:
                with changed:
                    state["running"] -= 1
                    changed.notify_all()

    pool.submit(work)
    work()
    with changed:
        while state["running"]:
            changed.wait()
    if errors:
        raise errors[0]


def _helper():
    """The thread painting lower halves, or None with one engine thread (``--threads 1``)."""
    global _pool
    from engine.config import threads_in_use

    if threads_in_use() < 2:
        return None
    with _lock:
        if _pool is None:
            from concurrent.futures import ThreadPoolExecutor

            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="line-raster")
        return _pool
