"""Clear Numba's on-disk kernel cache when any kernel module's source changes.

Numba keys a cached kernel on the file that defines it (its mtime and size, or a hash
in the frozen app) and on the function's own bytecode, but not on the functions it
calls from other modules, whose machine code is compiled into it, nor on the compile
flags. So an edit to :mod:`engine.vexp` alone left :mod:`engine.kernels`' cached
machine code in use, in a developer's checkout and in an app upgraded in place.

:func:`ensure_fresh` runs once per process before the first kernel is compiled or
loaded (:mod:`engine.backend` calls it): it hashes the source of every module in
:data:`KERNEL_MODULES` (the kernels call across all of them), the compile flags and
the versions of Numba, llvmlite, NumPy and Python, and compares the result with a
stamp file in each cache folder those kernels use (asked of Numba itself, so the
frozen app's locator, ``NUMBA_CACHE_DIR`` and the in-tree ``__pycache__`` are all
honoured). On a mismatch it deletes those modules' index and data files there (no
other file), then writes the new stamp. Nothing here raises for a missing,
read-only or shared folder: the worst outcome is one recompile.

``ui.line_raster`` is not in the group: its kernels call only ``math`` and NumPy, so
Numba's own per-file stamp is enough (tests/engine/test_kernel_cache.py checks that).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import sys
import threading
from collections.abc import Iterable, Sequence

# Every module with @njit functions in engine/ (a test compares this with a parse of
# engine/). One group: kernels calls vexp, tiles calls kernels and vexp.
KERNEL_MODULES = ("engine.vexp", "engine.kernels", "engine.tiles")
STAMP_NAME = "attention-lab-sources.stamp"
CACHE_SUFFIXES = (".nbi", ".nbc")
_GUARD_VERSION = "1"  # bump when what the fingerprint covers changes

_lock = threading.Lock()
_checked = False


def ensure_fresh(modules: Sequence[str] = KERNEL_MODULES) -> dict[str, list[str]]:
    """Once per process: clear the modules' cached kernels if their sources changed.

    Returns {cache folder: names of the files removed} (empty when nothing changed or
    on any call after the first). Importing the modules defines their dispatchers but
    loads nothing from the cache, so this is safe to run before the first call.
    """
    global _checked
    if _checked:
        return {}
    with _lock:  # a second thread waits, so it cannot load a file about to be removed
        if _checked:
            return {}
        # An import error propagates: the caller was about to import them anyway.
        loaded = [importlib.import_module(name) for name in modules]
        try:
            removed = _check(loaded)
        except Exception:  # noqa: BLE001 - a guard must never stop the engine
            removed = {}
        _checked = True
        return removed


def _check(loaded: list) -> dict[str, list[str]]:
    dispatchers = _dispatchers(loaded)
    folders = sorted({d._cache._cache_path for d in dispatchers if _cache_path(d)})
    if not folders:  # caching is off (CONFIG.cache) for every kernel
        return {}
    # The modules' own sources, where the import system found them (what Numba keys on);
    # not a resource lookup, which is app.resources' job.
    sources = [m.__spec__.origin for m in loaded]
    try:
        stamp = fingerprint(sources, environment(dispatchers))
    except OSError:  # a source is unreadable, so Numba cannot key on it either
        return {}
    stems = {os.path.splitext(os.path.basename(path))[0] for path in sources}
    removed = {}
    for folder in folders:
        gone = refresh_folder(folder, stems, stamp)
        if gone:
            removed[folder] = gone
    return removed


def _cache_path(dispatcher) -> str | None:
    """The folder of a dispatcher's on-disk cache; None when it has none (NullCache)."""
    return getattr(getattr(dispatcher, "_cache", None), "_cache_path", None)


def _dispatchers(loaded: Iterable) -> list:
    """Numba dispatchers defined (not merely imported) in the loaded modules."""
    from numba.core.dispatcher import Dispatcher

    found = []
    for module in loaded:
        for obj in vars(module).values():
            if isinstance(obj, Dispatcher) and obj.py_func.__module__ == module.__name__:
                found.append(obj)
    return found


def environment(dispatchers: Iterable) -> list[str]:
    """What besides the sources changes the machine code: tool versions and flags.

    The flags are the ones the kernels were built with (``targetoptions``), which
    Numba's index key leaves out: a cache written with ``fastmath`` would otherwise be
    loaded by a process that asked for strict maths.
    """
    import numba
    import numpy

    # llvmlite comes with numba (engine/ imports only numpy and numba by name).
    llvmlite_version = getattr(sys.modules.get("llvmlite"), "__version__", "unknown")
    parts = [
        f"guard {_GUARD_VERSION}",
        f"python {sys.version}",
        f"numba {numba.__version__}",
        f"llvmlite {llvmlite_version}",
        f"numpy {numpy.__version__}",
    ]
    for d in dispatchers:
        options = sorted((k, _canonical(v)) for k, v in d.targetoptions.items())
        parts.append(f"{d.py_func.__module__}.{d.py_func.__qualname__} {options}")
    return sorted(parts)


def _canonical(value) -> str:
    """A repr that is the same in every process (a set's order varies with hash seeds)."""
    if isinstance(value, (set, frozenset)):
        return repr(sorted(map(repr, value)))
    if isinstance(value, dict):
        return repr(sorted((repr(k), _canonical(v)) for k, v in value.items()))
    return repr(value)


def fingerprint(paths: Iterable[str | os.PathLike], extra: Iterable[str] = ()) -> str:
    """SHA-256 of the files' bytes (in the given order, each with its name) and ``extra``."""
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        name = os.path.basename(os.fspath(path)).encode("utf-8", "surrogateescape")
        h.update(b"file %d %s %d\n" % (len(name), name, len(data)))
        h.update(data)
    for item in extra:
        encoded = item.encode("utf-8", "surrogateescape")
        h.update(b"extra %d\n" % len(encoded))
        h.update(encoded)
    return h.hexdigest()


def is_ours(name: str, stems: Iterable[str]) -> bool:
    """Is ``name`` a Numba index or data file of one of the modules named by ``stems``?

    Numba names them ``<module>.<qualname>-<line>.py<XY>.nbi`` and ``...<N>.nbc``.
    Its half-written ``*.tmp.<id>`` files are left alone: another process may be about
    to rename one into place.
    """
    if not name.endswith(CACHE_SUFFIXES):
        return False
    return any(name.startswith(stem + ".") for stem in stems)


def read_stamp(folder: str | os.PathLike) -> str | None:
    try:
        with open(os.path.join(folder, STAMP_NAME), encoding="ascii") as f:
            return f.read(200).strip()
    except (OSError, ValueError):  # missing, unreadable, or not text: as good as no stamp
        return None


def refresh_folder(folder: str | os.PathLike, stems: Iterable[str], stamp: str) -> list[str]:
    """Remove the modules' cache files from ``folder`` unless its stamp is ``stamp``.

    Returns the names removed. The stamp is written only after every file of ours is
    gone, so a failure leaves the old stamp and the next start tries again. Two
    processes doing this at once remove the same files (a vanished file is fine) and
    write the same stamp; at worst one deletes what the other just compiled.
    """
    if read_stamp(folder) == stamp:
        return []
    stems = tuple(stems)
    try:
        names = sorted(os.listdir(folder))
    except OSError:  # missing or unreadable: Numba cannot have cached anything there
        return []
    removed, complete = [], True
    for name in names:
        if not is_ours(name, stems):
            continue
        try:
            os.unlink(os.path.join(folder, name))
            removed.append(name)
        except FileNotFoundError:  # another process removed it first
            pass
        except OSError:
            complete = False
    if complete:
        _write_stamp(folder, stamp)
    return removed


def _write_stamp(folder: str | os.PathLike, stamp: str) -> None:
    """Write-then-rename, so a reader sees the old stamp or the new one, never half."""
    # The process id keeps two processes' temporary files apart (one process writes under _lock).
    tmp = os.path.join(folder, f"{STAMP_NAME}.tmp.{os.getpid()}")
    try:
        with open(tmp, "w", encoding="ascii") as f:
            f.write(stamp + "\n")
        os.replace(tmp, os.path.join(folder, STAMP_NAME))
    except OSError:  # read-only folder: Numba cannot write there either
        with contextlib.suppress(OSError):
            os.unlink(tmp)
