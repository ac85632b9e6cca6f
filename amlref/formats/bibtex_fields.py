"""Tables and small helpers shared by the BibTeX importer and exporters: entry types <-> CSL
types, months, dates, value expressions (``@string`` macros and ``#`` concatenation)."""
from __future__ import annotations

import re

from amlref.formats.bibtex_split import _PIECE

# BibTeX / biblatex entry type -> CSL type.
TYPE_TO_CSL = {
    "article": "article-journal", "suppperiodical": "article-journal",
    "book": "book", "mvbook": "book", "collection": "book", "mvcollection": "book",
    "proceedings": "book", "mvproceedings": "book", "reference": "book", "mvreference": "book",
    "inbook": "chapter", "bookinbook": "chapter", "suppbook": "chapter",
    "incollection": "chapter", "suppcollection": "chapter",
    "inproceedings": "paper-conference", "conference": "paper-conference",
    "inreference": "entry-encyclopedia",
    "booklet": "pamphlet", "manual": "report", "report": "report", "techreport": "report",
    "thesis": "thesis", "phdthesis": "thesis", "mastersthesis": "thesis",
    "misc": "document", "unpublished": "manuscript", "online": "webpage", "www": "webpage",
    "electronic": "webpage", "patent": "patent", "periodical": "periodical",
    "software": "software", "dataset": "dataset", "artwork": "graphic", "image": "graphic",
    "audio": "song", "music": "song", "video": "motion_picture", "movie": "motion_picture",
    "performance": "performance", "jurisdiction": "legal_case", "legislation": "legislation",
    "legal": "legislation", "letter": "personal_communication", "review": "review",
    "standard": "standard", "set": "document",
}

# CSL type -> (bibtex type, biblatex type)
CSL_TO_TYPE = {
    "article-journal": ("article", "article"), "article-magazine": ("article", "article"),
    "article-newspaper": ("article", "article"), "review": ("article", "review"),
    "review-book": ("article", "review"), "article": ("article", "article"),
    "book": ("book", "book"), "chapter": ("incollection", "incollection"),
    "paper-conference": ("inproceedings", "inproceedings"),
    "entry-encyclopedia": ("incollection", "inreference"),
    "entry-dictionary": ("incollection", "inreference"), "entry": ("misc", "misc"),
    "thesis": ("phdthesis", "thesis"), "report": ("techreport", "report"),
    "webpage": ("misc", "online"), "post": ("misc", "online"), "post-weblog": ("misc", "online"),
    "manuscript": ("unpublished", "unpublished"), "patent": ("misc", "patent"),
    "dataset": ("misc", "dataset"), "software": ("misc", "software"),
    "pamphlet": ("booklet", "booklet"), "periodical": ("misc", "periodical"),
    "standard": ("misc", "standard"), "legislation": ("misc", "legislation"),
    "legal_case": ("misc", "jurisdiction"), "graphic": ("misc", "artwork"),
    "song": ("misc", "audio"), "motion_picture": ("misc", "video"),
    "personal_communication": ("misc", "letter"), "performance": ("misc", "performance"),
    "document": ("misc", "misc"),
}

# Types classic BibTeX styles know; others are exported as their nearest classic type.
BIBTEX_TYPES = {"article", "book", "booklet", "conference", "inbook", "incollection",
                "inproceedings", "manual", "mastersthesis", "misc", "phdthesis", "proceedings",
                "techreport", "unpublished"}
BIBLATEX_TO_BIBTEX = {
    "mvbook": "book", "bookinbook": "inbook", "suppbook": "inbook", "collection": "book",
    "mvcollection": "book", "suppcollection": "incollection", "reference": "book",
    "mvreference": "book", "inreference": "incollection", "mvproceedings": "proceedings",
    "report": "techreport", "thesis": "phdthesis", "online": "misc", "www": "misc",
    "electronic": "misc", "suppperiodical": "article", "periodical": "misc", "patent": "misc",
    "software": "misc", "dataset": "misc", "set": "misc",
}
CHAPTER_TYPES = ("chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary", "entry")

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
# predefined @string macros of the standard styles
MONTH_MACROS = {m: name.capitalize() for m, name in zip(MONTHS, MONTH_NAMES)}

_MONTH_WORDS = {}
for _i, (_a, _n) in enumerate(zip(MONTHS, MONTH_NAMES), 1):
    _MONTH_WORDS[_a] = _i
    _MONTH_WORDS[_n] = _i
_MONTH_WORDS.update({"sept": 9, "janv": 1, "fevr": 2, "mars": 3, "avr": 4, "mai": 5, "juin": 6,
                     "juil": 7, "aout": 8, "dez": 12, "okt": 10, "marz": 3, "mrz": 3})


def month_number(text: str) -> int | None:
    t = (text or "").strip().strip("{}").strip().rstrip(".").lower()
    if not t:
        return None
    if t.isdigit():
        n = int(t)
        return n if 1 <= n <= 12 else None
    if t in _MONTH_WORDS:
        return _MONTH_WORDS[t]
    a = t[:3]
    if a in MONTHS and MONTH_NAMES[MONTHS.index(a)].startswith(t):
        return MONTHS.index(a) + 1
    return None


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def iso_from_date_field(text: str) -> str:
    """biblatex ``date`` (ISO 8601-2 subset, ranges with /) -> ISO partial date of the start."""
    m = _ISO.match(text or "")
    if not m:
        y = _YEAR.search(text or "")
        return y.group(1) if y else ""
    y, mo, d = m.group(1), m.group(2), m.group(3)
    out = y
    if mo and 1 <= int(mo) <= 12:
        out += f"-{int(mo):02d}"
        if d and 1 <= int(d) <= 31:
            out += f"-{int(d):02d}"
    return out


# "JAN 16" (Web of Science), "16 Jan", "January 16,", "July 30th", "2nd March"
_MONTH_DAY = re.compile(r"^\W*(?:(\d{1,2})(?:st|nd|rd|th)?\.?[\s~]+([^\W\d_]+)\.?|"
                        r"([^\W\d_]+)\.?[\s~]+(\d{1,2})(?:st|nd|rd|th)?)\W*$")


def month_and_day(text: str) -> tuple[int | None, str]:
    """The month of a ``month`` field and the day when it carries one (``JAN 16``)."""
    mo = month_number(text)
    if mo or not text:
        return mo, ""
    m = _MONTH_DAY.match(text)
    if m is None:
        return None, ""
    word, day = (m.group(2), m.group(1)) if m.group(1) else (m.group(3), m.group(4))
    mo = month_number(word)
    return (mo, day) if mo else (None, "")


def iso_from_parts(year: str, month: str = "", day: str = "") -> str:
    m = _YEAR.search(year or "")
    if not m:
        return ""
    out = m.group(1)
    mo, mday = month_and_day(month) if month else (None, "")
    day = day or mday
    if mo:
        out += f"-{mo:02d}"
        if day and day.strip().isdigit() and 1 <= int(day) <= 31:
            out += f"-{int(day):02d}"
    return out


# -- value expressions -----------------------------------------------------------------------------

_MACRO_NAME = re.compile(r"^[^\s\"#%'(),={}0-9][^\s\"#%'(),={}]*$")


_PART = re.compile(r"\s*+(" + _PIECE + r")\s*+(?:#|\Z)")


def _split_concat(value: str) -> list[str]:
    if '"' not in value and "{" not in value:
        return [p.strip() for p in value.split("#")]
    parts, pos, end = [], 0, len(value)
    while pos < end:
        m = _PART.match(value, pos)
        if m is None:
            return _split_concat_slow(value)
        parts.append(m.group(1))
        pos = m.end()
    return parts


def _split_concat_slow(value: str) -> list[str]:
    parts, depth, quoted, start = [], 0, False, 0
    for i, c in enumerate(value):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"' and depth == 0:
            quoted = not quoted
        elif c == "#" and depth == 0 and not quoted:
            parts.append(value[start:i].strip())
            start = i + 1
    parts.append(value[start:].strip())
    return parts


def evaluate(value: str, macros: dict[str, str], undefined: list[str] | None = None) -> str:
    """The LaTeX text of a field value expression: ``{...}``, ``"..."``, a number, a macro
    name, or a ``#`` concatenation of those."""
    v = value.strip()
    if not v:
        return ""
    c0 = v[0]
    if "#" not in v:
        if c0 == "{" and v[-1] == "}":
            return v[1:-1]
        if c0 == '"' and v[-1] == '"' and len(v) > 1:
            return v[1:-1]
        if v.isdigit():
            return v
    if "#" not in v and _MACRO_NAME.match(v):
        return _macro(v, macros, undefined)
    out = []
    for part in _split_concat(v):
        if not part:
            continue
        if part[0] == "{" and part[-1] == "}" or part[0] == '"' and part[-1] == '"' and len(part) > 1:
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        else:
            out.append(_macro(part, macros, undefined))
    return "".join(out)


def _macro(name: str, macros: dict[str, str], undefined: list[str] | None) -> str:
    key = name.lower()
    if key in macros:
        return macros[key]
    if key in MONTH_MACROS:
        return MONTH_MACROS[key]
    if undefined is not None:
        undefined.append(name)
    return name
