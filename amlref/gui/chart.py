"""The field at a glance in the window: the chart of the current view (services/chart.py)
drawn on a matplotlib canvas, with PNG/SVG export.  The layout is services/chart.py's (the
figure lays itself out again at every draw, so a resized window keeps the journal names and
the legend inside).  The window opens it with

    ChartDialog(self.lib, self.current_view(), self.view_label(), parent=self).show()
"""
from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QPushButton,
                               QVBoxLayout)

from amlref.services import chart


class ChartDialog(QDialog):
    def __init__(self, lib, view, title: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"The field at a glance — {title or 'All articles'}")
        self.title = title
        self.data = chart.chart_data(lib, view)
        self.fig = Figure(figsize=(9, 8))
        self.canvas = FigureCanvasQTAgg(self.fig)
        chart.figure(self.data, title, self.fig)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.export_button = QPushButton("Export PNG/SVG…")
        buttons.addButton(self.export_button, QDialogButtonBox.ActionRole)
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.canvas)
        lay.addWidget(buttons)
        self.resize(900, 800)

    def export(self, path: str | None = None) -> str | None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Export chart", "chart.svg",
                                                  "SVG (*.svg);;PNG (*.png)")
        if not path:
            return None
        try:
            self.save(path)
        except Exception as exc:          # one line, never a traceback
            QMessageBox.warning(self, "Export chart", str(exc))
            return None
        return path

    def save(self, path: str) -> None:
        """The chart as shown (PNG or SVG by the extension; services.chart.write's checks)."""
        chart.write(self.fig, path)
