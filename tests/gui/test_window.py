"""Main window: table model paging and sorting, sidebar, search as you type, settings, first
run, errors."""
from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt

from amlref.core.article import Article, Person
from tests.gui.conftest import wait_job, wait_view


def synthetic(n, start=0):
    words = ["venetoclax", "azacitidine", "magrolimab", "sabatolimab", "gemtuzumab", "flotetuzumab",
             "CAR-T", "CD123", "CD33", "vaccine", "STING", "relapse"]
    out = []
    for i in range(start, start + n):
        out.append(Article(title=f"{words[i % 12]} study {i} of {words[(i * 7) % 12]} in AML",
                           container=f"Journal {i % 17}", issued=str(1990 + i % 35),
                           authors=[Person(f"Author{i % 97:02d}", "A")]))
    return out


def test_table_holds_ids_and_fetches_pages_on_demand(make_window, lib):
    lib.articles.add_many(synthetic(1000))
    w = make_window(lib)
    m = w.model
    assert m.rowCount() == 1000
    assert len(m._pages) <= 2            # only what is visible was fetched
    before = m.fetches
    last = m.index(999, 2).data()
    assert "study" in last and m.fetches == before + 1
    art = lib.articles.get(m.id_at(999))
    assert last == art.title
    assert m.index(999, 1).data() == str(art.year)
    assert m.index(999, 0).data().startswith(art.authors[0].family)


def test_sort_by_column_uses_sql_order(qtbot, make_window, lib):
    lib.articles.add_many(synthetic(300))
    w = make_window(lib)
    title_col = 2
    wait_view(qtbot, w, lambda: w.table.sortByColumn(title_col, Qt.AscendingOrder))
    titles = [w.model.index(r, title_col).data() for r in range(w.model.rowCount())]
    from amlref.core.article import title_key
    assert [title_key(t) for t in titles] == sorted(title_key(t) for t in titles)
    wait_view(qtbot, w, lambda: w.table.sortByColumn(1, Qt.DescendingOrder))
    years = [int(w.model.index(r, 1).data()) for r in range(w.model.rowCount())]
    assert years == sorted(years, reverse=True)


def test_multi_select(qtbot, demo_window):
    w = demo_window
    w.table.selectAll()
    assert sorted(w.selected_ids()) == sorted(w.model.ids)
    assert len(w.selected_ids()) == 10


def test_sidebar_nodes_counts_and_views(qtbot, demo_window, demo_lib):
    w = demo_window
    texts = {it.text(0): it.text(1) for it in w.sidebar.items()}
    assert texts["All articles"] == "10"
    assert texts["seed"] == "1" and texts["to-read"] == "1"
    assert "Duplicates" in texts and texts["Trash"] == "0"
    wait_view(qtbot, w, lambda: w.sidebar.select_node(("tag", "seed")))
    assert w.model.ids == [demo_lib.articles.find("39697225").id]
    # a category node shows exactly the articles in that category
    demo_lib.categories.set_user(w.model.ids[0], "vaccines", True)
    w.rebuild_sidebar()
    wait_view(qtbot, w, lambda: w.sidebar.select_node(("category", "vaccines")))
    assert set(w.model.ids) == set(demo_lib.categories.ids_in(["vaccines"]))
    wait_view(qtbot, w, lambda: w.sidebar.select_node(("trash", None)))
    assert w.model.ids == []


def test_search_as_you_type_is_debounced_and_matches_the_library(qtbot, demo_window, demo_lib):
    w = demo_window
    w.search.setFocus()
    with qtbot.waitSignal(w.view_loaded, timeout=5000):
        qtbot.keyClicks(w.search, "relapsed")
    # one load for the whole burst of keystrokes, not one per key
    expected = demo_lib.articles.search("relapsed", limit=None)
    assert sorted(w.model.ids) == sorted(expected)
    assert 0 < len(expected) < 10
    with qtbot.waitSignal(w.view_loaded, timeout=5000):
        qtbot.keyClicks(w.search, " title:immunotherap")
    assert sorted(w.model.ids) == sorted(demo_lib.articles.search("relapsed title:immunotherap", limit=None))
    assert len(w.model.ids) == 2


def test_bad_query_is_a_status_message_not_a_crash(qtbot, demo_window):
    w = demo_window
    wait_view(qtbot, w, lambda: w.search.setText('"unclosed AND ('))
    assert w.model.rowCount() >= 0      # still alive; nothing raised


def test_settings_remember_geometry_columns_splitter_and_view(qtbot, make_window, demo_lib, qsettings):
    w = make_window(demo_lib)
    w.table.setColumnWidth(2, 333)
    w.splitter.setSizes([300, 700, 400])
    wait_view(qtbot, w, lambda: w.sidebar.select_node(("tag", "seed")))
    sizes = w.splitter.sizes()
    w.close()
    w2 = make_window(demo_lib, qsettings)
    assert w2.table.columnWidth(2) == 333
    assert w2.node == ("tag", "seed")
    assert len(w2.model.ids) == 1
    # the offscreen screen is small, so the window is clamped; the detail pane keeps its width
    assert w2.splitter.sizes()[2] == sizes[2]
    assert not qsettings.value("window/geometry").isEmpty()


def test_first_run_offers_the_demo_library_once(qtbot, window, lib, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from amlref.gui.app import offer_demo
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a) or QMessageBox.Yes)
    wait_job(qtbot, window, lambda: offer_demo(window, True))
    assert len(asked) == 1
    assert lib.articles.count() == 10
    assert lib.articles.find("39697225").title.startswith("Updates in novel immunotherapeutic")
    assert window.model.rowCount() == 10
    assert offer_demo(window, True) is False and len(asked) == 1


def test_not_offered_for_a_library_given_by_path(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from amlref.gui.app import offer_demo
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked"))
    assert offer_demo(window, False) is False


def test_excepthook_shows_a_readable_message(window, monkeypatch):
    from amlref.core.errors import InputError
    from amlref.gui.app import install_excepthook
    old = sys.excepthook
    try:
        hook = install_excepthook(lambda: window)
        try:
            raise ValueError("boom")
        except ValueError:
            hook(*sys.exc_info())
        assert hook.last == "Something went wrong: ValueError: boom"
        hook(InputError, InputError("cannot read file", "x.bib", 3), None)
        assert hook.last == "x.bib:3: cannot read file"
        assert "Traceback" not in hook.last
    finally:
        sys.excepthook = old


def test_no_display_gives_a_clear_message(monkeypatch, capsys):
    from amlref.gui import app
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert app.run("/nonexistent/lib.sqlite") == 2
    err = capsys.readouterr().err
    assert "no display" in err and "xvfb-run" in err


def test_error_in_a_job_is_a_message(qtbot, window, tmp_path):
    bad = tmp_path / "broken.bib"
    bad.write_bytes(b"\x00\x01\x02binary" * 100)
    what, msg = wait_job(qtbot, window, lambda: window.import_files([str(bad)]))
    assert what == "error"
    kind, text = window.messages[-1]
    assert kind == "error" and "binary" in text and "Traceback" not in text


def test_long_view_shows_its_head_first_then_the_rest_keeping_the_selection(qtbot, make_window, lib):
    from amlref.gui.workers import HEAD
    lib.articles.add_many(synthetic(HEAD * 3))
    w = make_window(lib)
    firsts = []
    w.first_rows.connect(firsts.append)
    target = w.model.ids[5]
    w.select_ids([target])
    with qtbot.waitSignal(w.view_loaded, timeout=5000):
        w.table.sortByColumn(2, Qt.AscendingOrder)
    assert firsts[0] == HEAD and firsts[-1] == HEAD * 3      # head, then the whole list
    assert w.model.rowCount() == HEAD * 3 and w.current_id() == target
    assert len(set(w.model.ids)) == HEAD * 3


def test_context_menu_offers_the_common_actions(demo_window, demo_lib):
    w = demo_window
    seed = demo_lib.articles.find("39697225").id
    other = demo_lib.articles.find("34412685").id
    m = w.table_menu([seed, other])
    texts = [a.text() for a in m.actions()]
    for expected in ("Open in PubMed", "Open DOI", "Merge selected…", "Export selected…",
                     "Add to category", "Remove tag", "&Tag selected…"):
        assert any(expected in t for t in texts), (expected, texts)
    cats = [a for a in m.actions() if a.text() == "Add to category"][0].menu()
    [a for a in cats.actions() if a.text() == "Vaccines"][0].trigger()
    assert {seed, other} <= set(demo_lib.categories.ids_in(["vaccines"]))
    assert w.table_menu([]) is None


def test_missing_x11_library_is_named_with_its_package(monkeypatch):
    import ctypes
    from amlref.gui import app
    assert app.debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert app.debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert app.debian_package("libEGL.so.1") == "libegl1"
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")

    def fail(path, *a, **k):
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file or directory")
    monkeypatch.setattr(ctypes, "CDLL", fail)
    msg = app._platform_problem()
    assert "libxcb-cursor.so.0 is missing" in msg and "apt-get install libxcb-cursor0" in msg


def test_the_installed_binding_keeps_reference_counts(qtbot):
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void call and to
    True on every emit (the app aborted after a few thousand calls): pinned below 6.12."""
    from PySide6.QtWidgets import QLineEdit
    from amlref.gui.app import _binding_problem
    e = QLineEdit()
    qtbot.addWidget(e)
    before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        e.setText("x")
        e.textChanged.emit("y")
    assert sys.getrefcount(None) >= before_none - 5
    assert sys.getrefcount(True) >= before_true - 5
    assert _binding_problem() is None


def test_broken_binding_is_refused_with_a_message(monkeypatch):
    import PySide6
    from amlref.gui import app
    monkeypatch.setattr(PySide6, "__version__", "6.12.0")
    monkeypatch.setattr(sys, "version_info", (3, 11, 7, "final", 0))
    msg = app._binding_problem()
    assert msg and "PySide6-Essentials>=6.5,<6.12" in msg


def test_taxonomy_change_reclassifies_in_the_worker_at_start(make_window, lib, qtbot):
    from amlref.core.article import Article
    from amlref.services import classify as classify_service, views
    aid = lib.articles.add(Article(title="CD123 CAR T cells for relapsed acute myeloid leukemia"))
    lib.settings.set(classify_service.VERSION_KEY, "an older taxonomy")
    lib.execute("DELETE FROM article_categories")
    w = make_window(lib)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=20000)
    assert views.AUTO_RECLASSIFY is False
    assert "car-t" in [c["slug"] for c in lib.categories.of(aid)]
    assert classify_service.is_current(lib)


def test_import_commits_then_indexes_in_the_background(qtbot, window, lib, corpora):
    """A file import shows its articles as soon as they are committed; indexing for search
    and classification follow in the worker (status bar), then the view refreshes."""
    from amlref.services import indexing
    path = corpora / "ris" / "vendor-dialects" / "baseline.ris"
    progress = []
    window.runner.job_started.connect(progress.append)
    what, report = wait_job(qtbot, window, lambda: window.import_files([str(path)]))
    assert what == "import" and report.added
    assert progress[:2] == [f"Importing {path.name}", "Indexing for search"]
    assert indexing.pending(lib) == 0
    assert lib.articles.search("systematic review")
    assert "Indexed" in window.statusBar().currentMessage()
    assert window.model.rowCount() == lib.articles.count()


def test_a_search_during_indexing_says_new_articles_are_not_indexed_yet(qtbot, window, lib):
    from amlref.core.article import ParseResult
    from amlref.services.importing import import_results
    from tests.gui.conftest import wait_view
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)   # the start-up job is done
    import_results(lib, [("x.ris", ParseResult(articles=synthetic(30), format="ris"))],
                   defer_index=True)
    wait_view(qtbot, window, lambda: window.search.setText("venetoclax"))
    assert window.count_label.text().endswith("· 30 new articles not indexed yet")
    wait_view(qtbot, window, lambda: window.search.setText(""))
    assert "not indexed" not in window.count_label.text()


def test_a_big_file_is_parsed_by_worker_processes_from_the_window(qtbot, window, lib, tmp_path,
                                                                   monkeypatch):
    """The window imports in a thread; the parts of a big file go to worker processes started
    from there, and every record arrives."""
    from amlref.services import parallel_parse
    from tests.test_parallel_import import write_ris
    monkeypatch.setattr(parallel_parse, "PARALLEL_MIN_CHARS", 20_000)
    monkeypatch.setattr(parallel_parse, "PART_CHARS", 8_000)
    monkeypatch.setenv("AMLREF_WORKERS", "2")
    calls = []
    real = parallel_parse.parse_parts
    monkeypatch.setattr(parallel_parse, "parse_parts",
                        lambda *a, **k: calls.append(len(a[1])) or real(*a, **k))
    path = tmp_path / "big.ris"
    write_ris(path, 300, dup_of={299: 1})
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)   # the start-up job is done
    what, report = wait_job(qtbot, window, lambda: window.import_files([str(path)]))
    assert what == "import" and calls and calls[0] > 3
    assert len(report.added) == 299 and len(report.merged) == 1
    qtbot.waitUntil(lambda: window.model.rowCount() == 299, timeout=20000)
    from amlref.services import indexing
    qtbot.waitUntil(lambda: not window.runner.busy and indexing.pending(lib) == 0, timeout=30000)
    assert [lib.articles.get(i).title for i in lib.articles.search('"Record 250 on"')] == \
        ["Record 250 on CD33 CAR-T cells in AML"]
