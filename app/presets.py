"""Presets: hand-built heads stored as data in ``resources/presets/*.json``.

A preset names a sentence, the settings, and for every head a name, a one-line
purpose and its matrices. Matrices are written in the language of the hand-built
space, so a teacher can read why a head does what it does::

    "w_q": {"gain": 3, "rows": {"finance": [1, 0], "nature": [0, 1]}}

means "W_Q copies the finance feature into query column 1 and nature into column 2,
times 3". Other forms: ``"zeros"``, ``"identity"``, ``{"random": SEED}``, and for W_O
``"transpose_v"`` (write each value column back into the feature it came from) or
``{"columns": {"finance": [...]}}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.resources import resource_path, resources_dir
from app.state import MAX_HEADS, SessionState, check_positions, check_temperature, check_tokens
from engine.initializers import identity_like, random_matrix

FORMAT_VERSION = 1


@dataclass(frozen=True)
class HeadPreset:
    name: str
    purpose: str
    specs: dict  # "w_q", "w_k", "w_v", "w_o" -> matrix spec


@dataclass(frozen=True)
class Preset:
    """One preset as read from its file."""

    slug: str
    name: str
    purpose: str
    sentence: str
    d_model: int
    d_k: int
    settings: dict
    heads: tuple[HeadPreset, ...]


class PresetError(ValueError):
    """A preset file that cannot be used; the message names the file and the problem."""


# --- reading files --------------------------------------------------------------------------


def _require(data: dict, key: str, kind, where: str):
    if key not in data:
        raise PresetError(f"{where}: missing {key!r}.")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise PresetError(f"{where}: {key!r} must be {getattr(kind, '__name__', kind)}.")
    return value


def parse_preset(data: dict, where: str = "preset") -> Preset:
    """Check a preset's structure (not yet its matrices, which need the feature names)."""
    if not isinstance(data, dict):
        raise PresetError(f"{where}: the file must hold one JSON object.")
    if data.get("version") != FORMAT_VERSION:
        raise PresetError(f"{where}: version must be {FORMAT_VERSION}, not {data.get('version')!r}.")
    heads_data = _require(data, "heads", list, where)
    if not 1 <= len(heads_data) <= MAX_HEADS:
        raise PresetError(f"{where}: a preset has 1 to {MAX_HEADS} heads, not {len(heads_data)}.")
    heads = []
    for i, h in enumerate(heads_data):
        hw = f"{where}, head {i + 1}"
        if not isinstance(h, dict):
            raise PresetError(f"{hw}: must be an object.")
        specs = {m: h.get(m, "zeros") for m in ("w_q", "w_k", "w_v", "w_o")}
        heads.append(HeadPreset(_require(h, "name", str, hw), _require(h, "purpose", str, hw), specs))
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise PresetError(f"{where}: 'settings' must be an object.")
    return Preset(
        slug=_require(data, "slug", str, where),
        name=_require(data, "name", str, where),
        purpose=_require(data, "purpose", str, where),
        sentence=_require(data, "sentence", str, where),
        d_model=_require(data, "d_model", int, where),
        d_k=_require(data, "d_k", int, where),
        settings=settings,
        heads=tuple(heads),
    )


@lru_cache(maxsize=1)
def load_presets() -> dict[str, Preset]:
    """Every preset in ``resources/presets``, by slug, in the order of their ``order`` key."""
    folder = resources_dir() / "presets"
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise PresetError(f"{path.name}: not readable JSON ({exc}).") from None
        found.append((data.get("order", 99) if isinstance(data, dict) else 99, parse_preset(data, path.name)))
    found.sort(key=lambda item: item[0])
    return {p.slug: p for _, p in found}


def preset_slugs() -> list[str]:
    return list(load_presets())


def get_preset(slug: str) -> Preset:
    presets = load_presets()
    if slug not in presets:
        raise ValueError(f"There is no preset {slug!r}; choose one of: {', '.join(presets)}.")
    return presets[slug]


# --- building matrices -----------------------------------------------------------------------


def _feature_index(name: str, features: list[str], where: str) -> int:
    if name in features:
        return features.index(name)
    raise PresetError(f"{where}: unknown feature {name!r}; the features are {', '.join(features)}.")


def _vector(values, length: int, where: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.shape != (length,) or not np.isfinite(arr).all():
        raise PresetError(f"{where}: expected {length} finite numbers, got {values!r}.")
    return arr


def build_matrix(spec, shape: tuple[int, int], features: list[str], where: str, v_matrix=None) -> np.ndarray:
    """One matrix from its spec; ``shape`` is (rows, cols)."""
    rows, cols = shape
    if spec == "zeros":
        return np.zeros(shape)
    if spec == "identity":
        return identity_like(rows, cols)
    if spec == "transpose_v":
        if v_matrix is None:
            raise PresetError(f"{where}: 'transpose_v' is only for W_O.")
        return v_matrix.T.copy()
    if not isinstance(spec, dict):
        raise PresetError(
            f"{where}: a matrix is 'zeros', 'identity', 'transpose_v' or an object, not {spec!r}."
        )
    gain = float(spec.get("gain", 1.0))
    if "random" in spec:
        return random_matrix(int(spec["random"]), rows, cols, gain=gain)
    m = np.zeros(shape)
    for name, values in spec.get("rows", {}).items():  # rows keyed by input feature
        m[_feature_index(name, features, where)] = _vector(values, cols, f"{where}, row {name!r}")
    for name, values in spec.get("columns", {}).items():  # W_O: columns keyed by output feature
        m[:, _feature_index(name, features, where)] = _vector(values, rows, f"{where}, column {name!r}")
    return gain * m


def preset_state(preset: Preset, tokenize, feature_names) -> SessionState:
    """The session state a preset describes."""
    where = f"preset {preset.slug!r}"
    features = feature_names(preset.d_model)
    d, dk = preset.d_model, preset.d_k
    w = {"w_q": [], "w_k": [], "w_v": [], "w_o": []}
    for i, head in enumerate(preset.heads):
        hw = f"{where}, head {i + 1} ({head.name})"
        for m in ("w_q", "w_k", "w_v"):
            w[m].append(build_matrix(head.specs[m], (d, dk), features, f"{hw}, {m}"))
        w["w_o"].append(
            build_matrix(head.specs["w_o"], (dk, d), features, f"{hw}, w_o", v_matrix=w["w_v"][-1])
        )
    s = preset.settings
    n_heads = len(preset.heads)
    return SessionState(
        tokens=check_tokens(tokenize(preset.sentence)),
        d_model=d,
        n_heads=n_heads,
        d_k=dk,
        w_q=np.stack(w["w_q"]),
        w_k=np.stack(w["w_k"]),
        w_v=np.stack(w["w_v"]),
        w_o=np.concatenate(w["w_o"], axis=0),
        head_names=tuple(h.name for h in preset.heads),
        head_purposes=tuple(h.purpose for h in preset.heads),
        scale=bool(s.get("scale", True)),
        causal=bool(s.get("causal", False)),
        temperature=check_temperature(s.get("temperature", 1.0)),
        positions=check_positions(s.get("positions", "sinusoidal")),
        position_scale=float(s.get("position_scale", 0.5)),
        head_mask=np.ones(n_heads),
        preset=preset.slug,
    )


def preset_file(slug: str):
    return resource_path("presets", f"{slug}.json")
