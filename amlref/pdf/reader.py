"""Reading a PDF in this process: pypdfium2 (PDFium) for text, font sizes and thumbnails,
pikepdf (qpdf) for XMP and the document info, and to decrypt or repair what PDFium refuses
(docs/decisions/0040).  No time or memory limit here: ``amlref.pdf.isolate`` adds them."""
from __future__ import annotations

import io
import re

from dataclasses import dataclass, field

from amlref.pdf.cleantext import page_text_clean
from amlref.pdf.errors import PdfError
from amlref.pdf.info import PdfInfo
from amlref.pdf.sniff import MAX_BYTES, check_file
from amlref.pdf.xmp import Xmp, parse_xmp

_INFO_KEYS = ("Title", "Author", "Subject", "Keywords", "doi", "DOI", "WPS-ARTICLEDOI", "PMID")


class Document:
    """An open PDF (``pdf``: a pypdfium2 PdfDocument); page text, document info, XMP and a
    thumbnail are read from it on demand.  Raises PdfError when it cannot be opened."""

    def __init__(self, path, max_bytes: int = MAX_BYTES):
        import pypdfium2 as pdfium
        self.path = str(path)
        check_file(self.path, max_bytes)
        self.encrypted = False
        self._pike_bytes = None
        try:
            self.pdf = pdfium.PdfDocument(self.path)
        except pdfium.PdfiumError as exc:
            self.pdf = self._through_qpdf(exc)
        import pypdfium2.raw as raw
        if raw.FPDF_GetSecurityHandlerRevision(self.pdf.raw) != -1:
            self.encrypted = True

    def _through_qpdf(self, exc):
        """PDFium refused the file: let qpdf open it (an empty user password, a damaged xref
        it can reconstruct) and hand PDFium a clean copy; else a one-line reason."""
        import pikepdf
        import pypdfium2 as pdfium
        code = getattr(exc, "err_code", None)
        try:
            with pikepdf.open(self.path) as pk:
                self.encrypted = pk.is_encrypted
                buf = io.BytesIO()
                pk.save(buf)
        except pikepdf.PasswordError:
            raise PdfError("encrypted: needs a password") from None
        except FileNotFoundError:
            raise PdfError("file not found (moved or deleted while being read)") from None
        except Exception as qexc:
            if code == 4:
                raise PdfError("encrypted: needs a password") from None
            raise PdfError("truncated or damaged: " + _reason(qexc, self.path)) from None
        self._pike_bytes = buf.getvalue()
        try:
            return pdfium.PdfDocument(self._pike_bytes)
        except pdfium.PdfiumError as exc2:
            raise PdfError("truncated or damaged: " + _reason(exc2, self.path)) from None

    def __len__(self) -> int:
        return len(self.pdf)

    def close(self) -> None:
        self.pdf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- text ------------------------------------------------------------------------------------
    def page_text(self, index: int, layout: bool = False):
        """The text of one page (pdfium's CR LF line breaks).  With ``layout``, also a PageLayout:
        each line's font size and which lines lie in the page's top or bottom margin band."""
        import pypdfium2.raw as raw
        page = self.pdf[index]
        try:
            tp = page.get_textpage()
            try:
                n = tp.count_chars()
                text = tp.get_text_range(0, n) if n > 0 else ""
                if layout:
                    lay = _layout(raw, tp.raw, text, page.get_height(), n)
            finally:
                tp.close()
        finally:
            page.close()
        return (text, lay) if layout else text

    def texts(self) -> list[str]:
        """The text of every page, as ``page_text`` gives it, through PDFium's own calls with
        one buffer: pypdfium2's page and text-page objects (finalizers, weak references) cost
        4-5 % of a text-only read (CPU, 600 ten-page PDFs, median of 5 rounds: 1.03x the bare
        pypdfium2 loop with them, 0.99x without)."""
        import ctypes
        import pypdfium2.raw as raw
        doc, out = self.pdf.raw, []
        buf = (ctypes.c_ushort * 8192)()
        for i in range(len(self.pdf)):
            page = raw.FPDF_LoadPage(doc, i)
            if not page:
                raise PdfError(f"truncated or damaged: page {i + 1} cannot be loaded")
            try:
                tp = raw.FPDFText_LoadPage(page)
                if not tp:
                    raise PdfError(f"truncated or damaged: the text of page {i + 1} cannot be read")
                try:
                    text, buf = _all_text(raw, tp, buf)
                finally:
                    raw.FPDFText_ClosePage(tp)
            finally:
                raw.FPDF_ClosePage(page)
            out.append(text)
        return out

    # -- metadata --------------------------------------------------------------------------------
    def info(self) -> dict[str, str]:
        import pypdfium2.raw as raw
        out = {}
        for key in _INFO_KEYS:
            try:
                v = _meta_text(raw, self.pdf.raw, key)
            except Exception:
                v = ""
            if v:
                out[key] = v
        return out

    def xmp(self) -> Xmp:
        """The XMP packet of the catalog, read with pikepdf; empty when absent or unreadable."""
        import pikepdf
        try:
            src = io.BytesIO(self._pike_bytes) if self._pike_bytes else self.path
            with pikepdf.open(src) as pk:
                meta = pk.Root.get("/Metadata")
                data = meta.read_bytes() if meta is not None else b""
        except Exception:
            return Xmp()
        return parse_xmp(data[: 4 * 2**20])

    def thumbnail(self, width: int = 240) -> bytes:
        page = self.pdf[0]
        try:
            w = page.get_width() or 612
            bitmap = page.render(scale=max(0.05, min(width / w, 4.0)))
            img = bitmap.to_pil()
            buf = io.BytesIO()
            img.save(buf, "PNG", optimize=False)
            return buf.getvalue()
        finally:
            page.close()


EDGE_BAND = 0.055      # the outer 5.5 % of the page height: headers, footers, stamps


@dataclass
class PageLayout:
    sizes: list[float] = field(default_factory=list)    # font size of each line (0: unknown)
    edges: set[int] = field(default_factory=set)        # lines in the top/bottom margin band


def _char_index(raw, handle, text: str, n: int):
    """Position in ``text`` -> PDFium's character index.  They are the same unless the text is
    shorter or longer than PDFium's character list: a character outside the BMP (XeTeX/LuaTeX
    and Word math letters, emoji) is two UTF-16 units and two PDFium characters but one Python
    character, and PDFium leaves some characters out of the text (or adds some).  Then the
    UTF-16 offset goes through ``FPDFText_GetCharIndexFromTextIndex``; -1: no character."""
    if len(text) == n:
        return lambda pos: pos
    first = 0                           # characters PDFium left out before the text (pypdfium2
    while first < n and raw.FPDFText_GetTextIndexFromCharIndex(handle, first) < 0:   # skips them)
        first += 1
    base = raw.FPDFText_GetTextIndexFromCharIndex(handle, first) if first < n else 0
    units, u = [], base
    for c in text:
        units.append(u)
        u += 2 if ord(c) > 0xFFFF else 1

    def index(pos: int) -> int:
        i = raw.FPDFText_GetCharIndexFromTextIndex(handle, units[pos])
        return i if 0 <= i < n else -1
    return index


def _layout(raw, handle, text: str, height: float, n: int | None = None) -> PageLayout:
    """Font size (median of three characters) and margin band of each line: a few PDFium calls
    per line, not one per character."""
    import ctypes
    char_at = _char_index(raw, handle, text, len(text) if n is None else n)
    box = [ctypes.c_double() for _ in range(4)]
    refs = [ctypes.byref(b) for b in box]
    font_size, get_matrix = raw.FPDFText_GetFontSize, raw.FPDFText_GetMatrix
    matrix = raw.FS_MATRIX()
    mref = ctypes.byref(matrix)

    def size_of(h, i: int) -> float:
        """The size as printed: the font size times the scale of the text and page matrices
        (many producers set 1 pt fonts and scale them with Tm)."""
        size = font_size(h, i)
        if get_matrix(h, i, mref):
            size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        return size

    out, pos = PageLayout(), 0
    for k, m in enumerate(re.finditer(r"([^\r\n]*)(\r\n|\r|\n|$)", text)):
        line = m.group(1)
        body = line.strip()
        size = 0.0
        if body:
            first = pos + len(line) - len(line.lstrip())
            last = first + len(body) - 1
            chars = {char_at(p) for p in (first, (first + last) // 2, last)} - {-1}
            picks = sorted(size_of(handle, i) for i in chars)
            size = round(picks[len(picks) // 2], 1) if picks else 0.0
            first = char_at(first)
            if first >= 0 and raw.FPDFText_GetCharBox(handle, first, *refs):
                bottom, top = box[2].value, box[3].value
                if top < height * EDGE_BAND or bottom > height * (1 - EDGE_BAND):
                    out.edges.add(k)
        out.sizes.append(size)
        pos = m.end()
        if not m.group(2):
            break
    return out


def _all_text(raw, tp, buf):
    """(the text of a text page, the buffer used): pypdfium2's ``get_text_range()`` with a
    buffer kept from page to page.  Characters PDFium leaves out at either end are skipped
    first, as pypdfium2 does (crbug.com/pdfium/2079: it would read past the range)."""
    import ctypes
    n = raw.FPDFText_CountChars(tp)
    first, last = 0, n - 1
    index_of = raw.FPDFText_GetTextIndexFromCharIndex
    while first <= last and index_of(tp, first) == -1:
        first += 1
    while last >= first and index_of(tp, last) == -1:
        last -= 1
    if first > last:
        return "", buf
    size = index_of(tp, last) + 2 - index_of(tp, first)       # with the closing NUL
    if size > len(buf):
        buf = (ctypes.c_ushort * size)()
    got = raw.FPDFText_GetText(tp, first, last - first + 1, buf)
    if not 0 < got <= len(buf):
        return "", buf
    return ctypes.string_at(buf, (got - 1) * 2).decode("utf-16-le", errors="ignore"), buf


def _meta_text(raw, doc, key: str) -> str:
    import ctypes
    n = raw.FPDF_GetMetaText(doc, key.encode("ascii"), None, 0)
    if n <= 2:
        return ""
    buf = ctypes.create_string_buffer(n)
    raw.FPDF_GetMetaText(doc, key.encode("ascii"), buf, n)
    return buf.raw[: n - 2].decode("utf-16-le", errors="replace").strip()


def _reason(exc: Exception, path: str) -> str:
    msg = str(exc).replace(path, "").strip(" :")
    msg = re.sub(r"^\W+", "", msg.splitlines()[0] if msg else "") or type(exc).__name__
    return msg[:160]


# -- the public work ---------------------------------------------------------------------------------

def read_info(path, max_bytes: int = MAX_BYTES) -> PdfInfo:
    """Identifiers, metadata and a title guess of one PDF (in this process)."""
    from amlref.pdf.recognise import recognise
    with Document(path, max_bytes) as doc:
        return recognise(doc, str(path))


def read_page_texts(path, max_pages: int = 1000, max_bytes: int = MAX_BYTES) -> list[str]:
    """The text of every page, hyphenation at line ends joined, one string per page."""
    with Document(path, max_bytes) as doc:
        n = len(doc)
        if n > max_pages:
            raise PdfError(f"too many pages ({n:,}; {max_pages:,}-page limit for text)")
        return [clean_page(t) for t in doc.texts()]


def clean_page(text: str) -> str:
    """A page's text for indexing and display: lines kept (LF), words broken by hyphenation at
    line ends joined, ligatures spelt out, invisible characters gone."""
    return page_text_clean(text)


def render_first_page(path, width: int = 240, max_bytes: int = MAX_BYTES) -> bytes:
    with Document(path, max_bytes) as doc:
        if len(doc) == 0:
            raise PdfError("has no pages")
        return doc.thumbnail(width)
