"""Is it a PDF?  By the magic bytes, not the extension; and what it is instead."""
from __future__ import annotations

import os
import stat

MAX_BYTES = 500 * 2**20       # a larger file is refused before any library opens it
_KNOWN = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or Office document"), (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"), (b"\xd0\xcf\x11\xe0", "old Office document"),
    (b"{\\rtf", "RTF document"), (b"%!PS", "PostScript file"), (b"\x1f\x8b", "gzip archive"),
    (b"AT&TFORM", "DjVu document"),
]


def head(path, n: int = 1024) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def is_pdf(path) -> bool:
    """True when ``%PDF-`` occurs within the first 1024 bytes (readers accept junk before it)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode) and b"%PDF-" in head(path)
    except OSError:
        return False


def what_is(data: bytes) -> str:
    """A short name for what a non-PDF file is ("PNG image", "HTML page", "empty file" ...)."""
    if not data:
        return "empty file"
    for magic, name in _KNOWN:
        if data.startswith(magic):
            return name
    low = data[:512].lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low[:200]:
        return "HTML page"
    if low.startswith(b"<?xml"):
        return "XML file"
    if all(32 <= b < 127 or b in (9, 10, 13) for b in data[:512]):
        return "text file"
    return "unknown content"


def check_file(path, max_bytes: int) -> int:
    """The file's size after the checks every reader makes first; raises PdfError."""
    from amlref.pdf.errors import PdfError
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise PdfError("is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):       # a pipe or a device would block the reader
            raise PdfError("not a regular file")
        size = st.st_size
        data = head(path)
    except FileNotFoundError:
        raise PdfError("file not found (moved or deleted)") from None
    except IsADirectoryError:
        raise PdfError("is a folder, not a file") from None
    except OSError as exc:
        raise PdfError(f"cannot read the file ({exc.strerror or exc})") from None
    if b"%PDF-" not in data:
        raise PdfError(f"not a PDF ({what_is(data)})")
    if size > max_bytes:
        raise PdfError(f"too large ({size / 2**20:,.0f} MB; the limit is {max_bytes / 2**20:,.0f} MB)")
    return size
