"""PDFs in: a PDF (or a folder of them) becomes an attachment of the right article.

For each PDF (``amlref.pdf.read_pdf``, in a child process with a time and memory limit):

1. its identifier (DOI, PMID, PMCID) is that of an article in the library, or its title is
   that of one (a confident match: same title key and the title printed on the first page):
   the PDF is attached to it, no record is added;
2. else, online (unless ``offline``): the record is fetched with the existing sources
   (E-utilities for a PMID/PMCID, Crossref then doi.org for a DOI) and the article is made
   from it with the PDF attached -- only when the fetched title is the one on the first page
   (``printed_as_title``): a DOI from a reference list or a "cite this" box of another paper
   must not give the wrong record;
3. else (offline, no identifier, the lookup failed or gave another paper): the article is made
   from what the PDF says (title guessed from the first page, XMP / document info), tagged
   ``needs metadata`` with the reason in ``extra["pdf"]``; ``fetch_metadata`` completes it
   later (``amlref add --update KEY``, "Fetch metadata" in the window).

Each PDF is its own transaction: a bad file is refused with a one-line reason and the others
still come in.  New articles are classified on what the PDF gave (the first page's abstract
when there is no other); full text is extracted afterwards as pending work
(services/fulltext.py)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from amlref.core.article import Article, Link, ParseResult, Person, title_key
from amlref.core.errors import AmlrefError, InputError, NetworkError, NotFound
from amlref.core.progress import Cancelled, CancelToken, Progress, check, no_progress
from amlref.pdf import (PdfError, PdfInfo, PdfWorker, is_pdf, page_texts, read_pdf, title_matches,
                        useless_meta_title)
from amlref.pdf.layout import printed_as_title
from amlref.services import attachments as files
from amlref.services.folder_scan import walk
from amlref.storage.library import Library

NEEDS_METADATA = "needs metadata"        # the tag (a sidebar view) of articles made from a PDF alone
OFFLINE_SETTING = "pdf.offline"          # true: never look PDFs up online
FIRST_PAGE_MAX = 80                      # pages read to check a title against the first page


@dataclass
class PdfOutcome:
    path: str
    status: str             # "attached" | "new" | "needs-metadata" | "refused"
    article_id: int | None = None
    citekey: str = ""
    reason: str = ""

    def to_json(self) -> dict:
        return {"file": self.path, "status": self.status, "id": self.article_id,
                "citekey": self.citekey, "reason": self.reason}


@dataclass
class PdfImportReport:
    outcomes: list[PdfOutcome] = field(default_factory=list)
    cancelled: bool = False

    def of(self, status: str) -> list[PdfOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def ok(self) -> bool:
        return not self.of("refused")

    def summary(self) -> str:
        s = (f"{len(self.of('attached'))} attached to existing articles, "
             f"{len(self.of('new'))} new with metadata, "
             f"{len(self.of('needs-metadata'))} needing metadata, "
             f"{len(self.of('refused'))} refused")
        return s + (" (cancelled)" if self.cancelled else "")

    def to_json(self) -> dict:
        """The PDF import's counts, and those of ``import --json`` (DESIGN.md): added (new
        articles), merged (attached to an article), skipped and errors (refused)."""
        refused = self.of("refused")
        return {"added": len(self.of("new")) + len(self.of("needs-metadata")),
                "merged": len(self.of("attached")), "skipped": len(refused),
                "errors": [{"file": o.path, "line": None, "message": o.reason} for o in refused],
                "attached": len(self.of("attached")), "new": len(self.of("new")),
                "needs_metadata": len(self.of("needs-metadata")),
                "refused": len(self.of("refused")), "cancelled": self.cancelled,
                "files": [o.to_json() for o in self.outcomes]}


# -- which files ------------------------------------------------------------------------------
def collect_pdfs(paths: Iterable[str]) -> tuple[list[str], list[PdfOutcome]]:
    """The PDFs to import: files as given, folders searched (recursively, hidden files, backups
    and litter left out: services/folder_scan.py) for ``*.pdf`` and for files that are PDFs by
    their first bytes.  Unreadable paths come back as refusals."""
    out: list[str] = []
    refused: list[PdfOutcome] = []
    for p in paths:
        p = str(p)
        if os.path.isdir(p):
            out += [f for f, _ in walk(p) if f.lower().endswith(".pdf") or is_pdf(f)]
        elif os.path.isfile(p):
            out.append(p)
        else:
            refused.append(PdfOutcome(p, "refused", reason="no such file"))
    return out, refused


def is_pdf_input(path: str) -> bool:
    """A path the PDF import takes: a folder, or a PDF (by its first bytes)."""
    return os.path.isdir(path) or (os.path.isfile(path) and is_pdf(path))


# -- the import -------------------------------------------------------------------------------
def import_pdfs(lib: Library, paths: Sequence[str], *, offline: bool | None = None,
                link: bool | None = None, target_id: int | None = None,
                progress: Progress | None = None, cancel: CancelToken | None = None,
                online=None, tags: Iterable[str] = ()) -> PdfImportReport:
    """Import PDFs and folders of PDFs (see the module docstring).  ``target_id``: attach every
    PDF to that article (a drop on a row).  A cancel stops between files: what is in stays."""
    progress = progress or no_progress
    if offline is None:
        offline = bool(lib.settings.get(OFFLINE_SETTING, False))
    pdfs, refused = collect_pdfs(paths)
    report = PdfImportReport(outcomes=list(refused))
    if not offline and online is None and target_id is None:
        from amlref.services.online import Online
        online = Online.for_library(lib)
    with PdfWorker() as reader:   # one reader process for the batch, limits per file
        _each(lib, pdfs, report, reader, offline, link, target_id, online, tags, progress,
              cancel)
    progress(len(pdfs), len(pdfs), "PDFs imported")
    return report


def _each(lib, pdfs, report, reader, offline, link, target_id, online, tags, progress, cancel):
    for i, path in enumerate(pdfs):
        progress(i, len(pdfs), f"importing {os.path.basename(path)}")
        try:
            check(cancel)
        except Cancelled:
            report.cancelled = True
            break
        try:
            outcome = import_pdf(lib, path, offline=offline, link=link, target_id=target_id,
                                 online=online, tags=tags, reader=reader)
        except PdfError as exc:
            outcome = PdfOutcome(path, "refused", reason=str(exc))
        except AmlrefError as exc:
            outcome = PdfOutcome(path, "refused", reason=getattr(exc, "bare", None) or str(exc))
        except OSError as exc:
            outcome = PdfOutcome(path, "refused", reason=f"cannot read: {exc.strerror}")
        report.outcomes.append(outcome)


def import_pdf(lib: Library, path: str, *, offline: bool = False, link: bool | None = None,
               target_id: int | None = None, online=None,
               tags: Iterable[str] = (), reader: PdfWorker | None = None) -> PdfOutcome:
    """One PDF (see the module docstring); ``reader``: the batch's reader process (else each
    read gets its own, see amlref.pdf)."""
    if not os.path.isfile(path):
        raise PdfError("no such file (moved or deleted during the import)")
    if target_id is not None:
        if not is_pdf(path):
            raise PdfError("not a PDF")
        files.attach(lib, target_id, path, link=link, source="drop")
        return _done(lib, path, "attached", target_id)
    try:
        same = lib.attachments.by_sha256(files.sha256_of(path))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from None
    if same:      # this very file is attached already
        return _done(lib, path, "attached", same[0].article_id, "already attached")
    info = read_pdf(path, worker=reader)
    existing = _existing(lib, info, path, reader)
    if existing is not None:
        files.attach(lib, existing, path, link=link, source="pdf-import")
        return _done(lib, path, "attached", existing)
    reason = ""
    if not info.text_layer:
        reason = "no text layer (scanned?)"
    elif not (info.doi or info.pmid or info.pmcid):
        reason = "no identifier found in the PDF"
    elif offline or online is None:
        reason = "offline: not looked up"
    else:
        try:
            record, refs = fetch_record(online, info)
        except NetworkError as exc:
            reason = f"lookup failed: {exc}"
        except NotFound as exc:
            reason = f"not found online: {exc}"
        else:
            first = _first_page(path, info, reader)
            if printed_as_title(record.title, info.title, first):
                aid, added = _add_record(lib, record, refs, info, path, link, tags)
                return _done(lib, path, "new" if added else "attached", aid)
            reason = (f"the record of {_ident(info)} is another paper "
                      f"({record.title[:80]!r}); the identifier was not this PDF's")
            info.doi = info.pmid = info.pmcid = ""
    aid = _add_from_pdf(lib, info, path, reason, link, tags)
    return _done(lib, path, "needs-metadata", aid, reason)


def _done(lib: Library, path: str, status: str, aid: int, reason: str = "") -> PdfOutcome:
    a = lib.articles.get(aid)
    return PdfOutcome(path, status, aid, a.citekey or "", reason)


def _ident(info: PdfInfo) -> str:
    if info.doi:
        return f"DOI {info.doi}"
    if info.pmid:
        return f"PMID {info.pmid}"
    return info.pmcid


def _existing(lib: Library, info: PdfInfo, path: str, reader=None) -> int | None:
    for kind in ("doi", "pmid", "pmcid"):
        value = getattr(info, kind)
        if value:
            aid = lib.articles.find_id(kind, value)
            if aid is not None:
                return aid
    # a confident title match: an article whose title starts like the title guessed from the
    # page (a guess may be cut at a line end) and is printed in full on the first page
    key = title_key(info.title)
    if len(key.split()) >= 4:
        rows = lib.execute("SELECT id, title FROM articles WHERE title_key >= ? AND "
                           "title_key < ? AND deleted_at IS NULL ORDER BY id LIMIT 5",
                           (key, key + "\uffff")).fetchall()
        if rows:
            first = _first_page(path, info, reader)
            hits = [aid for aid, t in rows if title_matches(t, first)]
            if len(hits) == 1:
                return hits[0]
    return None


def _first_page(path: str, info: PdfInfo, reader=None) -> str:
    """The first page's text, to check a fetched title against (the PDF's own title guess and
    stored titles when the pages cannot be read)."""
    if info.first_page:     # read with the identifier already
        return info.first_page
    try:
        # (the API reads every page: a longer document is checked against its title guess)
        texts = page_texts(path, max_pages=FIRST_PAGE_MAX, worker=reader)
        if texts:
            return "\n".join(texts[:2])
    except PdfError:
        pass
    return "\n".join((info.title, info.meta_title))


def fetch_record(online, info: PdfInfo) -> tuple[Article, list]:
    """The record of the PDF's identifier: E-utilities for a PMID/PMCID, Crossref (then
    doi.org) for a DOI.  Raises NotFound or NetworkError."""
    pmid = info.pmid
    if not pmid and info.pmcid and not info.doi:
        pmid = online.pubmed.convert_ids([info.pmcid]).get(info.pmcid, {}).get("pmid", "")
        if not pmid:
            raise NotFound(f"{info.pmcid}: not known to the PMC ID converter")
    if pmid:
        from amlref.formats.pubmed_xml import parse_pubmed_xml
        for text in online.pubmed.fetch_xml([pmid]):
            r = parse_pubmed_xml(text, "PubMed efetch")
            for a in r.articles:
                if a.pmid == pmid:
                    refs = [ln.target for ln in r.links if ln.source == r.articles.index(a)]
                    return a, refs
        raise NotFound(f"PMID {pmid}: not in PubMed")
    try:
        return online.crossref.article(info.doi)
    except NotFound:
        from amlref.services.online import _csl_to_article
        return _csl_to_article(online.doi.csl(info.doi)), []


def _add_record(lib: Library, record: Article, refs: list, info: PdfInfo, path: str,
                link: bool | None, tags: Iterable[str]) -> tuple[int, bool]:
    """Store a fetched record (merged into a duplicate already in the library, if any) with
    the PDF attached; returns (article id, whether the article is new)."""
    from amlref.services.importing import import_results
    if not record.abstract and info.abstract:
        record.abstract = info.abstract
    result = ParseResult(articles=[record], format=record.origin or "online")
    result.links = [Link(0, r, "cites", record.origin or "online") for r in refs]
    with lib.transaction():
        rep = import_results(lib, [(os.path.basename(path), result)], tags=tags)
        ids = rep.added + [m["id"] for m in rep.merged] + rep.unchanged
        if not ids:
            raise InputError("the fetched record could not be stored", path)
        files.attach(lib, ids[0], path, link=link, source="pdf-import")
    return ids[0], bool(rep.added)


def _people(names: list[str]) -> list[Person]:
    out = []
    for n in names:
        n = " ".join(n.split())
        if "," in n:
            fam, giv = n.split(",", 1)
            out.append(Person(family=fam.strip(), given=giv.strip()))
        elif n:
            parts = n.split()
            out.append(Person(family=parts[-1], given=" ".join(parts[:-1])))
    return out


def _add_from_pdf(lib: Library, info: PdfInfo, path: str, reason: str, link: bool | None,
                  tags: Iterable[str]) -> int:
    from amlref.services.classify import classify_ids
    meta = "" if useless_meta_title(info.meta_title, path) else info.meta_title
    title = info.title or meta or os.path.splitext(os.path.basename(path))[0]
    a = Article(type="article-journal", title=title, authors=_people(info.authors),
                issued=info.year if info.year.isdigit() else "", doi=info.doi, pmid=info.pmid,
                pmcid=info.pmcid, abstract=info.abstract, origin="pdf",
                extra={"pdf": {"needs_metadata": reason, "file": os.path.basename(path),
                               "meta_title": info.meta_title, "id_source": info.id_source,
                               "arxiv": info.arxiv}})
    with lib.transaction():
        aid = lib.articles.add(a, strict=False)
        lib.tags.add([aid], NEEDS_METADATA, source="pdf")
        for t in tags:
            lib.tags.add([aid], t, source="import")
        files.attach(lib, aid, path, link=link, source="pdf-import")
        classify_ids(lib, [aid])
    return aid


# -- fetch metadata later ---------------------------------------------------------------------
UPDATABLE = ("type", "title", "container", "container_short", "volume", "issue", "pages",
             "issued", "doi", "pmid", "pmcid", "issn", "isbn", "url", "abstract", "language",
             "publisher", "authors", "editors", "keywords", "mesh", "pub_types")


def fetch_metadata(lib: Library, article_id: int, identifier: str = "", online=None,
                   check_title: bool = True) -> Article:
    """Complete an article (one made from a PDF alone) from its identifier, or ``identifier``
    (DOI, PMID, PMCID).  With an attached PDF and ``check_title``, the fetched title must be
    the one on its first page.  The user's own edits are kept; the ``needs metadata`` tag goes.
    Raises NotFound / NetworkError / InputError and changes nothing then."""
    from amlref.core.identifiers import classify_identifier
    from amlref.services.online import Online
    a = lib.articles.get(article_id)
    info = PdfInfo(path="", pages=0, doi=a.doi, pmid=a.pmid, pmcid=a.pmcid)
    if identifier:
        kind, value = classify_identifier(identifier)
        info.doi = info.pmid = info.pmcid = ""
        setattr(info, kind, value)
    if not (info.doi or info.pmid or info.pmcid):
        raise InputError(f"{a.citekey}: no DOI, PMID or PMCID to look up (give one)")
    online = online or Online.for_library(lib)
    record, refs = fetch_record(online, info)
    pdfs = [x for x in lib.attachments.of(article_id)
            if x.kind == "pdf" and not lib.attachments.missing(x)]
    if check_title and pdfs and not identifier:
        first = _first_page(lib.attachments.resolve(pdfs[0]), PdfInfo("", 0, title=a.title))
        if not printed_as_title(record.title, a.title, first):
            raise InputError(f"{a.citekey}: the record of {_ident(info)} is another paper "
                             f"({record.title[:80]!r}); nothing changed")
    changes = {}
    for f in UPDATABLE:
        v = getattr(record, f)
        if v and f not in a.user_edited and not (f == "abstract" and not v.strip()):
            changes[f] = v
    extra = dict(a.extra)
    extra.pop("pdf", None)
    changes["extra"] = extra
    changes["origin"] = record.origin or a.origin
    with lib.transaction():
        updated = lib.articles.update(article_id, changes)
        lib.tags.remove([article_id], NEEDS_METADATA)
        for ref in refs:
            lib.citations.add(article_id, ref, kind="cites", origin=record.origin or "online")
        lib.citations.resolve_stubs([article_id])
        from amlref.services.classify import classify_ids
        classify_ids(lib, [article_id])
    return updated
