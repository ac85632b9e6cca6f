"""``amlref cite KEY... [--style NAME] [--html] [--citation] | --list-styles``: references
formatted in a CSL style (amlref.formats.csl)."""
from __future__ import annotations

import sys

from amlref.core.errors import InputError


def register(sub) -> None:
    p = sub.add_parser("cite", help="formatted references in a citation style (Vancouver/NLM, "
                       "AMA, Blood, Nature, APA ...): KEY... [--style NAME] [--html]")
    p.add_argument("keys", nargs="*", metavar="KEY",
                   help="citation key, DOI, PMID or PMCID (in the order to number them)")
    p.add_argument("--style", metavar="NAME", help="a style name from --list-styles or a .csl "
                   "file (default: the library's citation.style setting, else vancouver)")
    p.add_argument("--html", action="store_true", help="HTML instead of plain text")
    p.add_argument("--citation", action="store_true",
                   help="the in-text citation, e.g. (1,2), instead of the reference list")
    p.add_argument("--list-styles", action="store_true", help="the styles available")
    p.set_defaults(func=cmd_cite)


def cmd_cite(args) -> int:
    from amlref.formats import csl
    if args.list_styles:
        for name, title in csl.styles():
            print(f"{name}\t{title}")
        return 0
    if not args.keys:
        raise InputError("cite needs at least one KEY (or --list-styles)")
    from amlref.cli.main import open_library
    lib = open_library(args)
    with lib:
        style = args.style or lib.settings.get(csl.SETTING) or csl.DEFAULT_STYLE
        articles = [lib.articles.find(k) for k in args.keys]
    try:
        if args.citation:
            text = csl.format_citation(articles, style, html=args.html)
        else:
            text = csl.format_bibliography(articles, style, html=args.html)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    sys.stdout.write(text + "\n")
    return 0
