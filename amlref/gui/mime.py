"""Drag and copy out (several MIME types at once) and recognising what is dropped or pasted in."""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field

from PySide6.QtCore import QMimeData, QUrl

from amlref.core.errors import InputError
from amlref.gui.copy_formatted import reference_entries

IDS_MIME = "application/x-amlref-article-ids"
BIBTEX_MIME = "application/x-bibtex"
_TEMP_DIR: str | None = None


# -- out -------------------------------------------------------------------------------------
def _fallback_bibtex(articles) -> str:
    """Minimal BibTeX, used only while the BibTeX exporter plugin is unavailable."""
    kinds = {"article-journal": "article", "book": "book", "chapter": "incollection",
             "paper-conference": "inproceedings", "thesis": "phdthesis", "report": "techreport"}
    out = []
    for a in articles:
        fields = [("author", " and ".join(p.literal and "{" + p.literal + "}" or
                                          ", ".join(x for x in (p.family, p.given) if x)
                                          for p in a.authors)),
                  ("title", "{" + a.title + "}" if a.title else ""), ("journal", a.container),
                  ("year", str(a.year or "")), ("volume", a.volume), ("number", a.issue),
                  ("pages", a.pages.replace("-", "--")), ("doi", a.doi), ("pmid", a.pmid)]
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
        out.append(f"@{kinds.get(a.type, 'misc')}{{{a.citekey},\n{body}\n}}\n")
    return "\n".join(out)


def bibtex_of(articles) -> str:
    from amlref.plugins.registry import registry
    exp = registry.exporters().get("bibtex")
    if exp is not None:
        try:
            return exp.export(list(articles))
        except Exception:  # a broken plugin must not break copying
            pass
    return _fallback_bibtex(articles)


def cite_command(articles) -> str:
    return "\\cite{" + ",".join(a.citekey for a in articles) + "}"


def _temp_bib(articles, text: str) -> str:
    global _TEMP_DIR
    if _TEMP_DIR is None or not os.path.isdir(_TEMP_DIR):
        _TEMP_DIR = tempfile.mkdtemp(prefix="amlref-drag-")
    name = articles[0].citekey if len(articles) == 1 else f"amlref-{len(articles)}-references"
    name = re.sub(r"[^\w.-]+", "_", name or "references")
    path = os.path.join(_TEMP_DIR, name + ".bib")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def make_mime(lib, ids: list[int]) -> QMimeData:
    """text/plain ``\\cite{k1,k2}``, application/x-bibtex, text/html references, a .bib file URL
    (for file managers) and the article ids (for drops inside the window)."""
    md = QMimeData()
    arts = lib.articles.get_many(ids)
    if not arts:
        return md
    bib = bibtex_of(arts)
    refs = reference_entries(lib, arts)  # in the CSL style chosen in Preferences
    md.setText(cite_command(arts))
    md.setData(BIBTEX_MIME, bib.encode("utf-8"))
    if refs:
        md.setHtml("<ol>" + "".join(f"<li>{h}</li>" for _, h in refs) + "</ol>")
        md.setData("text/x-amlref-references", "\n".join(t for t, _ in refs).encode("utf-8"))
    md.setData(IDS_MIME, ",".join(str(a.id) for a in arts).encode())
    try:
        md.setUrls([QUrl.fromLocalFile(_temp_bib(arts, bib))])
        # setUrls replaces text/plain on some platforms: put the \cite back
        md.setText(cite_command(arts))
    except OSError:
        pass
    return md


# -- in --------------------------------------------------------------------------------------
@dataclass
class Dropped:
    """What a drop or paste holds: article ids (from this window), files, identifiers to look
    up online, or bibliography text to import."""
    ids: list[int] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""

    @property
    def empty(self) -> bool:
        return not (self.ids or self.files or self.identifiers or self.text)


def identifiers_in(text: str) -> list[tuple[str, str]] | None:
    """All tokens are DOIs / PMIDs / PMCIDs / PubMed or doi.org URLs -> them, else None."""
    from amlref.core.identifiers import classify_identifier
    t = re.sub(r"\b(doi|pmid|pmcid)\s*:\s*", lambda m: m.group(1).lower() + ":", text.strip(),
               flags=re.I)
    tokens = [x for x in re.split(r"[\s,;]+", t) if x]
    if not tokens or len(tokens) > 500:
        return None
    out = []
    for tok in tokens:
        if tok.lower().startswith("doi:"):
            tok = tok[4:]
        try:
            out.append(classify_identifier(tok))
        except InputError:
            return None
    return list(dict.fromkeys(out))


def read_mime(md: QMimeData) -> Dropped:
    d = Dropped()
    if md.hasFormat(IDS_MIME):
        raw = bytes(md.data(IDS_MIME)).decode()
        d.ids = [int(x) for x in raw.split(",") if x.strip().isdigit()]
        return d
    if md.hasUrls():
        remote = []
        for url in md.urls():
            if url.isLocalFile():
                p = url.toLocalFile()
                if os.path.isdir(p):
                    d.files += sorted(os.path.join(p, f) for f in os.listdir(p)
                                      if os.path.isfile(os.path.join(p, f)) and not f.startswith("."))
                elif p:
                    d.files.append(p)
            else:
                remote.append(url.toString())
        if remote:
            d.identifiers = identifiers_in(" ".join(remote)) or []
        if d.files or d.identifiers:
            return d
    if md.hasText():
        text = md.text()
        ids = identifiers_in(text)
        if ids:
            d.identifiers = ids
        elif text.strip():
            d.text = text
    return d
