"""The Lines view's kernel (ui/line_raster.py): what it paints against Qt, dashes, bands on
two threads, pictures started early, strips of a tall picture."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from ui import line_raster
from ui.lines_data import line_alpha, line_width


def _pixels(image: QImage) -> np.ndarray:
    """(rows, cols, 3) red, green, blue of ``image``."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    words = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    words = words[:, : image.width()]
    return np.stack([(words >> 16) & 255, (words >> 8) & 255, words & 255], axis=-1).astype(int)


def _qt_lines(shape, x0, x1, ya, yb, widths, colours, alphas) -> np.ndarray:
    """The reference: each line drawn by Qt with its own pen, as the view once did."""
    image = QImage(shape[1], shape[0], QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for i in range(len(ya)):
        colour = QColor.fromRgbF(*colours[i])
        colour.setAlpha(round(alphas[i] * 255))
        pen = QPen(colour, widths[i])
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        p.drawLine(QLineF(x0, ya[i], x1, yb[i]))
    p.end()
    return _pixels(image)


def test_the_line_kernel_paints_what_qt_paints(qapp):
    """Random lines, steep and flat, thin and wide: within a few levels of Qt's own drawing."""
    rng = np.random.default_rng(1)
    count, shape = 300, (220, 300)
    ya, yb = rng.uniform(-20, 240, count), rng.uniform(-20, 240, count)
    weights = np.sort(rng.uniform(0.01, 1.0, count))
    widths, alphas = line_width(weights), np.array([line_alpha(w) for w in weights]) / 255
    colours = rng.uniform(0, 1, (count, 3))
    words = line_raster.paint(shape, 30.0, 270.0, ya, yb, widths, np.zeros(count, bool), colours, alphas)
    assert words is not None, "the kernel did not compile"
    mine = np.stack([(words >> 16) & 255, (words >> 8) & 255, words & 255], axis=-1).astype(int)
    diff = np.abs(mine - _qt_lines(shape, 30.0, 270.0, ya, yb, widths, colours, alphas))
    assert diff.mean() < 1.5
    assert np.percentile(diff, 99) <= 20
    assert mine.min() < 100  # not a blank picture that merely matches white


def test_dashed_lines_have_gaps(qapp):
    """Heads 9-16 are dashed: along a dashed line, some columns stay white."""
    line = [np.array([10.0]), np.array([10.0]), np.array([2.0])]
    args = dict(colours=np.zeros((1, 3)), alphas=np.ones(1))
    solid = line_raster.paint((20, 100), 0.0, 100.0, *line, np.zeros(1, bool), **args)[10]
    dashed = line_raster.paint((20, 100), 0.0, 100.0, *line, np.ones(1, bool), **args)[10]
    assert ((solid & 0xFF) < 50).all()
    assert ((dashed & 0xFF) == 255).sum() >= 25  # a third of each 6-unit period is a gap


def test_a_tall_picture_painted_in_bands_is_the_same_picture(monkeypatch):
    """Bands go to another thread; every pixel must be what one pass paints."""
    rng = np.random.default_rng(3)
    for rows, cols, count in ((450, 400, 2048), (7, 900, 100)):
        ya, yb = rng.uniform(-20, rows + 20, count), rng.uniform(-20, rows + 20, count)
        args = (ya, yb, rng.uniform(0.3, 6, count), rng.random(count) < 0.2, rng.random((count, 3)))
        alphas = rng.uniform(0.05, 1, count)
        monkeypatch.setattr(line_raster, "SPLIT_MIN_PIXELS", 10**12)
        whole = line_raster.paint((rows, cols), 12.3, cols - 9.7, *args, alphas)
        monkeypatch.setattr(line_raster, "SPLIT_MIN_PIXELS", 1)
        bands = line_raster.paint((rows, cols), 12.3, cols - 9.7, *args, alphas)
        assert line_raster._pool is not None  # a helper thread was asked to take bands
        np.testing.assert_array_equal(bands, whole)
        assert len(np.unique(whole)) > 50  # lines were painted, not two blank pictures


def test_a_band_that_fails_raises_on_the_painting_thread():
    """The helper took a band and failed: words() raises its error instead of returning
    a picture with a band missing."""
    from concurrent.futures import ThreadPoolExecutor

    def kernel(out, *args):
        state, helper = args[-2], args[-1]
        if helper:
            state[1] = line_raster.TAKEN
            raise RuntimeError("band failed")
        state[2:] = line_raster.BY_PAINTER

    one = np.ones(1)
    lines = line_raster.Lines(0.0, 10.0, one, one, one, one * 0, one, one, one, one)
    picture = line_raster.Picture(kernel, lines, 100, 10, 4, table_width=4 * line_raster.STEPS)
    with ThreadPoolExecutor(max_workers=1) as pool:
        picture.hand_to(pool)
        with pytest.raises(RuntimeError, match="band failed"):
            picture.words()


def test_a_picture_started_early_is_the_picture_painted_late(monkeypatch):
    """start() hands a big picture to the helper at once; words() is what paint() returns."""
    rng = np.random.default_rng(5)
    rows, cols, count = 240, 200, 300
    assert rows * cols >= line_raster.SPLIT_MIN_PIXELS
    args = (rng.uniform(0, rows, count), rng.uniform(0, rows, count), rng.uniform(0.3, 6, count))
    rest = (rng.random(count) < 0.2, rng.random((count, 3)), rng.uniform(0.05, 1, count))
    early = line_raster.start((rows, cols), 5.0, cols - 5.0, *args, *rest)
    assert early is not None and early._helper is not None
    late = line_raster.paint((rows, cols), 5.0, cols - 5.0, *args, *rest)
    np.testing.assert_array_equal(early.words(), late)
    dropped = line_raster.start((rows, cols), 5.0, cols - 5.0, *args, *rest)
    dropped.drop()
    with pytest.raises(RuntimeError, match="dropped"):
        dropped.words()


def test_a_strip_of_a_picture_is_the_same_rows_of_the_whole(monkeypatch):
    """Painting only rows 120-160 (lines that cannot reach them are left out) gives those
    rows of the whole picture, pixel for pixel."""
    rng = np.random.default_rng(11)
    rows, cols, count = 400, 300, 1500
    ya, yb = rng.uniform(0, rows, count), rng.uniform(0, rows, count)
    rest = (
        rng.uniform(0.3, 8, count),
        rng.random(count) < 0.2,
        rng.random((count, 3)),
        rng.uniform(0.05, 1, count),
    )
    monkeypatch.setattr(line_raster, "SPLIT_MIN_PIXELS", 10**12)  # one band each: the same arithmetic
    whole = line_raster.paint((rows, cols), 7.5, cols - 7.5, ya, yb, *rest)
    seen = []
    real_lines = line_raster.Lines
    monkeypatch.setattr(line_raster, "Lines", lambda *a: seen.append(len(a[2])) or real_lines(*a))
    strip = line_raster.paint((40, cols), 7.5, cols - 7.5, ya - 120, yb - 120, *rest)
    assert seen[0] < count  # lines far from the strip were left out
    np.testing.assert_array_equal(strip, whole[120:160])
