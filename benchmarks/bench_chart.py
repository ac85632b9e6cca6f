"""The field at a glance on a 100,000-article view: numbers + drawing (target < 300 ms).

    .venv/bin/python benchmarks/bench_chart.py [--n 100000] [--library PATH] [--no-window]

Builds (or reuses) the synthetic library of bench_gui.py (categories on ~30% of the articles),
puts 5,000 of them in a watch's Inbox over 26 weeks (tagged with the watch's name, as a run
does), then measures (median of 5), against the bare ``GROUP BY year`` over the same view as
the baseline:

- ``data``: :func:`amlref.services.chart.chart_data` (per year by category, per week from the
  watches, top journals) of the whole library, then of the whole library with 1% of it in the
  trash (put back at the end), a top-level category and the watch's articles;
- ``drawing``: the figure of those numbers laid out and rendered to pixels (Agg, what the
  window shows), against a bare figure of three empty panels rendered the same way;
- ``data + drawing``: both, what opening the chart costs (target < 300 ms);
- the window (offscreen): what ``ChartDialog()`` holds the event loop for (the numbers), and
  the time until its first image, drawn in the chart's thread.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(__file__))


CPU: dict = {}     # {function: median CPU ms of its last median_ms}


def median_ms(fn, n=5) -> float:
    """Median wall time of ``n`` runs in ms (the median CPU time in ``CPU[fn]``)."""
    out, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    CPU[fn] = statistics.median(cpu)
    return statistics.median(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--library")
    ap.add_argument("--no-window", action="store_true", help="leave out the window's figures")
    args = ap.parse_args()
    path = args.library or os.path.join(tempfile.mkdtemp(prefix="amlref-bench-chart-"),
                                        "lib.sqlite")
    if not os.path.exists(path):
        from bench_gui import build
        build(path, args.n)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from amlref.services import chart
    from amlref.services.views import View
    from amlref.storage.library import Library
    from amlref.storage.watches import WatchStore
    lib = Library.open(path)
    store = WatchStore(lib)
    if store.find("bench") is None:
        wid = store.add("bench", "pubmed", "x")
        rnd = random.Random(3)
        ids = lib.articles.ids()
        now = datetime.now(timezone.utc)
        with lib.transaction():
            lib.conn.executemany(
                "INSERT OR IGNORE INTO inbox(watch_id, article_id, state, added) VALUES "
                "(?, ?, 'new', ?)",
                [(wid, i, (now - timedelta(days=rnd.randint(0, 180))).strftime(
                    "%Y-%m-%dT%H:%M:%S.000000Z")) for i in rnd.sample(ids, 5000)])
    if not lib.execute("SELECT 1 FROM tags WHERE name = 'bench'").fetchone():
        lib.tags.add([r[0] for r in lib.execute("SELECT article_id FROM inbox")], "bench")
    import amlref.services.views as views
    views.AUTO_RECLASSIFY = False          # (as in the window: the synthetic categories stay)
    view = View()
    n = lib.articles.count()
    base = median_ms(lambda: lib.execute(
        "SELECT year, count(*) FROM articles a WHERE a.deleted_at IS NULL GROUP BY year"
    ).fetchall())
    whole = lambda: chart.chart_data(lib, view)    # noqa: E731
    data = median_ms(whole)
    others = []
    trashed = lib.articles.ids()[::100]
    lib.articles.trash(trashed)
    try:
        for label, v in (("1% in the trash", View()),
                         ("category adoptive-cell-therapy", View(category="adoptive-cell-therapy")),
                         ("the watch's 5,000 (tag)", View(tag="bench"))):
            fn = lambda v=v: chart.chart_data(lib, v)    # noqa: E731
            others.append((label, median_ms(fn), CPU[fn], chart.chart_data(lib, v).total))
    finally:
        lib.articles.restore(trashed)

    numbers = chart.chart_data(lib, view)

    def drawing():
        FigureCanvasAgg(chart.figure(numbers, "All articles")).draw()

    def bare():
        fig = Figure(figsize=(10, 9))
        fig.subplots(3, 1)
        FigureCanvasAgg(fig).draw()

    def both():
        fig = chart.figure(chart.chart_data(lib, view), "All articles")
        FigureCanvasAgg(fig).draw()
    drawing(), bare()                                # (matplotlib's first-use costs: fonts)
    bare_ms, draw_ms, both_ms = median_ms(bare), median_ms(drawing), median_ms(both)
    print(f"{n:,} articles: bare GROUP BY year {base:.0f} ms; chart data {data:.0f} ms "
          f"({data / base:.1f}x); drawing {draw_ms:.0f} ms ({draw_ms / bare_ms:.1f}x a bare "
          f"three-panel figure, {bare_ms:.0f} ms); data + drawing {both_ms:.0f} ms "
          f"(target < 300 ms); CPU: data {CPU[whole]:.0f}, drawing {CPU[drawing]:.0f}, both "
          f"{CPU[both]:.0f} ms; load {os.getloadavg()[0]:.1f}")
    for label, ms, cpu, total in others:
        print(f"  chart data, {label} ({total:,} articles): {ms:.0f} ms (CPU {cpu:.0f} ms)")
    if not args.no_window:
        window(lib, view)
    lib.close()
    return 0


def window(lib, view) -> None:
    """The dialog offscreen: the constructor (numbers, on the event loop) and its first image."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    from amlref.gui.chart import ChartDialog
    app = QApplication.instance() or QApplication([])
    made, shown = [], []
    for _ in range(5):
        t = time.perf_counter()
        d = ChartDialog(lib, view, "All articles")
        made.append((time.perf_counter() - t) * 1000)
        d.resize(1000, 860)
        d.show()
        while d.image is None:
            app.processEvents()
            time.sleep(0.001)
        shown.append((time.perf_counter() - t) * 1000)
        d.close()
        d.deleteLater()
        app.processEvents()
    print(f"  window: ChartDialog() holds the event loop {statistics.median(made):.0f} ms "
          f"(the numbers); first image {statistics.median(shown):.0f} ms after (drawn in the "
          "chart's thread)")


if __name__ == "__main__":
    sys.exit(main())
