"""The traits of real publishers' PDFs, one test each, on PDFs made by real tools: pdflatex
for the pages (publisher-like first pages: journal banner, article-type label, running header,
copyright line, download stamps, "Cite this article" boxes, reference lists of 40 DOIs),
pikepdf (qpdf) for document info and XMP as non-TeX producers write them, PDFium + Pillow for
a scan.  The titles and metadata values are those real tools leave behind (Word's "Microsoft
Word - x.docx", dvipdf's "paper.dvi", Elsevier's "PII: ..."), not this project's examples."""
from __future__ import annotations

import pytest

from amlref.pdf import read_pdf
from tests.pdfs import CITED, layout_pdf, need_pdflatex, scanned, with_metadata, xmp_packet

TITLE = "Venetoclax with azacitidine followed by donor lymphocyte infusion in relapsed acute myeloid leukaemia"
DOI = "10.1182/bloodadvances.2023011234"
CITED_DOIS = {c[4].lower() for c in CITED}
AUTHORS = r"Maria Rossi$^{1}$, Jonas Berg$^{2}$ and Aiko Tanaka$^{1,*}$"
AFFIL = r"{\footnotesize $^{1}$Department of Haematology, University Hospital, Bergen, Norway\par}"
ABSTRACT = (r"\textbf{Abstract} Donor lymphocyte infusion after venetoclax and azacitidine was given "
            r"to 41 adults with acute myeloid leukaemia relapsing after allogeneic transplantation. "
            r"Complete remission was reached in 17 patients.\par")

pytestmark = pytest.mark.latex


@pytest.fixture(autouse=True)
def _latex():
    need_pdflatex()


def front(*parts: str, title: str = TITLE) -> str:
    """A first page: ``parts`` above the title (banner, label ...), then title, authors,
    affiliation and abstract."""
    return ("\n".join(parts) + r"{\LARGE\bfseries " + title + r"\par}\medskip"
            + r"{\large " + AUTHORS + r"\par}\smallskip" + AFFIL + r"\medskip" + ABSTRACT)


# -- the title: prefer the page; skip banner, label, running header, copyright, authors ---------

FRONTS = {
    "kind label in capitals": (r"{\large\bfseries RESEARCH ARTICLE\par}\medskip",),
    "original article label": (r"{\large\itshape Original Article\par}\medskip",),
    "journal banner with its issue line": (
        r"{\small Leukemia Research 128 (2023) 107055\par}\smallskip",
        r"{\small Contents lists available at ScienceDirect\par}",
        r"{\Huge Leukemia Research\par}\smallskip",
        r"{\small journal homepage: \nolinkurl{www.elsevier.com/locate/leukres}\par}\bigskip"),
    "copyright line above the title": (
        r"{\footnotesize \copyright\ 2023 by The American Society of Hematology\par}\medskip",),
    "section label and a blog-like kicker": (
        r"{\small\scshape Clinical Trials and Observations\par}\smallskip",
        r"{\large\bfseries Regular Article\par}\medskip"),
}


@pytest.mark.parametrize("kind", list(FRONTS))
def test_title_is_the_printed_title_not_the_furniture_around_it(tmp_path, kind):
    pdf = layout_pdf(tmp_path, "t", front(*FRONTS[kind]),
                     head=r"Rossi et al. \textbar\ Blood Adv 2023", references=6)
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": "untitled"}))
    assert info.title == TITLE
    assert info.authors == ["Maria Rossi", "Jonas Berg", "Aiko Tanaka"]


USELESS = ["paper.dvi", "untitled", "Untitled-3", "Microsoft Word - manuscript_final_v3.docx",
           "Proceedings Template - WORD", "PII: S0006-4971(23)01234-5", "Layout 1",
           "1-s2.0-S0145212623001234-main", "Elsevier Editorial System(tm) for Leukemia "
           "Research Manuscript Draft", "LEUKEMIA RESEARCH", "Title of the paper",
           "Template for Submission of Manuscripts to American Journal of Hematology",
           "doi:10.1182/bloodadvances.2023011234"]


@pytest.mark.parametrize("meta", USELESS)
def test_useless_metadata_title_gives_way_to_the_page(tmp_path, meta):
    pdf = layout_pdf(tmp_path, "t", front(), head=r"Rossi et al. \textbar\ Blood Adv 2023")
    out = with_metadata(pdf, tmp_path / "m.pdf", {"Title": meta, "Author": "user",
                                                 "Creator": "Microsoft Word"})
    info = read_pdf(out)
    assert info.title == TITLE and info.meta_title == meta


def test_another_papers_title_in_the_metadata(tmp_path):
    """A template reused from an earlier paper: document info and XMP name that paper."""
    other = "Flotetuzumab as salvage immunotherapy for refractory acute myeloid leukemia"
    pdf = layout_pdf(tmp_path, "t", front(), references=6)
    xmp = xmp_packet('<dc:title><rdf:Alt><rdf:li xml:lang="x-default">' + other
                     + '</rdf:li></rdf:Alt></dc:title>')
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": other}, xmp))
    assert info.title == TITLE


def test_cut_metadata_title_gives_way_to_the_full_printed_one(tmp_path):
    cut = TITLE[:60]          # "Venetoclax with azacitidine followed by donor lymphocyte inf"
    pdf = layout_pdf(tmp_path, "t", front())
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": cut}))
    assert info.title == TITLE


def test_empty_title_with_only_a_subject(tmp_path):
    """Some publishers fill only /Subject (journal, volume, pages) and leave /Title empty."""
    pdf = layout_pdf(tmp_path, "t", front())
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {
        "Title": "", "Subject": "Blood Advances, 7 (2023) 4411-4420. doi:" + DOI}))
    assert info.title == TITLE
    assert info.doi == DOI and info.id_source == "info"


def test_good_metadata_title_is_kept_with_its_characters(tmp_path):
    """When document info holds the real title (with its Unicode), it is used: the page's
    extraction may lose characters, the metadata does not."""
    title = "TNF-α and IFN-γ signalling by CD8+ T cells after donor lymphocyte infusion in AML"
    pdf = layout_pdf(tmp_path, "t", front(title=r"TNF-$\alpha$ and IFN-$\gamma$ signalling by "
                                                 r"CD8+ T cells after donor lymphocyte infusion in AML"))
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": title}))
    assert info.title == title


# -- DOI forms as printed ------------------------------------------------------------------------

EN = "10.1158/2159-8290.cd-23-0456"        # a suffix with hyphens (AACR's form)
FORMS = {
    "doi:": (r"doi:\nolinkurl{" + DOI + "}", DOI),
    "DOI: label": (r"DOI: \nolinkurl{" + DOI + "}", DOI),
    "https://doi.org/": (r"\nolinkurl{https://doi.org/" + DOI + "}", DOI),
    "http://dx.doi.org/": (r"\nolinkurl{http://dx.doi.org/" + DOI + "}", DOI),
    "doi.org/ without scheme": (r"\nolinkurl{doi.org/" + DOI + "}", DOI),
    "upper case": (r"DOI: \nolinkurl{" + DOI.upper() + "}", DOI),
    "full stop after": (r"DOI: \nolinkurl{" + DOI + "}.", DOI),
    "comma after": (r"doi:\nolinkurl{" + DOI + "}, published online 3 May 2023", DOI),
    "semicolon after": (r"doi:\nolinkurl{" + DOI + "}; PMID: none", DOI),
    "glued round brackets": (r"(doi:\nolinkurl{" + DOI + "})", DOI),
    "glued square brackets": (r"[\nolinkurl{https://doi.org/" + DOI + "}]", DOI),
    "percent-encoded slash in a link": (r"\nolinkurl{https://doi.org/10.1182\%2F"
                                        + DOI.split("/")[1] + "}", DOI),
    "en dashes typeset in the suffix": (r"DOI: 10.1158/2159--8290.CD--23--0456", EN),
    "fraction slash (TS1)": (r"DOI: 10.1182\textfractionsolidus " + DOI.split("/")[1], DOI),
    "ffi ligature in the suffix": ("DOI: 10.1111/efficacy.2023.0457", "10.1111/efficacy.2023.0457"),
    "broken at a hyphen": (r"\parbox{3.4cm}{\raggedright https://doi.org/10.1158/2159-\linebreak "
                           r"8290.CD-23-0456}", EN),
    "broken inside the suffix": (r"\parbox{4cm}{\raggedright DOI: 10.1182/bloodad\linebreak "
                                 r"vances.2023011234}", DOI),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_doi_forms_under_the_abstract_beat_forty_cited_dois(tmp_path, form):
    """The paper's DOI printed once on page 1, under the abstract, in the form given; a
    reference list of 40 other DOIs follows."""
    printed, want = FORMS[form]
    pdf = layout_pdf(tmp_path, "f", front() + r"\smallskip{\small " + printed + r"\par}",
                     references=40)
    info = read_pdf(pdf)
    assert info.doi == want, (info.doi, info.id_source, info.other_dois[:5])
    assert info.id_source == "page 1"
    assert CITED_DOIS <= set(info.other_dois)


# -- where the paper's own DOI is ----------------------------------------------------------------

def test_doi_only_in_the_first_page_footer_with_forty_references(tmp_path):
    pdf = layout_pdf(tmp_path, "f", front(), references=40, body_pages=2,
                     foot=r"\nolinkurl{https://doi.org/" + DOI + r"}")
    info = read_pdf(pdf)
    assert info.doi == DOI


def test_download_stamp_with_a_url_only_and_the_doi_in_the_header(tmp_path):
    stamp = (r"Downloaded from \nolinkurl{http://ashpublications.org/bloodadvances/article-pdf/7/15/"
             r"4411/2071234/blooda_adv-2023-011234.pdf} by guest on 03 December 2026")
    pdf = layout_pdf(tmp_path, "f", front(r"{\small Blood Advances \textbullet\ 8 August 2023 "
                                          r"\textbullet\ Volume 7, Number 15 \hfill DOI "
                                          r"\nolinkurl{" + DOI + r"}\par}\bigskip"),
                     foot=stamp, references=40, body_pages=3)
    info = read_pdf(pdf)
    assert info.doi == DOI


def test_preprint_server_stamp_on_every_page_gives_the_preprints_doi(tmp_path):
    own = "10.1101/2023.01.02.522222"
    stamp = (r"bioRxiv preprint doi: \nolinkurl{https://doi.org/" + own + r"}; this version posted "
             r"January 3, 2023. The copyright holder for this preprint is the author/funder.")
    pdf = layout_pdf(tmp_path, "f", front(), head=stamp, references=40, body_pages=3)
    info = read_pdf(pdf)
    assert info.doi == own


def test_related_article_box_on_page_one_does_not_win_over_the_footer(tmp_path):
    related = (r"\fbox{\parbox{0.9\textwidth}{\small See related article by Uy et al. on page 751: "
               r"Flotetuzumab as salvage immunotherapy for refractory acute myeloid leukemia. "
               r"doi:\nolinkurl{10.1182/blood.2020007732}}}\par")
    pdf = layout_pdf(tmp_path, "f", front() + related, references=12,
                     foot=r"\nolinkurl{https://doi.org/" + DOI + r"}")
    info = read_pdf(pdf)
    assert info.doi == DOI
    assert "10.1182/blood.2020007732" in info.other_dois


def test_doi_only_in_the_cite_box_at_the_end_with_forty_references(tmp_path):
    box = (r"\par\medskip\noindent\fbox{\parbox{0.9\columnwidth}{\small\textbf{How to cite this "
           r"article:} Rossi M, Berg J, Tanaka A. " + TITLE + r". Blood Adv. 2023;7:4411--4420. "
           r"\nolinkurl{https://doi.org/" + DOI + r"}}}")
    pdf = layout_pdf(tmp_path, "f", front(), references=40, body_pages=5, end=box)
    info = read_pdf(pdf)
    assert info.pages >= 5
    assert info.doi == DOI and "cite this" in info.id_source


def test_another_papers_cite_box_in_the_appendix_does_not_win_over_the_header(tmp_path):
    """A supplement bound after the paper reprints a companion paper's "Cite this article"
    box; the paper's own DOI is in its running header."""
    other = ("Supplementary appendix to the companion paper. Cite this article: Uy GL, et al. "
             "Flotetuzumab as salvage immunotherapy. Blood. 2021. doi:")
    box = (r"\clearpage\section*{Supplementary appendix}\fbox{\parbox{0.9\columnwidth}{\small "
           + other + r"\nolinkurl{10.1182/blood.2020007732}}}")
    pdf = layout_pdf(tmp_path, "f", front(), head=r"Blood Adv 2023 \quad \nolinkurl{https://doi.org/"
                     + DOI + "}", references=20, body_pages=4, end=box)
    info = read_pdf(pdf)
    assert info.doi == DOI


def test_jstor_cover_page_and_the_publishers_doi_on_the_article_page(tmp_path):
    """JSTOR registers its own 10.2307 DOIs for many articles, so both are "right"; the
    publisher's DOI printed on the article itself is the one other databases (PubMed, Crossref
    as the publisher deposits it) know the article by, so it is preferred."""
    cover = (r"\onecolumn\thispagestyle{empty}\begin{center}{\large " + TITLE + r"\par}\medskip "
             r"Maria Rossi, Jonas Berg, Aiko Tanaka\par\medskip Blood Advances, Vol. 7 (2023), "
             r"pp. 4411--4420\par Stable URL: \nolinkurl{https://www.jstor.org/stable/27123456}\par "
             r"DOI: \nolinkurl{10.2307/27123456}\par\vfill\small JSTOR is a not-for-profit service "
             r"that helps scholars build upon a wide range of content. Your use of the JSTOR "
             r"archive indicates your acceptance of the Terms \& Conditions of Use.\end{center}"
             r"\clearpage\twocolumn")
    pdf = layout_pdf(tmp_path, "f", front(), references=12, body_pages=2,
                     foot=r"\nolinkurl{https://doi.org/" + DOI + r"}",
                     preamble="\n\\AtBeginDocument{" + cover.replace("#", "") + "}")
    info = read_pdf(pdf)
    assert info.doi == DOI
    assert "10.2307/27123456" in info.other_dois


def test_doi_in_xmp_forms_without_one_on_the_page(tmp_path):
    pdf = layout_pdf(tmp_path, "f", front(), references=12)
    for k, fields in enumerate([f"<pdfx:doi>{DOI}</pdfx:doi>",
                                f"<prism:doi>{DOI}</prism:doi>",
                                f"<dc:identifier>doi:{DOI}</dc:identifier>",
                                f'<prism:url rdf:resource="https://doi.org/{DOI}"/>',
                                f"<crossmark:DOI>{DOI}</crossmark:DOI>"]):
        out = with_metadata(pdf, tmp_path / f"x{k}.pdf", {"Title": TITLE}, xmp_packet(fields))
        info = read_pdf(out)
        assert (info.doi, info.id_source) == (DOI, "xmp"), fields


# -- PMID, PMCID, arXiv, author manuscripts ------------------------------------------------------

def test_nih_author_manuscript_header(tmp_path):
    """An NIH author manuscript as PMC serves it: the HHS Public Access header with the
    published version's DOI, "available in PMC 2024 June 01" on every page (not a PMCID)."""
    head = (r"{\small\bfseries HHS Public Access\par}{\small Author manuscript\par}"
            r"{\small Blood Adv. Author manuscript; available in PMC 2024 June 01.\par}"
            r"{\small Published in final edited form as:\par Blood Adv. 2023 August 08; 7(15): "
            r"4411--4420. doi:\nolinkurl{" + DOI + r"}.\par}\bigskip")
    margin = (r"\llap{\raisebox{-20cm}[0pt][0pt]{\rotatebox{90}{\Large\bfseries Author Manuscript"
              r"\hspace{3cm}Author Manuscript\hspace{3cm}Author Manuscript}}\hspace{1cm}}")
    pdf = layout_pdf(tmp_path, "f", front(head), references=40, body_pages=2,
                     foot=r"Blood Adv. Author manuscript; available in PMC 2024 June 01.",
                     preamble=r"\usepackage{graphicx}\AtBeginDocument{\fancyhead[L]{" + margin + "}}")
    info = read_pdf(pdf)
    assert info.doi == DOI and info.pmcid == ""
    assert info.title == TITLE
    assert info.authors == ["Maria Rossi", "Jonas Berg", "Aiko Tanaka"]


def test_nih_manuscript_with_its_pmcid_printed(tmp_path):
    head = (r"{\small\bfseries HHS Public Access\par}{\small Author manuscript\par}"
            r"{\small Blood Adv. Author manuscript; available in PMC 2024 June 01.\par}"
            r"{\small PMCID: PMC10412345\par}\bigskip")
    info = read_pdf(layout_pdf(tmp_path, "f", front(head), references=40))
    assert (info.pmcid, info.doi, info.title) == ("PMC10412345", "", TITLE)


def test_pmcid_pmid_and_arxiv_labels(tmp_path):
    ids = (r"{\small PMID: 37012345 \quad PMCID: PMC10412345 \quad "
           r"arXiv:2101.01234v2 [q-bio.CB]\par}")
    pdf = layout_pdf(tmp_path, "f", front() + ids, references=6)
    info = read_pdf(pdf)
    assert (info.pmid, info.pmcid, info.arxiv) == ("37012345", "PMC10412345", "2101.01234")
    assert info.doi == ""


# -- a scan --------------------------------------------------------------------------------------

def test_scan_without_a_text_layer(tmp_path):
    pdf = layout_pdf(tmp_path, "f", front(), references=6, body_pages=2)
    scan = scanned(pdf, tmp_path / "scan.pdf")
    info = read_pdf(scan)
    assert info.text_layer is False and info.pages == 2
    assert info.doi == "" and info.title == ""


def test_rotated_download_stamp_in_the_margin_carrying_the_doi(tmp_path):
    """Wiley's stamp: rotated in the right margin of every page, the DOI inside a URL, followed
    by the terms-and-conditions URL; the article prints no other DOI of its own."""
    own = "10.1002/ajh.26999"
    stamp = (r"\rlap{\hspace{1.2cm}\raisebox{-22cm}[0pt][0pt]{\rotatebox{90}{\tiny 10968652, 2023, 5, "
             r"Downloaded from \nolinkurl{https://onlinelibrary.wiley.com/doi/" + own + r"} by Test "
             r"University, Wiley Online Library on [03/12/2026]. See the Terms and Conditions "
             r"(\nolinkurl{https://onlinelibrary.wiley.com/terms-and-conditions}) on Wiley Online "
             r"Library for rules of use}}}")
    pdf = layout_pdf(tmp_path, "f", front(), references=40, body_pages=3,
                     preamble=r"\usepackage{graphicx}\AtBeginDocument{\fancyhead[R]{" + stamp + "}}")
    info = read_pdf(pdf)
    assert info.doi == own


def test_publishers_cover_page_with_cite_and_link_lines(tmp_path):
    """Taylor & Francis put a cover page first: the title, "To cite this article", "To link to
    this article: https://doi.org/...", and links ("Submit your article to this journal",
    "View related articles"); the article follows with the DOI in its header."""
    own = "10.1080/10428194.2023.2171234"
    cover = (r"\onecolumn\thispagestyle{empty}\begin{flushleft}{\small Leukemia \& Lymphoma\par}"
             r"\bigskip{\Large\bfseries " + TITLE + r"\par}\medskip{\large Maria Rossi, Jonas Berg "
             r"\& Aiko Tanaka\par}\bigskip{\small\textbf{To cite this article:} Maria Rossi, Jonas Berg "
             r"\& Aiko Tanaka (2023) " + TITLE + r", Leukemia \& Lymphoma, 64:5, 1021-1030, DOI: "
             r"\nolinkurl{" + own + r"}\par\medskip\textbf{To link to this article:} "
             r"\nolinkurl{https://doi.org/" + own + r"}\par\bigskip Published online: 02 Feb 2023."
             r"\par\medskip Submit your article to this journal\par Article views: 1234\par View "
             r"related articles\par View Crossmark data\par}\end{flushleft}\clearpage\twocolumn")
    pdf = layout_pdf(tmp_path, "f", front(), references=40, body_pages=2,
                     head=r"LEUKEMIA \& LYMPHOMA \hfill \nolinkurl{https://doi.org/" + own + "}",
                     preamble="\n\\AtBeginDocument{" + cover + "}")
    info = read_pdf(pdf)
    assert info.doi == own
    assert info.title == TITLE


def test_banner_in_larger_type_than_the_title_is_not_the_title(tmp_path):
    """A banner in larger type than the title, five words long and unknown as a journal: the
    title is the large type the author names follow."""
    banner = r"{\Huge\bfseries Haematology and Immunotherapy Weekly Digest\par}\bigskip"
    info = read_pdf(layout_pdf(tmp_path, "f", front(banner), references=6))
    assert info.title == TITLE
    assert info.authors == ["Maria Rossi", "Jonas Berg", "Aiko Tanaka"]


def test_right_metadata_title_is_used_when_printed_under_a_banner(tmp_path):
    """The same page with the document info holding the real title: it is printed on the
    page before the references, so it is used (whatever the guess took)."""
    banner = r"{\Huge\bfseries Haematology and Immunotherapy Weekly Digest\par}\bigskip"
    pdf = layout_pdf(tmp_path, "f", front(banner), references=6)
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": TITLE}))
    assert info.title == TITLE
