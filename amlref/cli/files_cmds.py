"""Files of articles: ``amlref attach KEY FILE...``, ``amlref files check|relink FOLDER``, and
the PDF side of other commands:

- ``amlref import`` also takes PDFs and folders (``--offline``, ``--link``): they go through
  services/pdf_import.py; bibliography files go to the usual import, after which the files
  their records link to (BibTeX ``file``, RIS ``L1``/``L4``) are attached;
- ``amlref add --update KEY [ID]`` completes an article made from a PDF alone;
- ``amlref trash empty`` also deletes the stored copies of the trashed articles' files.

These are added to parsers other modules own (``register`` runs after theirs), so those
modules stay as they are."""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys

from amlref.cli.main import catch_up, open_library, print_json
from amlref.core.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("attach", help="attach files to an article (copied into the files "
                       "folder, or linked in place with --link)")
    p.add_argument("key", help="citation key, DOI, PMID or PMCID")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--link", action="store_true", help="link the files where they are")
    p.add_argument("--copy", action="store_true", help="copy even when the library links")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_attach)

    p = sub.add_parser("files", help="attached files: check (list missing files), relink "
                       "FOLDER (find moved files by SHA-256)")
    p.add_argument("action", choices=["check", "relink"])
    p.add_argument("folder", nargs="?", help="where to look for moved files (relink)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_files)

    _extend(sub)


def _extend(sub) -> None:
    """PDF options on ``import``, ``add --update``, and the files of ``trash empty``."""
    imp = sub.choices.get("import")
    if imp is not None:
        imp.add_argument("--offline", action="store_true", help="PDFs: no online look-up")
        imp.add_argument("--link", action="store_true", help="PDFs: link in place, not copy")
        base = imp.get_default("func")
        imp.set_defaults(func=lambda args: cmd_import(args, base))
        imp.description = ("Import bibliography files, PDFs and folders of PDFs.  A PDF is "
                           "matched by its DOI/PMID/PMCID (or title) to an article of the "
                           "library, else looked up online, else added as 'needs metadata'.")
    add = sub.choices.get("add")
    if add is not None:
        add.add_argument("--update", action="store_true", help="complete the article KEY "
                         "(e.g. one made from a PDF) from its identifier or from the ID "
                         "given after it")
        base_add = add.get_default("func")
        add.set_defaults(func=lambda args: cmd_update(args) if args.update else base_add(args))
    trash = sub.choices.get("trash")
    if trash is not None:
        base_trash = trash.get_default("func")
        trash.set_defaults(func=lambda args: cmd_empty_trash(args)
                           if args.action == "empty" else base_trash(args))


# -- attach -------------------------------------------------------------------------------------
def cmd_attach(args) -> int:
    from amlref.core.errors import InputError
    from amlref.services.attachments import attach
    for f in args.files:
        if not os.path.isfile(f):
            raise InputError("no such file" if not os.path.exists(f) else "not a file", f)
    lib = open_library(args)
    with lib:
        a = lib.articles.find(args.key)
        link = True if args.link else (False if args.copy else None)
        atts = [attach(lib, a.id, f, link=link) for f in args.files]
        out = [x.to_json(lib.attachments.resolve(x), lib.attachments.missing(x)) for x in atts]
        catch_up(lib)
    if args.json:
        print_json({"citekey": a.citekey, "files": out})
    else:
        for f in out:
            print(f"{a.citekey}: {f['mode']} {f['path']} ({f['kind']}, {f['size']} bytes)")
    return 0


# -- files check / relink ---------------------------------------------------------------------
def cmd_files(args) -> int:
    from amlref.services.attachments import missing_files, relink
    lib = open_library(args)
    with lib:
        if args.action == "check":
            missing = missing_files(lib)
            rows = [{"citekey": lib.articles.get(a.article_id).citekey, "path": p,
                     "kind": a.kind, "sha256": a.sha256} for a, p in missing]
            total = len(lib.attachments.all())
            if args.json:
                print_json({"files": total, "missing": rows})
            else:
                for r in rows:
                    print(f"missing\t{r['citekey']}\t{r['path']}")
                print(f"{total} files, {len(rows)} missing", file=sys.stderr)
            return 1 if rows else 0
        if not args.folder:
            raise UsageError("files relink needs a FOLDER to look in")
        report = relink(lib, args.folder)
    if args.json:
        print_json(report.to_json())
    else:
        for _, old, new in report.relinked:
            print(f"relinked\t{old}\t-> {new}")
        for _, path in report.still_missing:
            print(f"missing\t{path}")
        print(f"{len(report.relinked)} relinked, {len(report.still_missing)} still missing "
              f"({report.scanned} files looked at)", file=sys.stderr)
    return 0 if not report.still_missing else 1


# -- import (PDFs, folders, file links) -----------------------------------------------------------
def cmd_import(args, base) -> int:
    from amlref.core.errors import InputError
    from amlref.services.pdf_import import collect_pdfs, is_pdf_input
    paths = list(args.paths)
    pdfs = [p for p in paths if p != "-" and is_pdf_input(p)]
    for p in pdfs:     # every input is checked before the library is touched
        if os.path.isdir(p) and not collect_pdfs([p])[0]:
            raise InputError("is a folder with no PDFs in it", p)
    rest = [p for p in paths if p not in pdfs]
    code = 0
    if rest:
        from amlref.services.importing import check_input
        for p in rest:
            if p != "-":
                check_input(p)
        before = _max_id(args)
        args.paths = rest
        if args.json and pdfs:       # one JSON document: {"import": ..., "pdfs": ...}
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                code = base(args)
            out = {"import": json.loads(buf.getvalue() or "null")}
        else:
            code = base(args)
        _attach_links(args, before, [os.path.dirname(os.path.abspath(p))
                                     for p in rest if p != "-"])
    if pdfs:
        if rest and args.json:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                code = max(code, _import_pdfs(args, pdfs))
            out["pdfs"] = json.loads(buf.getvalue())
            print_json(out)
        else:
            code = max(code, _import_pdfs(args, pdfs))
    return code


def _max_id(args) -> int:
    lib = open_library(args)
    with lib:
        return lib.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]


def _attach_links(args, before: int, bases: list[str]) -> None:
    from amlref.services.attachments import attach_links
    lib = open_library(args)
    with lib:
        ids = [r[0] for r in lib.execute("SELECT id FROM articles WHERE id > ? AND extra != '{}'",
                                         (before,))]
        counts = attach_links(lib, ids, bases or [os.getcwd()])
        catch_up(lib)
    if counts["attached"] or counts["missing"]:
        print(f"files linked by the records: {counts['attached']} attached, "
              f"{counts['missing']} missing", file=sys.stderr)


def _import_pdfs(args, pdfs: list[str]) -> int:
    from amlref.services.pdf_import import import_pdfs
    lib = open_library(args)
    with lib:
        progress = None
        if sys.stderr.isatty() and not args.json:
            def progress(done, total, message=""):
                sys.stderr.write(f"\r\x1b[K{message} ({done}/{total})")
        report = import_pdfs(lib, pdfs, offline=True if args.offline else None,
                             link=True if args.link else None, progress=progress,
                             tags=args.tag)
        if progress:
            sys.stderr.write("\r\x1b[K")
        if args.json:
            print_json(report.to_json())
        else:
            for o in report.outcomes:
                what = {"attached": "attached to", "new": "new", "needs-metadata":
                        "needs metadata", "refused": "refused"}[o.status]
                line = f"{o.path}: {what}" + (f" {o.citekey}" if o.citekey else "")
                print(line + (f": {o.reason}" if o.reason else ""))
            print(report.summary())
        sys.stdout.flush()
        catch_up(lib)   # full text, search index, categories
    return 0 if report.ok else 1


# -- add --update -------------------------------------------------------------------------------
def cmd_update(args) -> int:
    from amlref.services.pdf_import import fetch_metadata
    if not args.ids or len(args.ids) > 2:
        raise UsageError("add --update takes KEY and optionally a DOI, PMID or PMCID")
    lib = open_library(args)
    with lib:
        a = lib.articles.find(args.ids[0])
        from amlref.services.online import Online
        online = Online.for_library(lib)
        online.client.fresh = bool(getattr(args, "fresh", False))
        updated = fetch_metadata(lib, a.id, args.ids[1] if len(args.ids) > 1 else "",
                                 online=online)
    if args.json:
        print_json({"updated": 1, "citekey": updated.citekey, "title": updated.title,
                    "doi": updated.doi, "pmid": updated.pmid})
    else:
        print(f"updated {updated.citekey}  {updated.title[:90]}")
    return 0


# -- trash empty -----------------------------------------------------------------------------------
def cmd_empty_trash(args) -> int:
    from amlref.services.attachments import empty_trash
    lib = open_library(args)
    with lib:
        n, files = empty_trash(lib)
    print(f"{n} deleted for good" + (f", {files} stored files deleted" if files else ""))
    return 0
