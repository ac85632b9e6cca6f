"""The field at a glance in the window: the chart of the current view (services/chart.py)
drawn on a matplotlib canvas, with PNG/SVG export.  The window opens it with

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
        self.canvas.mpl_connect("resize_event", lambda _e: self.fit_labels())
        self.fit_labels()
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.export_button = QPushButton("Export PNG/SVG…")
        buttons.addButton(self.export_button, QDialogButtonBox.ActionRole)
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.canvas)
        lay.addWidget(buttons)
        self.resize(900, 800)

    def fit_labels(self) -> None:
        """Room on the left for the longest journal name at the canvas's present size (the
        figure's fixed margin cuts long names off in a window narrower than the export)."""
        fig = self.fig
        renderer = self.canvas.get_renderer()
        width = fig.get_figwidth() * fig.dpi
        labels = [t for ax in fig.axes for t in ax.get_yticklabels() + [ax.yaxis.label]]
        need = max((t.get_window_extent(renderer).width for t in labels if t.get_text()),
                   default=0)
        if width > 0:
            fig.subplots_adjust(left=min(0.6, max(0.08, (need + 16) / width)),
                                top=0.9 if self.title else 0.93)     # (room for the title)
        self.canvas.draw_idle()

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
        """The chart as shown (PNG or SVG by the extension; services.chart.save's checks)."""
        from pathlib import Path
        from amlref.core.errors import UsageError
        fmt = Path(path).suffix.lower().lstrip(".")
        if fmt not in ("png", "svg"):
            raise UsageError(f"{path}: give a .png or .svg file name")
        try:
            self.fig.savefig(path, format=fmt, dpi=120)
        except OSError as exc:
            raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
