"""One evaluated BibTeX entry (field name -> LaTeX text) -> Article."""
from __future__ import annotations

import re
from urllib.parse import unquote

from amlref.core.article import Article
from amlref.core.identifiers import normalize_pmcid, normalize_pmid
from amlref.core.text import same_form
from amlref.formats import bibtex_fields as F
from amlref.formats import et_al
from amlref.formats.bibtex_names import names_to_bibtex, parse_name_list
from amlref.formats.latex import has_latex, to_unicode
from amlref.formats.latex_encode import escape, pdflatex_safe

# Fields mapped to article columns (everything else goes to extra['bibtex']['fields']).
_SIMPLE_TEXT = {"title": "title", "volume": "volume", "isbn": "isbn", "issn": "issn",
                "abstract": "abstract", "language": "language", "langid": "language"}
_IDS = {"doi": "doi", "pmid": "pmid", "pmcid": "pmcid", "url": "url"}
_SHORT_JOURNAL = ("shortjournal", "journalabbrev", "journal-abbrev", "journal_abbrev",
                  "journalabbreviation", "abbrev_source_title")
# free-text fields where tools put identifiers: Zotero's "extra" (note), EndNote/Mendeley notes
_ID_NOTES = ("note", "annote", "annotation", "extra")
_NOTE_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b", re.I)
_NOTE_PMCID = re.compile(r"\bPMCID\s*:?\s*(PMC\s*\d{1,10})\b", re.I)
_NOTE_DOI = re.compile(r"\bDOI\s*:?\s*(10\.\d{4,9}/[^\s{}]+)", re.I)
_EPRINT_IDS = {"pubmed": "pmid", "pmid": "pmid", "pmc": "pmcid", "pmcid": "pmcid",
               "pubmedcentral": "pmcid"}


def _same(tex: str, text: str) -> bool:
    """True when ``tex`` is what the exporter writes for ``text`` anyway (nothing to keep)."""
    if tex == text:
        return True
    e = escape(text)
    return tex == e or tex == pdflatex_safe(e)


def _pmid(value: str) -> str:
    return normalize_pmid(value.strip().strip("{}"), strict=False)


def _pmcid(value: str) -> str:
    v = value.strip().strip("{}").replace(" ", "")
    if v.isdigit():
        v = "PMC" + v        # a number in a field named for PMCIDs
    return normalize_pmcid(v, strict=False)


def _dashes(pages: str) -> str:
    """A page range with one hyphen, whatever dashes and spaces the source used (Scopus:
    "475 – 482"; "217‒236" with a figure dash; "1957–-1964")."""
    if pages.isascii() and "--" not in pages and " -" not in pages and "- " not in pages:
        return pages
    return _DASHES.sub("-", pages)


_DASHES = re.compile(r"(?<=\w)\s*[-‐‑‒–—―−]+\s*(?=\w)")


def _pages_tex(pages: str) -> str:
    return _RANGE.sub("--", escape(pages))


_RANGE = re.compile(r"(?<=\w)\s*[-–—]+\s*(?=\w)")


def _keywords_tex(keywords: list[str]) -> str:
    return escape(("; " if any("," in k for k in keywords) else ", ").join(keywords))


def _split_keywords(text: str) -> list[str]:
    sep = ";" if ";" in text else ","
    return [w.strip() for w in text.split(sep) if w.strip()]


_MAPPED = frozenset(_SIMPLE_TEXT) | frozenset(_IDS) | {
    "author", "editor", "journal", "journaltitle", "booktitle", "shortjournal", "journalabbrev",
    "journal-abbrev", "journal_abbrev", "number", "issue", "pages", "publisher", "school",
    "institution", "year", "month", "day", "date", "keywords", "keyword", "fjournal",
    "journalabbreviation", "abbrev_source_title"}


_ET_AL = re.compile(r"[\s,]+et\s*al\.?$")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")


def decode(fld: str, tex: str) -> str:
    """A field's text; in an abstract a blank line stays a paragraph break, as in LaTeX
    (zotero-better-bibtex #2789)."""
    if fld == "abstract" and "\n" in tex and _PARAGRAPH.search(tex):
        paras = [to_unicode(p) for p in _PARAGRAPH.split(tex)]
        return "\n\n".join(p for p in paras if p)
    return to_unicode(tex)


def _take(a: Article, fld: str, name: str, tex: str, usual: tuple[str, ...], other: dict,
          raw: dict, names: dict) -> None:
    """A text field: the first field that fills ``fld`` gives its value (a second one stays as
    written, in ``other``); its LaTeX is kept when the text does not say all of it, and its
    field name when the exporter would not write that one (``usual``)."""
    if getattr(a, fld):
        other[name] = tex
        return
    val = decode(fld, tex) if fld == "abstract" else to_unicode(tex)
    setattr(a, fld, val)
    if not _same(tex, val):
        raw[fld] = tex
    if name not in usual:
        names[fld] = name


def entry_to_article(etype: str, key: str, vals: dict[str, str]) -> Article:
    """One evaluated entry (field -> raw LaTeX) -> Article."""
    csl = F.TYPE_TO_CSL.get(etype, "document")
    a = Article(citekey=key or None, type=csl, origin="bibtex")
    bt: dict = {}
    canon = F.CSL_TO_TYPE.get(csl, ("misc", "misc"))
    if etype not in canon:
        bt["type"] = etype
    raw: dict[str, str] = {}
    names: dict[str, str] = {}
    other: dict[str, str] = {}
    year = month = day = date = None
    chapterish = csl in F.CHAPTER_TYPES
    # MathSciNet / JabRef: fjournal is the full title, journal then its abbreviation
    full_journal = "fjournal" in vals
    for k, v in vals.items():
        if k not in _MAPPED:          # most fields of real files: kept as they are
            other[k] = v
            continue
        if full_journal and (k == "journal" or k == "fjournal"):
            _take(a, "container" if k == "fjournal" else "container_short", k, v, (),
                  other, raw, names)
        elif k in _SIMPLE_TEXT:
            fld = _SIMPLE_TEXT[k]
            _take(a, fld, k, v, (fld,), other, raw, names)      # (biblatex langid: named)
        elif k == "author" or k == "editor":
            people, more = parse_name_list(v)
            if people and (people[-1].given or people[-1].family).endswith(("al", "al.")) \
                    and _ET_AL.search(people[-1].given or people[-1].family):
                # "Born, L. et al." (citation.js's mapping test): the list goes on
                last = people[-1]
                people[-1] = type(last)(family=_ET_AL.sub("", last.family),
                                        given=_ET_AL.sub("", last.given), literal=last.literal)
                more = True
            fld = "authors" if k == "author" else "editors"
            setattr(a, fld, people)
            if more:
                et_al.mark(a, k)
            if has_latex(v) and v != names_to_bibtex(people, ascii_only=False, et_al=more):
                raw[fld] = v
        elif k in ("journal", "journaltitle") or (k == "booktitle" and chapterish):
            _take(a, "container", k, v, ("booktitle" if chapterish else "journal",
                                         "journaltitle"), other, raw, names)
        elif k in _SHORT_JOURNAL:
            _take(a, "container_short", k, v, ("shortjournal",), other, raw, names)
        elif k in ("number", "issue"):
            _take(a, "issue", k, v, ("number",), other, raw, names)
        elif k == "pages":
            a.pages = _dashes(to_unicode(v))
            if a.pages != v and _pages_tex(a.pages) != v:
                raw["pages"] = v
        elif k == "publisher" or (k in ("school", "institution") and csl in ("thesis", "report")):
            _take(a, "publisher", k, v, (_publisher_field(csl, etype, biblatex=False),
                                         "institution" if csl == "thesis" else ""),
                  other, raw, names)
        elif k in ("pmid", "pmcid"):
            val = _pmid(v) if k == "pmid" else _pmcid(v)
            if not val or getattr(a, k):
                other[k] = v          # not an identifier (or a second one): kept as written
                continue
            setattr(a, k, val)      # the normal form; "PMID: 012" says nothing more
        elif k in _IDS:
            fld = _IDS[k]
            val = v.strip()
            if "\\" in val or "{" in val:
                val = re.sub(r"\\([_%&#$~])", r"\1", val).replace("{", "").replace("}", "")
            if k == "doi" and re.match(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", val):
                val = re.sub(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", "", val)
            if k == "doi" and "%" in val:    # copied from a link: the DOI is the decoded text
                val = unquote(val)
            if "\n" in val or "  " in val or "\t" in val:
                val = " ".join(val.split())   # a list of URLs wrapped over lines
            setattr(a, fld, val)
            if val != v:
                raw[fld] = v
        elif k == "year":
            year = v
        elif k == "month":
            month = v
        elif k == "day":
            day = v
        elif k == "date":
            date = v
        elif k in ("keywords", "keyword"):
            if a.keywords:
                other[k] = v
                continue
            a.keywords = _split_keywords(to_unicode(v))
            if v != _keywords_tex(a.keywords):
                raw["keywords"] = v
            if k != "keywords":
                names["keywords"] = k
        else:
            other[k] = v
    if (a.isbn and a.isbn[0] in _LABEL_START) or (a.issn and a.issn[0] in _LABEL_START):
        _number_labels(a, raw)
    if not a.pmid or not a.pmcid or not a.doi:
        _ids_from_other(a, other)
    if not a.url and "howpublished" in other:
        _url_from_howpublished(a, other, raw, names)
    _dates(a, date, year, month, day, other, raw)
    if "subtitle" in other and a.title:
        _subtitle(a, "title", other["subtitle"], raw, vals["title"])
    sub = other.get("booksubtitle") or other.get("journalsubtitle")
    if sub and a.container:
        name = names.get("container") or ("booktitle" if chapterish else "journal")
        if name in vals:
            _subtitle(a, "container", sub, raw, vals[name])
    if other:
        bt["fields"] = other
    if raw:
        bt["raw"] = raw
    if names:
        bt["names"] = names
    if bt:
        a.extra["bibtex"] = bt
    return a


def with_subtitle(title: str, subtitle: str) -> str:
    """biblatex's title and subtitle as one title, the way they print ("Title: Subtitle"; no
    colon after a title that ends in a question mark or the like)."""
    subtitle = subtitle.strip()
    if not subtitle:
        return title
    return title + (" " if title.rstrip()[-1:] in "?!:.;" else ": ") + subtitle


def _subtitle(a: Article, fld: str, tex: str, raw: dict, title_tex: str) -> None:
    """The title (container) column holds the whole title; the entry's own title and subtitle
    fields are kept for the export (which writes them apart while they still say that title)."""
    sub = " ".join(to_unicode(tex).split())
    # a title that says its subtitle already (a classic BibTeX export, whose crossref parent
    # still gives the booksubtitle) is whole
    if sub and not getattr(a, fld).endswith(sub):
        setattr(a, fld, with_subtitle(getattr(a, fld), sub))
        raw[fld] = title_tex


def _dates(a: Article, date, year, month, day, other: dict, raw: dict) -> None:
    """``issued`` from biblatex's ``date``, else from ``year``/``month``/``day``; a part it does
    not hold ("in press", a season) stays as written, in ``other``."""
    keep: dict = {}
    if date:
        a.issued = F.iso_from_date_field(date)
        raw["date"] = date
        keep = {"year": year, "month": month, "day": day}
    elif year:
        iso = F.iso_from_parts(year, month or "", day or "")
        a.issued = iso
        if not iso:
            keep["year"] = year        # "in press", "n.d.": no date, kept as written
        elif year.strip() != iso[:4]:
            raw["year"] = year
        if month and not F.month_number(month):
            keep["month"] = month
        if day and len(iso) < 10:
            keep["day"] = day
    else:
        keep = {"month": month, "day": day}
    other.update((k, v) for k, v in keep.items() if v)


_LABEL_START = "IiEe \t"
_LABEL = re.compile(r"^\s*(ISBN|ISSN|E-?ISSN)(?:-1[03])?\s*[:\-]?\s*(?=[\dXx])", re.I)


def _number_labels(a: Article, raw: dict) -> None:
    """``isbn = {ISBN 978-85-63994-24-0}`` (BibDesk, library catalogues): the number without
    its label; the field as written is kept for the export."""
    for fld in ("isbn", "issn"):
        v = getattr(a, fld)
        if v and v[0] in _LABEL_START and _LABEL.match(v):
            raw.setdefault(fld, v)
            setattr(a, fld, _LABEL.sub("", v).strip())


# a link to a DOI resolver (doi.org, dx.doi.org, a publisher's doi.* host) in url or DBLP's
# ee field; a note that is nothing but a DOI
_DOI_LINK = re.compile(r"^\s*(?:\\url\{)?https?://(?:dx\.)?doi\.[\w.-]+/(10\.\d{4,9}/[^\s{}]+?)"
                       r"\}?\s*$", re.I)
_BARE_DOI = re.compile(r"^\s*10\.\d{4,9}/[^\s{}]+\s*$")


def _doi_from_links(a: Article, other: dict[str, str]) -> None:
    for link in (a.url, other.get("ee") or ""):
        m = _DOI_LINK.match(link) if link else None
        if m:
            a.doi = unquote(re.sub(r"\\([_%&#$~])", r"\1", m.group(1)))
            return


def _ids_from_other(a: Article, other: dict[str, str]) -> None:
    """PMID/PMCID from biblatex ``eprint`` + ``eprinttype = {pubmed}`` and PMID/PMCID/DOI from
    notes (``note = {PMID: 12345678}``, as Zotero and others write them); the notes stay as
    they are, an eprint that became the PMID/PMCID is that field now."""
    etype = (other.get("eprinttype") or other.get("archiveprefix") or "").strip().strip("{}")
    fld = _EPRINT_IDS.get(etype.lower().replace(" ", ""))
    if fld and other.get("eprint"):
        value = _pmid(other["eprint"]) if fld == "pmid" else _pmcid(other["eprint"])
        if not getattr(a, fld):
            setattr(a, fld, value)
        if value and getattr(a, fld) == value and "eprinttype" in other:
            # (the identifier is the article's own: the export writes it as eprint again)
            del other["eprint"], other["eprinttype"]
    if not a.doi and ((a.url and "doi." in a.url) or "ee" in other):
        _doi_from_links(a, other)
    for name in _ID_NOTES:
        note = other.get(name)
        if not note:
            continue
        if "{" in note:   # Zotero protects the label's case: note = {{PMID:} 23439512}
            note = note.replace("{", "").replace("}", "")
        if not a.doi and "10." in note[:8] and _BARE_DOI.match(note):     # Springer's old export: the DOI as note
            a.doi = note.strip()
            continue
        if not a.doi and ("DOI" in note or "doi" in note):
            m = _NOTE_DOI.search(note)
            if m:
                a.doi = m.group(1).rstrip(".,;")
        if "PM" not in note and "pm" not in note:
            continue
        if not a.pmid:
            m = _NOTE_PMID.search(note)
            if m:
                a.pmid = _pmid(m.group(1))
        if not a.pmcid:
            m = _NOTE_PMCID.search(note)
            if m:
                a.pmcid = _pmcid(m.group(1))


_HOWPUBLISHED_URL = re.compile(r"\\url\s*\{\s*([^{}\s]+)\s*\}|((?:https?|ftp)://[^\s{}]+)")
# \href{URL}{text}: the link is the URL
_HREF = re.compile(r"\\href\s*\{\s*([^{}\s]+)\s*\}\s*\{(?:[^{}]|\{[^{}]*\})*\}")


def _url_from_howpublished(a: Article, other: dict, raw: dict, names: dict) -> None:
    """``howpublished = {\\url{https://...}}`` or ``{\\href{https://...}{text}}`` (web pages in
    classic BibTeX) is the URL; it is written back under its own name, as it was written."""
    hp = other["howpublished"]
    m = _HREF.fullmatch(hp.strip()) or _HOWPUBLISHED_URL.fullmatch(hp.strip())
    if m is None:
        return
    url = m.group(1) or m.group(2)
    a.url = re.sub(r"\\([_%&#$~])", r"\1", url)
    raw["url"] = hp
    names["url"] = "howpublished"
    del other["howpublished"]


def _publisher_field(csl: str, etype: str, biblatex: bool) -> str:
    if csl == "thesis":
        return "institution" if biblatex else "school"
    if csl == "report":
        return "institution"
    return "publisher"


def stored_news(value: dict, a: Article) -> dict:
    """What an entry's ``extra["bibtex"]`` adds to article ``a`` (merging a re-imported
    record): less the source text (``raw``) that reads as ``a``'s value already and the sort
    ``key`` AMLRef's BibTeX export gives a work without author (bibtex_write)."""
    if isinstance(value.get("raw"), dict):
        raw = {f: tex for f, tex in value["raw"].items()
               if not isinstance(tex, str) or same_form(to_unicode(tex)) != same_form(_as_text(a, f))}
        value = {**value, "raw": raw} if raw else {k: v for k, v in value.items() if k != "raw"}
    fields = value.get("fields")
    if isinstance(fields, dict) and isinstance(fields.get("key"), str):
        own = {same_form(x) for x in (a.publisher, a.title, a.container,
                                      re.sub(r"[^A-Za-z0-9]+", " ", a.citekey or ""))}
        if same_form(to_unicode(fields["key"])) in own:
            rest = {k: v for k, v in fields.items() if k != "key"}
            value = {**value, "fields": rest} if rest else \
                {k: v for k, v in value.items() if k != "fields"}
    return value


def _as_text(a: Article, field: str) -> str:
    """A field of an article as BibTeX writes it (names "Family, Given and ...", keywords
    joined by commas), to compare with the TeX an entry kept of it."""
    if field == "date":
        return a.issued
    if field in ("authors", "editors"):
        return " and ".join(f"{p.family}, {p.given}" if p.family and p.given else
                            p.family or p.literal or p.given for p in getattr(a, field))
    if field == "keywords":
        return ", ".join(a.keywords)
    return str(getattr(a, field, "") or "")
