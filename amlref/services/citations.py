"""Citation use cases for the CLI and the GUI: the citation panel of an article, the missing key
papers of a view, the graph of a view, and the one-step add of a missing work.

(Fetching references and cited-by online is ``refresh``, in the online-sources service.)"""
from __future__ import annotations

from amlref import citations as graph
from amlref.core.errors import NotFound, UsageError
from amlref.services.views import View, view_condition, view_ids
from amlref.storage.library import Library

FORMATS = ("graphml", "dot")


def show(lib: Library, key: str) -> dict:
    """One article's citations: references (library first, then works not in the library),
    cited by, similar, counts.  ``key``: citation key, DOI, PMID or PMCID."""
    a = lib.articles.find(key)
    d = graph.neighbourhood(lib, a.id)
    d["article"] = {"article_id": a.id, "citekey": a.citekey, "title": a.title, "year": a.year,
                    "doi": a.doi, "pmid": a.pmid, "pmcid": a.pmcid}
    return d


def _scope(lib: Library, view: View | None) -> dict:
    """How a view restricts the citing articles: nothing (whole library), an SQL condition, or
    ids (when it has a full-text query)."""
    if view is None or view.is_all:
        return {}
    if view.trash:
        raise UsageError("the trash has no citation ranking")
    if view.query:
        return {"article_ids": view_ids(lib, view)}
    cond, params = view_condition(lib, view)
    return {"where": cond, "params": params} if cond else {}


def missing(lib: Library, view: View | None = None, limit: int = 50,
            citing: int = 5) -> list[dict]:
    """Works not in the library cited by the most articles of the view, ranked; each with
    ``identifier`` (what `amlref add` takes) and ``add_command``."""
    out = []
    for rank, w in enumerate(graph.missing_works(lib, limit=limit, citing=citing,
                                                 **_scope(lib, view)), 1):
        d = w.to_dict()
        d["rank"] = rank
        d["add_command"] = f"amlref add {w.identifier}" if w.identifier else None
        out.append(d)
    return out


def identifier_to_add(lib: Library, stub_id: int) -> str:
    """The identifier to pass to the online add service to bring a missing work in; once added,
    the import resolves the stub into links."""
    s = lib.citations.stub(stub_id)
    if not s:
        raise NotFound(f"no reference stub {stub_id}")
    if s["resolved_id"] is not None:
        raise UsageError(f"that work is already in the library (article {s['resolved_id']})")
    ident = graph.add_identifier(s)
    if ident is None:
        raise UsageError("this reference has no DOI, PMID or PMCID; add it by hand "
                         f"({(s['title'] or s['raw'])[:80]!r})")
    return ident


def missing_identifiers(lib: Library, view: View | None = None, limit: int = 10) -> list[str]:
    """The identifiers of the top missing works that can be added in one step."""
    ws = graph.missing_works(lib, limit=limit, citing=0, addable_only=True, **_scope(lib, view))
    return [w.identifier for w in ws]


def export_graph(lib: Library, view: View | None = None, fmt: str = "graphml",
                 external: bool = False) -> str:
    """The citation graph of a view (all live articles when None) as GraphML or DOT text."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown graph format {fmt!r} (use {' or '.join(FORMATS)})")
    ids = view_ids(lib, view or View())
    g = graph.collect_graph(lib, ids, external=external)
    return graph.to_graphml(g) if fmt == "graphml" else graph.to_dot(g)
