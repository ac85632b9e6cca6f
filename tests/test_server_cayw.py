"""The citation text of each CAYW format, case by case as Better BibTeX's formatter
(content/cayw/formatter.ts) writes it: locators and their labels, prefixes, suffixes,
suppressed authors, one citation or several."""
from __future__ import annotations

import pytest

from amlref.core.article import Article, Person
from amlref.server import cayw
from amlref.server.cayw import Citation, parse_locator

A, B = "Bawek2024", "Dohner2010"


def c(key=A, **kw):
    return Citation(key, **kw)


@pytest.mark.parametrize("cits, options, expected", [
    ([c()], {}, r"\cite{Bawek2024}"),
    ([c(locator="12")], {}, r"\cite[12]{Bawek2024}"),                  # page: no label
    ([c(locator="3", label="chapter")], {}, r"\cite[ch. 3]{Bawek2024}"),
    ([c(prefix="see")], {}, r"\cite[see][]{Bawek2024}"),
    ([c(prefix="see", locator="12")], {}, r"\cite[see][12]{Bawek2024}"),
    ([c(locator="12", suffix="table 2")], {}, r"\cite[12, table 2]{Bawek2024}"),
    ([c(suffix="for a review")], {}, r"\cite[for a review]{Bawek2024}"),
    ([c(suppress_author=True)], {}, r"\citeyear{Bawek2024}"),
    ([c(), c(B)], {"command": "citep"}, r"\citep{Bawek2024,Dohner2010}"),
    ([c(suppress_author=True), c(B, suppress_author=True)], {}, r"\citeyear{Bawek2024,Dohner2010}"),
    ([c(suppress_author=True), c(B)], {}, r"\citeyear{Bawek2024}\cite{Dohner2010}"),
    ([c(locator="12"), c(B)], {}, r"\cite[12]{Bawek2024}\cite{Dohner2010}"),
    ([c(prefix="50% & more_")], {}, r"\cite[50\% \& more\_][]{Bawek2024}"),
    ([], {}, ""),
])
def test_latex_natbib(cits, options, expected):
    assert cayw.natbib(cits, options) == expected


@pytest.mark.parametrize("cits, options, expected", [
    ([c()], {}, r"\autocite{Bawek2024}"),
    ([c(suppress_author=True)], {}, r"\autocite*{Bawek2024}"),
    ([c(suppress_author=True)], {"command": "parencite"}, r"\parencite*{Bawek2024}"),
    ([c(suppress_author=True)], {"command": "textcite"}, r"\textcite{Bawek2024}"),
    ([c(locator="12")], {}, r"\autocite[12]{Bawek2024}"),
    ([c(), c(B)], {}, r"\autocite{Bawek2024,Dohner2010}"),
    ([c(locator="12"), c(B)], {}, r"\autocites[12]{Bawek2024}{Dohner2010}"),
    ([c(prefix="see"), c(B, locator="4", label="figure")], {"command": "parencite"},
     r"\parencites[see][]{Bawek2024}[fig. 4]{Dohner2010}"),
    ([c(locator="1"), c(B)], {"command": "cites"}, r"\cites[1]{Bawek2024}{Dohner2010}"),
])
def test_biblatex(cits, options, expected):
    assert cayw.biblatex(cits, options) == expected


@pytest.mark.parametrize("cits, options, expected", [
    ([c()], {}, "@Bawek2024"),
    ([c()], {"brackets": "1"}, "[@Bawek2024]"),
    ([c(), c(B)], {"brackets": "true"}, "[@Bawek2024; @Dohner2010]"),
    ([c(locator="12")], {"brackets": "1"}, "[@Bawek2024, p. 12]"),
    ([c(locator="12-14", prefix="see", suffix="and passim")], {"brackets": "1"},
     "[see @Bawek2024, p. 12-14 and passim]"),
    ([c(suppress_author=True, locator="2", label="section")], {}, "-@Bawek2024, sec. 2"),
    ([c(locator="12")], {"page": "pp."}, "@Bawek2024, pp. 12"),          # label renamed
    ([c(locator="3", label="verse")], {}, "@Bawek2024, vrs. 3"),
])
def test_pandoc(cits, options, expected):
    assert cayw.pandoc(cits, options) == expected


def test_mmd_playground_asciidoctor():
    assert cayw.mmd([c(), c(B, prefix="see")], {}) == "[#Bawek2024][][see][#Dohner2010]"
    assert cayw.playground([c(), c(B)], {"keyprefix": "\\cite{", "keypostfix": "}",
                                         "separator": ""}) == r"\cite{Bawek2024}\cite{Dohner2010}"
    assert cayw.playground([], {"citeprefix": "["}) == ""
    assert cayw.asciidoctor([c(locator="12"), c(B, locator="3", label="chapter")], {}) == \
        "cite:[Bawek2024(12), Dohner2010(ch. 3)]"


def test_scannable_cite_markers():
    arts = {A: Article(citekey=A, issued="2024", authors=[Person("Bawek", "S."),
                                                         Person("Gurusinghe", "S."),
                                                         Person("Burwinkel", "M.")]),
            B: Article(citekey=B, issued="2010", authors=[Person("Döhner", "H."),
                                                         Person("Estey", "E. H.")]),
            "Who": Article(citekey="Who", authors=[Person(literal="WHO")])}
    out = cayw.scannable([c(prefix="see", locator="12", suffix="for a review"),
                          c(B, suppress_author=True), c("Who")], {}, arts)
    assert out == ("{ see | Bawek et al., 2024 | p. 12 | for a review | zu:0:Bawek2024 }"
                   "{ | -Döhner & Estey, 2010 | | | zu:0:Dohner2010 }"
                   "{ | WHO, n.d. | | | zu:0:Who }")
    cut = Article(citekey="Cut", issued="2019", authors=[Person("Daver", "N.")],
                  extra={"et_al": ["author"]})          # "Daver, N. and others"
    assert cayw.scannable_label(cut) == "Daver et al., 2019"


@pytest.mark.parametrize("typed, expected", [
    ("12", ("page", "12")), ("p. 12", ("page", "12")), ("pp. 12-14", ("page", "12-14")),
    ("ch. 3", ("chapter", "3")), ("chapter 3", ("chapter", "3")), ("fig. 2b", ("figure", "2b")),
    ("§ 4", ("section", "4")), ("sec. 4.1", ("section", "4.1")), ("vol. 2", ("volume", "2")),
    ("table 2", ("page", "table 2")), ("", ("", "")), ("  ", ("", "")),
    ("para. 7", ("paragraph", "7")), ("no. 5", ("issue", "5")),
])
def test_parse_locator(typed, expected):
    assert parse_locator(typed) == expected


@pytest.mark.parametrize("translator, exporter", [
    ("Better BibLaTeX", "biblatex"), ("Better BibTeX", "bibtex"), ("BetterBibTeX", "bibtex"),
    ("better bib latex", "biblatex"), ("Better CSL JSON", "csljson"), ("CSL JSON", "csljson"),
    (None, "biblatex"), ("ca65189f-8815-4afe-8c8b-8c7c15f0edca", "bibtex"), ("Word", None)])
def test_translator_names(translator, exporter):
    assert cayw.exporter_for(translator) == exporter
