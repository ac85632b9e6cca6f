"""Many citation edges at once (an import's reference lists): what ``CitationStore.add`` does
for one edge, with a few queries per batch instead of several per reference.

For the whole batch, the library articles and the reference stubs that any of its references
could match are read first, by identifier and title key (``IN (SELECT value FROM json_each(?))``
on the indexed columns); the references are then matched in order against those rows in memory
(stubs made or filled on the way are indexed too, so a later reference finds them exactly as it
would have found them in the table), and the edges go in with one ``executemany``.  The result
is the one-by-one result: the same stubs, merges and edges, in the same order."""
from __future__ import annotations

import functools
import itertools
import json
import sqlite3
from typing import TYPE_CHECKING, Iterable

from amlref.core.article import Reference
from amlref.storage.citations import CitationStore
from amlref.storage.reference_fields import (ID_COLUMNS, KINDS, STUB_COLUMNS, compatible,
                                             normalize_reference, years_close)
from amlref.storage.reference_fields import confident_title as _confident_title

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.article_titles import ArticleTitles
    from amlref.storage.library import Library

_IN = "IN (SELECT value FROM json_each(?))"
_INDEXED = ID_COLUMNS + ("title_key",)
confident_title = functools.lru_cache(maxsize=65536)(_confident_title)   # (3 calls a reference)
# (``+deleted_at``: left to itself the planner scans every live article by the trash index
# instead of looking the values up in the identifier and title indexes)
_INSERT = ("INSERT OR IGNORE INTO citations(citing_id, cited_id, stub_id, kind, origin, created) "
           "VALUES (?, ?, ?, ?, ?, ?)")
# what the trigger citations_count_ai (schema step 2) adds per edge, for all edges from id ? on
_COUNT_NEW = ("UPDATE reference_stubs SET cited_count = cited_count + n.k FROM ("
              "SELECT c.stub_id AS sid, count(*) AS k FROM citations c NOT INDEXED WHERE c.id >= ? AND "
              "c.stub_id IS NOT NULL AND c.kind = 'cites' AND EXISTS (SELECT 1 FROM articles a "
              "WHERE a.id = c.citing_id AND a.deleted_at IS NULL) GROUP BY c.stub_id) AS n "
              "WHERE reference_stubs.id = n.sid")
# stub edges in one executemany from which the count is made once: the trigger costs ~5 us an
# edge (8.4 against 3.5 us an inserted stub edge), dropping and making it again ~0.06 ms
_COUNT_ONCE_FROM = 50


def add_edges(lib: "Library", edges: Iterable[tuple], now: str | None = None) -> int:
    """Add ``(citing_id, target, kind, origin)`` edges, target an article id, a Reference, or
    the normalised fields of one (a dict made by ``normalize_reference``, e.g. in a worker
    process); returns how many were new (as :meth:`CitationStore.add` one by one would)."""
    from amlref.storage.library import now_iso
    edges = list(edges)
    for e in edges:
        if e[2] not in KINDS:
            raise ValueError(f"unknown relation kind {e[2]!r}")
    if not edges:
        return 0
    now = now or now_iso()
    fields = [normalize_reference(e[1]) if isinstance(e[1], Reference)
              else e[1] if isinstance(e[1], dict) else None for e in edges]
    with lib.transaction():
        kept = lib.citations.kept_stubs
        stubs = kept.stubs() if kept is not None else _Stubs(lib)
        try:
            added = _add(lib, edges, fields, stubs, now,
                         kept.titles if kept is not None else None)
        except BaseException:
            if kept is not None:
                kept.forget()
            raise
        if kept is not None:
            kept.synced()
    return added


def _add(lib: "Library", edges: list[tuple], fields: list, stubs: "_Stubs", now: str,
         titles: "ArticleTitles | None" = None) -> int:
    articles = _Articles(lib, [f for f in fields if f is not None], titles)
    known = [None if f is None else articles.match(f) for f in fields]
    stubs.read([f for f, aid in zip(fields, known) if f is not None and aid is None])
    rows: list[tuple] = []
    touched: set[int] = set()
    add, add_touched = rows.append, touched.add
    for (citing, target, kind, origin), f, aid in zip(edges, fields, known):
        if f is not None:
            if not (f["raw"] or f["doi"] or f["pmid"] or f["pmcid"] or f["title_key"]):
                continue      # nothing to know the work by
            if aid is None:   # a stub edge ('cited_by' kept as such)
                sid = stubs.stub_id(f, before_write=lambda: _flush(lib, rows, stubs))
                add((citing, None, sid, kind, origin, now))
                add_touched(citing)
                continue
            target = aid
        if target == citing:
            continue
        if kind == "cited_by":
            citing, target, kind = target, citing, "cites"
        add((citing, target, None, kind, origin, now))
        touched.update((citing, target))
    added = _flush(lib, rows, stubs)
    lib.touched(*touched)
    return added


def _adds(s: dict, f: dict) -> bool:
    """Would CitationStore._fill(s, f) change anything in the stub ``s``?"""
    return bool((not s["title"] and f["title"] and s["title_key"] != f["title_key"])
                or (not s["raw"] and f["raw"]) or (not s["doi"] and f["doi"])
                or (not s["pmid"] and f["pmid"]) or (not s["pmcid"] and f["pmcid"])
                or (not s["title"] and f["title"]) or (not s["title_key"] and f["title_key"])
                or (not s["authors"] and f["authors"])
                or (not s["container"] and f["container"])
                or (s["year"] is None and f["year"] is not None))


def _compatible(s: dict, doi: str, pmid: str, pmcid: str) -> bool:
    """citations.compatible(s, f) written out (a hot path: once per candidate stub)."""
    return not ((doi and s["doi"] and s["doi"] != doi) or (pmid and s["pmid"] and s["pmid"] != pmid)
                or (pmcid and s["pmcid"] and s["pmcid"] != pmcid))


def _flush(lib: "Library", rows: list[tuple], stubs: "_Stubs") -> int:
    """Store the new stubs (first: the edges point at them), then the edges.

    Many stub edges at once: the ``cited_count`` trigger (one lookup and one UPDATE per edge)
    is dropped for the ``executemany`` and the stubs' counts are raised once from the new rows
    (ids above the old maximum: this connection is the only writer in its transaction), then
    the trigger is made again from its own text, before anything else writes (a stub merge
    moves edges with the trigger in place).  Other connections never see it missing; on error
    the transaction is spoiled, so the trigger comes back with the rollback."""
    stubs.flush()
    if not rows:
        return 0
    conn = lib.conn
    before = conn.total_changes
    counted = sum(1 for r in rows if r[2] is not None and r[3] == "cites")
    trigger = None
    if counted >= _COUNT_ONCE_FROM:
        trigger = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                               "name = 'citations_count_ai'").fetchone()
    try:
        if trigger is None:
            cur = conn.executemany(_INSERT, rows)
            n = cur.rowcount if cur.rowcount >= 0 else conn.total_changes - before
        else:
            first = (conn.execute("SELECT max(id) FROM citations").fetchone()[0] or 0) + 1
            conn.execute("DROP TRIGGER citations_count_ai")
            cur = conn.executemany(_INSERT, rows)
            n = cur.rowcount if cur.rowcount >= 0 else conn.total_changes - before
            conn.execute(_COUNT_NEW, (first,))
            conn.execute(trigger[0])
    except BaseException:
        if trigger is not None:
            lib.spoil()
        raise
    rows.clear()
    return n


class _Articles:
    """The live library articles a batch's references may describe (CitationStore.match_article
    over rows read once)."""

    def __init__(self, lib: "Library", fields: list[dict],
                 titles: "ArticleTitles | None" = None):
        ex = lib.execute
        self.by: dict[str, dict[str, int]] = {}
        for col in ID_COLUMNS:
            values = list({f[col] for f in fields} - {""})   # (IN needs no order)
            self.by[col] = dict(ex(
                f"SELECT {col}, min(id) FROM articles WHERE {col} != '' AND {col} {_IN} AND "
                f"+deleted_at IS NULL GROUP BY {col}", (json.dumps(values),))) if values else {}
        tkeys = [k for k in {f["title_key"] for f in fields} if confident_title(k)]
        if titles is not None:     # (only keys some article has: most are citation texts)
            tkeys = titles.present(tkeys)
        self.titles: dict[str, list[tuple]] = {}
        if tkeys:
            for row in ex(f"SELECT title_key, id, doi, pmid, pmcid, year FROM articles WHERE "
                          f"title_key {_IN} AND +deleted_at IS NULL ORDER BY id",
                          (json.dumps(tkeys),)):
                self.titles.setdefault(row[0], []).append(row[1:])

    def match(self, f: dict) -> int | None:
        for col in ID_COLUMNS:
            if f[col]:
                aid = self.by[col].get(f[col])
                if aid is not None:
                    return aid
        if confident_title(f["title_key"]):
            for aid, doi, pmid, pmcid, year in self.titles.get(f["title_key"], ()):
                if years_close(year, f["year"]) and compatible(
                        {"doi": doi, "pmid": pmid, "pmcid": pmcid}, f):
                    return aid
        return None


class _Stubs:
    """The reference stubs a batch's references may match, read once and kept in step with
    what :meth:`stub_id` makes, fills and merges (CitationStore.stub_id in memory).  Kept from
    one batch to the next by :class:`KeptStubs` (then only values not read before are read)."""

    def __init__(self, lib: "Library"):
        self.lib = lib
        self.rows: dict[int, dict] = {}
        # new stubs wait here to be inserted together, with the ids SQLite would give them
        # one by one (max + 1 ...: this connection is the only writer in its transaction)
        self.new: dict[int, dict] = {}
        self.next_id = 0
        self.index: dict[str, dict[str, set[int]]] = {c: {} for c in _INDEXED}
        # values whose stubs are all in ``rows`` (read, or made here since)
        self.read_values: dict[str, set[str]] = {c: set() for c in _INDEXED}

    def read(self, fields: list[dict]) -> None:
        """Read the stubs these references may match that are not here yet."""
        lib = self.lib
        self.next_id = (lib.execute("SELECT max(id) FROM reference_stubs").fetchone()[0] or 0) + 1
        conds, args = [], []
        for col in _INDEXED:
            done = self.read_values[col]
            values = {f[col] for f in fields} - done
            values.discard("")
            if values:
                conds.append(f"({col} != '' AND {col} {_IN})")
                args.append(json.dumps(list(values)))
                done.update(values)
        if conds:   # one query (SQLite looks each kind up in its index and unites the rows)
            put, rows = self._put, self.rows
            for r in lib.execute(f"SELECT {', '.join(STUB_COLUMNS)} FROM reference_stubs "
                                 f"WHERE {' OR '.join(conds)}", args):
                if r[0] not in rows:      # (one kept from before is the same: see KeptStubs)
                    put(dict(zip(STUB_COLUMNS, r)))

    def _put(self, s: dict) -> None:
        sid = s["id"]
        self.rows[sid] = s
        index = self.index
        for col in _INDEXED:
            v = s[col]
            if v:
                ids = index[col].get(v)
                if ids is None:
                    index[col][v] = {sid}
                else:
                    ids.add(sid)

    def _drop(self, sid: int) -> None:
        s = self.rows.pop(sid)
        for col, idx in self.index.items():
            if s[col]:
                idx.get(s[col], set()).discard(sid)

    def _matching(self, f: dict) -> list[dict]:
        idx, rows = self.index, self.rows
        found: set[int] = set()
        doi, pmid, pmcid, tkey = f["doi"], f["pmid"], f["pmcid"], f["title_key"]
        if doi and doi in idx["doi"]:
            found.update(idx["doi"][doi])
        if pmid and pmid in idx["pmid"]:
            found.update(idx["pmid"][pmid])
        if pmcid and pmcid in idx["pmcid"]:
            found.update(idx["pmcid"][pmcid])
        if tkey and tkey in idx["title_key"]:
            if confident_title(tkey):
                found.update(sid for sid in idx["title_key"][tkey]
                             if years_close(rows[sid]["year"], f["year"]))
            elif not (doi or pmid or pmcid):
                for sid in idx["title_key"][tkey]:
                    s = rows[sid]
                    if not (s["doi"] or s["pmid"] or s["pmcid"]) and \
                            (s["raw"], s["title"], s["year"]) == (f["raw"], f["title"], f["year"]):
                        found.add(sid)
        if not found:
            return []
        out = [rows[sid] for sid in found if _compatible(rows[sid], doi, pmid, pmcid)]
        if len(out) > 1:
            out.sort(key=lambda s: (s["resolved_id"] is not None, s["id"]))
        return out

    def flush(self) -> None:
        if self.new:
            self.lib.conn.executemany(
                "INSERT INTO reference_stubs(id, raw, doi, pmid, pmcid, title, title_key, year, "
                "authors, container) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(s["id"], s["raw"], s["doi"], s["pmid"], s["pmcid"], s["title"], s["title_key"],
                  s["year"], s["authors"], s["container"]) for s in self.new.values()])
            self.new = {}

    def stub_id(self, f: dict, before_write) -> int:
        stubs = self._matching(f)
        if not stubs:
            sid, self.next_id = self.next_id, self.next_id + 1
            s = {**{k: f.get(k) for k in STUB_COLUMNS}, "id": sid, "resolved_id": None,
                 "cited_count": 0}
            self._put(s)
            self.new[sid] = s
            return sid
        keep = stubs[0]
        if len(stubs) == 1 and keep["resolved_id"] is None and not _adds(keep, f):
            return keep["id"]        # (the usual case: the same work again, nothing new)
        merged = dict(keep)
        CitationStore._fill(merged, f)
        for other in CitationStore._mergeable(merged, stubs[1:]):
            before_write()         # (the stubs and edges waiting: ``other`` may be one)
            self.lib.citations._merge_into(keep["id"], other["id"])
            self._drop(other["id"])
            self.next_id = (self.lib.execute("SELECT max(id) FROM reference_stubs")
                            .fetchone()[0] or 0) + 1     # as SQLite would number the next
        if keep["resolved_id"] is not None:
            merged["resolved_id"] = None
        changed = {k: v for k, v in merged.items() if keep[k] != v}
        if changed:
            self._drop(keep["id"])
            self._put(merged)
            if keep["id"] in self.new:       # not stored yet: stored as it is now
                self.new[keep["id"]] = merged
            else:
                sets = ", ".join(f"{k} = ?" for k in changed)
                self.lib.execute(f"UPDATE reference_stubs SET {sets} WHERE id = ?",
                                 tuple(changed.values()) + (keep["id"],))
        return keep["id"]


# -- stubs kept from one batch to the next ---------------------------------------------------
_MARK = "amlref_kept_stubs"          # a TEMP table and triggers: this connection only
_MARK_SQL = (
    f"CREATE TEMP TABLE IF NOT EXISTS {_MARK}(token INTEGER NOT NULL, dirty INTEGER NOT NULL)",
    f"INSERT INTO temp.{_MARK} SELECT 0, 1 WHERE NOT EXISTS (SELECT 1 FROM temp.{_MARK})",
    # any change to a stub but its cited_count (which the kept rows are never used for)
    f"CREATE TEMP TRIGGER IF NOT EXISTS {_MARK}_i AFTER INSERT ON main.reference_stubs "
    f"BEGIN UPDATE {_MARK} SET dirty = 1; END",
    f"CREATE TEMP TRIGGER IF NOT EXISTS {_MARK}_d AFTER DELETE ON main.reference_stubs "
    f"BEGIN UPDATE {_MARK} SET dirty = 1; END",
    f"CREATE TEMP TRIGGER IF NOT EXISTS {_MARK}_u AFTER UPDATE OF "
    f"{', '.join(c for c in STUB_COLUMNS if c not in ('id', 'cited_count'))}, id ON "
    f"main.reference_stubs BEGIN UPDATE {_MARK} SET dirty = 1; END")
_TOKENS = itertools.count(1)


class KeptStubs:
    """The stubs one ``add_edges`` read and made, kept for the next one on this connection (a
    watch run's batches cite the same works again: each batch re-read the ~9,000 stubs the
    ones before made), so that only values not read before are read.  Used only while the
    table is still what ``add_edges`` left:

    - no other connection committed since (``PRAGMA data_version``);
    - the transaction that wrote last was not rolled back (a TEMP table row written with it
      carries a token: a rollback takes the row back to an older token);
    - nothing else on this connection inserted, deleted or changed a stub (TEMP triggers mark
      the row dirty; ``add_edges`` clears the mark after its own writes): ``resolve_stubs``,
      ``CitationStore.add``, a stub merge, a deleted article's ``resolved_id`` ...;
    - ``add_edges`` ended without an error.

    Otherwise the stubs are read again, as without keeping.  ``cited_count`` of kept rows is
    not kept up to date (``add_edges`` never writes it from them)."""

    def __init__(self, lib: "Library"):
        from amlref.storage.article_titles import ArticleTitles
        self.lib = lib
        self.kept: _Stubs | None = None
        self.titles = ArticleTitles(lib)     # (the articles' title keys, for the same run)
        self.token = 0
        self.version = -1
        self.reads = 0            # times the stubs were read afresh (tests, benchmarks)

    def stubs(self) -> _Stubs:
        if self.kept is None or not self._valid():
            self.kept = _Stubs(self.lib)
            self.reads += 1
        return self.kept

    def _valid(self) -> bool:
        conn = self.lib.conn
        try:
            row = conn.execute(f"SELECT token, dirty FROM temp.{_MARK}").fetchone()
        except sqlite3.OperationalError:       # (made in a transaction rolled back since)
            return False
        return (row is not None and tuple(row) == (self.token, 0)
                and conn.execute("PRAGMA data_version").fetchone()[0] == self.version)

    def synced(self) -> None:
        """``add_edges`` wrote what it kept (its transaction not committed yet)."""
        conn = self.lib.conn
        for sql in _MARK_SQL:
            conn.execute(sql)
        self.token = next(_TOKENS)
        conn.execute(f"UPDATE temp.{_MARK} SET token = ?, dirty = 0", (self.token,))
        self.version = conn.execute("PRAGMA data_version").fetchone()[0]

    def forget(self) -> None:
        self.kept = None

    def close(self) -> None:
        self.kept = None
        self.titles.close()
        try:
            for name in ("_i", "_d", "_u"):
                self.lib.conn.execute(f"DROP TRIGGER IF EXISTS temp.{_MARK}{name}")
            self.lib.conn.execute(f"DROP TABLE IF EXISTS temp.{_MARK}")
        except sqlite3.Error:     # (a closed or broken connection: nothing is left to keep)
            pass
