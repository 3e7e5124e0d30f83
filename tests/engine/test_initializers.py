"""Tests of engine.initializers: seeded, reproducible weight matrices for heads."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.initializers import MATRICES, head_seed, identity_like, random_matrix, zeros


def test_random_matrix_is_deterministic_by_seed():
    """The same seed gives the same matrix; another seed gives another."""
    a = random_matrix(7, 16, 4)
    np.testing.assert_array_equal(a, random_matrix(7, 16, 4))
    assert not np.allclose(a, random_matrix(8, 16, 4))


def test_random_matrix_is_normal_scaled_by_fan_in():
    """Entries are standard normal draws times gain / sqrt(rows)."""
    expected = np.random.default_rng(3).standard_normal((9, 2)) * (2.0 / 3.0)
    np.testing.assert_allclose(random_matrix(3, 9, 2, gain=2.0), expected)
    big = random_matrix(0, 400, 400)
    assert big.std() == pytest.approx(1 / math.sqrt(400), rel=0.02)
    assert big.dtype == np.float64 and big.shape == (400, 400)


def test_identity_like_handles_rectangles():
    """Ones on the main diagonal, zeros elsewhere, for tall and wide shapes."""
    np.testing.assert_array_equal(identity_like(3, 2), [[1, 0], [0, 1], [0, 0]])
    np.testing.assert_array_equal(identity_like(2, 3, gain=0.5), [[0.5, 0, 0], [0, 0.5, 0]])


def test_zeros_shape_and_dtype():
    """zeros gives a float64 zero matrix of the asked shape."""
    z = zeros(4, 2)
    assert z.shape == (4, 2) and z.dtype == np.float64 and not z.any()


def test_head_seed_spells_out_its_origin():
    """base 42, head 1, matrix k gives 42011; q, k, v, o use the last digit 0-3."""
    assert head_seed(42, 1, "k") == 42011
    assert [head_seed(0, 0, w) for w in MATRICES] == [0, 1, 2, 3]


def test_head_seeds_are_unique():
    """No two (base, head, matrix) triples share a seed within the allowed range."""
    seeds = {head_seed(b, h, w) for b in range(3) for h in range(100) for w in MATRICES}
    assert len(seeds) == 3 * 100 * 4


def test_new_head_matrices_are_reproducible():
    """Initialising head 2's W_Q twice from the session seed gives the same matrix."""
    first = random_matrix(head_seed(5, 2, "q"), 8, 4)
    np.testing.assert_array_equal(first, random_matrix(head_seed(5, 2, "q"), 8, 4))
    assert not np.allclose(first, random_matrix(head_seed(5, 2, "k"), 8, 4))


@pytest.mark.parametrize(("base", "head", "which"), [(-1, 0, "q"), (0, -1, "q"), (0, 100, "q"), (0, 0, "x")])
def test_head_seed_rejects_bad_arguments(base, head, which):
    """Negative numbers, head 100 and unknown matrix names are ValueErrors."""
    with pytest.raises(ValueError):
        head_seed(base, head, which)


@pytest.mark.parametrize(("rows", "cols"), [(0, 3), (3, 0), (2.0, 3), (True, 3)])
def test_bad_shapes_are_rejected(rows, cols):
    """Every initialiser refuses empty or non-integer shapes."""
    for make in (lambda: random_matrix(0, rows, cols), lambda: identity_like(rows, cols)):
        with pytest.raises(ValueError):
            make()
    with pytest.raises(ValueError):
        zeros(rows, cols)


def test_random_matrix_rejects_negative_seed_and_bad_gain():
    """Seeds are non-negative and gains finite."""
    with pytest.raises(ValueError, match="seed"):
        random_matrix(-1, 2, 2)
    with pytest.raises(ValueError, match="gain"):
        random_matrix(1, 2, 2, gain=float("inf"))
