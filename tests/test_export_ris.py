"""RIS export checked against the RIS specification's form and read back by rispy (a RIS library
other tools use) and by AMLRef, for records from every import format (hand-written fixtures in
the forms PubMed, biblatex and Zotero write)."""
from __future__ import annotations

import re

import rispy

from amlref.formats.ris import RisExporter
from amlref.services.importing import parse_data

MEDLINE = """PMID- 39697225
TI  - Immunotherapy for acute myeloid leukemia: a review.
AB  - BACKGROUND: AML relapses.
      RESULTS: CAR T cells and bispecifics.
FAU - Lee, Kim
AU  - Lee K
FAU - Costa, Paul T Jr
AU  - Costa PT Jr
DP  - 2024 Dec 5
TA  - Front Oncol
JT  - Frontiers in oncology
VI  - 14
PG  - 1412345
LID - 10.3389/fonc.2024.1412345 [doi]
PMC - PMC11650000
MH  - Humans
MH  - *Leukemia, Myeloid, Acute/therapy
PT  - Journal Article
"""
BIBLATEX = r"""@patent{kowalik, author = {Kowalik, F. and Isard, M.}, title = {Estimateur d'un
  d{\'e}faut}, number = 9500261, date = {1995-01-11}, type = {patreqfr}}
@book{smith, author = {Smith, Ann}, title = {Acute myeloid leukemia}, year = 2021,
  publisher = {Springer}, location = {Cham}, edition = 2, pages = {xii+345}}
"""
CSL = """[{"id": "ng2022", "type": "chapter", "title": "Bispecific T-cell engagers",
  "author": [{"family": "Ng", "given": "Li"}], "editor": [{"family": "Roe", "given": "R."}],
  "container-title": "Immunotherapy of AML", "publisher": "Elsevier",
  "publisher-place": "Amsterdam", "page": "101-130", "issued": {"date-parts": [[2022, 3]]}}]
"""
TAG = re.compile(r"^[A-Z][A-Z0-9]  - ")


def articles():
    arts = []
    for text, name in ((MEDLINE, "pubmed.nbib"), (BIBLATEX, "refs.bib"), (CSL, "items.json")):
        res = parse_data(text.encode(), name)
        assert not res.problems
        arts += res.articles
    return arts


def test_every_line_has_the_specifications_form():
    out = RisExporter().export(articles())
    records = [r for r in out.split("ER  - ") if r.strip()]
    assert len(records) == 4
    for rec in records:
        lines = [ln for ln in rec.splitlines() if ln.strip()]
        assert lines[0].startswith("TY  - ")
        prev = "TY"
        for ln in lines[1:]:
            if not TAG.match(ln):       # only a long text goes on over lines
                assert prev in ("AB", "N1", "N2"), ln
                continue
            tag = prev = ln[:2]
            val = ln[6:]
            if tag == "PY":
                assert re.fullmatch(r"\d{4}", val)
            if tag == "DA":
                assert re.fullmatch(r"\d{4}/(\d{2})?/(\d{2})?/?", val), val
    assert out.rstrip().endswith("ER  -")


def test_rispy_and_amlref_read_back_the_same_records():
    arts = articles()
    out = RisExporter().export(arts)
    read = rispy.loads(out)
    assert [r.get("title") or r.get("primary_title") for r in read] == [a.title for a in arts]
    back = parse_data(out.encode(), "out.ris").articles
    for a, b in zip(arts, back):
        assert (b.title, b.doi, b.pmid, b.pmcid, b.issued[:7]) == \
            (a.title, a.doi, a.pmid, a.pmcid, a.issued[:7])
        assert [p.family for p in b.authors] == [p.family for p in a.authors]
    assert back[0].abstract == arts[0].abstract
    assert back[0].authors[1].given == "Paul T, Jr"      # Lastname, Firstname, Suffix


def test_a_patent_keeps_its_number():
    kowalik = next(a for a in articles() if a.citekey == "kowalik")
    out = RisExporter().export([kowalik])
    assert "TY  - PAT" in out and "IS  - 9500261" in out
    [b] = parse_data(out.encode(), "out.ris").articles
    assert (b.extra.get("csl") or {}).get("number") == "9500261" or b.issue == "9500261"


def test_a_suffix_goes_where_ris_has_it():
    [a] = parse_data(rb"@article{b, author = {Harry L. {Baldwin, Jr.} and Jones, Jr., Tom},"
                     rb" title = {T}, year = 2000}", "refs.bib").articles
    out = RisExporter().export([a])
    assert "AU  - Baldwin, Harry L., Jr.\nAU  - Jones, Tom, Jr.\n" in out
    [b] = parse_data(out.encode(), "out.ris").articles
    assert [(p.family, p.given) for p in b.authors] == [("Baldwin", "Harry L., Jr."),
                                                        ("Jones", "Tom, Jr.")]
