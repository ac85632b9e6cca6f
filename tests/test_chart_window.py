"""The chart in the window (gui/chart.py, offscreen): drawn in its own thread into an image that
is, pixel for pixel, the figure the layout tests measure; export; a failed drawing."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from chart_support import assert_inside, demo, drawn, pubmed, pubmed_library  # noqa: E402,F401


def rgba(image):
    """A QImage's pixels as an (height, width, 4) array."""
    import numpy as np
    from PySide6.QtGui import QImage
    image = image.convertToFormat(QImage.Format_RGBA8888)
    raw = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return raw.reshape(image.height(), image.bytesPerLine())[:, :image.width() * 4].reshape(
        image.height(), image.width(), 4)


def test_chart_dialog_draws_off_the_event_loop_and_exports(qtbot, pubmed, tmp_path,
                                                           monkeypatch):
    pytest.importorskip("PySide6")
    import threading
    import numpy as np
    from amlref.gui.chart import ChartDialog
    from amlref.services import chart
    from amlref.services.views import View
    threads = []
    figure = chart.figure

    def spy(*args, **kw):
        threads.append(threading.current_thread().name)
        return figure(*args, **kw)
    monkeypatch.setattr(chart, "figure", spy)
    d = ChartDialog(pubmed, View(), "All articles")
    qtbot.addWidget(d)
    assert d.image is None and d.data.total == pubmed.articles.count()
    d.show()
    by_dialog = []
    for width, height in ((700, 620), (1400, 1000)):
        d.resize(width, height)
        area = d.area
        ratio = area.devicePixelRatioF()
        qtbot.waitUntil(lambda: d.image is not None and (d.image.width(), d.image.height()) == (
            round(area.width() * ratio), round(area.height() * ratio)), timeout=10000)
        by_dialog += threads
        # the window shows exactly the chart whose layout the tests above measure, at its size
        fig, renderer = drawn(d.data, (area.width(), area.height()))
        threads.clear()
        assert_inside(fig, renderer)
        if ratio == 1:
            assert np.array_equal(rgba(d.image), np.asarray(fig.canvas.buffer_rgba()))
    # made in the chart's own thread, never in the window's, once: a resize lays the same
    # figure out again (and its image is the one of a figure made at that size)
    assert by_dialog == ["amlref-chart"]
    out = d.export(str(tmp_path / "x.svg"))
    assert out and ET.parse(out).getroot().tag.endswith("svg")
    assert threads[-1] == threading.current_thread().name     # export: the chart as shown
    assert d.fig.get_size_inches() * 100 == pytest.approx((d.area.width(), d.area.height()))
    d.close()


def test_chart_dialog_says_when_the_drawing_failed(qtbot, demo, monkeypatch):
    from amlref.gui.chart import ChartDialog
    from amlref.services import chart
    from amlref.services.views import View

    def broken(*args, **kw):
        raise ValueError("no room for the legend")
    monkeypatch.setattr(chart, "figure", broken)
    d = ChartDialog(demo, View(), "All articles")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitUntil(lambda: "could not be drawn" in d.area.message, timeout=10000)
    assert d.area.message == ("The chart could not be drawn: ValueError: no room for the "
                              "legend") and d.image is None
