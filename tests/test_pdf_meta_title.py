"""A useless XMP title ("untitled", Word's "Microsoft Word - x.doc", dvipdf's "paper.dvi") must
not hide a good document-info /Title: producers that rewrite one of the two leave the other as
it was.  The page's printed title still wins over a metadata title it does not print.  PDFs
made by pdflatex, their metadata written by pikepdf (qpdf) as a non-TeX producer writes it."""
from __future__ import annotations

import pytest

from amlref.pdf import read_pdf
from tests.pdfs import layout_pdf, need_pdflatex, scanned, with_metadata, xmp_packet
from tests.test_pdf_traits import TITLE, front

pytestmark = pytest.mark.latex

# the title with the Greek letters the metadata keeps (PDF text extraction of a TeX math
# alpha gives what the font's ToUnicode map says, not always the letter)
UNICODE = "TNF-α and IFN-γ signalling by CD8+ T cells after donor lymphocyte infusion in AML"
PRINTED = (r"TNF-$\alpha$ and IFN-$\gamma$ signalling by CD8+ T cells after donor lymphocyte "
           r"infusion in AML")
USELESS_XMP = ["untitled", "Microsoft Word - AML_DLI_manuscript_v3.doc", "paper.dvi"]
OTHER = "Flotetuzumab as salvage immunotherapy for refractory acute myeloid leukemia"


def xmp_title(title: str, creators: tuple[str, ...] = ()) -> str:
    fields = ('<dc:title><rdf:Alt><rdf:li xml:lang="x-default">' + title
              + '</rdf:li></rdf:Alt></dc:title>')
    if creators:
        fields += ("<dc:creator><rdf:Seq>" + "".join(f"<rdf:li>{c}</rdf:li>" for c in creators)
                   + "</rdf:Seq></dc:creator>")
    return xmp_packet(fields)


@pytest.fixture(autouse=True)
def _latex():
    need_pdflatex()


@pytest.mark.parametrize("useless", USELESS_XMP)
def test_useless_xmp_title_gives_way_to_a_good_info_title(tmp_path, useless):
    pdf = layout_pdf(tmp_path, "t", front(title=PRINTED), references=6)
    out = with_metadata(pdf, tmp_path / "m.pdf", {"Title": UNICODE, "Author": "Maria Rossi"},
                        xmp_title(useless))
    info = read_pdf(out)
    assert info.meta_title == UNICODE
    assert info.title == UNICODE          # the metadata's characters, as it is the page's title


@pytest.mark.parametrize("useless", USELESS_XMP)
def test_scan_takes_title_and_authors_from_document_info(tmp_path, useless):
    """No text layer: the metadata is all there is; XMP's says nothing, /Title does."""
    pdf = layout_pdf(tmp_path, "s", front(), references=6, body_pages=2)
    scan = scanned(pdf, tmp_path / "scan.pdf")
    out = with_metadata(scan, tmp_path / "m.pdf",
                        {"Title": TITLE, "Author": "Maria Rossi; Jonas Berg; Aiko Tanaka"},
                        xmp_title(useless, ("user",)))
    info = read_pdf(out)
    assert info.text_layer is False
    assert info.title == TITLE
    assert info.authors == ["Maria Rossi", "Jonas Berg", "Aiko Tanaka"]


def test_page_title_still_wins_over_an_info_title_it_does_not_print(tmp_path):
    """XMP useless, /Title another paper's (a template reused): the page's title."""
    pdf = layout_pdf(tmp_path, "p", front(), references=6)
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": OTHER},
                                  xmp_title("untitled")))
    assert info.title == TITLE


def test_info_title_printed_on_the_page_beats_another_papers_xmp_title(tmp_path):
    """Both look like titles; only /Title is the one page 1 prints."""
    pdf = layout_pdf(tmp_path, "b", front(title=PRINTED), references=6)
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": UNICODE},
                                  xmp_title(OTHER)))
    assert info.title == UNICODE and info.meta_title == UNICODE


def test_good_xmp_title_is_still_preferred_to_info(tmp_path):
    """XMP first when it is the page's title: /Title is an older or cut copy of it."""
    pdf = layout_pdf(tmp_path, "x", front(title=PRINTED), references=6)
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": UNICODE[:40]},
                                  xmp_title(UNICODE)))
    assert info.title == UNICODE and info.meta_title == UNICODE


def test_both_useless_keep_the_stored_one_for_display(tmp_path):
    pdf = layout_pdf(tmp_path, "u", front(), references=6)
    info = read_pdf(with_metadata(pdf, tmp_path / "m.pdf", {"Title": "paper.dvi"},
                                  xmp_title("untitled")))
    assert info.title == TITLE and info.meta_title == "untitled"
