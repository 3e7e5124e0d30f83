"""The central heatmap: colour bar, colour maps, hover numbers, masked cells, selected row."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QHelpEvent

from ui import theme
from ui.heatmap import COLOUR_MAPS, MASKED_RGBA, SELECTED_ROW_COLOUR, AttentionHeatmap, colour_map


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
        # the bar's top is the map's brightest end, its bottom the darkest
        for fraction in (0.0, 1.0):
            expected = colour_map(name).map(fraction, mode="qcolor")
            assert _near(heatmap.colour_bar.gradient_colour(fraction), expected)
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
        # Not indexed, and premultiplied (the colour maps are opaque): no conversion per paint.
        assert ours.qimage.format() == QImage.Format.Format_ARGB32_Premultiplied
        np.testing.assert_array_equal(_pixels(ours.qimage), _pixels(theirs.qimage))
    with_nan = data.astype(float)
    with_nan[2, 3] = np.nan  # pyqtgraph's own path (transparent cell), then kept as it made it
    ours = ColourImage(axisOrder="row-major")
    ours.setColorMap(colour_map(name))
    ours.setImage(with_nan, levels=(0.0, 1.0))
    ours.render()
    assert ours.qimage is not None and ours.qimage.pixelColor(3, 2).alpha() == 0


def test_colour_image_keeps_see_through_colours_unpremultiplied(qapp):
    """A colour table with transparent entries gives plain ARGB32, whose words mean what they say."""
    import pyqtgraph as pg
    from PySide6.QtGui import QImage

    from ui.heatmap import ColourImage

    half_clear = pg.ColorMap([0.0, 1.0], [(255, 0, 0, 0), (0, 0, 255, 255)])
    item = ColourImage(axisOrder="row-major")
    item.setColorMap(half_clear)
    item.setImage(np.array([[0.0, 1.0]]), levels=(0.0, 1.0))
    item.render()
    assert item.qimage.format() == QImage.Format.Format_ARGB32
    assert item.qimage.pixelColor(0, 0).alpha() == 0 and item.qimage.pixelColor(1, 0).blue() == 255


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


# --- the painted widget -------------------------------------------------------------


def _near(a: QColor, b: QColor, tol: int = 3) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def _cell_colours(hm, picture, row, col) -> set[tuple[int, int, int]]:
    """Every colour painted inside cell (row, col), a few pixels in from its edges."""
    rect = hm.cell_rect(row, col).adjusted(5, 5, -5, -5).toAlignedRect()
    return {
        picture.pixelColor(x, y).getRgb()[:3]
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    }


def test_each_cell_is_painted_in_its_weights_colour_not_transposed(heatmap):
    """Row r, column c of the picture has the colour of weights[r, c] (row = query)."""
    w = _set(heatmap)  # not symmetric: a transposed picture would show
    picture = heatmap.grab().toImage()
    cmap = colour_map("viridis")
    for (r, c), value in np.ndenumerate(w):
        rect = heatmap.cell_rect(r, c)
        pixel = picture.pixelColor(round(rect.left() + 4), round(rect.top() + 4))  # clear of its number
        assert _near(pixel, cmap.map(value / 1.0, mode="qcolor"), tol=6), (r, c)
    assert heatmap.cell_at(heatmap.cell_center(2, 0)) == (2, 0)
    assert heatmap.cell_at(heatmap.matrix_rect().topLeft() - QPointF(3, 3)) == (-1, -1)


def test_masked_cells_are_grey_and_hatched_and_say_masked(heatmap):
    """A masked cell is painted grey with dark hatching, says masked and shows a dash, never 0.00."""
    masked = np.triu(np.ones((3, 3), bool), k=1)
    _set(heatmap, masked)
    assert "masked" in heatmap.cell_description(0, 2)
    assert "weight = " not in heatmap.cell_description(0, 2)
    assert heatmap.cell_texts()[2] == "\u2013"
    picture = heatmap.grab().toImage()
    grey, hatch = MASKED_RGBA[:3], (70, 70, 70)
    assert {grey, hatch} <= _cell_colours(heatmap, picture, 0, 2)
    assert not {grey, hatch} & _cell_colours(heatmap, picture, 2, 0)  # an open cell keeps its colour
    heatmap.set_matrix(np.full((3, 3), 1 / 3), "abc", "abc")  # mask lifted: no grey left
    assert grey not in _cell_colours(heatmap, heatmap.grab().toImage(), 0, 2)


def test_selected_row_is_outlined(heatmap):
    """set_selected_row outlines that whole row; -1 (or a row that is not there) removes it."""
    _set(heatmap)
    heatmap.set_selected_row(1)
    assert heatmap.selected_row == 1
    picture = heatmap.grab().toImage()
    rect = heatmap.cell_rect(1, 0)
    outline = SELECTED_ROW_COLOUR.getRgb()[:3]
    for col in range(3):  # along the row's top edge, across every column
        x = round(heatmap.cell_center(1, col).x())
        assert picture.pixelColor(x, round(rect.top())).getRgb()[:3] == outline
    assert picture.pixelColor(x, round(heatmap.cell_rect(2, 0).bottom()) - 1).getRgb()[:3] != outline
    heatmap.set_selected_row(7)
    assert heatmap.selected_row == -1
    picture = heatmap.grab().toImage()
    assert picture.pixelColor(x, round(rect.top())).getRgb()[:3] != outline


def test_clicking_a_row_and_hovering_a_cell_report_them(heatmap, qtbot):
    """A click on any cell of a row reports that query; hovering reports (row, column)."""
    _set(heatmap)
    clicked, hovered = [], []
    heatmap.sigRowClicked.connect(clicked.append)
    heatmap.sigCellHovered.connect(lambda r, c: hovered.append((r, c)))
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_center(2, 0).toPoint())
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_center(0, 2).toPoint())
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))  # outside the cells
    assert clicked == [2, 0]
    qtbot.mouseMove(heatmap, heatmap.cell_center(1, 2).toPoint())
    assert hovered[-1] == (1, 2)
    qtbot.mouseMove(heatmap, QPoint(2, 2))
    assert hovered[-1] == (-1, -1)


def test_tooltip_names_the_cell_under_the_mouse_and_explains_elsewhere(heatmap, monkeypatch):
    """Over a cell the tooltip is its description; beside the cells, the reading hint."""
    import ui.heatmap
    import ui.painted_axes

    shown = []

    class Tip:  # the offscreen platform cannot raise a real tooltip window
        @staticmethod
        def showText(_at, text, _widget):  # noqa: N802 - Qt's name
            shown.append(text)

        @staticmethod
        def hideText():  # noqa: N802
            shown.append("")

    monkeypatch.setattr(ui.painted_axes, "QToolTip", Tip)
    _set(heatmap)
    for pos in (heatmap.cell_center(1, 0).toPoint(), QPoint(2, 2)):
        event = QHelpEvent(QEvent.Type.ToolTip, pos, heatmap.mapToGlobal(pos))
        assert heatmap.event(event)
    assert shown[0] == heatmap.cell_description(1, 0)
    assert shown[1] == heatmap.toolTip() and "Rows are query tokens" in shown[1]


def test_crowded_key_labels_turn_and_thin_out(qtbot):
    """64 keys in a small heatmap: top labels read upwards, rows show every n-th name."""
    hm = AttentionHeatmap()
    qtbot.addWidget(hm)
    hm.resize(500, 400)
    hm.show()
    tokens = [f"token{i}" for i in range(64)]
    hm.set_matrix(np.full((64, 64), 1 / 64), tokens, tokens)
    hm.grab()
    _, rows, cols, _ = hm._layout()
    assert cols.rotated and not rows.rotated
    assert rows.step > 1
    assert rows.drawn() == tokens[:: rows.step]
    spacing = hm.matrix_rect().height() / 64 * rows.step
    assert QFontMetricsF(rows.font).height() <= spacing  # written names never overlap
    assert hm.cell_texts() == []  # 64 tokens: no numbers in the cells


def test_text_grows_with_the_presentation_font(heatmap):
    """Names, titles, the colour bar's numbers and the cell numbers are sized when laid out,
    so a larger font scale (presentation mode) writes them all larger."""
    heatmap.set_matrix(np.full((4, 4), 0.25), "abcd", "abcd")
    heatmap.grab()
    normal = {what: QFontMetricsF(font).height() for what, font in heatmap.painted_fonts()}
    assert {"token labels", "axis titles", "colour bar numbers", "cell numbers"} <= set(normal)
    before = theme.font_scale()
    theme._scale["font"] = 2.0  # as apply_theme sets it in presentation mode
    try:
        heatmap.grab()
        big = {what: QFontMetricsF(font).height() for what, font in heatmap.painted_fonts()}
        for what in ("token labels", "axis titles", "colour bar numbers"):
            assert big[what] > 1.5 * normal[what], what
    finally:
        theme._scale["font"] = before


def test_colour_bar_writes_round_numbers_from_zero_to_the_top(heatmap):
    """The bar's numbers are round steps from 0 and reach no higher than the top weight."""
    heatmap.set_matrix(np.array([[0.92, 0.08], [0.3, 0.7]]), "ab", "ab")
    heatmap.grab()
    texts = heatmap.colour_bar.tick_texts()
    assert texts[0] == "0" and len(texts) >= 5
    values = [float(t) for t in texts]
    assert values == sorted(values) and values[-1] <= 0.92
    steps = np.diff(values)
    np.testing.assert_allclose(steps, steps[0])


def test_axis_titles_and_names_are_painted(heatmap):
    """The titles say which side is which, and the names stand beside the matrix."""
    assert heatmap.axis_titles() == ("Key (looked at)", "Query (looking)")
    _set(heatmap)
    picture = heatmap.grab().toImage()
    rect = heatmap.matrix_rect()
    left = picture.copy(0, round(rect.top()), round(rect.left()) - 4, round(rect.height()))
    above = picture.copy(round(rect.left()), 0, round(rect.width()), round(rect.top()) - 4)
    for part in (left, above):  # something dark written there (names and titles)
        assert (_pixels(part)[:, : part.width() * 4].reshape(-1, 4)[:, :3] < 100).any()


def test_bad_input_never_crashes(heatmap):
    """Empty, tiny, NaN: painted without error; a mismatch of shape and names is refused."""
    heatmap.set_matrix(np.zeros((0, 0)), [], [])
    heatmap.grab()
    assert heatmap.cell_at(QPointF(100, 100)) == (-1, -1)
    nan = np.array([[np.nan, 1.0], [0.5, 0.5]])
    heatmap.set_matrix(nan, ["a" * 60, "b"], "cd")
    heatmap.grab()
    heatmap.resize(40, 30)
    heatmap.grab()
    heatmap.set_selected_row(1)
    heatmap.grab()
    with pytest.raises(ValueError):
        heatmap.set_matrix(np.ones((2, 2)), "abc", "ab")
    with pytest.raises(ValueError):
        heatmap.set_matrix(np.ones(4), "abcd", "abcd")


def test_an_unchanged_matrix_repaints_nothing_unless_the_font_scale_changed(heatmap, qtbot):
    """Another head's edit hands over the same weights: no repaint is asked for; after the
    presentation font changed (its text is sized when painted) the same weights repaint."""
    _set(heatmap)
    heatmap.grab()
    qtbot.wait(20)
    painted = []
    heatmap.paintEvent = lambda event: painted.append(event)  # what Qt would call
    _set(heatmap)
    qtbot.wait(20)
    assert painted == []
    before = theme.font_scale()
    theme._scale["font"] = 2.0
    try:
        _set(heatmap)
        qtbot.wait(20)
        assert painted
    finally:
        theme._scale["font"] = before


def test_new_weights_under_the_same_names_repaint_the_cells_and_bar_not_the_names(heatmap, qtbot):
    """New weights (another top, so another colour bar) under the same names ask for a
    repaint of one rectangle around the cells and the bar, clear of the names and titles;
    drawn into the old picture it gives what a whole repaint gives. New names repaint all."""
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QImage, QPainter, QRegion
    from PySide6.QtWidgets import QWidget

    from ui.painted_axes import MARGIN, TEXT_OFFSET

    def picture(region=None, into=None):
        image = into or QImage(heatmap.size(), QImage.Format.Format_ARGB32_Premultiplied)
        if into is None:
            image.fill(QColor("magenta"))
        painter = QPainter(image)
        region = region or QRegion(heatmap.rect())
        heatmap.render(painter, region.boundingRect().topLeft(), region, QWidget.RenderFlag.DrawChildren)
        painter.end()
        return image

    w = _set(heatmap)
    heatmap.set_selected_row(1)
    qtbot.wait(20)
    old = picture()
    asked = []

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if obj is heatmap and event.type() == QEvent.Type.Paint:
                asked.append(event.rect())
            return False

    watch = Watch()
    heatmap.installEventFilter(watch)
    names = ("a", "b", "c")
    heatmap.set_matrix(w * 0.8, names, names)
    qtbot.wait(20)
    assert len(asked) == 1
    area, cells = asked[0], heatmap.matrix_rect()
    assert area.contains(cells.toAlignedRect()) and area.right() == heatmap.width() - 1
    assert area.left() > cells.left() - TEXT_OFFSET  # the row names and the turned title stay
    title = QFontMetricsF(dict(heatmap.painted_fonts())["axis titles"]).height()
    assert area.top() > MARGIN + title  # the title across the top stays
    assert picture(QRegion(area), into=old) == picture()
    asked.clear()
    heatmap.set_matrix(w, ("a", "b", "z"), names)
    qtbot.wait(20)
    assert asked == [heatmap.rect()]
