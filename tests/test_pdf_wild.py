"""What real PDFs never seen before showed (session 6: the test PDFs of pypdf's sdist and of
Debian's texlive-publishers-doc / texlive-science-doc, ~400 files; decision 0040, "PDFs it had
never seen").  Each failure is made here in the form the real producers give it: pdflatex for the
pages (a ToUnicode map to characters outside the BMP, as XeTeX/LuaTeX's unicode-math and Word's
Cambria Math write it), pikepdf (qpdf) for metadata as Illustrator, Google Docs and EPS
converters leave it."""
from __future__ import annotations

import pytest

from amlref.pdf import page_texts, read_pdf
from amlref.services.pdf_import import import_pdfs
from tests.pdfs import layout_pdf, need_pdflatex, scanned, with_metadata
from tests.test_pdf_traits import AFFIL, DOI, FRONTS, TITLE, front

pytestmark = pytest.mark.latex

# pdfTeX writes a glyph's ToUnicode entry from \pdfglyphtounicode; "alpha" (math italic, cmmi)
# as U+1D6FC MATHEMATICAL ITALIC SMALL ALPHA (a surrogate pair in the ToUnicode CMap)
NON_BMP = r"\input glyphtounicode\pdfgentounicode=1\pdfglyphtounicode{alpha}{1D6FC}"
ALPHA = "\U0001D6FC"


@pytest.fixture(autouse=True)
def _latex():
    need_pdflatex()


# -- the title needs the font sizes, also with characters outside the BMP on page 1 -----------

@pytest.mark.parametrize("kind", ["section label and a blog-like kicker"])
def test_title_by_size_when_page_one_has_characters_outside_the_bmp(tmp_path, kind):
    """PDFium counts such a character as two (its UTF-16 halves), Python as one: the text and
    PDFium's character list differ in length, and the sizes were all dropped (8 % of the
    files), so a label above the title was taken for it."""
    greek = r"TNF-$\alpha$ and IFN-$\alpha$ levels fell after infusion ($\alpha=0.05$). "
    pdf = layout_pdf(tmp_path, "t", front(*FRONTS[kind]).replace(r"\textbf{Abstract} ",
                                                                  r"\textbf{Abstract} " + greek),
                     references=6, preamble=NON_BMP)
    texts = page_texts(pdf)
    assert ALPHA in texts[0]                      # the page really has them
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": "untitled"}))
    assert info.title == TITLE
    assert info.authors == ["Maria Rossi", "Jonas Berg", "Aiko Tanaka"]


def test_sizes_and_margin_band_of_every_line_with_such_characters(tmp_path):
    """Each line's size and the header/footer band come from PDFium's characters: with the
    text's positions mapped to them, the title is in large type, the body in body type, and
    the running header (a DOI) in the band."""
    from amlref.pdf.reader import Document
    greek = r"IL-2R$\alpha$ (CD25) and CD123 ($\alpha$ chain) were measured. "
    pdf = layout_pdf(tmp_path, "h", front().replace(r"\textbf{Abstract} ",
                                                    r"\textbf{Abstract} " + greek),
                     head=r"Blood Adv 2023 \textbar\ \nolinkurl{https://doi.org/" + DOI + "}",
                     references=6, preamble=NON_BMP)
    with Document(pdf) as doc:
        text, lay = doc.page_text(0, layout=True)
    lines = text.split("\r\n")
    assert ALPHA in text and len(lay.sizes) == len(lines)
    size = {ln.split()[0]: lay.sizes[k] for k, ln in enumerate(lines) if ln.strip()}
    assert size["Venetoclax"] > 1.3 * size["Abstract"] > 0    # title vs the abstract's type
    assert [k for k in lay.edges if "doi.org" in lines[k]]   # the header is in the band
    assert read_pdf(pdf).doi == DOI.lower()


# -- words of the furniture matched as whole words ---------------------------------------------

@pytest.mark.parametrize("title", [
    "Lipid nanoparticle delivery of CD33-directed mRNA to leukaemic blasts in bone marrow",
    "Tissue-resident memory T cells in the bone marrow of patients with acute myeloid leukaemia",
    "Doing more with less: low-dose decitabine before donor lymphocyte infusion"])
def test_title_with_a_furniture_word_inside_another_word(tmp_path, title):
    """"tissue" holds "issue", "nanoparticle" holds "article", "Doing" holds "doi": the
    banner words were matched anywhere, so such a title was never title-like."""
    pdf = layout_pdf(tmp_path, "w", front(*FRONTS["original article label"], title=title),
                     references=6)
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": "untitled"}))
    assert info.title == title


def test_marked_author_list_in_large_type_is_not_the_title(tmp_path):
    """A first page whose title is not title-like (a kind label in the largest type) and an
    author list in large type with affiliation marks (OUP's template): the authors are not
    the title."""
    head = (r"{\Huge\bfseries Research Letter\par}\medskip"
            r"{\Large Maria Rossi,$^{1,*}$ Jonas Berg,$^{2}$ and Aiko Tanaka$^{1}$\par}\smallskip"
            + AFFIL + r"\medskip")
    pdf = layout_pdf(tmp_path, "a", head + r"\textbf{Abstract} Donor lymphocytes were given.\par",
                     references=6)
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": "untitled"}))
    assert not any(name in info.title for name in ("Rossi", "Berg", "Tanaka")), info.title


def test_affiliation_line_without_sizes_is_not_the_title(tmp_path):
    """A scan has no sizes; nor has a page PDFium gives none for.  Without sizes the first
    title-like line was taken: an address line ("Department of ..., City,") is not one."""
    addr = (r"{\small Department of Haematology and Oncology, University Hospital,\par}"
            r"{\small Institute for Cancer Research, Bergen, Norway\par}\medskip")
    pdf = layout_pdf(tmp_path, "d", addr + front(), references=6)
    from amlref.pdf.layout import Line, guess_title, page_lines
    lines = [Line(ln.text) for ln in page_lines(page_texts(pdf)[0])]     # the sizes taken off
    title, _ = guess_title(lines)
    assert not title.startswith(("Department", "Institute"))
    assert title.startswith("Venetoclax with azacitidine")


# -- a template's placeholder DOI is no DOI ----------------------------------------------------

@pytest.mark.parametrize("placeholder", ["10.1145/nnnnnnn.nnnnnnn", "10.1016/j.xxx.2023.xx.xxx",
                                         "10.1002/xxxx.12345"])
def test_placeholder_doi_a_preprint_kept_is_not_taken(tmp_path, placeholder):
    """acmart prints "https://doi.org/10.1145/nnnnnnn.nnnnnnn" until the publisher fills it in;
    Elsevier's and Wiley's templates have x's.  Alone it gives no DOI (not a lookup of a DOI
    that does not exist); beside the real one in the footer, the real one."""
    head = r"\nolinkurl{https://doi.org/" + placeholder + "}"
    alone = layout_pdf(tmp_path, "p", front(), head=head, references=6)
    info = read_pdf(alone)
    assert info.doi == "" and placeholder not in info.other_dois
    both = layout_pdf(tmp_path, "q", front(), head=head, references=6,
                      foot=r"\nolinkurl{https://doi.org/" + DOI + "}")
    assert read_pdf(both).doi == DOI.lower()


# -- a useless metadata title is not the new article's title -----------------------------------

@pytest.mark.parametrize("meta", ["Untitled document", "Print", "fig3_survival.eps",
                                  "(CD123_logo.svg)", "The Title"])
def test_scan_with_a_useless_metadata_title_gets_the_file_name(lib, tmp_path, meta):
    """Google Docs' "Untitled document", Illustrator's "Print", an EPS/SVG converter's file
    name: with no text layer the new article was titled with it; now with the file's name."""
    pdf = layout_pdf(tmp_path, "s", front(), references=6)
    scan = with_metadata(scanned(pdf, tmp_path / "scan.pdf"), tmp_path / "rossi2023_dli.pdf",
                         {"Title": meta})
    report = import_pdfs(lib, [str(scan)], offline=True)
    [o] = report.outcomes
    assert o.status == "needs-metadata" and o.reason == "no text layer (scanned?)"
    assert lib.articles.get(o.article_id).title == "rossi2023_dli"


# -- a bare DOI after page 1 is a cited work's --------------------------------------------------

def _two_pages(tmp_path, name: str, page1: str, page2: str):
    from tests.pdfs import compile_tex
    tex = (r"\documentclass[10pt]{article}\usepackage[T1]{fontenc}\usepackage[hidelinks]{hyperref}"
           r"\begin{document}{\LARGE\bfseries " + TITLE + r"\par}\medskip"
           r"{\large Maria Rossi, Jonas Berg and Aiko Tanaka\par}\medskip"
           r"\textbf{Abstract} Donor lymphocyte infusion was given to 41 adults. " + page1
           + r"\par\newpage " + page2 + r"\end{document}")
    return compile_tex(tex, tmp_path, name)


def test_bare_doi_on_a_later_page_is_not_the_papers(tmp_path):
    """A listing or an in-text citation on page 2 ("url: 10.22331/q-2017-04-25-1" of a
    bibliography demo, "note = {\\doi{10.1115/...}}" of a template): with nothing on page 1 it
    was taken as the paper's own DOI."""
    cited = "10.1200/jco.2019.37.15_suppl.7000"
    from tests.pdfs import LOREM
    pdf = _two_pages(tmp_path, "b", "", LOREM * 3 + r" Responses matched the phase 2 trial "
                     r"(\nolinkurl{" + cited + r"}). " + LOREM * 3)
    info = read_pdf(pdf)
    assert info.doi == "" and cited in info.other_dois


def test_bare_doi_on_page_one_is_still_taken(tmp_path):
    pdf = _two_pages(tmp_path, "c", r"\nolinkurl{" + DOI + "}", "More results.")
    assert read_pdf(pdf).doi == DOI.lower()
