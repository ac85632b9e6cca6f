#!/usr/bin/env python3
"""Render the main window with the demo library and save PNGs to docs/screenshots/.

    .venv/bin/python scripts/screenshots.py            (offscreen when there is no display)
    xvfb-run -a .venv/bin/python scripts/screenshots.py (real X11 rendering)
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from amlref.gui.app import _display_problem, _platform_problem
    problem = _display_problem() or _platform_problem()
    if problem:
        print(f"({problem}: rendering offscreen)")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from amlref.gui.demo import load_demo
    from amlref.gui.main_window import MainWindow
    from amlref.services.classify import classify_all
    from amlref.storage.library import Library

    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    tmp = tempfile.mkdtemp(prefix="amlref-shots-")
    lib = Library.open(os.path.join(tmp, "demo.sqlite"))
    load_demo(lib)
    classify_all(lib)
    settings = QSettings(os.path.join(tmp, "settings.ini"), QSettings.IniFormat)
    win = MainWindow(lib, settings)
    win.resize(1600, 900)
    win.splitter.setSizes([250, 900, 450])
    win.show()

    def settle(ms=300):
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_view():
        loop = QEventLoop()
        win.view_loaded.connect(loop.quit)
        QTimer.singleShot(3000, loop.quit)
        loop.exec()
        win.view_loaded.disconnect(loop.quit)
        settle(200)

    def shot(name):
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / name
        win.grab().save(str(path))
        print(path.relative_to(ROOT))

    settle(500)
    win.splitter.setSizes([250, 900, 450])
    seed = lib.articles.find("39697225").id
    win.jump_to(seed)
    settle(300)
    win.detail.tabs.setCurrentIndex(0)
    settle()
    shot("main-window.png")

    win.detail.tabs.setCurrentIndex(win.detail.tabs.count() - 1)
    settle()
    shot("citations.png")

    win.detail.tabs.setCurrentIndex(2)
    settle()
    shot("categories.png")

    win.search.setText("relapsed refractory")
    wait_view()
    win.detail.tabs.setCurrentIndex(1)
    settle()
    shot("search.png")
    win.close()
    lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
