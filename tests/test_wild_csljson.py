"""CSL-JSON as other tools write it (files AMLRef had not seen): Crossref's and Zotero's type
names, rich-text titles (CSL-JSON's HTML-like markup, Crossref's ``<scp>`` and entities), and
date parts out of range.  Fixtures written by hand in the form of each tool's output."""
from __future__ import annotations

import json

from amlref.formats.csljson import CslJsonExporter, CslJsonImporter
from amlref.services.importing import import_text


def parse(items) -> list:
    res = CslJsonImporter().parse(json.dumps(items), "x.json")
    assert not res.problems, res.problems
    return res.articles


def test_crossref_and_zotero_type_names_are_csl_types():
    # Crossref's REST API "message" (types as Crossref names them), e.g. habanero's cassettes
    crossref = {"status": "ok", "message-type": "work", "message": {
        "type": "journal-article", "title": ["Venetoclax with azacitidine"],
        "container-title": ["Blood"], "DOI": "10.1182/blood.2020000001",
        "published-print": {"date-parts": [[2020, 8, 13]]}}}
    [a] = parse(crossref)
    assert a.type == "article-journal" and a.issued == "2020-08-13"
    assert a.extra["csl"]["type"] == "journal-article"      # what the file said, kept
    kinds = {"book-chapter": "chapter", "proceedings-article": "paper-conference",
             "posted-content": "article", "dissertation": "thesis", "edited-book": "book",
             "reference-entry": "entry-encyclopedia", "journalArticle": "article-journal",
             "bookSection": "chapter", "article-journal": "article-journal",
             "no-such-type": "article"}
    arts = parse([{"type": t, "title": f"T {t}"} for t in kinds])
    assert [a.type for a in arts] == list(kinds.values())
    assert "type" not in arts[-2].extra.get("csl", {})       # a CSL type needs no note


# Zotero's CSL JSON export keeps rich text; Crossref's titles carry JATS-like tags and entities
RICH = [{"id": "zot", "type": "article-journal",
         "title": "CD123 CAR T cells in <i>vivo</i>: H<sub>2</sub>O and Ca<sup>2+</sup>",
         "container-title": "Blood &amp; Marrow"},
        {"id": "cr", "type": "article-journal",
         "title": "<scp>FLT3</scp> inhibitors &amp; <span class=\"nocase\">iPSC</span> NK cells"}]


def test_rich_text_is_plain_in_the_library_and_comes_back_out_to_csl_json(lib):
    a, b = parse(RICH)
    assert a.title == "CD123 CAR T cells in vivo: H₂O and Ca²⁺"
    assert a.container == "Blood & Marrow"
    assert b.title == "FLT3 inhibitors & iPSC NK cells"
    report = import_text(lib, json.dumps(RICH), name="zotero.json")
    arts = [lib.articles.get(i) for i in report.added]
    assert [x.title for x in arts] == [a.title, b.title]
    out = json.loads(CslJsonExporter().export(arts))
    assert out[0]["title"] == RICH[0]["title"]           # the markup, while the title is the same
    assert "markup" not in out[0]
    arts[0].title = "Edited"
    assert json.loads(CslJsonExporter().export(arts[:1]))[0]["title"] == "Edited"


def test_month_or_day_out_of_range_is_left_out():
    arts = parse([{"type": "book", "title": "a", "issued": {"date-parts": [[2015, 0]]}},
                  {"type": "book", "title": "b", "issued": {"date-parts": [[2015, 13]]}},
                  {"type": "book", "title": "c", "issued": {"date-parts": [["2015", "4", "0"]]}},
                  {"type": "book", "title": "d", "issued": {"date-parts": [[2019, 5], [2020, 6]]}}])
    assert [a.issued for a in arts] == ["2015", "2015", "2015-04", "2019-05"]


def test_zotero_item_uris_and_row_numbers_are_no_citation_keys(lib):
    # Zotero's own CSL JSON export gives each item its URI as id; other tools number rows
    items = [{"id": "http://zotero.org/users/local/AbC/items/XYZ12", "type": "article-journal",
              "title": "Zotero item", "DOI": "10.1000/z1"},
             {"id": 7, "type": "book", "title": "Numbered row"},
             {"id": "smith2020", "type": "book", "title": "Keyed"},
             {"id": "http://zotero.org/users/1/items/Q", "citation-key": "doe2021",
              "type": "book", "title": "Better BibTeX key"}]
    arts = parse(items)
    assert [a.citekey for a in arts] == [None, None, "smith2020", "doe2021"]
    assert arts[0].extra["csl"]["id"] == items[0]["id"]          # kept as written
    report = import_text(lib, json.dumps(items), name="zotero.json")
    keys = [lib.articles.get(i).citekey for i in report.added]
    assert all(k and "/" not in k and not k.isdigit() for k in keys)
    assert "smith2020" in keys and "doe2021" in keys


def test_a_name_suffix_goes_out_as_csl_suffix():
    # the readers keep "Jr" after a comma in the given names (PubMed FAU, BibTeX "von Last, Jr,
    # First", CSL "suffix"); CSL-JSON and so the formatted references get CSL's suffix back
    [a] = parse([{"type": "article-journal", "title": "T",
                  "author": [{"family": "Costa", "given": "Paul T", "suffix": "Jr."},
                             {"family": "Doe", "given": "Jane, Ann"}]}])
    assert a.authors[0].given == "Paul T, Jr."
    out = json.loads(CslJsonExporter().export([a]))[0]["author"]
    assert out == [{"family": "Costa", "given": "Paul T", "suffix": "Jr."},
                   {"family": "Doe", "given": "Jane, Ann"}]
