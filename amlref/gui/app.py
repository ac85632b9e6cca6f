"""Start the window.  Gives a clear message (not a Qt abort) when no display is available."""
from __future__ import annotations

import os
import sys


def _display_problem() -> str | None:
    plat = os.environ.get("QT_QPA_PLATFORM", "")
    if plat in ("offscreen", "minimal", "vnc") or sys.platform in ("win32", "darwin"):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("no display found (DISPLAY/WAYLAND_DISPLAY not set); run on a desktop, or use "
                "xvfb-run amlref, or QT_QPA_PLATFORM=offscreen")
    return None


def run(library: str | None = None) -> int:
    problem = _display_problem()
    if problem:
        sys.stderr.write(f"amlref: error: {problem}\n")
        return 2
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication.instance() or QApplication(sys.argv[:1])
    w = QLabel("AMLRef")
    w.resize(800, 600)
    w.show()
    return app.exec()


def main() -> int:
    return run(None)
