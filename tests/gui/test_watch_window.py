"""Watches in the real window (offscreen, pytest-qt) against a local HTTP server replaying real
E-utilities answers (tests/test_watches_support.py), the base URLs set with ``amlref config
set``: the scheduler runs when the window shows, the Inbox nodes and their counts, Mark read /
Keep / Dismiss (undo), a dismissed PMID not coming back, closing during a run, the Watches
menu's dialogs, the default watches offered once, "needs metadata", the chart's export."""
from __future__ import annotations

import sqlite3
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import Qt

from amlref.gui.inbox import INBOX, INBOX_CATEGORY, INBOX_WATCH, NODE
from amlref.storage.watches import WatchStore
from tests.gui.conftest import wait_job, wait_view
from tests.test_sources_support import FakeApi, api_file, ids_of
from tests.test_watches_support import configure, efetch, esearch_of, metapub_pmids

WATCH = "AML immunotherapy"


@pytest.fixture
def api(httpserver, cli, tmp_path):
    a = FakeApi(httpserver)
    configure(cli, a, tmp_path)
    return a


def sidebar_nodes(w) -> dict:
    return {it.data(0, NODE): (it.text(0), it.text(1)) for it in w.sidebar.items()}


def run_done(qtbot, w, timeout=30000):
    qtbot.waitUntil(lambda: not w.watch_actions.scheduler.running and not w.runner.busy,
                    timeout=timeout)
    qtbot.wait(20)


def select_rows(w, rows):
    from PySide6.QtCore import QItemSelection, QItemSelectionModel
    sel = QItemSelection()
    for r in rows:
        sel.select(w.model.index(r, 0), w.model.index(r, w.model.columnCount() - 1))
    w.table.selectionModel().select(sel, QItemSelectionModel.ClearAndSelect)


@pytest.fixture
def watched(api, cli, lib, make_window, qtbot):
    """A window on a library with one PubMed watch; PubMed answers with 8 real records.  The
    run the window starts when it shows is finished."""
    # five records of other fields and three that the classifier puts in two categories
    sorted_in = ["32306807", "38738473", "38704912"]
    pmids = [p for p in metapub_pmids() if p not in sorted_in][:5] + sorted_in
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "add", WATCH, '"Leukemia, Myeloid, Acute"[MeSH Terms]').code == 0
    w = make_window(lib)
    qtbot.waitUntil(lambda: WatchStore(lib).get(WATCH)["last_run"] is not None, timeout=30000)
    run_done(qtbot, w)
    return w, pmids


def test_the_run_at_start_fills_the_inbox_and_the_actions_change_its_counts(
        qtbot, watched, api, lib):
    w, pmids = watched
    assert api.count("/eutils/esearch") == 1 and api.count("/eutils/efetch") == 1
    timer = w.watch_actions.scheduler.timer            # and again every watch.interval_hours
    assert timer.isActive() and timer.interval() == 12 * 3600 * 1000
    nodes = sidebar_nodes(w)
    assert nodes[(INBOX, None)] == ("Inbox", "8")
    assert nodes[(INBOX_WATCH, WATCH)] == (WATCH, "8")
    counts = WatchStore(lib).counts()["categories"]
    assert {k: v["unread"] for k, v in counts.items()} == {"antibody-therapy": 2,
                                                             "checkpoint-inhibitors": 1}
    for slug, c in counts.items():              # per category, unread
        assert nodes[(INBOX_CATEGORY, slug)][1] == str(c["unread"])
    top = [w.sidebar.topLevelItem(i).data(0, NODE) for i in range(2)]
    assert top == [("all", None), (INBOX, None)]        # right under All articles
    from amlref.gui.inbox import _category_labels
    note = [t for k, t in w.messages if t.startswith("Watches: ")]     # no tray offscreen
    assert len(note) == 1 and note[0].startswith("Watches: 8 new articles")
    labels = _category_labels()
    for slug, c in counts.items():               # counts by category in the notification
        assert f"{labels[slug]} {c['total']}" in note[0]

    wait_view(qtbot, w, lambda: w.sidebar.select_node((INBOX_WATCH, WATCH)))
    ids = list(w.model.ids)
    years = [lib.articles.get(i).year or 0 for i in ids]
    assert years == sorted(years, reverse=True)          # the table's order: year, newest
    assert sorted(ids) == sorted(lib.articles.find(p).id for p in pmids)
    assert w.count_label.text().startswith(f"8 articles · Inbox of {WATCH}")
    acts = w.watch_actions
    select_rows(w, [0, 1])
    assert all(a.isEnabled() for a in acts.inbox_actions)
    assert acts.act_read in w.table_menu(w.selected_ids()).actions()   # the context menu
    chosen = w.selected_ids()

    # Mark read (the M key in the table): unread goes down by two
    w.table.setFocus()
    qtbot.keyClick(w.table, "m")
    assert sidebar_nodes(w)[(INBOX, None)] == ("Inbox", "6")
    assert {i["article_id"]: i["state"] for i in WatchStore(lib).items()
            if i["article_id"] in chosen} == {chosen[0]: "read", chosen[1]: "read"}
    assert w.model.ids == ids and w.selected_ids() == chosen   # the rows stay where they are

    def bold(aid):
        f = w.model.data(w.model.index(w.model.row_of(aid), 2), Qt.FontRole)
        return f is not None and f.bold()
    assert not bold(chosen[0]) and bold(w.model.ids[2])     # unread rows are bold
    # Keep one unread article: kept, not unread
    select_rows(w, [2])
    kept = w.selected_ids()[0]
    acts.act_keep.trigger()
    assert sidebar_nodes(w)[(INBOX_WATCH, WATCH)] == (WATCH, "5")
    assert [i["state"] for i in WatchStore(lib).items() if i["article_id"] == kept] == ["kept"]

    # Dismiss (D): the row goes, Undo brings it back, Redo dismisses it again
    victim = w.model.ids[3]
    select_rows(w, [3])
    qtbot.keyClick(w.table, "d")
    qtbot.waitUntil(lambda: victim not in w.model.ids, timeout=5000)
    assert sidebar_nodes(w)[(INBOX, None)] == ("Inbox", "4")
    assert w.undo_stack.undoText().startswith("Dismiss 1 article")
    w.act_undo.trigger()
    qtbot.waitUntil(lambda: victim in w.model.ids, timeout=5000)
    assert sidebar_nodes(w)[(INBOX, None)] == ("Inbox", "5")
    assert WatchStore(lib).seen(WatchStore(lib).get(WATCH)["id"]) >= {
        f"pmid:{lib.articles.get(victim).pmid}"}      # brought, not dismissed
    w.act_redo.trigger()
    qtbot.waitUntil(lambda: victim not in w.model.ids, timeout=5000)
    assert lib.articles.get(victim).deleted_at is None   # still in the library
    wait_view(qtbot, w, lambda: w.sidebar.select_node(("all", None)))
    assert w.model.bold_ids == set() and not bold(w.model.ids[0])
    wait_view(qtbot, w, lambda: w.sidebar.select_node((INBOX_WATCH, WATCH)))

    # the next run: PubMed answers the same PMIDs; the dismissed one does not come back
    fetched = []
    api.route("/eutils/efetch.fcgi", lambda req: (fetched.extend(ids_of(req.args)),
                                                  efetch(req))[1])
    with qtbot.waitSignal(w.job_finished, timeout=30000,
                          check_params_cb=lambda what, _r: what == "watches"):
        assert acts.act_run.isEnabled()
        acts.act_run.trigger()
    run_done(qtbot, w)
    assert fetched == []                      # all brought or dismissed before: nothing asked
    assert victim not in w.model.ids and len(w.model.ids) == 7
    assert victim not in [i["article_id"] for i in WatchStore(lib).items()]
    # a category of the Inbox, and the search box within the Inbox
    slug = "antibody-therapy"
    wait_view(qtbot, w, lambda: w.sidebar.select_node((INBOX_CATEGORY, slug)))
    assert sorted(w.model.ids) == sorted(lib.articles.find(p).id for p in pmids[5:7])
    wait_view(qtbot, w, lambda: w.sidebar.select_node((INBOX, None)))
    word = max(lib.articles.get(w.model.ids[0]).title.split(), key=len).strip(".,:;()")
    wait_view(qtbot, w, lambda: (w.search.setText(word), w._search_now()))
    found = list(w.model.ids)
    assert found and len(found) < 7 and all(
        word.lower() in (lib.articles.get(i).title + lib.articles.get(i).abstract).lower()
        for i in found)
    wait_view(qtbot, w, lambda: (w.search.clear(), w._search_now()))
    w.table.selectAll()                       # Mark unread (U): every row unread again
    qtbot.keyClick(w.table, "u")
    assert sidebar_nodes(w)[(INBOX, None)] == ("Inbox", "7")
    assert {i["state"] for i in WatchStore(lib).items()} == {"new"}


def test_closing_the_window_during_a_run_leaves_the_library_whole(
        qtbot, api, cli, lib, lib_path, make_window):
    pmids = metapub_pmids()[:30]
    asked, release = threading.Event(), threading.Event()

    def slow_efetch(request):
        asked.set()
        release.wait(10)                     # the window closes while this answer is on its way
        return efetch(request)
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", slow_efetch)
    assert cli("watch", "add", WATCH, "AML[tiab]").code == 0
    w = make_window(lib)
    qtbot.waitUntil(asked.is_set, timeout=20000)
    assert w.watch_actions.scheduler.running
    threading.Timer(0.3, release.set).start()
    t0 = time.monotonic()
    w.close()                                # cancels the run and waits for it
    assert time.monotonic() - t0 < 10 and w.runner.pool.activeThreadCount() == 0
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=5000)     # (its queued signals)
    watch = WatchStore(lib).get(WATCH)
    assert watch["last_run"] is None and watch["running_since"] is None   # lock released
    assert lib.articles.count() == len(WatchStore(lib).items()) == 0   # nothing half-filed
    assert w.statusBar().currentMessage().startswith("Watches: stopped; what was filed")
    with sqlite3.connect(lib_path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    # the next run (a cron job) brings the rest
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "run").code == 0
    assert len(WatchStore(lib).items()) == len(pmids) == lib.articles.count()


def test_add_a_pubmed_watch_the_query_checked_by_pubmed(qtbot, api, window, lib):
    from amlref.gui.watch_dialogs import AddWatchDialog, query_problem
    assert query_problem("") == "the query is empty"
    assert query_problem("(AML AND CAR-T") == "a '(' is not closed"
    assert query_problem("AML) AND (x").startswith("a ')' closes nothing")
    assert query_problem('"acute myeloid AND CAR') == "a quotation mark is not closed"
    assert query_problem("AML AND OR CAR-T") == "AND needs a term on both sides"
    assert query_problem("AML[tiab AND x") == "a field tag's '[' ... ']' is not closed"
    assert query_problem('"(a phrase)"[tiab] AND (CD33 OR CD123) NOT mice[mh]') == ""
    api.route("/eutils/esearch.fcgi",
              api_file("api", "ncbi-eutils-json", "esearch.error.xml"),
              when=lambda a: "fleegle" in a.get("term", ""))
    api.route("/eutils/esearch.fcgi", esearch_of(metapub_pmids()[:3]),
              when=lambda a: "fleegle" not in a.get("term", ""))
    api.route("/eutils/efetch.fcgi", efetch)

    d = AddWatchDialog(lib, window)
    qtbot.addWidget(d)
    d.name.setText("Obstetrics")
    d.query.setPlainText("fleegle[MeSH Terms] AND (")
    d.check_and_add()
    assert "a '(' is not closed" in d.status.text() and api.count("/eutils") == 0
    d.query.setPlainText("fleegle[MeSH Terms] AND obstetrics[MeSH Terms]")   # (OR: a note)
    d.check_and_add()
    qtbot.waitUntil(lambda: d.buttons.isEnabled(), timeout=10000)
    assert "phrase not found: fleegle[MeSH Terms]" in d.status.text()
    assert WatchStore(lib).find("Obstetrics") is None and not d.result()

    d = window.watch_actions.add_dialog()
    d.name.setText("CD123")
    d.query.setPlainText("CD123[tiab] AND AML[tiab]")
    with qtbot.waitSignal(window.job_finished, timeout=30000,
                          check_params_cb=lambda what, _r: what == "watches"):
        d.check_and_add()                   # checked, added, and run at once
    assert WatchStore(lib).get("CD123")["query"] == "CD123[tiab] AND AML[tiab]"
    run_done(qtbot, window)
    assert sidebar_nodes(window)[(INBOX_WATCH, "CD123")] == ("CD123", "3")


def test_watch_citing_and_manage_watches(qtbot, api, make_window, lib):
    from amlref.core.article import Article
    from tests.test_watches_support import elink_citedin
    citing = metapub_pmids()[:2]
    aid = lib.articles.add(Article(title="Updates in novel immunotherapeutic strategies for "
                                         "relapsed/refractory AML", pmid="39697225",
                                   issued="2024"))
    api.route("/eutils/elink.fcgi", elink_citedin("39697225", citing))
    api.route("/eutils/efetch.fcgi", efetch)
    w = make_window(lib)
    qtbot.waitUntil(lambda: w.model.ids == [aid], timeout=5000)     # All articles
    w.select_ids([aid])
    acts = w.watch_actions
    assert acts.act_citing.isEnabled() and acts.act_citing in w.table_menu([aid]).actions()
    with qtbot.waitSignal(w.job_finished, timeout=30000,
                          check_params_cb=lambda what, _r: what == "watches"):
        acts.act_citing.trigger()
    run_done(qtbot, w)
    name = f"citing {lib.articles.get(aid).citekey}"
    assert sidebar_nodes(w)[(INBOX_WATCH, name)] == (name, "2")
    wait_view(qtbot, w, lambda: w.sidebar.select_node((INBOX_WATCH, name)))
    chart = acts.chart()                      # of the watch's articles, not the whole library
    assert chart.data.total == 2 and name in chart.windowTitle()
    chart.close()

    d = acts.manage_dialog()
    assert d.names() == [name]
    d.interval.setValue(3)                            # the timer follows the setting
    from amlref.services import config
    assert config.get(lib, "watch.interval_hours") == 3.0
    assert acts.scheduler.timer.interval() == 3 * 3600 * 1000
    d.interval.setValue(0)
    assert not acts.scheduler.timer.isActive()
    d.on_start.setChecked(False)
    assert config.get(lib, "watch.on_start") is False
    assert "never" not in d.table.item(0, 3).text() and d.table.item(0, 4).text() == "2"
    d.table.selectRow(0)
    d.confirm = lambda names: False          # "No": nothing removed
    assert d.remove_selected() == 0 and WatchStore(lib).find(name) is not None
    d.confirm = lambda names: names == [name]
    assert d.remove_selected() == 1 and d.names() == []
    d.close()
    qtbot.waitUntil(lambda: (INBOX, None) not in sidebar_nodes(w), timeout=5000)
    assert lib.articles.count() == 3                 # the articles stay


def test_default_watches_offered_once_on_a_new_empty_library(qtbot, api, window, lib):
    from amlref.gui.watch_dialogs import offer_defaults, should_offer
    from amlref.services.watches import suggest
    api.route("/eutils/esearch.fcgi", esearch_of([]))
    assert should_offer(lib)
    d = offer_defaults(window)
    assert d is not None and d.isVisible()
    rows = suggest()
    assert d.table.rowCount() == len(rows) >= 5
    assert d.rows() == rows                           # all ticked, as suggested
    d.table.item(0, 0).setCheckState(d.table.item(0, 0).checkState().Unchecked)
    d.table.item(1, 0).setText("My CAR-T watch")
    d.table.setCurrentCell(1, 1)                     # the whole query, edited below
    assert d.editor.toPlainText() == rows[1][1]
    d.editor.setPlainText(rows[1][1] + " AND 2020:2030[dp]")
    assert d.table.item(1, 1).text() == rows[1][1] + " AND 2020:2030[dp]"
    d.table.item(2, 1).setText(rows[2][1] + " AND (")          # a mistake: nothing saved
    d.save()
    assert "is not closed" in d.status.text() and WatchStore(lib).all() == []
    d.table.item(2, 1).setText(rows[2][1])
    with qtbot.waitSignal(window.job_finished, timeout=30000,
                          check_params_cb=lambda what, _r: what == "watches"):
        d.save()
    names = [w["name"] for w in WatchStore(lib).all()]
    assert rows[0][0] not in names and "My CAR-T watch" in names
    assert len(names) == len(rows) - 1
    assert WatchStore(lib).get("My CAR-T watch")["query"].endswith("AND 2020:2030[dp]")
    run_done(qtbot, window)
    assert offer_defaults(window) is None and not should_offer(lib)   # asked once


def test_no_watch_no_network_no_run(qtbot, httpserver, window, lib):
    """What every other window test relies on: without watches, nothing runs at start."""
    sched = window.watch_actions.scheduler
    assert window.watch_actions.started
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)   # (the window's own jobs)
    assert not sched.running and sched.job is None
    assert (INBOX, None) not in sidebar_nodes(window)
    assert not window.watch_actions.run_now()
    assert sched.run_now() is False and sched.job is None          # (what the timer calls)
    assert "No watches yet" in window.statusBar().currentMessage()
    assert httpserver.log == []


def test_needs_metadata_node_lists_pdf_only_articles_and_fetches_them(
        qtbot, httpserver, lib, make_window, tmp_path):
    from amlref.gui import needs_metadata
    from amlref.services.pdf_import import NEEDS_METADATA, import_pdfs
    from tests.pdfmake import article_pdf
    from tests.test_pdf_import import FRET_DOI, FRET_TITLE
    from tests.test_sources_support import JSON, library_settings
    assert needs_metadata.TAG == NEEDS_METADATA
    api = FakeApi(httpserver)
    library_settings(lib, api, tmp_path)
    api.route(f"/crossref/works/{FRET_DOI}",
              api_file("api", "crossref-habanero", "test_works_with_many_ids.03.json"), JSON)
    fret = article_pdf(tmp_path / "fret.pdf", doi=FRET_DOI, title=FRET_TITLE,
                       header=f"SCIENTIFIC REPORTS | DOI: {FRET_DOI}")
    bare = article_pdf(tmp_path / "bare.pdf", doi="",
                       title="CD123 CAR T cells for relapsed acute myeloid leukemia")
    outcomes = import_pdfs(lib, [str(fret), str(bare)], offline=True).outcomes
    assert [o.status for o in outcomes] == ["needs-metadata"] * 2
    w = make_window(lib)
    assert sidebar_nodes(w)[needs_metadata.NODE] == ("Needs metadata", "2")
    wait_view(qtbot, w, lambda: w.sidebar.select_node(needs_metadata.NODE))
    assert sorted(w.model.ids) == sorted(o.article_id for o in outcomes)
    assert w.count_label.text().startswith("2 articles · Needs metadata")
    act = next(a for a in w.findChildren(type(w.watch_actions.act_run))
               if a.objectName() == "fetch_needs_metadata")
    what, (done, failed) = wait_job(qtbot, w, act.trigger, timeout=60000)
    assert what == "fetch-metadata" and done == [outcomes[0].article_id]
    assert len(failed) == 1 and "no DOI, PMID or PMCID" in failed[0]
    assert sidebar_nodes(w)[needs_metadata.NODE] == ("Needs metadata", "1")
    assert w.model.ids == [outcomes[1].article_id]


def test_the_field_at_a_glance_exports_png_and_svg(qtbot, demo_window, tmp_path):
    w = demo_window
    acts = w.watch_actions
    from PySide6.QtWidgets import QToolBar
    assert acts.act_chart in w.findChild(QToolBar, "main_toolbar").actions()
    view_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&View")
    assert acts.act_chart in view_menu.actions()
    d = acts.chart()
    qtbot.addWidget(d)
    assert d.isVisible() and "All articles" in d.windowTitle()
    png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
    assert d.export(str(png)) == str(png) and d.export(str(svg)) == str(svg)
    head = png.read_bytes()[:8]
    assert head == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert sum(1 for _ in root.iter()) > 100            # drawn, not an empty canvas
    from amlref.core.errors import UsageError
    with pytest.raises(UsageError, match=r"chart\.pdf: give a \.png or \.svg file name"):
        d.save(str(tmp_path / "chart.pdf"))
    # the journal names fit in the dialog at its size, narrow or wide (nothing cut off left)
    renderer = d.canvas.get_renderer()
    for width in (700, 1200):
        d.resize(width, 800)
        qtbot.wait(50)
        d.canvas.draw()
        names = [t for t in d.fig.axes[2].get_yticklabels() if t.get_text()]
        assert names and min(t.get_window_extent(renderer).x0 for t in names) >= 0
