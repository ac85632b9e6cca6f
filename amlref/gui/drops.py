"""Drops, paste and imports of the main window: files, PDFs and folders of PDFs, identifiers,
text dropped or pasted; the long import jobs (in the worker, with progress and cancel) and the
search indexing after them.  A PDF dropped on an article row is attached to it; with Alt held
(or the "link files" setting) files are linked in place instead of copied."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from amlref.gui import undo
from amlref.gui.mime import make_mime, read_mime


class DropsMixin:
    """Part of :class:`amlref.gui.main_window.MainWindow` (uses its widgets and runner)."""

    def copy(self) -> None:
        ids = self.selected_ids()
        if ids:
            QGuiApplication.clipboard().setMimeData(make_mime(self.lib, ids))
            self.statusBar().showMessage(f"Copied {len(ids)} reference(s): \\cite, BibTeX and "
                                         "formatted reference", 4000)

    def paste(self) -> None:
        md = QGuiApplication.clipboard().mimeData()
        if md is not None:
            self.handle_mime(None, md)

    def dragEnterEvent(self, event) -> None:
        md = event.mimeData()
        if md.hasUrls() or md.hasText():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        from amlref.gui.mime import IDS_MIME
        if event.mimeData().hasFormat(IDS_MIME):
            event.ignore()  # our own articles dropped back on the window: nothing to do
            return
        link = True if event.modifiers() & Qt.AltModifier else None
        self.handle_mime(None, event.mimeData(), target_id=self._row_at(event), link=link)
        event.acceptProposedAction()

    def _row_at(self, event) -> int | None:
        """The article of the table row under a drop, if it was dropped on one."""
        vp = self.table.viewport()
        pos = vp.mapFrom(self, event.position().toPoint())
        if not vp.rect().contains(pos):
            return None
        idx = self.table.indexAt(pos)
        return self.model.id_at(idx.row()) if idx.isValid() else None

    def handle_mime(self, node, md, target_id: int | None = None, link: bool | None = None) -> str:
        """Do what a drop or paste means; returns what was done ("assign", "import-files",
        "import-pdfs", "import-folder", "add-identifiers", "import-text" or "").  Folders, and
        bibliography files dropped with PDFs, go to the folder import (import_folder); PDFs to
        the PDF import (attached to ``target_id`` when dropped on a row, folders' PDFs too;
        ``link``: link in place instead of copying)."""
        d = read_mime(md)
        node = tuple(node) if node else None
        if d.ids:
            if node:
                self.assign(node, d.ids)
                return "assign"
            return ""
        paths = _local_paths(md)
        if target_id is None and (any(os.path.isdir(p) for p in paths) or _mixed(paths)):
            self.import_folder(paths, node, link=link)
            return "import-folder"
        pdfs, covered = _pdf_inputs(md)
        if pdfs:
            rest = [f for f in d.files if f not in covered and
                    not any(f.startswith(p.rstrip(os.sep) + os.sep) for p in pdfs)]
            if rest:
                self.import_files(rest, node)
            self.import_pdfs(pdfs, node, target_id=target_id, link=link)
            return "import-pdfs"
        if d.files:
            self.import_files(d.files, node)
            return "import-files"
        if d.identifiers:
            self.add_identifiers([v for _, v in d.identifiers], node, typed=d.identifiers)
            return "add-identifiers"
        if d.text:
            self.import_text(d.text, node)
            return "import-text"
        return ""

    def assign(self, node, ids: list[int]) -> None:
        kind, value = node
        if kind in ("category", "facet"):
            self.set_category(ids, value, True, kind="category" if kind == "category" else "facet")
        elif kind == "tag":
            self.tag(ids, value, True)
        elif kind == "trash":
            self._push(undo.Trash(self.lib, ids, self._changed))

    def _after_import(self, report, node, what: str) -> None:
        self.last_report = report
        ids = list(report.added) + [m["id"] for m in report.merged] + list(report.unchanged)
        bases = [os.path.dirname(os.path.abspath(f["file"])) for f in report.files
                 if os.path.isfile(f.get("file") or "")]
        if bases and report.added:    # files the records link to (BibTeX file, RIS L1/L4)
            from amlref.services.attachments import attach_links
            try:
                attach_links(self.lib, report.added, bases)
            except Exception as exc:   # the import itself is done; say what was not linked
                from amlref.gui.workers import describe_error
                self.statusBar().showMessage(f"Linked files not attached: "
                                             f"{describe_error(exc)}", 8000)
        if node and ids and node[0] in ("category", "facet"):
            self.set_category(ids, node[1], True, kind=node[0])
        from amlref.gui.dialogs import import_report_text
        summary, details = import_report_text(report)
        self._pending_select = ids[:1000] or None
        self.refresh()
        if ids:
            self.schedule_auto_export()
        kind = "info" if report.ok else "error"
        self.show_message(kind, f"Import: {what}", f"Import finished: {summary}.", details)
        self.index_pending(lambda: self.job_finished.emit("import", report))

    def index_pending(self, then=None) -> None:
        """Index for search and classify what an import committed (services/indexing.py),
        in the worker, with progress in the status bar; the window stays usable meanwhile."""
        from amlref.services.indexing import catch_up
        if not self.lib.pending.count():     # (a text drop or an online add: indexed already)
            if then:
                then()
            return
        status = self.statusBar()

        def progress(done, total, message=""):
            status.showMessage(f"{message.capitalize()}: {done:,} of {total:,} articles")

        def done(result):
            if result["fts"]:
                status.showMessage(f"Indexed {result['fts']:,} articles for search, classified "
                                   f"{result['classified']:,}", 5000)
            if result["fts"] or result["classified"]:
                self.refresh()
            if then:
                then()

        def failed(message):
            if message.startswith("cancelled"):   # closing the window: resumes next time
                status.showMessage("Indexing paused; it goes on when the library opens again")
            else:
                self.error(f"Indexing for search failed: {message}")
            self.job_finished.emit("error", message)
        job = self.runner.start(lambda lib, progress, cancel: catch_up(
            lib, progress=progress, cancel=cancel), "Indexing for search", done, failed,
            parent=self, progress=False)
        job.signals.progress.connect(progress)

    def _job_error(self, what: str):
        def fail(message: str):
            self.error(f"{what}: {message}")
            self.job_finished.emit("error", message)
        return fail

    def import_files(self, paths: list[str], node=None) -> None:
        from amlref.services.importing import import_paths
        tags = [node[1]] if node and node[0] == "tag" else []
        names = ", ".join(os.path.basename(p) for p in paths[:3]) + (" …" if len(paths) > 3 else "")
        self.runner.start(lambda lib, progress, cancel: import_paths(
            lib, paths, tags=tags, progress=progress, cancel=cancel, defer_index=True),
            f"Importing {names}", lambda r: self._after_import(r, node, names),
            self._job_error("Import failed"), parent=self)

    def import_text(self, text: str, node=None) -> None:
        from amlref.services.importing import import_text
        tags = [node[1]] if node and node[0] == "tag" else []
        self.runner.start(lambda lib, progress, cancel: import_text(
            lib, text, name="<dropped text>", tags=tags, progress=progress, cancel=cancel),
            "Importing dropped text", lambda r: self._after_import(r, node, "dropped text"),
            self._job_error("Cannot import that text"), parent=self)

    def add_identifiers(self, identifiers: list[str], node=None, typed=None) -> None:
        """Articles already in the library are selected at once; the others are looked up
        online (PubMed, Crossref, doi.org) in the background."""
        from amlref.core.errors import InputError
        from amlref.core.identifiers import classify_identifier
        known, unknown = [], []
        for raw in identifiers:
            try:
                kind, value = classify_identifier(raw)
            except InputError:
                unknown.append(raw)
                continue
            aid = self.lib.articles.find_id(kind, value)
            (known.append(aid) if aid is not None else unknown.append(raw))
        if known:
            if node:
                self.assign(node, known)
            self.jump_to(known[0]) if len(known) == 1 else self._select_later(known)
        if not unknown:
            if known:
                self.statusBar().showMessage(f"{len(known)} already in the library", 5000)
                self.job_finished.emit("known", known)
            return
        try:
            from amlref.services.online import add_identifiers
        except ImportError:
            self.error("Online lookup is not available in this installation; add "
                       f"{', '.join(unknown[:5])} from a file instead.")
            return
        tags = [node[1]] if node and node[0] == "tag" else []
        self.runner.start(lambda lib, progress, cancel: add_identifiers(
            lib, unknown, tags=tags, progress=progress, cancel=cancel),
            f"Looking up {', '.join(unknown[:3])}{' …' if len(unknown) > 3 else ''}",
            lambda r: self._after_import(r, node, "online lookup"),
            self._job_error("Online lookup failed"), parent=self)

    def _select_later(self, ids) -> None:
        if not self.select_ids(ids, scroll=True):
            self._pending_select = ids
            self.node = ("all", None)
            self.sidebar.select_node(self.node, emit=False)
            self.reload()

    def add_stub(self, stub: dict) -> None:
        ident = stub.get("identifier") or stub.get("pmid") or stub.get("doi") or stub.get("pmcid")
        if not ident:
            self.error("This reference has no DOI, PMID or PMCID to look up; add it by hand "
                       f"(“{(stub.get('title') or stub.get('raw') or '')[:80]}”).")
            return
        self.add_identifiers([str(ident)])

    def load_demo(self) -> None:
        from amlref.gui.demo import load_demo
        self.runner.start(lambda lib, progress, cancel: load_demo(lib, progress, cancel),
                          "Loading the demo library",
                          lambda r: self._after_import(r, None, "demo library"),
                          self._job_error("Cannot load the demo library"), parent=self)

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import", "", "Bibliographies and PDFs (*.bib *.ris *.nbib *.txt *.xml *.json "
            "*.gz *.pdf);;All files (*)")
        if paths:
            from amlref.services.pdf_import import is_pdf_input
            pdfs = [p for p in paths if is_pdf_input(p)]
            rest = [p for p in paths if p not in pdfs]
            if pdfs and rest:
                self.import_folder(paths)
            elif rest:
                self.import_files(rest)
            if pdfs:
                self.import_pdfs(pdfs)

    def import_folder_dialog(self) -> None:
        """Every file AMLRef reads in a folder the user picks (as a dropped folder)."""
        folder = QFileDialog.getExistingDirectory(self, "Import every file AMLRef reads in")
        if folder:
            self.import_folder([folder])

    def add_dialog(self) -> None:
        from amlref.gui.dialogs import AddIdentifierDialog
        d = AddIdentifierDialog(self)
        if d.exec() == AddIdentifierDialog.Accepted and d.identifiers():
            self.add_identifiers(d.identifiers())

    def import_folder(self, paths: list[str], node=None, link: bool | None = None) -> None:
        """Folders, and bibliography files with PDFs, in the worker (progress, cancel): the
        folders' readable files found, the bibliography files imported, then the files their
        records link to and the PDFs (services/folder_import.py, as ``amlref import``)."""
        from amlref.services.folder_import import import_found
        from amlref.services.folder_scan import scan
        tags = [node[1]] if node and node[0] == "tag" else []
        names = ", ".join(os.path.basename(p.rstrip(os.sep)) for p in paths[:3]) + \
            (" …" if len(paths) > 3 else "")

        def job(lib, progress, cancel):
            found = scan(paths, progress=progress, cancel=cancel)
            return import_found(lib, found, tags=tags, link=link, progress=progress,
                                cancel=cancel)
        self.runner.start(job, f"Importing {names}",
                          lambda r: self._after_folder_import(r, node, names),
                          self._job_error("Import failed"), parent=self)

    def _after_folder_import(self, report, node, what: str) -> None:
        self.last_report = report
        ids = report.article_ids()
        if node and ids and node[0] in ("category", "facet"):
            self.set_category(ids, node[1], True, kind=node[0])
        self._pending_select = ids[:1000] or None
        self._detail_dirty = True
        self.refresh()
        if ids:
            self.schedule_auto_export()
        self.show_message("info" if report.ok else "error", f"Import: {what}",
                          f"Import finished: {report.summary()}.", "\n".join(report.details()))
        self.index_pending(lambda: self.job_finished.emit("folder-import", report))

    # == PDFs ===================================================================================
    def import_pdfs(self, paths: list[str], node=None, target_id: int | None = None,
                    link: bool | None = None) -> None:
        """Import PDFs and folders of PDFs in the worker (progress, cancel); see
        services/pdf_import.py.  With ``target_id`` every PDF is attached to that article."""
        from amlref.services.pdf_import import import_pdfs
        tags = [node[1]] if node and node[0] == "tag" else []
        n = len(paths)
        title = ("Attaching PDF" if target_id is not None else
                 f"Importing {os.path.basename(paths[0].rstrip(os.sep))}" + (" …" if n > 1 else ""))
        self.runner.start(lambda lib, progress, cancel: import_pdfs(
            lib, paths, link=link, target_id=target_id, progress=progress, cancel=cancel,
            tags=tags), title, lambda r: self._after_pdf_import(r, node),
            self._job_error("PDF import failed"), parent=self)

    def _after_pdf_import(self, report, node) -> None:
        self.last_report = report
        ids = list(dict.fromkeys(o.article_id for o in report.outcomes if o.article_id))
        if node and ids and node[0] in ("category", "facet"):
            self.set_category(ids, node[1], True, kind=node[0])
        details = "\n".join(
            f"{os.path.basename(o.path)}: {o.status}" + (f" ({o.citekey})" if o.citekey else "")
            + (f": {o.reason}" if o.reason else "") for o in report.outcomes)
        self._pending_select = ids[:1000] or None
        self._detail_dirty = True
        self.refresh()
        self.show_message("info" if report.ok else "error", "PDF import",
                          f"PDF import finished: {report.summary()}.", details)
        self.index_pending(lambda: self.job_finished.emit("pdf-import", report))

    def fetch_metadata(self, ids: list[int]) -> None:
        """Complete articles made from a PDF alone, online, in the worker."""
        from amlref.services.pdf_import import fetch_metadata

        def job(lib, progress, cancel):
            done, failed = [], []
            for n, aid in enumerate(ids):
                cancel.check()
                progress(n, len(ids), "fetching metadata")
                try:
                    done.append(fetch_metadata(lib, aid).id)
                except Exception as exc:   # one line per article in the report
                    from amlref.gui.workers import describe_error
                    failed.append(f"{lib.articles.get(aid).citekey}: {describe_error(exc)}")
            return done, failed

        def finished(result):
            done, failed = result
            self._detail_dirty = True
            self.refresh()
            text = f"Metadata fetched for {len(done)} of {len(ids)} article(s)."
            self.show_message("error" if failed else "info", "Fetch metadata", text,
                              "\n".join(failed))
            self.job_finished.emit("fetch-metadata", result)
        self.runner.start(job, "Fetching metadata", finished,
                          self._job_error("Fetching metadata failed"), parent=self)

    def find_moved_files(self, folder: str | None = None) -> None:
        """Look for missing files (by SHA-256) in a folder the user picks."""
        from amlref.services.attachments import relink
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "Find moved files in")
        if not folder:
            return

        def finished(report):
            self._detail_dirty = True
            self.refresh()
            self.show_message("info", "Find moved files",
                              f"{len(report.relinked)} file(s) found again, "
                              f"{len(report.still_missing)} still missing.",
                              "\n".join(p for _, p in report.still_missing))
            self.job_finished.emit("relink", report)
        self.runner.start(lambda lib, progress, cancel: relink(lib, folder, progress, cancel),
                          "Finding moved files", finished,
                          self._job_error("Finding moved files failed"), parent=self)

    def offer_rename_files(self, article_id: int) -> None:
        """After a citation key changed: offer to rename the stored files after it."""
        from amlref.services.attachments import rename_stored
        if not any(a.mode == "stored" for a in self.lib.attachments.of(article_id)):
            return
        if QMessageBox.question(self, "Rename files", "The citation key changed. Rename the "
                                "stored files after it?") == QMessageBox.Yes:
            try:
                rename_stored(self.lib, article_id)
            except Exception as exc:
                from amlref.gui.workers import describe_error
                self.error(describe_error(exc))
            self._detail_dirty = True
            self.refresh()


def _local_paths(md) -> list[str]:
    return [u.toLocalFile() for u in md.urls() if u.isLocalFile()] if md.hasUrls() else []


def _mixed(paths: list[str]) -> bool:
    """Bibliography files and PDFs dropped together (imported in that order, as one)."""
    from amlref.services.pdf_import import is_pdf_input
    pdf = [is_pdf_input(p) for p in paths if os.path.isfile(p)]
    return any(pdf) and not all(pdf)


def _pdf_inputs(md) -> tuple[list[str], set[str]]:
    """Dropped PDFs (by their first bytes) and folders holding PDFs; and the PDF files."""
    from amlref.services.pdf_import import collect_pdfs, is_pdf_input
    out: list[str] = []
    covered: set[str] = set()
    if not md.hasUrls():
        return out, covered
    for url in md.urls():
        if not url.isLocalFile():
            continue
        p = url.toLocalFile()
        if os.path.isdir(p):
            found, _ = collect_pdfs([p])
            if found:
                out.append(p)
                covered.update(found)
        elif is_pdf_input(p):
            out.append(p)
            covered.add(p)
    return out, covered
