"""Exports: .npz, .json and .csv hold the numbers the app shows, and bad names are refused."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from app.export import export_snapshot, matrices_table, table_text, weights_table
from app.session import Session


@pytest.fixture
def snapshot(qapp):
    s = Session()
    s.load_preset("red-car")
    s.set_causal(True)
    return s.snapshot


def test_npz_has_every_stage(snapshot, tmp_path):
    """The .npz holds tokens, matrices and every stage, equal to the result."""
    path = export_snapshot(tmp_path / "a.npz", snapshot)
    with np.load(path) as data:
        np.testing.assert_array_equal(data["weights"], snapshot.result.weights)
        assert list(data["head_names"]) == list(snapshot.state.head_names)


def test_json_round_trips_the_numbers(snapshot, tmp_path):
    """The .json holds the same numbers; masked logits (-inf) are written as null."""
    path = export_snapshot(tmp_path / "a.json", snapshot)
    data = json.loads(path.read_text())
    np.testing.assert_array_equal(np.array(data["weights"]), snapshot.result.weights)
    assert data["tokens"] == ["The", "red", "car"]
    assert data["logits"][0][0][1] is None  # causal: key 1 is masked for query 0
    assert data["causal"] is True or data["causal"] == 1.0


def test_csv_is_a_tidy_table_of_every_pair(snapshot, tmp_path):
    """One row per head, query and key, with score, logit and weight, read back exactly."""
    path = export_snapshot(tmp_path / "a.csv", snapshot)
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    h, n = snapshot.result.weights.shape[:2]
    assert len(rows) == h * n * n
    row = next(r for r in rows if r["head"] == "2" and r["query"] == "red" and r["key"] == "car")
    assert float(row["weight"]) == snapshot.result.weights[1, 1, 2]
    masked = next(r for r in rows if r["head"] == "1" and r["query_index"] == "0" and r["key_index"] == "2")
    assert masked["masked"] == "True" and masked["logit"] == "" and float(masked["weight"]) == 0.0


def test_matrices_table_names_rows_and_columns(snapshot):
    """Matrix entries are listed with feature names and head columns."""
    header, rows = matrices_table(snapshot.state, [f"f{i}" for i in range(16)])
    assert header[0] == "matrix"
    s = snapshot.state
    assert len(rows) == s.n_heads * (3 * s.d_model * s.d_k + s.d_k * s.d_model)
    wq = next(r for r in rows if r[0] == "W_Q" and r[1] == 1 and r[4] == "f12" and r[6] == "1")
    assert float(wq[7]) == s.w_q[0, 12, 0]


def test_tab_separated_text_for_the_clipboard(snapshot):
    """'Copy as table' text is tab-separated with a header row."""
    text = table_text(*weights_table(snapshot), delimiter="\t")
    first = text.splitlines()[0].split("\t")
    assert first[:4] == ["head", "head_name", "query_index", "query"]


def test_unknown_suffix_is_refused(snapshot, tmp_path):
    """An export name with another ending says which endings work."""
    with pytest.raises(ValueError, match=".npz, .json, .csv"):
        export_snapshot(tmp_path / "a.xlsx", snapshot)
    assert not list(tmp_path.iterdir())
