"""Where the frozen app keeps Numba's compiled kernels, and when they are stale.

Bundled into the executable and named in ``NUMBA_CACHE_LOCATOR_CLASSES`` by the runtime
hook ``rthook_numba_cache.py``; Numba imports it when the first cached kernel is
created. Two defaults of Numba's own locator do not suit a frozen app:

- The cache sub-folder is a hash of the folder holding the kernel's source. The
  one-file build unpacks itself into a new temporary folder on every launch, so every
  launch would compile again and leave one more sub-folder behind. Here the sub-folder
  is named after the source's place *inside* the app (``frozen-engine``), the same
  wherever the app was unpacked, moved or started from.
- A frozen app's freshness stamp is a hash of the executable only. The kernels are
  collected as ``.py`` files beside it, so a build that changed only a kernel could
  reuse the old machine code. Here the stamp is the executable's hash *and* the
  source file's.

Outside the app's own folder (or when not frozen) this locator steps aside and
Numba's usual ones apply.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys

from numba.core.caching import UserProvidedCacheLocator

SUBFOLDER_PREFIX = "frozen-"


def _bundle_root() -> str | None:
    root = getattr(sys, "_MEIPASS", None)
    return os.path.normcase(os.path.abspath(root)) if root else None


def _relative_dir(py_file: str) -> str | None:
    """The source's folder relative to the bundle root, or None if it lies outside."""
    root = _bundle_root()
    if root is None:
        return None
    folder = os.path.normcase(os.path.dirname(os.path.abspath(py_file)))
    if folder != root and not folder.startswith(root + os.sep):
        return None
    return os.path.relpath(folder, root)


def _file_sha256(path: str) -> str:
    st = os.stat(path)
    return _sha256_of(path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=16)
def _sha256_of(path: str, _mtime_ns: int, _size: int) -> str:
    """Hash once per process: every kernel asks, and the one-file executable is large."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class FrozenAppCacheLocator(UserProvidedCacheLocator):
    """NUMBA_CACHE_DIR/frozen-<folder inside the app>, stamped by executable and source."""

    @classmethod
    def from_function(cls, py_func, py_file):
        if _relative_dir(py_file) is None:
            return None
        return super().from_function(py_func, py_file)

    @classmethod
    def get_suitable_cache_subpath(cls, py_file):
        rel = _relative_dir(py_file)
        if rel is None:
            return super().get_suitable_cache_subpath(py_file)
        name = "root" if rel in (".", "") else rel.replace(os.sep, "-").replace("/", "-")
        return SUBFOLDER_PREFIX + name

    def get_source_stamp(self):
        executable = sys.executable if getattr(sys, "frozen", False) else None
        exe_stamp = (os.path.getsize(executable), _file_sha256(executable)) if executable else None
        return ("attention-lab-frozen-1", exe_stamp, _file_sha256(self._py_file))
