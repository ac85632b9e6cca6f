"""Core commands: import, export, search, show, trash, tag, note, gui."""
from __future__ import annotations

import sys

from amlref.cli.main import catch_up, open_library, print_json
from amlref.cli.progress import counter
from amlref.core.errors import UsageError
from amlref.formats.et_al import shown


def register(sub) -> None:
    p = sub.add_parser("gui", help="open the window (the default); with FILEs, import them")
    p.add_argument("files", nargs="*", metavar="FILE", help="files to import (as if dropped)")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("import", help="import files (BibTeX, RIS, MEDLINE, PubMed XML, CSL-JSON, "
                       "PubMed page); duplicates are merged")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files to import ('-' for stdin)")
    p.add_argument("--format", "-f", help="skip detection and read as this format")
    p.add_argument("--tag", action="append", default=[], help="tag every imported article")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export articles (all, or a view) as BibTeX, biblatex, RIS "
                       "or CSL-JSON")
    p.add_argument("-f", "--format", default="bibtex", help="bibtex, biblatex, ris, csljson ...")
    p.add_argument("--category", help="only this category (with its sub-categories)")
    p.add_argument("--facet", action="append", default=[], help="and this facet (repeatable)")
    p.add_argument("--tag", help="only articles with this tag")
    p.add_argument("--query", help="only articles matching this search")
    p.add_argument("--saved", help="only the articles of this saved search")
    p.add_argument("--aux", metavar="FILE.aux", help="only the entries a LaTeX document cites")
    p.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    p.add_argument("--file-fields", action="store_true",
                   help="BibTeX/biblatex: attached files as JabRef 'file' fields")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("search", help="full-text search (author:, title:, year:2020..2024 ...)")
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", help="one article: fields, categories with reasons, citations")
    p.add_argument("key", help="citation key, DOI, PMID or PMCID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("delete", help="move articles to the trash")
    p.add_argument("keys", nargs="+")
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("trash", help="the trash: list, restore KEY..., empty")
    p.add_argument("action", nargs="?", default="list", choices=["list", "restore", "empty"])
    p.add_argument("keys", nargs="*")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_trash)

    p = sub.add_parser("tag", help="tags: list, add TAG KEY..., remove TAG KEY...")
    p.add_argument("action", nargs="?", default="list", choices=["list", "add", "remove"])
    p.add_argument("tag", nargs="?")
    p.add_argument("keys", nargs="*")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser("note", help="add a note to an article")
    p.add_argument("key")
    p.add_argument("text")
    p.set_defaults(func=cmd_note)

    # `plugins` lives in amlref/cli/plugins_cmds.py


# -- gui ----------------------------------------------------------------------------------------
def cmd_gui(args) -> int:
    from amlref.gui.app import run  # the only place that imports Qt
    return run(args.library, getattr(args, "files", None) or [])


# -- import -------------------------------------------------------------------------------------
def cmd_import(args) -> int:
    from amlref.services.importing import check_input, import_paths, import_text
    paths = args.paths
    for p in paths:
        if p != "-":
            check_input(p)   # every input, before touching (or creating) the library
    lib = open_library(args)
    with lib:
        progress = counter() if not args.json else None
        # the import commits first; indexing for search and classification follow in batches
        # (an interrupt there loses nothing: the next command resumes it)
        if paths == ["-"]:
            report = import_text(lib, sys.stdin.read(), fmt=args.format, name="<stdin>",
                                 tags=args.tag, progress=progress)
        else:
            report = import_paths(lib, paths, fmt=args.format, tags=args.tag, progress=progress,
                                  defer_index=True)
        if args.json:
            print_json(report.to_json())
        else:
            for f in report.files:
                print(report.file_line(f))
            print(report.summary())
            for m in report.merged:
                print(f"  merged into {m['citekey']}: {m['title']}")
            for w in report.warnings:
                print(f"  warning: {w}", file=sys.stderr)
            for prob in report.skipped:
                print(f"  skipped {prob}", file=sys.stderr)
            sys.stdout.flush()
        try:
            catch_up(lib, progress)
        except KeyboardInterrupt:
            sys.stderr.write("amlref: interrupted while indexing: the imported articles are kept; "
                             "indexing goes on with the next command\n")
            return 130
    return 0 if report.ok else 1


# -- export -------------------------------------------------------------------------------------
def view_from_args(lib, args):
    from amlref.services.views import View, saved_view
    if getattr(args, "saved", None):
        v = saved_view(lib, args.saved)
    else:
        v = View()
    from amlref.cli.taxonomy_cmds import _check_slug
    for slug in [getattr(args, "category", None)] + list(getattr(args, "facet", []) or []):
        if slug:
            _check_slug(slug)    # a typo: one line naming it, not an empty export
    v.category = getattr(args, "category", None) or v.category
    v.facets = list(v.facets) + list(getattr(args, "facet", []) or [])
    v.tag = getattr(args, "tag", None) or v.tag
    v.query = getattr(args, "query", None) or v.query
    return v


def cmd_export(args) -> int:
    from amlref.plugins.registry import registry
    from amlref.services.exporting import export_view
    registry.exporter(args.format)  # fail early on an unknown format
    lib = open_library(args)
    with lib:
        view = view_from_args(lib, args)
        missing: list[str] = []
        if args.aux:
            from amlref.services.aux import export_aux
            text, n, missing = export_aux(lib, args.aux, args.format, view)
        else:
            text, n = export_view(lib, args.format, view, file_fields=args.file_fields)
    if args.output:
        from amlref.services.files import atomic_write
        atomic_write(args.output, text)
        print(f"{n} articles written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    if missing:
        print(f"amlref: {len(missing)} cited keys not in the library: {', '.join(missing)}",
              file=sys.stderr)
        return 1
    return 0


# -- search / show ------------------------------------------------------------------------------
def _row(a) -> dict:
    return {"id": a.id, "citekey": a.citekey, "year": a.year, "title": a.title,
            "authors": [p.display() for p in a.authors], "journal": a.container,
            "doi": a.doi, "pmid": a.pmid}


def cmd_search(args) -> int:
    query = " ".join(args.query)
    lib = open_library(args)
    with lib:
        ids = lib.articles.search(query, limit=args.limit)
        arts = lib.articles.get_many(ids)
        from amlref.services.fulltext import pages_for
        pages = pages_for(lib, query, ids)     # where the words are in attached PDFs
    if args.json:
        print_json({"query": query, "count": len(arts), "results": [
            _row(a) | ({"fulltext": pages[a.id]} if a.id in pages else {}) for a in arts]})
        return 0
    for a in arts:
        first = a.authors[0].sort_name() if a.authors else ""
        more = " et al." if len(a.authors) > 1 else ""
        print(f"{a.citekey}\t{a.year or ''}\t{first}{more}\t{a.title}")
        for f in pages.get(a.id, []):
            print(f"\tpages {', '.join(map(str, f['pages']))} of {f['file']}")
    if not arts:
        print(f"no articles match {query!r}", file=sys.stderr)
    return 0


def article_details(lib, a) -> dict:
    d = a.to_dict()
    for k in ("tags", "notes", "line"):
        d.pop(k, None)
    d["year"] = a.year
    d["tags"] = lib.tags.of(a.id)
    d["notes"] = [t for _, t in lib.notes.of(a.id)]
    d["categories"] = lib.categories.of(a.id)
    d["suggestions"] = suggestions_of(lib, a.id)
    def describe(entry):
        if entry.get("article_id"):
            o = lib.articles.get(entry["article_id"])
            return {"in_library": True, "citekey": o.citekey, "title": o.title, "year": o.year,
                    "doi": o.doi, "pmid": o.pmid, "origin": entry.get("origin", "")}
        s = lib.citations.stub(entry["stub_id"])
        return {"in_library": False, "title": s.get("title") or s.get("raw"), "year": s.get("year"),
                "doi": s.get("doi"), "pmid": s.get("pmid"), "origin": entry.get("origin", "")}
    d["references"] = [describe(e) for e in lib.citations.references(a.id)]
    d["cited_by"] = [describe(e) for e in lib.citations.cited_by(a.id)]
    d["similar"] = [describe(e) for e in lib.citations.similar(a.id)]
    from amlref.services.attachments import files_json
    d["files"] = files_json(lib, a.id)
    return d


def cmd_show(args) -> int:
    lib = open_library(args)
    with lib:
        a = lib.articles.find(args.key, include_deleted=True)
        d = article_details(lib, a)
    if args.json:
        print_json(d)
        return 0
    print(f"{a.citekey}  [{a.type}]" + ("  (in the trash)" if a.deleted_at else ""))
    print(f"  title:    {a.title}")
    named, more = shown(a, "author")
    if named or more:
        print(f"  authors:  {'; '.join([p.display() for p in named] + ['et al.'] * more)}")
    for label, v in (("journal", a.container), ("issued", a.issued), ("volume", a.volume),
                     ("issue", a.issue), ("pages", a.pages), ("doi", a.doi), ("pmid", a.pmid),
                     ("pmcid", a.pmcid), ("url", a.url), ("keywords", "; ".join(a.keywords)),
                     ("mesh", "; ".join(a.mesh)), ("types", "; ".join(a.pub_types))):
        if v:
            print(f"  {label + ':':<9} {v}")
    if d["tags"]:
        print(f"  tags:     {', '.join(d['tags'])}")
    if d["categories"]:
        print("  categories:")
        for c in d["categories"]:
            why = "; ".join(_reason_text(r) for r in c["reason"]) or ("set by you" if c["source"] == "user" else "")
            print(f"    {c['slug']} ({c['kind']}, {c['source']}): {why}")
    if d["suggestions"]:
        print_suggestions(d["suggestions"])
    for label in ("references", "cited_by", "similar"):
        if d[label]:
            print(f"  {label.replace('_', ' ')} ({len(d[label])}):")
            for e in d[label]:
                mark = e.get("citekey") or "(not in library)"
                print(f"    {mark}  {e.get('year') or ''}  {(e.get('title') or '')[:90]}")
    for f in d["files"]:
        print(f"  file:     {f['path']} ({f['kind']}, {f['mode']})" + ("  MISSING" if f["missing"] else ""))
    for n in d["notes"]:
        print(f"  note: {n}")
    if a.abstract:
        print(f"  abstract: {a.abstract[:600]}{'...' if len(a.abstract) > 600 else ''}")
    return 0


def suggestions_of(lib, article_id: int) -> list[dict]:
    """The classifier's suggestions for an article, apart from its categories:
    [{"slug", "kind", "reasons"}]."""
    return [{"slug": x["slug"], "kind": x["kind"], "reasons": x["reason"]}
            for x in lib.categories.suggestions(article_id)]


def print_suggestions(suggestions: list[dict]) -> None:
    print("  suggested (amlref category accept|reject SLUG KEY):")
    for c in suggestions:
        why = "; ".join(_reason_text(r) for r in c["reasons"])
        print(f"    {c['slug']} ({c['kind']}): {why}" if why else f"    {c['slug']} ({c['kind']})")


def _reason_text(r) -> str:
    """One reason as a phrase: 'car-t/terms: CAR-T in keywords' (or the rule alone)."""
    if not isinstance(r, dict):
        return str(r)
    words = r.get("words") or r.get("terms") or []
    if isinstance(words, (list, tuple)):
        words = ", ".join(map(str, words))
    rule, fld = r.get("rule", ""), r.get("field", "")
    if not words:
        return rule
    return f"{rule}: {words}" + (f" in {fld}" if fld else "")


# -- trash / delete -----------------------------------------------------------------------------
def _resolve(lib, keys, include_deleted=False) -> list[int]:
    return [lib.articles.find(k, include_deleted=include_deleted).id for k in keys]


def cmd_delete(args) -> int:
    lib = open_library(args)
    with lib:
        ids = _resolve(lib, args.keys)
        n = lib.articles.trash(ids)
    print(f"{n} moved to the trash (amlref trash restore KEY to undo)")
    return 0


def cmd_trash(args) -> int:
    lib = open_library(args)
    with lib:
        if args.action == "list":
            arts = lib.articles.get_many(lib.articles.trashed_ids())
            if args.json:
                print_json([_row(a) | {"deleted_at": a.deleted_at} for a in arts])
            else:
                for a in arts:
                    print(f"{a.citekey}\t{a.deleted_at}\t{a.title}")
                if not arts:
                    print("the trash is empty", file=sys.stderr)
        elif args.action == "restore":
            if not args.keys:
                raise UsageError("trash restore needs at least one KEY")
            n = lib.articles.restore(_resolve(lib, args.keys, include_deleted=True))
            print(f"{n} restored")
        else:
            n = lib.articles.empty_trash()
            print(f"{n} deleted for good")
    return 0


# -- tags / notes / plugins ---------------------------------------------------------------------
def cmd_tag(args) -> int:
    lib = open_library(args)
    with lib:
        if args.action == "list":
            counts = lib.tags.counts()
            if args.json:
                print_json([{"tag": t, "count": n} for t, n in counts])
            else:
                for t, n in counts:
                    print(f"{t}\t{n}")
            return 0
        if not args.tag or not args.keys:
            raise UsageError(f"tag {args.action} needs a TAG and at least one KEY")
        ids = _resolve(lib, args.keys)
        if args.action == "add":
            n = lib.tags.add(ids, args.tag, source="user")
        else:
            n = lib.tags.remove(ids, args.tag)
    print(f"{n} articles {'tagged' if args.action == 'add' else 'untagged'} {args.tag!r}")
    return 0


def cmd_note(args) -> int:
    lib = open_library(args)
    with lib:
        a = lib.articles.find(args.key)
        lib.notes.add(a.id, args.text)
    print(f"note added to {a.citekey}")
    return 0
