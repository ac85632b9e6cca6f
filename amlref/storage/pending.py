"""Work left after a big import: ranges of new article ids still to be indexed for full-text
search (kind ``fts``) or classified (kind ``classify``).

A big import commits its articles without that work (it is most of an import's time); the
caller then does it in batches, each in its own transaction (see services/indexing.py), so it
can be cancelled and resumes where it stopped.  Until then the articles are in the library
(listed, exported, found by identifier) but full-text search does not find them yet."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

KINDS = ("fts", "classify", "fulltext")   # fulltext: attachment ids (storage/attachments.py)


class PendingWork:
    def __init__(self, lib: "Library"):
        self.lib = lib

    def add(self, kind: str, first: int, last: int | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind of pending work: {kind}")
        last = first if last is None else last
        if last >= first:
            self.lib.execute("INSERT INTO pending_work(kind, first, last) VALUES (?, ?, ?)",
                             (kind, first, last))

    def add_ids(self, kind: str, ids) -> None:
        """Ids as ranges (consecutive ids share one row)."""
        ids = sorted(set(ids))
        start = prev = None
        for i in ids:
            if prev is not None and i == prev + 1:
                prev = i
                continue
            if start is not None:
                self.add(kind, start, prev)
            start = prev = i
        if start is not None:
            self.add(kind, start, prev)

    def clear(self, kind: str) -> None:
        """All work of a kind is done (e.g. the whole library was just classified)."""
        self.lib.execute("DELETE FROM pending_work WHERE kind = ?", (kind,))

    def count(self, kind: str | None = None) -> int:
        """How many article ids wait (an upper bound: deleted ones are skipped when done)."""
        sql = "SELECT coalesce(sum(last - first + 1), 0) FROM pending_work"
        if kind is None:
            return self.lib.execute(sql).fetchone()[0]
        return self.lib.execute(sql + " WHERE kind = ?", (kind,)).fetchone()[0]

    def next_batch(self, kind: str, size: int) -> tuple[int, int] | None:
        """The lowest waiting ids of a kind, at most ``size`` of them, as (first, last)."""
        row = self.lib.execute("SELECT first, last FROM pending_work WHERE kind = ? "
                               "ORDER BY first LIMIT 1", (kind,)).fetchone()
        if row is None:
            return None
        return row[0], min(row[1], row[0] + size - 1)

    def done(self, kind: str, first: int, last: int) -> None:
        """Ids first..last of this kind are done: ranges inside go, overlapping ones shrink."""
        ex = self.lib.execute
        ex("DELETE FROM pending_work WHERE kind = ? AND first >= ? AND last <= ?",
           (kind, first, last))
        ex("UPDATE pending_work SET first = ? WHERE kind = ? AND first >= ? AND first <= ?",
           (last + 1, kind, first, last))
        ex("UPDATE pending_work SET last = ? WHERE kind = ? AND last >= ? AND last <= ?",
           (first - 1, kind, first, last))
        # a range that contains first..last in its middle splits in two
        for rid, f, la in ex("SELECT rowid, first, last FROM pending_work WHERE kind = ? "
                             "AND first < ? AND last > ?", (kind, first, last)).fetchall():
            ex("UPDATE pending_work SET last = ? WHERE rowid = ?", (first - 1, rid))
            self.add(kind, last + 1, la)

    def index_fts(self, first: int, last: int) -> None:
        """(Re)index articles first..last for full-text search."""
        self.lib.execute("DELETE FROM articles_fts WHERE rowid BETWEEN ? AND ?", (first, last))
        self.lib.execute("INSERT INTO articles_fts(rowid, title, abstract, authors, keywords, "
                         "mesh, journal, notes) SELECT id, title, abstract, authors, keywords, "
                         "mesh, journal, notes FROM fts_source WHERE id BETWEEN ? AND ?",
                         (first, last))
