"""Run the classifier plugins over articles and store their assignments (with reasons).

User decisions are stored apart (source 'user') and never touched here: only rows with source
'auto' are replaced, and new rows go in with INSERT OR IGNORE, so a user row for the same
(article, slug) wins.

A classifier returns (slug, kind, reasons) for what it assigns and (slug, kind, reasons,
"suggested") for what it only suggests; suggestions are 'auto' rows with state 2
(storage.categories), which counts, views and exports leave out.  Accepting or rejecting one
makes a user row, so a rejected suggestion never comes back.

The library remembers which taxonomy and rules it was classified with (setting
``classifier_version``: each classifier's version, which for the built-in one includes a hash of the
merged taxonomy file).  When the taxonomy file, the user's copy or the rules change,
:func:`ensure_current` re-classifies the whole library once.
"""
from __future__ import annotations

import json
import logging
from types import SimpleNamespace
from typing import Iterable

from amlref.core import workers
from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.plugins.registry import registry
from amlref.storage.categories import ASSIGNED, SUGGESTED, row_state
from amlref.storage.library import Library

log = logging.getLogger(__name__)

VERSION_KEY = "classifier_version"
BATCH = 2000

_broken: dict[str, str] = {}   # classifier name -> error (disabled for this session)


def _classifiers() -> list[tuple[str, object]]:
    return [(name, c) for name, c in sorted(registry.classifiers().items()) if name not in _broken]


def current_version() -> str:
    """The version of the classifiers and taxonomy in use now."""
    parts = []
    for name, clf in _classifiers():
        try:
            v = getattr(clf, "version", "") or ""
        except Exception as exc:  # a broken taxonomy file: reported by classify
            v = f"error:{type(exc).__name__}"
        parts.append(f"{name}={v}")
    return ";".join(parts)


_scan_json = json.JSONDecoder().scan_once   # (json.loads less its two whitespace regexes)


def _list(value: str | None) -> list:
    """A stored JSON list (most pub_types are "[]": no parsing for those)."""
    if not value or value == "[]":
        return []
    try:
        obj, end = _scan_json(value, 0)
    except StopIteration:
        end = -1
    return obj if end == len(value) else json.loads(value)


_LEAN = "SELECT id, title, abstract, keywords, mesh, pub_types, type FROM articles"


def _lean_rows(lib: Library, ids: list[int], span: bool = False) -> list[tuple]:
    """The stored rows of the fields a classifier reads (see _LEAN).  ``span``: the ids are
    every article from the first to the last (read as a range, not a list)."""
    if span:
        return lib.execute(f"{_LEAN} WHERE id BETWEEN ? AND ?", (ids[0], ids[-1])).fetchall()
    return lib.execute(f"{_LEAN} WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()


def _lean_articles(rows: list[tuple]) -> list[SimpleNamespace]:
    return [SimpleNamespace(id=i, title=title or "", abstract=abstract or "", keywords=_list(kw),
                            mesh=_list(mesh), pub_types=_list(pt), type=typ)
            for i, title, abstract, kw, mesh, pt, typ in rows]


def _lean(lib: Library, ids: list[int], span: bool = False) -> list[SimpleNamespace]:
    """Only the fields a classifier reads (much cheaper than full articles)."""
    return _lean_articles(_lean_rows(lib, ids, span))


_encode = json.JSONEncoder(ensure_ascii=False).encode
_quote = json.encoder.encode_basestring   # a JSON string (no ASCII escapes), as _encode writes it
_REASON_KEYS = ["rule", "field", "words"]


def reasons_json(reasons: list) -> str:
    """``json.dumps(reasons, ensure_ascii=False)``, written directly for the usual shape
    ([{"rule": str, "field": str, "words": [str, ...]}, ...]: a few times faster)."""
    parts = []
    for r in reasons:
        if type(r) is not dict or list(r) != _REASON_KEYS:
            return _encode(reasons)
        rule, fld, words = r["rule"], r["field"], r["words"]
        if type(rule) is not str or type(fld) is not str or type(words) is not list \
                or not all(type(w) is str for w in words):
            return _encode(reasons)
        parts.append(f'{{"rule": {_quote(rule)}, "field": {_quote(fld)}, "words": '
                     f'[{", ".join(map(_quote, words))}]}}')
    return f"[{', '.join(parts)}]"


def classify_articles(articles: Iterable, failed: set | None = None
                      ) -> dict[int, list[tuple]]:
    """Run every classifier over these (unsaved or lean) articles: {id: [(slug, kind, reasons)
    or (slug, kind, reasons, "suggested")]}, the rows as the classifiers give them.
    An article a classifier raises on goes into ``failed`` (its stored rows are kept); a
    classifier that fails on most of what it sees is disabled for the session and reported."""
    out: dict[int, list] = {}
    classifiers = _classifiers()
    tries: dict[str, list[int]] = {name: [0, 0] for name, _ in classifiers}
    for art in articles:
        rows = out.setdefault(art.id, [])
        for name, clf in classifiers:
            if name in _broken:
                continue
            tries[name][0] += 1
            try:
                rows.extend(clf.classify(art))
            except Exception as exc:
                tries[name][1] += 1
                if failed is not None:
                    failed.add(art.id)
                msg = f"{type(exc).__name__}: {exc}"
                log.warning("classifier %s failed on article %s: %s", name, art.id, msg)
                n, bad = tries[name]
                if n >= 20 and bad > n // 2:   # a plugin that raises is disabled and reported
                    _broken[name] = msg
                    log.warning("classifier %s disabled: %s", name, msg)
    return out


PARALLEL_MIN = 8000   # from this many articles on, classify in worker processes (see _workers)


def _workers(n: int) -> int:
    """How many worker processes for n articles (1: in this process); see core.workers."""
    w = workers.available()
    if n < PARALLEL_MIN or w < 2:
        return 1
    # a fresh process finds only the classifiers declared as entry points (not those a script
    # or test registered at run time): with any other, classify here
    if not all(_declared(name, clf) for name, clf in _classifiers()):
        return 1
    return w


def _declared(name: str, clf: object) -> bool:
    """Whether this classifier is the one its entry point declares (so a worker process,
    which discovers the entry points afresh, runs the same)."""
    for info in registry.info:
        if info.group == "amlref.classifiers" and info.name == name and info.ok:
            return info.value.split(":", 1)[0] == type(clf).__module__
    return False


def _classify_rows(rows: list[tuple]) -> tuple[dict, set]:
    """In a worker process: classify stored rows (see _lean_rows); the reasons come back as
    their JSON (the parent process only stores them)."""
    failed: set[int] = set()
    results = classify_articles(_lean_articles(rows), failed)
    for assigned in results.values():
        assigned[:] = [(r[0], r[1], reasons_json(r[2])) + tuple(r[3:]) for r in assigned]
    return results, failed


def _chunks_in_process(lib, chunks, span: bool = False):
    for chunk in chunks:
        failed: set[int] = set()
        yield chunk, classify_articles(_lean(lib, chunk, span), failed), failed, False


def _chunks_in_workers(lib, chunks, workers: int, span: bool = False):
    """The same as _chunks_in_process, with the classification done by worker processes while
    this one reads the next articles and writes the results (in order)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    chunks = list(chunks)
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            pending = []
            it = iter(chunks)
            for chunk in it:
                pending.append((chunk, pool.submit(_classify_rows,
                                                   _lean_rows(lib, chunk, span))))
                if len(pending) > workers:
                    chunk0, fut = pending.pop(0)
                    results, failed = fut.result()
                    done += 1
                    yield chunk0, results, failed, True
            for chunk0, fut in pending:
                results, failed = fut.result()
                done += 1
                yield chunk0, results, failed, True
    except (OSError, RuntimeError, ImportError) as exc:   # no workers here: do it ourselves
        log.warning("classifying in this process (workers unavailable: %s)", exc)
        yield from _chunks_in_process(lib, chunks[done:], span)


def classify_ids(lib: Library, ids: Iterable[int], progress: Progress | None = None,
                 cancel: CancelToken | None = None, _every: bool = False) -> int:
    """Classify these articles; returns how many were classified.  Large batches are classified
    by worker processes (see _workers).  One transaction; per batch of articles one query
    reads them, one their stored rows, and executemany writes what changed (see _store).
    (``_every``: the ids are all the library's, ascending: batches are read as id ranges.)"""
    progress = progress or no_progress
    ids = list(dict.fromkeys(ids))
    if not ids or not _classifiers():
        return 0
    workers = _workers(len(ids))
    size = BATCH if workers == 1 else 1000
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    source = _chunks_in_process(lib, chunks, _every) if workers == 1 else \
        _chunks_in_workers(lib, chunks, workers, _every)
    n = 0
    with lib.transaction():
        progress(0, len(ids), "classifying")
        for chunk, results, failed, encoded in source:
            check(cancel)
            _store(lib, chunk, results, failed, _every, encoded)
            if failed:
                chunk = [i for i in chunk if i not in failed]   # (they keep what they had)
            lib.touched(*chunk)
            n += len(chunk)
            progress(n, len(ids), "classifying")
        progress(len(ids), len(ids), "classifying")
        if lib.settings.get(VERSION_KEY) is None:
            # a new library classified in full (its first import): remember the version
            total = lib.execute("SELECT count(*) FROM articles").fetchone()[0]
            if total <= n:
                lib.settings.set(VERSION_KEY, current_version())
    return n


def _store(lib: Library, chunk: list[int], results: dict, failed: set, span: bool,
           encoded: bool = False) -> None:
    """Make the classifier's rows of these articles what the results say: rows that did not
    change stay, the others are deleted or inserted (executemany); a user's row for the same
    (article, slug) wins (INSERT OR IGNORE), so an accepted or rejected suggestion stays as the
    user left it.  The articles in ``failed`` keep their rows.  ``encoded``: the reasons are
    their JSON already (from a worker)."""
    new: dict[tuple, tuple] = {}
    for aid, assigned in results.items():
        if aid not in failed:
            for row in assigned:
                slug, kind, reasons = row[0], row[1], row[2]
                state = ASSIGNED if len(row) == 3 else row_state(row)
                had = new.get((aid, slug))
                # the first of two rows for one slug is kept, but an assignment beats a suggestion
                if had is None or (had[2] == SUGGESTED and state == ASSIGNED):
                    new[(aid, slug)] = (kind, reasons if encoded else reasons_json(reasons), state)
    q = ("SELECT article_id, slug, kind, reason, state FROM article_categories WHERE "
         "source = 'auto' AND ")
    if span:
        old = lib.execute(q + "article_id BETWEEN ? AND ?", (chunk[0], chunk[-1]))
    else:
        old = lib.execute(q + f"article_id IN ({','.join('?' * len(chunk))})", chunk)
    stale = []
    for aid, slug, kind, reason, state in old.fetchall():
        if aid in failed:
            continue
        if new.get((aid, slug)) == (kind, reason, state):
            del new[(aid, slug)]   # unchanged
        else:
            stale.append((aid, slug))
    if stale:
        lib.conn.executemany("DELETE FROM article_categories WHERE article_id = ? AND slug = ? "
                             "AND source = 'auto'", stale)
    if new:
        lib.conn.executemany(
            "INSERT OR IGNORE INTO article_categories(article_id, slug, kind, source, state, "
            "reason) VALUES (?, ?, ?, 'auto', ?, ?)",
            [(aid, slug, kind, state, reason) for (aid, slug), (kind, reason, state) in new.items()])


def classify_all(lib: Library, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> int:
    """Re-classify every article (also those in the trash); user decisions stay."""
    version = current_version()
    with lib.transaction():   # (the ids are read inside it: no article comes in between)
        n = classify_ids(lib, lib.articles.ids(include_deleted=True), progress=progress,
                         cancel=cancel, _every=True)
        lib.settings.set(VERSION_KEY, version)
        lib.pending.clear("classify")   # what an import left is done too
    return n


def is_current(lib: Library) -> bool:
    stored = lib.settings.get(VERSION_KEY)
    if stored == current_version():
        return True
    return stored is None and lib.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None


def ensure_current(lib: Library, progress: Progress | None = None,
                   cancel: CancelToken | None = None) -> int:
    """Re-classify the library when the taxonomy or the rules changed since it was classified.
    Returns how many articles were classified (0 when nothing changed)."""
    if is_current(lib):
        return 0
    return classify_all(lib, progress=progress, cancel=cancel)


def explain(article) -> list[dict]:
    """For ``amlref classify --explain``: every category and facet the built-in classifier
    considered, with its score, the hits that counted and the ones that did not (and why)."""
    out = []
    for name, clf in _classifiers():
        analyse = getattr(clf, "analyse", None)
        if analyse is None:
            out += [{"classifier": name, "slug": r[0], "kind": r[1],
                     "assigned": row_state(r) == ASSIGNED, "suggested": row_state(r) == SUGGESTED,
                     "score": None, "reasons": r[2], "ignored": []} for r in clf.classify(article)]
            continue
        for d in analyse(article):
            if not d.hits and not d.assigned:
                continue
            out.append({
                "classifier": name, "slug": d.slug, "kind": d.kind, "assigned": d.assigned,
                "suggested": bool(getattr(d, "suggested", False)), "score": round(d.score, 2), "note": d.note, "reasons": d.reasons(),
                "ignored": [{"rule": h.rule, "field": h.field, "words": [h.words], "why": h.dropped}
                            for h in d.hits if h.dropped]})
    return out
