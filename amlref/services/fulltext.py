"""Full text of attached PDFs: extracted after the attach (pending work ``fulltext``, attachment
ids), a batch of files at a time, each batch committed with its removal from the pending work,
so a cancel or a crash loses at most one batch and the next catch-up resumes (decision 0004).

The text of each page is one row of the FTS5 table ``fulltext``; ``fulltext:WORD`` searches
it, plain searches include it (storage/attachments.py), and ``pages_for`` says where."""
from __future__ import annotations

import os

from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.pdf import PdfError, page_texts
from amlref.services.pdf_worker import PdfWorker
from amlref.storage.library import Library

BATCH = 25             # files per transaction (the write lock is held while they are read)
ISOLATE_SETTING = "pdf.isolate"    # false: read PDFs in this process (no limits; trusted files)


def pending(lib: Library) -> int:
    return lib.pending.count("fulltext")


def extract_pending(lib: Library, progress: Progress | None = None,
                    cancel: CancelToken | None = None) -> int:
    """Extract and index the text of every attached PDF still waiting; returns how many files
    were done (read or found unreadable)."""
    progress = progress or no_progress
    isolate = bool(lib.settings.get(ISOLATE_SETTING, True))
    if pending(lib) == 0:
        return 0
    # one reader process for the whole run (a time and memory limit per file), not one per file
    reader = PdfWorker() if isolate else None
    try:   # (the write-ahead log is copied back once, at the end: decision 0004)
        with lib.checkpoint_later():
            return _extract(lib, progress, cancel, reader)
    finally:
        if reader is not None:
            reader.close()


def _extract(lib: Library, progress: Progress, cancel: CancelToken | None, reader) -> int:
    total, n = pending(lib), 0
    while (batch := lib.pending.next_batch("fulltext", BATCH)) is not None:
        first, last = batch
        progress(n, total, "reading the text of PDFs")
        check(cancel)
        atts = [lib.attachments.get(r[0]) for r in lib.execute(
            "SELECT id FROM attachments WHERE id BETWEEN ? AND ? AND kind = 'pdf' ORDER BY id",
            (first, last))]
        # each text is stored while the reader process reads the next file (both cores busy);
        # the batch is one transaction, so a cancel or a crash loses at most this batch
        with lib.transaction():
            for att, texts, state in _read_all(lib, atts, reader):
                check(cancel)
                lib.fulltext.put(att, texts, state)
                n += 1
                progress(n, total, "reading the text of PDFs")
            lib.pending.done("fulltext", first, last)
    return n


def _read_all(lib: Library, atts, reader: PdfWorker | None):
    """(attachment, page texts or None, state) for each attachment, in order."""
    paths = {att.id: lib.attachments.resolve(att) for att in atts}
    if reader is None:
        for att in atts:
            path = paths[att.id]
            if not os.path.isfile(path):
                yield att, None, "missing file"
                continue
            try:
                yield att, page_texts(path, isolate=False), "done"
            except PdfError as exc:
                yield att, None, str(exc)
        return
    present = [a for a in atts if os.path.isfile(paths[a.id])]
    answers = iter(reader.texts_many([paths[a.id] for a in present]))
    for att in atts:
        if not os.path.isfile(paths[att.id]) and att not in present:
            yield att, None, "missing file"
            continue
        _, texts, state = next(answers)
        yield att, texts, ("missing file" if state == "no such file" else state)


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
