"""Files of articles: ``amlref attach KEY FILE...``, ``amlref files check|relink FOLDER``, and
the PDF side of other commands:

- ``amlref import`` also takes PDFs and folders (``--offline``, ``--link``): a folder is
  expanded into the bibliography files and PDFs in it (services/folder_scan.py); bibliography
  files go to the usual import, after which the files their records link to (BibTeX ``file``,
  RIS ``L1``/``L4``) are attached, then the PDFs go through services/pdf_import.py
  (services/folder_import.py);
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
from amlref.cli.progress import clear_status, status_line
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
        imp.description = (
            "Import bibliography files (BibTeX, RIS, MEDLINE/.nbib, PubMed XML, CSL-JSON, "
            "EndNote), PDFs and folders.  A folder is searched (sub-folders too) for every "
            "file AMLRef reads; hidden files, backups and other files are skipped and listed. "
            "The bibliography files come in first, in one import (a file that cannot be read "
            "stops it: nothing is stored), then the PDFs: a PDF is matched by its "
            "DOI/PMID/PMCID (or title) to an article of the library or of the import, else "
            "looked up online, else added as 'needs metadata'.")
        for action in imp._actions:
            if action.dest == "paths":
                action.help = "files and folders to import ('-' for stdin)"
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
    """Folders expanded into the files AMLRef reads (services/folder_scan.py), every input
    checked before the library is touched; then the bibliography files imported by the import
    of library_cmds (``base``: its report and exit status), the files their new records link
    to, and the PDFs (services/folder_import.py)."""
    from amlref.services.folder_scan import scan
    found = scan(args.paths, fmt=args.format, progress=None if args.json else _progress_line)
    clear_status()
    if not args.json:
        for count in found.folders:
            print(count.summary())
        for s in found.skipped:
            print(f"  skipped {s}", file=sys.stderr)
        sys.stdout.flush()
    code, records, new_ids = 0, None, []
    if found.references:
        before = _max_id(args)
        args.paths = found.references
        if args.json:       # one JSON document in the end
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                code = base(args)
            records = json.loads(buf.getvalue() or "null")
        else:
            code = base(args)
        if code == 130:     # interrupted while indexing: the PDFs are not started
            return code
        new_ids = _new_ids(args, before)
    pdf_code, linked, pdfs = _link_and_import_pdfs(args, found, new_ids)
    if args.json:
        from amlref.services.folder_import import report_json
        print_json(report_json(records, pdfs, found, linked))
    return max(code, pdf_code)


def _max_id(args) -> int:
    lib = open_library(args)
    with lib:
        return lib.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]


def _new_ids(args, before: int) -> list[int]:
    lib = open_library(args)
    with lib:
        return [r[0] for r in lib.execute("SELECT id FROM articles WHERE id > ?", (before,))]


def _link_and_import_pdfs(args, found, new_ids):
    """The files the new records link to, then the other PDFs; prints their report (not with
    --json).  Ctrl+C stops between two PDFs (a second one at once): what is in stays."""
    from amlref.services.folder_import import link_and_import_pdfs, linked_summary, pdf_line
    lib = open_library(args)
    with lib:
        with _interrupt_cancels() as cancel:
            progress = _progress_line if sys.stderr.isatty() and not args.json else None
            linked, report = link_and_import_pdfs(
                lib, found, new_ids, tags=args.tag, offline=True if args.offline else None,
                link=True if args.link else None, progress=progress, cancel=cancel)
        clear_status()
        if not args.json:
            if linked["attached"] or linked["missing"]:
                print(linked_summary(linked), file=sys.stderr)
            if report is not None:
                for o in report.outcomes:
                    print(pdf_line(o))
                print(report.summary())
            sys.stdout.flush()
        if report is not None and report.cancelled:
            sys.stderr.write("amlref: interrupted: the PDFs listed are in, the others were not "
                             "imported\n")
            return 130, linked, report
        try:
            catch_up(lib)   # full text, search index, categories
        except KeyboardInterrupt:
            sys.stderr.write("amlref: interrupted while indexing: the imported articles are "
                             "kept; indexing goes on with the next command\n")
            return 130, linked, report
    return (0 if report is None or report.ok else 1), linked, report


def _progress_line(done: int, total: int, message: str = "") -> None:
    status_line(done, total, f"{message} ({done}/{total})" if total else message)


@contextlib.contextmanager
def _interrupt_cancels():
    """A cancel token that Ctrl+C sets (the current PDF is finished first); a second Ctrl+C
    interrupts at once (that PDF's transaction is rolled back)."""
    import signal
    import threading
    from amlref.core.progress import CancelToken
    token = CancelToken()
    if threading.current_thread() is not threading.main_thread():
        yield token
        return

    def on_interrupt(signum, frame):
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        sys.stderr.write("\namlref: stopping after this PDF (Ctrl+C again to stop at once)\n")
    old = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield token
    finally:
        signal.signal(signal.SIGINT, old)


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
