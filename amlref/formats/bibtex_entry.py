"""One evaluated BibTeX entry (field name -> LaTeX text) -> Article."""
from __future__ import annotations

import re

from amlref.core.article import Article
from amlref.formats import bibtex_fields as F
from amlref.formats.bibtex_names import names_to_bibtex, parse_names
from amlref.formats.latex import escape, has_latex, to_unicode

# Fields mapped to article columns (everything else goes to extra['bibtex']['fields']).
_SIMPLE_TEXT = {"title": "title", "volume": "volume", "isbn": "isbn", "issn": "issn",
                "abstract": "abstract", "language": "language"}
_IDS = {"doi": "doi", "pmid": "pmid", "pmcid": "pmcid", "url": "url"}


def _dashes(pages: str) -> str:
    return pages.replace("–", "-").replace("—", "-")


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
    "institution", "year", "month", "day", "date", "keywords", "keyword"}


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
    for k, v in vals.items():
        if k not in _MAPPED:          # most fields of real files: kept as they are
            other[k] = v
            continue
        if k in _SIMPLE_TEXT:
            fld = _SIMPLE_TEXT[k]
            if getattr(a, fld):
                other[k] = v
                continue
            val = to_unicode(v)
            setattr(a, fld, val)
            if v != val and v != escape(val):
                raw[fld] = v
        elif k == "author" or k == "editor":
            people = parse_names(v)
            fld = "authors" if k == "author" else "editors"
            setattr(a, fld, people)
            if has_latex(v) and v != names_to_bibtex(people, ascii_only=False):
                raw[fld] = v
        elif k in ("journal", "journaltitle") or (k == "booktitle" and chapterish):
            if a.container:
                other[k] = v
                continue
            a.container = to_unicode(v)
            if a.container != v and escape(a.container) != v:
                raw["container"] = v
            if k != ("booktitle" if chapterish else "journal") and k != "journaltitle":
                names["container"] = k
        elif k in ("shortjournal", "journalabbrev", "journal-abbrev", "journal_abbrev"):
            if a.container_short:
                other[k] = v
                continue
            a.container_short = to_unicode(v)
            if a.container_short != v and escape(a.container_short) != v:
                raw["container_short"] = v
            if k != "shortjournal":
                names["container_short"] = k
        elif k in ("number", "issue"):
            if a.issue:
                other[k] = v
                continue
            a.issue = to_unicode(v)
            if a.issue != v and escape(a.issue) != v:
                raw["issue"] = v
            if k == "issue":
                names["issue"] = k
        elif k == "pages":
            a.pages = _dashes(to_unicode(v))
            if a.pages != v and _pages_tex(a.pages) != v:
                raw["pages"] = v
        elif k == "publisher" or (k in ("school", "institution") and csl in ("thesis", "report")):
            if a.publisher:
                other[k] = v
                continue
            a.publisher = to_unicode(v)
            if a.publisher != v and escape(a.publisher) != v:
                raw["publisher"] = v
            if k != _publisher_field(csl, etype, biblatex=False) and not (
                    csl == "thesis" and k == "institution"):
                names["publisher"] = k
        elif k in _IDS:
            fld = _IDS[k]
            val = v.strip()
            if "\\" in val or "{" in val:
                val = re.sub(r"\\([_%&#$~])", r"\1", val).replace("{", "").replace("}", "")
            if k == "doi" and re.match(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", val):
                val = re.sub(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", "", val)
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
            a.keywords = _split_keywords(to_unicode(v))
            if v != _keywords_tex(a.keywords):
                raw["keywords"] = v
            if k != "keywords":
                names["keywords"] = k
        else:
            other[k] = v
    # dates
    if date:
        a.issued = F.iso_from_date_field(date)
        raw["date"] = date
        if year:
            other["year"] = year
        if month:
            other["month"] = month
        if day:
            other["day"] = day
    elif year:
        iso = F.iso_from_parts(year, month or "", day or "")
        a.issued = iso
        if year.strip() != iso[:4]:
            raw["year"] = year
        if month and not F.month_number(month):
            other["month"] = month
        if day and len(iso) < 10:
            other["day"] = day
    else:
        if month:
            other["month"] = month
        if day:
            other["day"] = day
    if other:
        bt["fields"] = other
    if raw:
        bt["raw"] = raw
    if names:
        bt["names"] = names
    if bt:
        a.extra["bibtex"] = bt
    return a


def _publisher_field(csl: str, etype: str, biblatex: bool) -> str:
    if csl == "thesis":
        return "institution" if biblatex else "school"
    if csl == "report":
        return "institution"
    return "publisher"
