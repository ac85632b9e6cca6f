"""Storage of citation edges and reference stubs.

An edge goes from a citing article to a cited article, or to a reference stub (a work known only
by description).  One stub stands for one work: references to the same DOI, PMID, PMCID or
(confidently) the same title share a stub, and stubs found to describe the same work are merged.
When a work enters the library, stubs that match it are resolved: their edges move to the article.

When two descriptions are the same work, and the fields of a reference: storage/
reference_fields.py.

``reference_stubs.cited_count`` (schema step 2) is the number of live articles that cite a stub,
kept exact by triggers; the "missing key papers" ranking reads it through an index.
Graph queries with details, rankings and exports live in ``amlref.citations``.

Note on indexes: the identifier indexes are partial (``WHERE doi != ''``); SQLite only uses them
when the query repeats that term, so every lookup here says ``doi != '' AND doi = ?``."""
from __future__ import annotations

import contextlib
import json
from typing import Iterable, TYPE_CHECKING

from amlref.core.article import Reference
from amlref.storage.reference_fields import (  # noqa: F401  (re-exported: the stub fields)
    ID_COLUMNS, KINDS, STUB_COLUMNS, compatible, confident_title, normalize_reference,
    years_close)

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

_CHUNK = 500


def _stub_edges_of(article_ids, where, params) -> tuple[list[str], list]:
    """Conditions (on citations ``c`` joined to articles ``a``) for the 'cites' edges to stubs
    from the live articles of a set: ``article_ids``, or an SQL condition on ``a``."""
    conds = ["c.stub_id IS NOT NULL", "c.kind = 'cites'", "a.deleted_at IS NULL"]
    args: list = []
    if article_ids is not None:   # (looked up by id, not by walking all live articles)
        conds[2] = "+a.deleted_at IS NULL"
        conds.append("a.id IN (SELECT value FROM json_each(?))")
        args.append(json.dumps([int(i) for i in article_ids]))
    if where:
        conds.append(f"({where})")
        args += list(params)
    return conds, args


class CitationStore:
    def __init__(self, lib: "Library"):
        self.lib = lib
        self.kept_stubs = None       # citation_edges.KeptStubs inside keep_stubs()

    @contextlib.contextmanager
    def keep_stubs(self):
        """Inside: :meth:`add_many` keeps the stubs it read and made for the next call (a
        watch run's batches), as long as nothing else changed them (citation_edges.KeptStubs)."""
        if self.kept_stubs is not None:
            yield self.kept_stubs
            return
        from amlref.storage.citation_edges import KeptStubs
        kept = self.kept_stubs = KeptStubs(self.lib)
        try:
            yield kept
        finally:
            self.kept_stubs = None
            kept.close()

    # -- stubs -----------------------------------------------------------------------------
    def _stub_rows(self, where: str, params) -> list[dict]:
        return [dict(zip(STUB_COLUMNS, r)) for r in self.lib.execute(
            f"SELECT {', '.join(STUB_COLUMNS)} FROM reference_stubs WHERE {where}", params)]

    def _matching_stubs(self, f: dict) -> list[dict]:
        """Stubs that describe the same work as the stub fields ``f``."""
        found: dict[int, dict] = {}
        for col in ID_COLUMNS:
            if f[col]:
                for s in self._stub_rows(f"{col} != '' AND {col} = ?", (f[col],)):
                    found.setdefault(s["id"], s)
        if confident_title(f["title_key"]):
            for s in self._stub_rows("title_key != '' AND title_key = ?", (f["title_key"],)):
                if years_close(s["year"], f["year"]):
                    found.setdefault(s["id"], s)
        elif f["title_key"] and not (f["doi"] or f["pmid"] or f["pmcid"]):
            # too short to trust, no identifier: only the very same description
            for s in self._stub_rows("title_key != '' AND title_key = ? AND doi = '' AND "
                                     "pmid = '' AND pmcid = ''", (f["title_key"],)):
                if (s["raw"], s["title"], s["year"]) == (f["raw"], f["title"], f["year"]):
                    found.setdefault(s["id"], s)
        # keep only stubs consistent with the reference; prefer unresolved, then oldest
        return sorted((s for s in found.values() if compatible(s, f)),
                      key=lambda s: (s["resolved_id"] is not None, s["id"]))

    def stub_id(self, ref: "Reference | dict") -> int:
        """Find or create the stub for a reference; fills in what the stub did not know yet and
        merges stubs that the reference shows to be the same work."""
        f = ref if isinstance(ref, dict) else normalize_reference(ref)
        if not any(f[k] for k in ("raw", "doi", "pmid", "pmcid", "title_key")):
            raise ValueError("an empty reference")
        with self.lib.transaction():
            stubs = self._matching_stubs(f)
            if not stubs:
                return self.lib.execute(
                    "INSERT INTO reference_stubs(raw, doi, pmid, pmcid, title, title_key, year, "
                    "authors, container) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (f["raw"], f["doi"], f["pmid"], f["pmcid"], f["title"], f["title_key"],
                     f["year"], f["authors"], f["container"])).lastrowid
            keep = stubs[0]
            merged = dict(keep)
            self._fill(merged, f)
            for other in self._mergeable(merged, stubs[1:]):
                self._merge_into(keep["id"], other["id"])
            if keep["resolved_id"] is not None:
                # the article it was resolved to is gone (else the reference had matched it)
                merged["resolved_id"] = None
            changed = {k: v for k, v in merged.items() if keep[k] != v}
            if changed:
                sets = ", ".join(f"{k} = ?" for k in changed)
                self.lib.execute(f"UPDATE reference_stubs SET {sets} WHERE id = ?",
                                 tuple(changed.values()) + (keep["id"],))
            return keep["id"]

    @staticmethod
    def _fill(target: dict, source: dict) -> None:
        if not target.get("title") and source.get("title"):
            target["title_key"] = source["title_key"]   # a real title beats the raw text
        for k in ("raw", "doi", "pmid", "pmcid", "title", "title_key", "authors", "container"):
            if not target.get(k) and source.get(k):
                target[k] = source[k]
        if target.get("year") is None and source.get("year") is not None:
            target["year"] = source["year"]

    @classmethod
    def _mergeable(cls, merged: dict, others: list[dict]):
        """The other stubs a reference also matched that describe the same work as ``merged``
        (unresolved and compatible with it so far), each filled into ``merged`` as it comes."""
        for other in others:
            if other["resolved_id"] is None and compatible(merged, other):
                cls._fill(merged, other)
                yield other

    def _merge_into(self, keep: int, other: int) -> None:
        self.lib.execute(
            "INSERT OR IGNORE INTO citations(citing_id, stub_id, kind, origin, created) "
            "SELECT citing_id, ?, kind, origin, created FROM citations WHERE stub_id = ?",
            (keep, other))
        self.lib.execute("DELETE FROM citations WHERE stub_id = ?", (other,))
        self.lib.execute("DELETE FROM reference_stubs WHERE id = ?", (other,))

    def stub(self, stub_id: int) -> dict:
        rows = self._stub_rows("id = ?", (stub_id,))
        return rows[0] if rows else {}

    def stubs(self, stub_ids: Iterable[int]) -> dict[int, dict]:
        ids = list(stub_ids)
        out: dict[int, dict] = {}
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            for s in self._stub_rows(f"id IN ({','.join('?' * len(chunk))})", chunk):
                out[s["id"]] = s
        return out

    # -- edges -----------------------------------------------------------------------------
    def add(self, citing_id: int, target: "int | Reference", kind: str = "cites",
            origin: str = "") -> bool:
        """Add an edge; returns False when it was already there.  A reference that matches a
        library article becomes a direct edge.  ``kind="cited_by"``: the target cites the
        article (stored the other way round once the target is a library article)."""
        from amlref.storage.library import now_iso
        if kind not in KINDS:
            raise ValueError(f"unknown relation kind {kind!r}")
        with self.lib.transaction():
            if isinstance(target, Reference):
                f = normalize_reference(target)
                if not any(f[k] for k in ("raw", "doi", "pmid", "pmcid", "title_key")):
                    return False   # nothing to know the work by
                aid = self.match_article(f)
                if aid is None:   # a stub edge ('cited_by' kept as such)
                    sid = self.stub_id(f)
                    cur = self.lib.execute(
                        "INSERT OR IGNORE INTO citations(citing_id, stub_id, kind, origin, created) "
                        "VALUES (?, ?, ?, ?, ?)", (citing_id, sid, kind, origin, now_iso()))
                    if cur.rowcount > 0:
                        self.lib.touched(citing_id)
                    return cur.rowcount > 0
                target = aid
            if target == citing_id:
                return False
            if kind == "cited_by":
                citing_id, target, kind = target, citing_id, "cites"
            cur = self.lib.execute(
                "INSERT OR IGNORE INTO citations(citing_id, cited_id, kind, origin, created) "
                "VALUES (?, ?, ?, ?, ?)", (citing_id, target, kind, origin, now_iso()))
            if cur.rowcount > 0:
                self.lib.touched(citing_id, target)
            return cur.rowcount > 0

    def add_many(self, edges: Iterable[tuple], now: str | None = None) -> int:
        """Edges ``(citing_id, target, kind, origin)`` as :meth:`add` makes them one by one, with
        a few queries per batch (storage/citation_edges.py); returns how many were new."""
        from amlref.storage.citation_edges import add_edges
        return add_edges(self.lib, edges, now)

    def remove(self, citing_id: int, target: "int | None" = None, stub_id: int | None = None,
               kind: str = "cites") -> bool:
        with self.lib.transaction():
            if stub_id is not None:
                cur = self.lib.execute("DELETE FROM citations WHERE citing_id = ? AND stub_id = ? "
                                       "AND kind = ?", (citing_id, stub_id, kind))
            else:
                cur = self.lib.execute("DELETE FROM citations WHERE citing_id = ? AND cited_id = ? "
                                       "AND kind = ?", (citing_id, target, kind))
            if cur.rowcount:
                self.lib.touched(citing_id, target)
            return cur.rowcount > 0

    def match_article(self, ref: "Reference | dict") -> int | None:
        """The live library article a reference describes, or None."""
        f = ref if isinstance(ref, dict) else normalize_reference(ref)
        ex = self.lib.execute
        for col in ID_COLUMNS:
            if f[col]:
                row = ex(f"SELECT id FROM articles WHERE {col} != '' AND {col} = ? AND "
                         "deleted_at IS NULL ORDER BY id LIMIT 1", (f[col],)).fetchone()
                if row:
                    return row[0]
        if confident_title(f["title_key"]):
            for aid, doi, pmid, pmcid, year in ex(
                    "SELECT id, doi, pmid, pmcid, year FROM articles WHERE title_key = ? AND "
                    "deleted_at IS NULL ORDER BY id", (f["title_key"],)):
                if years_close(year, f["year"]) and compatible(
                        {"doi": doi, "pmid": pmid, "pmcid": pmcid}, f):
                    return aid
        return None

    # -- resolution ------------------------------------------------------------------------
    def resolve_stubs(self, article_ids: Iterable[int]) -> int:
        """Turn stubs that describe these (new) articles into real links.  Returns the number of
        edges moved.  Set-based: a few indexed joins per 500 articles."""
        ids = list(dict.fromkeys(int(i) for i in article_ids if i is not None))
        if not ids:
            return 0
        if self.lib.execute("SELECT 1 FROM reference_stubs WHERE resolved_id IS NULL "
                            "LIMIT 1").fetchone() is None:
            return 0
        found: dict[int, int] = {}   # stub id -> article id (first match by priority wins)
        ex = self.lib.execute
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for col in ID_COLUMNS:
                for sid, aid in ex(
                        f"SELECT s.id, a.id FROM articles a JOIN reference_stubs s "
                        f"ON s.{col} = a.{col} AND s.{col} != '' "
                        f"WHERE a.id IN ({marks}) AND a.{col} != '' AND a.deleted_at IS NULL "
                        f"AND s.resolved_id IS NULL ORDER BY a.id", chunk):
                    found.setdefault(sid, aid)
            for row in ex(
                    f"SELECT s.id, a.id, s.doi, s.pmid, s.pmcid, s.year, a.doi, a.pmid, a.pmcid, "
                    f"a.year, a.title_key FROM articles a JOIN reference_stubs s "
                    f"ON s.title_key = a.title_key AND s.title_key != '' "
                    f"WHERE a.id IN ({marks}) AND a.title_key != '' AND a.deleted_at IS NULL "
                    f"AND s.resolved_id IS NULL ORDER BY a.id", chunk):
                sid, aid, sdoi, spmid, spmcid, syear, adoi, apmid, apmcid, ayear, tkey = row
                if sid in found or not confident_title(tkey) or not years_close(syear, ayear):
                    continue
                if compatible({"doi": sdoi, "pmid": spmid, "pmcid": spmcid},
                              {"doi": adoi, "pmid": apmid, "pmcid": apmcid}):
                    found[sid] = aid
        if not found:
            return 0
        moved = 0
        with self.lib.transaction():
            for sid, aid in found.items():
                moved += self._move_stub_edges(sid, aid)
        return moved

    def _move_stub_edges(self, sid: int, aid: int) -> int:
        ex = self.lib.execute
        citing = [r[0] for r in ex("SELECT citing_id FROM citations WHERE stub_id = ?", (sid,))]
        # "cited by the work": now the work cites the article (SET sees the old citing_id)
        moved = ex("UPDATE OR IGNORE citations SET cited_id = citing_id, citing_id = ?, "
                   "stub_id = NULL, kind = 'cites' WHERE stub_id = ? AND kind = 'cited_by' AND "
                   "citing_id != ?", (aid, sid, aid)).rowcount
        # in place (one write per edge); edges the article already has, or a self-citation,
        # are left behind by OR IGNORE / the condition and deleted
        moved += ex("UPDATE OR IGNORE citations SET cited_id = ?, stub_id = NULL WHERE "
                    "stub_id = ? AND kind != 'cited_by' AND citing_id != ?",
                    (aid, sid, aid)).rowcount
        moved += ex("DELETE FROM citations WHERE stub_id = ?", (sid,)).rowcount
        # (moving an edge off a stub does not decrement its count: see schema step 2)
        ex("UPDATE reference_stubs SET resolved_id = ?, cited_count = 0 WHERE id = ?", (aid, sid))
        self.lib.touched(aid, *citing)
        return moved

    def move_article_edges(self, other: int, keep: int) -> int:
        """Duplicates merged: every edge of ``other`` (what it cites, works not in the library
        included, what cites it, similar) becomes an edge of ``keep``; duplicates and
        self-links are dropped.  Call before ``other`` is deleted.  Returns edges moved."""
        if other == keep:
            return 0
        ex = self.lib.execute
        with self.lib.transaction():
            moved = ex("UPDATE OR IGNORE citations SET citing_id = ? WHERE citing_id = ? AND "
                       "(cited_id IS NULL OR cited_id != ?)", (keep, other, keep)).rowcount
            moved += ex("UPDATE OR IGNORE citations SET cited_id = ? WHERE cited_id = ? AND "
                        "citing_id != ?", (keep, other, keep)).rowcount
            ex("DELETE FROM citations WHERE citing_id = ?", (other,))
            ex("DELETE FROM citations WHERE cited_id = ?", (other,))
            ex("UPDATE reference_stubs SET resolved_id = ? WHERE resolved_id = ?", (keep, other))
            self.lib.touched(keep, other)
        return moved

    def resolve_all(self) -> int:
        """Resolve every unresolved stub that matches a live library article (a repair sweep,
        e.g. after identifiers were edited by hand).  Returns edges moved."""
        ids = [r[0] for r in self.lib.execute(
            "SELECT DISTINCT a.id FROM articles a JOIN reference_stubs s ON "
            "(a.doi != '' AND s.doi != '' AND s.doi = a.doi) OR "
            "(a.pmid != '' AND s.pmid != '' AND s.pmid = a.pmid) OR "
            "(a.pmcid != '' AND s.pmcid != '' AND s.pmcid = a.pmcid) OR "
            "(a.title_key != '' AND s.title_key != '' AND s.title_key = a.title_key) "
            "WHERE s.resolved_id IS NULL AND a.deleted_at IS NULL")]
        return self.resolve_stubs(ids)

    def recount(self) -> int:
        """Recompute ``cited_count`` from the edges (repair); returns rows that were wrong."""
        with self.lib.transaction():
            before = self.lib.conn.total_changes
            self.lib.execute(
                "WITH n AS (SELECT c.stub_id AS sid, count(*) AS k FROM citations c JOIN articles a "
                "ON a.id = c.citing_id WHERE c.stub_id IS NOT NULL AND c.kind = 'cites' AND "
                "a.deleted_at IS NULL GROUP BY c.stub_id) "
                "UPDATE reference_stubs SET cited_count = coalesce((SELECT k FROM n WHERE "
                "n.sid = reference_stubs.id), 0) WHERE cited_count != coalesce((SELECT k FROM n "
                "WHERE n.sid = reference_stubs.id), 0)")
            return self.lib.conn.total_changes - before

    # -- simple queries (ids; details are in amlref.citations) -----------------------------
    def references(self, article_id: int, kind: str = "cites") -> list[dict]:
        """What the article cites: live library articles first, then stubs (in insertion order).
        Two indexed lookups (the edge indexes are partial, one per target kind)."""
        ex = self.lib.execute
        out = [{"article_id": r[0], "stub_id": None, "origin": r[1]} for r in ex(
            "SELECT c.cited_id, c.origin FROM citations c JOIN articles a ON a.id = c.cited_id "
            "WHERE c.citing_id = ? AND c.cited_id IS NOT NULL AND c.kind = ? AND "
            "a.deleted_at IS NULL ORDER BY c.id", (article_id, kind))]
        out += [{"article_id": None, "stub_id": r[0], "origin": r[1]} for r in ex(
            "SELECT c.stub_id, c.origin FROM citations c WHERE c.citing_id = ? AND "
            "c.stub_id IS NOT NULL AND c.kind = ? ORDER BY c.id", (article_id, kind))]
        return out

    def cited_by(self, article_id: int, kind: str = "cites") -> list[dict]:
        """Live library articles that cite this one, then works not in the library known to
        cite it ('cited_by' stub edges)."""
        ex = self.lib.execute
        out = [{"article_id": r[0], "stub_id": None, "origin": r[1]} for r in ex(
            "SELECT c.citing_id, c.origin FROM citations c JOIN articles a ON a.id = c.citing_id "
            "WHERE c.cited_id = ? AND c.kind = ? AND a.deleted_at IS NULL ORDER BY c.id",
            (article_id, kind))]
        if kind == "cites":
            out += [{"article_id": None, "stub_id": r[0], "origin": r[1]} for r in ex(
                "SELECT c.stub_id, c.origin FROM citations c WHERE c.citing_id = ? AND "
                "c.stub_id IS NOT NULL AND c.kind = 'cited_by' ORDER BY c.id", (article_id,))]
        return out

    def stub_cited_by(self, stub_id: int, limit: int | None = None) -> list[int]:
        """Live library articles that cite a stub."""
        sql = ("SELECT c.citing_id FROM citations c JOIN articles a ON a.id = c.citing_id "
               "WHERE c.stub_id = ? AND c.kind = 'cites' AND a.deleted_at IS NULL ORDER BY c.id")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [r[0] for r in self.lib.execute(sql, (stub_id,))]

    def similar(self, article_id: int) -> list[dict]:
        """'similar' is symmetric: either direction; library articles first, then stubs."""
        ex = self.lib.execute
        seen: set[int] = set()
        out = []
        for sql in ("SELECT c.cited_id, c.origin, c.id FROM citations c JOIN articles a ON "
                    "a.id = c.cited_id WHERE c.citing_id = ? AND c.cited_id IS NOT NULL AND "
                    "c.kind = 'similar' AND a.deleted_at IS NULL",
                    "SELECT c.citing_id, c.origin, c.id FROM citations c JOIN articles a ON "
                    "a.id = c.citing_id WHERE c.cited_id = ? AND c.kind = 'similar' AND "
                    "a.deleted_at IS NULL"):
            for aid, origin, _ in sorted(ex(sql, (article_id,)), key=lambda r: r[2]):
                if aid not in seen:
                    seen.add(aid)
                    out.append({"article_id": aid, "stub_id": None, "origin": origin})
        out += [{"article_id": None, "stub_id": r[0], "origin": r[1]} for r in ex(
            "SELECT c.stub_id, c.origin FROM citations c WHERE c.citing_id = ? AND "
            "c.stub_id IS NOT NULL AND c.kind = 'similar' ORDER BY c.id", (article_id,))]
        return out

    def count_cited_by(self, article_ids: Iterable[int]) -> dict[int, int]:
        """Number of live library articles citing each of these articles."""
        ids = list(article_ids)
        out: dict[int, int] = {}
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            for aid, n in self.lib.execute(
                    # CROSS JOIN keeps SQLite on the citations_cited index (left to itself the
                    # planner may scan every live article first: 1 s for 200 ids at 100k)
                    f"SELECT c.cited_id, count(*) FROM citations c CROSS JOIN articles a ON "
                    f"a.id = c.citing_id WHERE c.kind = 'cites' AND a.deleted_at IS NULL AND "
                    f"c.cited_id IN ({','.join('?' * len(chunk))}) GROUP BY c.cited_id", chunk):
                out[aid] = n
        return out

    def counts(self, article_id: int) -> dict[str, int]:
        """references (in library / stubs), cited_by, similar of one article."""
        ex = self.lib.execute
        in_lib = ex("SELECT count(*) FROM citations c JOIN articles a ON a.id = c.cited_id WHERE "
                    "c.citing_id = ? AND c.cited_id IS NOT NULL AND c.kind = 'cites' AND "
                    "a.deleted_at IS NULL", (article_id,)).fetchone()[0]
        stubs = ex("SELECT count(*) FROM citations WHERE citing_id = ? AND stub_id IS NOT NULL "
                   "AND kind = 'cites'", (article_id,)).fetchone()[0]
        cited_by = ex("SELECT count(*) FROM citations c JOIN articles a ON a.id = c.citing_id "
                      "WHERE c.cited_id = ? AND c.kind = 'cites' AND a.deleted_at IS NULL",
                      (article_id,)).fetchone()[0]
        outside = ex("SELECT count(*) FROM citations WHERE citing_id = ? AND stub_id IS NOT NULL "
                     "AND kind = 'cited_by'", (article_id,)).fetchone()[0]
        return {"references": in_lib + stubs, "references_in_library": in_lib,
                "references_missing": stubs, "cited_by": cited_by + outside,
                "cited_by_in_library": cited_by, "cited_by_outside": outside,
                "similar": len(self.similar(article_id))}

    # -- ranking ---------------------------------------------------------------------------
    def top_stubs(self, limit: int = 50, offset: int = 0) -> list[tuple[int, int]]:
        """(stub id, live citing articles) of unresolved stubs, most cited first: an index scan
        on the maintained ``cited_count``."""
        return [tuple(r) for r in self.lib.execute(
            "SELECT id, cited_count FROM reference_stubs WHERE cited_count > 0 AND "
            "resolved_id IS NULL ORDER BY cited_count DESC, id LIMIT ? OFFSET ?",
            (limit, offset))]

    def stub_edges_within(self, article_ids: Iterable[int] | None = None,
                          where: str | None = None, params: Iterable = ()) -> list[tuple[int, int]]:
        """(stub id, citing article id) of every 'cites' edge to a stub from the live articles
        of a set (``article_ids`` or an SQL condition on ``a``), by citing article.  One pass:
        the view's rankings and citing lists are both made from it."""
        conds, args = _stub_edges_of(article_ids, where, params)
        return self.lib.execute(
            "SELECT c.stub_id, c.citing_id FROM articles a CROSS JOIN citations c ON "
            f"c.citing_id = a.id WHERE {' AND '.join(conds)}", args).fetchall()

    def top_stubs_within(self, limit: int = 50, offset: int = 0,
                         article_ids: Iterable[int] | None = None, where: str | None = None,
                         params: Iterable = ()) -> list[tuple[int, int]]:
        """Like :meth:`top_stubs`, counting only citing articles in a set: ``article_ids``, or
        an SQL condition ``where`` on the articles table aliased ``a``."""
        # (no join on reference_stubs: a resolved stub has no edges left, they moved)
        conds, args = _stub_edges_of(article_ids, where, params)
        return [tuple(r) for r in self.lib.execute(
            "SELECT c.stub_id, count(*) AS n FROM articles a "
            "CROSS JOIN citations c ON c.citing_id = a.id "
            f"WHERE {' AND '.join(conds)} GROUP BY c.stub_id ORDER BY n DESC, c.stub_id "
            "LIMIT ? OFFSET ?", args + [limit, offset])]
