"""Where tokens and their vectors come from: a replaceable part of the session.

Today there is one source, the hand-built interpretable space (a lexicon of named
features). A real trained model or image patches will be other sources with the same
three methods, so the session and the views do not change when they arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.resources import resource_path
from engine.embedding import FeatureSpace
from engine.positional import positional_encoding
from engine.tokenizer import normalize, tokenize


@dataclass(frozen=True, eq=False)
class Embedded:
    """The input to attention, kept in its two visible parts."""

    words: np.ndarray  # (n, d_model) what each token means
    positions: np.ndarray  # (n, d_model) where it stands
    x: np.ndarray  # words + positions: what enters attention


class HandBuiltSource:
    """Tokens from a word-level tokenizer, vectors from the lexicon's named features."""

    name = "Hand-built space"

    def __init__(self, space: FeatureSpace):
        self.space = space

    def tokenize(self, text: str) -> list[str]:
        return tokenize(text)

    def feature_names(self, d_model: int) -> list[str]:
        return self.space.feature_names(d_model)

    def lookup_key(self, token: str) -> str:
        """The form under which a word's vector is stored (case and accents folded)."""
        return normalize(token)

    def embed(self, tokens, d_model: int, positions: str, position_scale: float, overrides=()) -> Embedded:
        words = self.space.embed(list(tokens), d_model)
        if overrides:
            edited = dict(overrides)
            for i, token in enumerate(tokens):
                vector = edited.get(normalize(token))
                if vector is not None:
                    words[i] = vector
        pos = positional_encoding(positions, len(tokens), d_model, scale=position_scale)
        return Embedded(words=words, positions=pos, x=words + pos)


@lru_cache(maxsize=1)
def default_source() -> HandBuiltSource:
    return HandBuiltSource(FeatureSpace.from_json(resource_path("lexicon.json")))
