"""The field at a glance: chart numbers from a real library, `amlref chart` writing real SVG and
PNG files, and the layout of the drawn figure measured with matplotlib's own renderer on a
library of real PubMed records (tests/chart_support.py).  More: test_chart_numbers.py (every
view against plain queries), test_chart_layout.py (a crowded chart), test_chart_window.py."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from chart_support import (SIZES, assert_apart, assert_inside, demo, drawn,  # noqa: E402,F401
                           pubmed, pubmed_library, stamp, tick_labels)


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
