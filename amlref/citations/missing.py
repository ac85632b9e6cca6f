""""Missing key papers": works cited by the most library articles (or by the articles of a
view) that are not in the library, ranked, each with the identifier that adds it in one step.

One stub stands for one work (``amlref.storage.citations`` merges stubs that share a DOI, PMID,
PMCID or a confident title), so the ranking groups by stub.  For the whole library it reads the
maintained ``cited_count`` (an index scan); for a view it counts the view's edges."""
from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Iterable, TYPE_CHECKING

from amlref.citations.graph import article_rows

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

# PubMed first: a PMID brings the full PubMed record (MeSH, abstract); then DOI, then PMCID.
ADD_ORDER = ("pmid", "doi", "pmcid")


@dataclass
class MissingWork:
    stub_id: int
    count: int                      # library articles (of the view) citing it
    title: str = ""
    year: int | None = None
    authors: str = ""
    container: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    raw: str = ""
    identifier: str | None = None   # what to pass to `amlref add` (None: no identifier known)
    citing: list[dict] = field(default_factory=list)   # [{"article_id", "citekey"}], first few

    def to_dict(self) -> dict:
        return asdict(self)


def add_identifier(stub: dict) -> str | None:
    """The identifier that adds a stub's work in one step (PMID, else DOI, else PMCID)."""
    for col in ADD_ORDER:
        if stub.get(col):
            return stub[col]
    return None


def _in_library(lib: "Library", stub: dict) -> bool:
    """A stub that matches a live article (left unresolved by an edit) is not missing."""
    for col in ("doi", "pmid", "pmcid"):
        v = stub.get(col)
        if v and lib.execute(f"SELECT 1 FROM articles WHERE {col} != '' AND {col} = ? AND "
                             "deleted_at IS NULL LIMIT 1", (v,)).fetchone():
            return True
    return False


def missing_works(lib: "Library", limit: int = 50, article_ids: Iterable[int] | None = None,
                  where: str | None = None, params: Iterable = (), min_count: int = 1,
                  citing: int = 5, addable_only: bool = False) -> list[MissingWork]:
    """The top ``limit`` works not in the library, by number of citing library articles.

    ``article_ids`` or ``where`` (an SQL condition on ``articles a`` with ``params``) restrict
    the citing articles to a view; neither means the whole library.  ``citing`` is how many
    citing articles to list per work.  ``addable_only`` skips works without an identifier."""
    ids = list(article_ids) if article_ids is not None else None
    if ids is not None and not ids:
        return []
    if ids is not None or where:
        return _missing_in_view(lib, limit, ids, where, list(params), min_count, citing,
                                addable_only)
    store = lib.citations
    out: list[MissingWork] = []
    offset, batch = 0, max(limit * 2, 20)
    while len(out) < limit:
        rows = store.top_stubs(batch, offset)   # the maintained count: an index scan
        if not rows:
            break
        offset += len(rows)
        rows = [(sid, n) for sid, n in rows if n >= min_count]
        out += _works(lib, rows, limit - len(out), addable_only)
        if len(rows) < batch:
            break
        batch *= 4
    if citing:
        found = {w.stub_id: store.stub_cited_by(w.stub_id, limit=citing) for w in out}
        _set_citing(lib, out, found)
    return out


def _works(lib, rows: list[tuple[int, int]], room: int, addable_only: bool) -> list[MissingWork]:
    """MissingWork for ranked (stub id, count) rows, skipping works that are in the library."""
    out: list[MissingWork] = []
    stubs = lib.citations.stubs(sid for sid, _ in rows)
    for sid, n in rows:
        if len(out) >= room:
            break
        s = stubs.get(sid)
        if not s or s["resolved_id"] is not None or _in_library(lib, s):
            continue
        ident = add_identifier(s)
        if addable_only and not ident:
            continue
        out.append(MissingWork(stub_id=sid, count=n, title=s["title"] or s["raw"],
                               year=s["year"], authors=s["authors"], container=s["container"],
                               doi=s["doi"], pmid=s["pmid"], pmcid=s["pmcid"], raw=s["raw"],
                               identifier=ident))
    return out


def _missing_in_view(lib, limit, ids, where, params, min_count, citing, addable_only):
    """One pass over the view's edges to works not in the library: counted and listed here."""
    import heapq
    from collections import Counter
    from operator import itemgetter
    edges = lib.citations.stub_edges_within(article_ids=ids, where=where, params=params)
    counts = Counter(map(itemgetter(0), edges))
    out: list[MissingWork] = []
    want = max(limit * 2, 20)
    while True:
        ranked = heapq.nsmallest(want, ((-n, sid) for sid, n in counts.items() if n >= min_count))
        out = _works(lib, [(sid, -m) for m, sid in ranked], limit, addable_only)
        if len(out) >= limit or len(ranked) < want:
            break
        want *= 4
    if citing and out:
        chosen = {w.stub_id: [] for w in out}
        for sid, aid in edges:
            lst = chosen.get(sid)
            if lst is not None:
                lst.append(aid)
        _set_citing(lib, out, {sid: sorted(c)[:citing] for sid, c in chosen.items()})
    return out


def _set_citing(lib, works: list[MissingWork], found: dict[int, list[int]]) -> None:
    rows = article_rows(lib, [i for cit in found.values() for i in cit])
    for w in works:
        w.citing = [{"article_id": i, "citekey": rows[i]["citekey"]}
                    for i in found.get(w.stub_id, []) if i in rows]
