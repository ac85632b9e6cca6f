"""RIS values: dates (``YYYY/MM/DD/other`` and the vendors' other forms), names, and the
standard numbers of ``SN`` (ISSN or ISBN, told apart by shape and check digit)."""
from __future__ import annotations

import re
from functools import lru_cache

from amlref.core.article import Person

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DATE_YMD = re.compile(r"^(\d{4})(?:[/\-.](\d{1,2})?(?:[/\-.](\d{1,2})?)?)?")
_SUFFIXES = frozenset(("Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV", "2nd", "3rd", "4th"))
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,3}")
_CORPORATE = re.compile(r"\b(group|society|consortium|committee|organi[sz]ation|association|"
                        r"institute|network|collaborat\w*|investigators|council|agency|"
                        r"department|university|team|foundation|centre|center)\b", re.I)


def parse_date(value: str) -> str:
    """``2019///`` -> ``2019``; ``2019/05/03/`` -> ``2019-05-03``; ``May 2019`` -> ``2019-05``."""
    v = (value or "").strip()
    if not v:
        return ""
    if len(v) == 4 and v.isdigit():
        return v if v != "0000" else ""
    if len(v) == 8 and v.isdigit() and 1 <= int(v[4:6]) <= 12 and 1 <= int(v[6:]) <= 31 \
            and v[:2] in ("19", "20"):          # 20151028 (EndNote's access dates)
        return f"{v[:4]}-{v[4:6]}-{v[6:]}"
    m = _DATE_YMD.match(v)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        if y == "0000":                 # "no year" (Scopus, Zotero's tests)
            return ""
        if mo and 1 <= int(mo) <= 12:
            if d and 1 <= int(d) <= 31:
                return f"{y}-{int(mo):02d}-{int(d):02d}"
            return f"{y}-{int(mo):02d}"
        if not mo and not d:
            rest = v[4:].strip(" /.,-")
            mm = re.match(r"([A-Za-z]{3})[a-z]*\.?(?:\s+(\d{1,2})(?!\d))?", rest)
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


def date_other(value: str) -> str:
    """The free ``other`` part of a ``YYYY/MM/DD/other`` date (``Spring``, ``10:30``)."""
    parts = value.split("/", 3)
    return parts[3].strip() if len(parts) == 4 and parts[0].strip().isdigit() else ""


def iso_to_ris(iso: str) -> str:
    """``2019-05`` -> ``2019/05//``: the specification's date form."""
    parts = iso.split("-")[:3]
    return "/".join(parts + [""] * (3 - len(parts))) + "/"


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
            head, _, last = family.rpartition(" ")
            if head and last in _SUFFIXES:        # "Costa Jr, PT" (Scopus, Web of Science)
                return Person(family=head, given=f"{given}, {last}")
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


# ---- SN: ISSN or ISBN --------------------------------------------------------------------------

_SN_SPLIT = re.compile(r"[;,()\[\]|]|\b(?:e?-?ISSN|ISBN(?:-1[03])?|print|electronic|linking|online)\b:?", re.I)


def issn_ok(digits: str) -> bool:
    """ISO 3297 check digit (mod 11, X for 10) of 8 characters."""
    if len(digits) != 8 or not digits[:7].isdigit():
        return False
    s = sum(int(c) * w for c, w in zip(digits[:7], range(8, 1, -1)))
    check = (11 - s % 11) % 11
    return digits[7].upper() == ("X" if check == 10 else str(check))


def isbn_ok(digits: str) -> bool:
    """ISBN-10 (mod 11) or ISBN-13 (mod 10) check digit."""
    if len(digits) == 10 and digits[:9].isdigit():
        s = sum(int(c) * w for c, w in zip(digits[:9], range(10, 1, -1)))
        check = (11 - s % 11) % 11
        return digits[9].upper() == ("X" if check == 10 else str(check))
    if len(digits) == 13 and digits.isdigit() and digits[:3] in ("978", "979"):
        s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits[:12]))
        return int(digits[12]) == (10 - s % 10) % 10
    return False


def standard_numbers(value: str) -> list[tuple[str, str]]:
    """The ISSNs and ISBNs in one SN value, in order: ``[("issn", "0006-4971"), ("isbn",
    "9781860163593")]``.  A piece is an ISSN when it has the ISSN shape (``NNNN-NNNC``) or its
    8 characters pass the ISSN check; an ISBN when its 10 or 13 digits pass the ISBN check or it
    is hyphenated with a 978/979 prefix.  Other pieces (report numbers, typos) are not read."""
    out: list[tuple[str, str]] = []
    for piece in _SN_SPLIT.split(value):
        piece = piece.strip(" .:-")
        if not piece:
            continue
        kind = _standard_number(piece)
        if kind:
            out.append(kind)
        elif " " in piece:  # "0006-4971 1528-0020"
            out.extend(k for k in map(_standard_number, piece.split()) if k)
    return out


def _standard_number(raw: str) -> tuple[str, str] | None:
    digits = re.sub(r"[\s-]", "", raw).upper()
    if len(digits) == 8 and (re.fullmatch(r"\d{4}-\d{3}[\dX]", raw.upper()) or issn_ok(digits)):
        return "issn", f"{digits[:4]}-{digits[4:]}"
    if len(digits) in (10, 13) and (isbn_ok(digits) or (
            len(digits) == 13 and digits[:3] in ("978", "979") and "-" in raw)):
        return "isbn", raw if "-" in raw else digits
    return None
