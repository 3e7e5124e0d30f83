"""The guard that clears Numba's kernel cache when a kernel module's source changes.

Numba keys a cached kernel on its own file only, so an edit to a helper module it
calls (engine/vexp.py for engine/kernels.py) left stale machine code in use. The last
two tests show that with real Numba in subprocesses: the stale result without the
guard, the new one with it.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from engine import kernel_cache as kc

ROOT = Path(__file__).resolve().parents[2]
PY = f"py{sys.version_info[0]}{sys.version_info[1]}"
OURS = {"kernels", "vexp"}


def _populate(folder: Path) -> dict[str, set[str]]:
    """Cache files of our modules and of others; returns {"ours": ..., "others": ...}."""
    ours = {f"kernels.mha_fused-300.{PY}.nbi", f"kernels.mha_fused-300.{PY}.0.nbc", f"vexp.exp64-59.{PY}.nbi"}
    others = {
        f"line_raster._raster-32.{PY}.nbi",  # another module's kernel
        f"kernelsx.f-1.{PY}.nbi",  # a module whose name merely starts like ours
        f"kernels.mha_fused-300.{PY}.nbi.tmp.0123abcd",  # another process mid-write
        "notes.txt",
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name in ours | others:
        (folder / name).write_bytes(b"x")
    return {"ours": ours, "others": others}


def _sources(tmp_path: Path) -> list[Path]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "kernels.py").write_text("from vexp import fexp\n")
    (src / "vexp.py").write_text("def fexp(x):\n    return x + 1\n")
    return [src / "kernels.py", src / "vexp.py"]


def test_changed_helper_removes_our_cache_files_and_keeps_the_rest(tmp_path):
    sources, folder = _sources(tmp_path), tmp_path / "cache"
    files = _populate(folder)
    before = kc.fingerprint(sources)
    kc.refresh_folder(folder, OURS, before)  # first run: no stamp yet
    assert kc.read_stamp(folder) == before

    files = _populate(folder)
    # Only the helper changes, to text of the same length (an mtime-and-size key could miss it).
    sources[1].write_text("def fexp(x):\n    return x + 2\n")
    after = kc.fingerprint(sources)
    assert after != before

    removed = kc.refresh_folder(folder, OURS, after)

    assert set(removed) == files["ours"]
    left = {p.name for p in folder.iterdir()}
    assert files["others"] <= left
    assert not files["ours"] & left
    assert kc.read_stamp(folder) == after


def test_unchanged_sources_remove_nothing(tmp_path):
    sources, folder = _sources(tmp_path), tmp_path / "cache"
    _populate(folder)
    kc.refresh_folder(folder, OURS, kc.fingerprint(sources))  # the previous start
    files = _populate(folder)  # what that start compiled

    assert kc.refresh_folder(folder, OURS, kc.fingerprint(sources)) == []
    assert {p.name for p in folder.iterdir()} == files["ours"] | files["others"] | {kc.STAMP_NAME}


def test_flags_and_versions_change_the_fingerprint(tmp_path):
    """Numba's index key leaves out the compile flags: a fastmath cache must not serve strict maths."""
    sources = _sources(tmp_path)

    def dispatcher(fastmath):
        return SimpleNamespace(py_func=kc.fingerprint, targetoptions={"fastmath": fastmath, "nogil": True})

    strict = kc.fingerprint(sources, kc.environment([dispatcher({"contract"})]))
    fast = kc.fingerprint(sources, kc.environment([dispatcher(True)]))
    assert strict != fast
    # A set's order differs between processes; its fingerprint must not.
    one, other = dispatcher({"contract", "reassoc"}), dispatcher({"reassoc", "contract"})
    assert kc.environment([one]) == kc.environment([other])


@pytest.mark.parametrize("stamp", [b"\xff\xfe\x00garbage", b"", b"0" * 10_000])
def test_corrupt_stamp_means_a_clean_cache(tmp_path, stamp):
    sources, folder = _sources(tmp_path), tmp_path / "cache"
    files = _populate(folder)
    (folder / kc.STAMP_NAME).write_bytes(stamp)

    removed = kc.refresh_folder(folder, OURS, kc.fingerprint(sources))

    assert set(removed) == files["ours"]
    assert kc.read_stamp(folder) == kc.fingerprint(sources)


def test_unwritable_folder_raises_nothing_and_retries_next_time(tmp_path, monkeypatch):
    """Deleting and writing both fail (a read-only install): no exception, and no new stamp."""
    sources, folder = _sources(tmp_path), tmp_path / "cache"
    files = _populate(folder)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(kc.os, "unlink", refuse)
    monkeypatch.setattr(kc.os, "replace", refuse)
    assert kc.refresh_folder(folder, OURS, kc.fingerprint(sources)) == []
    assert kc.read_stamp(folder) is None  # the next start tries again
    assert {p.name for p in folder.iterdir()} >= files["ours"]

    monkeypatch.undo()  # deleting works, writing the stamp does not: still no exception
    monkeypatch.setattr(kc.os, "replace", refuse)
    assert set(kc.refresh_folder(folder, OURS, kc.fingerprint(sources))) == files["ours"]
    assert not [p for p in folder.iterdir() if ".tmp." in p.name and kc.STAMP_NAME in p.name]


def test_missing_or_bogus_folder_raises_nothing(tmp_path):
    stamp = kc.fingerprint(_sources(tmp_path))
    assert kc.refresh_folder(tmp_path / "missing", OURS, stamp) == []
    bogus = tmp_path / "a-file"
    bogus.write_text("not a folder")
    assert kc.refresh_folder(bogus, OURS, stamp) == []
    assert bogus.read_text() == "not a folder"


def _njit_modules(package: str) -> set[str]:
    """Modules of the package that name a Numba decorator (a decorator or a call)."""
    names = {"njit", "jit", "vectorize", "guvectorize", "stencil", "cfunc", "generated_jit"}
    found = set()
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in names:
                found.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def test_the_guard_covers_every_kernel_module_of_the_engine():
    """A new module of kernels must join KERNEL_MODULES, or edits to it could go stale."""
    assert _njit_modules("engine") == set(kc.KERNEL_MODULES)


def test_line_raster_kernels_call_nothing_of_other_modules():
    """Why ui/line_raster.py is outside the guard: its kernels use only math and NumPy, so
    Numba's own stamp of that file is enough. If they start calling another module's
    function, they need the guard too."""
    tree = ast.parse((ROOT / "ui" / "line_raster.py").read_text(encoding="utf-8"))
    top = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                top[(alias.asname or alias.name).split(".")[0]] = "import"
        elif isinstance(node, ast.FunctionDef):
            top[node.name] = "def"
    names = ("_coverage_tables", "_raster", "_paint_bands")  # the last calls the other two
    kernels = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]
    assert len(kernels) == len(names)
    used = {n.id for k in kernels for n in ast.walk(k) if isinstance(n, ast.Name)}
    assert {name for name in used if name in top} <= {"math", "np", *names}


def _run(code: str, env: dict, cwd: Path) -> str:
    args = [sys.executable, "-c", textwrap.dedent(code)]
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


def _env(cache_dir: Path, *paths: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env["NUMBA_CACHE_DIR"] = str(cache_dir)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths)
    return env


def test_real_numba_serves_a_stale_kernel_without_the_guard_and_the_new_one_with_it(tmp_path):
    src, cache = tmp_path / "src", tmp_path / "numba-cache"
    src.mkdir()
    (src / "tiny_kernel.py").write_text(
        "from numba import njit\nfrom tiny_helper import helper\n\n\n"
        "@njit(cache=True)\ndef kernel(x):\n    return helper(x) * 10\n"
    )
    helper = src / "tiny_helper.py"
    helper.write_text("from numba import njit\n\n\n@njit(cache=True)\ndef helper(x):\n    return x + 1\n")
    env = _env(cache, src, ROOT)
    plain = "import tiny_kernel\nprint(tiny_kernel.kernel(1))"
    guarded = (
        "from engine import kernel_cache\n"
        "removed = kernel_cache.ensure_fresh(('tiny_helper', 'tiny_kernel'))\n"
        "import tiny_kernel\nprint(sum(map(len, removed.values())), tiny_kernel.kernel(1))"
    )

    assert _run(plain, env, tmp_path) == "20"
    helper.write_text(helper.read_text().replace("x + 1", "x + 2"))  # the helper alone changes
    assert _run(plain, env, tmp_path) == "20"  # the problem: kernel's cache entry is stale
    removed, value = _run(guarded, env, tmp_path).split()
    assert value == "30" and int(removed) >= 2  # at least the kernel's index and data files
    assert _run(guarded, env, tmp_path) == "0 30"  # unchanged since: nothing removed, cache used


def test_the_engine_modules_are_guarded_in_the_folder_numba_uses(tmp_path):
    """The real engine modules, with NUMBA_CACHE_DIR in a temp folder: the guard finds the
    folder through Numba's own locator and clears only our modules' files there."""
    from numba.core.caching import UserProvidedCacheLocator

    cache = tmp_path / "numba-cache"
    folder = cache / UserProvidedCacheLocator.get_suitable_cache_subpath(str(ROOT / "engine" / "kernels.py"))
    files = _populate(folder)
    env = _env(cache, ROOT)
    code = "from engine import kernel_cache as k\nprint(sorted(sum(k.ensure_fresh().values(), [])))"

    assert _run(code, env, tmp_path) == repr(sorted(files["ours"]))  # no stamp yet: ours go
    assert files["others"] <= {p.name for p in folder.iterdir()}
    assert kc.read_stamp(folder)
    files = _populate(folder)
    assert _run(code, env, tmp_path) == "[]"  # same sources: the next start keeps everything
    assert files["ours"] <= {p.name for p in folder.iterdir()}
