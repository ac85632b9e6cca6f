"""A name list cut short ("and others", "et al.") is no author: the list keeps the people
named, the article records that it goes on, and every format says so again in its own way
(BibTeX ``and others``, RIS ``AU  - et al.``, CSL-JSON ``custom.et-al``).  Records written by hand
in the exact form the tools write them (Mendeley/JabRef BibTeX, biblatex, EndNote RIS, PubMed
MEDLINE, citation-js CSL-JSON) and JabRef's real test file; bibtex and biber print it."""
from __future__ import annotations

import json

import pytest

from amlref.core.article import Article, Person
from amlref.core.text import read_text
from amlref.formats.bibtex import BibtexImporter, export_bib
from amlref.formats.csljson import CslJsonExporter, CslJsonImporter
from amlref.formats.et_al import is_et_al, marked
from amlref.formats.medline import MedlineImporter
from amlref.formats.ris import RisExporter, RisImporter
from amlref.services.merge import merge_articles
from latex_run import bbl_of, need
from tests.conftest import corpus

MENDELEY = """@article{Daver2019,
author = {Daver, Naval and Garcia-Manero, Guillermo and Basu, Sreyashi and others},
editor = {Kantarjian, Hagop and others},
title = {{Efficacy, safety, and biomarkers of response to azacitidine and nivolumab}},
journal = {Cancer Discovery},
year = {2019},
volume = {9},
pages = {370--383}
}
"""


def one(importer, text: str, name: str) -> Article:
    res = importer.parse(text, name)
    assert not res.problems, res.problems
    (a,) = res.articles
    return a


def families(people) -> list[str]:
    return [p.family or p.literal for p in people]


def test_words_that_cut_a_list_short():
    for w in ("others", "Others", "et al.", "et al", "Et Al.", "et. al.", "et alii", "and others"):
        assert is_et_al(w), w
    for w in ("Otherson", "Al-Rashid", "Etal, K", "", "al."):
        assert not is_et_al(w), w


def test_bibtex_and_others_is_no_author_and_is_written_back():
    a = one(BibtexImporter(), MENDELEY, "mendeley.bib")
    assert families(a.authors) == ["Daver", "Garcia-Manero", "Basu"]
    assert families(a.editors) == ["Kantarjian"]
    assert marked(a, "author") and marked(a, "editor")
    for biblatex in (False, True):
        out = export_bib([a], biblatex=biblatex)
        assert "author = {Daver, Naval and Garcia-Manero, Guillermo and Basu, Sreyashi and " \
               "others}" in out, out
        assert "editor = {Kantarjian, Hagop and others}" in out
        b = one(BibtexImporter(), out, "again.bib")
        assert (b.authors, b.editors, b.extra.get("et_al")) == (a.authors, a.editors,
                                                                ["author", "editor"])


def test_latex_names_with_others_kept_as_written():
    a = one(BibtexImporter(), "@article{k, author = {M{\\\"u}ller, Hans and others}, "
                              "title = {T}, year = 2020}", "k.bib")
    assert a.authors == [Person("Müller", "Hans")] and marked(a, "author")
    assert 'author = {M{\\"u}ller, Hans and others}' in export_bib([a], biblatex=False)
    a.extra.pop("et_al")          # the user completes the list: no "others" any more
    assert "author = {M{\\\"u}ller, Hans}" in export_bib([a], biblatex=False)


def test_a_list_without_others_gets_none():
    a = one(BibtexImporter(), "@article{k, author = {Smith, J. and Others, Kim}, title = {T}}",
            "k.bib")
    assert families(a.authors) == ["Smith", "Others"] and "et_al" not in a.extra
    assert "and others" not in export_bib([a], biblatex=False)


def test_jabref_test_file_has_no_author_named_others():
    path = corpus("bibtex", "jabref-testbib", "testjabref.bib")
    text = read_text(str(path))[0]
    res = BibtexImporter().parse(text, path.name)
    cut = [a for a in res.articles if marked(a, "author")]
    assert len(cut) == text.count("and others}") > 0
    assert not any(p.literal.lower() == "others" or p.family.lower() == "others"
                   for a in res.articles for p in a.authors + a.editors)
    again = BibtexImporter().parse(export_bib(res.articles, biblatex=True), "again.bib")
    assert [(a.authors, a.extra.get("et_al")) for a in again.articles] == \
           [(a.authors, a.extra.get("et_al")) for a in res.articles]


def test_csl_json_keeps_the_list_and_says_it_goes_on():
    a = one(BibtexImporter(), MENDELEY, "mendeley.bib")
    (item,) = json.loads(CslJsonExporter().export([a]))
    assert [p["family"] for p in item["author"]] == ["Daver", "Garcia-Manero", "Basu"]
    assert item["custom"] == {"et-al": ["author", "editor"]}
    b = one(CslJsonImporter(), json.dumps([item]), "a.json")
    assert b.authors == a.authors and b.editors == a.editors
    assert b.extra["et_al"] == ["author", "editor"] and "custom" not in b.extra.get("csl", {})
    # another tool's other custom data stays, beside ours
    item["custom"]["zotero-key"] = "ABCD1234"
    c = one(CslJsonImporter(), json.dumps([item]), "b.json")
    assert c.extra["csl"]["custom"] == {"zotero-key": "ABCD1234"}
    (out,) = json.loads(CslJsonExporter().export([c]))
    assert out["custom"] == {"zotero-key": "ABCD1234", "et-al": ["author", "editor"]}


def test_csl_json_from_converters_that_kept_others_as_a_name():
    # BibTeX -> CSL-JSON converters that make a name of "others"
    item = {"id": "x", "type": "article-journal", "title": "T",
            "author": [{"family": "Daver", "given": "Naval"}, {"literal": "others"}]}
    a = one(CslJsonImporter(), json.dumps([item]), "x.json")
    assert families(a.authors) == ["Daver"] and a.extra["et_al"] == ["author"]


def test_ris_et_al_line():
    text = ("TY  - JOUR\nAU  - Daver, Naval\nAU  - Basu, Sreyashi\nAU  - et al.\n"
            "TI  - Azacitidine and nivolumab\nPY  - 2019\nER  - \n")
    a = one(RisImporter(), text, "endnote.ris")
    assert families(a.authors) == ["Daver", "Basu"] and a.extra["et_al"] == ["author"]
    out = RisExporter().export([a])
    assert "AU  - Basu, Sreyashi\nAU  - et al.\n" in out
    assert one(RisImporter(), out, "again.ris") == a
    # from BibTeX to RIS: the list is said to go on in RIS's way
    b = one(BibtexImporter(), MENDELEY, "mendeley.bib")
    assert "AU  - Basu, Sreyashi\nAU  - et al.\n" in RisExporter().export([b])


def test_through_the_library_and_the_command_line(cli, tmp_path):
    f = tmp_path / "endnote.ris"
    f.write_text("TY  - JOUR\nAU  - Daver, Naval\nAU  - et al.\nTI  - Azacitidine and nivolumab\n"
                 "PY  - 2019\nER  - \n")
    assert cli("import", f).code == 0
    key = cli("search", "nivolumab", "--json").json()["results"][0]["citekey"]
    assert "authors:  Daver, Naval; et al." in cli("show", key).out
    assert "author = {Daver, Naval and others}" in cli("export", "-f", "biblatex").out
    (item,) = json.loads(cli("export", "-f", "csljson").out)
    assert item["author"] == [{"family": "Daver", "given": "Naval"}]
    assert item["custom"] == {"et-al": ["author"]}


def test_medline_et_al():
    text = ("PMID- 11111111\nTI  - A title.\nAU  - Smith J\nAU  - Jones K\nAU  - et al.\n"
            "DP  - 1995\n")
    a = one(MedlineImporter(), text, "pubmed.nbib")
    assert families(a.authors) == ["Smith", "Jones"] and a.extra["et_al"] == ["author"]
    assert "and others}" in export_bib([a], biblatex=False)


def test_merge_keeps_the_mark_with_the_list_it_keeps():
    cut = Article(title="T", authors=[Person("Daver", "N")], extra={"et_al": ["author"]})
    full = Article(title="T", authors=[Person("Daver", "Naval"), Person("Basu", "Sreyashi")])
    changes, _ = merge_articles(cut, full)          # the fuller list replaces the cut one
    assert changes["authors"] == full.authors and "et_al" not in changes["extra"]
    changes, _ = merge_articles(full, cut)          # the full list stays: no mark comes in
    assert "authors" not in changes and "et_al" not in changes.get("extra", {})


@pytest.mark.latex
def test_bibtex_and_biber_print_et_al(tmp_path):
    need("pdflatex", "bibtex", "biber")
    a = one(BibtexImporter(), MENDELEY, "mendeley.bib")
    doc = "\\documentclass{article}%s\\begin{document}\\nocite{*}%s\\end{document}\n"
    bbl = bbl_of(tmp_path / "bibtex", export_bib([a], biblatex=False),
                 doc % ("", "\\bibliographystyle{plain}\\bibliography{refs}"), "bibtex")
    assert "Naval Daver, Guillermo Garcia-Manero, Sreyashi Basu, et~al." in " ".join(bbl.split())
    bbl = bbl_of(tmp_path / "biber", export_bib([a], biblatex=True),
                 doc % ("\\usepackage[backend=biber]{biblatex}\\addbibresource{refs.bib}",
                        "\\printbibliography"), "biber")
    assert "\\true{moreauthor}" in bbl and "\\true{moreeditor}" in bbl   # biber's "et al."
    assert "{3}" in bbl.split("\\name{author}")[1][:5]     # three authors, none "others"


def test_show_gives_an_old_librarys_author_others_as_et_al(cli, lib):
    """A library imported before decision 0033 keeps a last author "others": `amlref show`
    prints et al. in its place, as the window and the formatted references do."""
    lib.articles.add(Article(title="Efficacy of nivolumab", issued="2019", citekey="daver2019",
                             authors=[Person("Daver", "Naval"), Person(literal="others")]))
    out = cli("show", "daver2019").out
    assert "authors:  Daver, Naval; et al." in out and "others" not in out
