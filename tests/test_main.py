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
