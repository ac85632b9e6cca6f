#!/usr/bin/env python3
"""Render the window with suggestions (a "Suggested" node selected, the detail pane's Accept /
Reject panel) and save docs/screenshots/suggestions.png.

    .venv/bin/python scripts/screenshot_suggestions.py      (offscreen when there is no display)

The library: the demo library plus a few hand-written records of the kind PubMed alerts deliver
(a title and an abstract cut after a few hundred characters), where the built-in classifier finds
one strong sentence: too little to assign, so it suggests."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"

RECORDS = [   # (title, cut abstract, year): made up for the picture, in the field's phrasing
    ("Outcomes of older patients with relapsed AML: a multicentre registry",
     "Of 212 patients with AML relapsing after allogeneic transplantation, 48 received donor "
     "lymphocyte infusions and were followed for", 2024),
    ("Bone marrow T-cell profiles in newly diagnosed AML",
     "We studied marrow T cells of 60 patients with AML. Patients later treated with nivolumab "
     "and azacitidine had a higher", 2023),
    ("Supportive care and infections during AML induction",
     "Among 150 adults with AML, infections were common. Eleven patients received dendritic "
     "cell vaccination in remission and", 2022),
]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from amlref.gui.app import _display_problem, _platform_problem
    problem = _display_problem() or _platform_problem()
    if problem:
        print(f"({problem}: rendering offscreen)")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication
    from amlref.core.article import Article, Person
    from amlref.gui.demo import load_demo
    from amlref.gui.main_window import MainWindow
    from amlref.services.classify import classify_all
    from amlref.storage.library import Library

    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    tmp = tempfile.mkdtemp(prefix="amlref-shots-")
    lib = Library.open(os.path.join(tmp, "demo.sqlite"))
    load_demo(lib)
    lib.articles.add_many([Article(title=t, abstract=ab, issued=str(y), container="Example record",
                                   authors=[Person("Example", "A")]) for t, ab, y in RECORDS])
    classify_all(lib)
    settings = QSettings(os.path.join(tmp, "settings.ini"), QSettings.IniFormat)
    settings.setValue("server/enabled", False)
    win = MainWindow(lib, settings)
    win.resize(1600, 900)
    win.show()

    def settle(ms=300):
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    settle(500)
    win.splitter.setSizes([280, 820, 500])
    win.sidebar.select_node(("suggested", "allo-hsct-gvl"))
    settle(500)
    for it in win.sidebar.items():     # every category with suggestions open
        node = it.data(0, Qt.UserRole + 1)
        if node and node[0] == "suggested" and it.parent() is not None:
            it.parent().setExpanded(True)
    win.select_ids(win.model.ids[:1])
    settle(300)
    win.detail.tabs.setCurrentIndex(2)
    settle()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "suggestions.png"
    win.grab().save(str(path))
    print(path.relative_to(ROOT))
    win.close()
    lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
