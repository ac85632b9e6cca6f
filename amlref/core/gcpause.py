"""Pausing Python's cyclic garbage collector around work that makes millions of objects and no
reference cycles (parsing, importing).

Objects made while the collector is off all sit in its youngest generation; the first
collection after switching it back on would scan every one of them (some 1.5 s after a
100,000-record import).  ``paused`` hands them to the oldest generation instead
(``gc.freeze`` then ``gc.unfreeze``), which is scanned only when it has grown by a quarter:
the same objects, collected as usual later, without the stall."""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused():
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.enable()
            gc.unfreeze()
