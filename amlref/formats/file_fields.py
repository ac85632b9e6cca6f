"""Links to files in bibliography files: BibTeX ``file`` fields and RIS ``L1``/``L4`` (pure
functions; resolving and attaching is services/attachments.py).

BibTeX ``file`` as the tools write it:

    JabRef             {Full text:papers/smith2020.pdf:PDF;Supplement:supp.docx:Word}
                       (``\\:`` ``\\;`` ``\\\\`` escape; Windows: ``C\\:\\\\Users\\\\x.pdf``)
    Zotero export      {Full Text:files/47/Smith - 2020 - Title.pdf:application/pdf}
                       (relative to the .bib's folder)
    Better BibTeX      {/home/ann/Zotero/storage/ABCD1234/x.pdf} (one path; ``;`` between several)
    Mendeley Desktop   {:C$\\backslash$:/Users/ann/Mendeley/x.pdf:pdf} or
                       {:home/ann/Documents/Mendeley Desktop/x.pdf:pdf} (Unix: no leading /)
    Citavi             JabRef form with Windows paths, or a bare ``Citavi Attachments\\x.pdf``

RIS ``L1`` (file attachments), ``L4`` (figures / EndNote attachments): ``file://`` URLs, plain
paths, or EndNote's ``internal-pdf://0123456789/x.pdf`` (inside ``<library>.Data/PDF/``).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse


@dataclass
class FileLink:
    path: str            # as written (unescaped)
    label: str = ""
    mime: str = ""


_LATEX_BACKSLASH = re.compile(r"\$\\backslash\$|\\textbackslash(?:\{\})?\s?")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def _split(text: str, sep: str) -> list[str]:
    """Split on ``sep`` not escaped by a backslash; ``\\x`` becomes ``x``."""
    out, cur, i = [], [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in "\\:;":
            cur.append(text[i + 1])
            i += 2
            continue
        if c == sep:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


def _split_raw(text: str, sep: str) -> list[str]:
    """Split on unescaped ``sep`` and keep the escapes (for a second split)."""
    out, start, i = [], 0, 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 2
            continue
        if text[i] == sep:
            out.append(text[start:i])
            start = i + 1
        i += 1
    out.append(text[start:])
    return out


def parse_bibtex_file_field(value: str) -> list[FileLink]:
    """The files of a BibTeX ``file`` field (JabRef, Zotero, Better BibTeX, Mendeley, Citavi)."""
    value = _LATEX_BACKSLASH.sub(lambda m: "\\", (value or "").strip().strip("{}"))
    links = []
    for entry in _split_raw(value, ";"):
        entry = entry.strip()
        if not entry:
            continue
        parts = _split(entry, ":")
        if len(parts) == 1:
            links.append(FileLink(parts[0].strip()))
            continue
        if len(parts) >= 3:
            label, mime = parts[0], parts[-1]
            path = ":".join(parts[1:-1])
        else:   # "desc:path" (no type) or "C:/x.pdf" written without escaping the drive colon
            if len(parts[0]) == 1 and parts[0].isalpha():
                label, path, mime = "", parts[0] + ":" + parts[1], ""
            else:
                label, path, mime = parts[0], parts[1], ""
        # an unescaped drive letter: "desc:C:/x.pdf:PDF" splits into "C" and "/x.pdf"
        if len(parts) >= 4 and len(parts[1]) == 1 and parts[1].isalpha():
            path = parts[1] + ":" + ":".join(parts[2:-1])
        path = path.strip()
        if path:
            links.append(FileLink(path, label.strip(), mime.strip()))
    return links


def parse_ris_links(values) -> list[FileLink]:
    """Files of RIS ``L1``/``L4`` values (web URLs are left out: they are not files)."""
    if isinstance(values, str):
        values = [values]
    out = []
    for v in values or []:
        for piece in str(v).split(";") if "internal-pdf://" in str(v) else [str(v)]:
            piece = piece.strip()
            if not piece:
                continue
            scheme = urlparse(piece).scheme.lower()
            if scheme in ("http", "https", "ftp"):
                continue
            out.append(FileLink(piece, mime="application/pdf"
                                if piece.lower().endswith(".pdf") else ""))
    return out


def candidates(link: FileLink, base: str, library_name: str = "") -> list[str]:
    """Where the file of a link may be, most likely first: an absolute path as written, else
    relative to ``base`` (the folder of the imported file); Mendeley's Unix paths without
    their leading ``/``; EndNote's ``internal-pdf://`` inside ``<name>.Data/PDF``."""
    p = link.path
    low = p.lower()
    if low.startswith("file://"):
        u = urlparse(p)
        p = unquote(u.path)
        if _DRIVE.match(p.lstrip("/")):
            p = p.lstrip("/")
    elif low.startswith("internal-pdf://"):
        rest = unquote(p[len("internal-pdf://"):]).lstrip("/")
        outs = []
        stem = os.path.splitext(library_name)[0]
        for data in ([stem + ".Data"] if stem else []) + [
                d for d in _listdir(base) if d.endswith(".Data")]:
            outs.append(os.path.join(base, data, "PDF", *rest.split("/")))
        return list(dict.fromkeys(outs))
    if _DRIVE.match(p) or p.startswith("\\\\"):
        return [p]                  # a Windows path: only right on Windows
    p = p.replace("\\", "/") if "/" not in p else p
    if os.path.isabs(p):
        return [p]
    out = [os.path.normpath(os.path.join(base, p))]
    if re.match(r"(home|Users|mnt|media|Volumes)/", p):
        out.insert(0, "/" + p)       # Mendeley on Linux and macOS
    return out


def _listdir(folder: str) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:").replace(";", "\\;")


def format_jabref_file_field(files) -> str:
    """A JabRef ``file`` field: ``desc:path:type`` joined by ``;`` (escaped as JabRef reads
    them).  ``files``: FileLink objects, or (label, path, type) tuples, or dicts with
    ``path`` (and ``label`` / ``kind``)."""
    out = []
    for f in files:
        if isinstance(f, FileLink):
            label, path, kind = f.label, f.path, f.mime
        elif isinstance(f, dict):
            label, path, kind = f.get("label", ""), f["path"], f.get("kind", "")
        else:
            label, path, kind = f
        kind = {"pdf": "PDF", "application/pdf": "PDF"}.get(kind, kind)
        out.append(":".join((_escape(label or ""), _escape(path), _escape(kind or ""))))
    return ";".join(out)
