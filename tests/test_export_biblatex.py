"""biblatex export against biblatex's own data model: ``biber --tool --validate-datamodel`` on the
exported file (marked ``latex``), for records in the forms other tools write (a vendor's RIS, a
PubMed MEDLINE record, Crossref-style CSL-JSON)."""
from __future__ import annotations

import pytest

from amlref.formats.biblatex_model import has_field
from amlref.formats.bibtex import export_bib
from amlref.services.importing import parse_data
from latex_run import need, run

# a journal article as Embase/EndNote write it: publisher (PB), its place (CY), edition (ET)
RIS_ARTICLE = """TY  - JOUR
TI  - CD123-directed CAR T cells in acute myeloid leukemia
AU  - Doe, Jane
AU  - Roe, Richard
T2  - Blood
PY  - 2023
DA  - 2023/05/04
VL  - 141
IS  - 18
SP  - 2201
EP  - 2210
PB  - American Society of Hematology
CY  - Washington, DC
ET  - 2023/05/04
SN  - 0006-4971
DO  - 10.1182/blood.2022018525
AN  - 36780000
C2  - PMC10000001
ER  - 
"""
RIS_BOOK = """TY  - BOOK
TI  - Acute myeloid leukemia
AU  - Smith, Ann
PY  - 2021
PB  - Springer
CY  - Cham
ET  - 2
SN  - 978-3-030-72675-1
ER  - 
"""
# MEDLINE (PubMed's .nbib): a PMCID without ... and with a PMID
MEDLINE = """PMID- 39697225
TI  - Immunotherapy for acute myeloid leukemia: a review.
AU  - Lee K
FAU - Lee, Kim
DP  - 2024 Dec 5
TA  - Front Oncol
JT  - Frontiers in oncology
VI  - 14
PG  - 1412345
LID - 10.3389/fonc.2024.1412345 [doi]
PMC - PMC11650000
PT  - Journal Article
PT  - Review
PL  - Switzerland
"""
CSL_TYPES = """[
 {"id": "rev1", "type": "review", "title": "Review of a trial", "author": [{"family": "Ng", "given": "Li"}],
  "container-title": "Leukemia", "issued": {"date-parts": [[2022]]}},
 {"id": "law1", "type": "legal_case", "title": "A v. B", "author": [{"family": "Court", "given": "High"}],
  "issued": {"date-parts": [[2019]]}},
 {"id": "std1", "type": "standard", "title": "ISO 15189", "author": [{"literal": "ISO"}],
  "issued": {"date-parts": [[2022]]}}
]
"""


def parse(text: str, name: str):
    res = parse_data(text.encode(), name)
    assert not res.problems
    return res.articles


def entry(out: str) -> dict[str, str]:
    """The fields of the first entry of an export (one per line, as the exporter writes)."""
    fields = {}
    for line in out.splitlines()[1:]:
        if " = " in line:
            k, v = line.strip().split(" = ", 1)
            fields[k] = v.rstrip(",")[1:-1] if v.rstrip(",").startswith("{") else v.rstrip(",")
    return fields


def validate(tmp_path, text: str) -> list[str]:
    need("biber")
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    r = run(["biber", "--tool", "--validate-datamodel", "--output-file", "out.bib", "refs.bib"],
            tmp_path)
    assert r.returncode == 0, r.stdout[-2000:]
    return [ln for ln in (r.stdout + r.stderr).splitlines() if "WARN - " in ln or "ERROR - " in ln]


def test_the_data_model_table_follows_biblatex():
    assert has_field("article", "journaltitle") and has_field("article", "issn")
    assert not has_field("article", "publisher") and not has_field("article", "location")
    assert has_field("book", "publisher") and has_field("book", "location")
    assert has_field("report", "institution") and not has_field("online", "journaltitle")
    assert has_field("article", "urldate") and not has_field("article", "eventdate")
    assert not has_field("review", "title")          # an unsupported type: common fields only
    assert has_field("mystyletype", "anything")      # a style package's own type


def test_journal_article_from_ris_has_only_its_type_fields_and_pubmed_eprint():
    [a] = parse(RIS_ARTICLE, "embase.ris")
    f = entry(export_bib([a], biblatex=True))
    assert f["journaltitle"] == "Blood" and f["issn"] == "0006-4971"
    assert "publisher" not in f and "location" not in f and "edition" not in f
    assert (f["eprint"], f["eprinttype"]) == ("36780000", "pubmed")
    assert "pmcid" not in f       # beside a PMID: biblatex has one eprint and no PMCID field
    # classic BibTeX styles ignore fields they do not use: everything stays there
    g = entry(export_bib([a], biblatex=False))
    assert g["publisher"] == "American Society of Hematology" and g["address"] == "Washington, DC"
    assert g["pmid"] == "36780000" and "eprint" not in g


def test_book_keeps_publisher_place_edition_and_isbn():
    [a] = parse(RIS_BOOK, "zotero.ris")
    f = entry(export_bib([a], biblatex=True))
    assert (f["publisher"], f["location"], f["edition"]) == ("Springer", "Cham", "2")
    assert f["isbn"] == "978-3-030-72675-1"


def test_pubmed_ids_come_back_from_the_biblatex_eprint():
    [a] = parse(MEDLINE, "pubmed.nbib")
    a.citekey = "lee2024"
    out = export_bib([a], biblatex=True)
    [b] = parse(out, "out.bib")
    assert (b.pmid, b.doi) == ("39697225", a.doi)
    a.pmid = None           # a PMCID alone is the eprint
    f = entry(export_bib([a], biblatex=True))
    assert (f["eprint"], f["eprinttype"]) == ("PMC11650000", "pmcid")
    [b] = parse(export_bib([a], biblatex=True), "out.bib")
    assert b.pmcid == "PMC11650000"


def test_types_biblatex_does_not_support_become_article_or_misc():
    arts = parse(CSL_TYPES, "items.json")
    out = export_bib(arts, biblatex=True)
    assert "@article{rev1," in out and "@misc{law1," in out and "@misc{std1," in out
    # a .bib file's own type stays as the user wrote it
    [b] = parse("@review{r, title = {T}, author = {A, B}, date = {2020}}", "x.bib")
    assert export_bib([b], biblatex=True).startswith("@review{r,")


@pytest.mark.latex
def test_exports_of_ris_pubmed_and_csl_json_pass_biber_datamodel_validation(tmp_path):
    arts = parse(RIS_ARTICLE, "a.ris") + parse(RIS_BOOK, "b.ris") + parse(MEDLINE, "c.nbib")
    arts += parse(CSL_TYPES, "d.json")
    for i, a in enumerate(arts):
        a.citekey = a.citekey or f"k{i}"
    assert validate(tmp_path, export_bib(arts, biblatex=True)) == []


# a legacy month naming two months, as in BibTeX's own xampl.bib and Beebe's bibliographies
MONTH_RANGES = r"""@article{two, author = {A, B}, title = {T}, journal = {J}, year = 1986,
  month = "April-May"}
@article{wrap, author = {A, B}, title = {T}, journal = {J}, year = 1988, month = dec # "--" # jan}
@article{list, author = {A, B}, title = {T}, journal = {J}, year = 1988, month = {November, December}}
@article{season, author = {A, B}, title = {T}, journal = {J}, year = 1988, month = {Spring}}
@article{other, author = {A, B}, title = {T}, journal = {J}, year = 1988, month = {Issue 3}}
"""


def test_a_month_range_becomes_a_biblatex_date_range():
    arts = parse(MONTH_RANGES, "xampl.bib")
    out = export_bib(arts, biblatex=True)
    assert "date = {1986-04/1986-05}" in out and "date = {1988-12/1989-01}" in out
    assert "date = {1988-11/1988-12}" in out
    assert "date = {1988-21}" in out            # spring: ISO 8601-2's season 21
    assert 'month = {April-May}' in export_bib(arts, biblatex=False)   # classic styles print it
    back = {b.citekey: b for b in parse(out, "out.bib")}
    assert back["two"].issued == "1986-04" and back["wrap"].issued == "1988-12"


@pytest.mark.latex
def test_month_ranges_pass_biber_validation(tmp_path):
    warns = validate(tmp_path, export_bib(parse(MONTH_RANGES, "xampl.bib"), biblatex=True))
    # only the month that names no month (the data's)
    assert all("'other'" in w for w in warns) and warns
