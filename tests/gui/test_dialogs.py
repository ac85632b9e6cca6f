"""Dialogs and undoable actions: export, auto-export, add by identifier, merge duplicates,
preferences, delete to trash with undo, shortcuts, context menu."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from amlref.core.article import Article, Person
from tests.gui.conftest import wait_job, wait_view


def test_export_dialog_choices_and_export_of_the_view(qtbot, demo_window, demo_lib, tmp_path):
    from amlref.gui.dialogs import ExportDialog
    w = demo_window
    d = ExportDialog(w, 2, 10, [("vaccines", "Vaccines (1)")], "All articles")
    qtbot.addWidget(d)
    names = [d.format.itemData(i) for i in range(d.format.count())]
    assert {"bibtex", "biblatex", "ris", "csljson"} <= set(names)
    assert d.r_sel.isChecked()
    d.r_view.setChecked(True)
    d.format.setCurrentIndex(names.index("csljson"))
    d.path.setText(str(tmp_path / "out.json"))
    c = d.choice()
    assert c == {"scope": "view", "category": "vaccines", "format": "csljson",
                 "path": str(tmp_path / "out.json")}
    what, n = wait_job(qtbot, w, lambda: w.export_to(c["path"], c["format"],
                                                     w.export_ids(c["scope"])))
    assert what == "export" and n == 10
    items = json.loads((tmp_path / "out.json").read_text())
    assert sorted(i["id"] for i in items) == sorted(a.citekey for a in demo_lib.articles.iter_all())


@pytest.mark.parametrize("fmt,marker", [("bibtex", "@"), ("biblatex", "@"), ("ris", "TY  - ")])
def test_export_selection_in_each_format(qtbot, demo_window, demo_lib, tmp_path, fmt, marker):
    w = demo_window
    seed = demo_lib.articles.find("39697225").id
    w.select_ids([seed])
    out = tmp_path / f"sel.{fmt}"
    what, n = wait_job(qtbot, w, lambda: w.export_to(str(out), fmt, w.export_ids("selection")))
    assert n == 1
    text = out.read_text(encoding="utf-8")
    assert marker in text and "10.3389/fonc.2024.1374963" in text.lower()


def test_export_category_scope(demo_window, demo_lib):
    w = demo_window
    seed = demo_lib.articles.find("39697225").id
    demo_lib.categories.set_user(seed, "t-cell-engagers", True)
    assert w.export_ids("category", "t-cell-engagers") == [seed]


def test_auto_export_manager_adds_and_writes(qtbot, demo_window, demo_lib, tmp_path):
    from amlref.gui.dialogs import AutoExportDialog, auto_export_rows
    w = demo_window
    d = AutoExportDialog(w, demo_lib, {"tag": "seed"})
    qtbot.addWidget(d)
    out = tmp_path / "seed.json"
    d.add_export(str(out), "csljson", {"tag": "seed"})
    rows = auto_export_rows(demo_lib)
    assert [r["path"] for r in rows] == [str(out)]
    assert d.table.rowCount() == 1 and d.table.item(0, 0).text() == str(out)
    items = json.loads(out.read_text())
    assert [i["PMID"] for i in items] == ["39697225"]
    d.table.selectRow(0)
    d._remove()
    assert auto_export_rows(demo_lib) == [] and d.table.rowCount() == 0


def _export_all_as_csljson(qtbot, w, lib, tmp_path):
    """Bind the whole library to a CSL-JSON file through the dialog: (file, seed article id)."""
    from amlref.gui.dialogs import AutoExportDialog
    out = tmp_path / "all.json"
    d = AutoExportDialog(w, lib, {})
    qtbot.addWidget(d)
    d.add_export(str(out), "csljson", {})
    return out, lib.articles.find("39697225").id


def test_auto_export_is_rewritten_after_an_edit(qtbot, demo_window, demo_lib, tmp_path):
    w = demo_window
    out, seed = _export_all_as_csljson(qtbot, w, demo_lib, tmp_path)
    w.autoexport_timer.setInterval(10)
    with qtbot.waitSignal(w.job_finished, timeout=10000,
                          check_params_cb=lambda what, r: what == "auto-export"):
        w.edit_article(seed, {"volume": "99"})
    items = {i["id"]: i for i in json.loads(out.read_text())}
    assert items["Bawek2024"]["volume"] == "99"


def test_add_by_identifier_dialog_splits_input(qtbot, demo_window):
    from amlref.gui.dialogs import AddIdentifierDialog
    d = AddIdentifierDialog(demo_window, "10.1000/a, 39697225\nhttps://pubmed.ncbi.nlm.nih.gov/1/")
    qtbot.addWidget(d)
    assert d.identifiers() == ["10.1000/a", "39697225", "https://pubmed.ncbi.nlm.nih.gov/1/"]


def test_add_identifiers_without_online_service_is_a_message(qtbot, demo_window, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "amlref.services.online", None)
    demo_window.add_identifiers(["10.9999/not-here"])
    kind, text = demo_window.messages[-1]
    assert kind == "error" and "Online lookup is not available" in text


def make_duplicates(lib):
    a = Article(title="Magrolimab plus azacitidine in TP53-mutant AML", doi="10.1000/magro",
                container="Blood", issued="2023", authors=[Person("Daver", "N")])
    b = Article(title="Magrolimab plus azacitidine in TP53-mutant AML", doi="10.1000/magro",
                pmid="36000001", abstract="CD47 blockade.", container="Blood", issued="2023")
    return lib.articles.add_many([a, b])


def test_duplicates_node_and_merge_with_undo(qtbot, demo_window, demo_lib):
    w = demo_window
    a, b = make_duplicates(demo_lib)
    demo_lib.tags.add([b], "cd47")
    demo_lib.notes.add(b, "Phase 1b data")
    seed = demo_lib.articles.find("39697225").id
    demo_lib.citations.add(seed, b)
    w.refresh()
    wait_view(qtbot, w, lambda: w.sidebar.select_node(("duplicates", None)))
    assert sorted(w.model.ids) == sorted([a, b])
    from amlref.gui.dialogs import MergeDialog
    d = MergeDialog(w, demo_lib, [a, b])
    qtbot.addWidget(d)
    assert d.table.columnCount() == 2
    assert d.keep_id() == b            # the richer record is proposed
    d.keep_group.button(0).setChecked(True)
    assert d.keep_id() == a and d.other_ids() == [b]
    w.merge_group(a, [b])
    kept = demo_lib.articles.get(a)
    assert kept.pmid == "36000001" and kept.abstract == "CD47 blockade."
    assert "cd47" in demo_lib.tags.of(a)
    assert [t for _, t in demo_lib.notes.of(a)] == ["Phase 1b data"]
    assert a in [r["article_id"] for r in demo_lib.citations.references(seed)]
    assert demo_lib.articles.get(b).deleted_at is not None
    w.undo_stack.undo()
    assert demo_lib.articles.get(b).deleted_at is None
    kept = demo_lib.articles.get(a)
    assert kept.pmid == "" and kept.abstract == "" and "cd47" not in demo_lib.tags.of(a)
    assert [t for _, t in demo_lib.notes.of(b)] == ["Phase 1b data"] and not demo_lib.notes.of(a)
    refs = [r["article_id"] for r in demo_lib.citations.references(seed)]
    assert b in refs and a not in refs
    assert "merged_into" not in demo_lib.articles.get(b).extra
    w.undo_stack.redo()
    assert demo_lib.articles.get(b).deleted_at is not None


def test_not_duplicates_are_left_out(demo_window, demo_lib):
    from amlref.gui.queries import duplicate_groups
    a, b = make_duplicates(demo_lib)
    assert [a, b] in duplicate_groups(demo_lib)
    demo_lib.execute("INSERT INTO not_duplicates(a, b) VALUES (?, ?)", (a, b))
    assert [a, b] not in duplicate_groups(demo_lib)


def test_preferences_store_formula_email_key_and_location(qtbot, demo_window, demo_lib, qsettings,
                                                          tmp_path):
    from amlref.gui.dialogs import PreferencesDialog
    d = PreferencesDialog(demo_window, demo_lib, qsettings)
    qtbot.addWidget(d)
    d.formula.setText("[auth][year]")
    d.email.setText("me@example.org")
    d.api_key.setText("abc123")
    d.library.setText(str(tmp_path / "other.sqlite"))
    assert d.save() is True
    assert demo_lib.settings.get("citekey_formula") == "[auth][year]"
    assert demo_lib.settings.get("online.email") == "me@example.org"
    assert demo_lib.settings.get("online.ncbi_api_key") == "abc123"
    assert qsettings.value("library_path") == str(tmp_path / "other.sqlite")
    new = demo_lib.articles.add(Article(title="Sabatolimab", issued="2022",
                                        authors=[Person("Zeidan", "A")]))
    assert demo_lib.articles.get(new).citekey.lower().startswith("zeidan2022")


def test_delete_goes_to_trash_and_undo_restores(qtbot, demo_window, demo_lib):
    w = demo_window
    seed = demo_lib.articles.find("39697225").id
    w.select_ids([seed])
    with qtbot.waitSignal(w.view_loaded, timeout=5000):
        w.act_delete.trigger()
    assert demo_lib.articles.get(seed).deleted_at is not None
    assert seed not in w.model.ids
    trash = [it for it in w.sidebar.items() if it.text(0) == "Trash"][0]
    assert trash.text(1) == "1"
    with qtbot.waitSignal(w.view_loaded, timeout=5000):
        w.act_undo.trigger()
    assert demo_lib.articles.get(seed).deleted_at is None
    assert seed in w.model.ids


def test_restore_from_trash_view(qtbot, demo_window, demo_lib):
    w = demo_window
    seed = demo_lib.articles.find("39697225").id
    demo_lib.articles.trash([seed])
    wait_view(qtbot, w, lambda: w.sidebar.select_node(("trash", None)))
    assert w.model.ids == [seed]
    w.select_ids([seed])
    with qtbot.waitSignal(w.view_loaded, timeout=5000):
        w.act_delete.trigger()          # Delete in the trash = restore
    assert demo_lib.articles.get(seed).deleted_at is None


def test_shortcuts_for_common_actions(demo_window):
    w = demo_window
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in w.actions()}
    assert shortcuts["Import files…"] == "Ctrl+I"
    assert shortcuts["Export…"] == "Ctrl+E"
    assert shortcuts["Add by identifier…"] == "Ctrl+N"
    assert shortcuts["Tag selected…"] == "Ctrl+T"
    assert shortcuts["Merge duplicates…"] == "Ctrl+M"
    assert shortcuts["Find"] == "Ctrl+F"
    assert w.act_undo.shortcut().toString() == "Ctrl+Z"
    assert w.act_delete.shortcut().toString() == "Del"


def test_ctrl_f_focuses_search_and_ctrl_c_copies(qtbot, demo_window, demo_lib):
    from PySide6.QtGui import QGuiApplication
    w = demo_window
    w.activateWindow()
    w.table.setFocus()
    w.select_ids([demo_lib.articles.find("39697225").id])
    qtbot.keyClick(w.table, Qt.Key_C, Qt.ControlModifier)
    assert QGuiApplication.clipboard().text() == "\\cite{Bawek2024}"


def test_tagging_several_articles_is_one_undo_step(qtbot, demo_window, demo_lib):
    w = demo_window
    ids = w.model.ids[:4]
    w.tag(ids, "phase-1")
    assert sorted(demo_lib.tags.ids_with("phase-1")) == sorted(ids)
    w.undo_stack.undo()
    assert demo_lib.tags.ids_with("phase-1") == []


def test_save_search_appears_in_sidebar(qtbot, demo_window, demo_lib, monkeypatch):
    from PySide6.QtWidgets import QInputDialog
    w = demo_window
    wait_view(qtbot, w, lambda: w.search.setText("relapsed"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("R/R", True))
    w.save_search()
    assert demo_lib.searches.get("R/R")["query"] == "relapsed"
    wait_view(qtbot, w, lambda: w.search.clear())
    wait_view(qtbot, w, lambda: w.sidebar.select_node(("search", "R/R")))
    assert sorted(w.model.ids) == sorted(demo_lib.articles.search("relapsed", limit=None))


def test_pending_auto_export_is_written_when_the_window_closes(qtbot, demo_window, demo_lib,
                                                               tmp_path):
    w = demo_window
    out, seed = _export_all_as_csljson(qtbot, w, demo_lib, tmp_path)
    w.autoexport_timer.setInterval(60000)      # the user quits before the idle delay
    w.edit_article(seed, {"volume": "77"})
    assert w.autoexport_timer.isActive()
    w.close()
    assert not w.autoexport_timer.isActive()
    items = {i["id"]: i for i in json.loads(out.read_text())}
    assert items["Bawek2024"]["volume"] == "77"
