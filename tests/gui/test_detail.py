"""Detail pane: editable fields with undo, identifier links, categories with reasons (user
decisions stick), tags, notes, the Citations tab (jump, stubs, missing key papers)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.conftest import wait_view


def select(qtbot, w, lib, key):
    aid = lib.articles.find(key).id
    w.jump_to(aid)
    qtbot.waitUntil(lambda: w.current_id() == aid, timeout=5000)
    return aid


def test_edit_field_with_undo_and_redo(qtbot, demo_window, demo_lib):
    w = demo_window
    aid = select(qtbot, w, demo_lib, "39697225")
    e = w.detail.edits["volume"]
    e.setText("15")
    e.editingFinished.emit()
    a = demo_lib.articles.get(aid)
    assert a.volume == "15" and "volume" in a.user_edited
    e = w.detail.edits["authors"]
    e.setText("Bawek, Shannon; Gurusinghe, S.")
    e.editingFinished.emit()
    a = demo_lib.articles.get(aid)
    assert [p.family for p in a.authors] == ["Bawek", "Gurusinghe"]
    assert a.authors[0].given == "Shannon"
    w.undo_stack.undo()
    assert len(demo_lib.articles.get(aid).authors) == 4
    w.undo_stack.undo()
    a = demo_lib.articles.get(aid)
    assert a.volume == "14" and "volume" not in a.user_edited
    assert w.detail.edits["volume"].text() == "14"
    w.undo_stack.redo()
    assert demo_lib.articles.get(aid).volume == "15"
    # the table shows the edit too
    row = w.model.row_of(aid)
    w.detail.edits["title"].setText("An edited title")
    w.detail.edits["title"].editingFinished.emit()
    assert w.model.index(row, 2).data() == "An edited title"


def test_abstract_edit(qtbot, demo_window, demo_lib):
    w = demo_window
    aid = select(qtbot, w, demo_lib, "40443513")
    w.detail.abstract.setPlainText("A new abstract about persister cells.")
    w.detail._save_abstract()
    assert demo_lib.articles.get(aid).abstract.startswith("A new abstract")
    assert demo_lib.articles.search("persister", limit=None) == [aid]
    w.undo_stack.undo()
    assert demo_lib.articles.get(aid).abstract == ""


def test_duplicate_citekey_is_refused_with_a_message(qtbot, demo_window, demo_lib):
    w = demo_window
    aid = select(qtbot, w, demo_lib, "39697225")
    w.detail.edits["citekey"].setText("Dohner2010")
    w.detail.edits["citekey"].editingFinished.emit()
    assert demo_lib.articles.get(aid).citekey == "Bawek2024"
    assert w.messages and w.messages[-1][0] == "error" and "already used" in w.messages[-1][1]


def test_identifiers_are_links_that_open_the_browser(qtbot, demo_window, demo_lib, monkeypatch):
    from PySide6.QtGui import QDesktopServices
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    w = demo_window
    select(qtbot, w, demo_lib, "39697225")
    html = w.detail.ids_label.text()
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/39697225/"' in html
    assert 'href="https://doi.org/10.3389/fonc.2024.1374963"' in html
    w.detail.ids_label.linkActivated.emit("https://pubmed.ncbi.nlm.nih.gov/39697225/")
    assert opened == ["https://pubmed.ncbi.nlm.nih.gov/39697225/"]


def test_categories_show_reasons_and_user_removal_sticks(qtbot, demo_window, demo_lib):
    from amlref.services.classify import classify_ids
    w = demo_window
    aid = select(qtbot, w, demo_lib, "39697225")
    demo_lib.categories.set_auto(aid, [("vaccines", "category",
                                        [{"rule": "drug", "field": "abstract", "words": ["vaccine"]}])])
    w.detail.show_article(demo_lib, aid)
    from amlref.gui.detail import ITEM
    items = {w.detail.categories.topLevelItem(i).data(0, ITEM)[0]: w.detail.categories.topLevelItem(i)
             for i in range(w.detail.categories.topLevelItemCount())}
    assert items["vaccines"].text(0) == "Vaccines"       # the taxonomy's label, slug as tooltip
    assert "vaccine (abstract)" in items["vaccines"].text(2)
    items["vaccines"].setCheckState(0, Qt.Unchecked)      # the user removes it
    row = [r for r in demo_lib.categories.of(aid, include_removed=True) if r["slug"] == "vaccines"][0]
    assert row["source"] == "user" and row["state"] == 0
    classify_ids(demo_lib, [aid])                          # re-classification keeps the choice
    assert "vaccines" not in [r["slug"] for r in demo_lib.categories.of(aid)]
    w.undo_stack.undo()
    assert "vaccines" in [r["slug"] for r in demo_lib.categories.of(aid)]
    # adding by hand
    w.detail.category_pick.setEditText("t-cell-engagers")
    w.detail._add_category()
    rows = {r["slug"]: r for r in demo_lib.categories.of(aid)}
    assert rows["t-cell-engagers"]["source"] == "user"
    texts = {it.text(0): it.text(1) for it in w.sidebar.items()}
    assert any(t.startswith("T-cell") and n == "1" for t, n in texts.items())


def test_tags_and_notes(qtbot, demo_window, demo_lib):
    w = demo_window
    aid = select(qtbot, w, demo_lib, "34412685")
    w.detail.tag_edit.setText("cellular")
    w.detail._add_tag()
    assert "cellular" in demo_lib.tags.of(aid)
    assert any(it.text(0) == "cellular" for it in w.sidebar.items())
    w.undo_stack.undo()
    assert "cellular" not in demo_lib.tags.of(aid)
    w.detail.notes.setPlainText("Check the CD123 CAR data.")
    w.detail._save_note()
    assert [t for _, t in demo_lib.notes.of(aid)] == ["Check the CD123 CAR data."]
    assert aid in demo_lib.articles.search("CD123", limit=None)


def test_citations_tab_lists_references_cited_by_similar_and_jumps(qtbot, demo_window, demo_lib):
    w = demo_window
    seed = select(qtbot, w, demo_lib, "39697225")
    t = w.detail.citations
    groups = {t.topLevelItem(i).text(0): t.topLevelItem(i) for i in range(t.topLevelItemCount())}
    assert "References (2)" in groups and "Cited by (in library) (3)" in groups
    assert "Similar (5)" in groups
    refs = groups["References (2)"]
    in_lib = refs.child(0)
    stub = refs.child(1)
    assert "Diagnosis and management" in in_lib.text(0) and in_lib.text(2) == "yes"
    assert "CIBMTR" in stub.text(0) and stub.text(2).startswith("no")
    # in-library entries jump to the article
    target = demo_lib.articles.find("10.1182/blood-2009-07-235358").id
    t.itemActivated.emit(in_lib, 0)
    assert w.current_id() == target
    # it even leaves a search that hides the target
    select(qtbot, w, demo_lib, "39697225")
    wait_view(qtbot, w, lambda: w.search.setText("Bawek"))
    assert w.model.ids == [seed]
    groups = {t.topLevelItem(i).text(0): t.topLevelItem(i) for i in range(t.topLevelItemCount())}
    cited_by = groups["Cited by (in library) (3)"].child(0)
    with qtbot.waitSignal(w.view_loaded, timeout=5000):
        t.itemActivated.emit(cited_by, 0)
    assert demo_lib.articles.get(w.current_id()).pmid == "40443513"
    assert w.search.text() == ""


def test_stub_without_identifier_says_how_to_add_it(qtbot, demo_window, demo_lib):
    w = demo_window
    select(qtbot, w, demo_lib, "39697225")
    t = w.detail.citations
    stub = t.topLevelItem(0).child(1)
    t.itemActivated.emit(stub, 0)
    kind, text = w.messages[-1]
    assert kind == "error" and "no DOI, PMID or PMCID" in text and "CIBMTR" in text


def test_stub_with_identifier_is_added_online(qtbot, demo_window, demo_lib, monkeypatch):
    """A stub with a PMID goes to the online add service (faked here: no network in tests)."""
    import amlref.services.online as online
    from amlref.core.article import Reference
    from amlref.services.importing import import_text
    w = demo_window
    seed = select(qtbot, w, demo_lib, "39697225")
    demo_lib.citations.add(seed, Reference(pmid="19880497", title="ELN 2010 recommendations"))
    calls = []

    def fake_add(lib, identifiers, tags=(), progress=None, cancel=None):
        calls.append(list(identifiers))
        return import_text(lib, '[{"id": "x", "type": "article-journal", "title": "Fetched", '
                                '"PMID": "19880497"}]', fmt="csljson")
    monkeypatch.setattr(online, "add_identifiers", fake_add)
    w.detail.show_article(demo_lib, seed)
    refs = w.detail.citations.topLevelItem(0)
    stub = [refs.child(i) for i in range(refs.childCount()) if "19880497" in refs.child(i).text(0)][0]
    with qtbot.waitSignal(w.job_finished, timeout=10000):
        w.detail.citations.itemActivated.emit(stub, 0)
    assert calls == [["19880497"]]
    new = demo_lib.articles.find("19880497").id
    assert new in [r["article_id"] for r in demo_lib.citations.references(seed)]


def test_missing_key_papers_of_the_view(qtbot, demo_window, demo_lib):
    from amlref.core.article import Reference
    w = demo_window
    for pmid in ("40443513", "40566589"):
        demo_lib.citations.add(demo_lib.articles.find(pmid).id,
                               Reference(doi="10.1056/nejmoa1234567", title="A key trial"))
    w.show_missing_papers()
    t = w.detail.citations
    groups = [t.topLevelItem(i) for i in range(t.topLevelItemCount())]
    missing = [g for g in groups if g.text(0).startswith("Missing key papers")][0]
    texts = [missing.child(i).text(0) for i in range(missing.childCount())]
    assert any("A key trial" in x and "cited 2" in x for x in texts)
