"""Reading a PDF in this process: pypdfium2 (PDFium) for text, font sizes and thumbnails,
pikepdf (qpdf) for XMP and the document info, and to decrypt or repair what PDFium refuses
(docs/decisions/0040).  No time or memory limit here: ``amlref.pdf.isolate`` adds them."""
from __future__ import annotations

import io
import re

from amlref.core.identifiers import normalize_pmcid, normalize_pmid
from amlref.pdf import ids as idmod
from amlref.pdf.cleantext import for_reading
from amlref.pdf.errors import PdfError
from amlref.pdf.info import PdfInfo
from amlref.pdf.layout import (find_abstract, guess_authors, guess_title, guess_year, page_lines,
                               title_matches, useless_meta_title)
from amlref.pdf.sniff import check_file
from amlref.pdf.xmp import Xmp, parse_xmp

FIRST_PAGES = 3       # pages read from the front for identifiers, title, abstract
LAST_PAGES = 2        # and from the back ("Cite this article" blocks, stamps)
MAX_BYTES = 500 * 2**20
_INFO_KEYS = ("Title", "Author", "Subject", "Keywords", "doi", "DOI", "WPS-ARTICLEDOI", "PMID")


class Document:
    """An open PDF: ``pdf`` (pypdfium2) and, when asked for, ``meta`` (info dict, XMP bytes)."""

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
    def page_text(self, index: int, sizes: bool = False, edges: bool = False):
        """The text of one page (pdfium's CR LF line breaks).  With ``sizes``, also the font size
        of every character; with ``edges``, also the numbers of the lines that lie in the top or
        bottom margin band of the page (running headers, footers, stamps)."""
        import pypdfium2.raw as raw
        page = self.pdf[index]
        try:
            tp = page.get_textpage()
            try:
                n = tp.count_chars()
                text = tp.get_text_range(0, n) if n > 0 else ""
                fs = None
                if sizes and n and len(text) == n:
                    get = raw.FPDFText_GetFontSize
                    handle = tp.raw
                    fs = [get(handle, i) for i in range(min(n, 6000))]
                band = _edge_lines(raw, tp.raw, text, page.get_height()) if edges and len(text) == n else set()
            finally:
                tp.close()
        finally:
            page.close()
        if sizes:
            return text, fs, band
        return (text, band) if edges else text

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


def _edge_lines(raw, handle, text: str, height: float) -> set[int]:
    import ctypes
    box = [ctypes.c_double() for _ in range(4)]
    refs = [ctypes.byref(b) for b in box]
    out, pos = set(), 0
    for k, m in enumerate(re.finditer(r"([^\r\n]*)(\r\n|\r|\n|$)", text)):
        line = m.group(1)
        first = len(line) - len(line.lstrip())
        if line.strip() and raw.FPDFText_GetCharBox(handle, pos + first, *refs):
            bottom, top = box[2].value, box[3].value
            if top < height * EDGE_BAND or bottom > height * (1 - EDGE_BAND):
                out.add(k)
        pos = m.end()
        if not m.group(2):
            break
    return out


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
    with Document(path, max_bytes) as doc:
        n = len(doc)
        front = list(range(min(FIRST_PAGES, n)))
        back = [i for i in range(max(0, n - LAST_PAGES), n) if i not in front]
        first_text, sizes, band = doc.page_text(0, sizes=True, edges=True) if n else ("", None, set())
        texts, bands = ({0: first_text}, {0: band}) if n else ({}, {})
        for i in front[1:] + back:
            texts[i], bands[i] = doc.page_text(i, edges=True)
        info_dict = doc.info()
        xmp = doc.xmp()
        return _build(str(path), n, doc.encrypted, texts, bands, first_text, sizes, front, back,
                      info_dict, xmp)


def _build(path, n, encrypted, texts, bands, first_text, sizes, front, back, info_dict, xmp) -> PdfInfo:
    out = PdfInfo(path=path, pages=n, encrypted=encrypted)
    out.text_layer = any(t.strip() for t in texts.values())
    # identifiers
    meta_dois: list[tuple[str, str]] = []
    for value in xmp.identifiers:
        for d in idmod.dois_in_value(value):
            if (d, "xmp") not in meta_dois:
                meta_dois.append((d, "xmp"))
    for key in ("doi", "DOI", "WPS-ARTICLEDOI", "Subject", "Keywords"):
        for d in idmod.dois_in_value(info_dict.get(key, "")):
            if not any(d == m for m, _ in meta_dois):
                meta_dois.append((d, "info"))
    pages, in_refs = [], False
    for i in front:
        p = idmod.scan_page(texts[i], i + 1, in_refs, edge_lines=bands[i])
        in_refs = p.in_refs_after
        pages.append(p)
    for i in back:
        pages.append(idmod.scan_page(texts[i], i + 1, True, tail=True, edge_lines=bands[i]))
    choice = idmod.choose_doi(meta_dois, pages, all_pages_read=not (n > len(front) + len(back)))
    out.doi, out.id_source, out.other_dois = choice.doi, choice.source, choice.others
    for p in pages:
        out.pmid = out.pmid or p.pmid
        out.pmcid = out.pmcid or p.pmcid
        out.arxiv = out.arxiv or p.arxiv
    if not out.pmid:
        out.pmid = normalize_pmid(info_dict.get("PMID", ""), strict=False)
    if not out.pmcid:
        for v in xmp.identifiers:
            m = re.search(r"PMC\d{4,10}", v)
            if m:
                out.pmcid = normalize_pmcid(m.group(0), strict=False)
                break
    out.arxiv = out.arxiv or idmod.arxiv_from_doi(out.doi)
    if not out.doi and (out.pmid or out.pmcid or out.arxiv):
        out.id_source = "page " + str(next((p.number for p in pages if p.pmid or p.pmcid or p.arxiv), 1))
    # title, authors, year, abstract
    out.meta_title = xmp.title or info_dict.get("Title", "")
    lines = page_lines(first_text, sizes)
    page_title, after = guess_title(lines)
    meta_ok = bool(out.meta_title) and not useless_meta_title(out.meta_title, path)
    meta_agrees = meta_ok and title_matches(out.meta_title, first_text)
    if meta_agrees:
        out.title = " ".join(out.meta_title.split())
    elif page_title:
        out.title = page_title
    elif meta_ok and not first_text.strip():
        out.title = " ".join(out.meta_title.split())
    printed = guess_authors(lines, after) if page_title else []
    if printed:
        out.authors = printed
    elif meta_agrees or (meta_ok and not first_text.strip()):
        out.authors = xmp.creators or _split_authors(info_dict.get("Author", ""))
    out.year = guess_year(lines, xmp.date)
    out.abstract = find_abstract([texts[i] for i in front[:2]])
    return out


def _split_authors(value: str) -> list[str]:
    v = " ".join((value or "").split())
    if not v:
        return []
    parts = re.split(r";|\band\b|&" if ";" in v or " and " in v else r",", v)
    return [p.strip() for p in parts if p.strip()]


def read_page_texts(path, max_pages: int = 1000, max_bytes: int = MAX_BYTES) -> list[str]:
    """The text of every page, hyphenation at line ends joined, one string per page."""
    with Document(path, max_bytes) as doc:
        n = len(doc)
        if n > max_pages:
            raise PdfError(f"too many pages ({n:,}; {max_pages:,}-page limit for text)")
        return [clean_page(doc.page_text(i)) for i in range(n)]


def clean_page(text: str) -> str:
    """A page's text for indexing and display: lines kept, words broken at line ends joined."""
    return "\n".join(for_reading(ln) if ln else "" for ln in
                     re.sub("\ufffe\\s*(?:\r\n|\n|\r)\\s*", "", text).splitlines())


def render_first_page(path, width: int = 240, max_bytes: int = MAX_BYTES) -> bytes:
    with Document(path, max_bytes) as doc:
        if len(doc) == 0:
            raise PdfError("has no pages")
        return doc.thumbnail(width)
