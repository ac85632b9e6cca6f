"""Identifiers in PDFs: real pdflatex-made articles (the DOI in the header, only in a "Cite this
article" block, broken over two lines, in a download stamp, beside a JSTOR-like archive DOI, in
XMP and the document info) with a reference list full of other DOIs; and page text in the exact
form PDFium gives it (CR LF lines, U+FFFE at line-end hyphens, look-alike slashes)."""
from __future__ import annotations

import pytest

from amlref.pdf import read_pdf
from amlref.pdf.ids import choose_doi, clean_doi, dois_in_value, scan_page
from tests.pdfs import CITED, Article, maker

DOI = Article().doi
CITED_DOIS = {c[4].lower() for c in CITED}


@pytest.fixture
def make(tmp_path):
    return maker(tmp_path)


def _read(path, isolate):
    return read_pdf(path, isolate=isolate)


@pytest.mark.latex
@pytest.mark.parametrize("isolate", [True, False])
def test_doi_in_the_header_wins_over_the_reference_list(make, isolate):
    info = _read(make(), isolate)
    assert info.doi == DOI
    assert info.id_source == "page 1"
    assert CITED_DOIS <= set(info.other_dois)       # the cited works were seen, and passed over


@pytest.mark.latex
def test_reference_list_alone_gives_no_doi(make):
    info = read_pdf(make(doi_place="none"))
    assert info.doi == ""
    assert CITED_DOIS <= set(info.other_dois)


@pytest.mark.latex
def test_doi_only_in_a_cite_this_article_block_at_the_end(make):
    info = read_pdf(make(doi_place="cite", body_pages=6))
    assert info.pages >= 5
    assert info.doi == DOI
    assert "cite this" in info.id_source


@pytest.mark.latex
def test_doi_broken_over_two_lines(make):
    info = read_pdf(make(doi_place="broken"))
    assert info.doi == DOI and info.id_source == "page 1"


@pytest.mark.latex
def test_download_stamp_on_every_page(make):
    stamp = r"Downloaded from \nolinkurl{https://journals.example.org/doi/" + DOI + "} on 3 March 2024"
    info = read_pdf(make(doi_place="none", stamp=stamp, body_pages=4))
    assert info.doi == DOI
    assert info.id_source.startswith("page 1")


def test_doi_repeated_on_every_page_wins_over_body_dois():
    pages = [scan_page(_page(*["text"] * 8, f"as described (10.1000/other.{i})", "Rossi et al. 10.1234/own.5",
                             *["text"] * 8), i + 1, False) for i in range(3)]
    c = choose_doi([], pages, False)
    assert c.doi == "10.1234/own.5" and c.source == "page 1 (on every page)"


@pytest.mark.latex
def test_download_stamp_on_a_one_page_paper(make):
    stamp = r"Downloaded from \nolinkurl{https://journals.example.org/doi/" + DOI + "} on 3 March 2024"
    info = read_pdf(make(doi_place="none", stamp=stamp))
    assert info.doi == DOI


@pytest.mark.latex
def test_cover_page_archive_doi_beside_the_publishers(make):
    info = read_pdf(make(doi_place="none", cover_doi="10.2307/4567890"))
    assert info.doi == DOI
    assert "10.2307/4567890" in info.other_dois


@pytest.mark.latex
def test_archive_doi_alone_is_the_articles(make):
    info = read_pdf(make(doi_place="none", cover_doi="10.2307/4567890", doi=""))
    assert info.doi == "10.2307/4567890"


@pytest.mark.latex
def test_xmp_and_info_doi_agreeing_with_the_page(make):
    info = read_pdf(make(xmp=True, info_doi=True))
    assert info.doi == DOI and info.id_source == "xmp and page 1"


@pytest.mark.latex
def test_metadata_doi_without_one_on_the_page(make):
    info = read_pdf(make(doi_place="none", meta_subject=f"doi:{DOI}"))
    assert info.doi == DOI and info.id_source == "info"
    info = read_pdf(make("x", doi_place="none", xmp=True))
    assert info.doi == DOI and info.id_source == "xmp"


@pytest.mark.latex
def test_page_header_beats_metadata_naming_another_paper(make):
    """Metadata copied from another paper (a template) does not override the printed DOI."""
    info = read_pdf(make(xmp=True, xmp_doi="10.9999/someone.else.2019"))
    assert info.doi == DOI and info.id_source == "page 1"


@pytest.mark.latex
def test_pmid_and_pmcid_on_the_first_page(make):
    info = read_pdf(make(doi_place="none", pmid="36512345", pmcid="PMC9912345"))
    assert (info.pmid, info.pmcid, info.doi) == ("36512345", "PMC9912345", "")
    assert info.id_source == "page 1"


# -- the text as PDFium gives it ---------------------------------------------------------------------

def _page(*lines):
    return "\r\n".join(lines)


def test_look_alike_slashes_and_dashes():
    for slash in ("\u2215", "\u2044", "\uff0f"):
        p = scan_page(_page("Leukemia (2021) 35:1021", f"https://doi.org/10.1038{slash}s41375\u2010021\u201001234\u2010x",
                            "Body text"), 1, False)
        assert p.header == ["10.1038/s41375-021-01234-x"], slash


def test_look_alike_full_stops_zero_width_spaces_and_encoded_slash():
    """Fullwidth full stop U+FF0E, one dot leader U+2024, small full stop U+FE52 (fonts that map
    their period glyph so), a zero-width space inside the suffix (a line-break hint), and a
    link whose slash is percent-encoded (doi.org/10.1002%2Fajh...)."""
    for dot in ("\uff0e", "\u2024", "\ufe52"):
        p = scan_page(_page(f"DOI: 10{dot}1182/blood{dot}2020007732", "text"), 1, False)
        assert p.header == ["10.1182/blood.2020007732"], dot
    p = scan_page(_page("https://doi.org/10.1182/blood.\u200b2020007732", "text"), 1, False)
    assert p.header == ["10.1182/blood.2020007732"]
    p = scan_page(_page("https://doi.org/10.1002%2Fajh.26000", "text"), 1, False)
    assert p.header == ["10.1002/ajh.26000"]


def test_a_doi_ending_a_sentence_is_not_joined_with_the_next_line():
    p = scan_page(_page(*["x"] * 8, "Published as: Blood Adv. 2023;7:4411. doi:10.1182/bloodadvances.2023011234.",
                        "Venetoclax with azacitidine in relapsed AML", *["x"] * 8), 1, False)
    assert p.marked == ["10.1182/bloodadvances.2023011234"]


def test_soft_hyphen_and_ligatures_inside_a_doi():
    p = scan_page(_page("doi:10.1016/j.\u00adblre.2020.100\u00ad723", "text"), 1, False)
    assert p.header == ["10.1016/j.blre.2020.100723"]
    p = scan_page(_page("DOI: 10.1182/blood.2019004\ufb01x", "text"), 1, False)
    assert p.header == ["10.1182/blood.2019004fix"]


def test_line_end_hyphen_mark_in_a_doi_keeps_the_hyphen():
    p = scan_page(_page("https://doi.org/10.1182/blood\ufffe", "2022-163754", "x", "x", "x", "x", "x", "x"), 1, False)
    assert p.all == {"10.1182/blood-2022-163754"}


def test_doi_broken_after_the_prefix_or_inside():
    lines = ["x"] * 8
    assert scan_page(_page(*lines, "DOI: 10.", "1182/blood.2020007732", *lines), 1, False).marked \
        == ["10.1182/blood.2020007732"]
    assert scan_page(_page(*lines, "https://doi.org/10.1182/", "blood.2020007732", *lines), 1, False).marked \
        == ["10.1182/blood.2020007732"]


def test_a_page_number_under_a_doi_is_not_joined():
    p = scan_page(_page("References", "1. Smith J. Blood. 2021. doi:10.3389/fonc.2021.656218", "7"), 1, False)
    assert p.refs == ["10.3389/fonc.2021.656218"]


@pytest.mark.parametrize("raw,want", [
    ("10.1000/xyz123).", "10.1000/xyz123"),
    ("10.1002/(sici)1097-0258(19980815)17:15<1661::aid-sim968>3.0.co;2-2", "10.1002/(sici)1097-0258(19980815)17:15"),
    ("10.1016/s0140-6736(20)30183-5,", "10.1016/s0140-6736(20)30183-5"),
    ("10.1000/abc]", "10.1000/abc"),
    ("10.1002/ajh.25000?af=R", "10.1002/ajh.25000"),
    ("10.1182/blood.2020007732.pdf", "10.1182/blood.2020007732"),
    ("10.1000/ABC\u201d.", "10.1000/abc"),
])
def test_trailing_punctuation_and_brackets(raw, want):
    assert clean_doi(raw.split("<")[0]) == want


def test_references_heading_carries_over_to_the_next_page():
    p1 = scan_page(_page("Title of the paper", "body", "References", "1. A. doi:10.1000/a1"), 1, False)
    p2 = scan_page(_page("2. B. doi:10.1000/b2", "3. C. doi:10.1000/c3"), 2, p1.in_refs_after)
    assert p1.refs == ["10.1000/a1"] and set(p2.refs) == {"10.1000/b2", "10.1000/c3"}
    assert choose_doi([], [p1, p2], True).doi == ""


def test_tail_pages_count_only_in_a_cite_block():
    front = scan_page(_page("A title", "body text"), 1, False)
    tail = scan_page(_page("12. X. doi:10.1000/cited", "Cite this article:", "Rossi M. A title. J. 2023.",
                           "https://doi.org/10.1000/own"), 9, True, tail=True)
    c = choose_doi([], [front, tail], False)
    assert c.doi == "10.1000/own" and c.source == "page 9 (cite this block)"


def test_figure_doi_gives_the_articles():
    p = scan_page(_page("https://doi.org/10.1371/journal.pone.0123456.g001", "x", "x", "x", "x", "x", "x",
                        "doi:10.1371/journal.pone.0123456"), 1, False)
    assert choose_doi([], [p], True).doi == "10.1371/journal.pone.0123456"


def test_metadata_completes_a_doi_the_page_prints_cut_short():
    p = scan_page(_page("doi:10.1016/j.leukres.2021", "x"), 1, False)
    c = choose_doi([("10.1016/j.leukres.2021.106543", "xmp")], [p], True)
    assert c.doi == "10.1016/j.leukres.2021.106543"


def test_arxiv_stamp_and_arxiv_doi():
    p = scan_page(_page("arXiv:2301.01234v2 [q-bio.CB] 3 Feb 2023", "A title"), 1, False)
    assert p.arxiv == "2301.01234"
    p = scan_page(_page("arXiv:q-bio/0601012", "A title"), 1, False)
    assert p.arxiv == "q-bio/0601012"


def test_pmid_in_the_reference_list_is_not_the_papers():
    p = scan_page(_page("Title", "body", "References", "1. X. Blood. 2020. PMID: 31234567"), 1, False)
    assert p.pmid == ""


def test_metadata_values():
    assert dois_in_value("doi:10.1182/BLOOD.2022016867") == ["10.1182/blood.2022016867"]
    assert dois_in_value("info:doi/10.1038/s41375-021-01234-x") == ["10.1038/s41375-021-01234-x"]
    assert dois_in_value("Blood, 140 (2022) 1345. doi:10.1182/blood.2022016867") == ["10.1182/blood.2022016867"]
    assert dois_in_value("untitled") == []


@pytest.mark.latex
def test_footer_doi_below_the_reference_list_of_a_one_page_paper(make):
    """The footer comes after the references in the text order: its place on the page (the
    bottom margin) tells it from a cited work's DOI."""
    info = read_pdf(make(doi_place="footer"))
    assert info.doi == DOI and info.id_source == "page 1"
    assert CITED_DOIS <= set(info.other_dois)


def test_a_reference_list_without_its_heading_on_page_two_does_not_win_over_metadata():
    p1 = scan_page(_page("A title", *["body text"] * 12), 1, False)
    p2 = scan_page(_page(*["more text"] * 8, "1. A. Blood. 2020. doi:10.1000/a1", "2. B. Blood. 2021. doi:10.1000/b2",
                         "3. C. Leukemia. 2019. doi:10.1000/c3", *["x"] * 6), 2, p1.in_refs_after)
    c = choose_doi([("10.1234/own.7", "xmp")], [p1, p2], True)
    assert c.doi == "10.1234/own.7" and c.source == "xmp"
    assert choose_doi([], [p1, p2], True).doi == ""


def test_preprint_server_line_and_an_accessed_reference():
    p = scan_page(_page(*["text"] * 8, "bioRxiv preprint doi: https://doi.org/10.1101/2020.06.05.136291; this "
                        "version posted June 7, 2020. The copyright holder for this preprint", *["text"] * 8),
                  1, False)
    assert p.header == ["10.1101/2020.06.05.136291"]
    p = scan_page(_page("Title", *["text"] * 8, "References",
                        "1. WHO. Report. Accessed on 3 May 2020. https://doi.org/10.1000/who.7", *["x"] * 8), 1, False)
    assert p.refs == ["10.1000/who.7"] and p.header == []
