"""Compute derived numbers once per snapshot, however many views ask for them.

A :class:`~app.session.Snapshot` is immutable and compared by identity, so a result
computed from it stays right for as long as the snapshot lives. The cache holds the
snapshot weakly: when the session moves on and no view keeps the old snapshot, its
derived numbers go with it.
"""

from __future__ import annotations

import functools
import weakref


def per_snapshot(fn):
    """Decorate ``fn(snapshot, *args)`` so each (snapshot, args) is computed once.

    ``args`` must be hashable (head and query indices, flags). The cache is keyed by
    the snapshot's identity, never by its contents.
    """
    cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @functools.wraps(fn)
    def wrapper(snapshot, *args):
        per_args = cache.setdefault(snapshot, {})
        if args not in per_args:
            per_args[args] = fn(snapshot, *args)
        return per_args[args]

    wrapper.cache_size = lambda: sum(len(v) for v in cache.values())  # for tests
    return wrapper
