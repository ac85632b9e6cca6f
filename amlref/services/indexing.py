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
             cancel: CancelToken | None = None, give_way: bool = False,
             fulltext: bool = True) -> dict:
    """Index and classify what earlier imports left; returns {'fts': n, 'classified': n}.

    With ``give_way``, when another program holds the write lock (indexing the same work, as
    the window does after an import) this returns at once with ``'busy': True`` instead of
    waiting for the lock: the caller goes on with what is indexed so far."""
    if give_way:
        lib.execute("PRAGMA busy_timeout = 0")
        try:
            return catch_up(lib, progress, cancel, fulltext=fulltext)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            return {"fts": 0, "classified": 0, "busy": True}
        finally:
            lib.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    progress = progress or no_progress
    done = {"fts": 0, "classified": 0}
    if fulltext:   # the text of attached PDFs (services/fulltext.py)
        from amlref.services.fulltext import extract_pending
        if lib.pending.count("fulltext"):
            done["fulltext"] = extract_pending(lib, progress, cancel)
    done["fts"] = _in_batches(lib, "fts", FTS_BATCH, "indexing for search", progress, cancel,
                              lambda first, last, n, total: lib.pending.index_fts(first, last))

    def classify(first, last, n, total):
        from amlref.services.classify import classify_ids
        ids = [r[0] for r in lib.execute(
            "SELECT id FROM articles WHERE id BETWEEN ? AND ? AND deleted_at IS NULL",
            (first, last))]
        done["classified"] += classify_ids(
            lib, ids, cancel=cancel,
            progress=lambda d, t, m="": progress(n + d, total, "classifying"))
    n = _in_batches(lib, "classify", CLASSIFY_BATCH, "classifying", progress, cancel, classify)
    if done["fts"] or done["classified"]:
        progress(n, n, "classified" if n else "indexed for search")
    return done


def _in_batches(lib: Library, kind: str, size: int, message: str, progress: Progress,
                cancel: CancelToken | None, work) -> int:
    """``work(first, last, done, total)`` on the waiting ids of a kind, a batch at a time, each
    batch committed with its removal from the pending work; returns how many ids were done."""
    total, n = lib.pending.count(kind), 0
    while (batch := lib.pending.next_batch(kind, size)) is not None:
        first, last = batch
        progress(n, total, message)
        check(cancel)
        with lib.transaction():
            work(first, last, n, total)
            lib.pending.done(kind, first, last)
        n += last - first + 1
    return n
