"""The title keys of the library's articles, kept in memory through a watch run, so that a
batch's references look up by title only the keys some article has.

Nearly every reference of a PubMed record has no title of its own: its key is its whole
citation text, which no article has as its title; a batch of 200 records asked SQLite about
~11,000 such keys (0.04 s a batch, a tenth of the filing).  The set may hold more keys than
the library (a key of an article trashed or changed since, of a write rolled back): a key in
it is still looked up in SQLite, so that costs nothing but the look-up.  It must never miss
one, so it is read again whole when another connection has committed (``PRAGMA
data_version``) or its log is gone (made in a transaction rolled back since), and it takes in
what this connection writes from a TEMP log that TEMP triggers on ``articles`` fill.
Used inside ``CitationStore.keep_stubs()`` (storage/citation_edges.KeptStubs) only."""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from amlref.storage.library import Library

_LOG = "amlref_title_log"      # TEMP: this connection only
_SQL = (
    f"CREATE TEMP TABLE IF NOT EXISTS {_LOG}(title_key TEXT NOT NULL)",
    f"CREATE TEMP TRIGGER IF NOT EXISTS {_LOG}_i AFTER INSERT ON main.articles "
    f"WHEN new.title_key != '' BEGIN INSERT INTO {_LOG} VALUES (new.title_key); END",
    f"CREATE TEMP TRIGGER IF NOT EXISTS {_LOG}_u AFTER UPDATE OF title_key ON main.articles "
    f"WHEN new.title_key != '' BEGIN INSERT INTO {_LOG} VALUES (new.title_key); END",
)


class ArticleTitles:
    def __init__(self, lib: "Library"):
        self.lib = lib
        self.keys: set[str] | None = None
        self.version = -1
        self.reads = 0          # times the keys were read whole (tests)

    def present(self, tkeys: list[str]) -> list[str]:
        """The keys of ``tkeys`` that some article may have (all that one has)."""
        conn = self.lib.conn
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        new = None
        if self.keys is not None and version == self.version:
            try:
                new = conn.execute(f"SELECT title_key FROM temp.{_LOG}").fetchall()
            except sqlite3.OperationalError:     # (made in a transaction rolled back since)
                new = None
        if new is None:
            for sql in _SQL:
                conn.execute(sql)
            conn.execute(f"DELETE FROM temp.{_LOG}")
            self.keys = {r[0] for r in conn.execute(
                "SELECT title_key FROM articles WHERE title_key != ''")}
            self.version = version
            self.reads += 1
        elif new:
            self.keys.update(r[0] for r in new)
            conn.execute(f"DELETE FROM temp.{_LOG}")
        keys = self.keys
        return [k for k in tkeys if k in keys]

    def close(self) -> None:
        self.keys = None
        try:
            for name in ("_i", "_u"):
                self.lib.conn.execute(f"DROP TRIGGER IF EXISTS temp.{_LOG}{name}")
            self.lib.conn.execute(f"DROP TABLE IF EXISTS temp.{_LOG}")
        except sqlite3.Error:     # (a closed or broken connection)
            pass
