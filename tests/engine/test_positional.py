"""Tests of engine.positional: none, sinusoidal and one-hot position encodings."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.positional import POSITION_KINDS, one_hot, positional_encoding, sinusoidal


def test_sinusoidal_position_zero_is_sin_zero_and_cos_zero():
    """At position 0 every sine column is 0 and every cosine column is 1."""
    pe = sinusoidal(3, 6)
    np.testing.assert_array_equal(pe[0], [0, 1, 0, 1, 0, 1])


def test_sinusoidal_hand_computed_values_at_position_one():
    """Position 1, d_model 4: columns 2-3 use frequency 1 / 10000**(2/4) = 1/100."""
    pe = sinusoidal(2, 4)
    expected = [math.sin(1.0), math.cos(1.0), math.sin(0.01), math.cos(0.01)]
    np.testing.assert_allclose(pe[1], expected, rtol=0, atol=1e-15)
    assert pe[1, 2] == pytest.approx(0.009999833334166664, abs=1e-15)


def test_sinusoidal_odd_d_model_ends_on_a_sine_column():
    """With d_model 5 the last column is a sine with the third frequency."""
    pe = sinusoidal(4, 5)
    assert pe.shape == (4, 5) and pe.dtype == np.float64
    np.testing.assert_allclose(pe[3, 4], math.sin(3 / 10000 ** (4 / 5)), atol=1e-15)


def test_sinusoidal_d_model_one_is_sin_of_position():
    """d_model 1 keeps only sin(pos)."""
    np.testing.assert_allclose(sinusoidal(4, 1)[:, 0], np.sin(np.arange(4.0)))


def test_sinusoidal_scale_multiplies_and_values_stay_bounded():
    """scale multiplies every value; unscaled values lie in [-1, 1]."""
    pe = sinusoidal(50, 16)
    assert np.abs(pe).max() <= 1.0
    np.testing.assert_allclose(sinusoidal(50, 16, scale=0.25), 0.25 * pe)


def test_sinusoidal_positions_are_distinct():
    """No two positions of a short sentence share an encoding."""
    pe = sinusoidal(32, 8)
    assert len({row.tobytes() for row in pe}) == 32


def test_one_hot_fills_columns_from_the_end():
    """Position p sets column d_model - 1 - p to scale and nothing else."""
    pe = one_hot(3, 5, scale=0.5)
    expected = np.zeros((3, 5))
    expected[0, 4] = expected[1, 3] = expected[2, 2] = 0.5
    np.testing.assert_array_equal(pe, expected)


def test_one_hot_wraps_when_positions_outnumber_columns():
    """Position p and p + d_model share a column (documented limitation)."""
    pe = one_hot(5, 2)
    np.testing.assert_array_equal(pe[:, 1], [1, 0, 1, 0, 1])
    np.testing.assert_array_equal(pe.sum(axis=1), np.ones(5))


@pytest.mark.parametrize("kind", POSITION_KINDS)
def test_positional_encoding_dispatches_with_right_shape(kind):
    """Every kind gives an (n, d_model) float64 array; zero tokens give zero rows."""
    pe = positional_encoding(kind, 7, 3)
    assert pe.shape == (7, 3) and pe.dtype == np.float64
    assert positional_encoding(kind, 0, 3).shape == (0, 3)


def test_positional_encoding_matches_the_named_functions():
    """Dispatch returns the same numbers as calling the function directly."""
    np.testing.assert_array_equal(
        positional_encoding("sinusoidal", 4, 6, scale=2.0), sinusoidal(4, 6, scale=2.0)
    )
    np.testing.assert_array_equal(positional_encoding("one-hot", 4, 6), one_hot(4, 6))
    assert not positional_encoding("none", 4, 6, scale=3.0).any()


def test_positional_encoding_unknown_kind_lists_the_valid_ones():
    """A typo in the kind is refused with a message naming every valid kind."""
    with pytest.raises(ValueError, match="'none', 'sinusoidal', 'one-hot'"):
        positional_encoding("learned", 4, 4)


@pytest.mark.parametrize(
    ("n", "d_model", "scale"),
    [(-1, 4, 1.0), (3, 0, 1.0), (2.0, 4, 1.0), (3, 4, float("nan")), (3, True, 1.0)],
)
@pytest.mark.parametrize("function", [sinusoidal, one_hot])
def test_bad_sizes_are_rejected(function, n, d_model, scale):
    """Negative or fractional sizes and non-finite scales are ValueErrors."""
    with pytest.raises(ValueError):
        function(n, d_model, scale=scale)
