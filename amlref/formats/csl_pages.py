"""Page ranges in a CSL style's ``page-range-format`` (CSL 1.0.2, appendix "Page Range
Formats"), done here because citeproc-py 0.11 gets them wrong when the two numbers differ in
length ("1-10" -> "1–0", "99-100" -> "99–0") and never expands MEDLINE's abbreviated ranges
("284-7" stays "284-7" in an ``expanded`` style).

    expanded      42-45   321-328  2787-2816
    minimal       42-5    321-8    2787-816
    minimal-two   42-45   321-28   2787-816
    chicago-15    as Chicago 15th ed.: 71-72, 100-104, 107-8, 321-28, 1496-1504, 11564-68
    chicago-16    the same without the rule for four digits of which three change (1496-504)

A range is "first-last" with an optional letter prefix shared by both ("e123-e130",
"S12-S15"); anything else (roman numerals, "12 suppl") is left as it is.  Ranges are written
with a hyphen: the processor puts the style's page-range delimiter in its place."""
from __future__ import annotations

import re

_RANGE = re.compile(r"^\s*([A-Za-z]*)(\d+)\s*(?:-+|–|—)\s*([A-Za-z]*)(\d+)\s*$")


def expand(first: str, last: str) -> str | None:
    """The full last page of an abbreviated range ("284", "7" -> "287"); None when the range
    makes no sense (a last page before the first)."""
    if len(last) < len(first):
        last = first[:len(first) - len(last)] + last
    return last if int(last) >= int(first) else None


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _last(first: str, last: str, fmt: str) -> str:
    if fmt in ("chicago", "chicago-15", "chicago-16"):
        f = int(first)
        if f < 100 or f % 100 == 0:
            return last
        if f % 100 < 10:
            fmt = "minimal"
        else:
            if fmt != "chicago-16" and len(first) == 4 and len(last) == 4 \
                    and _common(first, last) < 2:
                return last  # four digits, three of them change: all digits
            fmt = "minimal-two"
    if fmt not in ("minimal", "minimal-two") or len(first) != len(last):
        return last
    keep = _common(first, last)
    if keep == len(last):  # "5-5"
        keep -= 1
    if fmt == "minimal-two" and len(last) >= 2:
        keep = min(keep, len(last) - 2)
    return last[keep:]


def format_range(text: str, fmt: str) -> str:
    m = _RANGE.match(text)
    if not m:
        return text.strip()
    p1, first, p2, last = m.groups()
    if p2 and p2.lower() != p1.lower():
        return text.strip()
    full = expand(first, last)
    if full is None:
        return text.strip()
    out = _last(first, full, fmt)
    prefix2 = p2 if (p2 and out == full) else ""
    return f"{p1}{first}-{prefix2}{out}"


def format_pages(pages: str, fmt: str) -> str:
    """Every range in ``pages`` ("1-10, 15-9 & 20-2") in the format ``fmt``."""
    if not fmt:
        return pages
    def one(m: re.Match) -> str:
        lead, body, trail = m.groups()
        return lead + format_range(body, fmt) + trail
    return re.sub(r"(\s*)([^,&]*?)(\s*)(?=[,&]|$)", lambda m: one(m) if m.group(2) else
                  m.group(0), pages)
