"""The field at a glance on a 100,000-article view: numbers + drawing (target < 300 ms).

    .venv/bin/python benchmarks/bench_chart.py [--n 100000] [--library PATH]

Builds (or reuses) the synthetic library of bench_gui.py (categories on ~30% of the articles),
puts 5,000 of them in a watch's Inbox over 26 weeks, then measures (median of 5), against the
bare ``GROUP BY year`` over the same view as the baseline:

- ``data``: :func:`amlref.services.chart.chart_data` (per year by category, per week from the
  watches, top journals);
- ``drawing``: the figure of those numbers laid out and rendered to pixels (Agg, what the
  window shows), against a bare figure of three empty panels rendered the same way;
- ``data + drawing``: both, what opening the chart costs (target < 300 ms).
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


def median_ms(fn, n=5) -> float:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--library")
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
    view = View()
    n = lib.articles.count()
    base = median_ms(lambda: lib.execute(
        "SELECT year, count(*) FROM articles a WHERE a.deleted_at IS NULL GROUP BY year"
    ).fetchall())
    data = median_ms(lambda: chart.chart_data(lib, view))

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
          "(target < 300 ms)")
    lib.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
