"""Pausing Python's cyclic garbage collector while millions of small objects are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (nested uses are fine).

    An import makes millions of small tuples (the triples), a validation of a
    large register millions of rows and results; every few thousand
    allocations the collector would walk all that are alive again (7.7 s of a
    100 000-service validation). They make no reference cycles, so nothing is
    lost by collecting once at the end.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
