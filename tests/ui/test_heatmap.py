"""The central heatmap: colour bar, colour maps, hover numbers, masked cells, selected row."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from ui.heatmap import COLOUR_MAPS, AttentionHeatmap, colour_map
from ui.token_axis import TokenAxis


@pytest.fixture
def heatmap(qtbot):
    hm = AttentionHeatmap()
    qtbot.addWidget(hm)
    hm.resize(700, 600)
    hm.show()
    return hm


def _set(hm, masked=None):
    w = np.array([[1.0, 0.0, 0.0], [0.25, 0.75, 0.0], [0.2, 0.3, 0.5]])
    scores = np.arange(9.0).reshape(3, 3)
    logits = scores / 2
    if masked is not None:
        logits = np.where(masked, -np.inf, logits)
    hm.set_matrix(w, ("a", "b", "c"), ("a", "b", "c"), masked=masked, scores=scores, logits=logits)
    return w


def test_colour_bar_spans_zero_to_the_largest_weight(heatmap):
    """The colour bar reads colours back as weights from 0 to the brightest cell."""
    _set(heatmap)
    assert heatmap.colour_bar.levels() == (0.0, 1.0)
    heatmap.set_matrix(np.full((2, 2), 0.5), "xy", "xy")
    assert heatmap.colour_bar.levels() == (0.0, 0.5)


def test_every_offered_colour_map_exists_and_recolours(heatmap):
    """Each colour map in the combo can be applied; viridis is the default."""
    _set(heatmap)
    assert heatmap.colormap_name == "viridis"
    for name in COLOUR_MAPS:
        heatmap.set_colormap(name)
        assert heatmap.colormap_name == name
        assert colour_map(name).map(1.0) is not None
    with pytest.raises(ValueError):
        colour_map("rainbow")


def test_hover_text_names_tokens_score_logit_and_weight(heatmap):
    """Hovering a cell tells its query, key, raw score, scaled logit and weight."""
    _set(heatmap)
    text = heatmap.cell_description(1, 0)
    assert "Query 'b'" in text and "key 'a'" in text
    assert "raw score q\u00b7k = 3.00" in text
    assert "scaled logit = 1.50" in text
    assert "weight = 0.25" in text


def test_masked_cells_say_masked_not_zero(heatmap):
    """A masked cell's hover says masked and its cell shows a dash, never 0.00."""
    masked = np.triu(np.ones((3, 3), bool), k=1)
    _set(heatmap, masked)
    assert "masked" in heatmap.cell_description(0, 2)
    assert "weight = " not in heatmap.cell_description(0, 2)
    assert heatmap.cell_texts()[2] == "\u2013"
    assert not heatmap._hatch.path().isEmpty()


def test_selected_row_is_outlined(heatmap):
    """set_selected_row draws an outline around that whole row; -1 removes it."""
    _set(heatmap)
    heatmap.set_selected_row(1)
    rect = heatmap._row_outline.rect()
    assert heatmap._row_outline.isVisible()
    assert (rect.top(), rect.height(), rect.width()) == (1.0, 1.0, 3.0)
    heatmap.set_selected_row(-1)
    assert not heatmap._row_outline.isVisible()


def test_crowded_key_labels_turn_and_thin_out(qtbot):
    """64 keys in a small heatmap: top labels read upwards, rows show every n-th name."""
    hm = AttentionHeatmap()
    qtbot.addWidget(hm)
    hm.resize(500, 400)
    hm.show()
    tokens = [f"token{i}" for i in range(64)]
    hm.set_matrix(np.full((64, 64), 1 / 64), tokens, tokens)
    qtbot.wait(10)
    top, left = hm._plot.getAxis("top"), hm._plot.getAxis("left")
    assert isinstance(top, TokenAxis) and top.rotated
    assert left.step > 1
    assert left.drawn_labels() == tokens[:: left.step]
    assert hm.cell_texts() == []  # 64 tokens: no numbers in the cells


def test_cell_numbers_only_where_they_fit():
    """Cell numbers shrink to fit a small cell and vanish when even 8 pt does not fit."""
    from ui.cell_texts import CellTexts

    texts = CellTexts(point_size=12)
    assert texts.fitting_font(80, 40).pointSize() == 12
    small = texts.fitting_font(30, 14)
    assert small is not None and 8 <= small.pointSize() < 12
    assert texts.fitting_font(10, 6) is None


def _pixels(image):
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine()).copy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["viridis", "magma", "grey"])
def test_colour_image_has_pyqtgraphs_colours_in_a_faster_format(qapp, dtype, name):
    """The heatmaps' image item gives every cell the colour pyqtgraph's own would, in ARGB32."""
    import pyqtgraph as pg
    from PySide6.QtGui import QImage

    from ui.heatmap import ColourImage

    rng = np.random.default_rng(7)
    data = (rng.random((13, 9)) * 1.4 - 0.2).astype(dtype)  # some below and above the levels
    for levels in ((0.0, 1.0), (0.1, 0.35), (0.5, 0.5)):
        theirs, ours = pg.ImageItem(axisOrder="row-major"), ColourImage(axisOrder="row-major")
        for item in (theirs, ours):
            item.setColorMap(colour_map(name))
            item.setImage(data, levels=levels)
            item.render()
        assert ours.qimage.format() == QImage.Format.Format_ARGB32  # not indexed: no conversion per paint
        np.testing.assert_array_equal(_pixels(ours.qimage), _pixels(theirs.qimage))
    with_nan = data.astype(float)
    with_nan[2, 3] = np.nan  # pyqtgraph's own path (transparent cell), then kept as it made it
    ours = ColourImage(axisOrder="row-major")
    ours.setColorMap(colour_map(name))
    ours.setImage(with_nan, levels=(0.0, 1.0))
    ours.render()
    assert ours.qimage is not None and ours.qimage.pixelColor(3, 2).alpha() == 0


def test_cell_numbers_are_drawn_where_draw_text_centres_them(qapp):
    """Numbers painted from cached layouts land on the same pixels as QPainter.drawText(rect)."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QTransform
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

    from ui.cell_texts import DARK, LIGHT, CellTexts

    texts = [f"{v:.2f}" for v in np.linspace(0, 1, 30)] + ["\u2013", "-.05", "12"]
    dark = [i % 3 != 0 for i in range(len(texts))]
    shape = (3, 11)
    scales = ((41.3, 23.7), (52.0, 30.0), (33.5, 16.2))  # the last: numbers wider than a cell
    transforms = [QTransform().translate(17.4, 9.6).scale(*scale) for scale in scales]
    transforms.append(QTransform().translate(580.2, 3.1).rotate(90).scale(41.3, 47.9))  # turned: cell by cell
    for transform in transforms:
        cell = transform.mapRect(QRectF(0, 0, 1, 1))
        scale = (cell.width(), cell.height())
        for big in (False, True):
            item = CellTexts(point_size=13, min_cell=(1, 1) if big else None)
            item.set_cells(texts, dark, shape)
            ours = QImage(600, 140, QImage.Format.Format_ARGB32_Premultiplied)
            ours.fill(QColor("white"))
            painter = QPainter(ours)
            painter.setTransform(transform)
            item.paint(painter, QStyleOptionGraphicsItem())
            painter.end()
            font = item.fitting_font(scale[0], scale[1])
            if font is None:
                continue
            reference = QImage(ours.size(), ours.format())
            reference.fill(QColor("white"))
            painter = QPainter(reference)
            painter.setFont(font)
            for idx, text in enumerate(texts):
                r, c = divmod(idx, shape[1])
                painter.setPen(DARK if dark[idx] else LIGHT)
                cell = transform.mapRect(QRectF(c, r, 1, 1))
                painter.drawText(cell, int(Qt.AlignmentFlag.AlignCenter), text)
            painter.end()
            assert (_pixels(ours) != 255).any()
            np.testing.assert_array_equal(_pixels(ours), _pixels(reference))


def _specs(specs):
    """Draw specs as plain numbers and strings, to compare two axes' output exactly."""
    axis, ticks, texts = specs
    return (
        (axis[0].color().name(), axis[1].x(), axis[1].y(), axis[2].x(), axis[2].y()),
        [(pen.color().name(), pen.color().alpha(), a.x(), a.y(), b.x(), b.y()) for pen, a, b in ticks],
        [(r.x(), r.y(), r.width(), r.height(), int(flags), text) for r, flags, text in texts],
    )


def test_quick_number_axes_draw_what_pyqtgraph_draws(heatmap):
    """The colour bar's and an unnamed token axis's faster redraws give pyqtgraph's ticks and labels."""
    import pyqtgraph as pg
    from PySide6.QtGui import QImage, QPainter

    heatmap.set_matrix(np.full((4, 4), 0.3), "abcd", "abcd")
    unnamed = []  # no names: numbers, as the Context view's bars have
    for side, size in (("left", (60, 333)), ("top", (333, 50)), ("bottom", (280, 45))):
        axis = TokenAxis(side, 11)
        axis.setParentItem(heatmap.colour_bar)
        axis.resize(*size)
        unnamed.append(axis)
    rng = np.random.default_rng(3)
    ranges = [(0.0, 0.4 + 1e-4 * i) for i in range(30)]  # a top weight moving a little per edit
    lows, spans = rng.random(40) - 0.5, rng.random(40) * 3 + 1e-3
    ranges += [(float(lo), float(lo + span)) for lo, span in zip(lows, spans, strict=True)]
    image = QImage(200, 700, QImage.Format.Format_ARGB32_Premultiplied)
    written = 0
    for axis in (heatmap.colour_bar.axis, *unnamed):
        for low, high in ranges:
            axis.setRange(low, high)
            painter = QPainter(image)
            painter.setFont(axis.style["tickFont"] or painter.font())
            # Measuring labels may widen the axis (pyqtgraph's side effect): settle it first.
            pg.AxisItem.generateDrawSpecs(axis, painter)
            quick = axis.generateDrawSpecs(painter)
            reference = pg.AxisItem.generateDrawSpecs(axis, painter)
            painter.end()
            assert quick is not None and quick[1]  # some ticks are drawn
            written += bool(quick[2])
            assert _specs(quick) == _specs(reference)
    assert written >= len(ranges) // 2  # and labels written (the bar's small ranges all have them)


def test_a_renamed_token_keeps_the_axis_ticks_and_shows_the_new_name(heatmap, monkeypatch):
    """Names are drawn from laid-out texts; the ticks are worked out again only when they move."""
    heatmap.set_matrix(np.full((4, 4), 0.25), "abcd", "abcd")
    heatmap.grab()
    left = heatmap._plot.getAxis("left")
    worked_out = []
    original = pg.AxisItem.generateDrawSpecs

    def counting(self, p):
        worked_out.append(self)
        return original(self, p)

    monkeypatch.setattr(pg.AxisItem, "generateDrawSpecs", counting)
    before = heatmap.grab().toImage()
    heatmap.set_matrix(np.full((4, 4), 0.25), "abcx", "abcx")
    after = heatmap.grab().toImage()
    assert left not in worked_out  # same number of names in the same places
    assert left.drawn_labels() == ["a", "b", "c", "x"]
    assert before != after  # and the new name is on screen
    heatmap.set_matrix(np.full((5, 5), 0.2), "abcde", "abcde")
    heatmap.grab()
    assert left in worked_out  # five names: new places


def test_axis_names_land_where_draw_text_puts_them(heatmap):
    """Names drawn from cached layouts give the pixels drawText(rect, alignment) gave.

    (Names turned to read upwards may land a fraction of a pixel apart, so this compares
    names that stay horizontal: few enough keys for the top axis to keep them level.)
    """
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter

    tokens = ["The", "bank", "of", "money"]
    heatmap.set_matrix(np.full((4, 4), 1 / 4), tokens, tokens)
    heatmap.grab()
    assert not heatmap._plot.getAxis("top").rotated
    align = Qt.AlignmentFlag
    for axis in (heatmap._plot.getAxis("left"), heatmap._plot.getAxis("top")):
        images = []
        for reference in (False, True):
            image = QImage(700, 600, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(QColor("white"))
            painter = QPainter(image)
            painter.setTransform(axis.sceneTransform())
            if not reference:
                axis.paint(painter, None, None)
            else:  # the line, the ticks and the names, each name by drawText in its rectangle
                (pen, p1, p2), ticks, _ = axis._specs
                painter.setPen(pen)
                painter.drawLine(p1, p2)
                for tick_pen, a, b in ticks:
                    painter.setPen(tick_pen)
                    painter.drawLine(a, b)
                painter.setFont(axis._font)
                painter.setPen(axis.textPen())
                metrics = QFontMetricsF(axis._font)
                height = metrics.height()
                offset = axis.style["tickTextOffset"][1 if axis.horizontal else 0] + max(
                    0, axis.style["tickLength"]
                )
                for i, text in enumerate(axis.drawn_labels()):
                    a = ticks[i * axis.step][1]
                    width = metrics.horizontalAdvance(text) + 2
                    if axis.orientation == "left":
                        rect = QRectF(p1.x() - offset - width, a.y() - height / 2, width, height)
                        painter.drawText(rect, int(align.AlignRight | align.AlignVCenter), text)
                    else:
                        rect = QRectF(a.x() - width / 2, p1.y() - offset - height, width, height)
                        painter.drawText(rect, int(align.AlignHCenter | align.AlignVCenter), text)
            painter.end()
            images.append(_pixels(image))
        assert (images[0] != 255).any()
        np.testing.assert_array_equal(images[0], images[1])


def test_axis_titles_kept_as_pictures_draw_the_same_pixels(heatmap):
    """The titles are cached as pictures (not laid out on every edit) without moving a pixel."""
    from PySide6.QtWidgets import QGraphicsItem

    heatmap.set_matrix(np.full((5, 5), 0.2), "abcde", "abcde")
    titles = [heatmap._plot.getAxis(side).label for side in ("top", "left")]
    assert all(t.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache for t in titles)
    cached = _pixels(heatmap.grab().toImage())
    for title in titles:
        title.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    np.testing.assert_array_equal(cached, _pixels(heatmap.grab().toImage()))


def test_colour_image_follows_a_new_colour_map(qapp):
    """The colour table worked out once is worked out again when the colour map changes."""
    import pyqtgraph as pg

    from ui.heatmap import ColourImage

    data = np.linspace(0, 1, 48).reshape(6, 8)
    ours = ColourImage(axisOrder="row-major")
    for name in ("viridis", "magma", "viridis", "grey"):
        theirs = pg.ImageItem(axisOrder="row-major")
        for item in (theirs, ours):
            item.setColorMap(colour_map(name))
            item.setImage(data, levels=(0.0, 1.0))
            item.render()
        np.testing.assert_array_equal(_pixels(ours.qimage), _pixels(theirs.qimage))
