"""From an open PDF to a PdfInfo: which pages to read, the identifiers (ids.py), the title,
authors, year and abstract (layout.py), cross-checked with the metadata."""
from __future__ import annotations

import re

from amlref.core.identifiers import normalize_pmcid, normalize_pmid
from amlref.pdf import ids as idmod
from amlref.pdf.cleantext import page_text_clean
from amlref.pdf.info import PdfInfo
from amlref.pdf.layout import (cut_short, find_abstract, guess_authors, guess_title, guess_year,
                               meta_title_printed, page_lines, useless_meta_title)

FIRST_PAGES = 3       # pages read from the front for identifiers, title, abstract
LAST_PAGES = 2        # and from the back ("Cite this article" blocks, stamps)


def recognise(doc, path: str) -> PdfInfo:
    """``doc``: a reader.Document.  Reads page 1, and more pages only when page 1 leaves the
    identifier or the abstract open."""
    n = len(doc)
    out = PdfInfo(path=path, pages=n, encrypted=doc.encrypted)
    info_dict, xmp = doc.info(), doc.xmp()
    meta_dois = _meta_dois(xmp, info_dict)
    texts, bands = {}, {}

    def text(i: int) -> str:
        if i not in texts:
            texts[i], lay = doc.page_text(i, layout=True)
            bands[i] = lay.edges
            if i == 0:
                texts["sizes"] = lay.sizes
        return texts[i]

    first_text = text(0) if n else ""
    front = list(range(min(FIRST_PAGES, n)))
    back = [i for i in range(max(0, n - LAST_PAGES), n) if i not in front]
    pages, in_refs = [], False
    for i in front:
        p = idmod.scan_page(text(i), i + 1, in_refs, edge_lines=bands[i])
        in_refs = p.in_refs_after
        pages.append(p)
        if i == 0 and idmod.settled(p, meta_dois):
            break
    else:
        for i in back:
            pages.append(idmod.scan_page(text(i), i + 1, True, tail=True, edge_lines=bands[i]))
    out.text_layer = any(texts[i].strip() for i in texts if isinstance(i, int))
    choice = idmod.choose_doi(meta_dois, pages, all_pages_read=len(pages) == n)
    out.doi, out.id_source, out.other_dois = choice.doi, choice.source, choice.others
    _other_ids(out, pages, xmp, info_dict)
    # title, authors, year, abstract
    out.meta_title, meta_ok, meta_agrees, from_info = _meta_title(xmp, info_dict, path, first_text)
    lines = page_lines(first_text, texts.get("sizes"))
    page_title, after = guess_title(lines, journal=xmp.journal)
    no_text = not first_text.strip()
    if meta_agrees and not cut_short(out.meta_title, page_title):
        out.title = " ".join(out.meta_title.split())
    elif page_title:
        out.title = page_title
    elif meta_ok and no_text:
        out.title = " ".join(out.meta_title.split())
    printed = guess_authors(lines, after) if page_title else []
    if printed:
        out.authors = printed
    elif meta_agrees or (meta_ok and no_text):
        info_authors = _split_authors(info_dict.get("Author", ""))
        out.authors = (info_authors or xmp.creators) if from_info else \
            (xmp.creators or info_authors)
    out.first_page = page_text_clean(first_text)[:20_000]
    out.year = guess_year(lines, xmp.date)
    out.abstract = find_abstract([first_text])
    if not out.abstract and n > 1:
        out.abstract = find_abstract([text(1)])
    return out


def _meta_title(xmp, info_dict, path: str, first_text: str) -> tuple[str, bool, bool, bool]:
    """The metadata title to go by: XMP's dc:title, or document info's /Title when XMP's says
    nothing ("untitled", "Microsoft Word - x.doc", "paper.dvi") or is not the one printed on
    page 1 while /Title is (a producer that rewrote one of them).  Returns the title (the one
    stored when neither is useful, for display), whether it is useful, whether page 1 prints
    it, and whether it is document info's."""
    found = [(t, src) for t, src in ((xmp.title, "xmp"), (info_dict.get("Title", ""), "info"))
             if t and t.strip()]
    useful = [(t, src) for t, src in found if not useless_meta_title(t, path)]
    for t, src in useful:
        if meta_title_printed(t, first_text):
            return t, True, True, src == "info"
    if useful:
        return useful[0][0], True, False, useful[0][1] == "info"
    return (found[0][0] if found else ""), False, False, False


def _meta_dois(xmp, info_dict) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for value in xmp.identifiers:
        for d in idmod.dois_in_value(value):
            if all(d != m for m, _ in out):
                out.append((d, "xmp"))
    for key in ("doi", "DOI", "WPS-ARTICLEDOI", "Subject", "Keywords"):
        for d in idmod.dois_in_value(info_dict.get(key, "")):
            if all(d != m for m, _ in out):
                out.append((d, "info"))
    return out


def _other_ids(out: PdfInfo, pages, xmp, info_dict) -> None:
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


def _split_authors(value: str) -> list[str]:
    v = " ".join((value or "").split())
    if not v:
        return []
    parts = re.split(r";|\band\b|&" if ";" in v or " and " in v else r",", v)
    return [p.strip() for p in parts if p.strip()]
