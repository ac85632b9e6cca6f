"""What a PDF says besides its identifiers: the title (printed, cross-checked with useless or
wrong metadata), authors, year, abstract, the text layer, page texts and the thumbnail; on real
pdflatex-made PDFs."""
from __future__ import annotations

import io

import pytest

from amlref.pdf import PdfWorker, first_page_png, page_texts, read_pdf, title_matches, useless_meta_title
from amlref.pdf.layout import Line, guess_authors, guess_title
from tests.pdfs import Article, book, maker, need_pdflatex

A = Article()


@pytest.fixture
def make(tmp_path):
    return maker(tmp_path)


@pytest.mark.latex
@pytest.mark.parametrize("isolate", [True, False])
def test_title_authors_year_abstract_from_the_first_page(make, isolate):
    info = read_pdf(make(), isolate=isolate)
    assert info.title == A.title
    assert info.authors == A.authors
    assert info.year == A.year
    assert info.abstract == A.abstract
    assert info.text_layer and not info.encrypted and info.pages == 1
    assert title_matches(A.title, info.first_page)
    assert not title_matches("Venetoclax with azacitidine in older patients with AML", info.first_page)


@pytest.mark.latex
@pytest.mark.parametrize("bad", ["untitled", "paper.dvi", "Proceedings Template - WORD",
                                 "Microsoft Word - leukaemia_final_v3.docx", "JOURNAL OF LEUKAEMIA IMMUNOLOGY",
                                 "Manuscript"])
def test_useless_metadata_title_is_ignored_for_the_page(make, bad):
    info = read_pdf(make(meta_title=bad, xmp=True))
    assert info.meta_title == bad
    assert info.title == A.title


@pytest.mark.latex
def test_metadata_title_of_another_paper_loses_to_the_page(make):
    other = "Venetoclax with azacitidine in older patients with acute myeloid leukaemia"
    info = read_pdf(make(meta_title=other))
    assert info.meta_title == other and info.title == A.title


@pytest.mark.latex
def test_metadata_title_that_agrees_is_used_and_file_name_title_is_not(make, tmp_path):
    info = read_pdf(make(meta_title=A.title.replace("T-cell", "T\u2011cell")))
    assert info.title == A.title.replace("T-cell", "T\u2011cell")
    p = make("cd123-bispecific-2023", meta_title="cd123 bispecific 2023")
    assert useless_meta_title("cd123 bispecific 2023", str(p))
    assert read_pdf(p).title == A.title


@pytest.mark.latex
def test_summary_heading_and_no_abstract(make):
    assert read_pdf(make(heading="Summary")).abstract == A.abstract
    assert read_pdf(make("b", abstract="")).abstract == ""


@pytest.mark.latex
def test_scan_without_text_layer_keeps_the_metadata(make):
    info = read_pdf(make(scan=True, xmp=True, doi="10.1234/scan.1"))
    assert info.text_layer is False
    assert info.title == A.title                 # the page has none: metadata it is
    assert info.authors == A.authors
    assert info.doi == "10.1234/scan.1" and info.id_source == "xmp"
    info = read_pdf(make("bare", scan=True, meta_title="untitled"))
    assert (info.text_layer, info.title, info.doi) == (False, "", "")


@pytest.mark.latex
def test_cover_page_title(make):
    info = read_pdf(make(cover_doi="10.2307/4567890"))
    assert info.title == A.title and info.pages == 2


@pytest.mark.latex
def test_page_texts_and_thumbnail(make):
    p = make(body_pages=10)
    texts = page_texts(p)
    assert len(texts) == read_pdf(p).pages >= 9
    assert A.title.split()[0] in texts[0]
    assert "effect cures patients" in " ".join(texts[0].split())     # "ef-fect" joined again
    assert "\ufffe" not in "".join(texts) and "ef-fect" not in "".join(texts)
    assert texts == page_texts(p, isolate=False)
    png = first_page_png(p, 200)
    from PIL import Image
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size[0] == 200 and img.size[1] > 200
    assert img.convert("L").getextrema()[0] < 100          # there is ink on it


@pytest.mark.latex
def test_all_pages_at_once_give_what_page_by_page_gives(make):
    """Document.texts (PDFium's calls, one buffer) is page_text of each page: on a pdflatex
    article with hyphenation and ligatures, and on every file of the hostile corpus that opens."""
    import glob
    from amlref.pdf.errors import PdfError
    from amlref.pdf.reader import Document
    from tests.support import corpus
    files = [make(body_pages=10)] + sorted(glob.glob(str(corpus("pdf-hostile") / "*.pdf")))
    compared = 0
    for f in files:
        try:
            with Document(f) as doc:
                if len(doc) > 2000:
                    continue
                by_page = [doc.page_text(i) for i in range(len(doc))]
                assert doc.texts() == by_page, f
                compared += 1
        except PdfError:
            continue
    assert compared >= 15
    with Document(files[0]) as doc:
        assert "\ufffe" in "".join(doc.texts())     # raw: the line-end hyphen marks are there


@pytest.mark.latex
def test_a_worker_reads_many_files_in_one_child(make):
    files = [make(f"f{i}", title=f"Trial {i} of CD33 antibody conjugates in relapsed leukaemia") for i in range(4)]
    with PdfWorker() as w:
        infos = [read_pdf(f, worker=w) for f in files]
        pid = w.proc.pid
        assert page_texts(files[0], worker=w)[0]
        assert w.proc.pid == pid
    assert [i.title for i in infos] == [f"Trial {i} of CD33 antibody conjugates in relapsed leukaemia" for i in range(4)]


@pytest.mark.latex
def test_thousand_page_book(tmp_path):
    need_pdflatex()
    p = book(tmp_path, 1000)
    texts = page_texts(p)
    assert len(texts) == 1000 and "Page 1000 " in texts[-1]
    info = read_pdf(p)
    assert info.pages == 1000 and info.doi == ""


# -- title matching --------------------------------------------------------------------------------

PAGE = ("Journal of Leukaemia Immunology 2023\r\nCD123-directed bispecific antibod\ufffe\r\nies restore "
        "T\u2010cell control of acute mye\u00adloid leukaemia\r\nMaria Rossi, Jonas Berg\r\nAbstract")


@pytest.mark.parametrize("title", [
    A.title, A.title.upper(), "CD123-Directed Bispecific Antibodies Restore T-Cell Control of Acute Myeloid Leukaemia.",
    "<i>CD123</i>-directed bispecific antibodies restore T cell control of acute myeloid leukaemia",
    "CD123-directed bispecific antibodies restore T-cell control of acute myeloid leukemia",   # one letter
])
def test_title_matches_tolerates_case_hyphenation_markup_and_a_letter(title):
    assert title_matches(title, PAGE)


@pytest.mark.parametrize("title", [
    "Venetoclax with azacitidine in older patients with acute myeloid leukaemia",
    "CD33-directed bispecific antibodies in myelodysplastic syndromes", "Leukaemia", "",
])
def test_title_matches_rejects_other_titles(title):
    assert not title_matches(title, PAGE)


def test_title_matches_greek_letters_and_ligatures():
    page = "Interferon-\u03b3 and TNF-\u03b1 signalling shapes the \ufb01rst response of AML blasts"
    assert title_matches("Interferon-gamma and TNF-alpha signalling shapes the first response of AML blasts", page)
    assert title_matches("Interferon-\u03b3 and TNF-\u03b1 signalling shapes the \ufb01rst response of AML blasts",
                         page.replace("\u03b3", "gamma").replace("\ufb01", "fi"))


def test_title_guess_with_font_sizes():
    lines = [Line("Blood Advances 2024", 8), Line("ORIGINAL ARTICLE", 11),
             Line("Menin inhibition in NPM1-mutated acute", 16), Line("myeloid leukaemia", 16),
             Line("Ana Silva, Ben Okafor, Chen Wei", 11), Line("Department of Medicine, University of X", 8)] + \
            [Line("Body text of the article that goes on for a while.", 9)] * 30
    title, after = guess_title(lines)
    assert title == "Menin inhibition in NPM1-mutated acute myeloid leukaemia"
    assert guess_authors(lines, after) == ["Ana Silva", "Ben Okafor", "Chen Wei"]


def test_title_guess_without_font_sizes_and_unsure_authors():
    lines = [Line("Research letter"), Line("Menin inhibition in NPM1-mutated acute myeloid leukaemia"),
             Line("A study group of the cooperative network 12"), Line("Body.")]
    title, after = guess_title(lines)
    assert title == "Menin inhibition in NPM1-mutated acute myeloid leukaemia"
    assert guess_authors(lines, after) == []


@pytest.mark.parametrize("t", ["paper.dvi", "untitled", "Untitled1", "Proceedings Template - WORD",
                               "Microsoft Word - x.docx", "BLOOD", "JOURNAL OF CLINICAL ONCOLOGY",
                               "Layout 1", "jcm-09-01234", "Article", "", "doi:10.1182/blood.2020007732"])
def test_useless_meta_titles(t):
    assert useless_meta_title(t)


def test_useful_meta_title():
    assert not useless_meta_title(A.title)
    assert not useless_meta_title("Gemtuzumab ozogamicin for AML")


@pytest.mark.latex
def test_preprint_with_maketitle_and_an_arxiv_stamp(make):
    info = read_pdf(make(style="maketitle", arxiv="2301.01234v2", doi_place="none", doi=""))
    assert info.arxiv == "2301.01234" and info.doi == "" and info.id_source == "page 1"
    assert info.title == A.title
    assert info.abstract == A.abstract
    assert info.authors == A.authors          # printed without commas: taken from the metadata
    info = read_pdf(make("b", style="maketitle", meta_title="paper.dvi", doi_place="none"))
    assert info.title == A.title and info.authors == []     # unsure: none rather than wrong ones


def test_title_guess_on_a_publisher_style_first_page():
    """Elsevier-like: a large journal name in the masthead, a kind label, spaced headings,
    affiliation letters after the names."""
    lines = [Line("Blood Reviews 45 (2021) 100723", 7), Line("Contents lists available at ScienceDirect", 8),
             Line("Blood Reviews", 18), Line("journal homepage: www.elsevier.com/locate/blre", 8),
             Line("Review", 9), Line("Immunotherapy in acute myeloid leukemia: where", 15),
             Line("we stand", 15), Line("Alessandro Isidori a,*, Claudio Cerchione b, Naval Daver c", 10),
             Line("a Hematology and Stem Cell Transplant Center, AORMN Hospital, Pesaro, Italy", 7),
             Line("a r t i c l e i n f o", 8)] + [Line("Body of the review, set in nine point type.", 9)] * 40
    title, after = guess_title(lines)
    assert title == "Immunotherapy in acute myeloid leukemia: where we stand"
    assert guess_authors(lines, after) == ["Alessandro Isidori", "Claudio Cerchione", "Naval Daver"]
    lines[5:7] = [Line("Immunotherapy", 15)]          # a one-word title: the journal's name is not taken
    assert guess_title(lines, journal="Blood Reviews")[0] == "Immunotherapy" or \
        guess_title(lines, journal="Blood Reviews")[0] == ""


def test_authors_with_numbers_and_bars():
    lines = [Line("Title of a paper on leukaemia vaccines", 16),
             Line("Sara Villar1 | Eric Smith2,3 | Mary Major1", 10), Line("1 Department of X", 8)]
    assert guess_authors(lines, 1) == ["Sara Villar", "Eric Smith", "Mary Major"]
    lines[1] = Line("Jane Doe,1,2 John Roe,3 and Mary Major1", 10)
    assert guess_authors(lines, 1) == ["Jane Doe", "John Roe", "Mary Major"]


def test_title_set_in_a_scaled_one_point_font(tmp_path):
    """Producers that set ``/F1 1 Tf`` and scale the text matrix (``24 0 0 24 x y Tm``): the
    printed size is the font size times the matrix scale."""
    from tests.pdfs import _write_pdf
    body = b"".join(b"BT /F1 1 Tf 10 0 0 10 72 %d Tm (Body text of the article set in ten point type.) Tj ET\n"
                    % (620 - 14 * i) for i in range(30))
    content = (b"BT /F1 9 Tf 72 760 Td (Leukemia Research 112 \\(2022\\) 106789) Tj ET\n"
               b"BT /F1 1 Tf 9 0 0 9 72 730 Tm (Clinical trials and observations) Tj ET\n"
               b"BT /F1 1 Tf 20 0 0 20 72 700 Tm (Natural killer cell engagers for acute) Tj ET\n"
               b"BT /F1 1 Tf 20 0 0 20 72 676 Tm (myeloid leukaemia) Tj ET\n"
               b"BT /F1 1 Tf 11 0 0 11 72 650 Tm (Ana Silva, Ben Okafor) Tj ET\n" + body)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    p = _write_pdf(tmp_path / "scaled.pdf", objs)
    info = read_pdf(p)
    assert info.title == "Natural killer cell engagers for acute myeloid leukaemia"
    assert info.authors == ["Ana Silva", "Ben Okafor"]


@pytest.mark.latex
def test_default_calls_run_in_child_processes_also_from_several_threads(make):
    """Isolation is on by default: calls from several threads (the window's thumbnail and an
    import at once) each get a child process; idle children are kept for the next calls."""
    import os
    import threading
    from amlref.pdf import isolate
    p = make()
    results, errors = [], []

    def work(i):
        try:
            results.append(read_pdf(p).doi if i % 2 else first_page_png(p, 120)[:8])
        except Exception as exc:            # pragma: no cover - reported below
            errors.append(exc)
    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(map(str, results)) == sorted([A.doi] * 3 + [str(b"\x89PNG\r\n\x1a\n")] * 3)
    assert 1 <= len(isolate._idle) <= isolate.KEEP_IDLE
    assert all(w.alive and w.proc.pid != os.getpid() for w in isolate._idle)
    isolate.shutdown()
    assert isolate._idle == []


ABS = ("Acute myeloid leukaemia escapes T cells by losing HLA class II after transplantation, "
       "and we describe how often this happens in a cohort of 120 patients.")


@pytest.mark.parametrize("page,want", [
    ("Blood Reviews 45 (2021)\r\na r t i c l e i n f o\r\nKeywords:\r\nAML\r\na b s t r a c t\r\n"
     + ABS[:60] + "\r\n" + ABS[60:] + "\r\n© 2021 Elsevier Ltd. All rights reserved.\r\n1. Introduction\r\nText", ABS),
    ("Title\r\nAbstract: " + ABS + "\r\nKeywords: AML; HLA\r\nIntroduction", ABS),
    ("Title\r\nABSTRACT\r\nBackground: " + ABS + "\r\nMethods: We sequenced 120 relapses.\r\n"
     "Results: Half lost HLA class II.\r\nKey words: AML", "Background: " + ABS +
     " Methods: We sequenced 120 relapses. Results: Half lost HLA class II."),
    ("Title\r\nSummary\r\n" + ABS.replace("transplantation", "transplan\ufffe\r\ntation") + "\r\n1\r\nMore", ABS),
    ("Title\r\nIntroduction\r\nNo abstract on this page at all, only running text of the paper.", ""),
])
def test_abstract_forms(page, want):
    from amlref.pdf.layout import find_abstract
    assert find_abstract([page]) == want


@pytest.mark.latex
def test_publisher_masthead_page(make):
    """A big journal name above the title, "Review" label, authors split over lines by their
    superscripts, spaced "a b s t r a c t", the DOI in a footnote of the first column."""
    authors = ["Maria Rossi", "Jonas Berg", "Aiko Tanaka", "Omar Haddad", "Lena Hoffmann"]
    info = read_pdf(make(style="masthead", authors=authors))
    assert info.title == A.title and info.authors == authors
    assert info.doi == A.doi and info.id_source == "page 1"
    assert info.abstract == A.abstract and info.year == A.year
    assert "ef-fect" not in info.first_page and "effect cures" in info.first_page


def test_page_text_cleaning():
    from amlref.pdf.cleantext import page_text_clean
    assert page_text_clean("the ef\ufffefect of\r\nthe \ufb01rst soft\u00adhyphen\r\nlast") == \
        "the effect of\nthe first softhyphen\nlast"
    assert page_text_clean("a broken hy\ufffe\r\nphen") == "a broken hyphen"
    assert page_text_clean("plain\r\ntext") == "plain\ntext"


def test_t1_font_ligatures_without_a_tounicode_map_are_spelt_out():
    """pdfTeX with the T1 font encoding and no ToUnicode map: PDFium gives ff fi fl ffi ffl as
    the control characters 0x1B-0x1F ("e\\x1bects" is "effects")."""
    from amlref.pdf.cleantext import for_reading, page_text_clean
    assert for_reading("graft-versus-leukemia e\x1bects; \x1crst; \x1dow; o\x1ece; ba\x1fe") == \
        "graft-versus-leukemia effects; first; flow; office; baffle"
    assert page_text_clean("e\x1bects\r\nof \x1crst-line") == "effects\nof first-line"
