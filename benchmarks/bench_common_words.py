"""The search's common-word check (storage/search.all_common) at N articles (default 100,000).

Baseline (same run, query by query, interleaved): every word counted in full from the FTS5
vocabulary table (``doc`` of the term, ``sum(doc)`` of a prefix's terms), as the check did up to
session 5.  Measured: the check with nothing kept ("cold": a query never seen since the library
last changed), with what the queries before it in the same round kept ("in order": a session
on an unchanged library; a word typed letter by letter) and the same query again at once
("again": the local server's picker and the window's re-searches).  Two query sets:
100 domain queries of 1-3 words as bench_library.py and bench_server.py make them, and
search-as-you-type (each domain word typed letter by letter from its third letter).  The
answers are checked equal to the baseline's.

    .venv/bin/python benchmarks/bench_common_words.py [N] [--library PATH] [--rounds R]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from synthetic import WORDS, make_articles  # noqa: E402

from amlref.storage import search as S  # noqa: E402
from amlref.storage.articles import COMMON_DOCS  # noqa: E402
from amlref.storage.library import Library  # noqa: E402
from tests.search_support import full_count  # noqa: E402


def measure(lib, queries: list[str], rounds: int) -> dict[str, list[float]]:
    """Per query, interleaved: the baseline, "cold" (nothing kept), "in order" (what the
    queries before it in this round left: a session on an unchanged library), "again" (the
    same query at once)."""
    names = ("full count (baseline)", "cold", "in order", "again")
    times: dict[str, list[float]] = {k: [] for k in names}
    pqs = [S.parse_query(q) for q in queries]
    for _ in range(rounds):
        S._COUNTS.clear()
        session = None
        for q, pq in zip(queries, pqs):
            t0 = time.perf_counter()
            want = full_count(lib, pq, COMMON_DOCS)
            t1 = time.perf_counter()
            S._COUNTS.clear()
            t2 = time.perf_counter()
            cold = S.all_common(lib, pq, COMMON_DOCS)
            t3 = time.perf_counter()
            S._COUNTS.clear()
            if session is not None:
                S._COUNTS[lib] = session
            t4 = time.perf_counter()
            ordered = S.all_common(lib, pq, COMMON_DOCS)
            t5 = time.perf_counter()
            again = S.all_common(lib, pq, COMMON_DOCS)
            t6 = time.perf_counter()
            session = S._COUNTS.get(lib)
            if not want == cold == ordered == again:
                raise SystemExit(f"different answers for {q!r}: {want} {cold} {ordered} {again}")
            for name, dt in zip(names, (t1 - t0, t3 - t2, t5 - t4, t6 - t5)):
                times[name].append(dt * 1000)
    return times


def report(name: str, times: dict[str, list[float]], common: int, n: int) -> None:
    base = statistics.median(times["full count (baseline)"])
    base_sum = sum(times["full count (baseline)"])
    print(f"{name} ({n} queries, {common} all common):")
    for k, v in times.items():
        med = statistics.median(v)
        print(f"  {k:22} median {med:6.3f} ms  total {sum(v):8.1f} ms  ratio (median) "
              f"{med / base:5.3f}  ratio (total) {sum(v) / base_sum:5.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=100_000)
    ap.add_argument("--library")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    path = args.library or os.path.join(tempfile.mkdtemp(prefix="amlref-bench-"), "lib.sqlite")
    lib = Library.open(path)
    have = lib.articles.count()
    if have < args.n:
        lib.articles.add_many(make_articles(args.n - have, seed=have + 1))
    rnd = random.Random(7)
    domain = [" ".join(rnd.choice(WORDS) for _ in range(rnd.choice((1, 1, 2, 2, 3))))
              for _ in range(100)]
    typed = [w.lower()[:k] for w in WORDS if len(w) >= 3 for k in range(3, len(w) + 1)]
    for name, queries in (("domain queries", domain), ("search as you type", typed)):
        common = sum(full_count(lib, S.parse_query(q), COMMON_DOCS) for q in queries)
        report(name, measure(lib, queries, args.rounds), common, len(queries))
    lib.close()


if __name__ == "__main__":
    main()
