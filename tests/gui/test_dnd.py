"""Drag and drop in (files of the real corpora, DOI text, PubMed page text, drops on category
and tag nodes) and drag / copy out (\\cite, BibTeX, .bib file, formatted reference)."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QMimeData, QUrl

from amlref.gui.mime import BIBTEX_MIME, IDS_MIME
from amlref.services.importing import parse_data, read_input
from tests.conftest import corpus
from tests.gui.conftest import drop, wait_job


def file_mime(*paths):
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return md


def text_mime(text):
    md = QMimeData()
    md.setText(text)
    return md


def records_in(path):
    data, _ = read_input(str(path))
    return len(parse_data(data, str(path)).articles)


def test_drop_real_files_imports_them_with_a_report(qtbot, window, lib):
    ris = corpus("ris", "asreview-demo-data", "embase.ris")
    nbib = corpus("pubmed", "nbib-holub008", "single.nbib")
    expected = records_in(ris) + records_in(nbib)
    assert expected > 2
    what, report = wait_job(qtbot, window, lambda: drop(window, file_mime(ris, nbib)))
    assert what == "import"
    assert len(report.added) + len(report.merged) + len(report.unchanged) == expected
    assert {f["format"] for f in report.files} == {"ris", "medline"}
    assert lib.articles.count() == len(report.added)
    assert window.model.rowCount() == lib.articles.count()
    kind, text = window.messages[-1]
    assert text.startswith("Import finished:") and f"{len(report.added)} added" in text
    # the new articles are selected
    assert set(window.selected_ids()) <= set(report.added)
    assert window.selected_ids()


def test_drop_enter_is_accepted_for_files_and_text(window, tmp_path):
    ok_enter, _ = drop(window, text_mime(""))  # empty text: accepted but does nothing
    assert ok_enter


def test_drop_a_file_with_broken_records_reports_them(qtbot, window, lib):
    path = corpus("ris", "asreview-demo-data", "faulty_year.ris")
    what, report = wait_job(qtbot, window, lambda: drop(window, file_mime(path)))
    assert what == "import"
    assert lib.articles.count() == len(report.added) > 0


@pytest.mark.slow
def test_cancel_in_the_progress_dialog_changes_nothing(qtbot, window, lib):
    from PySide6.QtWidgets import QPushButton
    big = corpus("large", "tugboat.bib")
    with qtbot.waitSignal(window.job_finished, timeout=60000) as blocker:
        drop(window, file_mime(big))
        job = window.runner.jobs[0]
        job.dialog.findChild(QPushButton).click()     # the dialog's Cancel button
    assert job.cancel.cancelled
    assert blocker.args[0] == "error" and "cancelled" in blocker.args[1]
    qtbot.waitUntil(lambda: not window.runner.busy)
    assert lib.articles.count() == 0
    assert "nothing was changed" in window.messages[-1][1]


def test_drop_doi_text_of_a_known_article_selects_it(qtbot, demo_window, demo_lib):
    w = demo_window
    target = demo_lib.articles.find("10.1186/s13287-021-02420-8").id
    assert w.handle_mime(None, text_mime("https://doi.org/10.1186/S13287-021-02420-8")) \
        == "add-identifiers"
    assert w.current_id() == target
    drop(w, text_mime("PMID: 39697225"))
    assert w.current_id() == demo_lib.articles.find("39697225").id


def test_drop_new_doi_goes_to_online_add(qtbot, demo_window, demo_lib, monkeypatch):
    import amlref.services.online as online
    from amlref.services.importing import import_text
    calls = []

    def fake_add(lib, identifiers, tags=(), progress=None, cancel=None):
        calls.append((list(identifiers), list(tags)))
        return import_text(lib, '[{"id": "New2023", "type": "article-journal", "title": '
                                '"Fetched by DOI", "DOI": "10.1200/JCO.22.02345"}]', fmt="csljson")
    monkeypatch.setattr(online, "add_identifiers", fake_add)
    w = demo_window
    what, report = wait_job(qtbot, w, lambda: drop(
        w, text_mime("https://doi.org/10.1200/JCO.22.02345\nhttps://pubmed.ncbi.nlm.nih.gov/39697225/")))
    assert calls == [(["10.1200/jco.22.02345"], [])]      # the known PMID is not looked up
    new = demo_lib.articles.find("10.1200/jco.22.02345")
    assert report.added == [new.id] and w.current_id() == new.id


def test_drop_pubmed_page_text_imports_the_article(qtbot, window, lib):
    page = corpus("seed", "pubmed-page-39697225.txt").read_text(encoding="utf-8")
    from amlref.plugins.registry import registry
    if "pubmed-page" not in registry.importers():
        pytest.skip("PubMed page importer not available")
    what, report = wait_job(qtbot, window, lambda: drop(window, text_mime(page)))
    assert what == "import"
    a = lib.articles.find("39697225")
    assert a.doi == "10.3389/fonc.2024.1374963" and a.id in report.added
    assert a.id in window.selected_ids()


def test_paste_bibtex_text_imports_it(qtbot, window, lib):
    from PySide6.QtGui import QGuiApplication
    QGuiApplication.clipboard().setText(
        "@article{Daver2019,\n  author = {Daver, Naval and Garcia-Manero, Guillermo},\n"
        "  title = {Efficacy of azacitidine and nivolumab in AML},\n  journal = {Cancer Discov},\n"
        "  year = {2019},\n  doi = {10.1158/2159-8290.CD-18-1774}\n}\n")
    what, report = wait_job(qtbot, window, window.paste)
    assert what == "import" and len(report.added) == 1
    assert lib.articles.get(report.added[0]).doi == "10.1158/2159-8290.cd-18-1774"


def test_drop_files_on_a_tag_node_tags_the_imported_articles(qtbot, demo_window, demo_lib):
    w = demo_window
    nbib = corpus("pubmed", "nbib-holub008", "single.nbib")
    from amlref.gui.sidebar import NODE
    item = [it for it in w.sidebar.items() if it.data(0, NODE) == ("tag", "to-read")][0]
    pos = w.sidebar.visualItemRect(item).center()
    what, report = wait_job(qtbot, w, lambda: drop(w.sidebar.viewport(), file_mime(nbib), pos))
    assert report.added
    for aid in report.added:
        assert "to-read" in demo_lib.tags.of(aid)


def test_drop_articles_on_category_and_tag_nodes_assigns_them(qtbot, demo_window, demo_lib):
    from amlref.gui.sidebar import NODE
    w = demo_window
    ids = w.model.ids[:3]
    md = w.model.mimeData([w.model.index(w.model.row_of(i), 0) for i in ids])
    cat = [it for it in w.sidebar.items() if it.data(0, NODE) == ("category", "vaccines")][0]
    drop(w.sidebar.viewport(), md, w.sidebar.visualItemRect(cat).center())
    assert set(ids) <= set(demo_lib.categories.ids_in(["vaccines"]))
    assert all(r["source"] == "user" for i in ids for r in demo_lib.categories.of(i)
               if r["slug"] == "vaccines")
    cat = [it for it in w.sidebar.items() if it.data(0, NODE) == ("category", "vaccines")][0]
    assert cat.text(1) == str(len(demo_lib.categories.ids_in(["vaccines"]))) and int(cat.text(1)) >= 3
    tag = [it for it in w.sidebar.items() if it.data(0, NODE) == ("tag", "guidelines")][0]
    drop(w.sidebar.viewport(), md, w.sidebar.visualItemRect(tag).center())
    assert set(ids) <= set(demo_lib.tags.ids_with("guidelines"))
    w.undo_stack.undo()
    assert not set(ids) & (set(demo_lib.tags.ids_with("guidelines")) - {
        demo_lib.articles.find("10.1182/blood-2009-07-235358").id})


def test_drag_out_mime_holds_cite_bibtex_bib_file_and_reference(demo_window, demo_lib):
    w = demo_window
    ids = [demo_lib.articles.find("39697225").id, demo_lib.articles.find("34412685").id]
    md = w.model.mimeData([w.model.index(w.model.row_of(i), 2) for i in ids])
    keys = [demo_lib.articles.get(i).citekey for i in ids]
    keys_in_table_order = [demo_lib.articles.get(i).citekey
                           for i in sorted(ids, key=w.model.row_of)]
    assert md.text() == "\\cite{" + ",".join(keys_in_table_order) + "}"
    bib = bytes(md.data(BIBTEX_MIME)).decode("utf-8")
    for k in keys:
        assert f"{{{k}," in bib
    assert "10.3389/fonc.2024.1374963" in bib and bib.lstrip().startswith("@")
    urls = md.urls()
    assert len(urls) == 1 and urls[0].isLocalFile() and urls[0].toLocalFile().endswith(".bib")
    with open(urls[0].toLocalFile(), encoding="utf-8") as fh:
        assert fh.read() == bib
    html = md.html()
    # the references in the default CSL style (Vancouver/NLM: journal not in italics)
    assert "Front Oncol. 2024" in html and "Updates in novel immunotherapeutic" in html
    assert sorted(int(x) for x in bytes(md.data(IDS_MIME)).decode().split(",")) == sorted(ids)


def test_drag_out_bibtex_is_read_back_by_the_importer(demo_window, demo_lib):
    from amlref.plugins.registry import registry
    w = demo_window
    md = w.model.mimeData([w.model.index(r, 0) for r in range(w.model.rowCount())])
    bib = bytes(md.data(BIBTEX_MIME)).decode("utf-8")
    if "bibtex" not in registry.importers():
        pytest.skip("BibTeX importer not available")
    back = parse_data(bib.encode(), "drag.bib")
    assert sorted(a.doi for a in back.articles if a.doi) == sorted(
        a.doi for a in demo_lib.articles.iter_all() if a.doi)


def test_copy_puts_several_formats_on_the_clipboard(demo_window, demo_lib):
    from PySide6.QtGui import QGuiApplication
    w = demo_window
    w.select_ids([demo_lib.articles.find("39697225").id])
    w.act_copy.trigger()
    md = QGuiApplication.clipboard().mimeData()
    assert md.text() == "\\cite{Bawek2024}"
    assert "@" in bytes(md.data(BIBTEX_MIME)).decode() and "Bawek2024" in bytes(md.data(BIBTEX_MIME)).decode()
    assert "Bawek S, Gurusinghe S, Burwinkel M, Przespolewski A." in md.html()


def test_import_that_merges_into_the_shown_article_refreshes_the_detail_pane(qtbot, demo_window,
                                                                            demo_lib):
    w = demo_window
    seed = demo_lib.articles.find("39697225").id
    w.jump_to(seed)
    qtbot.waitUntil(lambda: w.current_id() == seed)
    assert w.detail.edits["issue"].text() == ""
    text = '[{"id": "dup", "type": "article-journal", "title": "Updates in novel ' \
           'immunotherapeutic strategies for relapsed/refractory AML", "PMID": "39697225", ' \
           '"issue": "7"}]'
    what, report = wait_job(qtbot, w, lambda: w.handle_mime(None, text_mime(text)))
    assert report.merged and report.merged[0]["id"] == seed
    qtbot.waitUntil(lambda: w.detail.edits["issue"].text() == "7", timeout=5000)
    assert w.current_id() == seed
