"""Write what the app computed to files: ``.npz`` for now, one array per stage."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np


def snapshot_arrays(snapshot) -> dict[str, np.ndarray]:
    """Every array a student or a script may want, named as in the engine contract."""
    s, r, e = snapshot.state, snapshot.result, snapshot.embedded
    return {
        "tokens": np.array(s.tokens, dtype=str),
        "head_names": np.array(s.head_names, dtype=str),
        "head_purposes": np.array(s.head_purposes, dtype=str),
        "preset": np.array(s.preset, dtype=str),
        "word_embeddings": e.words,
        "position_encodings": e.positions,
        "x": e.x,
        "w_q": s.w_q,
        "w_k": s.w_k,
        "w_v": s.w_v,
        "w_o": s.w_o,
        "head_mask": s.head_mask,
        "q": r.q,
        "k": r.k,
        "v": r.v,
        "scores": r.scores,
        "logits": r.logits,
        "weights": r.weights,
        "head_outputs": r.head_outputs,
        "concat": r.concat,
        "output": r.output,
        "scale": np.array(s.scale),
        "causal": np.array(s.causal),
        "temperature": np.array(s.temperature),
        "positions": np.array(s.positions, dtype=str),
    }


def atomic_write_bytes(path: Path, write) -> None:
    """Call ``write(fileobj)`` on a temporary file, then move it over ``path``.

    A crash or a full disk never leaves a half-written file where the old one was.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_npz(path, snapshot) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".npz":
        raise ValueError(f"Export to {path.name}: only .npz is supported for now.")
    arrays = snapshot_arrays(snapshot)
    atomic_write_bytes(path, lambda f: np.savez(f, **arrays))
    return path
