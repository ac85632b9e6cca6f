"""The field at a glance in the window: the chart of the current view (services/chart.py) with
PNG/SVG export.  The window opens it with

    ChartDialog(self.lib, self.current_view(), self.view_label(), parent=self).show()

The numbers are counted when the dialog is made (from indexes: ~60 ms for 100,000 articles;
a bad view raises there, as a one-line error).  The drawing (~130 ms at 100,000 articles,
docs/decisions/0072) is done off the event loop: a daemon thread lays out and renders the
figure with Agg at the dialog's size into an image, which the dialog paints; a resize asks for
a new image when the resizing pauses (the old one is shown scaled until it comes; requests
still waiting when a newer one comes are dropped).  The thread never touches a widget.
``fig``/``canvas`` are the same chart at the dialog's size for export and inspection, drawn
only when asked.
"""
from __future__ import annotations

import queue
import threading

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QObject, QTimer, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from amlref.gui.workers import describe_error
from amlref.services import chart
from amlref.services.chart_layout import MIN_SIZE

DPI = 100
RESIZE_PAUSE_MS = 60     # a window being resized asks for one image when it stops


class _Signals(QObject):
    done = Signal(int, object, int, int, float)    # generation, RGBA bytes, width, height, ratio
    failed = Signal(int, str)


class _Renderer:
    """A daemon thread drawing the chart at the size last asked for (older requests still
    waiting are dropped), answering through ``signals`` (a QObject of the window's thread,
    so the answer is queued to it).  ``None`` stops it."""

    def __init__(self, signals: _Signals):
        self.signals = signals
        self.figure = None                  # (what it shows, the figure) of the last drawing
        self.stopped = False
        self.requests: queue.Queue = queue.Queue()
        threading.Thread(target=self._loop, daemon=True, name="amlref-chart").start()

    def ask(self, request) -> None:
        if request is None:
            self.stopped = True
        self.requests.put(request)

    def _loop(self) -> None:
        while True:
            request = self.requests.get()
            while request is not None and not self.requests.empty():
                request = self.requests.get()
            if request is None:
                return
            gen = request[0]
            try:
                answer = self.draw(*request[1:])
            except Exception as exc:                # one line in the dialog
                answer = exc
            if self.stopped:
                return
            try:
                if isinstance(answer, Exception):
                    self.signals.failed.emit(gen, describe_error(answer))
                else:
                    self.signals.done.emit(gen, *answer)
            except RuntimeError:                    # the dialog is gone
                return

    def draw(self, data, title: str, width: int, height: int, ratio: float):
        """The chart at this size as RGBA bytes; the figure is kept, so a resize only lays
        the panels out again and renders (the ticks and texts are made once)."""
        key = (id(data), title, ratio)
        if self.figure is None or self.figure[0] != key:
            fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI * ratio)
            FigureCanvasAgg(fig)
            chart.figure(data, title, fig)
            self.figure = (key, fig)
        fig = self.figure[1]
        fig.set_size_inches(width / DPI, height / DPI)
        fig.canvas.draw()
        w, h = fig.canvas.get_width_height(physical=True)
        return bytes(fig.canvas.buffer_rgba()), w, h, ratio


class ChartArea(QWidget):
    """Paints the last image of the chart (scaled while a new size is being drawn)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.message = "Drawing the chart…"
        self.setMinimumSize(*MIN_SIZE)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        if self.image is not None:
            p.setRenderHint(QPainter.SmoothPixmapTransform)
            p.drawImage(self.rect(), self.image)
        else:
            p.setPen(QColor("#666666"))
            p.drawText(self.rect(), Qt.AlignCenter, self.message)
        p.end()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        dialog = self.window()
        if isinstance(dialog, ChartDialog) and hasattr(dialog, "signals"):
            dialog.resized()


class ChartDialog(QDialog):
    def __init__(self, lib, view, title: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"The field at a glance — {title or 'All articles'}")
        self.title = title
        self.data = chart.chart_data(lib, view)
        self._fig: Figure | None = None
        self.gen = self.shown = 0
        self.area = ChartArea(self)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.export_button = QPushButton("Export PNG/SVG…")
        buttons.addButton(self.export_button, QDialogButtonBox.ActionRole)
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.area)
        lay.addWidget(buttons)
        # (no parent: the drawing thread holds it too, so it outlives a closed dialog; a
        # queued answer to a dialog that is gone is dropped by Qt)
        self.signals = _Signals()
        self.signals.done.connect(self._rendered)
        self.signals.failed.connect(self._failed)
        self.renderer: _Renderer | None = _Renderer(self.signals)
        self.timer = QTimer(self, singleShot=True, interval=RESIZE_PAUSE_MS)
        self.timer.timeout.connect(self.redraw)
        self.resize(900, 800)

    # -- the image --------------------------------------------------------------------------
    @property
    def image(self) -> QImage | None:
        return self.area.image

    def resized(self) -> None:
        if self._fig is not None:
            self._fig.set_size_inches(*self._inches())
        # the first image at once, the next ones when the resizing pauses
        if self.area.image is None and self.gen == 0:
            self.redraw()
        else:
            self.timer.start()

    def redraw(self) -> None:
        if self.renderer is None:
            return
        self.gen += 1
        self.renderer.ask((self.gen, self.data, self.title, max(1, self.area.width()),
                           max(1, self.area.height()), float(self.area.devicePixelRatioF())))

    @Slot(int, object, int, int, float)
    def _rendered(self, gen: int, rgba: bytes, width: int, height: int, ratio: float) -> None:
        if gen < self.shown:
            return
        self.shown = gen
        image = QImage(rgba, width, height, QImage.Format_RGBA8888).copy()
        image.setDevicePixelRatio(ratio)
        self.area.image = image
        self.area.update()

    @Slot(int, str)
    def _failed(self, gen: int, message: str) -> None:
        self.area.image = None
        self.area.message = f"The chart could not be drawn: {message}"
        self.area.update()

    def stop(self) -> None:
        if self.renderer is not None:
            self.renderer.ask(None)
            self.renderer = None

    def showEvent(self, event) -> None:
        if self.renderer is None:                  # shown again after being closed
            self.renderer = _Renderer(self.signals)
            self.redraw()
        super().showEvent(event)

    def done(self, result: int) -> None:
        self.stop()
        super().done(result)

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)

    # -- the chart as shown, for export -----------------------------------------------------
    def _inches(self) -> tuple[float, float]:
        return max(1, self.area.width()) / DPI, max(1, self.area.height()) / DPI

    @property
    def fig(self) -> Figure:
        """The chart at the dialog's size (made on first use, in this thread)."""
        if self._fig is None:
            self._fig = Figure(figsize=self._inches(), dpi=DPI)
            FigureCanvasAgg(self._fig)
            chart.figure(self.data, self.title, self._fig)
        return self._fig

    @property
    def canvas(self) -> FigureCanvasAgg:
        return self.fig.canvas

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
