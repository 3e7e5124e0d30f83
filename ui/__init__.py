"""Widgets, pyqtgraph views, dialogs: everything a person sees.

Imports app and engine (for types); never computes attention itself.

pyqtgraph is not imported here: it takes about a second, and the main window paints
its first frame (controls, menus) without it. It is configured the moment any module
imports it instead, before that module can build a plot.
"""

import importlib.util
import sys


def _configure(pg) -> None:
    # Attention matrices are stored row = query; pyqtgraph's default (column-major)
    # would draw them transposed.
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


class _ConfigureOnImport:
    """Finds pyqtgraph as usual, and configures it as soon as its package has run.

    A meta path finder by protocol (``find_spec``): importlib.abc would cost a few ms.
    """

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "pyqtgraph":
            return None
        sys.meta_path.remove(self)  # once; and so that the search below finds the real one
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader = spec.loader
        run = loader.exec_module

        def exec_module(module):
            run(module)
            # A frozen app's importer is one loader for every module, and pyqtgraph's
            # package imports its submodules through it while it runs: only pyqtgraph
            # itself is configured, and the loader is put back once it has run.
            if module.__name__ == "pyqtgraph":
                vars(loader).pop("exec_module", None)
                _configure(module)

        loader.exec_module = exec_module
        return spec


if "pyqtgraph" in sys.modules:
    _configure(sys.modules["pyqtgraph"])
elif not any(isinstance(f, _ConfigureOnImport) for f in sys.meta_path):
    sys.meta_path.insert(0, _ConfigureOnImport())
