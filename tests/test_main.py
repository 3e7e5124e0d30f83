"""The command line: scriptable exports and screenshots for teachers and tests."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

import main


@pytest.fixture(autouse=True)
def _numba_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))


def test_headless_export_of_a_preset(qapp, tmp_path):
    """--preset with --export --headless writes the arrays and the per-head names."""
    out = tmp_path / "bank.npz"
    assert main.main(["--preset", "bank", "--export", str(out), "--headless"]) == 0
    with np.load(out) as data:
        for key in ("tokens", "x", "w_q", "w_k", "w_v", "w_o", "weights", "head_outputs", "output"):
            assert key in data.files
        assert list(data["head_names"]) == ["Context", "Grammar role"]
        assert data["tokens"][4] == "bank"
        assert data["weights"].shape == (2, 13, 13)


def test_sentence_and_heads_flags(qapp, tmp_path):
    """--sentence and --heads reach the exported result."""
    out = tmp_path / "car.npz"
    assert main.main(["--sentence", "The red car", "--heads", "3", "--export", str(out), "--headless"]) == 0
    with np.load(out) as data:
        assert list(data["tokens"]) == ["The", "red", "car"]
        assert data["weights"].shape == (3, 3, 3)


def test_screenshot_is_1600_by_1000(qapp, tmp_path):
    """--screenshot renders the main window offscreen at 1600x1000 and exits."""
    out = tmp_path / "shot.png"
    assert main.main(["--preset", "red-car", "--screenshot", str(out), "--no-warmup"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--preset", "nope", "--export", "x.npz", "--headless"], 2),
        (["--sentence", "   ", "--export", "x.npz", "--headless"], 2),
    ],
)
def test_bad_arguments_give_a_message_not_a_traceback(qapp, tmp_path, monkeypatch, capsys, argv, code):
    """A wrong preset or an empty sentence ends with exit code 2 and a sentence on stderr."""
    monkeypatch.chdir(tmp_path)
    assert main.main(argv) == code
    assert "attention-lab:" in capsys.readouterr().err


def test_headless_needs_export(capsys):
    """--headless alone has nothing to do, and says so."""
    with pytest.raises(SystemExit) as exc:
        main.main(["--headless"])
    assert exc.value.code == 2


def test_lesson_flag_sets_up_the_step(qapp, tmp_path):
    """--lesson NAME:STEP applies the lesson's set-up up to that step (here: causal mask on)."""
    out = tmp_path / "causal.json"
    assert main.main(["--lesson", "causal:2", "--export", str(out), "--headless"]) == 0
    import json

    data = json.loads(out.read_text())
    assert data["tokens"][:2] == ["The", "bank"] and data["causal"] in (True, 1.0)


def test_session_flag_opens_a_saved_session(qapp, tmp_path):
    """--session FILE opens what was saved; --export .csv writes the table of weights."""
    from app.session import Session
    from app.session_file import save_session

    s = Session()
    s.load_preset("by-hand")
    path = save_session(tmp_path / "hand.attnlab", s.state)
    out = tmp_path / "hand.csv"
    assert main.main(["--session", str(path), "--export", str(out), "--headless"]) == 0
    assert out.read_text().splitlines()[1].startswith("1,Finance and nature,0,money,0,money,")


def test_bad_session_file_is_a_message(qapp, tmp_path, capsys):
    """A malformed --session file ends with exit code 2 and says why."""
    bad = tmp_path / "bad.attnlab"
    bad.write_text("{")
    assert main.main(["--session", str(bad), "--export", str(tmp_path / "x.npz"), "--headless"]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_presentation_screenshot_is_1920_by_1080(qapp, tmp_path):
    """--presentation with --screenshot renders the classroom's 1920x1080."""
    out = tmp_path / "present.png"
    try:
        assert main.main(["--preset", "bank", "--presentation", "--screenshot", str(out), "--no-warmup"]) == 0
    finally:
        from ui.theme import apply_theme

        apply_theme(qapp)  # later tests expect the normal font
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1920, 1080)


def test_a_presentation_screenshot_process_exits_cleanly(tmp_path):
    """The process, not only main(): it crashed at exit (139) when PySide deleted the
    window during Python's finalisation. Twice, since the crash came about half the time."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(main.__file__).resolve().parent
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    # (a cold cache: a screenshot is computed by the NumPy twin and must not wait for Numba)
    for attempt in range(2):
        out = tmp_path / f"shot{attempt}.png"
        done = subprocess.run(
            [sys.executable, str(root / "main.py"), "--presentation", "--screenshot", str(out)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert QImage(str(out)).size().toTuple() == (1920, 1080)
