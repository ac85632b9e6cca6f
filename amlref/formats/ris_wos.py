"""Web of Science "plain text" export (``FN``/``PT``/``AU``, three-space continuations,
``ER``/``EF``), with its cited references.  Read by the RIS importer because users pick it by
mistake for "RIS" and save it as .txt/.ris."""
from __future__ import annotations

import re

from amlref.core.article import Article, Link, ParseResult, Problem, Reference
from amlref.core.identifiers import normalize_doi
from amlref.formats.ris_values import parse_date, parse_name

_WOS_TAG = re.compile(r"^([A-Z][A-Z0-9]) (.*)$")
_WOS_LIST = {"AU", "AF", "CR", "BA", "BF", "ED", "C1", "RI", "OI", "EM"}
_WOS_TYPES = {"J": "article-journal", "B": "book", "S": "chapter", "P": "patent",
              "C": "paper-conference"}


def is_wos(head: str) -> bool:
    h = head.lstrip("\ufeff \r\n")
    return (h.startswith("FN ") or h.startswith("PT ")) and bool(re.search(r"^PT [A-Z]\s*$", h, re.M))


def parse_wos(text: str, filename: str) -> ParseResult:
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


# ISI/INSPEC write sub- and superscripts as "/sub 3/", "/sup +/" (LiNbO/sub 3/): as Unicode
# script characters where every character has one, else as plain text (JabRef's IsiImporter
# test reads them as LaTeX $_3$)
_SUBSUP = re.compile(r"/(sub|sup)\s+([^/]*?)\s*/")
# a numeric publication date (INSPEC and older ISI files): "06", "04 2006", "2006 06-07",
# "2006 07 03" - month first unless a year leads; a month range keeps its first month
_NUMERIC_PD = re.compile(r"(?:(\d{4})\s+)?(\d{1,2})(?:-\d{1,2})?(?:\s+(\d{1,2}))?"
                         r"(?:\s+(\d{4}))?")


def _subsup(text: str) -> str:
    if "/su" not in text:
        return text
    from amlref.formats.latex_math import SUBSCRIPTS, SUPERSCRIPTS, script
    return _SUBSUP.sub(lambda m: script(m.group(2), SUBSCRIPTS if m.group(1) == "sub"
                                        else SUPERSCRIPTS), text)


def _wos_date(year: str, pd: str) -> str:
    """The date of PY and PD (``PD APR 2006``, ``JUL 15``, ``04 2006``, ``2006 06-07``)."""
    m = _NUMERIC_PD.fullmatch(pd.strip()) if pd and pd[:1].isdigit() else None
    if m and 1 <= int(m.group(2)) <= 12:
        y = year or m.group(1) or m.group(4)
        if y and y.isdigit() and len(y) == 4:
            day = m.group(3)
            if day and 1 <= int(day) <= 31:
                return f"{y}-{int(m.group(2)):02d}-{int(day):02d}"
            return f"{y}-{int(m.group(2)):02d}"
    return parse_date(f"{year} {pd}".strip()) if year else parse_date(pd)


def _wos_article(fields: list[tuple[str, str]], line: int):
    d: dict[str, list[str]] = {}
    for t, v in fields:
        d.setdefault(t, []).append(v)
    g = lambda t: d[t][0] if d.get(t) else ""  # noqa: E731
    a = Article(origin="wos", line=line)
    a.type = _WOS_TYPES.get(g("PT"), "article-journal")
    if "Proceedings Paper" in g("DT"):
        a.type = "paper-conference"
    a.title = _subsup(g("TI"))
    a.container = g("SO")
    if a.container.isupper():
        a.container = a.container.title().replace(" Of ", " of ").replace(" And ", " and ") \
            .replace(" The ", " the ").replace(" In ", " in ")
        a.extra.setdefault("wos", {})["SO"] = g("SO")
    a.container_short = g("J9") or g("JI")
    people = d.get("AF") or d.get("AU") or []
    a.authors = [p for p in (parse_name(x) for x in people) if p]
    a.editors = [p for p in (parse_name(x) for x in d.get("BE", [])) if p]
    a.issued = _wos_date(g("PY"), g("PD"))
    a.volume, a.issue = g("VL"), g("IS")
    bp, ep = g("BP"), g("EP")
    a.pages = f"{bp}-{ep}" if bp and ep and ep != bp else (bp or g("AR"))
    a.doi = normalize_doi(g("DI"), strict=False)
    pm = g("PM")
    a.pmid = pm if pm.isdigit() else ""
    a.abstract = _subsup(g("AB"))
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
