"""SICI DOIs (ANSI/NISO Z39.56 inside a DOI: Wiley's 10.1002/(SICI)..., the American
Meteorological Society's 10.1175/...) hold "<", ">" and sometimes "#", beyond Crossref's
recommended pattern; they must come out whole from a PDF's text and from other text, while a
DOI followed by prose or by the ">" of a <URL> wrapper or an HTML tag still ends where it ends.
PDFs made by pdflatex as tests/test_pdf_traits.py makes them (T1 fonts print "<" and ">")."""
from __future__ import annotations

import pytest

from amlref.core.identifiers import doi_url, find_doi
from amlref.formats.ris import RisImporter
from amlref.pdf import read_pdf
from amlref.pdf.ids import dois_in_lines
from tests.pdfs import CITED, layout_pdf, need_pdflatex
from tests.test_pdf_traits import front

WILEY = "10.1002/(SICI)1097-4636(199606)31:2<213::AID-JBM9>3.0.CO;2-K"
AMS = "10.1175/1520-0477(1998)079<0061:APGTWA>2.0.CO;2"        # Torrence & Compo, BAMS 1998
HASH = "10.1002/(SICI)1099-0690(199812)1998:12<2885::AID-EJOC2885>3.0.CO;2-#"  # check char "#"
CITED_DOIS = {c[4].lower() for c in CITED}


def tt(s: str) -> str:
    """A DOI as LaTeX prints it in a typewriter URL (hyperref's \\nolinkurl)."""
    return r"\nolinkurl{" + s.replace("#", r"\#").replace("%", r"\%") + "}"


def rm(s: str) -> str:
    """A DOI in the roman text font (T1: "<" and ">" are glyphs there)."""
    return s.replace("#", r"\#").replace("%", r"\%")


FORMS = {
    "doi: label": ("doi:" + tt(WILEY), WILEY),
    "doi.org link": (tt("https://doi.org/" + WILEY), WILEY),
    "sentence after": ("DOI: " + rm(WILEY) + ". Received 3 May 1995; accepted 2 June 1995.",
                       WILEY),
    "comma and prose after": ("doi:" + tt(WILEY) + ", published online 1996", WILEY),
    "in round brackets": ("(doi:" + tt(WILEY) + ")", WILEY),
    "angle-bracket URL wrapper": ("<" + tt("https://doi.org/" + WILEY) + ">", WILEY),
    "AMS form, no check character": ("DOI: " + tt(AMS), AMS),
    "check character #": ("DOI: " + tt(HASH), HASH),
    "percent-encoded in a link": (tt("https://doi.org/10.1002/(SICI)1097-4636(199606)31:2%3C213"
                                     "::AID-JBM9%3E3.0.CO;2-K"), WILEY),
    "two lines, broken before <": (r"DOI: \mbox{10.1002/(SICI)1097-4636(199606)31:2}\newline "
                                   r"\mbox{<213::AID-JBM9>3.0.CO;2-K}", WILEY),
    "two lines, broken inside the angle brackets": (
        r"DOI: \mbox{10.1002/(SICI)1097-4636(199606)31:2<213::}\newline \mbox{AID-JBM9>3.0.CO;2-K}",
        WILEY),
    "two lines, broken after >": (r"DOI: \mbox{10.1002/(SICI)1097-4636(199606)31:2<213::AID-JBM9>}"
                                  r"\newline \mbox{3.0.CO;2-K} received 3 May 1995", WILEY),
    # a narrow column: TeX also breaks at the hyphen of the ISSN, three lines
    "three lines, broken before <": (r"\parbox{5.2cm}{\raggedright DOI: 10.1002/(SICI)1097-4636(199606)31:2"
                        r"\linebreak <213::AID-JBM9>3.0.CO;2-K}", WILEY),
    "three lines, broken inside the angle brackets": (r"\parbox{6cm}{\raggedright DOI: 10.1002/(SICI)1097-4636"
                                         r"(199606)31:2<213::AID-\linebreak JBM9>3.0.CO;2-K}",
                                         WILEY),
    "three lines, broken after >": (r"\parbox{7cm}{\raggedright DOI: 10.1002/(SICI)1097-4636(199606)31:2"
                       r"<213::AID-JBM9>\linebreak 3.0.CO;2-K}", WILEY),
}


@pytest.mark.latex
@pytest.mark.parametrize("form", list(FORMS))
def test_sici_doi_on_page_one_comes_out_whole(tmp_path, form):
    need_pdflatex()
    printed, want = FORMS[form]
    pdf = layout_pdf(tmp_path, "s", front() + r"\smallskip{\small " + printed + r"\par}",
                     references=40)
    info = read_pdf(pdf)
    assert info.doi == want.lower(), (info.doi, info.id_source, info.other_dois[:3])
    assert info.id_source == "page 1"
    assert CITED_DOIS <= set(info.other_dois)


@pytest.mark.latex
def test_sici_dois_in_a_reference_list_are_others_whole(tmp_path):
    need_pdflatex()
    own = "10.1182/bloodadvances.2023011234"
    refs = (r"\section*{Further reading}\begin{small}\begin{enumerate}"
            r"\item Author A. A 1996 paper. J Biomed Mater Res. 1996;31:213--9. doi:" + tt(WILEY)
            + r"\item Torrence C, Compo GP. A practical guide to wavelet analysis. Bull Am "
              r"Meteorol Soc. 1998;79:61--78. doi:" + tt(AMS) + r"\end{enumerate}\end{small}")
    pdf = layout_pdf(tmp_path, "r", front() + r"{\small doi:" + tt(own) + r"\par}",
                     references=12, end=refs)
    info = read_pdf(pdf)
    assert info.doi == own


@pytest.mark.latex
def test_ordinary_doi_in_a_url_wrapper_ends_at_the_wrapper(tmp_path):
    """"<https://doi.org/...>" (a plain-text e-mail or Markdown link): the ">" is not the
    DOI's, nor is the full stop after it."""
    need_pdflatex()
    own = "10.1182/bloodadvances.2023011234"
    pdf = layout_pdf(tmp_path, "w", front() + r"{\small Available at <" + tt("https://doi.org/"
                                                                            + own) + ">.\\par}",
                     references=40)
    assert read_pdf(pdf).doi == own


# -- other text: RIS fields, references, the doi.org link -----------------------------------

def test_text_forms_end_in_the_right_place():
    cases = {
        f"doi:{WILEY}. The next sentence": WILEY,
        f"<https://doi.org/{WILEY}>": WILEY,
        f'<a href="https://doi.org/{AMS}">link</a>': AMS,
        f"(doi:{WILEY})": WILEY,
        f"DOI {HASH}": HASH,
        "see <https://doi.org/10.1002/ajh.26999>.": "10.1002/ajh.26999",
        "doi:10.1002/ajh.26999<br>Next line": "10.1002/ajh.26999",
        "10.1016/S0140-6736(20)30183-5.": "10.1016/S0140-6736(20)30183-5",
        "(see 10.1016/S0140-6736(20)30183-5)": "10.1016/S0140-6736(20)30183-5",
        "a <b>10.1000/abc</b> tag": "10.1000/abc",
    }
    for text, want in cases.items():
        assert find_doi(text) == want.lower(), text
        assert [h.doi for h in dois_in_lines([text])] == [want.lower()], text


def test_ris_record_with_a_sici_doi_link():
    """EndNote and Wiley's own RIS export put the DOI in UR/DO as a doi.org link."""
    ris = ("TY  - JOUR\nAU  - Author, A.\nTI  - A 1996 paper\nPY  - 1996\n"
           f"UR  - https://onlinelibrary.wiley.com/doi/abs/{WILEY}\nER  - \n")
    (a,) = RisImporter().parse(ris, "wiley.ris").articles
    assert a.doi == WILEY.lower()
    ris = ris.replace("UR  - https://onlinelibrary.wiley.com/doi/abs/", "DO  - ")
    (a,) = RisImporter().parse(ris, "wiley.ris").articles
    assert a.doi == WILEY.lower()


def test_doi_link_encodes_what_a_url_cannot_hold():
    assert doi_url(HASH.lower()) == ("https://doi.org/10.1002/(sici)1099-0690(199812)1998:12"
                                     "%3C2885::aid-ejoc2885%3E3.0.co;2-%23")
    assert doi_url("10.1182/blood.2020007732") == "https://doi.org/10.1182/blood.2020007732"


def test_lines_joined_only_where_the_doi_goes_on():
    """A DOI is joined over up to three lines when each line ends it cut ("-", "/", inside a
    SICI); a DOI already joined after "doi:10" is not glued to a one-token line after it."""
    assert [h.doi for h in dois_in_lines(["doi:10", ".1182/blood-", "2022-163754"])] == \
        ["10.1182/blood-2022-163754"]
    assert [h.doi for h in dois_in_lines(["doi:10", ".1182/blood.2020007732", "2021;137:751"])] \
        == ["10.1182/blood.2020007732"]
    assert [h.doi for h in dois_in_lines(["DOI: 10.1158/2159-", "8290.CD-23-", "0456"])] == \
        ["10.1158/2159-8290.cd-23-0456"]
