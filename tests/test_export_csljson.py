"""CSL-JSON export checked by the format's own tools: the official CSL-JSON schema
(tests/data/csl-data.json: citation-style-language/schema v1.0.2, schemas/input/csl-data.json,
MIT) with jsonschema, and a bibliography rendered by citeproc-py from the exported items as
they are; records from every import format (hand-written fixtures in the tools' forms)."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from amlref.formats.csljson import CslJsonExporter
from amlref.services.importing import parse_data

SCHEMA = json.loads((Path(__file__).parent / "data" / "csl-data.json").read_text())

MEDLINE = """PMID- 39697225
TI  - Immunotherapy for acute myeloid leukemia: a review.
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
MH  - *Leukemia, Myeloid, Acute/therapy
PT  - Journal Article
"""
RIS = """TY  - CONF
TI  - Flotetuzumab in relapsed AML
AU  - Uy, Geoffrey L.
T2  - ASH Annual Meeting
C3  - Blood
PY  - 2019
DA  - 2019/11/13/
CY  - Orlando
SP  - 733
Y2  - 2023/01/02/
UR  - https://example.org/abstract?id=733&x=1
KW  - CD123
KW  - T-cell engager, bispecific
ER  - 
"""
BIB = r"""@book{baldwin, author = {Harry L. {Baldwin, Jr.} and Jones, Jr., Tom}, title = {{CAR} {T}
  cells}, year = 2020, month = {June-August}, publisher = {Springer}, address = {Cham},
  series = {Lecture Notes}, number = 12, edition = {2nd}, urldate = {2021-03-04}}
@patent{kowalik, author = {Kowalik, F.}, title = {Estimateur}, number = 9500261,
  date = {1995-01-11}}
"""


def items() -> list[dict]:
    arts = []
    for text, name in ((MEDLINE, "pubmed.nbib"), (RIS, "zotero.ris"), (BIB, "refs.bib")):
        res = parse_data(text.encode(), name)
        assert not res.problems
        arts += res.articles
    for i, a in enumerate(arts):
        a.citekey = a.citekey or f"k{i}"
    return json.loads(CslJsonExporter().export(arts))


def test_exports_of_every_format_are_valid_csl_json():
    data = items()
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in jsonschema.Draft7Validator(SCHEMA).iter_errors(data)]
    assert errors == []
    assert len(data) == 4


def test_the_schema_refuses_what_it_should():
    """The validator is real: a field CSL does not define, a name as a string, a bad date."""
    bad = [{"id": "x", "type": "article-journal", "pmid": "1"},
           {"id": "y", "type": "book", "author": ["Doe, J."]},
           {"id": "z", "type": "journal-article"},
           {"id": "w", "type": "book", "issued": {"date-parts": [[2020, 1, 2, 3]]}}]
    errors = list(jsonschema.Draft7Validator(SCHEMA).iter_errors(bad))
    assert {e.absolute_path[0] for e in errors} == {0, 1, 2, 3}


def test_names_with_a_suffix_use_csl_suffix():
    baldwin = next(it for it in items() if it["id"] == "baldwin")
    assert baldwin["author"] == [{"family": "Baldwin", "given": "Harry L.", "suffix": "Jr."},
                                 {"family": "Jones", "given": "Tom", "suffix": "Jr."}]
    lee = items()[0]
    assert lee["author"][1] == {"family": "Costa", "given": "Paul T", "suffix": "Jr"}


def test_citeproc_py_renders_every_exported_item():
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON
    from amlref.formats.csl import _load
    data = items()
    for name in ("vancouver", "apa"):
        style = _load(name)      # the shipped style (a dependent one with its parent)
        with pytest.warns(UserWarning, match="citation_key"):   # a CSL 1.0.2 variable
            src = CiteProcJSON(data)
        bib = CitationStylesBibliography(style, src, formatter.plain)
        bib.register(Citation([CitationItem(it["id"]) for it in data]))
        out = [str(e) for e in bib.bibliography()]
        assert len(out) == 4 and all(out)
        text = "\n".join(out)
        assert "Baldwin" in text and ("Frontiers" in text or "Front Oncol" in text)


# a work as Crossref's REST API gives it (https://api.crossref.org/works/DOI, "message"), the
# shape of records fetched by DOI: keys that are no CSL variables, lists for text, an event
# object, dates with date-time and timestamp, names with ORCID and affiliation
CROSSREF = """{"status": "ok", "message-type": "work", "message": {
 "indexed": {"date-parts": [[2024, 3, 1]], "date-time": "2024-03-01T10:00:00Z", "timestamp": 1},
 "reference-count": 42, "publisher": "Elsevier BV", "issue": "7",
 "license": [{"URL": "http://www.elsevier.com/tdm/userlicense/1.0/", "content-version": "tdm"}],
 "content-domain": {"domain": ["elsevier.com"], "crossmark-restriction": true},
 "short-container-title": ["Blood"], "DOI": "10.1182/blood.2023000001", "type": "journal-article",
 "created": {"date-parts": [[2023, 5, 2]], "date-time": "2023-05-02T00:00:00Z"},
 "page": "701-712", "source": "Crossref", "is-referenced-by-count": 12,
 "title": ["Flotetuzumab for relapsed AML"], "prefix": "10.1182", "volume": "142",
 "author": [{"given": "Geoffrey L.", "family": "Uy", "sequence": "first",
             "ORCID": "http://orcid.org/0000-0001-2345-6789", "affiliation": [{"name": "WashU"}]}],
 "translator": [{"given": "A.", "family": "B", "sequence": "additional", "affiliation": []}],
 "member": "78", "container-title": ["Blood"], "original-title": [], "subtitle": [],
 "archive": ["Portico"], "event": {"name": "ASH Annual Meeting", "location": "Orlando, FL"},
 "issued": {"date-parts": [[2023, 8, 17]]}, "accessed": {"date-parts": [[null]]},
 "link": [{"URL": "https://example.org/pdf", "content-type": "application/pdf"}],
 "subject": ["Hematology"], "ISSN": ["0006-4971", "1528-0020"], "issn-type": [],
 "published": {"date-parts": [[2023, 8, 17]]}}}
"""


def test_a_crossref_record_exports_as_valid_csl_json():
    res = parse_data(CROSSREF.encode(), "works.json")
    assert not res.problems
    text = CslJsonExporter().export(res.articles)
    [item] = json.loads(text)
    assert list(jsonschema.Draft7Validator(SCHEMA).iter_errors([item])) == []
    assert item["archive"] == "Portico"
    assert (item["event-title"], item["event-place"]) == ("ASH Annual Meeting", "Orlando, FL")
    assert item["translator"] == [{"given": "A.", "family": "B"}]
    assert "accessed" not in item and "original-title" not in item
    assert item["custom"]["subject"] == ["Hematology"] and item["custom"]["member"] == "78"
    assert "indexed" in item["custom"] and "link" in item["custom"]
    # read back: the same work, and the custom pairs stay kept
    [b] = parse_data(text.encode(), "out.json").articles
    a = res.articles[0]
    assert (b.title, b.container, b.doi, b.issued, b.volume, b.issue, b.pages) == \
        (a.title, a.container, a.doi, a.issued, a.volume, a.issue, a.pages)
    [again] = json.loads(CslJsonExporter().export([b]))
    assert again["custom"] == item["custom"]
