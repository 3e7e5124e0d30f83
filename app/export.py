"""Write what the app computed to files: ``.npz``, ``.json`` and ``.csv``.

``.npz`` and ``.json`` hold every array, named as in the engine contract. ``.csv``
holds one tidy table (one row per query-key pair per head, or per matrix entry), the
shape spreadsheets and plotting tools read best. Every write is atomic.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np

EXPORT_SUFFIXES = (".npz", ".json", ".csv")


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


def weights_table(snapshot) -> tuple[list[str], list[list]]:
    """One row per head, query and key: the names and every stage's number."""
    s, r = snapshot.state, snapshot.result
    header = [
        "head",
        "head_name",
        "query_index",
        "query",
        "key_index",
        "key",
        "score",
        "logit",
        "weight",
        "masked",
    ]
    rows = []
    for h in range(s.n_heads):
        for i, q in enumerate(s.tokens):
            for j, k in enumerate(s.tokens):
                masked = bool(np.isneginf(r.logits[h, i, j]))
                logit = "" if masked else repr(float(r.logits[h, i, j]))
                rows.append(
                    [h + 1, s.head_names[h], i, q, j, k, repr(float(r.scores[h, i, j])), logit,
                     repr(float(r.weights[h, i, j])), masked]
                )  # fmt: skip
    return header, rows


def matrices_table(state, feature_names) -> tuple[list[str], list[list]]:
    """One row per entry of every head's W_Q, W_K, W_V and W_O block, with row and column names."""
    header = ["matrix", "head", "head_name", "row", "row_name", "column", "column_name", "value"]
    rows = []
    dk = state.d_k
    for h in range(state.n_heads):
        blocks = {
            "W_Q": state.w_q[h],
            "W_K": state.w_k[h],
            "W_V": state.w_v[h],
            "W_O": state.w_o[h * dk : (h + 1) * dk],
        }
        for name, m in blocks.items():
            row_names = [str(e + 1) for e in range(dk)] if name == "W_O" else feature_names
            col_names = feature_names if name == "W_O" else [str(e + 1) for e in range(dk)]
            for a in range(m.shape[0]):
                for b in range(m.shape[1]):
                    rows.append(
                        [
                            name,
                            h + 1,
                            state.head_names[h],
                            a,
                            row_names[a],
                            b,
                            col_names[b],
                            repr(float(m[a, b])),
                        ]
                    )
    return header, rows


def table_text(header, rows, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def snapshot_json(snapshot) -> dict:
    """Every array as nested lists; -inf (masked logits) written as null."""
    out = {}
    for name, arr in snapshot_arrays(snapshot).items():
        if arr.dtype.kind in "US":
            out[name] = arr.tolist()
        else:
            values = arr.astype(float)
            out[name] = (
                np.where(np.isfinite(values), values, np.nan).tolist() if values.ndim else float(values)
            )
    return _nan_to_none(out)


def _nan_to_none(value):
    if isinstance(value, float):
        return None if value != value else value
    if isinstance(value, list):
        return [_nan_to_none(v) for v in value]
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    return value


def export_snapshot(path, snapshot, feature_names=None) -> Path:
    """Write the snapshot in the format the file's suffix names (.npz, .json or .csv)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".npz":
        arrays = snapshot_arrays(snapshot)
        atomic_write_bytes(path, lambda f: np.savez(f, **arrays))
    elif suffix == ".json":
        data = json.dumps(snapshot_json(snapshot), indent=1, allow_nan=False).encode("utf-8")
        atomic_write_bytes(path, lambda f: f.write(data))
    elif suffix == ".csv":
        data = table_text(*weights_table(snapshot)).encode("utf-8")
        atomic_write_bytes(path, lambda f: f.write(data))
    else:
        raise ValueError(f"Export to {path.name}: use a name ending in {', '.join(EXPORT_SUFFIXES)}.")
    return path


def export_npz(path, snapshot) -> Path:
    """The .npz export (kept for callers that name the format)."""
    if Path(path).suffix.lower() != ".npz":
        raise ValueError(f"Export to {Path(path).name}: this export writes .npz files.")
    return export_snapshot(path, snapshot)
