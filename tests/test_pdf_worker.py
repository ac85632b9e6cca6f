"""The one PDF worker (amlref/pdf/isolate.py): one child process for many PDFs, with a time
limit, a memory limit and a crash on one file refusing that file only; ``texts_many`` reads
ahead and keeps order whatever happens to the child (real PDFs, real child processes)."""
from __future__ import annotations

import os
import sys
import shutil
import signal
import threading
import time

import pytest

from amlref.pdf import PdfError, PdfWorker, isolate
from amlref.pdf.errors import ReaderUnavailable
from conftest import corpus
from pdfmake import article_pdf
from tests import pdfs


@pytest.fixture
def paper(tmp_path):
    return article_pdf(tmp_path / "p.pdf", doi="10.1182/blood.2023021000",
                       title="Blinatumomab-like T-cell engagers against CD33 in AML")


@pytest.fixture
def other(tmp_path):
    return article_pdf(tmp_path / "o.pdf", doi="", title="Gemtuzumab ozogamicin in older adults")


def _names(answers):
    return [(os.path.basename(p), state, bool(t)) for p, t, state in answers]


def test_services_use_the_one_worker():
    from amlref.services import fulltext, pdf_import
    assert fulltext.PdfWorker is pdf_import.PdfWorker is isolate.PdfWorker
    import importlib.util
    assert importlib.util.find_spec("amlref.services.pdf_worker") is None


def test_many_files_one_process(paper, tmp_path):
    enc = tmp_path / "enc.pdf"
    shutil.copy(corpus("pdf-hostile", "pypdf--encrypted-file.pdf"), enc)
    with PdfWorker() as w:
        assert w.read(str(paper)).doi == "10.1182/blood.2023021000"
        pid = w.proc.pid
        with pytest.raises(PdfError, match="encrypted: needs a password"):
            w.texts(str(enc))
        assert "T-cell engagers" in w.texts(str(paper))[0]
        assert w.proc.pid == pid                      # the same reader throughout
        with pytest.raises(PdfError, match="^file not found"):
            w.read(str(tmp_path / "gone.pdf"))
        assert w.proc.pid == pid                      # answered without the reader


def test_time_limit_kills_the_reader_and_the_next_file_is_read(paper):
    with PdfWorker(timeout=0.0005) as w:
        with pytest.raises(PdfError, match=r"took over 0.0005 s"):
            w.read(str(paper))
        assert w.proc is None                          # killed
        w.timeout = 20
        assert w.read(str(paper)).pages == 1            # a fresh reader


def _crash_soon(pid: int) -> None:
    """The child dies of SIGSEGV (as on a PDFium crash) with the requests sent to it unanswered:
    stopped now, the signal delivered when it runs again 0.2 s later."""
    os.kill(pid, signal.SIGSTOP)

    def crash():
        os.kill(pid, signal.SIGSEGV)
        os.kill(pid, signal.SIGCONT)
    threading.Timer(0.2, crash).start()


def test_reader_crashing_on_a_file_refuses_that_file_only(paper):
    with PdfWorker() as w:
        w.read(str(paper))
        pid = w.proc.pid
        _crash_soon(pid)
        with pytest.raises(PdfError, match=r"^crashed the PDF library \(or needed over 1,024 MB"):
            w.texts(str(paper))
        assert w.proc is None
        assert w.read(str(paper)).pages == 1            # the next file gets a new reader
        assert w.proc.pid != pid


def test_texts_many_in_order_with_bad_files_between(paper, other, tmp_path):
    enc = tmp_path / "enc.pdf"
    shutil.copy(corpus("pdf-hostile", "pypdf--encrypted-file.pdf"), enc)
    png = pdfs.png_renamed(tmp_path / "figure.pdf")
    paths = [paper, tmp_path / "gone.pdf", enc, other, png, paper]
    with PdfWorker() as w:
        got = _names(w.texts_many(iter(paths)))        # a lazy iterable is fine
    assert got == [("p.pdf", "done", True),
                   ("gone.pdf", "file not found (moved or deleted)", False),
                   ("enc.pdf", "encrypted: needs a password", False), ("o.pdf", "done", True),
                   ("figure.pdf", "not a PDF (PNG image)", False), ("p.pdf", "done", True)]


def test_texts_many_timeout_resends_the_others(paper, other):
    with PdfWorker(text_timeout=0.3) as w:
        w.read(str(paper))
        os.kill(w.proc.pid, signal.SIGSTOP)             # a reader that hangs on its file
        answers = w.texts_many([paper, other, paper])   # sent before the first answer
        first = next(answers)
        assert first[2] == "took over 0.3 s" and w.proc is None   # that reader is gone
        w.text_timeout = 30
        rest = [(p.rsplit("/", 1)[-1], state) for p, _, state in answers]
    assert rest == [("o.pdf", "done"), ("p.pdf", "done")]


def test_texts_many_a_flate_bomb_between_good_files(paper, other, tmp_path):
    bomb = pdfs.flate_bomb(tmp_path / "bomb.pdf", megabytes=600)
    with PdfWorker(mem_limit=300 * 2**20) as w:
        got = _names(w.texts_many([paper, bomb, other, paper], ahead=3))
    assert [g[0] for g in got] == ["p.pdf", "bomb.pdf", "o.pdf", "p.pdf"]
    assert "300 MB" in got[1][1] and not got[1][2]        # the child died of it
    assert [got[i][1:] for i in (0, 2, 3)] == [("done", True)] * 3


def test_texts_many_crash_resends_what_was_in_flight(paper, other):
    with PdfWorker() as w:
        w.read(str(paper))
        pid = w.proc.pid
        _crash_soon(pid)
        got = _names(w.texts_many([other, paper, other], ahead=3))
        assert w.proc.pid != pid
    assert got[0][0] == "o.pdf" and got[0][1].startswith("crashed the PDF library")
    assert got[1:] == [("p.pdf", "done", True), ("o.pdf", "done", True)]


def test_leaving_texts_many_early_leaves_no_stale_answer(paper, other):
    with PdfWorker() as w:
        answers = w.texts_many([other, paper, paper, paper], ahead=4)
        assert "Gemtuzumab" in next(answers)[1][0]
        answers.close()                                 # three answers were still due
        assert "T-cell engagers" in w.texts(str(paper))[0]


def test_a_child_grown_large_is_replaced_between_files(paper, other):
    with PdfWorker() as w:
        w.read(str(paper))
        pid = w.proc.pid
        w.mem_limit = 2 * 2**20                         # its memory is now over half the limit
        w.read(str(paper))
        assert w.proc.pid == pid                        # answered, then marked for retiring
        w.mem_limit = isolate.MEM_LIMIT
        answers = list(w.texts_many([other, paper]))
        assert [a[2] for a in answers] == ["done", "done"] and w.proc.pid != pid


def test_a_reader_that_cannot_start_stops_the_batch(paper, monkeypatch):
    monkeypatch.setattr(isolate.sys, "executable", "/bin/false")
    with PdfWorker() as w:
        with pytest.raises(ReaderUnavailable, match="^the PDF reader did not start$"):
            list(w.texts_many([paper, paper]))
    t = time.monotonic()
    with PdfWorker() as w, pytest.raises(PdfError, match="^the PDF reader did not start$"):
        w.read(str(paper))
    assert time.monotonic() - t < 10


def test_a_large_caller_does_not_make_its_child_look_large(paper):
    """The caller's size must not count as the child's (on Linux the peak resident size
    survives exec): a child of a 400 MB process, capped at 600 MB, is kept between files."""
    ballast = b"x" * (400 * 2**20)                     # the caller is now over 300 MB
    with PdfWorker(mem_limit=600 * 2**20) as w:
        w.read(str(paper))
        pid = w.proc.pid
        assert [s for _, _, s in w.texts_many([paper, paper])] == ["done", "done"]
        assert w.read(str(paper)).pages == 1 and w.proc.pid == pid
    del ballast


@pytest.mark.parametrize("entry", ["amlref_main.py", "amlref_gui_main.py"])
def test_frozen_build_starts_the_child_through_its_own_executable(entry, paper, tmp_path,
                                                                  monkeypatch):
    """In a PyInstaller build ``sys.executable`` is the app, which knows no ``-m``: the worker
    starts the app with ``--amlref-pdf-child`` and both entry scripts hand over to the child.
    Here the frozen executable is a script running the real entry script."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = tmp_path / "amlref-frozen"
    app.write_text(f'#!/bin/sh\nexec "{sys.executable}" '
                   f'"{os.path.join(root, "packaging", "pyinstaller", entry)}" "$@"\n')
    app.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app))
    assert isolate.child_command(123)[:2] == [str(app), isolate.FROZEN_FLAG]
    with PdfWorker() as w:
        assert w.read(str(paper)).doi == "10.1182/blood.2023021000"
