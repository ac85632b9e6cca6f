"""PubMed MEDLINE text (``.nbib``, "Send to: citation manager", "Format: PubMed"), and the
MEDLINE-style exports of other databases: ERIC's .nbib (``OWN - ERIC``, no PMID), Ovid's tagged
export (``<1. >``, ``VN - Ovid Technologies``; Ovid MEDLINE, PsycInfo, Embase ...).

Records start with ``PMID- `` (``OWN``/``VN`` elsewhere); a tag is up to four letters padded to
column 4, then ``- ``; a value continues on indented lines.  Read: FAU/FA and AU (MEDLINE's
``Griffin DK`` or ``Family, Given``; CN for groups), FED/ED, TI/BTI, AB, DP (YR, DEP), JT/JN and
TA, VI/VO, IP, PG (abbreviated ranges written out), LID/AID/DO (``[doi]``, ``[pii]``, links; a
LID article number stands for missing pages), PMC, MH (MeSH ``Heading/Subheading``, ``*`` on
major topics), OT/KW keywords, PT/DT publication types (-> CSL type), LA/LG, IS/ISSN, ISBN/IB,
SO (journal, volume, issue, pages when their own tags are missing), and everything else into
``extra['medline']``.  NLM's place qualifier is taken off the journal title (``JT - Lancet
(London, England)`` -> ``Lancet``; the full title stays in extra).  Detection is by content, so
a MEDLINE file named ``.ris`` is read here."""
from __future__ import annotations

import re
from typing import Iterable

from amlref.core import gcpause
from amlref.core.article import Article, ParseResult, Person, Problem
from amlref.core.errors import InputError
from amlref.core.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from amlref.core.pages import expand_pages, is_article_number
from amlref.formats.et_al import mark
from amlref.formats.nlm import (csl_type, parse_author, parse_full_name, parse_source, read_isbn,
                                read_issn, split_journal_title)
from amlref.plugins.base import Importer, parts_at

_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,3}- ?(.*)$")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MONTH_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august",
                "september", "sept", "october", "november", "december"}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}


def parse_medline_date(value: str) -> str:
    """``2020 Feb`` -> ``2020-02``; ``2019 Mar 25`` -> ``2019-03-25``; ``2020 Jan-Feb`` ->
    ``2020-01``; ``2019 Winter`` -> ``2019-12``; ``20100520`` -> ``2010-05-20``; the forms of
    other databases too: ``Spring 2019`` -> ``2019-03``, ``November 15, 2004`` ->
    ``2004-11-15``, ``Article 10 2019`` -> ``2019``."""
    v = (value or "").strip()
    m = re.match(r"^(\d{4})(\d{2})(\d{2})$", v)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = re.match(r"^(\d{4})(?:\s+([A-Za-z]+)\.?(?:\s+(\d{1,2}))?)?", v)
    if not m:
        return _date_year_last(v)
    mn = re.match(r"^(\d{4})[\s/-]+(\d{1,2})(?:[\s/-]+(\d{1,2}))?\b", v)
    if mn and 1 <= int(mn.group(2)) <= 12:
        if mn.group(3) and 1 <= int(mn.group(3)) <= 31:
            return f"{mn.group(1)}-{int(mn.group(2)):02d}-{int(mn.group(3)):02d}"
        return f"{mn.group(1)}-{int(mn.group(2)):02d}"
    y, mon, day = m.group(1), (m.group(2) or "").lower(), m.group(3)
    mo = _month(mon)
    if not mo:
        return y
    if day and 1 <= int(day) <= 31:
        return f"{y}-{mo:02d}-{int(day):02d}"
    return f"{y}-{mo:02d}"


def _month(word: str) -> int:
    w = word.lower()
    return _MONTHS.get(w[:3], 0) if w[:3] in _MONTHS and (len(w) == 3 or w in _MONTH_NAMES) \
        else _SEASONS.get(w, 0)


def _date_year_last(v: str) -> str:
    """``Spring 2019``, ``Nov 2004``, ``November 15, 2004``, ``Article 10 2019``."""
    y = re.search(r"\b(1[6-9]\d\d|20\d\d)\b", v)
    if not y:
        return ""
    m = re.match(r"^([A-Za-z]+)\.?(?:\s+(\d{1,2}))?,?\s+(?:1[6-9]|20)\d\d\b", v)
    mo = _month(m.group(1)) if m else 0
    if not mo:
        return y.group(1)
    day = m.group(2)
    if day and 1 <= int(day) <= 31:
        return f"{y.group(1)}-{mo:02d}-{int(day):02d}"
    return f"{y.group(1)}-{mo:02d}"


def mesh_term(heading: str, heading_major: bool = False,
              subheadings: Iterable[tuple[str, bool]] = ()) -> list[str]:
    """MeSH as ``Heading/Subheading`` strings, ``*`` marking a major topic:
    ("Neoplasms", False, [("drug therapy", True), ("genetics", False)]) ->
    ["Neoplasms/*drug therapy", "Neoplasms/genetics"]; with no subheading, ["*Neoplasms"] or
    ["Neoplasms"]."""
    heading = " ".join(heading.split())
    subs = [(" ".join(s.split()), major) for s, major in subheadings if s.strip()]
    if not subs:
        return [("*" if heading_major else "") + heading]
    head = ("*" if heading_major else "") + heading
    return [f"{head}/{'*' if major else ''}{s}" for s, major in subs]


def parse_mh(value: str) -> list[str]:
    """``*Conduct Disorder/prevention & control/*psychology`` -> MeSH strings."""
    parts = [p.strip() for p in value.split("/")]
    head = parts[0]
    major = head.startswith("*")
    subs = [(p.lstrip("*"), p.startswith("*")) for p in parts[1:]]
    return mesh_term(head.lstrip("*"), major, subs)


_RECORD_MARK = re.compile(r"^\s*<\s*\d+\s*\.?\s*>\s*$")   # Ovid: "<1. >", "<12>"
_CUT = re.compile(r"\n[ \t]*\r?\n(?=PMID- ?\d)")     # a blank line, then a PubMed record
_STARTS_RECORD = ("PMID", "OWN", "VN")   # once per record: seen again, a new record began


def iter_records(text: str, warnings: list[str] | None = None, first_line: int = 1
                 ) -> Iterable[tuple[int, list[tuple[str, str]]]]:
    """Yield (first line, [(tag, value)]) per record; continuation lines are joined.  A record
    ends at a blank line, at an Ovid record number line (``<1. >``), or where a tag that comes
    once per record (``PMID``, ERIC's ``OWN``, Ovid's ``VN``) comes again.  ``first_line``:
    the line of the file where ``text`` begins (a part of a big file)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    fields: list[tuple[str, str]] = []
    seen: set[str] = set()
    start = 0
    for n, line in enumerate(text.splitlines(), first_line):
        if not line.strip() or _RECORD_MARK.match(line):
            if fields:  # a blank line ends a record
                yield start, fields
                fields, seen = [], set()
            continue
        m = _TAG.match(line) if not line[:1].isspace() else None
        if m is None and not fields and line[:1].isspace():
            m = _TAG.match(line.strip())   # a record indented as a whole (pasted text)
        if m:
            tag, val = m.group(1), m.group(2).strip()
            if tag in _STARTS_RECORD and tag in seen and fields:  # no blank line between
                yield start, fields
                fields, seen = [], set()
            if not fields:
                start = n
            seen.add(tag)
            fields.append((tag, val))
        elif fields and line[:1].isspace():
            t, v = fields[-1]
            s = line.strip()
            fields[-1] = (t, f"{v} {s}" if v else s)
        elif warnings is not None:
            warnings.append(f"line {n}: not a MEDLINE line, ignored: {line[:60]!r}")
    if fields:
        yield start, fields


_ID_KIND = re.compile(r"^(.*?)\s*\[(\w+)\]\s*$")
_DOI_START = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/", re.I)
_ET_AL = re.compile(r"^et\.?\s*al\.?$", re.I)
_OVID_TITLE_LABEL = re.compile(r"\s*\[(?:Article|Report|Miscellaneous|References)\]\s*$")


def _identifier(a: Article, tag: str, val: str) -> str:
    """LID/AID/DO: a DOI, PMCID or link goes to its field; returns an article number that a
    LID gives (``LID - e42692 [pii]``, ``LID - 386``), else ""."""
    m = _ID_KIND.match(val)
    kind = m.group(2).lower() if m else ""
    ident = m.group(1).strip() if m else val.strip()
    if kind in ("", "doi") and _DOI_START.match(ident):
        a.doi = a.doi or normalize_doi(ident, strict=False)
    elif kind == "pmc":
        a.pmcid = a.pmcid or normalize_pmcid(ident, strict=False)
    elif kind == "bookaccession" and re.fullmatch(r"NBK\d+", ident):
        a.url = a.url or f"https://www.ncbi.nlm.nih.gov/books/{ident}/"   # NCBI Bookshelf
    elif not kind and re.match(r"^https?://", ident, re.I):
        a.url = a.url or ident    # ERIC: "LID - http://eric.ed.gov/?id=EJ1227990"
    elif tag == "LID" and kind in ("", "pii") and is_article_number(ident):
        return ident              # an electronic location: the article number
    return ""


class _Record:
    """What one record's fields make, before the article is finished."""

    def __init__(self, fields: list[tuple[str, str]], line: int | None):
        self.a = Article(origin="medline", line=line)
        self.extra: dict[str, list[str]] = {}
        self.tags = {t for t, _ in fields}
        self.article_number = ""
        self.issns: list[tuple[str, str]] = []
        self.journal = self.source = ""
        self.last_full = False     # the previous name line was a full name (FAU/FA/FED)
        # the publication date; Ovid's year, or the electronic date, only when there is none
        self.date_tag = next((t for t in ("DP", "YR", "DEP") if t in self.tags), "")
        self.database = next((v for t, v in fields if t == "DB"), "")

    def keep(self, tag: str, val: str) -> None:
        self.extra.setdefault(tag, []).append(val)


def record_to_article(fields: list[tuple[str, str]], line: int | None = None) -> Article:
    r = _Record(fields, line)
    a = r.a
    for tag, val in fields:
        if not val:
            continue
        full = r.last_full
        r.last_full = False
        handler = _HANDLERS.get(tag)
        if handler is None:
            r.keep(tag, val)
        elif handler(r, tag, val, full) is False:
            r.keep(tag, val)
        if tag in ("AD", "AUID", "IN") and full:
            r.last_full = True     # AU still pairs with its FAU across an affiliation line
    _finish(r)
    return a


def _pmid(r: _Record, tag: str, val: str, _full: bool):
    if tag == "UI" and r.database and "medline" not in r.database.lower():
        return False              # Ovid's UI is a PMID only in its MEDLINE databases
    pmid = normalize_pmid(val, strict=False)
    if not pmid:
        return False
    r.a.pmid = r.a.pmid or pmid


def _title(r: _Record, tag: str, val: str, _full: bool):
    val = _OVID_TITLE_LABEL.sub("", val) if "VN" in r.tags else val
    if r.a.title:     # TI given again: the title goes on, as a subtitle prints (JabRef's test)
        from amlref.formats.bibtex_entry import with_subtitle
        r.a.title = with_subtitle(r.a.title, val)
    else:
        r.a.title = val


def _book_title(r: _Record, tag: str, val: str, _full: bool):
    if r.a.title or "TI" in r.tags:
        r.a.container = r.a.container or val
    else:
        r.a.title = val


def _abstract(r: _Record, tag: str, val: str, _full: bool):
    r.a.abstract = f"{r.a.abstract}\n{val}" if r.a.abstract else val


def _date(r: _Record, tag: str, val: str, _full: bool):
    if tag == r.date_tag and not r.a.issued:
        r.a.issued = parse_medline_date(val)
    return False                  # the date as written stays in extra


def _journal(r: _Record, tag: str, val: str, _full: bool):
    r.journal = r.journal or val


def _short(r: _Record, tag: str, val: str, _full: bool):
    r.a.container_short = r.a.container_short or val


def _simple(attr: str):
    def h(r: _Record, tag: str, val: str, _full: bool):
        if not getattr(r.a, attr):
            setattr(r.a, attr, val)
    return h


def _ids(r: _Record, tag: str, val: str, _full: bool):
    number = _identifier(r.a, tag, val)
    r.article_number = r.article_number or number
    return False                  # every identifier as written stays in extra


def _pmc(r: _Record, tag: str, val: str, _full: bool):
    r.a.pmcid = r.a.pmcid or normalize_pmcid("PMC" + val if val.isdigit() else val, strict=False)


def _mesh(r: _Record, tag: str, val: str, _full: bool):
    for t in parse_mh(val):
        if t not in r.a.mesh:
            r.a.mesh.append(t)


def _keywords(r: _Record, tag: str, val: str, _full: bool):
    for k in (val.split(";") if tag == "KW" and ";" in val else [val]):
        k = k.strip()
        if k and k not in r.a.keywords:
            r.a.keywords.append(k)


def _pub_type(r: _Record, tag: str, val: str, _full: bool):
    if val not in r.a.pub_types:
        r.a.pub_types.append(val)


def _language(r: _Record, tag: str, val: str, _full: bool):
    r.a.language = r.a.language or val
    if r.a.language != val:
        return False


def _full_name(r: _Record, tag: str, val: str, _full: bool):
    if _ET_AL.match(val):
        mark(r.a, "editor" if tag == "FED" else "author")
        return False
    p = parse_full_name(val)
    (r.a.editors if tag == "FED" else r.a.authors).append(p)
    r.last_full = True


def _short_name(r: _Record, tag: str, val: str, full: bool):
    if full:
        return                    # the short form of the full name just read
    if _ET_AL.match(val):
        mark(r.a, "editor" if tag == "ED" else "author")
        return False              # "AU - et al.": more authors, not one of them
    if tag == "ED" and "FED" in r.tags:
        return
    p = parse_author(val)
    if p.family or p.literal:
        (r.a.editors if tag == "ED" else r.a.authors).append(p)


def _group(r: _Record, tag: str, val: str, _full: bool):
    r.a.authors.append(Person(literal=val))


def _isbn(r: _Record, tag: str, val: str, _full: bool):
    r.a.isbn = r.a.isbn or read_isbn(val)
    return False


def _issn(r: _Record, tag: str, val: str, _full: bool):
    issn, kind = read_issn(val)
    if issn:
        r.issns.append((issn, kind))
    return False


def _source(r: _Record, tag: str, val: str, _full: bool):
    r.source = r.source or val
    return False


_HANDLERS = {
    "PMID": _pmid, "UI": _pmid, "TI": _title, "BTI": _book_title, "AB": _abstract,
    "DP": _date, "YR": _date, "DEP": _date, "JT": _journal, "JN": _journal, "JF": _journal,
    "TA": _short, "JA": _short, "VI": _simple("volume"), "VO": _simple("volume"),
    "IP": _simple("issue"), "PG": _simple("pages"), "LID": _ids, "AID": _ids, "DO": _ids,
    "DI": _ids, "PMC": _pmc, "MH": _mesh, "OT": _keywords, "KW": _keywords, "PT": _pub_type,
    "DT": _pub_type, "LA": _language, "LG": _language, "FAU": _full_name, "FA": _full_name,
    "FED": _full_name, "AU": _short_name, "ED": _short_name, "CN": _group, "ISBN": _isbn,
    "IB": _isbn, "IS": _issn, "ISSN": _issn, "PB": _simple("publisher"), "SO": _source,
}


def _finish(r: _Record) -> None:
    a, extra = r.a, r.extra
    if r.issns:   # the print or electronic ISSN as listed first; the linking one otherwise
        own = [i for i, k in r.issns if k != "linking"]
        a.issn = (own or [r.issns[0][0]])[0]
    if r.journal and not a.container:
        a.container, qualifier = split_journal_title(r.journal)
        if qualifier:   # the display title leaves NLM's place out; the full one is kept
            extra.setdefault("JT", []).append(r.journal)
    so = parse_source(r.source) if r.source else {}
    if not a.container and "BTI" not in r.tags:
        a.container = so.get("journal", "") or a.container_short
    for fld in ("volume", "issue", "pages"):
        if not getattr(a, fld) and so.get(fld):
            setattr(a, fld, so[fld])
    if not a.issued and so.get("date"):
        a.issued = parse_medline_date(so["date"])
    if not a.pages and r.article_number:
        a.pages = r.article_number
    a.pages = expand_pages(a.pages)
    if "BTI" in r.tags:   # a PubMed book (BTI alone) or a chapter in one (TI and BTI)
        a.type = "chapter" if a.container else "book"
    else:
        # ERIC's accession number says what a record is: EJ a journal article (whatever its
        # "Reports - ..." types say), ED any other document (a report unless its types say)
        eric = next((v[:2] for v in extra.get("OID", []) if re.match(r"^E[JD]\d", v)), "")
        if eric == "EJ":
            a.type = "article-journal"
        else:
            a.type = csl_type(a.pub_types, "report" if eric == "ED" else "article-journal")
        if a.type in ("report", "thesis", "book") and a.container and not (a.volume or a.issue):
            # ERIC's "JT - ACT, Inc." for a report: who issued it, not a journal
            a.publisher = a.publisher or a.container
            a.container = ""
    if extra:
        a.extra["medline"] = extra


def sniff_medline(head: str) -> float:
    h = head.lstrip("\ufeff \r\n")
    if re.match(r"^PMID- ?\d", h):
        return 0.98
    if re.match(r"^(?:<\s*\d+\s*\.?\s*>\s*)?(?:OWN - ERIC|VN\s{1,2}- Ovid Technologies)\b", h):
        return 0.95      # ERIC's export, Ovid's tagged (MEDLARS) export
    if re.search(r"^PMID- ?\d+", h, re.M) and re.search(r"^(TI|FAU|AU|DP)\s*- ", h, re.M):
        return 0.9
    if not re.search(r"^\s{0,3}TY\s{1,4}-", h, re.M):
        own = set(re.findall(r"^(FAU|PMC|PMCR|BTI|JT|TA|DP|OWN|STAT|DCOM|LID|AID|MH|OT|PT|FED)\s*- ",
                             h, re.M))
        if len(own) >= 2:
            return 0.6
    return 0.0


class MedlineImporter(Importer):
    name = "medline"
    label = "PubMed MEDLINE / .nbib"
    extensions = (".nbib", ".medline", ".txt")

    def sniff(self, head: str) -> float:
        return sniff_medline(head)

    def parse(self, text: str, filename: str = "<text>") -> ParseResult:
        res = self.parse_part(text, filename, 1)
        if not res.articles and not res.problems:
            raise InputError("no MEDLINE records found (expected lines like 'PMID- 12345')",
                             filename)
        return res

    def split(self, text: str, size: int) -> list[tuple[str, int]] | None:
        """Cut at a blank line before a ``PMID-`` line about every ``size`` characters (PubMed's
        "Save as PubMed format" holds up to 10,000 records): a record ends at a blank line, so
        each part reads as it would in the whole."""
        # (lines counted as the reader counts them)
        return parts_at(text, size, lambda t, at: (m := _CUT.search(t, at)) and m.end(),
                        lambda part: len(part.splitlines()))

    def parse_part(self, text: str, filename: str, first_line: int) -> ParseResult:
        res = ParseResult(format=self.name)
        warns: list[str] = []
        with gcpause.paused():  # no reference cycles are made: skip the collector's passes
            self._read(res, text, filename, warns, first_line)
        res.warnings.extend(f"{filename}: {w}" for w in warns)
        return res

    def _read(self, res: ParseResult, text: str, filename: str, warns: list[str],
              first_line: int = 1) -> None:
        for line, fields in iter_records(text, warns, first_line):
            try:
                a = record_to_article(fields, line)
            except Exception as exc:  # one broken record never stops the rest
                res.problems.append(Problem(filename, line, f"cannot read MEDLINE record: {exc}"))
                continue
            if not (a.pmid or a.title or a.abstract or a.container or a.authors or a.doi):
                res.problems.append(Problem(filename, line,
                                            "MEDLINE record without PMID, title or journal"))
                continue
            res.articles.append(a)
