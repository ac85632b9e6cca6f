"""Read-only access to the library for the server's request threads.

Each request borrows a connection opened with ``mode=ro`` and ``PRAGMA query_only`` (so no code
path reached from a request can change the library) from a small pool: connections are reused,
so their page caches stay warm, but never shared by two requests at once.  The window or
another program may write the library meanwhile: WAL lets readers read during a write.
"""
from __future__ import annotations

import contextlib
import queue
import re
import sqlite3
from pathlib import Path

from amlref.core.article import Article
from amlref.core.errors import LibraryError, NotFound
from amlref.services.views import View, view_condition, view_ids
from amlref.storage import schema
from amlref.storage.library import BUSY_TIMEOUT_MS, Library

POOL_SIZE = 8


class ReadOnlyLibraries:
    def __init__(self, path: str | Path, size: int = POOL_SIZE):
        self.path = Path(path).expanduser().resolve()
        self.size = size
        self._free: queue.LifoQueue[Library] = queue.LifoQueue()
        if not self.path.is_file():
            raise LibraryError(f"{self.path}: no such library")
        with self.borrow() as lib:   # fail now, not in the first request
            version = lib.schema_version
            if version != schema.LATEST:
                raise LibraryError(f"{self.path}: library schema {version}, this AMLRef reads "
                                   f"{schema.LATEST}; open it once with amlref to upgrade it")

    def _open(self) -> Library:
        try:
            conn = sqlite3.connect(self.path.as_uri() + "?mode=ro", uri=True, timeout=10.0,
                                   isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA cache_size = -16384")
        except sqlite3.Error as exc:
            raise LibraryError(f"{self.path}: cannot open library: {exc}") from None
        return Library(self.path, conn)

    @contextlib.contextmanager
    def borrow(self):
        try:
            lib = self._free.get_nowait()
        except queue.Empty:
            lib = self._open()
        try:
            yield lib
        finally:
            if lib.conn.in_transaction:
                lib.conn.rollback()
            if self._free.qsize() < self.size:
                self._free.put(lib)
            else:
                lib.close()

    def close(self) -> None:
        while True:
            try:
                self._free.get_nowait().close()
            except queue.Empty:
                return


# -- what requests ask of the library ---------------------------------------------------------
def articles_by_keys(lib: Library, keys: list[str]) -> tuple[list[Article], list[str]]:
    """(articles in the order asked, keys not found).  A key is a citation key; ``@key`` (as
    pandoc writes it) is accepted too."""
    keys = [k.strip().lstrip("@") for k in keys if k and k.strip()]
    found: dict[str, int] = {}
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        # "+deleted_at": with a long IN list SQLite would otherwise walk the deleted_at index
        # over every live article (170 ms instead of 2 ms for 500 keys at 100k articles)
        rows = lib.execute("SELECT citekey, id FROM articles WHERE +deleted_at IS NULL AND "
                           f"citekey IN ({','.join('?' * len(chunk))})", chunk)
        found.update(rows)
    missing = [k for k in keys if k not in found]
    ordered = list(dict.fromkeys(found[k] for k in keys if k in found))
    return lib.articles.get_many(ordered), missing


def search_ids(lib: Library, terms: str, limit: int = 50, category: str | None = None) -> list[int]:
    """Full-text search (the library's query language) plus citation keys starting with a
    typed word; within a category (and its sub-categories) when given."""
    view = View(category=category, query=terms)
    ids = view_ids(lib, view, limit=limit) if terms.strip() else []
    if len(ids) >= limit:
        return ids
    cond, params = view_condition(lib, View(category=category)) if category else ("", [])
    seen = set(ids)
    for word in terms.split()[:5]:
        word = word.lstrip("@")
        if len(word) < 2 or ":" in word:
            continue
        rows = lib.execute("SELECT a.id FROM articles a WHERE a.citekey >= ? AND a.citekey < ? "
                           f"AND a.deleted_at IS NULL{' AND ' + cond if cond else ''} "
                           "ORDER BY a.citekey LIMIT ?", [word, word + "\uffff", *params, limit])
        for (i,) in rows:
            if i not in seen and len(ids) < limit:
                seen.add(i)
                ids.append(i)
    return ids


def find_article(lib: Library, key) -> Article | None:
    """By id (a number, or "LIBRARY:ID" as BBT writes item keys), else by citation key, DOI,
    PMID or PMCID."""
    text = str(key).strip()
    by_id = isinstance(key, int) and not isinstance(key, bool)
    if re.fullmatch(r"\d+:\d+", text):
        text, by_id = text.split(":", 1)[1], True
    if by_id:
        try:
            a = lib.articles.get(int(text))
        except NotFound:
            return None
        return None if a.deleted_at else a
    try:
        return lib.articles.find(text)
    except NotFound:
        return None
