"""The work a big import leaves for after its commit: full-text indexing and classification of
the new articles (see storage/pending.py).  ``catch_up`` does it in batches, each committed on
its own, so a cancel (or a crash) loses at most one batch and the next call resumes."""
from __future__ import annotations

import sqlite3

from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.storage.library import BUSY_TIMEOUT_MS, Library

FTS_BATCH = 10_000
CLASSIFY_BATCH = 20_000   # from classify.PARALLEL_MIN on, worker processes classify


def pending(lib: Library) -> int:
    """How many article ids still wait for indexing or classification."""
    return lib.pending.count()


def catch_up(lib: Library, progress: Progress | None = None,
             cancel: CancelToken | None = None, give_way: bool = False) -> dict:
    """Index and classify what earlier imports left; returns {'fts': n, 'classified': n}.

    With ``give_way``, when another program holds the write lock (indexing the same work, as
    the window does after an import) this returns at once with ``'busy': True`` instead of
    waiting for the lock: the caller goes on with what is indexed so far."""
    if give_way:
        lib.execute("PRAGMA busy_timeout = 0")
        try:
            return catch_up(lib, progress, cancel)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            return {"fts": 0, "classified": 0, "busy": True}
        finally:
            lib.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    progress = progress or no_progress
    done = {"fts": 0, "classified": 0}
    total = lib.pending.count("fts")
    n = 0
    while True:
        batch = lib.pending.next_batch("fts", FTS_BATCH)
        if batch is None:
            break
        first, last = batch
        progress(n, total, "indexing for search")
        check(cancel)
        with lib.transaction():
            lib.pending.index_fts(first, last)
            lib.pending.done("fts", first, last)
        n += last - first + 1
        done["fts"] += last - first + 1
    total, n = lib.pending.count("classify"), 0
    if total:
        from amlref.services.classify import classify_ids
    while True:
        batch = lib.pending.next_batch("classify", CLASSIFY_BATCH)
        if batch is None:
            break
        first, last = batch
        progress(n, total, "classifying")
        check(cancel)
        with lib.transaction():
            ids = [r[0] for r in lib.execute(
                "SELECT id FROM articles WHERE id BETWEEN ? AND ? AND deleted_at IS NULL",
                (first, last))]
            done["classified"] += classify_ids(
                lib, ids, cancel=cancel,
                progress=lambda d, t, m="", n=n: progress(n + d, total, "classifying"))
            lib.pending.done("classify", first, last)
        n += last - first + 1
    if done["fts"] or done["classified"]:
        progress(n, n, "classified" if n else "indexed for search")
    return done
