"""Reading PDFs: identifiers, metadata, a title guess, page texts and a thumbnail.

No Qt, no storage.  Every reader runs the PDF libraries in a child process with a time limit and
a memory limit by default (``isolate=False`` reads in this process: trusted files only); a batch
job holds one ``PdfWorker`` (amlref/pdf/isolate.py) for all its files.  Every failure is a
``PdfError`` whose text is one line for the user."""
from __future__ import annotations

from amlref.pdf import isolate as _isolate
from amlref.pdf.errors import PdfError
from amlref.pdf.info import PdfInfo
from amlref.pdf.isolate import PdfWorker
from amlref.pdf.layout import title_matches, useless_meta_title
from amlref.pdf.sniff import MAX_BYTES, is_pdf

__all__ = ["PdfError", "PdfInfo", "PdfWorker", "read_pdf", "page_texts", "first_page_png",
           "title_matches", "is_pdf", "useless_meta_title"]


def read_pdf(path, *, timeout: float = 20.0, max_bytes: int = MAX_BYTES, isolate: bool = True,
             worker: PdfWorker | None = None) -> PdfInfo:
    """Identifier, metadata and title guess of a PDF (XMP, document info, the first and last
    pages' text).  ``worker``: a PdfWorker of the caller's (many files, one child process)."""
    if not isolate:
        from amlref.pdf.reader import read_info
        return _guard(read_info, path, max_bytes=max_bytes)
    return _isolated("read", path, worker, timeout=timeout, max_bytes=max_bytes)


def page_texts(path, *, timeout: float = 60.0, max_pages: int = 1000, max_bytes: int = MAX_BYTES,
               isolate: bool = True, worker: PdfWorker | None = None) -> list[str]:
    """The text of every page (for full-text indexing): one string per page, lines kept, words
    broken by hyphenation at line ends joined."""
    if not isolate:
        from amlref.pdf.reader import read_page_texts
        return _guard(read_page_texts, path, max_pages=max_pages, max_bytes=max_bytes)
    return _isolated("texts", path, worker, timeout=timeout, max_pages=max_pages,
                     max_bytes=max_bytes)


def first_page_png(path, width: int = 240, *, timeout: float = 10.0, isolate: bool = True,
                   worker: PdfWorker | None = None) -> bytes:
    """A PNG thumbnail of page 1, ``width`` pixels wide."""
    if not isolate:
        from amlref.pdf.reader import render_first_page
        return _guard(render_first_page, path, width=width)
    return _isolated("thumb", path, worker, timeout=timeout, width=width)


def _isolated(op: str, path, worker: PdfWorker | None, **kwargs):
    """``PdfWorker.read|texts|thumb`` in the caller's worker, else in one of the module's."""
    if worker is not None:
        return getattr(worker, op)(path, **kwargs)
    return _isolate.run(op, path, **kwargs)


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
