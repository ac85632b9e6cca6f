#!/usr/bin/env python3
"""Render the window with suggestions (a "Suggested" node selected, the detail pane's Accept /
Reject panel) and save docs/screenshots/suggestions.png.

    .venv/bin/python scripts/screenshot_suggestions.py      (offscreen when there is no display)

The library: the demo library plus a few hand-written title-only records of the kinds issue 12
describes.  Until the built-in classifier makes suggestions itself, a stand-in classifier
plugin registered here suggests every category for which the built-in classifier found
counted hits but too few to assign it (its own reasons)."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"

RECORDS = [   # (title, year): made up for the picture, in the field's usual phrasing
    ("Second allogeneic transplant for AML relapsing after a first allo-HCT", 2023),
    ("Post-transplant maintenance with azacitidine in acute myeloid leukemia", 2022),
    ("PD-1 expression on marrow T cells of patients with AML", 2021),
    ("NK cells in acute myeloid leukemia: phenotype and function", 2020),
    ("WT1 peptide immunization in AML in first remission", 2019),
    ("Outcome of AML relapse after allogeneic transplantation: a registry study", 2024),
]


class WeakHits:
    """Stand-in: the built-in classifier's categories with counted hits, not assigned."""
    version = "weak-hits-1"

    def __init__(self):
        from amlref.taxonomy.classifier import ImmunotherapyClassifier
        self.clf = ImmunotherapyClassifier()

    def classify(self, article):
        return [(d.slug, d.kind, d.reasons(), "suggested") for d in self.clf.analyse(article)
                if d.kind == "category" and not d.assigned and d.reasons()]


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
    from amlref.gui.suggestions import install
    from amlref.plugins.registry import registry
    from amlref.services.classify import classify_all
    from amlref.storage.library import Library

    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    tmp = tempfile.mkdtemp(prefix="amlref-shots-")
    lib = Library.open(os.path.join(tmp, "demo.sqlite"))
    load_demo(lib)
    lib.articles.add_many([Article(title=t, issued=str(y), container="Example record",
                                   authors=[Person("Example", "A")]) for t, y in RECORDS])
    registry.register("amlref.classifiers", "weak-hits", WeakHits())
    classify_all(lib)
    settings = QSettings(os.path.join(tmp, "settings.ini"), QSettings.IniFormat)
    win = MainWindow(lib, settings)
    install(win)
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
