"""Formatted references of a name list cut short ("and others", decision 0033): it always ends
in the style's "et al.", whatever the style's et-al-min, and is truncated as the style would
truncate the longer list it stands for.  Records from JabRef's real test file and a Mendeley
export written by hand; an old library's author "others" in a real SQLite file."""
from __future__ import annotations

import json

import pytest

from amlref.core.article import Article, Person as P
from amlref.core.text import read_text
from amlref.formats import csl
from amlref.formats.bibtex import BibtexImporter
from amlref.formats.et_al import KEY
from tests.conftest import corpus

MENDELEY = """@article{Daver2019,
author = {Daver, Naval and Garcia-Manero, Guillermo and Basu, Sreyashi and others},
title = {{Efficacy, safety, and biomarkers of response to azacitidine and nivolumab}},
journal = {Cancer Discovery},
year = {2019},
volume = {9},
pages = {370--383}
}
"""


@pytest.fixture(scope="module")
def jabref() -> dict[str, Article]:
    path = corpus("bibtex", "jabref-testbib", "testjabref.bib")
    res = BibtexImporter().parse(read_text(str(path))[0], path.name)
    return {a.citekey: a for a in res.articles}


def daver() -> Article:
    (a,) = BibtexImporter().parse(MENDELEY, "mendeley.bib").articles
    assert [p.family for p in a.authors] == ["Daver", "Garcia-Manero", "Basu"]
    return a


def complete(a: Article) -> Article:
    a.extra.pop(KEY, None)
    return a


def names_part(entry: str, before: str) -> str:
    """The author part of an entry: everything before the title."""
    return entry.split(before)[0]


# -- a long list: the style's own truncation, as for the list it stands for ------------------
def test_ten_names_and_others_truncated_as_each_style_does(jabref):
    a = jabref["Xu2020"]
    assert len(a.authors) == 10 and a.extra[KEY] == ["author"]
    title = "Pathological findings"
    out = {st: names_part(csl.format_bibliography([a], st, numbered=False), title)
           for st in ("vancouver", "american-medical-association", "nature", "apa")}
    # Citing Medicine: the first six, then "et al."; AMA 11: the first three; Nature: one
    assert out["vancouver"] == "Xu Z, Shi L, Wang Y, Zhang J, Huang L, Zhang C, et al. "
    assert out["american-medical-association"] == "Xu Z, Shi L, Wang Y, et al. "
    assert out["nature"] == "Xu, Z. et al. "
    # APA lists up to 20 names; the list goes on, so no "&" before the tenth: "et al."
    assert out["apa"].startswith("Xu, Z., Shi, L., Wang, Y.,")
    assert out["apa"].endswith("Liu, H., Zhu, L., et al. (2020). ")
    assert "&" not in out["apa"] and "others" not in "".join(out.values())
    assert csl.format_citation([a], "apa") == "(Xu et al., 2020)"


# -- a short list: every name given, then "et al.", even below et-al-min ---------------------
def test_short_list_cut_short_ends_in_et_al_below_et_al_min():
    a = daver()
    title = "Efficacy, safety"
    got = {st: names_part(csl.format_bibliography([a], st, numbered=False), title)
           for st in ("vancouver", "american-medical-association", "nature", "apa")}
    assert got == {
        "vancouver": "Daver N, Garcia-Manero G, Basu S, et al. ",
        "american-medical-association": "Daver N, Garcia-Manero G, Basu S, et al. ",
        "nature": "Daver, N., Garcia-Manero, G., Basu, S., et al. ",
        "apa": "Daver, N., Garcia-Manero, G., Basu, S., et al. (2019). ",
    }
    whole = {st: names_part(csl.format_bibliography([complete(daver())], st, numbered=False),
                            title) for st in ("vancouver", "nature", "apa")}
    assert whole == {"vancouver": "Daver N, Garcia-Manero G, Basu S. ",
                     "nature": "Daver, N., Garcia-Manero, G. & Basu, S. ",
                     "apa": "Daver, N., Garcia-Manero, G., & Basu, S. (2019). "}


def test_one_name_and_others(jabref):
    a = jabref["Antognini2020"]
    assert [p.family for p in a.authors] == ["Antognini"]
    # delimiter-precedes-et-al "contextual" (the default): no comma after a single name
    assert csl.format_bibliography([a], "vancouver").startswith("1. Antognini A et al. Demo")
    assert csl.format_bibliography([a], "apa").startswith("Antognini, A. et al. (2020). Demo")
    assert csl.format_citation([a], "apa") == "(Antognini et al., 2020)"


def test_in_text_citation_of_two_names_cut_short():
    two = Article(citekey="k", title="T", issued="2020", authors=[P("Smith", "J"), P("Jones", "K")])
    assert csl.format_citation([two], "apa") == "(Smith & Jones, 2020)"
    two.extra[KEY] = ["author"]
    # the list has three names at least: APA's et-al-min 3 applies
    assert csl.format_citation([two], "apa") == "(Smith et al., 2020)"


def test_et_al_in_html_takes_the_styles_formatting():
    a = daver()
    out = csl.format_bibliography([a], "nature", html=True)
    assert "Basu, S., <i>et al.</i>" in out
    assert "Basu S, et al." in csl.format_bibliography([a], "vancouver", html=True)


def test_editors_cut_short():
    a = Article(citekey="e", type="chapter", title="Chapter", container="Book", issued="2021",
                authors=[P("Lee", "Ann")], editors=[P("Kantarjian", "Hagop")])
    assert "In: Kantarjian H, editor. Book." in csl.format_bibliography([a], "vancouver")
    a.extra[KEY] = ["editor"]
    out = csl.format_bibliography([a], "apa")
    # more than one editor: the label is plural
    assert out.startswith("Lee, A. (2021). Chapter. In H. Kantarjian et al. (eds.), Book.")
    assert "In: Kantarjian H et al., editors. Book." in csl.format_bibliography([a], "vancouver")


def test_old_library_author_others_shown_as_et_al(lib):
    """A library imported before decision 0033 keeps an author "others" (the BibTeX reader
    stored {"literal": "others"}); it is shown as et al., not as a name."""
    aid = lib.articles.add(Article(title="Efficacy of nivolumab", issued="2019",
                                   container="Cancer Discovery",
                                   authors=[P("Daver", "Naval"), P("Basu", "Sreyashi"),
                                            P(literal="others")]))
    (raw,) = lib.execute("SELECT authors FROM articles WHERE id = ?", (aid,)).fetchone()
    assert json.loads(raw)[-1] == {"literal": "others"}    # stored as the old reader did
    a = lib.articles.get(aid)
    out = csl.format_bibliography([a], "vancouver")
    assert out.startswith("1. Daver N, Basu S, et al. Efficacy of nivolumab.")
    assert "others" not in out
    assert csl.format_citation([a], "apa") == "(Daver et al., 2019)"
    # a person whose family name happens to be Others, with a given name, is a person
    b = Article(title="X", issued="2019", authors=[P("Daver", "N"), P("Others", "Jane")])
    assert csl.format_bibliography([b], "vancouver").startswith("1. Daver N, Others J. X.")


def test_lists_not_cut_are_untouched_in_the_same_bibliography(jabref):
    """One bibliography with cut and complete lists: only the cut one gets "et al."."""
    a, b = daver(), complete(daver())
    b.citekey, b.title = "whole", "Another title"
    out = csl.bibliography_entries([a, b], "vancouver")
    assert out[0].startswith("1. Daver N, Garcia-Manero G, Basu S, et al. Efficacy")
    assert out[1].startswith("2. Daver N, Garcia-Manero G, Basu S. Another title")
