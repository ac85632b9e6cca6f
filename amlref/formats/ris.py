"""RIS in and out, tolerant of the vendors' dialects.

A small line reader of our own (rispy insists on ``TY  - `` with exactly two spaces, drops lines
before the first tag silently, and cannot tell EndNote's one-value-per-line lists from wrapped
text).  What the vendors do differently, and how it is read:

- journal in ``JF``, ``T2`` (Scopus, EndNote), ``JO`` or ``JA``/``J2``/``J1`` (abbreviations ->
  ``container_short``); issue in ``IS`` or (EndNote) ``M1``;
- dates in ``PY``, ``Y1`` or ``DA``: ``2019``, ``2019///``, ``2019/05/03/``, ``2012/07/03``;
- authors in ``AU`` or ``A1``, editors ``A2``/``ED``; ``Family, Given`` or ``Family GA``;
- DOI in ``DO``/``DI``, else found by pattern in ``M3``, ``L3``, ``UR``, ``L2``, ``N1``;
- PMID as ``PMID: n``/``PUBMED n``/``n[pmid]`` in any tag, bare digits in ``AN`` (PubMed,
  Zotero), ``C5`` (Embase) or ``C2`` (Scopus);
- abstract ``AB`` or ``N2``; keywords ``KW`` (one per line, or ``;``-separated);
- values continued on untagged lines (EndNote writes one list item per line), a BOM, headers
  before the first record, blank lines, a missing final ``ER``, ``TY  -  JOUR`` with extra spaces.

Every tag with no Article field is kept in ``extra['ris']`` (tag -> list of values)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from amlref.core import gcpause
from amlref.core.article import Article, ParseResult, Person, Problem
from amlref.core.identifiers import find_doi, normalize_doi, normalize_pmcid, normalize_pmid
from amlref.plugins.base import Exporter, Importer

_TAG = re.compile(r"^\s{0,3}([A-Z][A-Z0-9])\s{1,4}-(?:\s(.*))?$")
_TY_LINE = re.compile(r"^[ \t]{0,3}TY[ \t]{1,4}-(?:[ \t][^\n]*)?\r?$", re.M)  # split cuts here
_TAG_LINE = re.compile(r"^[ \t]{0,3}([A-Z][A-Z0-9])[ \t]{1,4}-(?:[ \t]([^\n]*))?\r?$\n?", re.M)

TYPE_MAP = {
    "JOUR": "article-journal", "JFULL": "article-journal", "EJOUR": "article-journal",
    "ABST": "article-journal", "INPR": "article-journal", "MGZN": "article-magazine",
    "NEWS": "article-newspaper", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book",
    "CHAP": "chapter", "ECHAP": "chapter", "CONF": "paper-conference",
    "CPAPER": "paper-conference", "THES": "thesis", "RPRT": "report", "GOVDOC": "report",
    "ELEC": "webpage", "WEB": "webpage", "BLOG": "post-weblog", "DATA": "dataset",
    "DBASE": "dataset", "COMP": "software", "PAT": "patent", "STAT": "legislation",
    "BILL": "bill", "CASE": "legal_case", "HEAR": "hearing", "MAP": "map", "MPCT": "motion_picture",
    "VIDEO": "motion_picture", "SOUND": "song", "MUSIC": "musical_score", "PCOMM": "personal_communication",
    "UNPB": "manuscript", "MANSCPT": "manuscript", "SER": "book", "ENCYC": "entry-encyclopedia",
    "DICT": "entry-dictionary", "STAND": "standard", "ART": "graphic", "FIGURE": "figure",
    "PAMP": "pamphlet", "GEN": "article", "CTLG": "book", "ICOMM": "personal_communication",
}
OUT_TYPES = {
    "article-journal": "JOUR", "article": "GEN", "article-magazine": "MGZN",
    "article-newspaper": "NEWS", "book": "BOOK", "chapter": "CHAP", "paper-conference": "CONF",
    "thesis": "THES", "report": "RPRT", "webpage": "ELEC", "post-weblog": "BLOG",
    "dataset": "DATA", "software": "COMP", "patent": "PAT", "legislation": "STAT", "bill": "BILL",
    "legal_case": "CASE", "hearing": "HEAR", "map": "MAP", "motion_picture": "MPCT",
    "song": "SOUND", "musical_score": "MUSIC", "personal_communication": "PCOMM",
    "manuscript": "UNPB", "entry-encyclopedia": "ENCYC", "entry-dictionary": "DICT",
    "standard": "STAND", "graphic": "ART", "figure": "FIGURE", "pamphlet": "PAMP",
    "review": "JOUR", "review-book": "JOUR", "collection": "EDBOOK", "periodical": "JFULL",
    "entry": "GEN", "post": "BLOG", "document": "GEN", "speech": "GEN", "interview": "GEN",
}

# Tags whose untagged continuation lines are further list items (EndNote style).
_LIST_TAGS = {"AU", "A1", "A2", "A3", "A4", "ED", "KW", "SN", "DB", "UR", "L1", "L2", "L3",
              "L4", "AD", "C3", "DP"}
_USED = {"TY", "ER", "TI", "T1", "CT", "BT", "T2", "JF", "JO", "JA", "J1", "J2", "VL", "IS",
         "SP", "EP", "PY", "Y1", "DA", "AU", "A1", "A2", "ED", "DO", "DI", "AB", "N2", "KW",
         "SN", "UR", "PB", "LA"}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_PMID_TEXT = re.compile(r"^(?:(?:PMID|PUBMED|PubMed ID|MEDLINE)\s*[:=]?\s*(\d{1,9})|"
                        r"(\d{1,9})\s*\[pmid\])\s*$", re.I)
_PMCID_TEXT = re.compile(r"\b(PMC\d{3,10})\b")
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,3}")
_CORPORATE = re.compile(r"\b(group|society|consortium|committee|organi[sz]ation|association|"
                        r"institute|network|collaborat\w*|investigators|council|agency|"
                        r"department|university|team|foundation|centre|center)\b", re.I)
_DATE_YMD = re.compile(r"^(\d{4})(?:[/\-.](\d{1,2})?(?:[/\-.](\d{1,2})?)?)?")
_PUBMED_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|"
                         r"europepmc\.org/(?:article|abstract)/MED/)(\d{1,9})\b", re.I)
_PMC_URL = re.compile(r"(?:ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/|"
                      r"europepmc\.org/(?:article|abstract)/PMC/)(PMC\d+)\b", re.I)
_NO_IDS = {"TY", "TI", "T1", "AB", "N2", "AU", "A1", "KW", "T2", "JF", "JO", "PY", "Y1", "DA",
           "SP", "EP", "VL", "IS", "PB"}
_TITLE_TAGS = frozenset(("TI", "T1", "CT", "BT", "T2", "JF", "JO", "JA", "J1", "J2"))
_ISSUE = re.compile(r"[\w\-/ .()]+")
_LONG_NUM = re.compile(r"\d{6,}")
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_NON_PUBMED_DB = re.compile(r"embase|cinahl|ebsco|psycinfo|proquest|scopus|web of science|"
                            r"wos|ovid|eric|cochrane|rayyan|openalex|lens", re.I)


def parse_date(value: str) -> str:
    """``2019///`` -> ``2019``; ``2019/05/03/`` -> ``2019-05-03``; ``May 2019`` -> ``2019-05``."""
    v = (value or "").strip()
    if not v:
        return ""
    if len(v) == 4 and v.isdigit():
        return v
    m = _DATE_YMD.match(v)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        if mo and 1 <= int(mo) <= 12:
            if d and 1 <= int(d) <= 31:
                return f"{y}-{int(mo):02d}-{int(d):02d}"
            return f"{y}-{int(mo):02d}"
        if not mo and not d:
            rest = v[4:].strip(" /.,-")
            mm = re.match(r"([A-Za-z]{3})[a-z]*\.?(?:\s+(\d{1,2}))?", rest)
            if mm and mm.group(1).lower() in _MONTHS:
                mon = _MONTHS[mm.group(1).lower()]
                if mm.group(2):
                    return f"{y}-{mon:02d}-{int(mm.group(2)):02d}"
                return f"{y}-{mon:02d}"
        return y
    # "05/03/2019", "May 2019", "3 May 2019"
    y = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", v)
    if not y:
        return ""
    mm = re.search(r"\b([A-Za-z]{3})[a-z]*\b", v)
    if mm and mm.group(1).lower() in _MONTHS:
        return f"{y.group(1)}-{_MONTHS[mm.group(1).lower()]:02d}"
    return y.group(1)


def parse_name(value: str) -> Person | None:
    """``Family, Given[, Suffix]``; ``Family GA`` (MEDLINE style); ``Given Family``."""
    t = _name_parts(value or "")
    return Person(*t) if t else None


@lru_cache(maxsize=65536)
def _name_parts(value: str) -> tuple[str, str, str] | None:
    p = _parse_name(value)
    return (p.family, p.given, p.literal) if p else None


def _parse_name(value: str) -> Person | None:
    if value.count(",") == 1 and "  " not in value:  # the common "Family, Given"
        family, _, given = value.partition(",")
        family, given = family.strip(), given.strip(" ;")
        if family and given:
            return Person(family=family, given=given)
    v = " ".join((value or "").split()).strip(" ;,")
    if not v:
        return None
    if "," in v:
        parts = [p.strip() for p in v.split(",")]
        family, given = parts[0], parts[1] if len(parts) > 1 else ""
        if len(parts) > 2 and parts[2]:
            given = f"{given}, {parts[2]}" if given else parts[2]
        if not family:
            return Person(literal=v)
        return Person(family=family, given=given)
    words = v.split(" ")
    if len(words) == 1:
        return Person(family=v)
    k = len(words)
    while k > 1 and _INITIALS.fullmatch(words[k - 1]):
        k -= 1
    if k < len(words):  # "Smith JA", "Troiano L P": family name, then initials
        return Person(family=" ".join(words[:k]), given=" ".join(words[k:]))
    last = words[-1]
    if len(words) > 5 or _CORPORATE.search(v):
        return Person(literal=v)
    return Person(family=last, given=" ".join(words[:-1]))


def iter_records(text: str, first_line: int = 1
                 ) -> Iterable[tuple[int, dict[str, list[str]], list[str]]]:
    """Yield (first line, {tag: [values]}, warnings) per record.  Tolerant: see module doc.
    A record ends at ``ER`` or at the next ``TY``; tags after ``ER`` but before the next ``TY``
    (Ovid writes ``NL`` there) still belong to the record they follow.  Tag lines are found by
    one regex scan over the whole text; the text between two tag lines, if any, continues the
    previous value."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text[:20000] and "\n" not in text[:20000]:
        text = text.replace("\r", "\n")  # old Mac line ends
    rec: dict[str, list[str]] | None = None
    start = 0
    last: list[str] | None = None   # the value list of the last tag (continuations go there)
    last_tag = ""
    closed = False
    warns: list[str] = []
    line = first_line   # line numbers are counted only where a record starts
    prev = 0
    pos = 0
    count = text.count
    for m in _TAG_LINE.finditer(text):
        ms, me = m.span()
        if ms > pos and last is not None and not closed:
            gap = text[pos:ms]
            if gap.strip():
                _continue(last, last_tag, gap)
        pos = me
        tag, val = m.groups()
        val = val.strip() if val else ""
        if tag == "TY" or rec is None:
            line += count("\n", prev, ms)
            prev = ms
        if tag == "TY":
            if rec is not None:
                if not closed:
                    warns.append(f"line {start}: record has no ER line")
                yield start, rec, warns
                warns = []
            last = [val]
            rec, start, last_tag, closed = {"TY": last}, line, "TY", False
        elif tag == "ER":
            if rec is not None:
                closed = True
            last = None
        else:
            if rec is None:
                # a tag before any TY: start a record anyway (some tools omit TY)
                rec, start, closed = {"TY": [""]}, line, False
            last = rec.get(tag)
            if last is None:
                last = rec[tag] = [val]
            else:
                last.append(val)
            last_tag = tag
    if rec is not None:
        if last is not None and not closed:
            gap = text[pos:]
            if gap.strip():
                _continue(last, last_tag, gap)
        if not closed:
            warns.append(f"line {start}: record has no ER line")
        yield start, rec, warns


def _continue(values: list[str], last_tag: str, gap: str) -> None:
    """Untagged lines after a tag line: more list items (EndNote) or more of the value."""
    for raw in gap.split("\n"):
        s = raw.strip().lstrip("\ufeff")
        if not s:
            continue
        if last_tag in _LIST_TAGS and not raw[:1].isspace():
            values.append(s)
        else:
            v = values[-1]
            sep = " " if raw[:1].isspace() or not v else "\n"
            values[-1] = f"{v}{sep}{s}" if v else s


def record_to_article(fields: "dict[str, list[str]] | list[tuple[str, str]]",
                      line: int | None = None) -> Article:
    """One record ({tag: [values]} or [(tag, value)]) -> Article."""
    d: dict[str, list[str]] = {}
    if isinstance(fields, dict):
        for tag, vals in fields.items():
            if "" in vals and tag != "TY":
                vals = [v for v in vals if v]
                if not vals:
                    continue
            d[tag] = vals
    else:
        for tag, val in fields:
            if val or tag == "TY":
                d.setdefault(tag, []).append(val)
    a = Article(origin="ris", line=line)
    extra: dict[str, list[str]] = {}
    ty = (d.get("TY") or [""])[0].strip().upper()
    a.type = TYPE_MAP.get(ty, "article-journal" if not ty else "article")
    if ty and ty not in TYPE_MAP:
        extra["TY"] = [ty]

    def first(*tags: str) -> str:  # values are stripped and non-empty already
        for t in tags:
            if t in d:
                return d[t][0]
        return ""

    # title and container
    is_part = a.type in ("chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary")
    a.title = first("TI", "T1", "CT") or (first("BT") if not is_part else "")
    full = first("JF")
    t2 = first("T2")
    bt = first("BT")
    jo = first("JO")
    abbrev = first("J2", "JA", "J1")
    if is_part:
        a.container = bt or t2 or full or jo
    else:
        a.container = full or t2 or jo or (bt if a.title != bt else "") or abbrev
    if abbrev and abbrev != a.container:
        a.container_short = abbrev
    elif jo and jo != a.container:
        a.container_short = jo
    if not a.title and t2 and a.container != t2:
        a.title = t2
    used = {a.title, a.container, a.container_short}
    for t in _TITLE_TAGS.intersection(d):
        rest = [v for v in d[t] if v not in used]
        if rest:
            extra[t] = rest

    a.volume = first("VL")
    a.issue = first("IS")
    if not a.issue:
        m1 = first("M1")
        if m1 and len(m1) <= 12 and _ISSUE.fullmatch(m1) and not _LONG_NUM.fullmatch(m1):
            a.issue = m1
    sp, ep = first("SP"), first("EP")
    if sp and ep and ep != sp and "-" not in sp:
        a.pages = f"{sp}-{ep}"
    else:
        a.pages = sp or ep

    # dates: year from PY/Y1 (the publication year), month/day from DA when compatible
    py = parse_date(first("PY", "Y1"))
    da = parse_date(first("DA"))
    if py and da and da[:4] == py[:4] and len(da) > len(py):
        a.issued = da
    else:
        a.issued = py or da
    for t in ("PY", "Y1", "DA"):
        if t in d and len(d[t]) > 1:
            extra[t] = d[t][1:]

    # people
    for tag in ("AU", "A1"):
        for v in d.get(tag, ()):
            for part in (v.split(";") if v.count(";") and "," in v else [v]):
                p = parse_name(part)
                if p:
                    a.authors.append(p)
    for tag in ("A2", "ED"):
        target = a.editors
        for v in d.get(tag, ()):
            p = parse_name(v)
            if p:
                target.append(p)
    # identifiers
    doi = first("DO", "DI")
    a.doi = normalize_doi(doi, strict=False) or find_doi(doi)
    if not a.doi:
        for t in ("M3", "L3", "UR", "L2", "L1", "N1", "ID", "M1", "C7"):
            for v in d.get(t, ()):
                if t in ("UR", "L2", "L1") and "doi.org/" not in v and not v.lower().startswith("doi"):
                    continue
                found = find_doi(v)
                if found:
                    a.doi = found
                    break
            if a.doi:
                break
    if not a.doi:
        for t in ("UR", "L2"):
            for v in d.get(t, ()):
                found = find_doi(v)
                if found and not found.endswith((".pdf", ".html")):
                    a.doi = found
                    break
            if a.doi:
                break
    a.pmid = _find_pmid(d)
    for t in ("C2", "AN", "M1", "N1", "C7", "C3"):
        for v in d.get(t, ()):
            m = _PMCID_TEXT.search(v)
            if m and not a.pmcid:
                a.pmcid = normalize_pmcid(m.group(1), strict=False)
    if (not a.pmid or not a.pmcid) and ("UR" in d or "L2" in d):
        # links to the record's own PubMed / PMC pages (Lens, Citavi); used only when they agree
        links = d.get("UR", []) + d.get("L2", [])
        if not a.pmid:
            found = {m.group(1) for u in links for m in _PUBMED_URL.finditer(u)}
            if len(found) == 1:
                a.pmid = normalize_pmid(found.pop(), strict=False)
        if not a.pmcid:
            found = {m.group(1).upper() for u in links for m in _PMC_URL.finditer(u)}
            if len(found) == 1:
                a.pmcid = normalize_pmcid(found.pop(), strict=False)
    # text
    abstracts = d.get("AB", []) or d.get("N2", [])
    a.abstract = "\n".join(v.strip() for v in abstracts if v.strip())
    if d.get("AB") and d.get("N2") and "\n".join(d["N2"]).strip() != a.abstract:
        extra["N2"] = d["N2"]
    kws: list[str] = []
    for v in d.get("KW", ()):
        for k in (v.split(";") if ";" in v else [v]):
            k = k.strip()
            if k and k not in kws:
                kws.append(k)
    a.keywords = kws
    for v in d.get("SN", ()):
        for s in re.split(r"[;,\s]+(?=\d)", v):
            s = s.strip()
            core = re.sub(r"\s*\(.*\)$", "", s)
            if _ISSN.match(core):
                if not a.issn:
                    a.issn = core if "-" in core else f"{core[:4]}-{core[4:]}"
            elif re.sub(r"[\s-]", "", core).upper().rstrip("X").isdigit() and \
                    len(re.sub(r"[\s-]", "", core)) in (10, 13):
                if not a.isbn:
                    a.isbn = core
    if len(d.get("SN", ())) > 1 or (d.get("SN") and not (a.issn or a.isbn)):
        extra["SN"] = d["SN"]
    urls = d.get("UR", [])
    a.url = next((u for u in urls if "doi.org/" not in u), urls[0] if urls else "").strip()
    if len(urls) > 1:
        extra["UR"] = urls
    a.publisher = first("PB")
    a.language = first("LA")
    for t in ("VL", "IS", "SP", "EP", "DO", "DI", "AB", "PB", "LA"):
        if t in d and len(d[t]) > 1:
            extra[t] = d[t]
    for tag, vals in d.items():
        if tag not in _USED and tag not in extra:
            extra[tag] = vals
    if a.issue and "M1" in extra and extra["M1"] == [a.issue] and not first("IS"):
        del extra["M1"]
    if extra:
        a.extra["ris"] = extra
    return a


def _find_pmid(d: dict[str, list[str]]) -> str:
    for tag, vals in d.items():
        if tag in _NO_IDS:
            continue
        for v in vals:
            if len(v) > 40 or not (v[:1] in "PpMm" or v.endswith("]")):
                continue
            m = _PMID_TEXT.match(v.strip())
            if m and int(m.group(1) or m.group(2)):
                return str(int(m.group(1) or m.group(2)))
    if not ("AN" in d or "C5" in d or "M1" in d or "C1" in d or "C2" in d):
        return ""
    context = " ".join(d.get("DB", []) + d.get("DP", []))
    pubmedish = bool(re.search(r"pubmed|medline|nlm|ncbi", context, re.I)) or any(
        "pubmed" in u for u in d.get("UR", []))
    nonpubmed = bool(_NON_PUBMED_DB.search(context)) and not pubmedish
    scopus = "scopus" in context.lower() or any("scopus.com" in u for u in d.get("UR", []))
    for tag in ("AN", "C5", "M1", "C1", "C2"):
        for v in d.get(tag, ()):
            v = v.strip()
            if not (6 <= len(v) <= 9 and v.isdigit()):
                continue
            if tag == "AN" and not nonpubmed:
                return str(int(v))
            if tag == "C5" and re.search(r"embase", context, re.I):
                return str(int(v))
            if tag in ("M1", "C1") and pubmedish:
                return str(int(v))
            if tag == "C2" and scopus:  # Scopus writes the PubMed ID in C2
                return str(int(v))
    return ""


class RisImporter(Importer):
    name = "ris"
    label = "RIS (EndNote, Zotero, Mendeley, Scopus, Web of Science, Embase ...)"
    extensions = (".ris", ".txt", ".enw")

    def sniff(self, head: str) -> float:
        h = head.lstrip("\ufeff")
        if is_wos(h):
            return 0.9  # Web of Science plain-text export, read by this importer too
        tags = re.findall(r"^([A-Z][A-Z0-9])  ?- ", h, re.M)
        if not tags:
            return 0.0
        if re.search(r"^PMID- ", h, re.M):
            return 0.2  # MEDLINE
        if re.search(r"^\s{0,3}TY\s{1,4}-", h, re.M):
            return 0.95
        return 0.5 if len(tags) >= 3 else 0.2

    def parse(self, text: str, filename: str = "<text>") -> ParseResult:
        if is_wos(text[:4096]) and not re.search(r"^\s{0,3}TY\s{1,4}-", text[:4096], re.M):
            return parse_wos(text, filename)
        res = ParseResult(format=self.name)
        # the records hold no reference cycles: pausing the cycle collector while some
        # 100,000 objects are made saves a third of the time
        with gcpause.paused():
            self._parse_into(res, text, filename)
        if not res.articles and not res.problems and text.strip():
            from amlref.core.errors import InputError
            raise InputError("no RIS records found (expected lines like 'TY  - JOUR')", filename)
        return res

    def split(self, text: str, size: int) -> list[tuple[str, int]] | None:
        """Cut before a ``TY`` line about every ``size`` characters: a record ends at ``ER``
        or at the next ``TY``, so each part reads as it would in the whole."""
        head = text[:20000]
        if ("\r" in head and "\n" not in head) or is_wos(head.lstrip("\ufeff")[:4096]):
            return None
        cuts = [0]
        while len(text) - cuts[-1] > size * 3 // 2:
            m = _TY_LINE.search(text, cuts[-1] + size)
            if m is None:
                break
            cuts.append(m.start())
        if len(cuts) < 2:
            return None
        cuts.append(len(text))
        parts, line = [], 1
        for a, b in zip(cuts, cuts[1:]):
            parts.append((text[a:b], line))
            line += text.count("\n", a, b)
        return parts

    def parse_part(self, text: str, filename: str, first_line: int) -> ParseResult:
        res = ParseResult(format=self.name)
        with gcpause.paused():
            self._parse_into(res, text, filename, first_line)
        return res

    def _parse_into(self, res: ParseResult, text: str, filename: str,
                    first_line: int = 1) -> None:
        for line, fields, warns in iter_records(text, first_line):
            for w in warns:
                res.warnings.append(f"{filename}: {w}")
            try:
                a = record_to_article(fields, line)
            except Exception as exc:  # one broken record never stops the rest
                res.problems.append(Problem(filename, line, f"cannot read RIS record: {exc}"))
                continue
            if not any(any(vs) for t, vs in fields.items() if t != "TY"):
                res.problems.append(Problem(filename, line, "empty RIS record (no fields)"))
                continue
            if not (a.title or a.doi or a.pmid or a.authors or a.abstract or a.container):
                res.warnings.append(f"{filename}:{line}: RIS record has no title, author, "
                                    "journal or identifier")
            res.articles.append(a)


def _clean(v: str) -> str:
    return " ".join(str(v).split())


class RisExporter(Exporter):
    name = "ris"
    label = "RIS"
    extension = ".ris"

    def export(self, articles: Iterable[Article], **options) -> str:
        out: list[str] = []
        for a in articles:
            out.extend(article_to_lines(a))
            out.append("")
        return "\n".join(out)


def article_to_lines(a: Article) -> list[str]:
    lines: list[str] = []

    def put(tag: str, value) -> None:
        if value not in (None, ""):
            lines.append(f"{tag}  - {_clean(value)}")

    ris_extra = (a.extra or {}).get("ris") or {}
    ty = OUT_TYPES.get(a.type, "GEN")
    if ris_extra.get("TY") and a.type == "article":
        ty = ris_extra["TY"][0]
    put("TY", ty)
    put("TI", a.title)
    for p in a.authors:
        put("AU", p.display())
    for p in a.editors:
        put("A2", p.display())
    if a.container:
        if ty in ("JOUR", "MGZN", "NEWS", "JFULL"):
            put("T2", a.container)
            put("JO", a.container)
        else:
            put("T2", a.container)
    put("J2", a.container_short)
    if a.issued:
        put("PY", a.issued[:4])
        parts = a.issued.split("-")
        if len(parts) > 1:
            put("DA", "/".join(parts + [""] * (3 - len(parts))) + "/")
    put("VL", a.volume)
    put("IS", a.issue)
    if a.pages:
        sp, _, ep = a.pages.partition("-")
        put("SP", sp.strip())
        put("EP", ep.strip("- "))
    put("DO", a.doi)
    if a.pmid:
        put("AN", a.pmid)
    if a.pmcid:
        put("C2", a.pmcid)
    put("SN", a.issn or a.isbn)
    put("PB", a.publisher)
    put("LA", a.language)
    put("UR", a.url)
    if a.abstract:
        put("AB", a.abstract)
    for k in a.keywords:
        put("KW", k)
    for k in a.mesh:
        put("KW", k)
    if a.citekey:
        put("ID", a.citekey)
    lines.append("ER  - ")
    return lines


# ---- Web of Science "plain text" / "Other file formats: tab-less tagged" export ----------------
# "FN Clarivate Analytics Web of Science" / "PT J" / "AU Smith, J" / 3-space continuation /
# "ER" / "EF".  Read here because users pick it by mistake for "RIS" and save it as .txt/.ris.

_WOS_TAG = re.compile(r"^([A-Z][A-Z0-9]) (.*)$")
_WOS_LIST = {"AU", "AF", "CR", "BA", "BF", "ED", "C1", "RI", "OI", "EM"}
_WOS_TYPES = {"J": "article-journal", "B": "book", "S": "chapter", "P": "patent",
              "C": "paper-conference"}


def is_wos(head: str) -> bool:
    h = head.lstrip("\ufeff \r\n")
    return (h.startswith("FN ") or h.startswith("PT ")) and bool(re.search(r"^PT [A-Z]\s*$", h, re.M))


def parse_wos(text: str, filename: str) -> ParseResult:
    from amlref.core.article import Link
    res = ParseResult(format="ris")
    fields: list[tuple[str, str]] = []
    start = 0
    last = ""
    records: list[tuple[int, list[tuple[str, str]]]] = []
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if line.startswith("   ") and last:
            s = line.strip()
            if last in _WOS_LIST:
                fields.append((last, s))
            elif fields:
                t, v = fields[-1]
                fields[-1] = (t, f"{v} {s}")
            continue
        stripped = line.strip()
        if stripped in ("ER", "EF") or stripped.startswith("ER "):
            if fields:
                records.append((start, fields))
            fields, last = [], ""
            continue
        m = _WOS_TAG.match(line)
        if not m:
            continue
        tag, val = m.group(1), m.group(2).strip()
        if tag in ("FN", "VR"):
            continue
        if tag == "PT" and fields:
            records.append((start, fields))
            fields = []
        if not fields:
            start = n
        fields.append((tag, val))
        last = tag
    if fields:
        records.append((start, fields))
    for line, flds in records:
        try:
            a, refs = _wos_article(flds, line)
        except Exception as exc:  # one broken record never stops the rest
            res.problems.append(Problem(filename, line, f"cannot read Web of Science record: {exc}"))
            continue
        if not (a.title or a.doi):
            res.problems.append(Problem(filename, line, "Web of Science record without title"))
            continue
        idx = len(res.articles)
        res.articles.append(a)
        res.links.extend(Link(source=idx, target=r, kind="cites", origin="wos") for r in refs)
    return res


def _wos_article(fields: list[tuple[str, str]], line: int):
    from amlref.core.article import Reference
    d: dict[str, list[str]] = {}
    for t, v in fields:
        d.setdefault(t, []).append(v)
    g = lambda t: d[t][0] if d.get(t) else ""  # noqa: E731
    a = Article(origin="wos", line=line)
    a.type = _WOS_TYPES.get(g("PT"), "article-journal")
    if "Proceedings Paper" in g("DT"):
        a.type = "paper-conference"
    a.title = g("TI")
    a.container = g("SO")
    if a.container.isupper():
        a.container = a.container.title().replace(" Of ", " of ").replace(" And ", " and ") \
            .replace(" The ", " the ").replace(" In ", " in ")
        a.extra.setdefault("wos", {})["SO"] = g("SO")
    a.container_short = g("J9") or g("JI")
    people = d.get("AF") or d.get("AU") or []
    a.authors = [p for p in (parse_name(x) for x in people) if p]
    a.editors = [p for p in (parse_name(x) for x in d.get("BE", [])) if p]
    year = g("PY")
    a.issued = parse_date(f"{year} {g('PD')}".strip()) if year else parse_date(g("PD"))
    a.volume, a.issue = g("VL"), g("IS")
    bp, ep = g("BP"), g("EP")
    a.pages = f"{bp}-{ep}" if bp and ep and ep != bp else (bp or g("AR"))
    a.doi = normalize_doi(g("DI"), strict=False)
    pm = g("PM")
    a.pmid = pm if pm.isdigit() else ""
    a.abstract = g("AB")
    a.keywords = [k.strip() for v in d.get("DE", []) for k in v.split(";") if k.strip()]
    a.language = g("LA")
    a.publisher = g("PU")
    sn = g("SN") or g("EI")
    a.issn = sn
    a.isbn = g("BN")
    if g("DT"):
        a.pub_types = [x.strip() for x in g("DT").split(";") if x.strip()]
    used = {"PT", "TI", "SO", "J9", "JI", "AF", "AU", "BE", "PY", "PD", "VL", "IS", "BP", "EP",
            "AR", "DI", "PM", "AB", "DE", "LA", "PU", "BN", "DT", "CR"}
    extra = {t: v for t, v in d.items() if t not in used}
    if extra:
        a.extra.setdefault("wos", {}).update(extra)
    refs = []
    for raw in d.get("CR", []):
        parts = [p.strip() for p in raw.split(",")]
        ref = Reference(raw=raw)
        if len(parts) > 1 and re.fullmatch(r"\d{4}", parts[1]):
            ref.year = int(parts[1])
            ref.authors = parts[0]
            if len(parts) > 2:
                ref.container = parts[2]
        m = re.search(r"DOI (?:\[)?(10\.\d{4,9}/[^\s,\]]+)", raw)
        if m:
            ref.doi = normalize_doi(m.group(1), strict=False)
        refs.append(ref)
    return a, refs
