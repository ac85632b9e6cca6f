"""PDFs dropped on the window (real QMimeData file URLs, real drag-enter/drop events), on an
article row (attach; Alt links instead of copying), folders with broken files; the files in
the detail pane (missing shown as missing, thumbnails, pages of search hits, drag out); the
"has PDF" column."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from amlref.core.article import Article
from amlref.gui.table_model import PDF_COLUMN
from tests.conftest import corpus
from tests.gui.conftest import drop, wait_job
from tests.pdfmake import article_pdf, latex_pdf


def file_mime(*paths):
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return md


def drop_with(widget, mime, pos, modifiers):
    enter = QDragEnterEvent(pos, Qt.CopyAction, mime, Qt.LeftButton, modifiers)
    QApplication.sendEvent(widget, enter)
    ev = QDropEvent(QPointF(pos), Qt.CopyAction, mime, Qt.LeftButton, modifiers)
    QApplication.sendEvent(widget, ev)


def row_pos(w, article_id):
    """Where an article's row is, in the window's coordinates."""
    row = w.model.row_of(article_id)
    rect = w.table.visualRect(w.model.index(row, 2))
    return w.table.viewport().mapTo(w, rect.center())


@pytest.fixture
def offline(lib):
    lib.settings.set("pdf.offline", True)
    return lib


@pytest.fixture
def paper(tmp_path):
    return article_pdf(tmp_path / "drop" / "car-t.pdf", doi="",
                       title="CD123 CAR T cells for relapsed acute myeloid leukemia",
                       body="\n\\newpage\nSecond page: the cohort received blinatumomab.\n")


def test_dropped_pdf_becomes_an_article_with_its_file(qtbot, offline, make_window, paper):
    w = make_window(offline)
    what, report = wait_job(qtbot, w, lambda: drop(w, file_mime(paper)), timeout=60000)
    assert what == "pdf-import" and report.summary().startswith(
        "0 attached to existing articles, 0 new with metadata, 1 needing metadata")
    (aid,) = offline.articles.ids()
    assert offline.tags.of(aid) == ["needs metadata"]
    (att,) = offline.attachments.of(aid)
    assert att.mode == "stored" and not offline.attachments.missing(att)
    assert att.text_state == "done"                         # full text indexed after the drop
    qtbot.waitUntil(lambda: w.model.rowCount() == 1)
    idx = w.model.index(0, PDF_COLUMN)
    assert w.model.data(idx, Qt.DecorationRole) is not None
    assert w.model.headerData(PDF_COLUMN, Qt.Horizontal) == "PDF"
    assert w.messages[-1][1].startswith("PDF import finished:")


def test_drop_on_a_row_attaches_and_alt_links(qtbot, offline, make_window, paper, tmp_path):
    a = offline.articles.add(Article(title="Row one", issued="2020"))
    b = offline.articles.add(Article(title="Row two", issued="2019"))
    w = make_window(offline)
    qtbot.waitUntil(lambda: w.model.rowCount() == 2)
    wait_job(qtbot, w, lambda: drop(w, file_mime(paper), row_pos(w, b)), timeout=60000)
    assert offline.articles.count() == 2
    assert [x.mode for x in offline.attachments.of(b)] == ["stored"]
    other = latex_pdf(tmp_path / "supp.pdf", title="Supplementary tables for row one")
    wait_job(qtbot, w, lambda: drop_with(w, file_mime(other), row_pos(w, a), Qt.AltModifier),
             timeout=60000)
    (att,) = offline.attachments.of(a)
    assert att.mode == "linked" and offline.attachments.resolve(att) == str(other)
    assert offline.articles.count() == 2


def test_folder_drop_reports_refusals_and_keeps_the_rest(qtbot, offline, make_window, paper,
                                                         tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    shutil.copy(paper, folder / "one.pdf")
    shutil.copy(corpus("pdf-hostile", "qpdf--enc-R2_V1_U_view_O_master.pdf"), folder / "enc.pdf")
    (folder / "image.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    w = make_window(offline)
    started = []
    what, report = wait_job(qtbot, w, lambda: (drop(w, file_mime(folder)),
                                               started.append(w.runner.busy)), timeout=60000)
    assert started == [True]          # the import runs in the worker; the drop returned at once
    assert what == "folder-import"    # (services/folder_import.py: its PDFs' report)
    report = report.pdfs
    assert (len(report.of("needs-metadata")), len(report.of("refused"))) == (1, 2)
    assert sorted(o.reason for o in report.of("refused")) == [
        "encrypted: needs a password", "not a PDF (PNG image)"]
    kind, text = w.messages[-1]
    assert kind == "error" and "2 refused" in text
    assert offline.articles.count() == 1


def test_detail_pane_files_missing_pages_and_drag_out(qtbot, lib, make_window, paper, tmp_path):
    from amlref.services.attachments import attach
    from amlref.services.indexing import catch_up
    aid = lib.articles.add(Article(title="With files"))
    attach(lib, aid, str(paper))
    gone = latex_pdf(tmp_path / "gone.pdf", title="A file that will be moved away")
    attach(lib, aid, str(gone), link=True)
    catch_up(lib)
    gone.unlink()
    w = make_window(lib)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)   # the start-up category check
    w.select_ids([aid])
    with qtbot.waitSignal(w.view_loaded, timeout=5000):
        w.search.setText("blinatumomab")           # found by the text of its PDF only
    assert w.model.ids == [aid] and w.current_id() == aid
    pane = w.detail.files
    assert pane.isVisible() and pane.list.count() == 2
    first, second = pane.list.item(0), pane.list.item(1)
    assert "words on page 2" in first.text()
    assert second.text().endswith("(missing)") and "1 missing" in pane.label.text()
    n_messages = len(w.messages)
    pane.open_item(second)                       # a missing file: said in the pane, no dialog
    assert pane.label.text().startswith("Missing:") and len(w.messages) == n_messages
    md = pane.list.mimeData([first, second])
    assert [u.toLocalFile() for u in md.urls()] == [lib.attachments.resolve(
        lib.attachments.of(aid)[0])]
    qtbot.waitUntil(lambda: not pane.list.item(0).icon().isNull(), timeout=30000)  # thumbnail
    pane.wait()


def test_preferences_files_settings(qtbot, lib):
    from amlref.core.errors import InputError
    from amlref.gui.dialogs import PreferencesDialog
    from PySide6.QtCore import QSettings
    d = PreferencesDialog(None, lib, QSettings())
    qtbot.addWidget(d)
    assert d.files.pattern.text() == "[citekey].pdf"
    d.files.pattern.setText("[year]/[auth]-[title].pdf")
    d.files.link.setChecked(True)
    d.files.offline.setChecked(True)
    d.files.folder.setText("~/papers")
    d.save()
    assert (lib.settings.get("files.pattern"), lib.settings.get("files.link"),
            lib.settings.get("pdf.offline"), lib.settings.get("files.folder")) == \
        ("[year]/[auth]-[title].pdf", True, True, "~/papers")
    d.files.pattern.setText("[nosuchtoken].pdf")
    with pytest.raises(InputError, match="nosuchtoken"):
        d.save()
    assert lib.settings.get("files.pattern") == "[year]/[auth]-[title].pdf"


def test_dropped_bib_attaches_the_files_its_records_link(qtbot, window, lib, tmp_path):
    pdf = tmp_path / "export" / "files" / "12" / "paper.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    bib = tmp_path / "export" / "zotero.bib"
    bib.write_text("@article{walter2021,\n  title = {Gemtuzumab ozogamicin},\n  author = {Walter, "
                   "Roland},\n  year = {2021},\n  file = {Full Text:files/12/paper.pdf:"
                   "application/pdf},\n}\n", "utf-8")
    wait_job(qtbot, window, lambda: drop(window, file_mime(bib)))
    (att,) = lib.attachments.of(lib.articles.find("walter2021").id)
    assert att.mode == "linked" and lib.attachments.resolve(att) == str(pdf)


def test_fetch_metadata_from_the_window(qtbot, httpserver, lib, make_window, tmp_path):
    from tests.test_pdf_import import FRET_DOI, FRET_TITLE
    from tests.test_sources_support import JSON, FakeApi, api_file, library_settings
    api = FakeApi(httpserver)
    library_settings(lib, api, tmp_path)
    api.route(f"/crossref/works/{FRET_DOI}",
              api_file("api", "crossref-habanero", "test_works_with_many_ids.03.json"), JSON)
    pdf = article_pdf(tmp_path / "fret.pdf", doi=FRET_DOI, title=FRET_TITLE,
                      header=f"SCIENTIFIC REPORTS | DOI: {FRET_DOI}")
    from amlref.services.pdf_import import import_pdfs
    (o,) = import_pdfs(lib, [str(pdf)], offline=True).outcomes
    assert o.status == "needs-metadata"
    w = make_window(lib)
    what, (done, failed) = wait_job(qtbot, w, lambda: w.fetch_metadata([o.article_id]),
                                    timeout=60000)
    assert what == "fetch-metadata" and done == [o.article_id] and failed == []
    a = lib.articles.get(o.article_id)
    assert a.container == "Scientific Reports" and lib.tags.of(a.id) == []


def test_cancel_a_folder_drop(qtbot, offline, make_window, paper, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(4):
        shutil.copy(paper, folder / f"{i}.pdf")
    w = make_window(offline)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)

    def drop_and_cancel():
        drop(w, file_mime(folder))
        for job in w.runner.jobs:        # the Cancel button of the progress dialog does this
            job.cancel.cancel()
    what, report = wait_job(qtbot, w, drop_and_cancel, timeout=60000)
    assert what == "folder-import"
    report = report.pdfs
    assert report.cancelled and len(report.outcomes) < 4
    # what came in before the cancel stays, and nothing else
    assert "(cancelled)" in w.messages[-1][1]
    assert offline.articles.count() == len(report.outcomes)
