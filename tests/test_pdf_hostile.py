"""Hostile PDFs: every file of ../shared/corpora/pdf-hostile (its MANIFEST says what each is) and
files made from real pdflatex output (truncated, encrypted with qpdf through pikepdf, junk
before the header, a PNG renamed .pdf, deep nesting, a huge page tree, a flate bomb, a 1,000-page
book, files that vanish): a PdfInfo or a one-line PdfError, in bounded time and memory, and the
caller goes on with the next file."""
from __future__ import annotations

import csv
import threading
import time

import pytest

from amlref.pdf import PdfError, PdfInfo, PdfWorker, first_page_png, is_pdf, page_texts, read_pdf
from tests import pdfs
from tests.pdfs import Article, article, need_pdflatex
from tests.support import corpus

DOI = Article().doi


def _manifest():
    path = corpus("pdf-hostile", "MANIFEST.tsv")
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _one_line(exc: PdfError) -> str:
    msg = str(exc)
    assert msg and "\n" not in msg and len(msg) < 200 and "Traceback" not in msg
    assert "/" not in msg.split(":")[0]          # the reason, not a path
    return msg


def test_every_file_of_the_hostile_corpus():
    rows = _manifest()
    assert len(rows) >= 30
    outcomes = {}
    with PdfWorker() as worker:
        for row in rows:
            path = corpus("pdf-hostile", row["file"])
            try:
                res = read_pdf(path, worker=worker, timeout=20)
            except PdfError as exc:
                res = _one_line(exc)
            outcomes[row["file"]] = res
            kind = row["kind"]
            if kind == "encrypted-password-required":
                assert res == "encrypted: needs a password", row["file"]
            elif kind == "encrypted-empty-user-password":
                assert isinstance(res, PdfInfo) and res.encrypted and res.pages >= 1, (row["file"], res)
            elif kind == "not-a-pdf":
                assert isinstance(res, str) and res.startswith(("not a PDF", "truncated or damaged")), (row["file"], res)
            else:
                assert isinstance(res, (PdfInfo, str)), row["file"]
    # most damaged files are repaired and read (PDFium, else qpdf's reconstruction)
    damaged = [r["file"] for r in rows if r["kind"] in ("broken-xref", "qpdf-warnings", "bad-stream")]
    read = [f for f in damaged if isinstance(outcomes[f], PdfInfo)]
    assert len(read) >= len(damaged) - 3, {f: outcomes[f] for f in damaged}


def test_password_given_in_the_manifest_is_not_guessed():
    for row in _manifest():
        if row["kind"] == "encrypted-password-required":
            with pytest.raises(PdfError, match="needs a password"):
                read_pdf(corpus("pdf-hostile", row["file"]), isolate=False)


@pytest.fixture
def real(tmp_path):
    need_pdflatex()
    return article(tmp_path, "real", body_pages=3)


@pytest.mark.latex
def test_truncated_copies(real, tmp_path):
    for frac in (0.1, 0.5, 0.9, 0.99):
        p = pdfs.truncated(real, tmp_path / f"t{frac}.pdf", frac)
        try:
            info = read_pdf(p)
        except PdfError as exc:
            assert _one_line(exc).startswith("truncated or damaged")
        else:                       # qpdf rebuilt what is there: what it gives is right
            assert info.doi in ("", DOI)


@pytest.mark.latex
def test_encrypted_copies(real, tmp_path):
    locked = pdfs.encrypted(real, tmp_path / "locked.pdf", user="secret")
    with pytest.raises(PdfError, match="^encrypted: needs a password$"):
        read_pdf(locked)
    with pytest.raises(PdfError, match="needs a password"):
        page_texts(locked)
    open_ = pdfs.encrypted(real, tmp_path / "owner.pdf", user="")
    info = read_pdf(open_)
    assert info.encrypted and info.doi == DOI and info.title == Article().title
    assert len(page_texts(open_)) == info.pages


@pytest.mark.latex
def test_junk_before_the_header_and_png_renamed(real, tmp_path):
    junk = pdfs.junk_before_header(real, tmp_path / "junk.pdf")
    assert is_pdf(junk)
    assert read_pdf(junk).doi == DOI
    png = pdfs.png_renamed(tmp_path / "figure.pdf")
    assert not is_pdf(png)
    for fn in (read_pdf, page_texts, first_page_png):
        with pytest.raises(PdfError, match=r"^not a PDF \(PNG image\)$"):
            fn(png)
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(PdfError, match=r"^not a PDF \(empty file\)$"):
        read_pdf(tmp_path / "empty.pdf")
    with pytest.raises(PdfError, match="^is a folder"):
        read_pdf(tmp_path)


def test_made_to_be_slow(tmp_path):
    deep = pdfs.deep_nesting(tmp_path / "deep.pdf")
    tree = pdfs.huge_page_tree(tmp_path / "tree.pdf")
    for p in (deep, tree):
        try:
            info = read_pdf(p, timeout=20)
            assert info.doi == ""
        except PdfError as exc:
            _one_line(exc)
    with pytest.raises(PdfError, match=r"^too many pages \(200,000; 1,000-page limit for text\)$"):
        page_texts(tree)


@pytest.mark.latex
def test_time_limit_kills_the_child_and_the_next_file_comes_in(real, tmp_path):
    big = pdfs.book(tmp_path, 1000)
    with PdfWorker() as w:
        pid = w.proc.pid if w.proc else None
        t = time.monotonic()
        with pytest.raises(PdfError, match=r"^took over 0.01 s$"):
            page_texts(big, timeout=0.01, worker=w)
        assert time.monotonic() - t < 10
        assert not w.alive                       # killed, not left running
        assert read_pdf(real, worker=w).doi == DOI
        assert w.proc.pid != pid
    with pytest.raises(PdfError, match="too many pages"):
        page_texts(big, max_pages=999)


def test_memory_limit_stops_a_flate_bomb_and_the_caller_goes_on(tmp_path):
    bomb = pdfs.flate_bomb(tmp_path / "bomb.pdf", megabytes=600)
    with PdfWorker(mem_limit=300 * 2**20) as w:
        with pytest.raises(PdfError) as err:
            page_texts(bomb, worker=w)
        assert "300 MB" in _one_line(err.value)
        ok = pdfs.deep_nesting(tmp_path / "small.pdf", depth=10)
        assert read_pdf(ok, worker=w).pages == 1


@pytest.mark.latex
def test_files_vanishing_during_a_batch(real, tmp_path):
    import shutil
    files = []
    for i in range(30):
        files.append(tmp_path / f"copy{i}.pdf")
        shutil.copy(real, files[-1])
    results = []

    def delete_from_the_end():
        for f in reversed(files):
            f.unlink()
            time.sleep(0.002)

    thread = threading.Thread(target=delete_from_the_end)
    with PdfWorker() as w:
        thread.start()
        for f in files:
            try:
                results.append(read_pdf(f, worker=w))
            except PdfError as exc:
                results.append(_one_line(exc))
        thread.join()
    assert len(results) == 30
    assert all(isinstance(r, PdfInfo) and r.doi == DOI or isinstance(r, str) for r in results)
    assert any(isinstance(r, str) and r.startswith("file not found") for r in results)


def test_missing_file_and_size_limit(tmp_path):
    with pytest.raises(PdfError, match=r"^file not found"):
        read_pdf(tmp_path / "nope.pdf")
    p = pdfs.deep_nesting(tmp_path / "d.pdf", depth=10)
    with pytest.raises(PdfError, match=r"^too large"):
        read_pdf(p, max_bytes=100)


def test_a_named_pipe_does_not_block(tmp_path):
    import os
    fifo = tmp_path / "paper.pdf"
    os.mkfifo(fifo)
    assert not is_pdf(fifo)
    with pytest.raises(PdfError, match="^not a regular file$"):
        read_pdf(fifo)


def test_a_reader_that_cannot_start_is_one_line(tmp_path, monkeypatch):
    from amlref.pdf import isolate
    p = pdfs.deep_nesting(tmp_path / "ok.pdf", depth=3)
    monkeypatch.setattr(isolate.sys, "executable", "/bin/false")
    with PdfWorker() as w, pytest.raises(PdfError, match="^the PDF reader did not start$"):
        read_pdf(p, worker=w)
