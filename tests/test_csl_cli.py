"""``amlref cite``: formatted references from the command line, on a real library file."""
from __future__ import annotations

import json

import pytest

ITEMS = [
    {"id": "Halpern2002", "type": "article-journal",
     "title": "Solid-organ transplantation in HIV-infected patients",
     "container-title": "The New England journal of medicine",
     "container-title-short": "N Engl J Med", "volume": "347", "issue": "4", "page": "284-7",
     "issued": {"date-parts": [[2002, 7, 25]]}, "PMID": "12140307",
     "author": [{"family": "Halpern", "given": "Scott D"}, {"family": "Ubel", "given": "Peter A"},
                {"family": "Caplan", "given": "Arthur L"}]},
    {"id": "Petitti2005", "type": "article-journal",
     "title": "Blood pressure levels before dementia", "container-title": "Archives of neurology",
     "container-title-short": "Arch Neurol", "volume": "62", "issue": "1", "page": "112-116",
     "issued": {"date-parts": [[2005, 1]]}, "DOI": "10.1001/archneur.62.1.112",
     "author": [{"family": "Petitti", "given": "Diana B"}, {"family": "Crooks", "given": "Valerie C"},
                {"family": "Buckwalter", "given": "J Galen"}, {"family": "Chiu", "given": "Vicki"}]},
]
HALPERN = ("Halpern SD, Ubel PA, Caplan AL. Solid-organ transplantation in HIV-infected "
           "patients. N Engl J Med. 2002 Jul 25;347(4):284-7.")


@pytest.fixture
def library(cli, tmp_path):
    f = tmp_path / "refs.json"
    f.write_text(json.dumps(ITEMS), encoding="utf-8")
    r = cli("import", f)
    assert r.code == 0, r
    return cli


def test_cite_prints_the_vancouver_bibliography_in_the_order_given(library):
    r = library("cite", "Petitti2005", "Halpern2002")
    assert r.code == 0, r
    lines = r.out.splitlines()
    assert lines[0].startswith("1. Petitti DB, Crooks VC, Buckwalter JG, Chiu V. Blood pressure "
                               "levels before dementia. Arch Neurol. 2005 Jan;62(1):112-6.")
    assert lines[1].startswith("2. " + HALPERN)


def test_cite_by_identifier_style_html_and_citation(library):
    r = library("cite", "12140307", "--style", "ama")
    assert r.code == 0, r
    assert r.out.startswith("1. Halpern SD, Ubel PA, Caplan AL.") and "2002;347(4):284-287." in r.out
    r = library("cite", "doi:10.1001/archneur.62.1.112", "Halpern2002", "--style", "apa", "--html")
    assert r.code == 0, r
    assert r.out.startswith('<div class="csl-bib-body">')
    assert r.out.index("Halpern, S. D.") < r.out.index("Petitti, D. B.")   # APA sorts
    assert "<i>Archives of Neurology</i>" in r.out
    r = library("cite", "Halpern2002", "Petitti2005", "--style", "apa", "--citation")
    assert r.out.strip() == "(Halpern et al., 2002; Petitti et al., 2005)"


def test_the_library_setting_chooses_the_default_style(library, lib_path):
    from amlref.storage.library import Library
    with Library.open(lib_path) as lib:
        lib.settings.set("citation.style", "nature")
    r = library("cite", "Halpern2002")
    assert r.out.startswith("1. Halpern, S. D., Ubel, P. A. & Caplan, A. L. "), r


def test_list_styles(cli):
    r = cli("cite", "--list-styles")
    assert r.code == 0
    rows = [ln.split("\t") for ln in r.out.splitlines()]
    assert rows[0][0] == "vancouver"
    assert {"apa", "nature", "american-medical-association", "blood"} <= {n for n, _ in rows}


def test_unknown_key_style_or_nothing_is_one_line(library):
    r = library("cite", "Nobody1999")
    assert r.code == 2 and r.out == ""
    assert r.err.count("\n") == 1 and "Nobody1999" in r.err
    r = library("cite", "Halpern2002", "--style", "chicago-made-up")
    assert r.code == 2 and r.err.count("\n") == 1
    assert "unknown citation style 'chicago-made-up'" in r.err and "vancouver" in r.err
    r = library("cite")
    assert r.code == 2 and r.err.count("\n") == 1 and "KEY" in r.err
