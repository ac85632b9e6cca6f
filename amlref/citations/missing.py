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
    store = lib.citations
    ids = list(article_ids) if article_ids is not None else None
    params = list(params)
    scoped = ids is not None or bool(where)
    if ids is not None and not ids:
        return []
    out: list[MissingWork] = []
    offset, batch = 0, max(limit * 2, 20)
    while len(out) < limit:
        if scoped:
            rows = store.top_stubs_within(batch, offset, article_ids=ids, where=where,
                                          params=params)
        else:
            rows = store.top_stubs(batch, offset)
        if not rows:
            break
        offset += len(rows)
        stubs = store.stubs(sid for sid, _ in rows)
        for sid, n in rows:
            if n < min_count:
                rows = []
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
            if len(out) >= limit:
                break
        if len(rows) < batch:
            break
        batch *= 4   # many skipped: ask for more at once (each pass re-ranks a view)
    if citing and out:
        _fill_citing(lib, out, citing, ids, where, params)
    return out


def _fill_citing(lib, works: list[MissingWork], n: int, ids: list | None, where, params) -> None:
    """The first ``n`` citing articles of each work (of the view, when there is one)."""
    import json
    found: dict[int, list[int]] = {w.stub_id: [] for w in works}
    if ids is None and not where:
        for w in works:
            found[w.stub_id] = lib.citations.stub_cited_by(w.stub_id, limit=n)
    else:
        # one pass over the view's edges to these works (not over every citing article)
        conds = ["c.stub_id IN (SELECT value FROM json_each(?))", "c.stub_id IS NOT NULL",
                 "c.kind = 'cites'", "a.deleted_at IS NULL"]
        args: list = [json.dumps(list(found))]
        if ids is not None:
            conds.append("a.id IN (SELECT value FROM json_each(?))")
            args.append(json.dumps(ids))
        if where:
            conds.append(f"({where})")
            args += list(params)
        for sid, aid in lib.execute(
                "SELECT c.stub_id, c.citing_id FROM articles a CROSS JOIN citations c ON "
                f"c.citing_id = a.id WHERE {' AND '.join(conds)} ORDER BY c.id", args):
            if len(found[sid]) < n:
                found[sid].append(aid)
    rows = article_rows(lib, [i for cit in found.values() for i in cit])
    for w in works:
        w.citing = [{"article_id": i, "citekey": rows[i]["citekey"]}
                    for i in found[w.stub_id] if i in rows]
