"""Online commands: ``amlref add DOI|PMID|PMCID|URL...`` and ``amlref citations refresh``.

``citations`` is a command group owned by ``amlref.cli.citation_cmds``; it calls
:func:`register_refresh` with its sub-parsers to add ``refresh`` here."""
from __future__ import annotations

import sys

from amlref.cli.main import open_library, print_json
from amlref.cli.progress import clear_status, status_line
from amlref.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("add", help="add articles by DOI, PMID, PMCID or PubMed/doi.org link "
                       "(online lookup, full metadata, duplicates merged)",
                       description="Look identifiers up online (PubMed E-utilities, Crossref, "
                       "doi.org) and add the articles.  Examples: amlref add 39697225; amlref add "
                       "10.3389/fonc.2024.1374963; amlref add PMC11652486; amlref add "
                       "https://pubmed.ncbi.nlm.nih.gov/39697225/")
    p.add_argument("ids", nargs="+", metavar="ID", help="DOI, PMID, PMCID or link ('-' reads "
                   "identifiers from stdin, one a line)")
    p.add_argument("--tag", action="append", default=[], help="tag every added article")
    p.add_argument("--fresh", action="store_true", help="ask the servers again even when the "
                   "answer is in the cache")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_add)


def register_refresh(citations_sub) -> None:
    """Add ``refresh`` to the ``citations`` sub-parsers (called by citation_cmds)."""
    p = citations_sub.add_parser(
        "refresh", help="fetch references and cited-by online (PubMed, Crossref, OpenAlex)",
        description="Fetch what the articles cite and what cites them, and store the links. "
        "Without KEY or a view option, every article in the library.")
    p.add_argument("keys", nargs="*", metavar="KEY", help="citation key, DOI, PMID or PMCID")
    p.add_argument("--category", help="the articles of this category")
    p.add_argument("--tag", help="the articles with this tag")
    p.add_argument("--query", help="the articles matching this search")
    p.add_argument("--source", action="append", default=[],
                   help="pubmed, crossref, openalex (repeatable; default pubmed and crossref)")
    p.add_argument("--fresh", action="store_true", help="ask the servers again even when the "
                   "answer is in the cache (cited-by lists grow)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_refresh)


def _online(lib, args):
    from amlref.services.online import Online
    online = Online.for_library(lib)
    online.client.fresh = bool(getattr(args, "fresh", False))
    return online


def cmd_add(args) -> int:
    from amlref.services.online import add_identifiers
    ids = []
    for x in args.ids:
        if x == "-":
            ids += [ln.strip() for ln in sys.stdin if ln.strip()]
        else:
            ids.append(x)
    if not ids:
        raise UsageError("no identifiers given")
    lib = open_library(args)
    with lib:
        online = _online(lib, args)
        report = add_identifiers(lib, ids, tags=args.tag, progress=status_line, online=online)
        clear_status()
        if args.json:
            out = report.to_json()
            out["articles"] = [{"id": a.id, "citekey": a.citekey, "title": a.title,
                                "pmid": a.pmid, "doi": a.doi}
                               for a in lib.articles.get_many(
                                   report.added + [m["id"] for m in report.merged]
                                   + report.unchanged)]
            print_json(out)
        else:
            for a in lib.articles.get_many(report.added):
                print(f"added   {a.citekey}  {a.title[:90]}")
            for m in report.merged:
                print(f"merged  {m['citekey']}  {m['title'][:90]}")
            for a in lib.articles.get_many(report.unchanged):
                print(f"present {a.citekey}  {a.title[:90]}")
            for p in report.skipped:
                sys.stderr.write(f"amlref: {p}\n")
            print(report.summary())
    return 0 if report.ok else 1


def _ids_for(lib, args) -> list[int]:
    if args.keys and (args.category or args.tag or args.query):
        raise UsageError("give keys or a view (--category/--tag/--query), not both")
    if args.keys:
        return [lib.articles.find(k).id for k in args.keys]
    from amlref.services.views import View, view_ids
    return list(view_ids(lib, View(category=args.category, tag=args.tag, query=args.query)))


def cmd_refresh(args) -> int:
    from amlref.services.online import DEFAULT_REFRESH, refresh_citations
    sources = []
    for s in args.source:
        sources += [x.strip() for x in s.split(",") if x.strip()]
    lib = open_library(args)
    with lib:
        ids = _ids_for(lib, args)
        report = refresh_citations(lib, ids, progress=status_line, online=_online(lib, args),
                                   sources=tuple(sources) or DEFAULT_REFRESH)
        clear_status()
    if args.json:
        print_json(report.to_json())
    else:
        print(report.summary())
    return 0
