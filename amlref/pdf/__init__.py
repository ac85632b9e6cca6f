"""Reading PDFs (placeholder of the agreed API; the real package replaces this file).

Crude implementation with pypdfium2 so that attachments, the PDF import and full-text
indexing can be built and tested against the agreed signatures.  Nothing else belongs here."""
from __future__ import annotations

import multiprocessing
import os
import re
import unicodedata
from dataclasses import dataclass, field

MAX_TEXT_PAGES = 1000
_MEM_LIMIT = 1536 * 2**20


class PdfError(Exception):
    """str(exc) is a one-line reason for the user."""


@dataclass
class PdfInfo:
    path: str
    pages: int
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    arxiv: str = ""
    id_source: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: str = ""
    abstract: str = ""
    meta_title: str = ""
    text_layer: bool = True
    encrypted: bool = False


def is_pdf(path) -> bool:
    try:
        with open(path, "rb") as fh:
            return b"%PDF-" in fh.read(1024)
    except OSError:
        return False


# -- child process ---------------------------------------------------------------------------
def _child(conn, name, args, mem):
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    except (ImportError, ValueError, OSError):
        pass
    try:
        conn.send((True, _FUNCS[name](*args)))
    except PdfError as exc:
        conn.send((False, str(exc)))
    except MemoryError:
        conn.send((False, "needs too much memory"))
    except Exception as exc:  # noqa: BLE001 - reported as one line
        conn.send((False, f"unreadable: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _isolated(name: str, args: tuple, timeout: float):
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, name, args, _MEM_LIMIT), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(timeout):
            raise PdfError(f"took over {timeout:g} s")
        try:
            ok, value = recv.recv()
        except (EOFError, OSError):
            raise PdfError("the PDF reader crashed on this file") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(2)
        recv.close()
    if not ok:
        raise PdfError(value)
    return value


def _open(path: str):
    import pypdfium2 as pdfium
    if not os.path.exists(path):
        raise PdfError("no such file")
    if not is_pdf(path):
        with open(path, "rb") as fh:
            head = fh.read(8)
        kind = "PNG image" if head.startswith(b"\x89PNG") else \
            "JPEG image" if head.startswith(b"\xff\xd8") else "no %PDF- header"
        raise PdfError(f"not a PDF ({kind})")
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise PdfError("encrypted: needs a password") from None
        raise PdfError(f"truncated or damaged: {msg.split(':')[-1].strip() or msg}") from None


def _page_text(doc, i: int) -> str:
    page = doc[i]
    try:
        tp = page.get_textpage()
        try:
            return tp.get_text_range()
        finally:
            tp.close()
    finally:
        page.close()


# -- identifiers and title ---------------------------------------------------------------------
_DOI = re.compile(r"\b(10\.\d{4,9})\s?[/\u2215\u2044\u29f8](\S+)", re.I)
_PMID = re.compile(r"\bPMID:?\s*(\d{5,9})\b")
_PMCID = re.compile(r"\b(PMC\d{5,9})\b")
_ARXIV = re.compile(r"\barXiv:\s*(\d{4}\.\d{4,5})(?:v\d+)?", re.I)
_REFS = re.compile(r"^\s*(References|REFERENCES|Bibliography|Literature Cited)\s*$", re.M)


def _clean_doi(prefix: str, rest: str) -> str:
    rest = rest.rstrip(".,;:)]}>'\"")
    if rest.count("(") < rest.count(")"):
        rest = rest.rstrip(")")
    return f"{prefix}/{rest}".lower()


def _ids_in(text: str) -> dict:
    out = {}
    m = _DOI.search(text.replace("-\n", "-"))
    if m:
        out["doi"] = _clean_doi(m.group(1), m.group(2))
    for key, rx in (("pmid", _PMID), ("pmcid", _PMCID), ("arxiv", _ARXIV)):
        m = rx.search(text)
        if m:
            out[key] = m.group(1)
    return out


def _read(path: str) -> PdfInfo:
    doc = _open(str(path))
    try:
        info = PdfInfo(path=str(path), pages=len(doc))
        meta = doc.get_metadata_dict()
        info.meta_title = (meta.get("Title") or "").strip()
        texts = [_page_text(doc, i) for i in range(min(3, len(doc)))]
    finally:
        doc.close()
    info.text_layer = any(t.strip() for t in texts)
    xmp = _xmp(path)
    for source, text in [("xmp", xmp), ("info", " ".join(str(v) for v in meta.values()))] + \
            [(f"page {i + 1}", _REFS.split(t)[0]) for i, t in enumerate(texts)]:
        found = _ids_in(text)
        if found:
            for k, v in found.items():
                setattr(info, k, v)
            info.id_source = source
            break
    first = texts[0] if texts else ""
    lines = [ln.strip() for ln in first.splitlines() if ln.strip()]
    if info.meta_title and title_matches(info.meta_title, first):
        info.title = info.meta_title
    else:
        for ln in lines[:15]:
            if len(ln) > 20 and not re.search(r"doi|http|journal|vol\.|©|received", ln, re.I):
                info.title = ln
                break
        else:
            info.title = "" if lines else info.meta_title
    m = re.search(r"\bAbstract\b[:.\s]*(.+?)(?:\n\s*\n|\n\s*(?:Keywords|Introduction)\b|$)",
                  first, re.S | re.I)
    if m:
        info.abstract = " ".join(m.group(1).split())[:4000]
    y = re.search(r"\b(19[5-9]\d|20[0-4]\d)\b", first)
    info.year = y.group(1) if y else ""
    return info


def _xmp(path) -> str:
    try:
        with open(path, "rb") as fh:
            data = fh.read(8 * 2**20)
    except OSError:
        return ""
    m = re.search(rb"<x:xmpmeta.*?</x:xmpmeta>", data, re.S)
    return m.group(0).decode("utf-8", "replace") if m else ""


def _texts(path: str, max_pages: int) -> list[str]:
    doc = _open(str(path))
    try:
        if len(doc) > max_pages:
            raise PdfError(f"too many pages ({max_pages:,}-page limit for text)")
        return [_page_text(doc, i) for i in range(len(doc))]
    finally:
        doc.close()


def _png(path: str, width: int) -> bytes:
    import struct
    import zlib
    doc = _open(str(path))
    try:
        page = doc[0]
        bm = page.render(scale=width / max(page.get_width(), 1), rev_byteorder=True)
        w, h, stride, n = bm.width, bm.height, bm.stride, bm.n_channels
        buf = bytes(bm.buffer)
    finally:
        doc.close()
    rows = b"".join(b"\x00" + buf[y * stride:y * stride + w * n] for y in range(h))
    color = {3: 2, 4: 6, 1: 0}[n]

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


_FUNCS = {"read": _read, "texts": _texts, "png": _png}


def _check_size(path, max_bytes: int) -> None:
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise PdfError(f"cannot read: {exc.strerror}") from None
    if size > max_bytes:
        raise PdfError(f"too large ({size // 2**20} MB)")


def read_pdf(path, *, timeout: float = 20.0, max_bytes: int = 500 * 2**20,
             isolate: bool = True) -> PdfInfo:
    _check_size(path, max_bytes)
    if not isolate:
        return _read(str(path))
    return _isolated("read", (str(path),), timeout)


def page_texts(path, *, timeout: float = 60.0, max_pages: int = MAX_TEXT_PAGES,
               isolate: bool = True) -> list[str]:
    _check_size(path, 500 * 2**20)
    if not isolate:
        return _texts(str(path), max_pages)
    return _isolated("texts", (str(path), max_pages), timeout)


def first_page_png(path, width: int = 240, *, timeout: float = 10.0) -> bytes:
    return _isolated("png", (str(path), width), timeout)


# -- title comparison ---------------------------------------------------------------------------
_LIG = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                      "\ufb04": "ffl", "α": "alpha", "β": "beta", "γ": "gamma", "κ": "kappa"})


def _norm(text: str) -> str:
    t = unicodedata.normalize("NFKD", (text or "").translate(_LIG))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = re.sub(r"-\s*\n\s*", "", t)
    t = re.sub(r"<[^>]+>", " ", t)
    return re.sub(r"[^a-z0-9]+", "", t)


def title_matches(title: str, page_text: str) -> bool:
    t = _norm(title)
    if len(t) < 12:
        return False
    page = _norm(page_text[:6000])
    if t in page:
        return True
    import difflib
    sm = difflib.SequenceMatcher(None, t, page, autojunk=False)
    m = sm.find_longest_match(0, len(t), 0, len(page))
    if m.size < 8:
        return False
    lo = max(0, m.b - m.a - 10)
    window = page[lo:lo + len(t) + 20]
    same = sum(b.size for b in difflib.SequenceMatcher(None, t, window,
                                                       autojunk=False).get_matching_blocks())
    return same >= 0.9 * len(t)
