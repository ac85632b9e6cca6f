"""Full text of attached PDFs: extracted after the attach (pending work ``fulltext``, attachment
ids), a batch of files at a time, each batch committed with its removal from the pending work,
so a cancel or a crash loses at most one batch and the next catch-up resumes (decision 0004).

The text of each page is one row of the FTS5 table ``fulltext``; ``fulltext:WORD`` searches
it, plain searches include it (storage/attachments.py), and ``pages_for`` says where."""
from __future__ import annotations

import os
from collections import deque
from itertools import groupby
from operator import itemgetter

from amlref.core.errors import AmlrefError
from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.pdf import PdfError, PdfWorker, page_texts
from amlref.pdf.errors import ReaderUnavailable
from amlref.storage.library import Library

BATCH = 25             # files per transaction (the write lock is held while they are read)
ISOLATE_SETTING = "pdf.isolate"    # false: read PDFs in this process (no limits; trusted files)
_READING = "reading the text of PDFs"


def pending(lib: Library) -> int:
    return lib.pending.count("fulltext")


def extract_pending(lib: Library, progress: Progress | None = None,
                    cancel: CancelToken | None = None) -> int:
    """Extract and index the text of every attached PDF still waiting; returns how many files
    were done (read or found unreadable)."""
    progress = progress or no_progress
    if pending(lib) == 0:
        return 0
    # one reader process for the whole run (a time and memory limit per file), started now so
    # that Python and PDFium load while the first batch is planned
    reader = PdfWorker() if lib.settings.get(ISOLATE_SETTING, True) else None
    try:   # (the write-ahead log is copied back once, at the end: decision 0004)
        if reader is not None:
            reader.start()
        with lib.checkpoint_later():
            return _extract(lib, progress, cancel, reader)
    except ReaderUnavailable as exc:      # no file is to blame: they stay waiting
        raise AmlrefError(f"cannot read the text of PDFs: {exc}") from None
    finally:
        if reader is not None:
            reader.close()


def _extract(lib: Library, progress: Progress, cancel: CancelToken | None,
             reader: PdfWorker | None) -> int:
    """Batches of BATCH files, each one transaction with its removal from the pending work
    (a cancel or a crash loses at most one batch).  The reader reads on across batches: the
    next files are read while the last one is stored and its batch committed."""
    total, n = pending(lib), 0
    progress(0, total, _READING)
    plan: deque = deque()     # (batch, attachment, present) of each path given to the reader
    paths = _plan(lib, plan)
    answers = reader.texts_many(paths) if reader is not None else _in_process(paths)

    def results():
        for _, texts, state in answers:
            batch, att, present = plan.popleft()
            yield (batch, att, texts, state) if present else (batch, att, None, "missing file")

    for batch, items in groupby(results(), key=itemgetter(0)):
        check(cancel)
        with lib.transaction():
            for _, att, texts, state in items:
                check(cancel)
                lib.fulltext.put(att, texts, state)
                n += 1
                progress(n, total, _READING)
            lib.pending.done("fulltext", *batch)
    return n


def _plan(lib: Library, plan: deque):
    """The path of each waiting PDF, in id order, batch after batch (read lazily: ids queued
    while the job runs are taken too); ``plan`` gets what goes with each path.  A batch with
    no PDF in it is marked done at once."""
    after = 0
    while batch := _next_batch(lib, after):
        (start, end), ranges = batch
        atts = [a for f, la in ranges for a in lib.attachments.pdfs_between(f, la)]
        if not atts:
            with lib.transaction():
                lib.pending.done("fulltext", start, end)
        for att in atts:
            path = lib.attachments.resolve(att)
            plan.append(((start, end), att, os.path.isfile(path)))
            yield path
        after = end


def _next_batch(lib: Library, after: int):
    """The lowest BATCH waiting ids above ``after``: ((start, end), their ranges).  Every
    waiting id from start to end is in the ranges, so one ``done(start, end)`` clears the
    batch (an attach queues its file as a range of its own: a batch spans many ranges)."""
    ranges: list[tuple[int, int]] = []
    size = 0
    for first, last in lib.execute(
            "SELECT max(first, ?), last FROM pending_work WHERE kind = 'fulltext' AND last > ? "
            "ORDER BY first", (after + 1, after)):
        if ranges and first <= ranges[-1][1]:          # overlapping rows
            first = ranges[-1][1] + 1
        if first > last:
            continue
        last = min(last, first + BATCH - size - 1)
        ranges.append((first, last))
        size += last - first + 1
        if size >= BATCH:
            break
    return ((ranges[0][0], ranges[-1][1]), ranges) if ranges else None


def _in_process(paths):
    """``PdfWorker.texts_many`` without the child process (setting pdf.isolate false)."""
    for path in paths:
        try:
            yield path, page_texts(path, isolate=False), "done"
        except PdfError as exc:
            yield path, None, str(exc)


def reindex(lib: Library, article_id: int | None = None) -> int:
    """Queue the PDFs of an article (or of the library) for text extraction again."""
    sql = "SELECT id FROM attachments WHERE kind = 'pdf'"
    params: tuple = ()
    if article_id is not None:
        sql += " AND article_id = ?"
        params = (article_id,)
    ids = [r[0] for r in lib.execute(sql, params)]
    with lib.transaction():
        lib.pending.add_ids("fulltext", ids)
    return len(ids)


def pages_for(lib: Library, query: str, article_ids) -> dict[int, list[dict]]:
    """For each article, where the query's words are in its PDFs: [{"file", "pages"}]."""
    from amlref.storage.search import parse_query
    pq = parse_query(query, prefix_last=False)
    match = pq.fulltext_match or pq.text_match
    out: dict[int, list[dict]] = {}
    if not match or not lib.fulltext.any():
        return out
    for aid in article_ids:
        by_att: dict[int, list[int]] = {}
        for att_id, page in lib.fulltext.pages(aid, match):
            by_att.setdefault(att_id, []).append(page)
        if by_att:
            out[aid] = [{"file": lib.attachments.resolve(lib.attachments.get(a)), "pages": p}
                        for a, p in by_att.items()]
    return out
