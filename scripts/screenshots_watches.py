#!/usr/bin/env python3
"""Render the Inbox and "The field at a glance" and save docs/screenshots/inbox.png, chart.png.

The library is the demo library plus what one PubMed watch brought from a local server that
replays real E-utilities answers (the PubMed records of ../shared/corpora/pubmed, as in
tests/test_watches_support.py), so it needs the corpora and pytest-httpserver (the test
extras):

    .venv/bin/python scripts/screenshots_watches.py   (offscreen when there is no display)
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from amlref.gui.app import _display_problem, _platform_problem
    problem = _display_problem() or _platform_problem()
    if problem:
        print(f"({problem}: rendering offscreen)")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from pytest_httpserver import HTTPServer
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from amlref.gui.demo import load_demo
    from amlref.gui.inbox import INBOX
    from amlref.gui.main_window import MainWindow
    from amlref.services import config
    from amlref.services.classify import classify_all
    from amlref.services.watches import add_query
    from amlref.storage.library import Library
    from test_sources_support import FakeApi
    from test_watches_support import efetch, esearch_of, metapub_pmids

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    api = FakeApi(server)
    api.route("/eutils/esearch.fcgi", esearch_of(metapub_pmids()))
    api.route("/eutils/efetch.fcgi", efetch)
    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    tmp = tempfile.mkdtemp(prefix="amlref-shots-")
    lib = Library.open(os.path.join(tmp, "watches.sqlite"))
    load_demo(lib)
    classify_all(lib)
    for key, value in (("online.eutils_url", api.url("/eutils")),
                       ("online.email", "screenshots@example.org"),
                       ("online.cache_dir", os.path.join(tmp, "cache")),
                       ("online.rate_ncbi", "1000")):
        config.set_value(lib, key, value)
    add_query(lib, "AML immunotherapy", '"Leukemia, Myeloid, Acute"[MeSH Terms] AND '
              '(immunotherapy[MeSH Terms] OR CAR-T[tiab] OR bispecific[tiab])')
    settings = QSettings(os.path.join(tmp, "settings.ini"), QSettings.IniFormat)
    settings.setValue("server/enabled", False)
    win = MainWindow(lib, settings)
    win.resize(1600, 900)
    win.show()

    def settle(ms=300):
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def shot(widget, name):
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / name
        widget.grab().save(str(path))
        print(path.relative_to(ROOT))

    loop = QEventLoop()                       # the run the window starts when it shows
    win.watch_actions.scheduler.finished.connect(lambda _r: loop.quit())
    QTimer.singleShot(60000, loop.quit)
    loop.exec()
    while win.runner.busy:
        settle(100)
    win.splitter.setSizes([270, 880, 450])
    win.sidebar.select_node((INBOX, None))
    settle(500)
    win.table.selectRow(2)                    # two read: the unread ones stay bold
    win.watch_actions.set_state("read")
    win.table.selectRow(5)
    win.watch_actions.set_state("read")
    settle(300)
    win.table.selectRow(0)
    win.detail.tabs.setCurrentIndex(0)
    settle(500)
    shot(win, "inbox.png")

    win.sidebar.select_node(("all", None))
    settle(500)
    dialog = win.watch_actions.chart()
    dialog.resize(1000, 860)
    settle(800)
    while dialog.image is None or dialog.shown < dialog.gen:    # (drawn in its own thread)
        settle(100)
    shot(dialog, "chart.png")
    dialog.close()
    win.close()
    lib.close()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
