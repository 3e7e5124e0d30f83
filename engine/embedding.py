"""The hand-built, interpretable embedding space: one named feature per column.

Random vectors show noise, not meaning, so the default mode embeds words with a
lexicon (``resources/lexicon.json``) in which every column is a feature a teacher can
name ("finance", "nature", ...) and every known word sets a few of them.

Every token also has a *spelling vector*: ``d_model`` pseudo-random numbers of total
length :data:`SPELLING_NORM`, seeded by a BLAKE2b hash of the token's lookup form, so
it is the same in every process and on every machine (Python's ``hash()`` is not).

- A known word gets its lexicon values in the named columns and its spelling vector
  in the columns beyond them ("spelling 1", "spelling 2", ...).
- An unknown word or a punctuation mark gets its spelling vector in every column: a
  short arrow in a fixed direction, so identical tokens always get identical rows.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np

from engine.tokenizer import normalize, tokenize

__all__ = ["FORMAT_VERSION", "SPELLING_NORM", "Feature", "FeatureSpace"]

FORMAT_VERSION = 1
SPELLING_NORM = 0.3
SPELLING_DESCRIPTION = "a fixed pseudo-random value from the word's letters"
_TOP_KEYS = frozenset({"version", "features", "words"})


@dataclass(frozen=True)
class Feature:
    """One named column of the embedding space."""

    name: str
    description: str


class FeatureSpace:
    """Named features and the words that set them; turns tokens into vectors.

    Build one with :meth:`from_dict` or :meth:`from_json`, which validate the data.

    Attributes
    ----------
    features : tuple of Feature
        The named columns, in column order.
    words : Mapping[str, Mapping[str, float]]
        Read-only lexicon: lookup form -> {feature name: value}.
    """

    def __init__(self, features: Sequence[Feature], words: Mapping[str, Mapping]):
        self.features = tuple(features)
        self.words = MappingProxyType({w: MappingProxyType(dict(vals)) for w, vals in words.items()})
        column = {f.name: j for j, f in enumerate(self.features)}
        self._row = {w: i for i, w in enumerate(self.words)}
        # One dense row per known word, so embedding is a copy, not a dict walk.
        self._table = np.zeros((len(self.words), len(self.features)))
        for i, vals in enumerate(self.words.values()):
            for name, value in vals.items():
                self._table[i, column[name]] = value
        self._table.setflags(write=False)

    def __repr__(self) -> str:
        return f"FeatureSpace({self.n_named} features, {len(self.words)} words)"

    @classmethod
    def from_dict(cls, data: Mapping) -> FeatureSpace:
        """Validate parsed lexicon data and build a feature space.

        Raises
        ------
        ValueError
            With a sentence naming what is wrong, for anything malformed.
        """
        if not isinstance(data, Mapping):
            raise ValueError("The lexicon must be a JSON object at the top level.")
        missing = sorted(_TOP_KEYS - set(data))
        if missing:
            raise ValueError(f"The lexicon is missing the key(s): {', '.join(missing)}.")
        extra = sorted(str(k) for k in set(data) - _TOP_KEYS)
        if extra:
            raise ValueError(f"The lexicon has unknown key(s): {', '.join(extra)}.")
        version = data["version"]
        if type(version) is not int or version != FORMAT_VERSION:
            raise ValueError(f"The lexicon version must be {FORMAT_VERSION}, got {version!r}.")
        features = _parse_features(data["features"])
        words = _parse_words(data["words"], [f.name for f in features])
        return cls(features, words)

    @classmethod
    def from_json(cls, path: str | Path) -> FeatureSpace:
        """Read, validate and build a feature space from a lexicon JSON file."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as exc:
            raise ValueError(f"The lexicon file {path} is not valid JSON: {exc}") from exc
        return cls.from_dict(data)

    @property
    def n_named(self) -> int:
        """Number of named feature columns."""
        return len(self.features)

    def feature_names(self, d_model: int) -> list[str]:
        """Return the labels of the first ``d_model`` columns."""
        d_model = _check_d_model(d_model)
        names = [f.name for f in self.features[:d_model]]
        return names + [f"spelling {k}" for k in range(1, d_model - len(names) + 1)]

    def feature_descriptions(self, d_model: int) -> list[str]:
        """Return one plain-English description per column, like :meth:`feature_names`."""
        d_model = _check_d_model(d_model)
        texts = [f.description for f in self.features[:d_model]]
        return texts + [SPELLING_DESCRIPTION] * (d_model - len(texts))

    def is_known(self, token: str) -> bool:
        """True if the token's lookup form is in the lexicon."""
        return normalize(token) in self._row

    def embed(self, tokens: Sequence[str], d_model: int) -> np.ndarray:
        """Embed tokens as rows of a float64 matrix.

        Parameters
        ----------
        tokens : sequence of str
            Tokens as shown (case and form do not matter: lookup uses ``normalize``).
        d_model : int
            Number of columns (>= 1). Below ``n_named`` the named columns are cut
            off; above it the extra columns are spelling columns.

        Returns
        -------
        ndarray, shape (len(tokens), d_model), float64
            A new, writable array.
        """
        d_model = _check_d_model(d_model)
        if isinstance(tokens, str):
            raise TypeError("embed() needs a list of tokens, not one string.")
        n_cols = min(d_model, self.n_named)
        out = np.empty((len(tokens), d_model))
        for r, token in enumerate(tokens):
            if not isinstance(token, str):
                raise TypeError(f"Token {r} is a {type(token).__name__}, not a str.")
            key = normalize(token)
            out[r] = _spelling_vector(key, d_model)
            row = self._row.get(key)
            if row is not None:
                out[r, :n_cols] = self._table[row, :n_cols]
        return out


@lru_cache(maxsize=8192)
def _spelling_vector(key: str, d_model: int) -> np.ndarray:
    """Return the fixed pseudo-random vector of a lookup form (read-only).

    Its length is exactly :data:`SPELLING_NORM` and it depends only on ``key`` and
    ``d_model``, never on the process (BLAKE2b, not Python's salted ``hash()``).
    """
    digest = hashlib.blake2b(
        key.encode("utf-8", "surrogatepass"), digest_size=16, person=b"attnlab-spell"
    ).digest()
    rng = np.random.default_rng(int.from_bytes(digest, "little"))
    vec = rng.standard_normal(d_model)
    norm = float(np.linalg.norm(vec))
    if norm == 0.0:  # astronomically unlikely, but never divide by zero
        vec, norm = np.ones(d_model), math.sqrt(d_model)
    vec *= SPELLING_NORM / norm
    vec.setflags(write=False)  # cached: callers must not change it
    return vec


def _check_d_model(d_model: object) -> int:
    """Return ``d_model`` as an int, or raise ValueError if it is not an int >= 1."""
    if isinstance(d_model, bool) or not isinstance(d_model, numbers.Integral):
        raise ValueError(f"d_model must be a whole number, got {d_model!r}.")
    if d_model < 1:
        raise ValueError(f"d_model must be at least 1, got {d_model}.")
    return int(d_model)


def _parse_features(raw: object) -> list[Feature]:
    """Validate the ``features`` list of a lexicon."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("The lexicon's 'features' must be a non-empty list.")
    features: list[Feature] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or set(item) != {"name", "description"}:
            raise ValueError(f"Feature {i} must be an object with exactly 'name' and 'description'.")
        name, text = item["name"], item["description"]
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"Feature {i} needs a non-empty name.")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"Feature {name!r} needs a non-empty description.")
        if any(f.name == name for f in features):
            raise ValueError(f"The feature {name!r} is listed twice.")
        features.append(Feature(name, text))
    return features


def _parse_words(raw: object, names: list[str]) -> dict[str, dict[str, float]]:
    """Validate the ``words`` object of a lexicon."""
    if not isinstance(raw, Mapping):
        raise ValueError("The lexicon's 'words' must be an object of word -> features.")
    known = set(names)
    words: dict[str, dict[str, float]] = {}
    for word, vals in raw.items():
        if not isinstance(word, str) or not word or normalize(word) != word:
            raise ValueError(
                f"The word {word!r} must be written in lookup form "
                f"(lower case, NFC), e.g. {normalize(str(word))!r}."
            )
        if tokenize(word) != [word]:
            raise ValueError(f"The word {word!r} is not a single token, so no text could match it.")
        if not isinstance(vals, Mapping) or not vals:
            raise ValueError(f"The word {word!r} must set at least one feature.")
        for name, value in vals.items():
            if name not in known:
                raise ValueError(
                    f"The word {word!r} uses the unknown feature {name!r}; "
                    f"known features are: {', '.join(names)}."
                )
            if not _is_unit_number(value):
                raise ValueError(
                    f"The value of {name!r} for {word!r} must be a number between -1 and 1, got {value!r}."
                )
        words[word] = {name: float(value) for name, value in vals.items()}
    return words


def _is_unit_number(value: object) -> bool:
    """True for a finite real number in [-1, 1] (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    return math.isfinite(value) and -1.0 <= value <= 1.0


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    """JSON hook: a key written twice would silently lose one entry, so refuse it."""
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"The lexicon file has the key {key!r} twice.")
        result[key] = value
    return result
