"""Reading PDFs: identifiers, metadata, a title guess, page texts and a thumbnail.

No Qt, no storage.  Every reader runs the PDF libraries in a child process with a time limit and
a memory limit by default (``isolate=False`` reads in this process, for batch jobs that run
their own workers); every failure is a ``PdfError`` whose text is one line for the user."""
from __future__ import annotations

from amlref.pdf import isolate as _isolate
from amlref.pdf.errors import PdfError
from amlref.pdf.info import PdfInfo
from amlref.pdf.isolate import PdfWorker
from amlref.pdf.layout import title_matches, useless_meta_title
from amlref.pdf.sniff import is_pdf

__all__ = ["PdfError", "PdfInfo", "PdfWorker", "read_pdf", "page_texts", "first_page_png",
           "title_matches", "is_pdf", "useless_meta_title"]

MAX_BYTES = 500 * 2**20


def read_pdf(path, *, timeout: float = 20.0, max_bytes: int = MAX_BYTES, isolate: bool = True,
             worker: PdfWorker | None = None) -> PdfInfo:
    """Identifier, metadata and title guess of a PDF (XMP, document info, the first and last
    pages' text).  ``worker``: a PdfWorker of the caller's (many files, one child process)."""
    if not isolate:
        from amlref.pdf.reader import read_info
        return _guard(read_info, path, max_bytes=max_bytes)
    _precheck(path, max_bytes)
    if worker is not None:
        return worker.call("read", path, timeout, max_bytes=max_bytes)
    return _isolate.run("read", path, timeout, max_bytes=max_bytes)


def page_texts(path, *, timeout: float = 60.0, max_pages: int = 1000, max_bytes: int = MAX_BYTES,
               isolate: bool = True, worker: PdfWorker | None = None) -> list[str]:
    """The text of every page (for full-text indexing): one string per page, lines kept, words
    broken by hyphenation at line ends joined."""
    if not isolate:
        from amlref.pdf.reader import read_page_texts
        return _guard(read_page_texts, path, max_pages=max_pages, max_bytes=max_bytes)
    _precheck(path, max_bytes)
    kw = {"max_pages": max_pages, "max_bytes": max_bytes}
    if worker is not None:
        return worker.call("texts", path, timeout, **kw)
    return _isolate.run("texts", path, timeout, **kw)


def first_page_png(path, width: int = 240, *, timeout: float = 10.0, isolate: bool = True,
                   worker: PdfWorker | None = None) -> bytes:
    """A PNG thumbnail of page 1, ``width`` pixels wide."""
    if not isolate:
        from amlref.pdf.reader import render_first_page
        return _guard(render_first_page, path, width=width)
    _precheck(path, MAX_BYTES)
    if worker is not None:
        return worker.call("thumb", path, timeout, width=width)
    return _isolate.run("thumb", path, timeout, width=width)


def _precheck(path, max_bytes: int) -> None:
    """What needs no PDF library (missing file, not a PDF, too big) is answered here."""
    from amlref.pdf.sniff import check_file
    check_file(path, max_bytes)


def _guard(fn, path, **kwargs):
    try:
        return fn(path, **kwargs)
    except PdfError:
        raise
    except MemoryError:
        raise PdfError("needs too much memory") from None
    except Exception as exc:
        msg = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise PdfError(f"cannot be read ({msg})") from None
