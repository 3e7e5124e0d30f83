"""Save any view as a picture: PNG (pixels, as on screen) or SVG (lines and text, for slides).

Every view is painted into the SVG by Qt (QSvgGenerator), which keeps text as text
and lines as lines. pyqtgraph's own SVG exporter was tried first and fails on the
heatmap's hatched masks and its painted cell numbers.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsView, QWidget

IMAGE_SUFFIXES = (".png", ".svg")


def export_widget(widget, path) -> Path:
    """Write ``widget`` as it looks now to ``path`` (.png or .svg)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        raise ValueError(
            QCoreApplication.translate(
                "image_export", "Save the picture as .png or .svg, not {name}."
            ).format(name=path.name)
        )
    if widget.width() <= 0 or widget.height() <= 0:
        raise ValueError(
            QCoreApplication.translate(
                "image_export", "This view is not on screen; show it first, then save it."
            )
        )
    if suffix == ".png":
        if not widget.grab().save(str(path)):
            raise OSError(
                QCoreApplication.translate("image_export", "Could not write {path}.").format(path=path)
            )
    else:
        _paint_svg(widget, path)
    return path


def _paint_svg(widget, path: Path) -> None:
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(widget.width(), widget.height()))
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle(
        widget.windowTitle() or QCoreApplication.translate("image_export", "Attention Lab view")
    )
    painter = QPainter(generator)
    try:
        if isinstance(widget, QGraphicsView):
            widget.render(painter)  # the scene, drawn as vectors
        else:
            QWidget.render(widget, painter, QPoint(0, 0))  # the widget and its children
    finally:
        painter.end()
