"""Tests of engine.embedding and of the lexicon in resources/."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np
import pytest

from engine.embedding import SPELLING_NORM, FeatureSpace
from engine.tokenizer import normalize, tokenize

LEXICON = Path(__file__).parents[2] / "resources" / "lexicon.json"

FEATURES = [
    "finance", "nature", "water", "place", "vehicle", "colour", "emotion", "time",
    "person", "action", "noun", "verb", "adjective", "determiner", "pronoun",
    "preposition",
]  # fmt: skip

LESSON_TEXTS = [
    "I went to the bank to deposit money near the river bank.",
    "The bank will close the account",
    "The red car",
    "The cat sat on the mat",
    "Every person at the dinner party can tune in to everyone at the table",
    "translation, sentence, context, attention, word, query, key, value, head.",
]

SMALL = {
    "version": 1,
    "features": [
        {"name": "finance", "description": "money"},
        {"name": "nature", "description": "trees"},
    ],
    "words": {"bank": {"finance": 0.8, "nature": 0.5}, "tree": {"nature": 1.0}},
}


@pytest.fixture(scope="module")
def space() -> FeatureSpace:
    """The shipped lexicon, loaded once for the module."""
    return FeatureSpace.from_json(LEXICON)


def vec(space: FeatureSpace, word: str) -> np.ndarray:
    """One word's named-feature vector."""
    return space.embed([word], space.n_named)[0]


def test_lexicon_has_the_sixteen_features_in_order(space):
    """The shipped lexicon names exactly the agreed features, each described."""
    assert space.feature_names(16) == FEATURES
    assert all(text.strip() for text in space.feature_descriptions(16))


@pytest.mark.parametrize("text", LESSON_TEXTS)
def test_lexicon_covers_every_lesson_word(space, text):
    """Every word of the lesson sentences is in the lexicon."""
    words = [t for t in tokenize(text) if any(ch.isalnum() for ch in t)]
    assert [w for w in words if not space.is_known(w)] == []


def test_lexicon_is_broad(space):
    """Beyond the lessons, a few hundred common words are covered."""
    assert len(space.words) >= 180


def test_lexicon_keys_are_single_lookup_tokens(space):
    """Every key is in lookup form and is one token, so typed text can match it."""
    for word in space.words:
        assert normalize(word) == word
        assert tokenize(word) == [word]


def test_bank_is_near_money_and_river_but_they_are_not_near_each_other(space):
    """Ambiguous "bank" shares features with both senses; the senses share little."""
    bank, money, river = (vec(space, w) for w in ("bank", "money", "river"))
    assert bank @ money > 0.5
    assert bank @ river > 0.5
    assert abs(money @ river) < 0.15


def test_teacher_facing_feature_choices(space):
    """A few entries a lesson relies on set the features a teacher would name."""

    def features_of(word: str) -> dict:
        return dict(space.words[word])

    assert features_of("red").keys() >= {"colour", "adjective"}
    assert features_of("car").keys() >= {"vehicle", "noun"}
    assert features_of("river").keys() >= {"nature", "water"}
    assert features_of("the").keys() == {"determiner"}
    assert features_of("i").keys() >= {"pronoun", "person"}
    assert features_of("near").keys() >= {"preposition", "place"}
    assert features_of("will").get("time", 0) > 0.5
    assert features_of("deposit")["finance"] > 0.5
    assert features_of("happy")["emotion"] > 0 > features_of("sad")["emotion"]


def test_known_word_uses_lexicon_values_and_ignores_case(space):
    """A known word's named columns are its lexicon values, whatever its case."""
    x = space.embed(["Bank", "BANK", "bank"], 16)
    assert x[0, FEATURES.index("finance")] == 0.8
    assert np.array_equal(x[0], x[1]) and np.array_equal(x[1], x[2])


def test_nfc_equivalent_tokens_embed_identically(space):
    """Decomposed and precomposed accents give the same vector."""
    x = space.embed(["cafe\u0301", "caf\u00e9"], 20)
    assert np.array_equal(x[0], x[1])


def test_identical_tokens_get_identical_rows(space):
    """Both "bank"s and both "the"s of the sentence have equal rows (no positions)."""
    tokens = tokenize(LESSON_TEXTS[0])
    x = space.embed(tokens, 24)
    assert np.array_equal(x[4], x[11]) and np.array_equal(x[3], x[9])


def test_unknown_words_are_small_deterministic_and_distinct(space):
    """Unknown words get a fixed short vector of their own across all columns."""
    first = space.embed(["zorblax", "quindle", "."], 16)
    again = space.embed(["zorblax", "quindle", "."], 16)
    assert np.array_equal(first, again)
    assert not np.allclose(first[0], first[1])
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), SPELLING_NORM)
    assert np.count_nonzero(first[0]) == 16


def test_unknown_vector_is_a_fixed_value_across_processes(space):
    """The spelling hash is not Python's salted hash(): a value pinned here guards that.

    If NumPy ever changes its generator's stream, this fails first, before saved
    sessions quietly show different numbers.
    """
    pinned = [-0.04606595100656275, -0.06437941215467512, -0.27005109394141297, 0.1039501135618696]
    np.testing.assert_allclose(space.embed(["zorblax"], 4)[0], pinned, rtol=1e-12)


def test_punctuation_is_unknown_but_embedded(space):
    """Punctuation is not in the lexicon and gets a small spelling vector."""
    assert not space.is_known(".")
    assert math.isclose(np.linalg.norm(space.embed(["."], 8)[0]), SPELLING_NORM)


def test_spelling_columns_follow_named_ones(space):
    """Above 16 columns, known words carry a small spelling part in the extra columns."""
    names = space.feature_names(19)
    assert names[16:] == ["spelling 1", "spelling 2", "spelling 3"]
    assert space.feature_descriptions(19)[16] == ("a fixed pseudo-random value from the word's letters")
    x = space.embed(["bank"], 19)[0]
    assert np.array_equal(x[:16], vec(space, "bank"))
    assert 0 < np.linalg.norm(x[16:]) < SPELLING_NORM


def test_small_d_model_truncates_named_columns(space):
    """With d_model below 16 only the first named features remain."""
    assert space.feature_names(3) == ["finance", "nature", "water"]
    np.testing.assert_array_equal(space.embed(["bank"], 3)[0], [0.8, 0.4, 0.4])


def test_shapes_and_dtype(space):
    """embed returns (n, d_model) float64, and (0, d_model) for no tokens."""
    assert space.embed([], 7).shape == (0, 7)
    x = space.embed(["the", "red", "car"], 1)
    assert x.shape == (3, 1) and x.dtype == np.float64


@pytest.mark.parametrize("d_model", [0, -3, 2.5, "16", None, True])
def test_bad_d_model_is_rejected(space, d_model):
    """d_model must be a whole number of at least 1."""
    with pytest.raises(ValueError, match="d_model"):
        space.embed(["bank"], d_model)
    with pytest.raises(ValueError, match="d_model"):
        space.feature_names(d_model)


def test_small_dict_builds(space):
    """A minimal valid lexicon dict builds and embeds as written."""
    small = FeatureSpace.from_dict(SMALL)
    np.testing.assert_array_equal(small.embed(["bank"], 2), [[0.8, 0.5]])
    assert small.is_known("Tree") and not small.is_known("car")


def _broken(change) -> dict:
    """A copy of SMALL with one change applied."""
    data = copy.deepcopy(SMALL)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("words"), "missing"),
        (lambda d: d.pop("features"), "missing"),
        (lambda d: d.update(version=2), "version"),
        (lambda d: d.update(version="1"), "version"),
        (lambda d: d.update(extra=1), "unknown key"),
        (lambda d: d.update(features=[]), "non-empty list"),
        (lambda d: d["features"].append({"name": "finance", "description": "x"}), "twice"),
        (lambda d: d["features"].append({"name": "time"}), "description"),
        (lambda d: d["features"][0].update(name=""), "name"),
        (lambda d: d["words"].update(car={"vehicle": 1.0}), "unknown feature"),
        (lambda d: d["words"].update(car={"finance": "high"}), "number"),
        (lambda d: d["words"].update(car={"finance": float("nan")}), "number"),
        (lambda d: d["words"].update(car={"finance": float("inf")}), "number"),
        (lambda d: d["words"].update(car={"finance": 1.5}), "between -1 and 1"),
        (lambda d: d["words"].update(car={"finance": True}), "number"),
        (lambda d: d["words"].update(car={}), "at least one"),
        (lambda d: d["words"].update(Car={"finance": 0.1}), "lookup form"),
        (lambda d: d["words"].update({"ice cream": {"finance": 0.1}}), "single token"),
        (lambda d: d.update(words=["bank"]), "words"),
    ],
)
def test_malformed_lexicon_raises_value_error(change, message):
    """Each kind of malformed lexicon is refused with a message saying what is wrong."""
    with pytest.raises(ValueError, match=message):
        FeatureSpace.from_dict(_broken(change))


def test_top_level_must_be_an_object():
    """A JSON list instead of an object is refused."""
    with pytest.raises(ValueError, match="object"):
        FeatureSpace.from_dict([SMALL])  # type: ignore[arg-type]


def test_bad_json_file_raises_value_error(tmp_path):
    """Invalid JSON and duplicate keys in a file are ValueErrors naming the problem."""
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        FeatureSpace.from_json(bad)
    text = json.dumps(SMALL).replace('"words": {', '"words": {"tree": {"nature": 0.1}, ')
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="twice"):
        FeatureSpace.from_json(bad)


def test_embed_rejects_a_bare_string(space):
    """Passing a sentence instead of a token list is caught, not embedded per letter."""
    with pytest.raises(TypeError):
        space.embed("bank", 16)  # type: ignore[arg-type]
