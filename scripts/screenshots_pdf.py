#!/usr/bin/env python3
"""Render the window with a PDF attached (detail pane: files with a thumbnail) and a full-text
hit (the searched word found inside the PDF, with its page); PNGs to docs/screenshots/.

    .venv/bin/python scripts/screenshots_pdf.py      (needs pdflatex; offscreen without display)
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"

TEX = r"""\documentclass[10pt]{article}
\usepackage[hidelinks]{hyperref}
\begin{document}
\noindent Front. Oncol. 2024; 14:1374963 \quad doi:10.3389/fonc.2024.1374963\\[1.2em]
{\LARGE\bfseries Updates in novel immunotherapeutic strategies for relapsed/refractory AML\par}
\vspace{1em}\noindent Bawek S, Gurusinghe S, Burwinkel M, Przespolewski A\\[1em]
\noindent\textbf{Abstract.} Immunotherapy for relapsed or refractory acute myeloid leukemia:
antibody-drug conjugates, bispecific T-cell engagers, CAR-T cells, checkpoint inhibitors.
\newpage
\section*{Bispecific antibodies}
Flotetuzumab, a CD123 x CD3 dual-affinity retargeting molecule, gave complete remissions in
primary induction failure. Cytokine release syndrome was the main toxicity.
\newpage
\section*{Cell therapy}
CD123- and CLL-1-directed CAR-T cells; flotetuzumab after CAR-T failure is discussed too.
\end{document}
"""


def main() -> int:
    sys.path.insert(0, str(ROOT))
    if not shutil.which("pdflatex"):
        print("pdflatex is needed")
        return 1
    from amlref.gui.app import _display_problem, _platform_problem
    if _display_problem() or _platform_problem():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from amlref.gui.demo import load_demo
    from amlref.gui.main_window import MainWindow
    from amlref.services.classify import classify_all
    from amlref.services.indexing import catch_up
    from amlref.services.pdf_import import import_pdfs
    from amlref.storage.library import Library

    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    tmp = tempfile.mkdtemp(prefix="amlref-shots-")
    (Path(tmp) / "bawek.tex").write_text(TEX)
    subprocess.run(["pdflatex", "-interaction=batchmode", "bawek.tex"], cwd=tmp, check=True,
                   capture_output=True)
    lib = Library.open(os.path.join(tmp, "demo.sqlite"))
    load_demo(lib)
    classify_all(lib)
    rep = import_pdfs(lib, [os.path.join(tmp, "bawek.pdf")], offline=True)
    print(rep.summary())
    catch_up(lib)
    win = MainWindow(lib, QSettings(os.path.join(tmp, "settings.ini"), QSettings.IniFormat))
    win.resize(1600, 900)
    win.show()

    def settle(ms=400):
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def shot(name):
        OUT.mkdir(parents=True, exist_ok=True)
        win.grab().save(str(OUT / name))
        print(OUT / name)

    settle(600)
    win.splitter.setSizes([250, 900, 450])
    seed = lib.articles.find("39697225").id
    win.jump_to(seed)
    settle()
    win.detail.files.wait()
    settle()
    shot("detail-attachment.png")
    win.search.setText("flotetuzumab")
    settle(800)
    win.jump_to(seed)
    win.detail.files.wait()
    settle()
    shot("fulltext-hit.png")
    win.close()
    lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
