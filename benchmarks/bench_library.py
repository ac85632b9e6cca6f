"""Insert rate and FTS search latency of the library at N articles (default 100,000).

Baseline (same run): a bare executemany of the same row tuples into a plain table with no
indexes, triggers or FTS; and, for search, fetching 50 rows by primary key."""
from __future__ import annotations

import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from synthetic import WORDS, make_articles  # noqa: E402

from amlref.storage.articles import _INSERT_COLS, row_values  # noqa: E402
from amlref.storage.library import Library, now_iso  # noqa: E402


def main(n: int = 100_000) -> None:
    arts = make_articles(n)
    tmp = tempfile.mkdtemp(prefix="amlref-bench-")
    # baseline: bare executemany
    now = now_iso()
    rows = [row_values(a, now) for a in arts]
    conn = sqlite3.connect(os.path.join(tmp, "bare.sqlite"))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"CREATE TABLE t ({', '.join(_INSERT_COLS)})")
    t0 = time.perf_counter()
    with conn:
        conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(_INSERT_COLS))})", rows)
    bare = time.perf_counter() - t0
    conn.close()

    lib = Library.open(os.path.join(tmp, "lib.sqlite"))
    fresh = make_articles(n)
    t0 = time.perf_counter()
    lib.articles.add_many(fresh)
    full = time.perf_counter() - t0
    print(f"insert {n} articles: library {full:.2f} s ({n / full:,.0f}/s), bare executemany "
          f"{bare:.2f} s ({n / bare:,.0f}/s); ratio {full / bare:.2f}")

    rnd = random.Random(7)
    queries = []
    for _ in range(100):
        k = rnd.choice((1, 1, 2, 2, 3))
        queries.append(" ".join(rnd.choice(WORDS) for _ in range(k)))
    times, hits = [], []
    for q in queries:
        t0 = time.perf_counter()
        ids = lib.articles.search(q, limit=50)
        times.append((time.perf_counter() - t0) * 1000)
        hits.append(len(ids))
    med = statistics.median(times)
    base = []
    for _ in range(100):
        ids = [rnd.randint(1, n) for _ in range(50)]
        t0 = time.perf_counter()
        lib.articles.get_many(ids)
        base.append((time.perf_counter() - t0) * 1000)
    bmed = statistics.median(base)
    print(f"search (first 50 hits, 100 queries): median {med:.2f} ms, p90 "
          f"{sorted(times)[89]:.2f} ms, mean hits {statistics.mean(hits):.0f}; baseline (50 rows by "
          f"id, full Article objects) median {bmed:.2f} ms; ratio {med / bmed:.2f}; target < 20 ms: "
          f"{'OK' if med < 20 else 'MISSED'}")
    lib.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
