"""BibTeX and biblatex export, written by hand: fixed field order, ``{}`` everywhere except
month macros, crossref parents after their children, the same bytes for the same articles."""
from __future__ import annotations

import re
from typing import Iterable

from amlref.core import gcpause
from amlref.core.article import Article, Person
from amlref.formats import biblatex_model as M
from amlref.formats import bibtex_fields as F
from amlref.formats.crosswalk import bibtex_from_csl, csl_from_extra, same_fields
from amlref.formats.bibtex_entry import decode, with_subtitle, _keywords_tex, _pages_tex, _dashes, _publisher_field, \
    _split_keywords
from amlref.formats.bibtex_names import names_to_bibtex, parse_name_list
from amlref.formats.et_al import marked
from amlref.formats.latex import to_unicode
from amlref.formats.latex_encode import ascii_latex, escape, pdflatex_safe, protect_case
from amlref.plugins.base import Exporter


_BAD_KEY = re.compile(r"[\s,{}\\#%~\"'()=]")
_PROTECTED_FIELDS = ("title", "container")


def _balanced(v: str) -> bool:
    if "{" not in v and "}" not in v:
        return True
    depth = 0
    for c in v:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _verbatim(v: str, ascii_only: bool) -> str:
    """URL / DOI: written as is, only what would break the file is percent-encoded."""
    if " " in v or "\n" in v or "\t" in v:
        v = " ".join(v.split())       # a list of URLs ("a.pdf, b.pdf") keeps its spaces
    if not _balanced(v):
        v = v.replace("{", "%7B").replace("}", "%7D")
    if ascii_only and not v.isascii():
        from urllib.parse import quote
        v = quote(v, safe="".join(chr(i) for i in range(33, 127)))
    return v


class _Writer:
    def __init__(self, biblatex: bool):
        self.biblatex = biblatex
        self.ascii = not biblatex

    def tex(self, fld: str, value: str, raw: dict, bibtex_origin: bool) -> str:
        """LaTeX for an article text field: the user's LaTeX when it still says the same,
        else the value escaped (and case-protected in titles)."""
        r = raw.get(fld)
        if r is not None and _balanced(r):
            dec = _dashes(to_unicode(r)) if fld == "pages" else decode(fld, r)
            if dec == value:
                return ascii_latex(r) if self.ascii else r
        if fld == "pages":
            out = _pages_tex(value)
        else:
            out = escape(value)
            if fld in _PROTECTED_FIELDS and not bibtex_origin:
                out = protect_case(out)
        return ascii_latex(out) if self.ascii else pdflatex_safe(out)

    def joined(self, fld: str, title: str, raw: dict, other: dict, bibtex_origin: bool) -> str:
        """The title (container) field; with a biblatex ``subtitle`` (``booksubtitle``,
        ``journalsubtitle``) kept, the entry's own title while title and subtitle still say the
        whole title (else the whole title, no subtitle)."""
        sub_name = "subtitle" if fld == "title" else next(
            (k for k in ("booksubtitle", "journalsubtitle") if k in other), None)
        sub = other.get(sub_name) if sub_name else None
        if sub is not None:
            r = raw.get(fld)
            if r is not None and _balanced(r) and _balanced(sub) and \
                    with_subtitle(to_unicode(r), " ".join(to_unicode(sub).split())) == title:
                if not self.biblatex:   # classic BibTeX styles know no subtitle: one title
                    del other[sub_name]
                    sep = with_subtitle(to_unicode(r), "x")[len(to_unicode(r)):-1]
                    r = r + sep + " ".join(sub.split())
                return ascii_latex(r) if self.ascii else r
            if fld == "title" or r is not None:
                del other[sub_name]     # the title was edited: it is the whole title now
                raw = {k: v for k, v in raw.items() if k != fld}
        return self.tex(fld, title, raw, bibtex_origin)

    def names(self, fld: str, people, raw: dict, more: bool = False) -> str:
        r = raw.get(fld)
        if r is not None and _balanced(r) and parse_name_list(r) == (people, more):
            return ascii_latex(r) if self.ascii else r
        return names_to_bibtex(people, ascii_only=self.ascii, et_al=more)

    def entry_type(self, a: Article, bt: dict) -> tuple[str, list[tuple[str, str]]]:
        orig = bt.get("type")
        extra_fields: list[tuple[str, str]] = []
        canon = F.CSL_TO_TYPE.get(a.type, ("misc", "misc"))
        if self.biblatex:
            # biber maps the BibTeX aliases (phdthesis, techreport, www ...) itself; a type the
            # standard styles do not support (@review, @jurisdiction ...: no title or author in
            # the data model) only where the user's own file had it
            if orig:
                return orig, extra_fields
            t = canon[1]
            if t in M.UNSUPPORTED and a.origin != "bibtex":
                t = "article" if a.type in ("review", "review-book") and a.container else "misc"
            return t, extra_fields
        t = orig or canon[0]
        if t not in F.BIBTEX_TYPES:
            # a biblatex type by its classic counterpart; a type no classic style defines
            # (a style package's own, "@setup") by the one its CSL type gives
            t = F.BIBLATEX_TO_BIBTEX.get(t) or canon[0]
            if t == "phdthesis" and orig == "thesis":
                ft = (bt.get("fields") or {}).get("type", "").lower()
                if "master" in ft or ft in ("mathesis", "ma"):
                    t = "mastersthesis"
        return t, extra_fields

    def entry(self, a: Article) -> str:
        bt = a.extra.get("bibtex") or {}
        raw = bt.get("raw") or {}
        fnames = bt.get("names") or {}
        other = dict(bt.get("fields") or {})
        from_bib = a.origin == "bibtex"
        etype, type_fields = self.entry_type(a, bt)
        out: list[tuple[str, str]] = []
        if a.authors:
            out.append(("author", self.names("authors", a.authors, raw, marked(a, "author"))))
        if a.editors:
            out.append(("editor", self.names("editors", a.editors, raw, marked(a, "editor"))))
        if a.title:
            out.append(("title", self.joined("title", a.title, raw, other, from_bib)))
        if a.container:
            name = fnames.get("container") or (
                "booktitle" if a.type in F.CHAPTER_TYPES else
                ("journaltitle" if self.biblatex else "journal"))
            if self.biblatex and name in ("journal", "fjournal"):
                name = "journaltitle"
            out.append((name, self.joined("container", a.container, raw, other, from_bib)))
        if a.container_short:
            name = fnames.get("container_short", "shortjournal")
            if self.biblatex and name == "journal":    # fjournal/journal: journal was short
                name = "shortjournal"
            out.append((name, self.tex("container_short", a.container_short, raw, from_bib)))
        out.extend(self.dates(a, raw, other))
        if a.volume:
            out.append(("volume", self.tex("volume", a.volume, raw, from_bib)))
        if a.issue:
            out.append((fnames.get("issue", "number"), self.tex("issue", a.issue, raw, from_bib)))
        if a.pages:
            out.append(("pages", self.tex("pages", a.pages, raw, from_bib)))
        if a.publisher:
            name = fnames.get("publisher") or _publisher_field(a.type, etype, self.biblatex)
            if self.biblatex and name == "school":
                name = "institution"
            if self.fits(etype, name, from_bib):
                out.append((name, self.tex("publisher", a.publisher, raw, from_bib)))
        for fld in ("isbn", "issn"):
            if getattr(a, fld) and self.fits(etype, fld, from_bib):
                out.append((fld, self.tex(fld, getattr(a, fld), raw, from_bib)))
        for fld in ("doi", "url"):
            v = getattr(a, fld)
            if v:
                name = fnames.get(fld, fld)
                r = raw.get(fld)
                if r is not None and _balanced(r) and self._id_equal(fld, r, v):
                    out.append((name, r if not self.ascii else _verbatim(r, True)))
                elif name == "howpublished":     # printed as text: only \url{} keeps it safe
                    out.append((name, "\\url{" + _verbatim(v, self.ascii) + "}"))
                else:
                    out.append((name, _verbatim(v, self.ascii)))
        out.extend(self.pubmed_ids(a, other, from_bib))
        if a.keywords:
            r = raw.get("keywords")
            if r is not None and _balanced(r) and _split_keywords(to_unicode(r)) == a.keywords:
                val = ascii_latex(r) if self.ascii else r
            else:
                val = _keywords_tex(a.keywords)
                val = ascii_latex(val) if self.ascii else val
            out.append((fnames.get("keywords", "keywords"), val))
        if a.language and self.fits(etype, fnames.get("language", "language"), from_bib):
            out.append((fnames.get("language", "language"),
                        self.tex("language", a.language, raw, from_bib)))
        if a.abstract:
            out.append(("abstract", self.tex("abstract", a.abstract, raw, from_bib)))
        have = {k for k, _ in out}
        for k, v in type_fields:
            if k not in have:
                out.append((k, v))
                have.add(k)
        for k, v in other.items():
            if k in have:
                continue
            if not _balanced(v):
                v = escape(to_unicode(v))
            out.append((k, ascii_latex(v) if self.ascii else v))
            have.add(k)
        csl = a.extra.get("csl")
        if "pubmed" in a.extra or "medline" in a.extra:     # a PubMed book's place ...
            csl = {**csl_from_extra(a), **(csl or {})}
        if csl:
            self.csl_fields(csl, out, have, etype if self.biblatex and not from_bib else "")
        if not self.biblatex and not have & {"author", "editor", "key"}:
            # BibTeX's styles sort (and alpha labels) by author; for a work without one they
            # take ``key`` ("to sort, need author or key"): who issued it, else its title
            # (else its citation key's letters and digits: a record with nothing else to go by)
            named = dict(out)
            sort = next((named[f] for f in ("organization", "institution", "title", "journal",
                                            "booktitle") if named.get(f)), "") \
                or re.sub(r"[^A-Za-z0-9]+", " ", a.citekey or "").strip()
            if sort:
                out.append(("key", sort))
        key = a.citekey or f"id{a.id}"
        if _BAD_KEY.search(key):
            key = _BAD_KEY.sub("_", key)
        lines = [f"@{etype}{{{key},"]
        last = len(out) - 1
        for i, (k, v) in enumerate(out):
            if k == "month" and not self.biblatex and v in F.MONTHS:
                val = v
            else:
                val = "{" + v + "}"
            lines.append(f"  {k} = {val}{',' if i < last else ''}")
        lines.append("}\n")
        return "\n".join(lines)

    def fits(self, etype: str, name: str, from_bib: bool) -> bool:
        """Whether a field the export derives goes into the entry: in biblatex only where the
        data model gives the type that field (an article has no publisher, place or edition:
        ``biber --validate-datamodel`` warns of them); a field of the user's .bib file always."""
        return from_bib or not self.biblatex or M.has_field(etype, name)

    def pubmed_ids(self, a: Article, other: dict, from_bib: bool) -> list[tuple[str, str]]:
        """PMID and PMCID: classic BibTeX's ``pmid``/``pmcid`` fields (styles ignore them);
        biblatex's ``eprint`` with ``eprinttype = {pubmed}`` (the manual, 3.14.7: printed as
        "PMID: ..." and linked), or the PMCID there when there is no PMID.  A PMCID beside a
        PMID is not written to biblatex: its data model has one eprint and no PMCID field, so
        biber would drop it with a warning (the library, RIS, CSL-JSON and BibTeX keep it).
        A .bib file's own fields stay as they were."""
        out = []
        ids = [(fld, getattr(a, fld)) for fld in ("pmid", "pmcid") if getattr(a, fld)]
        if self.biblatex and other.get("eprint"):     # the file's own eprint says it already
            ids = [(f, v) for f, v in ids if v.lower() not in other["eprint"].lower()]
        if self.biblatex and ids and not from_bib and not other.get("eprint"):
            fld, v = ids.pop(0)
            out += [("eprint", _verbatim(v, False)),
                    ("eprinttype", "pubmed" if fld == "pmid" else "pmcid")]
            other.pop("eprinttype", None)
            other.pop("archiveprefix", None)
            return out
        out += [(fld, _verbatim(v, self.ascii)) for fld, v in ids]
        return out

    def csl_fields(self, csl: dict, out: list, have: set, etype: str = "") -> None:
        """The fields that a RIS or CSL-JSON import's CSL variables give (place, edition,
        series, access date ...), where the entry has no such field yet (and, with ``etype``,
        where biblatex's data model gives that type the field)."""
        for k, v in bibtex_from_csl(csl, self.biblatex):
            if any(f in have for f in same_fields(k)):
                continue
            if etype and not M.has_field(etype, k):
                continue
            if isinstance(v, list):
                people = [Person.from_dict(p) for p in v]
                val = names_to_bibtex(people, ascii_only=self.ascii)
            else:
                val = escape(v)
                val = ascii_latex(val) if self.ascii else pdflatex_safe(val)
            out.append((k, val))
            have.add(k)

    @staticmethod
    def _id_equal(fld: str, raw: str, value: str) -> bool:
        v = raw.strip()
        if v.startswith("\\url"):
            v = v[4:].strip()
        elif v.startswith("\\href"):       # \href{URL}{text}: the URL
            m = re.match(r"\\href\s*\{\s*([^{}\s]+)\s*\}", v)
            v = m.group(1) if m else v
        v = re.sub(r"\\([_%&#$~])", r"\1", v).replace("{", "").replace("}", "")
        if fld == "doi":
            v = re.sub(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", "", v).lower()
            return v == value.lower()
        return v == value

    def dates(self, a: Article, raw: dict, other: dict) -> list[tuple[str, str]]:
        iso = a.issued or ""
        if not iso:
            return []
        m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", iso)
        if not m:
            return [("year", escape(iso))]
        y, mo, d = m.group(1), m.group(2), m.group(3)
        if self.biblatex and not mo and other.get("month"):
            span = _month_date(y, to_unicode(other["month"]))
            if span:          # "June-August", "Spring": a date range, a season (biblatex's date)
                for k in ("year", "month"):
                    other.pop(k, None)
                return [("date", span)]
        rdate = raw.get("date")
        if rdate is not None and F.iso_from_date_field(rdate) == iso and _balanced(rdate):
            if self.biblatex:
                # the other date fields were kept apart; biber would warn about both
                for k in ("year", "month", "day"):
                    other.pop(k, None)
                return [("date", rdate)]
        out = []
        ry = raw.get("year")
        if ry is not None and F.iso_from_parts(ry) == y and _balanced(ry):
            out.append(("year", ascii_latex(ry) if self.ascii else ry))
        else:
            out.append(("year", y))
        if self.biblatex and d:
            for k in ("month", "day"):   # "8~" # feb: the date says it; biber would warn
                other.pop(k, None)
            return [("date", iso)]
        if mo:
            out.append(("month", str(int(mo)) if self.biblatex else F.MONTHS[int(mo) - 1]))
            other.pop("month", None)
            if d:
                out.append(("day", str(int(d))))
                other.pop("day", None)
        return out


_RANGE_SEP = re.compile(r"\s*(?:--?|–|—|/|,|&|\band\b)\s*")


_SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}


def _month_date(year: str, month: str) -> str:
    """A legacy ``month`` naming two months ("April-May", "Nov/Dec", "November, December") or a
    season as a biblatex date: a range ("1986-04/1986-05"), a season by its ISO 8601-2 number
    ("1988-21", spring; the manual's 2.3.8); "" for anything else (biber would warn "legacy month
    field ... is not an integer" and sort it wrongly)."""
    season = _SEASONS.get(month.strip().strip(".").lower())
    if season:
        return f"{year}-{season}"
    parts = [p for p in _RANGE_SEP.split(month.strip().strip(".")) if p]
    if len(parts) != 2:
        return ""
    m1, m2 = (F.month_number(p) for p in parts)
    if not m1 or not m2 or m1 == m2:
        return ""
    y2 = int(year) + (1 if m2 < m1 else 0)   # "December-January": into the next year
    return f"{year}-{m1:02d}/{y2:04d}-{m2:02d}"


def _order(articles: list[Article]) -> list[Article]:
    """Crossref targets after the entries that use them (BibTeX needs that)."""
    keys = {a.citekey for a in articles}
    targets = set()
    for a in articles:
        f = (a.extra.get("bibtex") or {}).get("fields") or {}
        ref = f.get("crossref")
        if ref and ref.strip() in keys:
            targets.add(ref.strip())
    if not targets:
        return articles
    return [a for a in articles if a.citekey not in targets] + \
           [a for a in articles if a.citekey in targets]


# biblatex text macros that classic BibTeX documents lack: defined (only when used) in a
# @preamble of the BibTeX export, so the user's LaTeX can stay as written.
_BIBLATEX_MACROS = {
    "mkbibquote": r"\providecommand{\mkbibquote}[1]{``#1''}",
    "enquote": r"\providecommand{\enquote}[1]{``#1''}",
    "mkbibemph": r"\providecommand{\mkbibemph}[1]{\emph{#1}}",
    "mkbibitalic": r"\providecommand{\mkbibitalic}[1]{\textit{#1}}",
    "mkbibbold": r"\providecommand{\mkbibbold}[1]{\textbf{#1}}",
    "mkbibacro": r"\providecommand{\mkbibacro}[1]{#1}",
    "hyphen": r"\providecommand{\hyphen}{-}",
    "nbhyphen": r"\providecommand{\nbhyphen}{-}",
    "bibrangedash": r"\providecommand{\bibrangedash}{--}",
    "bibdatedash": r"\providecommand{\bibdatedash}{--}",
    "addspace": r"\providecommand{\addspace}{ }",
    "addnbspace": r"\providecommand{\addnbspace}{~}",
    "addcomma": r"\providecommand{\addcomma}{,}",
    "adddot": r"\providecommand{\adddot}{.}",
}
_MACRO_USE = re.compile(r"\\(" + "|".join(_BIBLATEX_MACROS) + r")(?![a-zA-Z])")
# logos that .bib files of TeX documentation use and only their own documents define (btxdoc,
# TUGboat): provided for both exports, so that a document compiles without them
_LOGOS = {
    "BibTeX": r"\providecommand{\BibTeX}{{\rmfamily B\kern-.05em{\scshape i\kern-.025em b}"
              r"\kern-.08em T\kern-.1667em\lower.7ex\hbox{E}\kern-.125emX}}",
    "AmS": r"\providecommand{\AmS}{AMS}", "MF": r"\providecommand{\MF}{Metafont}",
    "METAFONT": r"\providecommand{\METAFONT}{METAFONT}", "XeTeX": r"\providecommand{\XeTeX}{XeTeX}",
    "XeLaTeX": r"\providecommand{\XeLaTeX}{XeLaTeX}", "SliTeX": r"\providecommand{\SliTeX}{SliTeX}",
}
_LOGO_USE = re.compile(r"\\(" + "|".join(_LOGOS) + r")(?![a-zA-Z])")


def export_bib(articles: Iterable[Article], biblatex: bool) -> str:
    with gcpause.paused():   # many short-lived strings, no cycles: the GC only costs time
        return _export_bib(list(articles), biblatex)


def _export_bib(articles: list[Article], biblatex: bool) -> str:
    arts = _order(articles)
    w = _Writer(biblatex)
    parts = []
    preambles: list[str] = []
    for a in arts:
        p = (a.extra.get("bibtex") or {}).get("preamble")
        if p and p not in preambles:
            preambles.append(p)
    for p in preambles:
        parts.append("@preamble{" + p + "}\n")
    body = [w.entry(a) for a in arts]
    defs = []
    if not biblatex:
        used = sorted({m.group(1) for e in body if "\\" in e for m in _MACRO_USE.finditer(e)})
        defs.extend(_BIBLATEX_MACROS[u] for u in used)
    logos = sorted({m.group(1) for e in body if "\\" in e for m in _LOGO_USE.finditer(e)})
    defs.extend(_LOGOS[u] for u in logos if not any("\\" + u in p for p in preambles))
    if defs:
        parts.append('@preamble{ "' + " ".join(defs) + '" }\n')
    return "\n".join(parts + body)


class BibtexExporter(Exporter):
    name = "bibtex"
    label = "BibTeX (ASCII, for bibtex)"
    extension = ".bib"

    def export(self, articles: Iterable[Article], **options) -> str:
        return export_bib(articles, biblatex=False)


class BiblatexExporter(Exporter):
    name = "biblatex"
    label = "biblatex (UTF-8, for biber)"
    extension = ".bib"

    def export(self, articles: Iterable[Article], **options) -> str:
        return export_bib(articles, biblatex=True)
