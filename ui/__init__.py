"""Widgets, pyqtgraph views, dialogs: everything a person sees.

Imports app and engine (for types); never computes attention itself.
"""

import pyqtgraph as pg

# Attention matrices are stored row = query; pyqtgraph's default (column-major) would
# draw them transposed. Set once here, before any view is built.
pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)
