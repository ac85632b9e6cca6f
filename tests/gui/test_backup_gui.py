"""File > Back up… / Restore… in a real window (offscreen) on a real library."""
import sqlite3

from PySide6.QtWidgets import QFileDialog, QMessageBox

from amlref.core.article import Article, ParseResult, Person
from amlref.gui import backup_actions
from amlref.services.importing import import_results
from amlref.storage import schema
from amlref.storage.backup import listing


def imp(lib, *titles):
    arts = [Article(title=t, authors=[Person(family="Daver", given="N")], issued="2021",
                    origin="ris", doi=f"10.1000/{i}.{len(t)}") for i, t in enumerate(titles)]
    return import_results(lib, [("f.ris", ParseResult(articles=arts, format="ris"))])


def menu_texts(window):
    file_menu = window.menuBar().actions()[0].menu()
    return [a.text() for a in file_menu.actions()]


def test_back_up_and_restore_from_the_file_menu(make_window, lib, lib_path, tmp_path, qtbot,
                                                monkeypatch):
    imp(lib, "Magrolimab with azacitidine in TP53-mutant AML", "Sabatolimab in MDS")
    w = make_window(lib)
    assert "&Back up library…" in menu_texts(w) and "&Restore library…" in menu_texts(w)
    files = lib_path.parent / "library.files"
    files.mkdir()
    (files / "a.pdf").write_bytes(b"%PDF-1.4\n")
    copy = tmp_path / "copy.sqlite"
    assert backup_actions.back_up(w, str(copy), with_files=True)["files"] == 1
    assert (tmp_path / "copy.files" / "a.pdf").is_file()

    imp(lib, "Flotetuzumab in primary induction failure")
    w.refresh()
    qtbot.waitUntil(lambda: w.model.rowCount() == 3, timeout=5000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(copy), ""))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.Yes)
    (files / "a.pdf").unlink()
    act = next(a for a in w.menuBar().actions()[0].menu().actions()
               if a.text() == "&Restore library…")
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=10000)
    act.trigger()
    qtbot.waitUntil(lambda: w.model.rowCount() == 2, timeout=5000)
    assert lib.articles.count() == 2
    assert (files / "a.pdf").is_file()                    # the check box was on
    assert [b["reason"] for b in listing(lib_path)][-1] == "before-restore"
    kind, text = w.messages[-1]
    assert kind == "info" and str(copy) in text and "library.backups" in text


def test_newer_backup_refused_with_a_message(make_window, lib, tmp_path, qtbot):
    imp(lib, "Cusatuzumab with azacitidine")
    w = make_window(lib)
    copy = tmp_path / "newer.sqlite"
    backup_actions.back_up(w, str(copy), with_files=False)
    c = sqlite3.connect(copy)
    c.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    c.commit()
    c.close()
    imp(lib, "Another article")
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=10000)   # (the startup indexing job)
    assert backup_actions.restore(w, str(copy), with_files=False) is None
    kind, text = w.messages[-1]
    assert kind == "error" and "newer AMLRef" in text and str(copy) in text
    assert lib.articles.count() == 2


def test_restore_waits_for_running_work(make_window, lib, tmp_path, qtbot):
    imp(lib, "Venetoclax with azacitidine")
    w = make_window(lib)
    copy = tmp_path / "c.sqlite"
    backup_actions.back_up(w, str(copy), with_files=False)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=10000)
    import threading
    gate = threading.Event()
    w.runner.start(lambda lib, progress, cancel: gate.wait(10), "Waiting", lambda r: None,
                   lambda m: None, parent=w)
    try:
        assert backup_actions.restore(w, str(copy), with_files=False) is None
        assert "Wait until" in w.messages[-1][1]
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=10000)


def test_back_up_dialog_writes_the_chosen_file(make_window, lib, lib_path, tmp_path,
                                               monkeypatch):
    imp(lib, "Gemtuzumab ozogamicin in favourable-risk AML")
    w = make_window(lib)
    dest = tmp_path / "chosen.sqlite"
    seen = {}

    def fake_exec(dlg):
        seen["start"] = dlg.selectedFiles()[0] if dlg.selectedFiles() else ""
        from PySide6.QtWidgets import QCheckBox
        boxes = dlg.findChildren(QCheckBox)
        seen["boxes"] = [b.text() for b in boxes]
        for b in boxes:
            b.setChecked(False)
        dlg.selectFile(str(dest))
        return 1
    monkeypatch.setattr(QFileDialog, "exec", fake_exec)
    backup_actions.back_up_dialog(w)
    assert any("attached files" in t for t in seen["boxes"])
    assert sqlite3.connect(dest).execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert not (tmp_path / "chosen.files").exists()          # the box was unticked
    assert w.messages[-1][0] == "info" and str(dest) in w.messages[-1][1]
