"""Session files (``.attnlab``): the whole state as versioned JSON, checked on the way in.

What is saved is what is loaded, bit for bit: floats are written with Python's
shortest round-trip representation. A file that is malformed, truncated, from a newer
version or out of range is refused with a :class:`SessionFileError` naming the
problem, before anything in the open session changes. Writes are atomic.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from app.export import atomic_write_bytes
from app.shapes import MAX_D_K, MAX_D_MODEL, MIN_D_MODEL
from app.state import MAX_HEADS, SessionState, check_positions, check_temperature, check_tokens
from app.version import __version__

FORMAT = "attention-lab-session"
FORMAT_VERSION = 1
EXTENSION = ".attnlab"
MAX_FILE_BYTES = 50 * 1024 * 1024  # a 64-token, 64-wide, 16-head session is well under 1 MB


class SessionFileError(ValueError):
    """A session file that cannot be opened; the message says why, in plain words."""


# --- writing --------------------------------------------------------------------------------


def state_to_dict(state: SessionState) -> dict:
    return {
        "tokens": list(state.tokens),
        "d_model": state.d_model,
        "n_heads": state.n_heads,
        "d_k": state.d_k,
        "w_q": state.w_q.tolist(),
        "w_k": state.w_k.tolist(),
        "w_v": state.w_v.tolist(),
        "w_o": state.w_o.tolist(),
        "head_names": list(state.head_names),
        "head_purposes": list(state.head_purposes),
        "head_mask": state.head_mask.tolist(),
        "scale": state.scale,
        "causal": state.causal,
        "temperature": state.temperature,
        "positions": state.positions,
        "position_scale": state.position_scale,
        "seed": state.seed,
        "preset": state.preset,
        "word_overrides": [{"word": w, "vector": v.tolist()} for w, v in state.word_overrides],
    }


def save_session(path, state: SessionState, lesson: dict | None = None) -> Path:
    """Write ``state`` (and where the user is in a lesson) to ``path`` atomically."""
    path = Path(path)
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "app_version": __version__,
        "state": state_to_dict(state),
        "lesson": lesson,
    }
    data = json.dumps(document, indent=1, allow_nan=False).encode("utf-8")
    atomic_write_bytes(path, lambda f: f.write(data))
    return path


# --- reading --------------------------------------------------------------------------------


def load_session(path) -> tuple[SessionState, dict | None]:
    """Read and check a session file; returns the state and the lesson position (or None)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SessionFileError(f"{path.name} is {size // 1_000_000} MB; a session file is far smaller.")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SessionFileError(
            f"{path.name} is not a text file, so it is not an Attention Lab session."
        ) from None
    except OSError as exc:
        raise SessionFileError(f"{path.name} could not be read: {exc.strerror or exc}.") from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        hint = " It looks cut short (truncated)." if _looks_truncated(text, exc) else ""
        raise SessionFileError(
            f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}).{hint}"
        ) from None
    return parse_document(document, path.name)


def _looks_truncated(text: str, exc: json.JSONDecodeError) -> bool:
    """The error sits at the very end, or in a string that the end of the file cut open."""
    end = len(text.rstrip())
    if exc.pos >= end - 1:
        return True
    tail = text[exc.pos : end]
    return exc.msg.startswith("Unterminated string") and "\n" not in tail and len(tail) < 200


def _refuse_constant(name: str):
    raise SessionFileError(f"The file contains {name}; every number must be finite.")


def parse_document(document, where: str = "session") -> tuple[SessionState, dict | None]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SessionFileError(f"{where} is not an Attention Lab session file.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SessionFileError(f"{where} has no format version.")
    if version > FORMAT_VERSION:
        raise SessionFileError(
            f"{where} was saved by a newer Attention Lab (file format {version}); this version "
            f"({__version__}) reads format {FORMAT_VERSION}. Please update Attention Lab to open it."
        )
    if version < 1:
        raise SessionFileError(f"{where} has an unknown format version {version}.")
    state = _parse_state(document.get("state"), where)
    lesson = document.get("lesson")
    if lesson is not None and not (
        isinstance(lesson, dict) and isinstance(lesson.get("name"), str) and _is_int(lesson.get("step"))
    ):
        raise SessionFileError(f"{where}: 'lesson' must name a lesson and a step number.")
    return state, lesson


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _field(data: dict, key: str, kind, where: str):
    if key not in data:
        raise SessionFileError(f"{where}: the state has no {key!r}.")
    value = data[key]
    ok = isinstance(value, kind) and not (isinstance(value, bool) and kind in (int, float, (int, float)))
    if not ok:
        raise SessionFileError(f"{where}: {key!r} has the wrong type ({type(value).__name__}).")
    return value


def _array(data: dict, key: str, shape: tuple[int, ...], where: str) -> np.ndarray:
    raw = _field(data, key, list, where)
    try:
        arr = np.array(raw, dtype=np.float64)
    except (ValueError, TypeError):
        raise SessionFileError(f"{where}: {key!r} is not a table of numbers.") from None
    if arr.shape != shape:
        raise SessionFileError(f"{where}: {key!r} has shape {arr.shape}, but the sizes say {shape}.")
    if not np.isfinite(arr).all():
        raise SessionFileError(f"{where}: {key!r} contains a value that is not a finite number.")
    return arr


def _int_in(data: dict, key: str, low: int, high: int, where: str) -> int:
    value = _field(data, key, int, where)
    if not low <= value <= high:
        raise SessionFileError(f"{where}: {key!r} is {value}; it must be between {low} and {high}.")
    return value


def _parse_state(data, where: str) -> SessionState:
    if not isinstance(data, dict):
        raise SessionFileError(f"{where}: the 'state' section is missing.")
    d = _int_in(data, "d_model", MIN_D_MODEL, MAX_D_MODEL, where)
    h = _int_in(data, "n_heads", 1, MAX_HEADS, where)
    dk = _int_in(data, "d_k", 1, MAX_D_K, where)
    tokens = _field(data, "tokens", list, where)
    if not all(isinstance(t, str) and t.strip() for t in tokens):
        raise SessionFileError(f"{where}: every token must be non-empty text.")
    names = _field(data, "head_names", list, where)
    purposes = data.get("head_purposes", [""] * h)
    if len(names) != h or not all(isinstance(n, str) for n in names):
        raise SessionFileError(f"{where}: 'head_names' must hold {h} names.")
    if not isinstance(purposes, list) or len(purposes) != h or not all(isinstance(p, str) for p in purposes):
        raise SessionFileError(f"{where}: 'head_purposes' must hold {h} lines of text.")
    overrides = []
    for item in data.get("word_overrides", []):
        if not (isinstance(item, dict) and isinstance(item.get("word"), str)):
            raise SessionFileError(f"{where}: each edited word needs a 'word' and a 'vector'.")
        overrides.append((item["word"], _array(item, "vector", (d,), where)))
    position_scale = _field(data, "position_scale", (int, float), where)
    if not (math.isfinite(position_scale) and 0 <= position_scale <= 10):
        raise SessionFileError(f"{where}: 'position_scale' must be between 0 and 10.")
    try:
        return SessionState(
            tokens=check_tokens(tokens),
            d_model=d,
            n_heads=h,
            d_k=dk,
            w_q=_array(data, "w_q", (h, d, dk), where),
            w_k=_array(data, "w_k", (h, d, dk), where),
            w_v=_array(data, "w_v", (h, d, dk), where),
            w_o=_array(data, "w_o", (h * dk, d), where),
            head_names=tuple(names),
            head_purposes=tuple(purposes),
            head_mask=_array(data, "head_mask", (h,), where),
            scale=_field(data, "scale", bool, where),
            causal=_field(data, "causal", bool, where),
            temperature=check_temperature(_field(data, "temperature", (int, float), where)),
            positions=check_positions(_field(data, "positions", str, where)),
            position_scale=float(position_scale),
            seed=_field(data, "seed", int, where),
            preset=_field(data, "preset", str, where),
            word_overrides=tuple(overrides),
        )
    except SessionFileError:
        raise
    except ValueError as exc:  # the state's own checks (tokens, temperature, positions)
        raise SessionFileError(f"{where}: {exc}") from None
