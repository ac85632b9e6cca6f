"""Import folders (``amlref import FOLDER``, a folder dropped on the window) and mixed inputs
of bibliography files and PDFs, in this order:

1. the bibliography files (the files of the folders that services/folder_scan.py recognises,
   and the files named) in one import (services/importing.py): every file read and checked
   before the library is touched, one transaction, so a file that cannot be read stops the
   whole import, naming its file and line, and nothing is stored;
2. the files their new records link to (BibTeX ``file`` fields of JabRef, Zotero, Mendeley ...;
   RIS ``L1``/``L4``), linked in place as for a single file (attachments.attach_links);
3. the PDFs (services/pdf_import.py, each its own transaction) -- except those step 2 linked
   already, so a Zotero or JabRef export folder gives each PDF once.  A PDF whose DOI is that
   of a record of step 1 is attached to that article instead of making a new one.

A cancel during step 1 leaves nothing; during step 3 it stops between two PDFs (what is in
stays, the report says it was cancelled).  The command line runs step 1 as ``amlref import
FILE...`` (its printed report, its exit status) and calls :func:`link_and_import_pdfs`; the
window calls :func:`import_found`."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from amlref.core.progress import CancelToken, Progress, no_progress
from amlref.services.folder_scan import Found, counted
from amlref.services.importing import ImportReport
from amlref.services.pdf_import import PdfImportReport, PdfOutcome
from amlref.storage.library import Library

LINKED = "linked by the file field of its record"


@dataclass
class FolderImportReport:
    found: Found
    records: ImportReport | None = None
    linked: dict = field(default_factory=lambda: {"attached": 0, "missing": 0})
    pdfs: PdfImportReport | None = None

    @property
    def ok(self) -> bool:
        return (self.records is None or self.records.ok) and (self.pdfs is None or self.pdfs.ok)

    def article_ids(self) -> list[int]:
        ids = []
        if self.records is not None:
            ids += (self.records.added + [m["id"] for m in self.records.merged]
                    + self.records.unchanged)
        if self.pdfs is not None:
            ids += [o.article_id for o in self.pdfs.outcomes if o.article_id]
        return list(dict.fromkeys(ids))

    def summary(self) -> str:
        parts = []
        if self.records is not None:
            parts.append(self.records.summary())
        if self.linked["attached"] or self.linked["missing"]:
            parts.append(linked_summary(self.linked))
        if self.pdfs is not None:
            parts.append("PDFs: " + self.pdfs.summary())
        if self.found.skipped:
            parts.append(f"{counted(len(self.found.skipped), 'other file')} skipped (not a "
                         "bibliography or PDF)")
        return "; ".join(parts)

    def details(self) -> list[str]:
        """One line per folder, per file skipped, per record skipped and per PDF."""
        out = [c.summary() for c in self.found.folders]
        out += [f"skipped {s}" for s in self.found.skipped]
        if self.records is not None:
            out += [f"{f['file']}: {counted(f['records'], 'record')} as {f['format']}"
                    for f in self.records.files]
            out += [f"skipped {p}" for p in self.records.skipped]
        if self.pdfs is not None:
            out += [pdf_line(o) for o in self.pdfs.outcomes]
        return out

    def to_json(self) -> dict:
        return report_json(self.records.to_json() if self.records else None, self.pdfs,
                           self.found, self.linked)


def linked_summary(counts: dict) -> str:
    return (f"files linked by the records: {counts['attached']} attached, "
            f"{counts['missing']} missing")


def pdf_line(o: PdfOutcome) -> str:
    what = {"attached": "attached to", "new": "new", "needs-metadata": "needs metadata",
            "refused": "refused"}[o.status]
    line = f"{o.path}: {what}" + (f" {o.citekey}" if o.citekey else "")
    return line + (f": {o.reason}" if o.reason else "")


def report_json(records: dict | None, pdfs: PdfImportReport | None, found: Found,
                linked: dict) -> dict:
    """One JSON document for the command line's ``--json``: the import's (added, merged,
    skipped, errors ...) when there were only bibliography files, the PDF import's when only
    PDFs (with added, merged, skipped, errors too), else both under "import" and "pdfs" with
    the sums at the top; and always the folders' counts and the files skipped."""
    extra = {"linked_files": linked, **found.to_json()}
    if pdfs is None:
        return {**(records or {"added": 0, "merged": 0, "skipped": 0, "errors": []}), **extra}
    if records is None:
        return {**pdfs.to_json(), **extra}
    p = pdfs.to_json()
    return {"added": records["added"] + p["added"], "merged": records["merged"] + p["merged"],
            "skipped": records["skipped"] + p["skipped"],
            "errors": records["errors"] + p["errors"], "import": records, "pdfs": p, **extra}


def import_found(lib: Library, found: Found, *, fmt: str | None = None,
                 tags: Iterable[str] = (), offline: bool | None = None,
                 link: bool | None = None, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> FolderImportReport:
    """Steps 1 to 3 of the module docstring on what :func:`folder_scan.scan` found."""
    from amlref.services.importing import import_paths
    report = FolderImportReport(found)
    new: list[int] = []
    if found.references:
        report.records = import_paths(lib, found.references, fmt=fmt, tags=tags,
                                      progress=progress, cancel=cancel, defer_index=True)
        new = report.records.added
    report.linked, report.pdfs = link_and_import_pdfs(
        lib, found, new, tags=tags, offline=offline, link=link, progress=progress,
        cancel=cancel)
    return report


def link_and_import_pdfs(lib: Library, found: Found, new_ids: Sequence[int], *,
                         tags: Iterable[str] = (), offline: bool | None = None,
                         link: bool | None = None, progress: Progress | None = None,
                         cancel: CancelToken | None = None
                         ) -> tuple[dict, PdfImportReport | None]:
    """Steps 2 and 3: the files the new records link to, then the other PDFs.  Returns the
    counts of linked files and the PDF report (None when there were no PDFs)."""
    from amlref.services.attachments import attach_links
    from amlref.services.pdf_import import import_pdfs
    progress = progress or no_progress
    bases = list(dict.fromkeys(os.path.dirname(os.path.abspath(p))
                               for p in found.references if p != "-"))
    counts = {"attached": 0, "missing": 0}
    if new_ids and bases:
        progress(0, 0, "attaching the files the records link to")
        counts = attach_links(lib, new_ids, bases)
    if not found.pdfs:
        return counts, None
    done = _linked_pdfs(lib, found.pdfs, new_ids) if counts["attached"] else []
    rest = [p for p in found.pdfs if p not in {o.path for o in done}]
    report = import_pdfs(lib, rest, offline=offline, link=link, progress=progress,
                         cancel=cancel, tags=tags) if rest else PdfImportReport()
    report.outcomes[:0] = done
    return counts, report


def _linked_pdfs(lib: Library, pdfs: list[str], new_ids: Sequence[int]) -> list[PdfOutcome]:
    """The PDFs attached to one of ``new_ids`` where they are (by their records' links)."""
    where = {lib.attachments.relative(os.path.abspath(p)): p for p in pdfs}
    rows = lib.execute("SELECT a.path, a.article_id, ar.citekey FROM attachments a JOIN "
                       "articles ar ON ar.id = a.article_id WHERE a.path IN (SELECT value FROM "
                       "json_each(?))", (json.dumps(sorted(where)),)).fetchall()
    new = set(new_ids)
    out, seen = [], set()
    for path, aid, key in rows:
        if aid in new and path not in seen:
            seen.add(path)
            out.append(PdfOutcome(where[path], "attached", aid, key or "", LINKED))
    return out
