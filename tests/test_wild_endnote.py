"""EndNote's tagged export (.enw: ``%0 Journal Article``, ``%A ...``), which publishers' "Export
to EndNote" links and Google Scholar give, and which AMLRef refused as an unknown format.
Fixtures written by hand in the exact form of the files named."""
from __future__ import annotations

import json

from amlref.formats.detect import detect
from amlref.formats.endnote import EndnoteImporter

# JabRef, jablib/src/test/resources/org/jabref/logic/importer/fileformat/Endnote.book.example.enw
BOOK = """%0 Book
%A Preißel, René
%A Stachmann, Bjørn
%C Heidelberg
%D 2016
%I dpunkt.verlag
%K Versionsverwaltung
%L 6H 1249(3)
%P XX, 327 
%T Git : dezentrale Versionsverwaltung im Team : Grundlagen und Workflows
%U http://d-nb.info/107601965X
%7 3., aktualisierte und erweiterte Auflage
%@ 978-3-86490-311-3
%[ 20151028
%= 20151125
%1 UB Vaihingen (geschlossen: 24.12.15 - 3.1.16)"""

# a publisher's / EndNote's export of journal articles and a book section (CRLF, keywords one a
# line, an abstract over several lines)
ARTICLES = ("%0 Journal Article\r\n%T Gilteritinib or Chemotherapy for Relapsed or Refractory"
            " FLT3-Mutated AML\r\n%A Perl, Alexander E.\r\n%A Martinelli, Giovanni\r\n"
            "%J N Engl J Med\r\n%V 381\r\n%N 18\r\n%P 1728-1740\r\n%D 2019\r\n"
            "%8 Oct 31\r\n%@ 0028-4793\r\n%R 10.1056/NEJMoa1902688\r\n%M 31665578\r\n"
            "%K Acute myeloid leukemia\r\nFLT3 inhibitors\r\n%X Patients with relapsed AML\r\n"
            "had poor outcomes.\r\n\r\n"
            "%0 Book Section\r\n%A Doe, Jane\r\n%E Roe, Richard\r\n%T CAR-T cells in AML\r\n"
            "%B Cellular Therapy\r\n%C Cham\r\n%I Springer\r\n%D 2021\r\n%P 55-70\r\n\r\n")


def test_jabref_endnote_book():
    [a] = EndnoteImporter().parse(BOOK, "x.enw").articles
    assert a.type == "book" and a.origin == "endnote"
    assert a.title == "Git : dezentrale Versionsverwaltung im Team : Grundlagen und Workflows"
    assert [(p.family, p.given) for p in a.authors] == [("Preißel", "René"),
                                                         ("Stachmann", "Bjørn")]
    assert (a.issued, a.publisher, a.isbn) == ("2016", "dpunkt.verlag", "978-3-86490-311-3")
    assert a.url == "http://d-nb.info/107601965X" and a.keywords == ["Versionsverwaltung"]
    csl = a.extra["csl"]
    assert csl["publisher-place"] == "Heidelberg"
    assert csl["edition"] == "3., aktualisierte und erweiterte Auflage"


def test_journal_articles_and_a_book_section(cli, tmp_path):
    res = EndnoteImporter().parse(ARTICLES, "x.enw")
    a, b = res.articles
    assert a.type == "article-journal" and a.container == "N Engl J Med"
    assert (a.volume, a.issue, a.pages) == ("381", "18", "1728-1740")
    assert a.issued == "2019-10-31" and a.doi.lower() == "10.1056/nejmoa1902688"
    assert a.keywords == ["Acute myeloid leukemia", "FLT3 inhibitors"]
    assert a.abstract.split() == "Patients with relapsed AML had poor outcomes.".split()
    assert (a.line, b.line) == (1, 19)
    assert b.type == "chapter" and b.container == "Cellular Therapy"
    assert [p.family for p in b.editors] == ["Roe"] and b.pages == "55-70"
    f = tmp_path / "export.enw"
    f.write_bytes(ARTICLES.encode("utf-8"))
    r = cli("import", str(f), "--json")
    assert r.code == 0, r
    assert r.json()["added"] == 2
    shown = cli("show", "10.1056/NEJMoa1902688", "--json").json()
    assert shown["title"].startswith("Gilteritinib")


def test_detected_by_content_and_not_taken_for_a_commented_bib():
    assert detect(BOOK, "export.txt") == "endnote"
    assert detect(ARTICLES, "citation.enw") == "endnote"
    ris = "TY  - JOUR\nTI  - A RIS file called .enw\nER  - \n"
    assert detect(ris, "citation.enw") == "ris"        # publishers' .enw is often RIS
    bib = "%A comment\n%T that looks like tags\n%D 2020\n@article{k, title = {T}}\n"
    assert detect(bib, "refs.bib") == "bibtex"


def test_nothing_readable_is_one_clear_error(tmp_path, cli):
    f = tmp_path / "empty.enw"
    f.write_text("%0 Journal Article\n\n", encoding="utf-8")
    r = cli("import", str(f))
    assert r.code != 0 and "Traceback" not in r.err
    assert "empty.enw" in r.err
