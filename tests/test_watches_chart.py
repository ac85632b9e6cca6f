"""The field at a glance: chart numbers from a real library, `amlref chart` writing real SVG and
PNG files, and the window's chart dialog (offscreen)."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def demo(lib):
    from amlref.gui.demo import load_demo
    load_demo(lib)
    return lib


def test_numbers_match_the_library(demo):
    from amlref.services.chart import chart_data
    from amlref.services.views import View
    from amlref.storage.watches import WatchStore
    d = chart_data(demo)
    assert d.total == demo.articles.count()
    per_year = {y: sum(row[i] for row in d.by_year.values()) for i, y in enumerate(d.years)}
    for y, n in per_year.items():
        # an article in two top-level categories is counted in both stacks
        assert n >= demo.execute("SELECT count(*) FROM articles WHERE year = ? AND deleted_at IS "
                                 "NULL", (y,)).fetchone()[0]
    top = demo.execute("SELECT container, count(*) FROM articles WHERE container != '' GROUP BY "
                       "container ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    assert d.journals[0] == tuple(top)
    ids = [r[0] for r in demo.execute("SELECT id FROM articles")]
    wid = WatchStore(demo).add("w", "pubmed", "x")
    WatchStore(demo).put(wid, ids[:3])
    d = chart_data(demo)
    assert sum(d.per_week) == 3 and len(d.weeks) == 1
    cat = chart_data(demo, View(category="adoptive-cell-therapy"))
    assert 0 < cat.total < d.total
    assert "Adoptive cell therapy" in cat.by_year


def test_chart_command_writes_svg_and_png(demo, cli, lib_path, tmp_path):
    svg, png = tmp_path / "f.svg", tmp_path / "f.png"
    r = cli("chart", "--category", "adoptive-cell-therapy", "-o", svg)
    assert r.code == 0, r
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = svg.read_text("utf-8")
    assert "Articles per year by category" in text and "Top journals" in text
    assert cli("chart", "-o", png).code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = cli("chart", "-o", tmp_path / "f.pdf")
    assert r.code == 2 and r.err.count("\n") == 1
    r = cli("chart", "--tag", "nosuchtag", "-o", svg)
    assert r.code == 2 and "nosuchtag" in r.err


def test_chart_dialog_draws_and_exports(qtbot, demo, tmp_path):
    pytest.importorskip("PySide6")
    from amlref.gui.chart import ChartDialog
    from amlref.services.views import View
    d = ChartDialog(demo, View(), "All articles")
    qtbot.addWidget(d)
    d.show()
    d.canvas.draw()
    assert len(d.fig.axes) == 3 and d.fig.axes[0].patches
    out = d.export(str(tmp_path / "x.svg"))
    assert out and ET.parse(out).getroot().tag.endswith("svg")
