"""How many worker processes big jobs (a big import's parse, classifying many articles) use."""
from __future__ import annotations

import os
import sys


def available() -> int:
    """Worker processes to use (1: none, work in this process).  $AMLREF_WORKERS=N asks for N.
    By default all cores but one, at most 4; two on a 2-core machine (the parent mostly waits
    for them: 30k real abstracts classified in 7.1-7.7 s against 10.8-12.9 s in one process)."""
    env = os.environ.get("AMLREF_WORKERS", "").strip()
    if env.isdigit():
        return int(env)
    if getattr(sys, "frozen", False):
        return 1     # a packaged app would start itself again in each worker
    cores = os.cpu_count() or 1
    return min(4, cores - 1) if cores >= 4 else min(cores, 2)
