"""The Inbox in the window: the sidebar node with unread counts, the ids of its views, and the
scheduler running the watches through the window's writer thread (offscreen, pytest-qt)."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PySide6")

from amlref.storage.library import Library  # noqa: E402
from amlref.storage.watches import WatchStore  # noqa: E402
from test_sources_support import FakeApi  # noqa: E402
from test_watches_support import configure, efetch, esearch_of, metapub_pmids  # noqa: E402


@pytest.fixture
def api(httpserver, cli, tmp_path):
    a = FakeApi(httpserver)
    configure(cli, a, tmp_path)
    return a


def _node_items(tree):
    from amlref.gui.inbox import NODE
    out = {}
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        it = stack.pop()
        out[it.data(0, NODE)] = (it.text(0), it.text(1))
        stack += [it.child(i) for i in range(it.childCount())]
    return out


def test_scheduler_runs_in_the_background_then_the_inbox_node_counts(
        qtbot, api, cli, lib_path):
    from amlref.gui import inbox
    from amlref.gui.sidebar import Sidebar
    from amlref.gui.workers import JobRunner
    pmids = metapub_pmids()[:5]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w1", "AML[tiab]")
    cli("config", "set", "watch.interval_hours", "2")
    lib = Library.open(lib_path)
    try:
        runner = JobRunner(str(lib_path))
        sched = inbox.WatchScheduler(runner, lib)
        assert sched.interval_ms() == 2 * 3600 * 1000
        notes, lines = [], []
        sched.notified.connect(notes.append)
        sched.progress.connect(lines.append)
        with qtbot.waitSignal(sched.finished, timeout=20000) as blocker:
            sched.start()                                # on start (watch.on_start: true)
            assert sched.timer.isActive() and sched.timer.interval() == 2 * 3600 * 1000
        [report] = blocker.args[0]
        assert len(report.added) == 5 and not sched.running
        assert notes == [inbox.notification_text([report])] and notes[0].startswith("5 new")
        assert lines[-1] == f"Watches: {notes[0]}"
        runner.wait(5000)

        tree = Sidebar()
        qtbot.addWidget(tree)
        tree.rebuild(lib)
        inbox.add_inbox_node(tree, lib)
        nodes = _node_items(tree)
        assert nodes[("inbox", None)] == ("Inbox", "5")
        assert nodes[("inbox-watch", "w1")] == ("w1", "5")
        counts = WatchStore(lib).counts()["categories"]
        for slug, c in counts.items():
            assert nodes[("inbox-category", slug)][1] == str(c["unread"])
        ids = inbox.inbox_ids(lib, ("inbox-watch", "w1"))
        assert sorted(ids) == sorted(lib.articles.find(p).id for p in pmids)
        # mark one read: unread first in the view, the count goes down
        assert inbox.set_state(lib, [ids[0]], "read", ("inbox-watch", "w1")) == 1
        assert inbox.inbox_ids(lib, ("inbox", None))[-1] == ids[0]
        assert inbox.set_state(lib, [ids[1]], None) == 1          # dismissed
        tree.rebuild(lib)
        inbox.add_inbox_node(tree, lib)
        assert _node_items(tree)[("inbox", None)] == ("Inbox", "3")
        assert inbox.is_inbox_node(("inbox-category", "x")) and not inbox.is_inbox_node(
            ("tag", "x"))
    finally:
        lib.close()


def test_a_failing_run_is_one_message_and_a_second_start_waits(qtbot, cli, lib_path, tmp_path):
    from amlref.gui import inbox
    from amlref.gui.workers import JobRunner
    cli("config", "set", "online.eutils_url", "http://127.0.0.1:1/eutils")
    cli("config", "set", "online.cache_dir", str(tmp_path / "c"))
    cli("watch", "add", "w", "AML[tiab]")
    cli("config", "set", "watch.interval_hours", "0")
    lib = Library.open(lib_path)
    try:
        runner = JobRunner(str(lib_path))
        sched = inbox.WatchScheduler(runner, lib)
        errors = []
        sched.failed.connect(errors.append)
        with qtbot.waitSignal(sched.finished, timeout=20000):
            assert sched.run_now() is True
            assert sched.run_now() is False                # already going: not twice
        assert not sched.timer.isActive()
        assert len(errors) == 1 and "cannot reach 127.0.0.1:1" in errors[0]
        assert "\n" not in errors[0]
        runner.wait(5000)
        assert WatchStore(lib).get("w")["last_run"] is None
    finally:
        lib.close()


def test_no_node_without_watches(qtbot, lib):
    from PySide6.QtWidgets import QTreeWidget
    from amlref.gui.inbox import add_inbox_node, notification_text
    tree = QTreeWidget()
    qtbot.addWidget(tree)
    assert add_inbox_node(tree, lib) is None and tree.topLevelItemCount() == 0
    assert notification_text([]) == ""


def test_watch_papers_citing_the_selection(lib):
    from amlref.core.article import Article
    from amlref.gui.inbox import watch_citing
    a = lib.articles.add(Article(title="Updates in immunotherapy for AML", pmid="39697225",
                                 issued="2024"))
    b = lib.articles.add(Article(title="Another", doi="10.1000/xyz", issued="2023"))
    key = lib.articles.get(a).citekey
    assert watch_citing(lib, [a]) == f"citing {key}"
    assert watch_citing(lib, [a, b]) == f"citing {key} +1"
    assert watch_citing(lib, [a]) == f"citing {key} (2)"
    w = WatchStore(lib).get(f"citing {key} +1")
    assert w["kind"] == "citing" and [t["pmid"] for t in w["targets"]] == ["39697225", ""]
    assert w["targets"][1]["doi"] == "10.1000/xyz"
