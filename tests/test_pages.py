"""Page ranges: MEDLINE's abbreviated ranges written out, on every import, and exported as
``475--482`` in BibTeX; article numbers and roman numerals left alone."""
from __future__ import annotations

import pytest

from amlref.core.pages import expand_pages, is_article_number
from amlref.services.exporting import export_view
from amlref.services.importing import import_paths, import_text


@pytest.mark.parametrize("given, full", [
    ("475-82", "475-482"),            # NLM's own example
    ("6913-7", "6913-6917"),
    ("110-2", "110-112"),
    ("1099-101", "1099-1101"),        # across a hundred
    ("S12-9", "S12-S19"),             # supplement pages: the prefix belongs to both ends
    ("e123-9", "e123-e129"),
    ("R45-7", "R45-R47"),
    ("e123-e9", "e123-e129"),
    ("475\u201382", "475-482"),       # an en dash as the separator
    ("921-4; discussion 924-5", "921-924; discussion 924-925"),
    ("p475-82", "p475-482"),          # a "page" label, not a prefix of the numbers
])
def test_abbreviated_ranges_are_written_out(given, full):
    assert expand_pages(given) == full
    assert expand_pages(full) == full      # doing it again changes nothing


@pytest.mark.parametrize("pages", [
    "xii-xv", "ix-xii",               # roman numerals
    "e42692", "103640", "E174",       # single pages and article numbers
    "475-482", "1-7", "24590-24600",  # full already
    "475-12",                         # the second part cannot abbreviate the first
    "S12-R9", "12-9A",                # not an abbreviation of the first part alone
    "1759-1764.e6", "379.e9-379.e13", "e736-e742",
    "", "No Pagination Specified",
])
def test_what_is_not_an_abbreviated_range_is_left_alone(pages):
    assert expand_pages(pages) == pages


@pytest.mark.parametrize("value, number", [
    ("e42692", True), ("e0123456", True), ("CD012345", True), ("20200021", True),
    ("239", True), ("S0006-4971(20)30123-4", False), ("S0140-6736(20)30000-0", False),
    ("blood.2020005678", False), ("10.1182/blood.2020005678", False),
    ("000508920", False),             # Karger's internal ids start with zeros
    ("ar3456", False), ("neurintsurg-2019-015347", False), ("JNRP-9-417", False),
])
def test_article_number_shape(value, number):
    assert is_article_number(value) is number


MEDLINE = """PMID- 8692918
TI  - The structure of bovine F1-ATPase.
PG  - 6913-7
DP  - 1996 Jul 9
TA  - Proc Natl Acad Sci U S A
FAU - van Raaij, M J
AU  - van Raaij MJ

PMID- 8692919
TI  - A preface with roman pages.
PG  - xii-xv
DP  - 1996

PMID- 8692920
TI  - An article with an article number.
PG  - e42692
DP  - 2021
"""

RIS = """TY  - JOUR
TI  - A RIS record whose end page is abbreviated
AU  - Smith, John
PY  - 2015
SP  - 475
EP  - 82
ER  - 
"""


def test_every_import_stores_full_ranges_and_bibtex_writes_double_dashes(lib, tmp_path):
    path = tmp_path / "pubmed.nbib"
    path.write_text(MEDLINE, encoding="utf-8")
    import_paths(lib, [str(path)])
    import_text(lib, RIS, fmt="ris", name="vendor.ris")
    by_title = {a.title: a.pages for a in lib.articles.iter_all()}
    assert by_title == {
        "The structure of bovine F1-ATPase.": "6913-6917",
        "A preface with roman pages.": "xii-xv",
        "An article with an article number.": "e42692",
        "A RIS record whose end page is abbreviated": "475-482",
    }
    bib, n = export_view(lib, "bibtex")
    assert n == 4
    assert "pages = {6913--6917}" in bib and "pages = {475--482}" in bib
    assert "pages = {xii--xv}" in bib and "pages = {e42692}" in bib
