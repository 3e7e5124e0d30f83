"""Engine tests call kernels directly too (engine.kernels.exp_inplace): check the cache first.

The app reaches the kernels through engine.backend, which runs the guard; a test that
imports a kernel itself would otherwise be served machine code cached before an edit
to a helper module (engine.vexp), and pass or fail on old code.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _fresh_kernel_cache():
    from engine import kernel_cache

    kernel_cache.ensure_fresh()
