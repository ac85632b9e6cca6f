"""The batch reader process: one child for many PDFs, with a time limit, a memory limit and a
crash on one file refusing that file only (real PDFs, real child processes)."""
from __future__ import annotations

import shutil

import pytest

from amlref.pdf import PdfError
from amlref.services.pdf_worker import PdfWorker
from pdfmake import article_pdf
from conftest import corpus


@pytest.fixture
def paper(tmp_path):
    return article_pdf(tmp_path / "p.pdf", doi="10.1182/blood.2023021000",
                       title="Blinatumomab-like T-cell engagers against CD33 in AML")


def test_many_files_one_process(paper, tmp_path):
    enc = tmp_path / "enc.pdf"
    shutil.copy(corpus("pdf-hostile", "pypdf--encrypted-file.pdf"), enc)
    with PdfWorker() as w:
        assert w.read(str(paper)).doi == "10.1182/blood.2023021000"
        pid = w._proc.pid
        with pytest.raises(PdfError, match="encrypted: needs a password"):
            w.texts(str(enc))
        assert "T-cell engagers" in w.texts(str(paper))[0]
        assert w._proc.pid == pid                      # the same reader throughout
        with pytest.raises(PdfError, match="no such file"):
            w.read(str(tmp_path / "gone.pdf"))


def test_time_limit_kills_the_reader_and_the_next_file_is_read(paper):
    with PdfWorker(timeout=0.0005) as w:
        with pytest.raises(PdfError, match=r"took over 0.0005 s"):
            w.read(str(paper))
        assert w._proc is None                          # killed
        w.timeout = 20
        assert w.read(str(paper)).pages == 1            # a fresh reader


def test_reader_dying_refuses_that_file_only(paper):
    with PdfWorker() as w:
        w.read(str(paper))
        w._proc.kill()                                  # as a crash of PDFium would
        w._proc.join(5)
        w._proc.is_alive = lambda: True                 # the parent learns it only by asking
        with pytest.raises(PdfError, match="crashed"):
            w.texts(str(paper))
        assert w.read(str(paper)).pages == 1            # the next file gets a new reader


def test_texts_many_in_order_with_bad_files_between(paper, tmp_path):
    enc = tmp_path / "enc.pdf"
    shutil.copy(corpus("pdf-hostile", "pypdf--encrypted-file.pdf"), enc)
    other = article_pdf(tmp_path / "o.pdf", doi="", title="Gemtuzumab ozogamicin in older adults")
    paths = [paper, tmp_path / "gone.pdf", enc, other, paper]
    with PdfWorker() as w:
        got = [(p.rsplit("/", 1)[-1], state, bool(t)) for p, t, state in w.texts_many(paths)]
    assert got == [("p.pdf", "done", True), ("gone.pdf", "no such file", False),
                   ("enc.pdf", "encrypted: needs a password", False), ("o.pdf", "done", True),
                   ("p.pdf", "done", True)]


def test_texts_many_timeout_resends_the_others(paper, tmp_path):
    other = article_pdf(tmp_path / "o.pdf", doi="", title="Gemtuzumab ozogamicin in older adults")
    with PdfWorker(text_timeout=0.0005) as w:
        answers = w.texts_many([paper, other, paper])   # two are sent before the first answer
        first = next(answers)
        assert first[2] == "took over 0.0005 s" and w._proc is None   # that reader is gone
        w.text_timeout = 30
        rest = [(p.rsplit("/", 1)[-1], state) for p, _, state in answers]
    assert rest == [("o.pdf", "done"), ("p.pdf", "done")]
