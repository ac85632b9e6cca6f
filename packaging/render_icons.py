"""Render resources/icons/amlref.svg to the PNG sizes a Linux desktop (hicolor theme) and the
Windows/macOS builds use, with Qt's SVG renderer (offscreen, no display needed):

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "amlref.svg"
OUT = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path = SVG, out: Path = OUT, sizes=SIZES) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    made = []
    for n in sizes:
        img = QImage(n, n, QImage.Format_ARGB32)
        img.fill(Qt.transparent)
        p = QPainter(img)
        p.setRenderHint(QPainter.Antialiasing)
        p.setRenderHint(QPainter.SmoothPixmapTransform)
        renderer.render(p)
        p.end()
        dest = out / f"amlref-{n}.png"
        if not img.save(str(dest), "PNG"):
            raise SystemExit(f"{dest}: cannot write")
        made.append(dest)
    return made


if __name__ == "__main__":
    for p in render():
        print(p.relative_to(ROOT))
