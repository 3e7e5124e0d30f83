"""Presets: read from data, built into matrices, and doing what each one promises."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.presets import PresetError, build_matrix, load_presets, parse_preset, preset_file
from app.session import Session

SLUGS = ["bank", "example-weights", "red-car", "bank-account", "by-hand"]


@pytest.fixture
def session(qapp):
    return Session()


def weights_for(session, slug, **changes):
    session.load_preset(slug)
    for name, value in changes.items():
        getattr(session, f"set_{name}")(value)
    s = session.snapshot
    return s.state.tokens, s.result.weights, list(s.state.head_names)


def top_other(row: np.ndarray, self_index: int) -> int:
    """The key with the largest weight, the query itself aside."""
    masked = row.copy()
    masked[self_index] = -1
    return int(np.argmax(masked))


def test_every_preset_is_listed_with_names_and_purposes():
    """All five presets load from resources/, each head with a name and a purpose."""
    presets = load_presets()
    assert list(presets) == SLUGS
    for p in presets.values():
        assert p.name and p.purpose and p.sentence
        assert all(h.name and h.purpose for h in p.heads)


def test_loading_a_preset_is_one_undo_step(session):
    """Loading replaces sentence, heads and settings; one undo brings the old work back."""
    before = session.state
    session.load_preset("red-car")
    assert session.state.tokens == ("The", "red", "car")
    assert session.state.n_heads == 4 and session.state.preset == "red-car"
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert session.state is before


def test_bank_context_head_tells_the_two_banks_apart(session):
    """Positions on: bank 1 looks most at deposit or money, bank 2 at river (itself aside)."""
    tokens, w, names = weights_for(session, "bank")
    ctx = names.index("Context")
    first, second = 4, 11
    assert tokens[first] == tokens[second] == "bank"
    assert tokens[top_other(w[ctx, first], first)] in ("deposit", "money")
    assert tokens[top_other(w[ctx, second], second)] == "river"


def test_bank_without_positions_gives_identical_rows(session):
    """Positions off: the two banks are the same input, so their rows are identical."""
    _, w, _ = weights_for(session, "bank", positions="none")
    np.testing.assert_allclose(w[:, 4], w[:, 11], rtol=1e-12)


def test_example_weights_are_the_explainers_numbers(session):
    """bank -> deposit 0.4, money 0.3, went 0.1, the 0.1, I 0.05, to 0.05 (each within 0.05)."""
    tokens, w, _ = weights_for(session, "example-weights")
    row = dict(zip(range(len(tokens)), w[0, tokens.index("bank")], strict=True))
    by_word = {}
    for i, t in enumerate(tokens):
        by_word.setdefault(t, []).append(row[i])
    expected = {"deposit": 0.4, "money": 0.3, "went": 0.1, "the": 0.1, "I": 0.05}
    for word, value in expected.items():
        assert by_word[word][0] == pytest.approx(value, abs=0.05), word
    for value in by_word["to"]:
        assert value == pytest.approx(0.05, abs=0.05)


def test_red_car_heads_specialise(session):
    """Adjective -> noun, determiner -> noun, previous word, same topic, as the explainer says."""
    tokens, w, names = weights_for(session, "red-car")
    the, red, car = 0, 1, 2
    assert tokens == ("The", "red", "car")
    assert top_other(w[names.index("Adjective \u2192 noun"), red], red) == car
    assert top_other(w[names.index("Determiner \u2192 noun"), the], the) == car
    prev = names.index("Previous word")
    assert np.argmax(w[prev, red]) == the and np.argmax(w[prev, car]) == red
    topic = names.index("Same topic")
    assert top_other(w[topic, red], red) == car and top_other(w[topic, car], car) == red


def test_bank_account_heads(session):
    """Finance links bank and account; verbs find the subject bank; close finds account; will is found."""
    tokens, w, names = weights_for(session, "bank-account")
    bank, will, close, account = (tokens.index(t) for t in ("bank", "will", "close", "account"))
    fin = names.index("Financial relation")
    assert top_other(w[fin, bank], bank) == account and top_other(w[fin, account], account) == bank
    subj = names.index("Subject")
    assert np.argmax(w[subj, will]) == bank and np.argmax(w[subj, close]) == bank
    assert np.argmax(w[names.index("Action \u2192 object"), close]) == account
    assert np.argmax(w[names.index("Future tense"), close]) == will


def test_by_hand_is_tiny_and_whole_numbered(session):
    """3 tokens, d_model 4, 2 heads, integer matrices: a paper exercise."""
    session.load_preset("by-hand")
    s = session.state
    assert (len(s.tokens), s.d_model, s.n_heads) == (3, 4, 2)
    for m in (s.w_q, s.w_k, s.w_v, s.w_o):
        np.testing.assert_array_equal(m, np.round(m))


@pytest.mark.parametrize("slug", SLUGS)
def test_preset_files_round_trip_as_json(slug):
    """Every preset file is plain JSON data that parses to the same preset."""
    data = json.loads(preset_file(slug).read_text(encoding="utf-8"))
    assert parse_preset(data).slug == slug


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d.pop("heads"), "missing 'heads'"),
        (lambda d: d.update(heads=[]), "1 to 16 heads"),
        (lambda d: d.update(d_model="16"), "'d_model' must be int"),
        (lambda d: d["heads"][0].pop("purpose"), "missing 'purpose'"),
    ],
)
def test_malformed_presets_are_refused(change, message):
    """A broken preset file gives a PresetError that names the problem."""
    data = json.loads(preset_file("by-hand").read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(PresetError, match=message):
        parse_preset(data, "by-hand.json")


def test_matrix_specs():
    """Rows and columns keyed by feature names; unknown features and bad lengths are refused."""
    features = ["finance", "nature", "water"]
    m = build_matrix({"gain": 2, "rows": {"nature": [1, 0]}}, (3, 2), features, "t")
    np.testing.assert_array_equal(m, [[0, 0], [2, 0], [0, 0]])
    o = build_matrix({"columns": {"water": [1, 3]}}, (2, 3), features, "t")
    np.testing.assert_array_equal(o, [[0, 0, 1], [0, 0, 3]])
    with pytest.raises(PresetError, match="unknown feature 'money'"):
        build_matrix({"rows": {"money": [1, 0]}}, (3, 2), features, "t")
    with pytest.raises(PresetError, match="expected 2 finite numbers"):
        build_matrix({"rows": {"nature": [1, 0, 0]}}, (3, 2), features, "t")


def test_unknown_preset_names_the_choices(session):
    """Asking for a preset that does not exist lists the ones that do."""
    with pytest.raises(ValueError, match="bank, example-weights"):
        session.load_preset("nope")
