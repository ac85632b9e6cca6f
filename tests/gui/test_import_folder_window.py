"""A folder dropped on the real window (offscreen; real QMimeData file URLs, real drag-enter and
drop events): the same import as ``amlref import FOLDER`` (services/folder_import.py), in the
worker, with its report; a folder that cannot be imported says why in one message and leaves
the library as it was.  The window is grabbed to a PNG after the drop."""
from __future__ import annotations

import os
import shutil

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.conftest import corpus
from tests.gui.conftest import drop, wait_job
from tests.pdfmake import article_pdf

ZOTERO_DOI = "10.1038/s41467-024-48400-3"
ZOTERO_TITLE = ("Cellular structure of dinosaur scales reveals retention of reptile-type skin "
                "during the evolutionary transition to feathers")


def file_mime(*paths):
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return md


@pytest.fixture
def offline(lib):
    lib.settings.set("pdf.offline", True)
    return lib


def folder(root):
    """A Zotero RIS export, a PDF of its first record, a PDF of nothing in it, notes, a hidden
    copy of the export and a backup (never read)."""
    (root / "pdfs").mkdir(parents=True)
    shutil.copyfile(corpus("ris", "vendor-dialects", "baseline_zotero.ris"), root / "refs.ris")
    shutil.copyfile(corpus("ris", "vendor-dialects", "baseline_scopus.ris"), root / ".old.ris")
    shutil.copyfile(corpus("ris", "vendor-dialects", "baseline_citavi.ris"), root / "refs.ris~")
    article_pdf(root / "pdfs" / "scales.pdf", doi=ZOTERO_DOI, title=ZOTERO_TITLE)
    article_pdf(root / "pdfs" / "nk.pdf", doi="",
                title="Natural killer cell engagers in relapsed acute myeloid leukaemia")
    (root / "notes.txt").write_text("Read PMID: 30867340 before Friday.\n", "utf-8")
    return root


def test_dropped_folder_imports_references_then_pdfs(qtbot, offline, make_window, tmp_path):
    root = folder(tmp_path / "refs")
    w = make_window(offline)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)
    started = []
    what, report = wait_job(qtbot, w, lambda: (drop(w, file_mime(root)),
                                               started.append(w.runner.busy)), timeout=90000)
    assert started == [True]               # in the worker: the drop returned at once
    assert what == "folder-import" and report.ok
    assert len(report.records.added) == 10
    assert sorted(o.status for o in report.pdfs.outcomes) == ["attached", "needs-metadata"]
    aid = offline.articles.find_id("doi", ZOTERO_DOI)
    assert len(offline.attachments.of(aid)) == 1
    assert offline.articles.count() == 11           # no copy of a hidden file or a backup
    kind, text = w.messages[-1]
    assert kind == "info" and text.startswith("Import finished: 10 added, 0 merged, 0 skipped")
    assert "PDFs: 1 attached to existing articles" in text and "1 other file skipped" in text
    qtbot.waitUntil(lambda: w.model.rowCount() == 11, timeout=10000)
    out = os.environ.get("AMLREF_FOLDER_DROP_PNG") or str(tmp_path / "after-drop.png")
    assert w.grab().save(out) and os.path.getsize(out) > 10000
    (box,) = [b for b in QApplication.topLevelWidgets()
              if isinstance(b, QMessageBox) and b.isVisible()]
    assert box.text() == text
    details = box.detailedText().splitlines()
    assert details[0].startswith(f"{root}: 1 bibliography file, 2 PDFs, 1 other file skipped")
    assert f"skipped {root / 'notes.txt'}: looks a little like PubMed page text" in details[1]
    assert f"{root / 'refs.ris'}: 10 records as ris" in details
    assert box.grab().save(out[:-4] + "-message.png")


def test_dropped_folder_with_an_unreadable_file_changes_nothing(qtbot, offline, make_window,
                                                                tmp_path):
    root = folder(tmp_path / "refs")
    xml = corpus("pubmed", "metapub-pmid-xml", "24349601.xml").read_text("utf-8")
    (root / "broken.xml").write_text(xml[:len(xml) // 2], "utf-8")     # cut half-way
    w = make_window(offline)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)
    what, message = wait_job(qtbot, w, lambda: drop(w, file_mime(root)), timeout=60000)
    assert what == "error" and f"{root / 'broken.xml'}:" in message
    kind, text = w.messages[-1]
    assert kind == "error" and text.startswith("Import failed:") and "\n" not in text
    assert offline.articles.count() == 0 and offline.attachments.all() == []


def test_dropped_folder_with_nothing_readable_says_so(qtbot, offline, make_window, tmp_path):
    root = tmp_path / "photos"
    root.mkdir()
    (root / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    w = make_window(offline)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)
    what, message = wait_job(qtbot, w, lambda: drop(w, file_mime(root)), timeout=30000)
    assert what == "error" and message.startswith(f"{root}: no bibliography files or PDFs")
    assert offline.articles.count() == 0


def test_bibliography_and_its_pdf_dropped_together_are_one_import(qtbot, offline, make_window,
                                                                  tmp_path):
    ris = tmp_path / "refs.ris"
    shutil.copyfile(corpus("ris", "vendor-dialects", "baseline_zotero.ris"), ris)
    pdf = article_pdf(tmp_path / "scales.pdf", doi=ZOTERO_DOI, title=ZOTERO_TITLE)
    w = make_window(offline)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)
    what, report = wait_job(qtbot, w, lambda: drop(w, file_mime(pdf, ris)), timeout=60000)
    assert what == "folder-import"
    assert [o.status for o in report.pdfs.outcomes] == ["attached"]
    assert offline.articles.count() == 10


def test_cancel_while_the_references_come_in_leaves_nothing(qtbot, offline, make_window,
                                                            tmp_path, monkeypatch):
    import threading
    from amlref.services import import_place, importing
    root = folder(tmp_path / "refs")
    w = make_window(offline)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)
    inside, go_on = threading.Event(), threading.Event()
    real = import_place.place

    def place(*args, **kw):          # the first record waits, inside the transaction, for the
        inside.set()                 # Cancel button
        go_on.wait(20)
        return real(*args, **kw)
    monkeypatch.setattr(importing, "place", place)

    def drop_and_cancel():
        drop(w, file_mime(root))
        qtbot.waitUntil(inside.is_set, timeout=20000)
        for job in w.runner.jobs:        # the Cancel button of the progress dialog does this
            job.cancel.cancel()
        go_on.set()
    what, message = wait_job(qtbot, w, drop_and_cancel, timeout=60000)
    assert (what, message) == ("error", "cancelled: nothing was changed")
    assert offline.articles.count() == 0 and offline.attachments.all() == []


def test_open_with_amlref_on_a_folder_imports_it(qtbot, offline, make_window, tmp_path):
    """``amlref gui FOLDER`` / a file manager's "Open with AMLRef" on a folder."""
    from amlref.gui.open_files import open_files
    root = folder(tmp_path / "refs")
    w = make_window(offline)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)
    with qtbot.waitSignal(w.job_finished, timeout=60000) as blocker:
        assert open_files(w, [str(root)]) == "import-folder"
    what, report = blocker.args
    assert what == "folder-import" and offline.articles.count() == 11


def test_file_menu_imports_a_folder_the_user_picks(qtbot, offline, make_window, tmp_path,
                                                   monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    root = folder(tmp_path / "refs")
    w = make_window(offline)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(root))
    (menu,) = [a.menu() for a in w.menuBar().actions() if a.text() == "&File"]
    (act,) = [a for a in menu.actions() if a.text() == "Import a f&older…"]
    assert act.shortcut().toString() == "Ctrl+Shift+I"
    what, report = wait_job(qtbot, w, act.trigger, timeout=60000)
    assert what == "folder-import" and offline.articles.count() == 11
