"""Storage of citation edges and reference stubs.

An edge goes from a citing article to a cited article, or to a reference stub (a work known only
by description).  When a work enters the library, stubs that match it by DOI, PMID, PMCID or
normalised title (+ year within 1) are resolved: their edges are moved to the article.
Graph queries and rankings live in ``amlref.citations``."""
from __future__ import annotations

from typing import Iterable, TYPE_CHECKING

from amlref.core.article import Reference, title_key
from amlref.core.identifiers import normalize_doi, normalize_pmid, normalize_pmcid

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

KINDS = ("cites", "similar")


class CitationStore:
    def __init__(self, lib: "Library"):
        self.lib = lib

    # -- stubs -----------------------------------------------------------------------------
    def stub_id(self, ref: Reference) -> int:
        """Find or create the stub for a reference (matched by identifier, else title+year,
        else raw text)."""
        doi = normalize_doi(ref.doi, strict=False)
        pmid = normalize_pmid(ref.pmid, strict=False)
        pmcid = normalize_pmcid(ref.pmcid, strict=False)
        tkey = title_key(ref.title)
        ex = self.lib.execute
        row = None
        if doi:
            row = ex("SELECT id FROM reference_stubs WHERE doi = ?", (doi,)).fetchone()
        if row is None and pmid:
            row = ex("SELECT id FROM reference_stubs WHERE pmid = ?", (pmid,)).fetchone()
        if row is None and pmcid:
            row = ex("SELECT id FROM reference_stubs WHERE pmcid = ?", (pmcid,)).fetchone()
        if row is None and not (doi or pmid or pmcid):
            if tkey and len(tkey) > 20:
                row = ex("SELECT id FROM reference_stubs WHERE title_key = ? AND doi = '' AND "
                         "pmid = '' AND (year IS NULL OR ? IS NULL OR abs(year - ?) <= 1)",
                         (tkey, ref.year, ref.year)).fetchone()
            elif ref.raw:
                row = ex("SELECT id FROM reference_stubs WHERE raw = ? AND doi = '' AND pmid = ''",
                         (ref.raw,)).fetchone()
        if row:
            sid = row[0]
            # fill what the stub did not know yet
            ex("UPDATE reference_stubs SET doi = CASE WHEN doi = '' THEN ? ELSE doi END, "
               "pmid = CASE WHEN pmid = '' THEN ? ELSE pmid END, "
               "pmcid = CASE WHEN pmcid = '' THEN ? ELSE pmcid END, "
               "title = CASE WHEN title = '' THEN ? ELSE title END, "
               "title_key = CASE WHEN title_key = '' THEN ? ELSE title_key END, "
               "year = coalesce(year, ?), raw = CASE WHEN raw = '' THEN ? ELSE raw END, "
               "authors = CASE WHEN authors = '' THEN ? ELSE authors END, "
               "container = CASE WHEN container = '' THEN ? ELSE container END WHERE id = ?",
               (doi, pmid, pmcid, ref.title, tkey, ref.year, ref.raw, ref.authors, ref.container, sid))
            return sid
        return ex("INSERT INTO reference_stubs(raw, doi, pmid, pmcid, title, title_key, year, "
                  "authors, container) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (ref.raw, doi, pmid, pmcid, ref.title, tkey, ref.year, ref.authors,
                   ref.container)).lastrowid

    # -- edges -----------------------------------------------------------------------------
    def add(self, citing_id: int, target: "int | Reference", kind: str = "cites",
            origin: str = "") -> bool:
        """Add an edge; returns False when it was already there.  A reference that matches a
        library article becomes a direct edge."""
        from amlref.storage.library import now_iso
        if kind not in KINDS:
            raise ValueError(f"unknown relation kind {kind!r}")
        with self.lib.transaction():
            if isinstance(target, Reference):
                aid = self.match_article(target)
                if aid is None:
                    sid = self.stub_id(target)
                    cur = self.lib.execute(
                        "INSERT OR IGNORE INTO citations(citing_id, stub_id, kind, origin, created) "
                        "VALUES (?, ?, ?, ?, ?)", (citing_id, sid, kind, origin, now_iso()))
                    self.lib.touched(citing_id)
                    return cur.rowcount > 0
                target = aid
            if target == citing_id:
                return False
            cur = self.lib.execute(
                "INSERT OR IGNORE INTO citations(citing_id, cited_id, kind, origin, created) "
                "VALUES (?, ?, ?, ?, ?)", (citing_id, target, kind, origin, now_iso()))
            self.lib.touched(citing_id, target)
            return cur.rowcount > 0

    def match_article(self, ref: Reference) -> int | None:
        arts = self.lib.articles
        for kind, fn in (("doi", normalize_doi), ("pmid", normalize_pmid), ("pmcid", normalize_pmcid)):
            v = fn(getattr(ref, kind), strict=False)
            if v:
                aid = arts.find_id(kind, v)
                if aid is not None:
                    return aid
        tkey = title_key(ref.title)
        if tkey and len(tkey) > 20 and not (ref.doi or ref.pmid):
            row = self.lib.execute(
                "SELECT id FROM articles WHERE title_key = ? AND deleted_at IS NULL AND "
                "(? IS NULL OR year IS NULL OR abs(year - ?) <= 1) ORDER BY id LIMIT 1",
                (tkey, ref.year, ref.year)).fetchone()
            if row:
                return row[0]
        return None

    def resolve_stubs(self, article_ids: Iterable[int]) -> int:
        """Turn stubs that describe these (new) articles into real links.  Returns edges moved."""
        moved = 0
        with self.lib.transaction():
            for aid in article_ids:
                row = self.lib.execute("SELECT doi, pmid, pmcid, title_key, year FROM articles "
                                       "WHERE id = ?", (aid,)).fetchone()
                if not row:
                    continue
                doi, pmid, pmcid, tkey, year = row
                conds, params = [], []
                for col, v in (("doi", doi), ("pmid", pmid), ("pmcid", pmcid)):
                    if v:
                        conds.append(f"{col} = ?")
                        params.append(v)
                if tkey and len(tkey) > 20:
                    conds.append("(title_key = ? AND doi = '' AND pmid = '' AND "
                                 "(year IS NULL OR ? IS NULL OR abs(year - ?) <= 1))")
                    params += [tkey, year, year]
                if not conds:
                    continue
                stubs = [r[0] for r in self.lib.execute(
                    f"SELECT id FROM reference_stubs WHERE resolved_id IS NULL AND ({' OR '.join(conds)})",
                    params)]
                for sid in stubs:
                    for eid, citing, kind, origin, created in self.lib.execute(
                            "SELECT id, citing_id, kind, origin, created FROM citations WHERE stub_id = ?",
                            (sid,)).fetchall():
                        if citing != aid:
                            self.lib.execute(
                                "INSERT OR IGNORE INTO citations(citing_id, cited_id, kind, origin, "
                                "created) VALUES (?, ?, ?, ?, ?)", (citing, aid, kind, origin, created))
                            self.lib.touched(citing)
                        self.lib.execute("DELETE FROM citations WHERE id = ?", (eid,))
                        moved += 1
                    self.lib.execute("UPDATE reference_stubs SET resolved_id = ? WHERE id = ?", (aid, sid))
                if stubs:
                    self.lib.touched(aid)
        return moved

    # -- simple queries --------------------------------------------------------------------
    def references(self, article_id: int, kind: str = "cites") -> list[dict]:
        """What the article cites: library articles first, then stubs."""
        rows = self.lib.execute(
            "SELECT c.cited_id, c.stub_id, c.origin FROM citations c "
            "LEFT JOIN articles a ON a.id = c.cited_id "
            "WHERE c.citing_id = ? AND c.kind = ? AND (c.cited_id IS NULL OR a.deleted_at IS NULL) "
            "ORDER BY c.cited_id IS NULL, c.id", (article_id, kind))
        return [{"article_id": r[0], "stub_id": r[1], "origin": r[2]} for r in rows]

    def cited_by(self, article_id: int, kind: str = "cites") -> list[dict]:
        rows = self.lib.execute(
            "SELECT c.citing_id, c.origin FROM citations c JOIN articles a ON a.id = c.citing_id "
            "WHERE c.cited_id = ? AND c.kind = ? AND a.deleted_at IS NULL ORDER BY c.id",
            (article_id, kind))
        return [{"article_id": r[0], "origin": r[1]} for r in rows]

    def similar(self, article_id: int) -> list[dict]:
        """'similar' is symmetric: either direction."""
        rows = self.lib.execute(
            "SELECT CASE WHEN c.citing_id = ? THEN c.cited_id ELSE c.citing_id END, c.stub_id, c.origin "
            "FROM citations c WHERE c.kind = 'similar' AND (c.citing_id = ? OR c.cited_id = ?) "
            "ORDER BY c.stub_id IS NOT NULL, c.id", (article_id, article_id, article_id))
        return [{"article_id": r[0], "stub_id": r[1], "origin": r[2]} for r in rows]

    def stub(self, stub_id: int) -> dict:
        row = self.lib.execute("SELECT id, raw, doi, pmid, pmcid, title, year, authors, container "
                               "FROM reference_stubs WHERE id = ?", (stub_id,)).fetchone()
        keys = ("id", "raw", "doi", "pmid", "pmcid", "title", "year", "authors", "container")
        return dict(zip(keys, row)) if row else {}

    def count_cited_by(self, article_ids: Iterable[int]) -> dict[int, int]:
        ids = list(article_ids)
        out: dict[int, int] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for aid, n in self.lib.execute(
                    f"SELECT cited_id, count(*) FROM citations WHERE kind = 'cites' AND cited_id IN "
                    f"({','.join('?' * len(chunk))}) GROUP BY cited_id", chunk):
                out[aid] = n
        return out
