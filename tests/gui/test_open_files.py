"""``amlref FILE...`` / "Open with AMLRef": the files are imported by the window as if
dropped (real corpus files, a real window offscreen)."""
from support import corpus


def test_open_files_imports_them(make_window, lib, qtbot):
    from amlref.gui.open_files import open_files
    w = make_window(lib)
    ris = corpus("ris", "rispy-tests", "example_basic.ris")
    nbib = corpus("pubmed", "nbib-holub008", "single.nbib")
    assert open_files(w, [str(ris), str(nbib)]) == "import-files"
    qtbot.waitUntil(lambda: not w.runner.busy and lib.articles.count() >= 2, timeout=20000)
    origins = {r[0] for r in lib.execute("SELECT origin FROM articles")}
    assert len(origins) >= 2, origins


def test_missing_file_is_one_message_and_the_rest_is_imported(make_window, lib, qtbot, tmp_path):
    from amlref.gui.open_files import open_files
    w = make_window(lib)
    ris = corpus("ris", "rispy-tests", "example_basic.ris")
    open_files(w, [str(tmp_path / "gone.bib"), str(ris)])
    kind, text = w.messages[0]
    assert kind == "error" and text == f"{tmp_path / 'gone.bib'}: no such file"
    qtbot.waitUntil(lambda: not w.runner.busy and lib.articles.count() >= 1, timeout=20000)


def test_file_open_event_imports_the_file(make_window, lib, qtbot, qapp):
    """What macOS sends when a file is opened from Finder with AMLRef."""
    from PySide6.QtGui import QFileOpenEvent
    from amlref.gui.open_files import install_file_open_handler
    w = make_window(lib)
    handler = install_file_open_handler(qapp, w)
    try:
        nbib = corpus("pubmed", "nbib-holub008", "single.nbib")
        assert qapp.sendEvent(qapp, QFileOpenEvent(str(nbib)))
        qtbot.waitUntil(lambda: not w.runner.busy and lib.articles.count() == 1, timeout=20000)
    finally:
        qapp.removeEventFilter(handler)
