"""Fields with no column of their own, carried from one format to the other (decision 0073).

A BibTeX import keeps fields such as ``address``/``location``, ``edition``, ``series`` or
``urldate`` in ``extra['bibtex']['fields']``; a RIS or CSL-JSON import keeps their CSL variables
(``publisher-place``, ``edition``, ``collection-title``, ``accessed``) in ``extra['csl']``.  Each
exporter reads its own kind, so without this a book's place of publication from a .bib file never
reached a CSL-JSON or RIS export or a formatted reference, and a RIS record's place never reached
the .bib file.  The pairs follow the biblatex manual's field descriptions and the CSL 1.0.2
variables (the same pairs Zotero's and citation.js's BibTeX translators use).  Values are read,
never stored twice: what the article keeps is unchanged."""
from __future__ import annotations

from amlref.core.article import Article

# BibTeX/biblatex field -> CSL variable (text)
TEXT_TO_CSL = {
    "address": "publisher-place", "location": "publisher-place",
    "edition": "edition", "series": "collection-title", "chapter": "chapter-number",
    "note": "note", "annote": "annote", "annotation": "annote", "shorttitle": "title-short",
    "eventtitle": "event-title", "venue": "event-place", "type": "genre",
    "pagetotal": "number-of-pages", "numpages": "number-of-pages",   # (ACM's name for it)
    "volumes": "number-of-volumes", "version": "version",
    "origlocation": "original-publisher-place", "origpublisher": "original-publisher",
    "origtitle": "original-title", "pubstate": "status",
    "howpublished": "publisher",      # how a booklet or misc work came out (citation.js, Zotero)
}
# BibTeX/biblatex field -> CSL date variable
DATE_TO_CSL = {"urldate": "accessed", "lastchecked": "accessed",   # (lastchecked: Zotero)
               "eventdate": "event-date", "origdate": "original-date"}
NAMES_TO_CSL = {"translator": "translator", "bookauthor": "container-author"}

# CSL variable -> BibTeX field (biblatex name, classic BibTeX name)
_CSL_TO_FIELD = {
    "publisher-place": ("location", "address"), "edition": ("edition", "edition"),
    "collection-title": ("series", "series"), "chapter-number": ("chapter", "chapter"),
    "note": ("note", "note"), "title-short": ("shorttitle", "shorttitle"),
    "event-title": ("eventtitle", "eventtitle"), "event-place": ("venue", "venue"),
    "genre": ("type", "type"), "number-of-pages": ("pagetotal", "pagetotal"),
    "number-of-volumes": ("volumes", "volumes"), "version": ("version", "version"),
    "accessed": ("urldate", "urldate"), "event-date": ("eventdate", "eventdate"),
    "original-date": ("origdate", "origdate"), "translator": ("translator", "translator"),
    "original-title": ("origtitle", "origtitle"), "status": ("pubstate", "pubstate"),
    "container-author": ("bookauthor", "bookauthor"),
}
# fields that say the same thing: one of them is enough in an entry
_SAME_FIELD = {"address": ("address", "location"), "location": ("address", "location"),
               "annote": ("annote", "annotation")}


# what the PubMed importers keep of a book (PubMed XML's <Publisher>, <CollectionTitle>; the
# MEDLINE format's PL and EN, which are a book's place and edition, a journal's country)
_PUBMED_XML = {"publisher_place": "publisher-place", "collection_title": "collection-title"}
_MEDLINE_BOOK = {"PL": "publisher-place", "EN": "edition"}
_BOOKS = ("book", "chapter")
KEPT = ("bibtex", "pubmed", "medline")      # the extra keys whose fields this module reads


def csl_from_extra(a: Article) -> dict:
    """The CSL variables that the fields an import kept outside the columns give."""
    extra = a.extra or {}
    out: dict = {}
    pm = extra.get("pubmed")
    if isinstance(pm, dict):
        out.update((var, pm[k]) for k, var in _PUBMED_XML.items()
                   if isinstance(pm.get(k), str) and pm[k])
    ml = extra.get("medline")
    if isinstance(ml, dict) and a.type in _BOOKS:
        for k, var in _MEDLINE_BOOK.items():
            v = ml.get(k)
            if isinstance(v, list) and v and isinstance(v[0], str) and v[0].strip():
                out.setdefault(var, v[0].strip())
    if extra.get("bibtex"):
        out.update(csl_from_bibtex(a))
    return out


def csl_from_bibtex(a: Article) -> dict:
    """The CSL variables that the fields a BibTeX import kept give (LaTeX decoded)."""
    fields = ((a.extra or {}).get("bibtex") or {}).get("fields")
    if not fields:
        return {}
    from amlref.formats.bibtex_fields import iso_from_date_field
    from amlref.formats.bibtex_names import parse_name_list
    from amlref.formats.latex import to_unicode
    out: dict = {}
    # both given and not the same: ``address`` is where the publisher is (BibTeX's meaning) and
    # ``location`` where the event was (the ACM Digital Library's export writes both; citation.js
    # reads them so); one alone is the place of publication (biblatex's alias)
    venue = _event_location(fields)
    for k, v in fields.items():
        if not isinstance(v, str) or not v.strip():
            continue
        if k == "location" and venue:
            var = "event-place"
            if var not in out and "venue" not in fields:
                out[var] = venue
            continue
        var = TEXT_TO_CSL.get(k)
        if var is not None:
            if var == "publisher" and (a.publisher or "://" in v or "\\url" in v):
                continue              # (a howpublished that is a link is no publisher)
            if var not in out:
                text = " ".join(to_unicode(v).split())
                if text:
                    out[var] = text
            continue
        var = DATE_TO_CSL.get(k)
        if var is not None:       # a biblatex range "2018-12-03/2018-12-06": both ends
            parts = [[int(x) for x in iso.split("-")] for iso in
                     map(iso_from_date_field, v.split("/", 1)) if iso]
            if parts:
                out[var] = {"date-parts": parts}
            continue
        var = NAMES_TO_CSL.get(k)
        if var is not None:
            people, _ = parse_name_list(v)
            if people:
                out[var] = [p.to_dict() for p in people]
    return out


def _event_location(fields: dict) -> str:
    """The event's place when an entry gives both ``address`` and a different ``location``."""
    addr, loc = fields.get("address"), fields.get("location")
    if not (isinstance(addr, str) and isinstance(loc, str) and addr.strip() and loc.strip()):
        return ""
    from amlref.formats.latex import to_unicode
    loc_text = " ".join(to_unicode(loc).split())
    return "" if loc_text == " ".join(to_unicode(addr).split()) else loc_text


# a BibTeX ``number`` (the issue column) of a work in a series is its number in the series, of a
# report, patent or law its own number (BibTeX's and biblatex's field descriptions)
_SERIES_NUMBER = frozenset(("book", "chapter", "entry", "entry-encyclopedia", "entry-dictionary"))
_OWN_NUMBER = frozenset(("report", "patent", "legislation", "bill", "thesis", "standard"))


def number_variable(a: Article) -> str:
    """The CSL variable for the issue column of an article from a .bib file."""
    if a.origin == "bibtex":
        if a.type in _SERIES_NUMBER:
            return "collection-number"
        if a.type in _OWN_NUMBER:
            return "number"
    return "issue"


def bibtex_from_csl(csl: dict | None, biblatex: bool) -> list[tuple[str, object]]:
    """(BibTeX field, CSL value) for the CSL variables a RIS or CSL-JSON import kept that have
    a BibTeX field; dates as ISO text, names as CSL name dicts, the rest as text."""
    if not csl:
        return []
    out = []
    for var, value in csl.items():
        names = _CSL_TO_FIELD.get(var)
        if names is None or value in (None, "", [], {}):
            continue
        if isinstance(value, dict):
            parts = (value.get("date-parts") or [[]])[0]
            try:
                iso = "-".join(f"{int(x):02d}" if i else f"{int(x):04d}"
                               for i, x in enumerate(parts[:3]))
            except (TypeError, ValueError):
                iso = ""
            value = iso or str(value.get("raw") or value.get("literal") or "").strip()
            if not value:
                continue
        elif isinstance(value, list):
            if not all(isinstance(p, dict) for p in value):
                continue
        else:
            value = str(value).strip()
            if not value:
                continue
        out.append((names[0] if biblatex else names[1], value))
    return out


def same_fields(name: str) -> tuple[str, ...]:
    """The BibTeX field names that hold what ``name`` holds (``address`` and ``location``)."""
    return _SAME_FIELD.get(name, (name,))
