"""Page ranges: MEDLINE's abbreviated ranges written out in full, article numbers recognised.

MEDLINE (and many publishers after it) print the last page of a range with only the digits that
differ from the first: ``475-82`` is pages 475 to 482, ``6913-7`` is 6913 to 6917, ``1099-101``
is 1099 to 1101.  A letter prefix belongs to both ends: ``S12-9`` is S12 to S19, ``e123-9`` is
e123 to e129, ``R45-7`` is R45 to R47.  :func:`expand_pages` writes such ranges out, part by
part in a list such as ``921-4; discussion 924-5``.  Left as they are: roman numerals
(``xii-xv``), single pages and article numbers (``e42692``), full ranges (``475-482``), and
anything whose second part is not an abbreviation of the first alone (``475-12``, ``S12-R9``,
``12-9A``)."""
from __future__ import annotations

import re

# one range: optional letter prefix + digits, a dash, optional (same) prefix + fewer digits
_RANGE = re.compile(r"(?<![\w.])([A-Za-z]?)(\d+)\s*[-\u2010-\u2013]\s*([A-Za-z]?)(\d+)(?![\w.])")
# an electronic article number used in place of pages: e42692, e0123456, CD012345, R45, 1374963
_ARTICLE_NUMBER = re.compile(r"^(?:(?:e|[A-Z]{1,2})\d{1,10}|[1-9]\d{0,9})$")


def _expand(m: re.Match) -> str:
    p1, d1, p2, d2 = m.groups()
    if p2 and p2 != p1:
        return m.group(0)   # a different prefix on the second part: not an abbreviation
    if len(d2) >= len(d1):
        return m.group(0)   # full already (or not a range MEDLINE would abbreviate)
    full = d1[:len(d1) - len(d2)] + d2
    if int(full) <= int(d1):
        return m.group(0)   # "475-12" cannot mean 475-412: leave what we cannot read
    if p1 in ("p", "P"):   # "p475-82": a "page" label, not a prefix of the page numbers
        return f"{p1}{d1}-{full}"
    return f"{p1}{d1}-{p1}{full}"


def expand_pages(pages: str) -> str:
    """``475-82`` -> ``475-482``; ``S12-9`` -> ``S12-S19``; ``e123-9`` -> ``e123-e129``;
    anything that is not an abbreviated range comes back unchanged."""
    if not pages or not any(c.isdigit() for c in pages):
        return pages
    if "-" not in pages and "\u2013" not in pages and "\u2010" not in pages \
            and "\u2011" not in pages and "\u2012" not in pages:
        return pages
    return _RANGE.sub(_expand, pages)


def is_article_number(value: str) -> bool:
    """Whether ``value`` has the shape of an electronic article number that stands for the
    pages (``e42692``, ``e0123456``, ``CD012345``, ``20200021``), not of a publisher's
    internal id (``S0006-4971(20)30123-4``, ``blood.2020005678``, ``000508920``)."""
    return bool(_ARTICLE_NUMBER.match((value or "").strip()))
