"""PubMed MEDLINE text (``.nbib``, "Send to: citation manager", "Format: PubMed").

Records start with ``PMID- ``; a tag is up to four letters padded to column 4, then ``- ``; a
value continues on lines indented by six spaces.  Read: FAU/AU (CN for groups), TI/BTI, AB, DP,
JT/TA, VI, IP, PG, LID/AID (``[doi]``, ``[pii]``), PMC, MH (MeSH ``Heading/Subheading``, ``*`` on
major topics), OT keywords, PT publication types, LA, IS, and everything else into
``extra['medline']``.  Detection is by content, so a MEDLINE file named ``.ris`` is read here."""
from __future__ import annotations

import re
from typing import Iterable

from amlref.core import gcpause
from amlref.core.article import Article, ParseResult, Person, Problem
from amlref.core.errors import InputError
from amlref.core.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from amlref.plugins.base import Importer

_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,3}- ?(.*)$")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_USED = {"PMID", "TI", "BTI", "AB", "DP", "JT", "TA", "VI", "IP", "PG", "LID", "AID", "PMC",
         "MH", "OT", "PT", "LA", "FAU", "AU", "CN", "FED", "ED", "ISBN", "PB"}


def parse_medline_date(value: str) -> str:
    """``2020 Feb`` -> ``2020-02``; ``2019 Mar 25`` -> ``2019-03-25``; ``2020 Jan-Feb`` ->
    ``2020-01``; ``2019 Winter`` -> ``2019-12``; ``20100520`` -> ``2010-05-20``."""
    v = (value or "").strip()
    m = re.match(r"^(\d{4})(\d{2})(\d{2})$", v)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = re.match(r"^(\d{4})(?:\s+([A-Za-z]+)\.?(?:\s+(\d{1,2}))?)?", v)
    if not m:
        y = re.search(r"\b(1[6-9]\d\d|20\d\d)\b", v)
        return y.group(1) if y else ""
    mn = re.match(r"^(\d{4})[\s/-]+(\d{1,2})(?:[\s/-]+(\d{1,2}))?\b", v)
    if mn and 1 <= int(mn.group(2)) <= 12:
        if mn.group(3) and 1 <= int(mn.group(3)) <= 31:
            return f"{mn.group(1)}-{int(mn.group(2)):02d}-{int(mn.group(3)):02d}"
        return f"{mn.group(1)}-{int(mn.group(2)):02d}"
    y, mon, day = m.group(1), (m.group(2) or "").lower(), m.group(3)
    mo = _MONTHS.get(mon[:3]) if mon[:3] in _MONTHS else _SEASONS.get(mon)
    if not mo:
        return y
    if day and 1 <= int(day) <= 31:
        return f"{y}-{mo:02d}-{int(day):02d}"
    return f"{y}-{mo:02d}"


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


def iter_records(text: str, warnings: list[str] | None = None
                 ) -> Iterable[tuple[int, list[tuple[str, str]]]]:
    """Yield (first line, [(tag, value)]) per record; continuation lines are joined."""
    if text.startswith("\ufeff"):
        text = text[1:]
    fields: list[tuple[str, str]] = []
    start = 0
    has_pmid = False
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            if fields:  # a blank line ends a record
                yield start, fields
                fields = []
            continue
        m = _TAG.match(line) if not line[:1].isspace() else None
        if m:
            tag, val = m.group(1), m.group(2).strip()
            if tag == "PMID" and has_pmid and fields:  # no blank line between records
                yield start, fields
                fields = []
            if not fields:
                has_pmid = False
            has_pmid = has_pmid or tag == "PMID"
            if not fields:
                start = n
            fields.append((tag, val))
        elif fields and line[:1].isspace():
            t, v = fields[-1]
            s = line.strip()
            fields[-1] = (t, f"{v} {s}" if v else s)
        elif warnings is not None:
            warnings.append(f"line {n}: not a MEDLINE line, ignored: {line[:60]!r}")
    if fields:
        yield start, fields


def record_to_article(fields: list[tuple[str, str]], line: int | None = None) -> Article:
    a = Article(origin="medline", line=line)
    extra: dict[str, list[str]] = {}
    last_fau = False
    for tag, val in fields:
        if not val and tag not in ("AB",):
            continue
        if tag == "PMID":
            a.pmid = normalize_pmid(val, strict=False) or a.pmid
            if not a.pmid:
                extra.setdefault(tag, []).append(val)
        elif tag == "TI":
            a.title = f"{a.title} {val}".strip() if a.title else val
        elif tag == "BTI":
            if a.title:
                a.container = a.container or val
            else:
                a.title = val
        elif tag == "AB":
            a.abstract = f"{a.abstract}\n{val}" if a.abstract else val
        elif tag == "DP":
            a.issued = a.issued or parse_medline_date(val)
            extra.setdefault("DP", []).append(val)
        elif tag == "JT":
            a.container = a.container or val
        elif tag == "TA":
            a.container_short = a.container_short or val
        elif tag == "VI":
            a.volume = a.volume or val
        elif tag == "IP":
            a.issue = a.issue or val
        elif tag == "PG":
            a.pages = a.pages or val
        elif tag in ("LID", "AID"):
            m = re.match(r"^(.*?)\s*\[(\w+)\]\s*$", val)
            kind = m.group(2).lower() if m else ""
            ident = m.group(1).strip() if m else val
            if not kind and re.match(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/", ident, re.I):
                kind = "doi"
            if kind == "doi":
                a.doi = a.doi or normalize_doi(ident, strict=False)
            elif kind == "pmc":
                a.pmcid = a.pmcid or normalize_pmcid(ident, strict=False)
            extra.setdefault(tag, []).append(val)
        elif tag == "PMC":
            a.pmcid = a.pmcid or normalize_pmcid(
                "PMC" + val if val.isdigit() else val, strict=False)
        elif tag == "MH":
            for t in parse_mh(val):
                if t not in a.mesh:
                    a.mesh.append(t)
        elif tag == "OT":
            if val not in a.keywords:
                a.keywords.append(val)
        elif tag == "PT":
            if val not in a.pub_types:
                a.pub_types.append(val)
        elif tag == "LA":
            a.language = a.language or val
            if a.language != val:
                extra.setdefault(tag, []).append(val)
        elif tag == "FAU":
            fam, _, given = val.partition(",")
            a.authors.append(Person(family=fam.strip(), given=given.strip()))
            last_fau = True
            continue
        elif tag == "AU":
            if last_fau:
                last_fau = False
                continue
            fam, _, initials = val.rpartition(" ")
            if fam and re.fullmatch(r"[A-Z]{1,4}", initials):
                a.authors.append(Person(family=fam, given=initials))
            else:
                a.authors.append(Person(family=val) if " " not in val else Person(literal=val))
        elif tag == "CN":
            a.authors.append(Person(literal=val))
        elif tag == "FED":
            fam, _, given = val.partition(",")
            a.editors.append(Person(family=fam.strip(), given=given.strip()))
        elif tag == "ED":
            if not any(t == "FED" for t, _ in fields):
                fam, _, initials = val.rpartition(" ")
                a.editors.append(Person(family=fam or val, given=initials if fam else ""))
        elif tag == "ISBN":
            a.isbn = a.isbn or val
            extra.setdefault(tag, []).append(val)
        elif tag == "PB":
            a.publisher = a.publisher or val
        else:
            if tag == "IS" and not a.issn:
                m = re.match(r"^(\d{4}-\d{3}[\dXx])", val)
                if m:
                    a.issn = m.group(1).upper()
            extra.setdefault(tag, []).append(val)
        if tag not in ("AD", "AUID"):
            last_fau = False
    if any(t == "BTI" for t, _ in fields) or any("Book" in p for p in a.pub_types):
        a.type = "chapter" if a.container else "book"
    if extra:
        a.extra["medline"] = extra
    return a


def sniff_medline(head: str) -> float:
    h = head.lstrip("\ufeff \r\n")
    if re.match(r"^PMID- ?\d", h):
        return 0.98
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
        res = ParseResult(format=self.name)
        warns: list[str] = []
        with gcpause.paused():  # no reference cycles are made: skip the collector's passes
            self._read(res, text, filename, warns)
        res.warnings.extend(f"{filename}: {w}" for w in warns)
        if not res.articles and not res.problems:
            raise InputError("no MEDLINE records found (expected lines like 'PMID- 12345')",
                             filename)
        return res

    def _read(self, res: ParseResult, text: str, filename: str, warns: list[str]) -> None:
        for line, fields in iter_records(text, warns):
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
