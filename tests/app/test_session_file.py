"""Session files: round trips bit for bit, and every kind of bad file is refused cleanly."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.session import Session
from app.session_file import SessionFileError, load_session, save_session, state_to_dict
from app.version import __version__


@pytest.fixture
def session(qapp):
    s = Session()
    s.load_preset("red-car")
    s.set_cell("w_q", 1, 3, 1, 0.1 + 0.2)  # a float with no short decimal form
    s.set_word_vector("red", np.linspace(-1, 1, 16) / 3)
    s.set_temperature(0.731)
    s.set_causal(True)
    s.set_head_enabled(2, False)
    return s


def assert_same_state(a, b):
    da, db = state_to_dict(a), state_to_dict(b)
    assert da == db  # every float compared exactly: what is saved is what is loaded


def test_round_trip_is_exact(session, tmp_path):
    """Saving and opening gives the identical state, every float to the last bit."""
    path = save_session(tmp_path / "car.attnlab", session.state, lesson={"name": "bank", "step": 2})
    state, lesson = load_session(path)
    assert_same_state(state, session.state)
    np.testing.assert_array_equal(state.w_q, session.state.w_q)
    assert state.w_q[1, 3, 1] == 0.1 + 0.2
    assert lesson == {"name": "bank", "step": 2}
    assert list(tmp_path.iterdir()) == [path]  # atomic write left no temporary file


def test_opening_is_one_undo_step(session, tmp_path):
    """Opening a file replaces the work as one step; undo brings the previous work back."""
    path = save_session(tmp_path / "a.attnlab", session.state)
    other = Session()
    before = other.state
    state, _ = load_session(path)
    other.replace_state(state, "Open a.attnlab")
    assert other.state.tokens == ("The", "red", "car")
    other.undo_stack.undo()
    assert other.state is before


def _write(tmp_path, text: str, name="bad.attnlab"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _document(session) -> dict:
    return {"format": "attention-lab-session", "version": 1, "state": state_to_dict(session.state)}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(version=2), "newer Attention Lab"),
        (lambda d: d.update(format="something else"), "not an Attention Lab session"),
        (lambda d: d.pop("version"), "no format version"),
        (lambda d: d.pop("state"), "'state' section is missing"),
        (lambda d: d["state"].update(n_heads=3), "must hold 3 names"),
        (lambda d: d["state"].update(d_k=3), "has shape"),
        (lambda d: d["state"].update(d_model=200), "between 2 and 64"),
        (lambda d: d["state"].update(w_k="zeros"), "wrong type"),
        (lambda d: d["state"]["w_q"][0][0].__setitem__(0, "x"), "not a table of numbers"),
        (lambda d: d["state"].update(tokens=[]), "no tokens"),
        (lambda d: d["state"].update(tokens=["a"] * 65), "at most 64"),
        (lambda d: d["state"].update(tokens=["a", ""]), "non-empty"),
        (lambda d: d["state"].update(temperature=0), "Temperature must be between"),
        (lambda d: d["state"].update(positions="spiral"), "Positions must be one of"),
        (lambda d: d["state"].update(scale="yes"), "wrong type"),
        (lambda d: d["state"].update(head_names=["a"]), "'head_names' must hold 4"),
        (lambda d: d.update(lesson={"name": 3}), "'lesson'"),
    ],
)
def test_malformed_files_are_refused_with_a_reason(session, tmp_path, mutate, message):
    """Each kind of broken content gives a SessionFileError that says what is wrong."""
    doc = _document(session)
    mutate(doc)
    path = _write(tmp_path, json.dumps(doc))
    with pytest.raises(SessionFileError, match=message):
        load_session(path)


def test_truncated_file(session, tmp_path):
    """A file cut short is called truncated."""
    text = json.dumps(_document(session))
    path = _write(tmp_path, text[: len(text) // 2])
    with pytest.raises(SessionFileError, match="truncated"):
        load_session(path)


def test_nan_and_infinity_are_refused(session, tmp_path):
    """JSON's NaN/Infinity extensions never get into the matrices."""
    text = json.dumps(_document(session)).replace("0.3", "NaN", 1)
    with pytest.raises(SessionFileError, match="finite"):
        load_session(_write(tmp_path, text))


def test_binary_empty_and_missing_files(tmp_path):
    """Binary junk, an empty file and a missing file each get a clear message."""
    junk = tmp_path / "junk.attnlab"
    junk.write_bytes(bytes(range(256)))
    with pytest.raises(SessionFileError, match="not a text file|not valid JSON"):
        load_session(junk)
    with pytest.raises(SessionFileError, match="not valid JSON"):
        load_session(_write(tmp_path, ""))
    with pytest.raises(SessionFileError, match="could not be read"):
        load_session(tmp_path / "nope.attnlab")


def test_failed_open_leaves_the_session_untouched(session, tmp_path):
    """When a file is refused, the current work is exactly as it was."""
    before = session.state
    doc = _document(session)
    doc["version"] = 99
    with pytest.raises(SessionFileError):
        state, _ = load_session(_write(tmp_path, json.dumps(doc)))
        session.replace_state(state, "Open")
    assert session.state is before


def test_file_records_the_app_version(session, tmp_path):
    """The file says which version wrote it, for support questions."""
    path = save_session(tmp_path / "v.attnlab", session.state)
    assert json.loads(path.read_text())["app_version"] == __version__
