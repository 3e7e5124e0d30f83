"""PyInstaller runtime hook: runs inside the frozen app before main.py.

It only sets an environment variable (importing Numba here would delay the first
window): Numba reads it when it is first imported and asks ``frozen_numba_cache``
where to keep the compiled kernels, falling back to its own locators for anything
outside the app. See frozen_numba_cache.py for why.
"""

import os

os.environ.setdefault(
    "NUMBA_CACHE_LOCATOR_CLASSES",
    "frozen_numba_cache.FrozenAppCacheLocator,UserProvidedCacheLocator,InTreeCacheLocator,UserWideCacheLocator",
)
