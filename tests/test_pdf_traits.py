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
