"""`amlref dedup`: duplicate groups already in the library (dry run by default), bulk merge,
and "not duplicates" decisions that are remembered."""
from __future__ import annotations

import sys

from amlref.cli.main import open_library, print_json


def register(sub) -> None:
    p = sub.add_parser("dedup", help="find duplicate articles, and look-alikes that differ in "
                       "type, identifiers, volume or pages (possible duplicates); --merge merges "
                       "the sure ones (dry run by default); --not-duplicates KEY KEY remembers "
                       "a decision")
    p.add_argument("--merge", action="store_true", help="merge every group found that is surely "
                   "one work (kept article: the one with your edits/tags/notes, else the oldest; "
                   "others go to the trash); possible duplicates are left for a decision")
    p.add_argument("--not-duplicates", nargs=2, metavar="KEY", help="these two are different works")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_dedup)


def cmd_dedup(args) -> int:
    from amlref.services.dedup import find_groups, mark_not_duplicates, merge_all
    lib = open_library(args)
    with lib:
        if args.not_duplicates:
            a, b = (lib.articles.find(k) for k in args.not_duplicates)
            mark_not_duplicates(lib, a.id, b.id)
            print(f"{a.citekey} and {b.citekey} will not be grouped as duplicates again")
            return 0
        groups = find_groups(lib)
        described = []
        for g in groups:
            arts = lib.articles.get_many(g.ids)
            described.append({"keep": arts[0].citekey,
                              "duplicates": [a.citekey for a in arts[1:]],
                              "title": arts[0].title, "possible": g.possible,
                              "differ": g.differ})
        sure = [g for g in groups if not g.possible]
        if args.merge and sure:
            merge_all(lib, sure)
    if args.json:
        print_json({"groups": described, "merged": bool(args.merge)})
        return 0
    for d in described:
        mark = f"possible (different {', '.join(d['differ'])}): " if d["possible"] else ""
        print(f"{mark}{d['keep']} <- {', '.join(d['duplicates'])}\t{d['title'][:80]}")
    n_possible = sum(d["possible"] for d in described)
    verb = "merged" if args.merge else "found (dry run; --merge to merge)"
    print(f"{len(described) - n_possible} duplicate groups {verb}, {n_possible} possible "
          "duplicates to decide one by one", file=sys.stderr)
    return 0
