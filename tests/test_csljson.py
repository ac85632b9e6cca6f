"""CSL-JSON in and out: Crossref/doi.org responses, Zotero notes, round trip, bad items."""
from __future__ import annotations

import json

import pytest

from amlref.core.article import Article, Person
from amlref.core.errors import InputError
from amlref.core.text import read_text
from amlref.formats.csljson import CslJsonExporter, CslJsonImporter
from amlref.formats.detect import detect
from amlref.services.importing import import_text
from tests.conftest import corpus

imp = CslJsonImporter()


def test_crossref_items():
    data = json.loads(read_text(str(corpus("api", "crossref-csl-json-doi.json")))[0])
    items = [it for _, (url, got) in data.items() for it in got]
    res = imp.parse(json.dumps(items), "x.json")
    assert res.problems == [] and len(res.articles) == len(items)
    a = res.articles[0]
    assert a.doi.lower() == "10.1021/ja01577a030"
    assert (a.volume, a.issue, a.pages, a.issued) == ("79", "20", "5441-5444", "1957-10")
    assert a.authors == [Person("Hall", "H. K., Jr.")]
    assert a.container_short == "J. Am. Chem. Soc."
    assert a.extra["csl"]["source"] == "Crossref"


def test_doi_org_content_negotiation_object():
    path = corpus("api", "crossref-habanero", "test_content_negotiation_citeproc_json.02.json")
    text, _ = read_text(str(path))
    assert detect(text, path.name) == "csljson"
    (a,) = imp.parse(text, str(path)).articles
    assert a.title and a.authors and a.year == 1970
    assert "<jats:" not in a.abstract and a.abstract.startswith("The train of thought")
    assert "<jats:" in a.extra["csl"]["abstract"]  # the original is kept


def test_zotero_note_identifiers_and_keywords():
    text = json.dumps([{"id": "k1", "type": "article-journal", "title": "T",
                        "note": "PMID: 39697225\nPMCID: PMC11652486",
                        "keyword": "Leukemia, Myeloid, Acute; immunotherapy"}])
    (a,) = imp.parse(text, "z.json").articles
    assert (a.pmid, a.pmcid, a.citekey) == ("39697225", "PMC11652486", "k1")
    assert a.keywords == ["Leukemia, Myeloid, Acute", "immunotherapy"]


def test_round_trip():
    a = Article(citekey="bawek2024", type="review", title="Updates in AML",
                container="Frontiers in Oncology", container_short="Front Oncol", volume="14",
                pages="1374963", issued="2024-12-04", doi="10.3389/fonc.2024.1374963",
                pmid="39697225", pmcid="PMC11652486", keywords=["Leukemia, Myeloid, Acute"],
                authors=[Person("Bawek", "Jane"), Person(literal="AML Group")],
                extra={"csl": {"note": "kept"}})
    out = CslJsonExporter().export([a])
    item = json.loads(out)[0]
    assert item["id"] == "bawek2024" and item["PMID"] == "39697225" and item["note"] == "kept"
    assert item["issued"] == {"date-parts": [[2024, 12, 4]]}
    (b,) = imp.parse(out, "r.json").articles
    for f in ("citekey", "type", "title", "container", "container_short", "volume", "pages",
              "issued", "doi", "pmid", "pmcid", "keywords", "authors"):
        assert getattr(b, f) == getattr(a, f), f


def test_bad_items_are_problems_with_lines():
    text = '[\n  {"title": "ok"},\n  42,\n  {"title": "also", "issued": {"date-parts": [["x"]]}}\n]'
    res = imp.parse(text, "b.json")
    assert [a.title for a in res.articles] == ["ok", "also"]
    assert len(res.problems) == 1 and "item 2" in res.problems[0].message


def test_not_json():
    with pytest.raises(InputError, match="not valid JSON"):
        imp.parse("[{oops", "bad.json")


def test_import_twice(lib):
    text = json.dumps([{"id": "a", "type": "article-journal", "title": "Same thing",
                        "DOI": "10.1000/same", "author": [{"family": "Roe", "given": "K"}]}])
    assert len(import_text(lib, text, name="a.json").added) == 1
    assert import_text(lib, text, name="a.json").added == []
    assert lib.articles.count() == 1


def test_nulls_and_lone_names_from_other_tools_read_as_nothing_or_one_name():
    """Tools write ``null`` for empty fields and sometimes one name as an object: never the
    text 'None', never a name per dictionary key."""
    import json
    from amlref.formats.csljson import CslJsonImporter
    items = [{"id": "x", "title": None, "author": None, "keyword": None, "citation-key": None,
              "container-title": None, "DOI": None},
             {"id": "y", "title": "Alone", "author": {"family": "Solo", "given": "H"},
              "editor": [None, "Corp Inc"]}]
    a, b = CslJsonImporter().parse(json.dumps(items), "t.json").articles
    assert (a.title, a.citekey, a.keywords, a.authors, a.container, a.doi) == ("", "x", [], [], "", "")
    assert [p.display() for p in b.authors] == ["Solo, H"]
    assert [p.display() for p in b.editors] == ["Corp Inc"]


def test_json_that_is_not_csl_is_refused_in_one_line(tmp_path):
    """An API answer or any other JSON object with no CSL field is not one empty record."""
    import pytest
    from amlref.core.errors import InputError
    from amlref.formats.csljson import CslJsonImporter
    imp = CslJsonImporter()
    with pytest.raises(InputError) as e:
        imp.parse('{"header": {"type": "esearch"}, "esearchresult": {"idlist": ["1"]}}',
                  "answer.json")
    assert "answer.json" in str(e.value) and "not CSL-JSON" in str(e.value)
    res = imp.parse('[{"title": "A"}, {"foo": 1}]', "mixed.json")
    assert [a.title for a in res.articles] == ["A"]
    assert res.problems and "item 2 has no CSL field" in res.problems[0].message


def test_crossref_api_envelope_gives_its_items():
    from amlref.formats.csljson import CslJsonImporter
    text = ('{"status": "ok", "message-type": "work-list", "message": {"items": ['
            '{"type": "journal-article", "title": "One", "DOI": "10.1/a"},'
            '{"type": "journal-article", "title": "Two", "DOI": "10.1/b"}]}}')
    res = CslJsonImporter().parse(text, "works.json")
    assert [a.title for a in res.articles] == ["One", "Two"]
