"""``amlref citations``: show KEY, missing, graph.

For other command modules (the online-sources engineer's ``refresh``): this module creates the
``citations`` parser and its sub-parsers, and keeps the sub-parsers object in
``CITATION_SUBPARSERS`` (reset on every ``build_parser()``).  ``register()`` calls
``amlref.cli.online_cmds.register_refresh(CITATION_SUBPARSERS)`` when that exists.  Otherwise a
module listed AFTER this one in ``COMMAND_MODULES`` adds its sub-command in its own
``register(sub)``::

    from amlref.cli import citation_cmds
    p = citation_cmds.add_subcommand("refresh", help="fetch references and cited-by online")
    p.add_argument(...); p.set_defaults(func=cmd_refresh)

(read ``citation_cmds.CITATION_SUBPARSERS`` at register time, not at import time).
"""
from __future__ import annotations

import sys

from amlref.cli.main import open_library, print_json
from amlref.core.errors import UsageError

CITATION_SUBPARSERS = None


def add_subcommand(name: str, **kwargs):
    """Add a sub-command to ``amlref citations`` (call from a later module's register())."""
    if CITATION_SUBPARSERS is None:
        raise RuntimeError("amlref.cli.citation_cmds must be registered first")
    return CITATION_SUBPARSERS.add_parser(name, **kwargs)


def _view_options(p) -> None:
    p.add_argument("--category", help="only articles of this category (with sub-categories)")
    p.add_argument("--facet", action="append", default=[], help="and this facet (repeatable)")
    p.add_argument("--tag", help="only articles with this tag")
    p.add_argument("--query", help="only articles matching this search")
    p.add_argument("--saved", help="only the articles of this saved search")


def register(sub) -> None:
    global CITATION_SUBPARSERS
    p = sub.add_parser("citations", help="citation graph: show KEY, missing, graph",
                       description="The citation graph: what an article cites and what cites "
                       "it, the key papers the library is missing, and the graph as GraphML/DOT.")
    p.set_defaults(func=lambda args: _no_action(p))
    CITATION_SUBPARSERS = p.add_subparsers(dest="citations_command", metavar="ACTION",
                                           parser_class=type(p))

    s = CITATION_SUBPARSERS.add_parser(
        "show", help="references (library first, then works not in it), cited by, similar")
    s.add_argument("key", help="citation key, DOI, PMID or PMCID")
    s.add_argument("--json", action="store_true", help="print one JSON document")
    s.set_defaults(func=cmd_show)

    s = CITATION_SUBPARSERS.add_parser(
        "missing", help="works cited by the most library articles (or by a view) that are not "
        "in the library, with the identifier to add each")
    _view_options(s)
    s.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    s.add_argument("--json", action="store_true", help="print one JSON document")
    s.set_defaults(func=cmd_missing)

    s = CITATION_SUBPARSERS.add_parser(
        "graph", help="export the citation graph of the library or a view as GraphML or DOT")
    s.add_argument("-f", "--format", default="graphml", help="graphml (default) or dot")
    _view_options(s)
    s.add_argument("--external", action="store_true",
                   help="also the works cited outside the view (other articles, missing works)")
    s.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    s.set_defaults(func=cmd_graph)

    # `citations refresh` lives with the online commands; they hook in here (or, if they prefer,
    # through add_subcommand() from their own register()).
    try:
        from amlref.cli import online_cmds
    except ImportError:  # pragma: no cover - the online module is optional
        online_cmds = None
    if online_cmds is not None and hasattr(online_cmds, "register_refresh"):
        online_cmds.register_refresh(CITATION_SUBPARSERS)


def _no_action(p) -> int:
    raise UsageError("citations needs an action: " + ", ".join(
        sorted(CITATION_SUBPARSERS.choices)) + " (see amlref citations --help)")


def _view(lib, args):
    from amlref.cli.library_cmds import view_from_args
    return view_from_args(lib, args)


def cmd_show(args) -> int:
    from amlref.services.citations import show
    lib = open_library(args)
    with lib:
        d = show(lib, args.key)
    if args.json:
        print_json(d)
        return 0
    a, c = d["article"], d["counts"]
    print(f"{a['citekey']}  {a['year'] or ''}  {a['title']}")
    print(f"  references: {c['references']} ({c['references_in_library']} in the library, "
          f"{c['references_missing']} not)   cited by: {c['cited_by']} "
          f"({c['cited_by_in_library']} in the library)   similar: {c['similar']}")
    for label in ("references", "cited_by", "similar"):
        if d[label]:
            print(f"{label.replace('_', ' ')}:")
            for e in d[label]:
                print("  " + _entry_line(e))
    return 0


def _entry_line(e: dict) -> str:
    if e["in_library"]:
        mark = e["citekey"]
    else:
        ident = e["pmid"] and f"PMID:{e['pmid']}" or e["doi"] or e["pmcid"] or "-"
        mark = f"(not in library) {ident}"
    return f"{mark}  {e['year'] or ''}  {(e['title'] or '')[:90]}"


def cmd_missing(args) -> int:
    from amlref.services.citations import missing
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    lib = open_library(args)
    with lib:
        rows = missing(lib, _view(lib, args), limit=args.limit)
    if args.json:
        print_json({"count": len(rows), "missing": rows})
        return 0
    if not rows:
        print("no missing works: nothing cited is outside the library", file=sys.stderr)
        return 0
    for w in rows:
        who = (w["authors"] or "").split(";")[0].strip()
        print(f"{w['rank']:>3}. cited by {w['count']}: {who + ' ' if who else ''}"
              f"{w['year'] or ''}  {(w['title'] or '')[:90]}")
        by = ", ".join(c["citekey"] for c in w["citing"])
        print(f"     {w['add_command'] or '(no identifier: add by hand)'}"
              + (f"   <- {by}" if by else ""))
    return 0


def cmd_graph(args) -> int:
    from amlref.services.citations import export_graph
    lib = open_library(args)
    with lib:
        text = export_graph(lib, _view(lib, args), fmt=args.format, external=args.external)
    if args.output:
        from amlref.services.files import atomic_write
        atomic_write(args.output, text)
        print(f"graph written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
