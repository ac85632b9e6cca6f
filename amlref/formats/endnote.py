"""EndNote's tagged export (``.enw``, the "refer" style: ``%0 Journal Article``, ``%A Author``):
what publishers' "Export to EndNote" links, Google Scholar and library catalogues give.

EndNote names its fields by position (author, secondary author, secondary title ...), and its
RIS export uses the same positions, so each ``%`` tag is read as the RIS tag of that field and
the record goes through the RIS reader (ris_record.py): the types, the meaning of each tag per
type, names, dates and ISSN/ISBN are read as there.  Tags from EndNote's "Tagged Import Formats"
list (EndNote 20 manual); a value goes on over the untagged lines that follow it, and a record
ends at an empty line."""
from __future__ import annotations

import re

from amlref.core import gcpause
from amlref.core.article import ParseResult, Problem
from amlref.core.errors import InputError
from amlref.formats.ris_record import record_to_article
from amlref.plugins.base import Importer

# %tag -> the RIS tag of the same EndNote field
TAGS = {
    "A": "AU", "E": "A2", "Y": "A3", "?": "A4", "H": "TA", "T": "TI", "B": "T2", "J": "JF",
    "S": "T3", "Q": "TT", "!": "ST", "D": "PY", "8": "DA", "C": "CY", "I": "PB", "V": "VL",
    "N": "IS", "P": "SP", "7": "ET", "6": "NV", "&": "SE", "@": "SN", "R": "DO", "U": "UR",
    "K": "KW", "X": "AB", "Z": "N1", "G": "LA", "L": "CN", "M": "AN", "F": "LB", "9": "M3",
    "W": "DP", "~": "DB", "+": "AD", "[": "Y2", "(": "OP", ")": "RP", "*": "RI", ">": "L1",
    "<": "RN", "^": "CA", "1": "C1", "2": "C2", "3": "C3", "4": "C4", "#": "C5", "$": "C6",
    "]": "C7", "O": "OP",
}
# EndNote's reference type names -> RIS reference types (EndNote's own RIS export)
TYPES = {
    "journal article": "JOUR", "book": "BOOK", "book section": "CHAP", "edited book": "EDBOOK",
    "conference proceedings": "CONF", "conference paper": "CPAPER", "thesis": "THES",
    "report": "RPRT", "electronic article": "EJOUR", "electronic book": "EBOOK",
    "electronic book section": "ECHAP", "web page": "ELEC", "newspaper article": "NEWS",
    "magazine article": "MGZN", "patent": "PAT", "generic": "GEN", "manuscript": "MANSCPT",
    "unpublished work": "UNPB", "dataset": "DATA", "government document": "GOVDOC",
    "statute": "STAT", "case": "CASE", "bill": "BILL", "hearing": "HEAR", "map": "MAP",
    "film or broadcast": "MPCT", "audiovisual material": "ADVS", "computer program": "COMP",
    "personal communication": "PCOMM", "encyclopedia": "ENCYC", "dictionary": "DICT",
    "catalog": "CTLG", "chart or table": "CHART", "figure": "FIGURE", "equation": "EQUA",
    "grant": "GRANT", "classical work": "CLSWK", "ancient text": "ANCIENT", "pamphlet": "PAMP",
    "serial": "SER", "standard": "STAND", "artwork": "ART", "aggregated database": "AGGR",
    "online database": "DBASE", "online multimedia": "MULTI", "blog": "BLOG",
    "music": "MUSIC", "legal rule or regulation": "LEGAL", "abstract": "ABST",
    "journal": "JFULL", "press release": "NEWS", "interview": "PCOMM", "podcast": "SOUND",
    "manual": "RPRT", "book, whole": "BOOK", "book, section": "CHAP",
}
_LINE = re.compile(r"^%([A-Z0-9?!@#$&()*+\[\]^~<>=|])(?: (.*))?$")
_SNIFF = re.compile(r"^%[A-Z0-9?!@#$&()*+\[\]^~<>=] \S", re.M)


def sniff_endnote(head: str) -> float:
    h = head.lstrip("\ufeff \r\n")
    if re.match(r"%0 \S", h):
        return 0.9
    if re.search(r"^\s*@\s*[a-zA-Z]+\s*[{(]", h, re.M):    # a .bib whose comments look alike
        return 0.0
    n = len(_SNIFF.findall(h[:4000]))
    return 0.6 if n >= 3 and re.search(r"^%[AT] \S", h, re.M) else 0.0


def iter_records(text: str):
    """(line of the record, [(EndNote tag, value)]) for each record."""
    rec: list[list[str]] = []
    start = 0
    for i, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.rstrip()
        if not line.strip():
            if rec:
                yield start, [(t, v) for t, v in rec]
                rec = []
            continue
        m = _LINE.match(line)
        if m:
            if not rec:
                start = i
            rec.append([m.group(1), (m.group(2) or "").strip()])
        elif rec:                       # the value goes on (a %K line: one keyword a line)
            sep = "; " if rec[-1][0] == "K" else " "
            rec[-1][1] = f"{rec[-1][1]}{sep}{line.strip()}".strip()
    if rec:
        yield start, [(t, v) for t, v in rec]


def to_ris(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """One EndNote record as the RIS fields of the same EndNote fields."""
    out: dict[str, list[str]] = {}
    for tag, value in pairs:
        if not value:
            continue
        if tag == "0":
            out["TY"] = [TYPES.get(value.strip().lower(), "GEN")]
            if out["TY"][0] == "GEN" and value.strip().lower() != "generic":
                out.setdefault("M3", []).append(value.strip())   # its own type name, kept
            continue
        ris = TAGS.get(tag, "%" + tag)  # %= (last modified) and the like: kept by their tag
        if ris == "KW" and ";" in value:
            out.setdefault(ris, []).extend(v.strip() for v in value.split(";") if v.strip())
        elif ris == "SP" and re.fullmatch(r"\s*\S+\s*[-–—]+\s*\S+\s*", value):
            sp, ep = re.split(r"\s*[-–—]+\s*", value.strip(), maxsplit=1)
            out["SP"], out["EP"] = [sp], [ep]
        else:
            out.setdefault(ris, []).append(value)
    out.setdefault("TY", ["JOUR" if "JF" in out else "GEN"])
    return out


def add_record(res: ParseResult, ris_fields, filename: str, line: int | None) -> None:
    """One EndNote record (tagged or XML), read as the RIS fields ``ris_fields()`` gives, into
    ``res``: its article, or a problem naming the line (one broken record never stops the
    rest)."""
    try:
        a = record_to_article(ris_fields(), line)
    except Exception as exc:
        res.problems.append(Problem(filename, line, f"cannot read EndNote record: {exc}"))
        return
    a.origin = "endnote"
    if not (a.title or a.authors or a.doi or a.container):
        res.problems.append(Problem(filename, line, "EndNote record without title, author or DOI"))
        return
    res.articles.append(a)


class EndnoteImporter(Importer):
    name = "endnote"
    label = "EndNote tagged (.enw, %A/%T)"
    extensions = (".enw", ".txt")

    def sniff(self, head: str) -> float:
        return sniff_endnote(head)

    def parse(self, text: str, filename: str = "<text>") -> ParseResult:
        res = ParseResult(format=self.name)
        with gcpause.paused():
            for line, pairs in iter_records(text.lstrip("\ufeff")):
                add_record(res, lambda: to_ris(pairs), filename, line)
        if not res.articles and not res.problems:
            raise InputError("no EndNote records found (expected lines like '%0 Journal "
                             "Article' and '%T Title')", filename)
        return res
