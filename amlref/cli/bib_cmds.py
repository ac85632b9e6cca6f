"""``amlref autoexport add|list|remove|run``: .bib files kept in step with the library."""
from __future__ import annotations

import sys

from amlref.cli.main import open_library, print_json
from amlref.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("autoexport", help="files rewritten after every change: add PATH "
                       "[--category/--tag/--query/--saved], list, remove PATH|ID, run")
    p.add_argument("action", choices=["add", "list", "remove", "run"])
    p.add_argument("target", nargs="?", metavar="PATH|ID", help="the file (add, remove)")
    p.add_argument("-f", "--format", default="biblatex", help="biblatex (default), bibtex, ris, "
                   "csljson ...")
    p.add_argument("--category", help="only this category (with its sub-categories)")
    p.add_argument("--facet", action="append", default=[], help="and this facet (repeatable)")
    p.add_argument("--tag", help="only articles with this tag")
    p.add_argument("--query", help="only articles matching this search")
    p.add_argument("--saved", help="the articles of this saved search")
    p.add_argument("--force", action="store_true", help="run: rewrite even when unchanged")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_autoexport)


def _describe(e: dict) -> str:
    v = e.get("view") or {}
    what = ", ".join(f"{k} {val!r}" for k, val in sorted(v.items())) or "whole library"
    return f"{e['id']}\t{e['format']}\t{what}\t{e['path']}"


def cmd_autoexport(args) -> int:
    from amlref.services import autoexport
    lib = open_library(args)
    with lib:
        if args.action == "add":
            if not args.target:
                raise UsageError("autoexport add needs a PATH")
            view = {"category": args.category, "tag": args.tag, "query": args.query,
                    "facets": list(args.facet), "saved": args.saved}
            e = autoexport.add(lib, args.target, args.format, view)
            if args.json:
                print_json(e)
            else:
                print(f"{e['path']}: {e.get('count', 0)} articles written as {e['format']}; "
                      "rewritten after every change")
            return 0
        if args.action == "list":
            entries = autoexport.list_all(lib)
            if args.json:
                print_json(entries)
            else:
                for e in entries:
                    print(_describe(e))
                if not entries:
                    print("no auto-exports (amlref autoexport add FILE.bib)", file=sys.stderr)
            return 0
        if args.action == "remove":
            if not args.target:
                raise UsageError("autoexport remove needs a PATH or ID")
            e = autoexport.remove(lib, args.target)
            if args.json:
                print_json(e)
            else:
                print(f"{e['path']}: no longer rewritten (the file is kept)")
            return 0
        results = autoexport.run_all(lib, force=args.force)
    failed = [r for r in results if r.get("error")]
    if args.json:
        print_json(results)
    else:
        for r in results:
            state = "error: " + r["error"] if r.get("error") else (
                f"{r['count']} articles written" if r["written"] else "unchanged")
            print(f"{r['path']}: {state}")
    return 1 if failed else 0
