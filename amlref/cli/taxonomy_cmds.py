"""Taxonomy commands: categories (tree with counts), classify, category add/remove/reset (user
decisions that stick), views and saved searches."""
from __future__ import annotations

import sys

from amlref.cli.main import open_library, print_json
from amlref.cli.progress import counter
from amlref.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("categories", help="the category tree with article counts (sub-categories "
                       "included), and the facets")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-facets", action="store_true", help="categories only")
    p.add_argument("--category", help="with --by: break this category down")
    p.add_argument("--facet", action="append", default=[], help="with --by: and this facet")
    p.add_argument("--by", metavar="GROUP", help="count by facet group (target, study, setting, "
                   "disease) within --category, e.g. --category car-t --by target")
    p.set_defaults(func=cmd_categories)

    p = sub.add_parser("classify", help="sort articles into the immunotherapy categories (only "
                       "when the taxonomy changed, or --all, or the articles given)")
    p.add_argument("keys", nargs="*", metavar="KEY", help="only these articles (key, DOI, PMID)")
    p.add_argument("--all", action="store_true", help="re-classify the whole library")
    p.add_argument("--explain", metavar="KEY", help="show why an article gets (or misses) each "
                   "category, without storing anything")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("category", help="your own decisions: add or remove a category (or facet) "
                       "on articles, accept or reject the classifier's suggestions; "
                       "re-classification never undoes them ('reset' forgets them)")
    p.add_argument("action", choices=["add", "remove", "reset", "accept", "reject"])
    p.add_argument("slug", help="category or facet slug, e.g. car-t or target:cd123")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p.add_argument("--new", action="store_true", help="allow a slug that is not in the taxonomy")
    p.set_defaults(func=cmd_category)

    register_suggestions(sub)

    p = sub.add_parser("views", help="the saved searches with their counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_views)

    p = sub.add_parser("saved", help="saved searches (query plus filters, a view of their own): "
                       "add NAME --query Q [--category C] [--facet F] [--tag T], list, show NAME, "
                       "remove NAME")
    p.add_argument("action", choices=["add", "list", "show", "remove"])
    p.add_argument("name", nargs="?")
    p.add_argument("--query", default="", help="full-text query")
    p.add_argument("--category")
    p.add_argument("--facet", action="append", default=[])
    p.add_argument("--tag")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_saved)


# -- categories ---------------------------------------------------------------------------------
def _check_slug(slug: str, allow_new: bool = False) -> None:
    from amlref.taxonomy import load
    tax = load()
    if slug in tax.nodes or allow_new:
        return
    import difflib
    close = difflib.get_close_matches(slug, list(tax.nodes), n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else " (see amlref categories)"
    raise UsageError(f"unknown category or facet {slug!r}{hint}")


def _check_view_slugs(args) -> None:
    """--category and every --facet name a known category."""
    for slug in ([args.category] if args.category else []) + list(args.facet):
        _check_slug(slug)


def cmd_categories(args) -> int:
    from amlref.services.classify import ensure_current
    from amlref.services.views import View, category_tree, combination_counts
    from amlref.taxonomy import load
    _check_view_slugs(args)
    lib = open_library(args)
    with lib:
        ensure_current(lib)
        if args.by:
            base = View(category=args.category, facets=list(args.facet))
            rows = combination_counts(lib, args.category, args.by, base=base)
            if args.json:
                print_json({"category": args.category, "facets": args.facet, "by": args.by,
                            "counts": [{"slug": s, "count": n} for s, n in rows]})
            else:
                title = " x ".join([args.category or "all"] + list(args.facet))
                print(f"{title} by {args.by}:")
                for s, n in rows:
                    print(f"  {n:6d}  {s}")
                if not rows:
                    print("  (none)")
            return 0
        tree = category_tree(lib, include_facets=not args.no_facets)
    tax = load()
    for problem in tax.problems:   # one line each: file, line, problem; built-in taxonomy used
        print(f"amlref: taxonomy: {problem}", file=sys.stderr)
    if args.json:
        print_json(tree)
        return 0
    print(f"{tree['total']} articles, {tree['uncategorized']} in no category")

    def show(node, depth):
        print(f"{'  ' * depth}{node['count']:6d}  {node['slug']:<28} {node['label']}")
        for c in node["children"]:
            show(c, depth + 1)
    print("categories:")
    for n in tree["categories"]:
        show(n, 1)
    for group, nodes in (tree.get("facets") or {}).items():
        print(f"{group}:")
        for n in nodes:
            if n["count"] or n["children"]:
                show(n, 1)
    return 0


# -- classify -----------------------------------------------------------------------------------
def cmd_classify(args) -> int:
    from amlref.services import classify as svc
    lib = open_library(args)
    with lib:
        if args.explain:
            a = lib.articles.find(args.explain, include_deleted=True)
            report = svc.explain(a)
            stored = lib.categories.of(a.id, include_removed=True)
            if args.json:
                print_json({"citekey": a.citekey, "title": a.title, "considered": report,
                            "stored": stored})
                return 0
            _print_explain(a, report, stored)
            return 0
        if args.keys:
            ids = [lib.articles.find(k, include_deleted=True).id for k in args.keys]
            n = svc.classify_ids(lib, ids)
            what = "classified"
        elif args.all:
            n = svc.classify_all(lib, progress=counter())
            what = "re-classified"
        else:
            n = svc.ensure_current(lib, progress=counter())
            what = "re-classified (the taxonomy changed)" if n else "up to date; nothing"
        counts = lib.categories.counts()
    if args.json:
        print_json({"classified": n, "counts": counts})
    else:
        print(f"{n} articles {what}" if n else f"{what} to do (use --all to force)")
    return 0


def _words(r: dict) -> str:
    return ", ".join(map(str, r.get("words") or []))


def _print_explain(a, report: list[dict], stored: list[dict]) -> None:
    print(f"{a.citekey}: {a.title}")
    if not any(d["kind"] == "category" for d in report):
        print("   no category: no term of the taxonomy in its title, abstract, keywords or MeSH")
    for d in report:
        mark = "+" if d["assigned"] else "-"
        score = "" if d["score"] is None else f" score {d['score']}"
        note = f" ({d['note']})" if d.get("note") else ""
        print(f" {mark} {d['slug']} [{d['kind']}]{score}{note}")
        for r in d["reasons"]:
            if r.get("rule") and r.get("words"):
                where = f" in {r['field']}" if r.get("field") else ""
                print(f"      {r['rule']}: {_words(r)}{where}")
        for r in d["ignored"]:
            print(f"      (ignored) {r['rule']}: {_words(r)} in {r['field']}: {r['why']}")
    users = [s for s in stored if s["source"] == "user"]
    for s in users:
        print(f" your decision: {s['slug']} {'added' if s['state'] else 'removed'}")


# -- user decisions -----------------------------------------------------------------------------
def cmd_category(args) -> int:
    if args.action in ("accept", "reject"):
        return cmd_decide_suggestion(args)
    from amlref.taxonomy import load
    if args.action != "reset":
        _check_slug(args.slug, allow_new=args.new)
    kind = load().kind_of(args.slug)
    lib = open_library(args)
    with lib:
        ids = [lib.articles.find(k, include_deleted=True).id for k in args.keys]
        with lib.transaction():
            for i in ids:
                if args.action == "reset":
                    lib.categories.clear_user(i, args.slug)
                else:
                    lib.categories.set_user(i, args.slug, args.action == "add", kind=kind)
        if args.action == "reset":   # the classifier decides again
            from amlref.services.classify import classify_ids
            classify_ids(lib, ids)
    verb = {"add": "added to", "remove": "removed from", "reset": "left to the classifier for"}
    print(f"{args.slug} {verb[args.action]} {len(ids)} article(s)")
    return 0


# -- suggestions (evidence too weak to assign: the user accepts or rejects) -----------------------
def register_suggestions(sub) -> None:
    p = sub.add_parser("suggestions", help="the articles the classifier suggests for a category "
                       "(too little evidence to assign it); accept or reject them with "
                       "'amlref category accept|reject SLUG KEY...'")
    p.add_argument("--category", help="only suggestions in this category (or below it)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_suggestions)


def cmd_suggestions(args) -> int:
    from amlref.services.classify import ensure_current
    from amlref.services.views import View, expand_slug, view_ids
    if args.category:
        _check_slug(args.category)
    lib = open_library(args)
    with lib:
        ensure_current(lib)
        if args.category:
            ids = view_ids(lib, View(suggested=args.category))
            wanted = set(expand_slug(args.category))
        else:
            ids = [r[0] for r in lib.execute(
                "SELECT DISTINCT c.article_id FROM article_categories c JOIN articles a ON "
                "a.id = c.article_id WHERE c.state = 2 AND a.deleted_at IS NULL ORDER BY 1")]
            wanted = None
        out = []
        for a in lib.articles.get_many(ids):
            sugg = [{"slug": x["slug"], "kind": x["kind"], "reasons": x["reason"]}
                    for x in lib.categories.suggestions(a.id)
                    if wanted is None or x["slug"] in wanted]
            out.append({"citekey": a.citekey, "year": a.year, "title": a.title,
                        "suggestions": sugg})
    if args.json:
        print_json({"category": args.category, "count": len(out), "results": out})
        return 0
    for r in out:
        print(f"{r['citekey']}\t{r['year'] or ''}\t{r['title']}")
        for x in r["suggestions"]:
            why = "; ".join(_reason_phrase(y) for y in x["reasons"])
            print(f"    {x['slug']}: {why}" if why else f"    {x['slug']}")
    if not out:
        where = f" in {args.category}" if args.category else ""
        print(f"no suggestions{where}", file=sys.stderr)
    return 0


def _reason_phrase(r) -> str:
    if not isinstance(r, dict):
        return str(r)
    words, fld = _words(r), r.get("field")
    return f"{r.get('rule', '')}: {words}" + (f" in {fld}" if fld else "") if words \
        else str(r.get("rule", ""))


def cmd_decide_suggestion(args) -> int:
    """category accept|reject SLUG KEY...: the suggestion becomes your decision (a user row
    with state 1 or 0), which re-classification keeps.  Every key is checked first: an error
    changes nothing."""
    accept = args.action == "accept"
    lib = open_library(args)
    with lib:
        arts = [lib.articles.find(k, include_deleted=True) for k in args.keys]
        known = lib.execute("SELECT 1 FROM article_categories WHERE slug = ? LIMIT 1",
                            (args.slug,)).fetchone()
        if known is None:
            _check_slug(args.slug)   # a typo: say so, with the slugs it may have meant
        for a in arts:
            have = [x["slug"] for x in lib.categories.suggestions(a.id)]
            if args.slug not in have:
                listed = f" (its suggestions: {', '.join(have)})" if have else \
                    " (it has no suggestions)"
                raise UsageError(f"{a.citekey} has no suggestion {args.slug!r}{listed}")
        with lib.transaction():
            for a in arts:
                lib.categories.decide(a.id, args.slug, accept)
    verb = "accepted for" if accept else "rejected for"
    print(f"{args.slug} {verb} {len(arts)} article(s)")
    return 0


# -- views and saved searches -------------------------------------------------------------------
def cmd_views(args) -> int:
    from amlref.services.classify import ensure_current
    from amlref.services.views import saved_views
    lib = open_library(args)
    with lib:
        ensure_current(lib)
        views = saved_views(lib)
    if args.json:
        print_json({"saved": views})
        return 0
    if not views:
        print("no saved searches (amlref saved add NAME --query Q [--category C] ...)")
    for v in views:
        filt = ", ".join(f"{k}={v['filters'][k]}" for k in sorted(v["filters"]))
        count = "?" if v.get("count") is None else v["count"]
        print(f"{count:>6}  {v['name']}: {v['query'] or ''}" + (f" [{filt}]" if filt else ""))
    return 0


def cmd_saved(args) -> int:
    from amlref.services.views import View, remove_saved, save_view, saved_view, saved_views, view_ids
    if args.action in ("add", "show", "remove") and not args.name:
        raise UsageError(f"saved {args.action} needs a NAME")
    if args.action == "add":
        if not (args.query or args.category or args.facet or args.tag):
            raise UsageError("saved add needs --query, --category, --facet or --tag")
        _check_view_slugs(args)
    lib = open_library(args)
    with lib:
        if args.action == "add":
            if args.tag and lib.execute("SELECT 1 FROM tags WHERE name = ?",
                                        (args.tag,)).fetchone() is None:
                print(f"amlref: warning: no tag {args.tag!r} yet", file=sys.stderr)
            view = View(category=args.category, facets=list(args.facet), tag=args.tag,
                        query=args.query or None)
            save_view(lib, args.name, view)
            print(f"saved search {args.name!r}")
            return 0
        if args.action == "remove":
            remove_saved(lib, args.name)
            print(f"saved search {args.name!r} removed")
            return 0
        if args.action == "list":
            views = saved_views(lib)
            if args.json:
                print_json({"saved": views})
            else:
                for v in views:
                    count = "?" if v.get("count") is None else v["count"]
                    print(f"{count:>6}  {v['name']}")
            return 0
        from amlref.services.classify import ensure_current
        ensure_current(lib)
        view = saved_view(lib, args.name)
        arts = lib.articles.get_many(view_ids(lib, view))
    if args.json:
        print_json({"name": args.name, "view": view.to_dict(), "count": len(arts),
                    "results": [{"id": a.id, "citekey": a.citekey, "year": a.year,
                                 "title": a.title} for a in arts]})
        return 0
    for a in arts:
        print(f"{a.citekey}\t{a.year or ''}\t{a.title}")
    return 0
