"""Formatted references (amlref.formats.csl): the examples each style documents, the CSL
processor rules that journal articles exercise, and real PubMed records."""
from __future__ import annotations

import re

import pytest

from amlref.core.article import Article, Person as P
from amlref.formats import csl
from amlref.formats.csl_pages import format_pages, format_range


# -- the examples the styles document -----------------------------------------------------------
def halpern(pages="284-7", **kw) -> Article:
    """Citing Medicine, 2nd ed., chapter 1 (journal articles), the standard example."""
    a = Article(citekey="halpern2002", type="article-journal",
                title="Solid-organ transplantation in HIV-infected patients.",
                container="The New England journal of medicine", container_short="N Engl J Med",
                issued="2002-07-25", volume="347", issue="4", pages=pages,
                authors=[P("Halpern", "Scott D"), P("Ubel", "Peter A"), P("Caplan", "Arthur L")])
    for k, v in kw.items():
        setattr(a, k, v)
    return a


def rose() -> Article:
    """More than six authors (Citing Medicine / ICMJE sample references), MEDLINE initials."""
    return Article(citekey="rose2002", title="Regulation of interstitial excitatory amino acid "
                   "concentrations after cortical contusion injury.", container="Brain research",
                   container_short="Brain Res", issued="2002", volume="935", issue="1-2",
                   pages="40-6", authors=[P("Rose", "ME"), P("Huerbin", "MB"), P("Melick", "J"),
                                          P("Marion", "DW"), P("Palmer", "AM"),
                                          P("Schiding", "JK"), P("Kochanek", "PM"),
                                          P("Graham", "SH")])


def dpp() -> Article:
    """An organization as author (Citing Medicine chapter 1, "Organization as author")."""
    return Article(citekey="dpp2002", title="Hypertension, insulin, and proinsulin in "
                   "participants with impaired glucose tolerance.", container="Hypertension",
                   container_short="Hypertension", issued="2002", volume="40", issue="5",
                   pages="679-86", authors=[P(literal="Diabetes Prevention Program Research "
                                              "Group")])


def petitti() -> Article:
    """ICMJE sample reference: a month in the date."""
    return Article(citekey="petitti2005", title="Blood pressure levels before dementia.",
                   container="Archives of neurology", container_short="Arch Neurol",
                   issued="2005-01", volume="62", issue="1", pages="112-6",
                   authors=[P("Petitti", "Diana B"), P("Crooks", "Valerie C"),
                            P("Buckwalter", "J Galen"), P("Chiu", "Vicki")])


def grady() -> Article:
    """The APA Publication Manual (7th ed.) journal article example, with a DOI."""
    return Article(citekey="grady2019", title="Emotions in storybooks: A comparison of "
                   "storybooks that represent ethnic and racial groups in the United States",
                   container="Psychology of Popular Media Culture", issued="2019", volume="8",
                   issue="3", pages="207-217", doi="10.1037/ppm0000185",
                   authors=[P("Grady", "Jessica S."), P("Her", "Malina"),
                            P("Moreno", "Geovanna"), P("Perez", "Catherine"),
                            P("Yelinek", "Jillian")])


def schott() -> Article:
    """Nature's guide to authors, the journal reference example."""
    return Article(citekey="schott2002", title="Secretory vesicle transport velocity in living "
                   "cells depends on the myosin V lever arm length",
                   container="The Journal of cell biology", container_short="J. Cell Biol.",
                   issued="2002", volume="156", pages="35-39",
                   authors=[P("Schott", "D. H."), P("Collins", "R. N."),
                            P("Bretscher", "A.")])


def test_vancouver_gives_the_citing_medicine_examples():
    out = csl.format_bibliography([halpern(), rose(), dpp(), petitti()]).splitlines()
    assert out == [
        "1. Halpern SD, Ubel PA, Caplan AL. Solid-organ transplantation in HIV-infected "
        "patients. N Engl J Med. 2002 Jul 25;347(4):284-7.",
        "2. Rose ME, Huerbin MB, Melick J, Marion DW, Palmer AM, Schiding JK, et al. Regulation "
        "of interstitial excitatory amino acid concentrations after cortical contusion injury. "
        "Brain Res. 2002;935(1-2):40-6.",
        "3. Diabetes Prevention Program Research Group. Hypertension, insulin, and proinsulin "
        "in participants with impaired glucose tolerance. Hypertension. 2002;40(5):679-86.",
        "4. Petitti DB, Crooks VC, Buckwalter JG, Chiu V. Blood pressure levels before "
        "dementia. Arch Neurol. 2005 Jan;62(1):112-6.",
    ]
    assert csl.format_citation([halpern(), rose(), dpp()]) == "(1\u20133)"
    assert csl.format_citation([halpern(), rose()]) == "(1,2)"
    assert csl.format_citation([halpern(), rose(), dpp(), petitti()], "nature", html=True) \
        == "<sup>1\u20134</sup>"


def test_vancouver_is_the_same_from_a_full_page_range_and_names_the_identifiers():
    a = halpern(pages="284-287", doi="10.1056/nejmsb020632", pmid="12140307")
    assert csl.format_bibliography([a]) == (
        "1. Halpern SD, Ubel PA, Caplan AL. Solid-organ transplantation in HIV-infected "
        "patients. N Engl J Med. 2002 Jul 25;347(4):284-7. doi:10.1056/nejmsb020632 PubMed "
        "PMID: 12140307.")


def test_ama_and_blood_give_the_ama_manual_form():
    """AMA Manual of Style 11th ed., 3.11: year;volume(issue):full page range, more than six
    authors -> three and et al, DOI last without a full stop.  Blood uses the AMA style."""
    ama = csl.format_bibliography([halpern(doi="10.1056/nejmsb020632"), rose()],
                                  "american-medical-association").splitlines()
    assert ama == [
        "1. Halpern SD, Ubel PA, Caplan AL. Solid-organ transplantation in HIV-infected "
        "patients. N Engl J Med. 2002;347(4):284-287. doi:10.1056/nejmsb020632",
        "2. Rose ME, Huerbin MB, Melick J, et al. Regulation of interstitial excitatory amino "
        "acid concentrations after cortical contusion injury. Brain Res. 2002;935(1-2):40-46.",
    ]
    assert csl.format_bibliography([halpern(doi="10.1056/nejmsb020632"), rose()],
                                   "blood").splitlines() == ama
    assert csl.format_bibliography([halpern()], "ama") == csl.format_bibliography(
        [halpern()], "american-medical-association")
    assert csl.format_citation([halpern(), rose()], "blood", html=True) == "<sup>1,2</sup>"


def test_apa_gives_the_publication_manual_example_and_sorts_by_author():
    text = csl.format_bibliography([halpern(), grady()], "apa").splitlines()
    assert text[0] == (
        "Grady, J. S., Her, M., Moreno, G., Perez, C., & Yelinek, J. (2019). Emotions in "
        "storybooks: A comparison of storybooks that represent ethnic and racial groups in the "
        "United States. Psychology of Popular Media Culture, 8(3), 207–217. "
        "https://doi.org/10.1037/ppm0000185")
    assert text[1].startswith("Halpern, S. D., Ubel, P. A., & Caplan, A. L. (2002).")
    html = csl.format_bibliography([grady()], "apa", html=True)
    assert "<i>Psychology of Popular Media Culture</i>, <i>8</i>(3), 207–217." in html
    assert "Yelinek, J." in html and "&amp; Yelinek" in html
    assert csl.format_citation([halpern(), grady()], "apa") == \
        "(Grady et al., 2019; Halpern et al., 2002)"


def test_nature_gives_its_guide_example():
    assert csl.format_bibliography([schott()], "nature") == (
        "1. Schott, D. H., Collins, R. N. & Bretscher, A. Secretory vesicle transport velocity "
        "in living cells depends on the myosin V lever arm length. J. Cell Biol. 156, 35–39 "
        "(2002).")
    html = csl.format_bibliography([schott()], "nature", html=True)
    assert "<i>J. Cell Biol.</i> <b>156</b>, 35–39 (2002)." in html
    # six or more authors: the first and et al.
    assert csl.format_bibliography([rose()], "nature").startswith("1. Rose, M. E. et al. ")


def test_styles_lists_the_shipped_styles_default_first_and_unknown_ones_are_one_line():
    names = [n for n, _ in csl.styles()]
    assert names[0] == "vancouver"
    assert {"apa", "nature", "american-medical-association", "blood"} <= set(names)
    assert dict(csl.styles())["blood"] == "Blood"
    # Zotero and Better BibTeX name a style by its CSL id
    assert csl.format_bibliography([halpern()], "http://www.zotero.org/styles/apa") == \
        csl.format_bibliography([halpern()], "apa")
    assert csl.style_name("http://www.zotero.org/styles/vancouver-nlm") == "vancouver"
    with pytest.raises(ValueError) as e:
        csl.format_bibliography([halpern()], "harvard-made-up")
    assert "\n" not in str(e.value) and "harvard-made-up" in str(e.value)
    assert "vancouver" in str(e.value)


def test_a_style_file_given_by_path_and_a_dependent_without_its_parent(tmp_path):
    f = tmp_path / "mine.csl"
    f.write_text(_mini_style('<text variable="title"/><text variable="page" prefix=", "/>',
                             'page-range-format="minimal"'), encoding="utf-8")
    assert csl.format_bibliography([halpern(pages="1-10")], str(f)) == \
        "Solid-organ transplantation in HIV-infected patients, 1–10"
    dep = tmp_path / "orphan.csl"
    dep.write_text('<?xml version="1.0" encoding="utf-8"?><style xmlns="http://purl.org/net/'
                   'xbiblio/csl" version="1.0"><info><title>Orphan</title><id>x</id><link href='
                   '"http://www.zotero.org/styles/nowhere" rel="independent-parent"/></info>'
                   '</style>', encoding="utf-8")
    with pytest.raises(ValueError, match="parent style .*nowhere.* not available"):
        csl.format_bibliography([halpern()], str(dep))
    bad = tmp_path / "bad.csl"
    bad.write_text("<style><oops", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.csl: not a readable CSL style"):
        csl.format_bibliography([halpern()], str(bad))


def test_unnumbered_references_and_empty_input():
    a, b = halpern(), petitti()
    plain = csl.format_bibliography([a, b], numbered=False).splitlines()
    assert plain[0].startswith("Halpern SD, Ubel PA") and plain[1].startswith("Petitti DB")
    assert csl.format_bibliography([]) == ""
    assert csl.format_citation([]) == ""


# -- processor rules (CSL 1.0.2 and the CSL test-suite's published results), on small styles ---
def _mini_style(layout: str, options: str = "", bib_options: str = "",
                locale: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/'
            f'csl" class="in-text" version="1.0" {options}><info><title>Test</title><id>t</id>'
            f'<updated>2024-01-01T00:00:00+00:00</updated></info>{locale}<citation><layout>'
            f'<text variable="title"/></layout></citation><bibliography {bib_options}><layout>'
            f'{layout}</layout></bibliography></style>')


@pytest.mark.parametrize("fmt, cases", [
    # the spec's appendix: "expanded", "minimal", "minimal-two"
    ("expanded", [("42-45", "42-45"), ("321-8", "321-328"), ("2787-816", "2787-2816"),
                  ("1-10", "1-10"), ("99-100", "99-100")]),
    ("minimal", [("42-45", "42-5"), ("321-328", "321-8"), ("2787-2816", "2787-816"),
                 ("1-10", "1-10"), ("99-100", "99-100"), ("284-7", "284-7"),
                 ("1998-2003", "1998-2003"), ("e123-e130", "e123-30"), ("S12-S15", "S12-5")]),
    ("minimal-two", [("42-45", "42-45"), ("321-328", "321-28"), ("2787-2816", "2787-816"),
                     ("5-8", "5-8"), ("1100-1101", "1100-01")]),
    # Chicago 15th ed. table (the test-suite's page_Chicago exercises the same rules)
    ("chicago", [("3-10", "3-10"), ("71-2", "71-72"), ("100-4", "100-104"),
                 ("1100-23", "1100-1123"), ("107-108", "107-8"), ("1002-1006", "1002-6"),
                 ("321-325", "321-25"), ("415-532", "415-532"), ("11564-11568", "11564-68"),
                 ("13792-13803", "13792-803"), ("1496-504", "1496-1504"),
                 ("2787-816", "2787-2816")]),
    ("chicago-16", [("1496-504", "1496-504"), ("2787-816", "2787-816"), ("71-2", "71-72")]),
])
def test_page_range_formats(fmt, cases):
    assert [format_range(a, fmt) for a, _ in cases] == [b for _, b in cases]


def test_pages_that_are_not_ranges_are_kept_and_lists_are_formatted_each():
    assert format_pages("iii-xii", "minimal") == "iii-xii"
    assert format_pages("e0227", "minimal") == "e0227"
    assert format_pages("30-25", "minimal") == "30-25"      # nonsense: left alone
    assert format_pages("321-328, 415-419 & 500-512", "minimal") == "321-8, 415-9 & 500-12"
    assert format_pages("321-328", "") == "321-328"


def test_the_processor_renders_page_ranges_with_the_delimiter_and_format_of_the_style(tmp_path):
    """citeproc-py alone turns "1-10" into "1–0" in a minimal style and keeps "284-7" in an
    expanded one; through this module both are right, with an en dash by default (CSL
    test-suite number_PageRange) or the style's page-range-delimiter term."""
    def render(options, locale="", pages=("1-10", "99-100", "284-7", "110-5")):
        f = tmp_path / "p.csl"
        f.write_text(_mini_style('<text variable="page"/>', options, locale=locale),
                     encoding="utf-8")
        return csl.format_bibliography([halpern(pages=p) for p in pages], str(f)).splitlines()

    assert render('page-range-format="minimal"') == ["1–10", "99–100", "284–7", "110–5"]
    assert render('page-range-format="expanded"') == ["1–10", "99–100", "284–287", "110–115"]
    assert render("") == ["1–10", "99–100", "284–7", "110–5"]  # no format: as given
    hyphen = '<locale><terms><term name="page-range-delimiter">-</term></terms></locale>'
    assert render('page-range-format="minimal"', hyphen) == ["1-10", "99-100", "284-7", "110-5"]


def test_localized_dates_keep_the_locale_delimiter(tmp_path):
    """A <date form="text"> takes the locale's date format with its delimiter."""
    loc = ('<locale><date form="text" delimiter=" "><date-part name="year"/><date-part '
           'name="month" form="short" strip-periods="true"/><date-part name="day"/></date>'
           '</locale>')
    f = tmp_path / "d.csl"
    f.write_text(_mini_style('<date variable="issued" form="text"/>', locale=loc),
                 encoding="utf-8")
    assert csl.format_bibliography([halpern(issued="2002-03-05"), petitti(), rose()],
                                   str(f)).splitlines() == ["2002 Mar 5", "2005 Jan", "2002"]


def test_names_initials_particles_and_et_al(tmp_path):
    """Initials from full names, MEDLINE initials, dotted initials and hyphenated names;
    et-al-min/et-al-use-first (test-suite name_EtAl*, name_Initials*)."""
    f = tmp_path / "n.csl"
    f.write_text(_mini_style('<names variable="author"><name name-as-sort-order="all" '
                             'sort-separator=" " initialize-with="" delimiter=", " '
                             'initialize-with-hyphen="false"/></names>',
                             bib_options='et-al-min="4" et-al-use-first="2"'), encoding="utf-8")
    people = [
        [P("Halpern", "Scott D")], [P("Palmer", "AM")], [P("Marion", "D.W.")],
        [P("Dupont", "Jean-Pierre")], [P(literal="AML Study Group")],
        [P("A", "Ann"), P("B", "Bo"), P("C", "Cy")],
        [P("A", "Ann"), P("B", "Bo"), P("C", "Cy"), P("D", "Di")],
    ]
    arts = [Article(citekey=f"k{i}", title="t", authors=p) for i, p in enumerate(people)]
    assert csl.format_bibliography(arts, str(f)).splitlines() == [
        "Halpern SD", "Palmer AM", "Marion DW", "Dupont JP", "AML Study Group",
        "A A, B B, C C", "A A, B B, et al."]


def test_second_field_align_number_is_followed_by_a_space_in_text():
    first = csl.format_bibliography([halpern()], "vancouver")
    assert re.match(r"1\. Halpern", first)
    assert csl.format_bibliography([halpern()], "nature").startswith("1. Halpern, S. D.")


def test_title_punctuation_is_not_doubled():
    q = halpern(title="Is CD123 a target in AML?")
    assert "Is CD123 a target in AML? N Engl J Med." in csl.format_bibliography([q])
    assert "AML? <i>N Engl J Med</i>" in csl.format_bibliography([q], "ama", html=True)
    assert "patients. N Engl J Med" in csl.format_bibliography([halpern()])


def test_html_is_escaped_and_structured():
    a = halpern(title="T cells & <CD33> in AML")
    out = csl.format_bibliography([a, petitti()], html=True)
    assert out.startswith('<div class="csl-bib-body">') and out.count('class="csl-entry"') == 2
    assert "T cells &amp; &lt;CD33&gt; in AML" in out
    assert "T cells & <CD33> in AML" in csl.format_bibliography([a])
    rich = halpern(title='Loss of <i>TP53</i> and <span class="nocase">mRNA</span> in AML')
    assert "Loss of <i>TP53</i> and mRNA in AML" in csl.format_bibliography([rich], "apa",
                                                                            html=True)
    assert "Loss of TP53 and mRNA in AML" in csl.format_bibliography([rich], "apa")


def test_odd_csl_values_from_other_tools_do_not_break_formatting():
    a = halpern()
    a.extra = {"csl": {"translator": [{"family": "X", "given": "Y", "sequence": "first"}, "Z"],
                       "accessed": "2024-05-01", "event-date": {"raw": "spring 2023"},
                       "note": ["a", "b"], "number-of-pages": 12}}
    out = csl.format_bibliography([a], "apa")
    assert out.startswith("Halpern, S. D., Ubel, P. A., & Caplan, A. L. (2002).")
    assert "(Y. X & Z, trans.)" in out


# -- real records -----------------------------------------------------------------------------
def test_real_pubmed_records_format_in_every_style(corpus_xml_articles):
    arts = corpus_xml_articles
    for style, _ in csl.styles():
        lines = csl.format_bibliography(arts, style).splitlines()
        assert len(lines) == len(arts), style
        for line in lines:
            assert "  " not in line and ".." not in line.replace("...", "") \
                and "None" not in line, (style, line)
    van = csl.format_bibliography(arts).splitlines()
    for n, (a, line) in enumerate(zip(arts, van), 1):
        assert line.startswith(f"{n}. "), line
        if a.year:
            assert str(a.year) in line
        if a.authors and a.authors[0].family:
            assert a.authors[0].family in line
        m = re.search(r"\d{4} ([A-Z][a-z]{2})(?: (\d{1,2}))?;", line)
        if m and len(a.issued) >= 7:  # the month (and day) from the record, spaced
            assert m.group(1) == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                  "Sep", "Oct", "Nov", "Dec"][int(a.issued[5:7]) - 1]


@pytest.fixture
def corpus_xml_articles():
    from support import corpus
    from amlref.formats.pubmed_xml import PubmedXmlImporter
    folder = corpus("pubmed", "metapub-pmid-xml")
    arts = []
    for f in sorted(folder.glob("*.xml"))[:60]:
        res = PubmedXmlImporter().parse(f.read_text(encoding="utf-8"), f.name)
        arts += res.articles
    assert len(arts) > 40
    return arts


def test_shipped_styles_carry_their_licence_and_are_packaged():
    import tomllib
    from amlref.core.resources import resource_path
    folder = resource_path("styles")
    files = sorted(folder.glob("*.csl"))
    assert len(files) >= 6
    for f in files:
        assert "creativecommons.org/licenses/by-sa/3.0" in f.read_text(encoding="utf-8"), f.name
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "Attribution-ShareAlike 3.0" in readme
    assert all(f.name in readme for f in files)
    root = folder.parent.parent
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "styles/*" in data["tool"]["setuptools"]["package-data"]["amlref._resources"]


def test_apa_year_suffixes_tell_apart_works_of_the_same_author_and_year():
    """APA 7 §8.19: same author(s), same year -> 2020a, 2020b in reference-list order (by
    title); citeproc-py does no disambiguation of its own."""
    def smith(title, given="John", more=()):
        return Article(citekey=title, title=title, container="Blood", issued="2020",
                       volume="135", authors=[P("Smith", given), *more])
    second, first = smith("Second look at CD123"), smith("A first look at CD33")
    other = smith("Other", "Ann", [P("Lee", "K")])
    lines = csl.format_bibliography([second, first, other], "apa").splitlines()
    assert lines == ["Smith, A., & Lee, K. (2020). Other. Blood, 135.",
                     "Smith, J. (2020a). A first look at CD33. Blood, 135.",
                     "Smith, J. (2020b). Second look at CD123. Blood, 135."]
    # sorted as the style's citation sort says; "collapse" to "Smith, 2020a, 2020b" is not done
    assert csl.format_citation([second, first], "apa") == "(Smith, 2020a; Smith, 2020b)"
    # no suffix where nothing is ambiguous, and none in numbered styles
    assert "2020a" not in csl.format_bibliography([first, other], "apa")
    assert "2020a" not in csl.format_bibliography([second, first], "vancouver")


def test_a_record_the_processor_cannot_take_is_a_one_line_error_naming_it(monkeypatch):
    from amlref.formats import csl as mod
    real = mod.to_item

    def broken(a, *args, **kw):
        item = real(a, *args, **kw)
        if a.citekey == "petitti2005":
            item["issued"] = {"date-parts": [["x"]]}     # not the shape citeproc-py takes
            item["author"] = [{"family": 3}]
        return item
    monkeypatch.setattr(mod, "to_item", broken)
    with pytest.raises(ValueError) as e:
        csl.format_bibliography([halpern(), petitti()])
    msg = str(e.value)
    assert msg.startswith("petitti2005: cannot be formatted in vancouver") and "\n" not in msg


def test_a_one_part_name_is_a_family_name():
    a = Article(citekey="m", title="Songs", container="J", issued="2001",
                authors=[P("", "Madonna"), P("Smith", "Jo")])
    assert csl.format_bibliography([a]).startswith("1. Madonna, Smith J. Songs.")


def test_year_suffixes_only_for_the_same_authors():
    """Different co-authors behind "et al.", or another given name: citeproc-js adds names or
    initials there, not a suffix, so no suffix is given."""
    def paper(title, *people):
        return Article(citekey=title, title=title, container="Blood", issued="2022",
                       authors=list(people))
    a = paper("One", P("Zhang", "Wei"), P("Li", "X"), P("Chen", "Y"))
    b = paper("Two", P("Zhang", "Wei"), P("Wu", "Q"), P("Sun", "Z"))
    c = paper("Three", P("Zhang", "Yan"))
    d = paper("Four", P("Zhang", "Wei"))
    out = csl.format_bibliography([a, b, c, d], "apa")
    assert "2022a" not in out and "2022b" not in out
    e = paper("Five", P("Zhang", "Yan"))
    out = csl.format_bibliography([c, e, a], "apa").splitlines()
    assert [ln for ln in out if "2022a" in ln or "2022b" in ln] == [
        "Zhang, Y. (2022a). Five. Blood.", "Zhang, Y. (2022b). Three. Blood."]


def test_formatting_from_several_threads_gives_the_same_text():
    """The local server formats from its request threads while the window copies."""
    from concurrent.futures import ThreadPoolExecutor
    arts = [halpern(), rose(), dpp(), petitti(), grady(), schott()]
    jobs = [(s, h) for s, _ in csl.styles() for h in (False, True)] * 2
    expected = {(s, h): csl.format_bibliography(arts, s, html=h) for s, h in set(jobs)}
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda j: csl.format_bibliography(arts, j[0], html=j[1]), jobs))
    assert got == [expected[j] for j in jobs]
