"""The field at a glance: chart numbers from a real library, `amlref chart` writing real SVG and
PNG files, the window's chart dialog (offscreen), and the layout of the drawn figure measured
with matplotlib's own renderer on a library of real PubMed records (the demo library plus the
metapub efetch records: journals with long names, a few articles from the 1970s)."""
from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES = ((700, 620), (1000, 860), (1400, 1000))


@pytest.fixture
def demo(lib):
    from amlref.gui.demo import load_demo
    load_demo(lib)
    return lib


@pytest.fixture(scope="module")
def pubmed_library(tmp_path_factory):
    """Demo library + the real PubMed efetch records (imported and classified once)."""
    from support import corpus
    folder = corpus("pubmed", "metapub-pmid-xml")
    files = [str(p) for p in sorted(folder.glob("*.xml"))
             if "<PubmedArticle>" in p.read_text("utf-8")]
    tmp = tmp_path_factory.mktemp("pubmed-lib")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(tmp / var))
        from amlref.gui.demo import load_demo
        from amlref.services.importing import import_paths
        from amlref.storage.library import Library
        lib = Library.open(tmp / "pubmed.sqlite")
        load_demo(lib)
        import_paths(lib, files)
        lib.close()
    return tmp / "pubmed.sqlite"


@pytest.fixture
def pubmed(pubmed_library, tmp_path):
    from amlref.storage.library import Library
    path = tmp_path / "library.sqlite"
    shutil.copy(pubmed_library, path)
    library = Library.open(path)
    yield library
    library.close()


def stamp(d: date | datetime) -> str:
    if not isinstance(d, datetime):
        d = datetime(d.year, d.month, d.day, 12, tzinfo=timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def drawn(data, size=(1000, 860), title="All articles"):
    """The chart figure drawn with Agg at ``size`` pixels; (figure, renderer)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from amlref.services.chart import figure
    fig = Figure(figsize=(size[0] / 100, size[1] / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    figure(data, title, fig)
    canvas.draw()
    return fig, canvas.get_renderer()


def extents(fig, renderer):
    """What is drawn, as matplotlib measures it: each panel with its title, tick labels, axis
    labels, legend and texts (ticks out of view and hidden axes left out), and the title."""
    out = [(ax.get_title(loc="left"), ax.get_tightbbox(renderer)) for ax in fig.axes]
    if fig._suptitle is not None:
        out.append((fig._suptitle.get_text(), fig._suptitle.get_window_extent(renderer)))
    return out


def assert_inside(fig, renderer):
    w, h = fig.bbox.width, fig.bbox.height
    for what, box in extents(fig, renderer):
        assert box.x0 >= -0.5 and box.y0 >= -0.5, (what, box, w, h)
        assert box.x1 <= w + 0.5 and box.y1 <= h + 0.5, (what, box, w, h)


def tick_labels(axis):
    return [t for t in axis.get_majorticklabels() if t.get_visible() and t.get_text()]


def assert_apart(labels, renderer):
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
    for a, b in zip(boxes, boxes[1:]):
        assert a.x1 <= b.x0 + 0.5, "tick labels overlap"


# -- numbers -------------------------------------------------------------------------------------
def test_numbers_match_the_library(demo):
    from amlref.services.chart import chart_data, this_monday
    from amlref.services.views import View
    from amlref.storage.watches import WatchStore
    d = chart_data(demo)
    assert d.total == demo.articles.count()
    per_year = {y: sum(row[i] for row in d.by_year.values()) for i, y in enumerate(d.years)}
    for i, (y, n) in enumerate(per_year.items()):
        # an article in two top-level categories is counted in both stacks
        exact = demo.execute("SELECT count(*) FROM articles WHERE year = ? AND deleted_at IS "
                             "NULL", (y,)).fetchone()[0]
        assert n >= exact and d.per_year[i] == exact
    assert d.undated == d.total - sum(d.per_year)
    top = demo.execute("SELECT container, count(*) FROM articles WHERE container != '' GROUP BY "
                       "container ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    assert d.journals[0] == tuple(top)
    assert d.weeks == [] and d.watches == 0
    ids = [r[0] for r in demo.execute("SELECT id FROM articles")]
    wid = WatchStore(demo).add("w", "pubmed", "x")
    WatchStore(demo).put(wid, ids[:3])
    d = chart_data(demo)
    assert d.per_week == [3] and d.weeks == [this_monday().isoformat()] and d.watches == 1
    cat = chart_data(demo, View(category="adoptive-cell-therapy"))
    assert 0 < cat.total < d.total
    assert "Adoptive cell therapy" in cat.by_year


def test_weeks_run_monday_to_sunday_with_empty_weeks_as_zero(demo):
    from amlref.services.chart import chart_data, this_monday
    from amlref.storage.watches import WatchStore
    ids = [r[0] for r in demo.execute("SELECT id FROM articles ORDER BY id")]
    store = WatchStore(demo)
    wid = store.add("w", "pubmed", "x")
    monday = this_monday()
    sunday_before = monday - timedelta(days=1)
    store.put(wid, ids[0:2], when=stamp(monday - timedelta(weeks=3)))       # a Monday
    store.put(wid, ids[2:3], when=stamp(sunday_before))                     # last week's end
    store.put(wid, ids[3:4], when=stamp(monday - timedelta(weeks=40)))      # out of the window
    d = chart_data(demo)
    assert d.weeks == [(monday - timedelta(weeks=k)).isoformat() for k in (3, 2, 1, 0)]
    assert d.per_week == [2, 0, 1, 0]
    d = chart_data(demo, weeks=52)
    assert len(d.weeks) == 41 and d.per_week[0] == 1 and sum(d.per_week) == 4
    # the weeks a watch has been running count, even those that brought nothing
    demo.execute("DELETE FROM inbox WHERE article_id = ?", (ids[3],))
    demo.execute("UPDATE watches SET created = ?", (stamp(monday - timedelta(weeks=6)),))
    d = chart_data(demo)
    assert d.watched_since == (monday - timedelta(weeks=6)).isoformat()
    assert d.weeks[0] == d.watched_since and d.per_week == [0, 0, 0, 2, 0, 1, 0]


def test_colours_are_fixed_per_category_and_the_rest_is_grey(pubmed):
    from amlref.services.chart import NONE, NONE_COLOUR, chart_data
    from amlref.services.views import View
    from amlref.taxonomy.model import load
    everything = chart_data(pubmed)
    assert everything.colours[NONE] == NONE_COLOUR
    shown = [label for label in everything.by_year if label != NONE]
    assert len(shown) >= 2, "the real records should fall into several categories"
    assert len({everything.colours[label] for label in everything.by_year}) == len(
        everything.by_year)
    roots = load().roots("category")
    for root in roots:
        part = chart_data(pubmed, View(category=root.slug))
        for label, colour in part.colours.items():
            assert colour == everything.colours.get(label, colour)
        if root.label in part.by_year:
            assert part.colours[root.label] == everything.colours[root.label]


# -- the drawing ---------------------------------------------------------------------------------
def test_layout_keeps_every_text_inside_and_panels_apart(pubmed):
    from amlref.services.chart import chart_data
    from amlref.services.chart_figure import OVERLAP, journal_name
    from amlref.storage.watches import WatchStore
    ids = [r[0] for r in pubmed.execute("SELECT id FROM articles ORDER BY id")]
    store = WatchStore(pubmed)
    wid = store.add("AML immunotherapy", "pubmed", "x")
    now = datetime.now(timezone.utc)
    for k, aid in enumerate(ids):
        store.put(wid, [aid], when=stamp(now - timedelta(days=(k * 13) % 180)))
    pubmed.execute("UPDATE articles SET year = NULL WHERE id = ?", (ids[-1],))
    data = chart_data(pubmed)
    assert max(len(j) for j, _ in data.journals) > 40        # names longer than the room
    assert data.undated == 1 and "1 without a year" in drawn(data)[0].axes[0].get_title("left")
    for size in SIZES:
        fig, renderer = drawn(data, size)
        years, weeks, journals = fig.axes
        assert_inside(fig, renderer)
        # the journal names, whole or as their NLM abbreviation, widen their own panel only
        names = [t.get_text() for t in tick_labels(journals.yaxis)]
        assert names == [journal_name(j, data.abbreviations) for j, _ in data.journals][::-1]
        assert not any(n.endswith("…") for n in names
                       if n not in data.abbreviations.values())
        widest = max(t.get_window_extent(renderer).width for t in tick_labels(journals.yaxis))
        assert journals.bbox.x0 >= widest
        assert years.bbox.x0 < widest / 2 and weeks.bbox.x0 < widest / 2
        assert years.bbox.width > 0.6 * size[0] - 200 and weeks.bbox.width > 0.8 * size[0]
        # labels of the two time axes do not run into each other
        assert_apart(tick_labels(years.xaxis), renderer)
        assert_apart(tick_labels(weeks.xaxis), renderer)
        assert len(tick_labels(weeks.xaxis)) >= 3
        # the legend sits beside the bars, not on them
        legend = years.get_legend().get_window_extent(renderer)
        assert legend.x0 >= years.bbox.x1
        several = sum(map(sum, data.by_year.values())) > sum(data.per_year)
        assert years.get_legend().get_title().get_text() == (OVERLAP if several else "")
        # the panels do not overlap
        assert years.bbox.y0 > weeks.bbox.y1 and weeks.bbox.y0 > journals.bbox.y1


def crowded(growing: bool):
    """Numbers a fixed-margin layout could get wrong: 40 years, the 7 top-level categories
    of the taxonomy and "(no category)" (long labels wrapped in the legend), six-digit counts,
    journal names longer than the room with and without an NLM abbreviation, 26 weeks."""
    from amlref.services.chart import NONE, NONE_COLOUR, PALETTE, ChartData
    from amlref.taxonomy.model import load
    roots = load().roots("category")
    assert len(roots) == 7
    years = list(range(1986, 2026))
    d = ChartData(years=years, watches=1)
    base = [(k + 1) ** 3 if growing else 3_000 for k in range(40)]
    for i, root in enumerate(roots):
        d.by_year[root.label] = [b // (i + 2) for b in base]
        d.colours[root.label] = PALETTE[i]
    d.by_year[NONE] = [b * 2 for b in base]
    d.colours[NONE] = NONE_COLOUR
    d.per_year = [sum(row[k] for row in d.by_year.values()) * 2 // 3 for k in range(40)]
    d.total = sum(d.per_year) + 12
    d.undated = 12
    monday = date(2026, 11, 30)
    d.weeks = [(monday - timedelta(weeks=k)).isoformat() for k in range(25, -1, -1)]
    d.per_week = [1_500 - 37 * k for k in range(26)]
    d.watched_since = d.weeks[0]
    pnas = "Proceedings of the National Academy of Sciences of the United States of America"
    bbmt = ("Biology of Blood and Marrow Transplantation : Journal of the American Society for "
            "Blood and Marrow Transplantation")
    names = [pnas, bbmt, "Journal for ImmunoTherapy of Cancer", "Blood", "Leukemia",
             "Cancer Immunology, Immunotherapy : CII", "Frontiers in Immunology",
             "Bone Marrow Transplantation", "Haematologica", "Blood Advances"]
    d.journals = [(n, 240_000 // (k + 1)) for k, n in enumerate(names)]
    d.abbreviations = {pnas: "Proc Natl Acad Sci U S A"}
    return d


@pytest.mark.parametrize("growing", [False, True])
def test_a_crowded_chart_keeps_its_texts_apart(growing):
    from amlref.services.chart_figure import OVERLAP, year_range
    data = crowded(growing)
    assert (year_range(data.years, data.per_year) is not None) == growing   # "before" bar
    for size in SIZES:
        fig, renderer = drawn(data, size, title="Articles brought by the watch AML CAR-T "
                                                "and bispecific T-cell engagers")
        years, weeks, journals = fig.axes
        assert_inside(fig, renderer)
        boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]   # legend and labels included
        title = fig._suptitle.get_window_extent(renderer)
        assert title.y0 >= boxes[0].y1 - 0.5, size
        for upper, lower in zip(boxes, boxes[1:]):
            assert upper.y0 >= lower.y1 - 0.5, (size, upper, lower)
        legend = years.get_legend()
        assert legend.get_title().get_text() == OVERLAP
        box = legend.get_window_extent(renderer)
        assert box.x0 >= years.bbox.x1 and box.x1 <= size[0] and box.y0 >= boxes[1].y1, size
        texts = [t.get_text() for t in legend.get_texts()]
        assert len(texts) == 8 and "\n" in texts[6]               # wrapped, all shown
        for ax in (years, weeks):
            labels = tick_labels(ax.xaxis)
            assert len(labels) >= 3
            assert_apart(labels, renderer)
            numbers = tick_labels(ax.yaxis)
            widest = max(len(t.get_text()) for t in numbers)
            assert widest >= (6 if ax is years and growing else 4)
            ylabel = ax.yaxis.label.get_window_extent(renderer)
            assert ylabel.x0 >= 0 and ylabel.x1 <= min(
                t.get_window_extent(renderer).x0 for t in numbers), size
        names = tick_labels(journals.yaxis)
        assert [t.get_text() for t in names][::-1][:2] == ["Proc Natl Acad Sci U S A",
                                                         "Biology of Blood and Marrow Transplanta…"]
        assert min(t.get_window_extent(renderer).x0 for t in names) >= 0
        assert max(t.get_window_extent(renderer).x1 for t in names) <= journals.bbox.x0
        counts = [t.get_window_extent(renderer) for t in journals.texts]
        assert max(b.x1 for b in counts) <= size[0] and journals.texts[-1].get_text() == (
            " 240,000")


def test_old_articles_are_summed_up_in_one_earlier_bar(pubmed):
    from amlref.services.chart import chart_data
    from amlref.services.chart_figure import year_range
    data = chart_data(pubmed)
    first = year_range(data.years, data.per_year)
    assert first is not None and data.years[0] < 1980 and first > 2000   # real 1970s records
    dated = sum(data.per_year)
    before = pubmed.execute("SELECT count(*) FROM articles WHERE year < ?", (first,)).fetchone()[0]
    assert 0 < before <= 0.05 * dated
    fig, renderer = drawn(data, (1000, 860))
    ax = fig.axes[0]
    labels = [t.get_text() for t in tick_labels(ax.xaxis)]
    assert labels[0] == f"before\n{first}"
    assert all(int(x) >= first for x in labels[1:])
    lo, hi = ax.get_xlim()
    assert first - 3 < lo < first - 2 and hi < data.years[-1] + 1
    # the "before" bar (the hatched stack) holds the articles of those years, per category
    hatched = [c for c in ax.collections if c.get_hatch()]
    top = max(p.vertices[:, 1].max() for c in hatched for p in c.get_paths())
    assert top == before


def test_recent_years_are_not_summed_up():
    from amlref.services.chart_figure import year_range
    assert year_range([2020, 2021, 2022, 2023, 2024], [1, 1, 1, 1, 30]) is None
    # a long, even history keeps its years; one very old article does not stretch the axis
    assert year_range(list(range(1995, 2026)), [10] * 31) is None
    assert year_range(list(range(1980, 2023)), [100] * 43) is None     # 3 of 40 years: stay
    years = list(range(1974, 2026))
    per_year = [1] + [0] * 45 + [10, 20, 30, 40, 50, 60]
    assert year_range(years, per_year) == 2020            # 2020-2025 hold 210 of 211
    per_year = [1] + [0] * 49 + [50, 60]
    assert year_range(years, per_year) == 2021            # at least five years shown
    assert year_range([], []) is None


def test_one_year_is_not_one_bar_across_the_panel(demo):
    from amlref.services.chart import chart_data
    demo.execute("UPDATE articles SET year = 2024")
    data = chart_data(demo)
    assert data.years == [2024]
    fig, renderer = drawn(data, (1000, 860))
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    assert hi - lo >= 5 and lo < 2020 < 2024 < hi
    assert [t.get_text() for t in tick_labels(ax.xaxis)][-1] == "2024"
    assert_apart(tick_labels(ax.xaxis), renderer)


def test_week_axis_is_readable_from_one_week_to_more_than_a_year(demo):
    from amlref.services.chart import chart_data, this_monday
    from amlref.storage.watches import WatchStore
    ids = [r[0] for r in demo.execute("SELECT id FROM articles ORDER BY id")]
    store = WatchStore(demo)
    wid = store.add("w", "pubmed", "x")
    monday = this_monday()
    for n_weeks in (1, 9, 60):
        demo.execute("DELETE FROM inbox")
        store.put(wid, ids[:1], when=stamp(monday - timedelta(weeks=n_weeks - 1)))
        store.put(wid, ids[1:3], when=stamp(monday))
        data = chart_data(demo, weeks=70)
        assert len(data.weeks) == n_weeks
        for size in SIZES:
            fig, renderer = drawn(data, size)
            ax = fig.axes[1]
            labels = tick_labels(ax.xaxis)
            assert 2 <= len(labels) <= 16, (n_weeks, size, [t.get_text() for t in labels])
            assert_apart(labels, renderer)
            lo, hi = ax.get_xlim()
            assert hi - lo >= 8                             # one week is not one huge bar
            text = [t.get_text() for t in labels]
            last = labels[-1].get_text().split("\n")[0]
            assert last == f"{monday.day} {monday:%b}", text   # this week is labelled
            assert any(str(y) in " ".join(text) for y in (monday.year, monday.year - 1))
            # weeks shown before the watch was made are marked as such
            assert [t.get_text() for t in ax.texts] == (["no watch yet"] if n_weeks == 1 else [])


def test_an_empty_watch_history_says_so(demo):
    from amlref.services.chart import chart_data
    from amlref.storage.watches import WatchStore
    fig, _ = drawn(chart_data(demo))
    ax = fig.axes[1]
    assert not ax.axison
    assert [t.get_text() for t in ax.texts] == ["no watch yet (Watches menu, or amlref watch add)"]
    WatchStore(demo).add("w", "pubmed", "x")
    fig, _ = drawn(chart_data(demo))
    assert "brought no new article" in fig.axes[1].texts[0].get_text()


def test_an_empty_view_draws_three_empty_panels(lib):
    from amlref.services.chart import chart_data
    fig, _ = drawn(chart_data(lib))
    said = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert said == ["no article in the view has a year",
                    "no watch yet (Watches menu, or amlref watch add)",
                    "no journal names in the view"]


def test_long_journal_names_use_the_nlm_abbreviation_or_are_cut():
    from amlref.services.chart_figure import NAME_CHARS, journal_name
    pnas = "Proceedings of the National Academy of Sciences of the United States of America"
    assert journal_name(pnas, {pnas: "Proc Natl Acad Sci U S A"}) == "Proc Natl Acad Sci U S A"
    cut = journal_name(pnas, {})
    assert cut.endswith("…") and len(cut) <= NAME_CHARS and pnas.startswith(cut[:-1])
    assert journal_name("Blood", {"Blood": "Blood"}) == "Blood"


# -- files and the window ------------------------------------------------------------------------
def test_chart_command_writes_svg_and_png(demo, cli, lib_path, tmp_path):
    svg, png = tmp_path / "f.svg", tmp_path / "f.png"
    r = cli("chart", "--category", "adoptive-cell-therapy", "-o", svg)
    assert r.code == 0, r
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = svg.read_text("utf-8")
    assert "Articles per year by category" in text and "Top journals" in text
    assert "Adoptive cell therapy" in text and "adoptive-cell-therapy" not in text  # its label
    r = cli("chart", "--category", "adoptive-cell-therapie", "-o", tmp_path / "x.svg")
    assert r.code == 2 and r.err.count("\n") == 1 and "adoptive-cell-therapy" in r.err
    assert not (tmp_path / "x.svg").exists()
    assert cli("chart", "-o", png).code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = cli("chart", "-o", tmp_path / "f.pdf")
    assert r.code == 2 and r.err.count("\n") == 1
    r = cli("chart", "--tag", "nosuchtag", "-o", svg)
    assert r.code == 2 and "nosuchtag" in r.err


def test_exports_of_a_real_library_decode(pubmed, tmp_path):
    from PIL import Image
    from amlref.services.chart import chart_data, save
    data = chart_data(pubmed)
    png, svg = tmp_path / "c.png", tmp_path / "c.svg"
    save(data, png, "All articles")
    with Image.open(png) as im:
        im.load()
        assert im.format == "PNG" and im.size == (1200, 1080)
        # drawn, not blank: the grey "(no category)" bars and the journals' green are there
        colours = {c for _n, c in im.convert("RGB").getcolors(1_000_000)}
        assert (0xc4, 0xc4, 0xc4) in colours and (0x55, 0xa8, 0x68) in colours
    save(data, svg, "All articles")
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "720pt" and root.get("height") == "648pt"
    assert "Top journals" in svg.read_text("utf-8")
    from amlref.core.errors import UsageError
    with pytest.raises(UsageError, match=r"nosuchdir.*cannot write"):
        save(data, tmp_path / "nosuchdir" / "c.png")


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


def test_svg_and_png_layouts_do_not_depend_on_which_was_drawn_first(pubmed, tmp_path):
    """Text sizes are remembered per resolution: an SVG (measured in points) and a PNG at
    120 dpi are laid out the same whichever was drawn first."""
    import re
    from PIL import Image
    from amlref.services import chart_layout
    from amlref.services.chart import chart_data, save
    data = chart_data(pubmed)

    def svg(name):
        save(data, tmp_path / name, "All articles")
        text = (tmp_path / name).read_text("utf-8")
        text = re.sub(r"<dc:date>[^<]*</dc:date>", "", text)
        return re.sub(r'(id="|#)[A-Za-z_]*[0-9a-f]{8,}', r"\1id", text)     # generated ids

    def png(name):
        save(data, tmp_path / name, "All articles")
        with Image.open(tmp_path / name) as im:
            return im.convert("RGB").tobytes()
    chart_layout._SIZES.clear()
    svg_first, png_second = svg("1.svg"), png("1.png")
    chart_layout._SIZES.clear()
    png_first, svg_second = png("2.png"), svg("2.svg")
    assert svg_first == svg_second and png_first == png_second
