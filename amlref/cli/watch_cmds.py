"""``amlref watch ...`` (PubMed queries and citation alerts, the Inbox) and ``amlref digest``.

``amlref watch run`` is what a cron job or a systemd timer calls (docs/watches.md)."""
from __future__ import annotations

import sys

from amlref.cli.main import open_library, print_json
from amlref.cli.progress import clear_status, status_line
from amlref.core.errors import UsageError


NO_WATCHES = "no watches (amlref watch suggest / add-defaults / add NAME QUERY)"


def register(sub) -> None:
    p = sub.add_parser("watch", help="PubMed watches and citation alerts, and their Inbox",
                       description="Watches bring new articles into the Inbox: a PubMed query "
                       "(new entries since the last run) or the papers citing some articles. "
                       "'amlref watch run' is what a cron job or systemd timer calls.")
    ws = p.add_subparsers(dest="watch_command", metavar="ACTION")
    a = ws.add_parser("add", help="a PubMed query watch: add NAME QUERY")
    a.add_argument("name", metavar="NAME")
    a.add_argument("query", metavar="QUERY", help="PubMed query, e.g. "
                   "'\"Leukemia, Myeloid, Acute\"[MeSH] AND CD123'")
    a.set_defaults(func=cmd_add, keys=None)
    c = ws.add_parser("add-citing", help="a citation alert: add-citing NAME KEY...")
    c.add_argument("name", metavar="NAME")
    c.add_argument("keys", nargs="+", metavar="KEY", help="citation key, DOI, PMID or PMCID")
    c.set_defaults(func=cmd_add, query=None)
    e = ws.add_parser("edit", help="change the query of a PubMed watch: edit NAME QUERY")
    e.add_argument("name", metavar="NAME")
    e.add_argument("query", metavar="QUERY")
    e.set_defaults(func=cmd_edit)
    ls = ws.add_parser("list", help="the watches with their last run and unread counts")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    r = ws.add_parser("run", help="run one watch, or all of them")
    r.add_argument("name", nargs="?", metavar="NAME")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_run)
    rm = ws.add_parser("remove", help="remove a watch (its articles stay in the library)")
    rm.add_argument("name", metavar="NAME")
    rm.set_defaults(func=cmd_remove)
    ib = ws.add_parser("inbox", help="what the watches brought (unread first)")
    ib.add_argument("--watch", metavar="NAME")
    ib.add_argument("--category", metavar="SLUG")
    ib.add_argument("--state", choices=("new", "read", "kept"))
    ib.add_argument("--json", action="store_true")
    ib.set_defaults(func=cmd_inbox)
    for name, state, text in (("mark-read", "read", "mark Inbox articles as read"),
                              ("keep", "kept", "keep Inbox articles"),
                              ("dismiss", None, "take articles out of the Inbox; that watch "
                               "never brings them back")):
        m = ws.add_parser(name, help=text)
        m.add_argument("keys", nargs="+", metavar="KEY")
        m.add_argument("--watch", metavar="NAME", help="only in this watch's Inbox")
        m.set_defaults(func=cmd_state, state=state)
    sg = ws.add_parser("suggest", help="watches built from the taxonomy, one per category")
    sg.set_defaults(func=cmd_suggest)
    ad = ws.add_parser("add-defaults", help="add the suggested watches")
    ad.set_defaults(func=cmd_add_defaults)
    p.set_defaults(func=cmd_list, json=False)

    d = sub.add_parser("digest", help="new articles of a period by category (Markdown or HTML)")
    d.add_argument("--since", default="7d", metavar="WHEN",
                   help="articles added to the library since: 7d (the last 7 days), 2w, 12h, "
                   "1m (30 days) or a day YYYY-MM-DD (UTC); default 7d")
    d.add_argument("--html", action="store_true", help="HTML instead of Markdown")
    d.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    d.set_defaults(func=cmd_digest)
    register_chart(sub)


def _store(lib):
    from amlref.storage.watches import WatchStore
    return WatchStore(lib)


def _check_query(name: str, query: str) -> None:
    """A query PubMed could not read is refused before it is stored (one line)."""
    from amlref.core.errors import InputError
    from amlref.sources.pubmed_query import query_problem
    problem = query_problem(query)
    if problem:
        raise InputError(f"watch {name!r}: the PubMed query cannot be read: {problem}")


def cmd_add(args) -> int:
    """``add NAME QUERY`` (a PubMed watch) and ``add-citing NAME KEY...`` (a citation alert)."""
    from amlref.services.watches import add_citing, add_query
    if not args.keys:
        _check_query(args.name, args.query)
    from amlref.services import config
    with open_library(args) as lib:
        if args.keys:
            add_citing(lib, args.name, args.keys)
        else:
            add_query(lib, args.name, args.query)
        email = config.get(lib, "online.email")
    print(f"watch {args.name!r} added" + (
        f": papers citing {len(args.keys)} article(s)" if args.keys else
        f"; 'amlref watch run {args.name}' fetches what is new"))
    if not email:
        print("NCBI and OpenAlex ask for a contact address: amlref config set online.email "
              "you@example.org")
    return 0


def cmd_edit(args) -> int:
    from amlref.core.errors import InputError
    with open_library(args) as lib:
        store = _store(lib)
        w = store.get(args.name)
        if w["kind"] != "pubmed":
            raise InputError(f"watch {args.name!r} is a citation alert; it has no query")
        _check_query(args.name, args.query)
        store.update(w["id"], query=args.query.strip())
    print(f"watch {args.name!r} changed")
    return 0


def cmd_list(args) -> int:
    with open_library(args) as lib:
        store = _store(lib)
        watches, counts = store.all(), store.counts()["watches"]
    rows = []
    for w in watches:
        c = counts.get(w["name"], {"unread": 0, "total": 0})
        what = w["query"] if w["kind"] == "pubmed" else "citing " + ", ".join(
            t.get("citekey") or t.get("pmid") or t.get("doi") for t in w["targets"])
        rows.append({"name": w["name"], "kind": w["kind"], "query": w["query"],
                     "targets": w["targets"], "last_run": w["last_run"],
                     "last_error": w["last_error"], "unread": c["unread"], "total": c["total"],
                     "what": what})
    if getattr(args, "json", False):
        print_json(rows)
        return 0
    if not rows:
        print(NO_WATCHES)
    for r in rows:
        last = (r["last_run"] or "never")[:16].replace("T", " ")
        err = f"  last error: {r['last_error']}" if r["last_error"] else ""
        print(f"{r['name']}  [{r['unread']} unread / {r['total']}]  last run {last}{err}")
        print(f"    {r['what'][:150]}")
    return 0


def cmd_run(args) -> int:
    from amlref.core.errors import AmlrefError
    from amlref.services.online import Online
    from amlref.services.watches import run_all, run_watch
    with open_library(args) as lib:
        online = Online.for_library(lib)
        failed = []
        def on_error(name, exc: AmlrefError):
            failed.append(name)
            sys.stderr.write(f"amlref: error: {exc}\n")
        try:
            reports = [run_watch(lib, args.name, online, status_line)] if args.name else \
                run_all(lib, online, status_line, on_error=on_error)
        finally:
            clear_status()
    if args.json:
        print_json([r.to_json() for r in reports])
    else:
        for r in reports:
            if not r.error:
                print(r.summary())
        if not reports:
            print(NO_WATCHES)
    return 1 if failed else 0


def cmd_remove(args) -> int:
    with open_library(args) as lib:
        _store(lib).remove(args.name)
    print(f"watch {args.name!r} removed (its articles stay in the library)")
    return 0


def _watch_id(store, name: str | None) -> int | None:
    """The id of the watch ``--watch NAME`` names (None: every watch)."""
    return store.get(name)["id"] if name else None


def cmd_inbox(args) -> int:
    if args.category:
        from amlref.cli.taxonomy_cmds import _check_slug
        _check_slug(args.category)             # an unknown slug: one line, not an empty Inbox
    with open_library(args) as lib:
        store = _store(lib)
        items = store.items(_watch_id(store, args.watch), args.state, args.category)
        arts = {a.id: a for a in lib.articles.get_many([i["article_id"] for i in items])}
        counts = store.counts()
        cats = {i: [c["slug"] for c in lib.categories.of(i) if c.get("kind") == "category"]
                for i in arts}
    rows = [{"watch": i["watch"], "state": i["state"], "added": i["added"],
             "id": i["article_id"], "citekey": arts[i["article_id"]].citekey,
             "title": arts[i["article_id"]].title, "pmid": arts[i["article_id"]].pmid,
             "doi": arts[i["article_id"]].doi, "categories": cats[i["article_id"]]}
            for i in items if i["article_id"] in arts]
    rows.sort(key=lambda r: r["state"] != "new")       # unread first, newest first within
    if args.json:
        print_json({"unread": counts["unread"], "total": counts["total"],
                    "watches": counts["watches"], "categories": counts["categories"],
                    "items": rows})
        return 0
    print(f"Inbox: {counts['unread']} unread of {counts['total']}")
    for name, c in counts["watches"].items():
        print(f"  {name}: {c['unread']} unread / {c['total']}")
    if counts["categories"]:
        from amlref.taxonomy import load
        tax = load()
        print("By category:")
        for slug, c in counts["categories"].items():
            label = tax.get(slug).label if slug in tax.nodes else slug
            print(f"  {label} [{slug}]: {c['unread']} unread / {c['total']}")
    for r in rows:
        mark = {"new": "*", "read": " ", "kept": "+"}[r["state"]]
        print(f"{mark} {r['citekey']}  {r['title'][:90]}  [{r['watch']}]")
    return 0


def cmd_state(args) -> int:
    with open_library(args) as lib:
        store = _store(lib)
        wid = _watch_id(store, args.watch)
        ids = [lib.articles.find(k).id for k in args.keys]
        n = store.dismiss(ids, wid) if args.state is None else store.set_state(ids, args.state,
                                                                                 wid)
    verb = "dismissed" if args.state is None else f"marked {args.state}"
    print(f"{n} Inbox entr{'y' if n == 1 else 'ies'} {verb}")
    return 0 if n else 1


def cmd_suggest(args) -> int:
    from amlref.services.watches import suggest
    for name, query in suggest():
        print(f"{name}\n    {query}")
    return 0


def cmd_add_defaults(args) -> int:
    from amlref.services.watches import add_defaults
    with open_library(args) as lib:
        added = add_defaults(lib)
    print(f"{len(added)} watch(es) added" + (": " + ", ".join(added) if added else
                                              " (all there already)"))
    return 0


def cmd_digest(args) -> int:
    from amlref.services import digest
    since, label = digest.parse_since(args.since)
    with open_library(args) as lib:
        groups = digest.collect(lib, since)
    text = digest.to_html(groups, label) if args.html else digest.markdown(groups, label)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"{args.output}: cannot write: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    return 0


def register_chart(sub) -> None:
    p = sub.add_parser("chart", help="the field at a glance: articles per year by category, new "
                       "per week from the watches, top journals (PNG or SVG)")
    p.add_argument("--category", metavar="SLUG")
    p.add_argument("--tag")
    p.add_argument("--query")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="FILE.svg or FILE.png")
    p.add_argument("--json", action="store_true", help="also print the numbers as JSON")
    p.set_defaults(func=cmd_chart)


def cmd_chart(args) -> int:
    from amlref.services import chart
    from amlref.services.views import View
    if not args.output.lower().endswith((".svg", ".png")):
        raise UsageError(f"{args.output}: give a .png or .svg file name")
    label = ""
    if args.category:
        from amlref.cli.taxonomy_cmds import _check_slug
        from amlref.taxonomy import load
        _check_slug(args.category)                  # an unknown slug: one line, no empty chart
        label = load().get(args.category).label
    with open_library(args) as lib:
        data = chart.chart_data(lib, View(category=args.category, tag=args.tag,
                                          query=args.query))
    title = " · ".join(x for x in (label, args.tag and f"tag {args.tag}",
                                   args.query and f"“{args.query}”") if x) or "All articles"
    chart.save(data, args.output, title)
    if args.json:
        print_json(data.to_json())
    else:
        print(f"{args.output}: {data.total} articles, {len(data.years)} years, "
              f"{len(data.journals)} journals")
    return 0
