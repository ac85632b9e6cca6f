"""The local server at N articles (default 100,000), with the server in another process
(``amlref serve``) and a keep-alive HTTP client, as an editor's plugin talks to it:

- cayw ``probe``: median of 200; baseline ``GET /`` (the same server's fixed answer: HTTP alone)
- JSON-RPC ``item.search``: median of 100 queries (1-3 domain words, as bench_library.py);
  baseline the same searches in this process (search + articles + CSL-JSON, no HTTP); then the
  time of each of its steps, query by query beside the server's answer (_search_parts)
- JSON-RPC ``item.export`` of 500 keys as Better BibLaTeX: median of 20; baseline the same
  export in this process
Targets: probe and item.search < 20 ms median, item.export of 500 keys < 200 ms.

    .venv/bin/python benchmarks/bench_server.py [N] [--library PATH]   (PATH kept for reuse)
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from synthetic import WORDS, make_articles  # noqa: E402

import requests  # noqa: E402

from amlref.formats.csljson import article_to_item  # noqa: E402
from amlref.services.exporting import export_articles  # noqa: E402
from amlref.storage.library import Library  # noqa: E402


def _median_ms(fn, n: int) -> tuple[float, float]:
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def _library(path: str, n: int) -> None:
    lib = Library.open(path)
    have = lib.articles.count()
    if have < n:
        t0 = time.perf_counter()
        lib.articles.add_many(make_articles(n - have, seed=have + 1))
        print(f"made a library of {n} articles in {time.perf_counter() - t0:.1f} s")
    lib.close()


def _serve(path: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, "-m", "amlref", "--library", path, "serve",
                             "--port", "0"], stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    if " port " not in line:
        proc.kill()
        raise SystemExit(f"server did not start: {line}{proc.stderr.read()}")
    return proc, int(line.split(" port ")[1].split()[0])


def _search_parts(lib, queries: list[str], rpc) -> None:
    """Where item.search spends its time.  For each query in turn: the server's answer, then
    each step of it in this process (so that the shared machine's drift hits all alike);
    medians, as a share of the server's.  The common-word check is the storage's choice between
    relevance ranking and newest first (a document count per word from the FTS5 vocabulary
    table); HTTP + JSON-RPC is api.ready's round trip."""
    import json

    from amlref.server.access import search_ids
    from amlref.storage.articles import _all_common_impl
    from amlref.storage.search import parse_query
    names = ("server item.search", "search (FTS5 and citation keys)",
             "  of which the common-word check", "articles from their rows", "CSL-JSON items",
             "JSON text", "HTTP + JSON-RPC (api.ready)")
    times: dict[str, list[float]] = {k: [] for k in names}

    def timed(name, fn, *args):
        t0 = time.perf_counter()
        out = fn(*args)
        times[name].append((time.perf_counter() - t0) * 1000)
        return out

    for q in queries:     # each step on what the one before it made
        timed(names[0], rpc, "item.search", q)
        ids = timed(names[1], search_ids, lib, q, 50)
        timed(names[2], lambda: _all_common_impl(lib, parse_query(q)))
        arts = timed(names[3], lib.articles.get_many, ids)
        items = timed(names[4], lambda: [{**article_to_item(a), "library": lib.path.stem,
                                          "citekey": a.citekey} for a in arts])
        timed(names[5], lambda: json.dumps(items, ensure_ascii=False))
        timed(names[6], rpc, "api.ready")
    med = {k: statistics.median(v) for k, v in times.items()}
    whole = med[names[0]]
    print(f"  item.search by step, each query in turn (medians; share of the server's "
          f"{whole:.2f} ms):")
    for name in names[1:]:
        print(f"    {name:34} {med[name]:6.2f} ms  {med[name] / whole:5.2f}")
    inproc = sum(med[n] for n in names[1:6] if n != names[2])
    print(f"    the steps in this process         {inproc:6.2f} ms; server / in-process "
          f"{whole / inproc:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=100_000)
    ap.add_argument("--library")
    args = ap.parse_args()
    path = args.library or os.path.join(tempfile.mkdtemp(prefix="amlref-bench-"), "lib.sqlite")
    _library(path, args.n)
    proc, port = _serve(path)
    base = f"http://127.0.0.1:{port}"
    s = requests.Session()
    rpc_url = base + "/better-bibtex/json-rpc"

    def rpc(method, *params):
        r = s.post(rpc_url, json={"jsonrpc": "2.0", "method": method, "params": list(params),
                                  "id": 1}, timeout=60)
        r.raise_for_status()
        return r.json()["result"]

    try:
        for _ in range(20):                      # warm up connection and caches
            s.get(base + "/better-bibtex/cayw?probe=1")
        root, _ = _median_ms(lambda i: s.get(base + "/"), 200)
        probe, probe90 = _median_ms(lambda i: s.get(base + "/better-bibtex/cayw?probe=1"), 200)
        print(f"probe: median {probe:.2f} ms (p90 {probe90:.2f}); baseline GET / {root:.2f} ms; "
              f"ratio {probe / root:.2f}; target < 20 ms: {'OK' if probe < 20 else 'MISSED'}")

        rnd = random.Random(7)
        queries = [" ".join(rnd.choice(WORDS) for _ in range(rnd.choice((1, 1, 2, 2, 3))))
                   for _ in range(100)]
        sizes = []
        for q in queries[:10]:
            rpc("item.search", q)
        srch, srch90 = _median_ms(lambda i: sizes.append(len(rpc("item.search", queries[i]))), 100)
        lib = Library.open(path)

        def local(i):
            ids = lib.articles.search(queries[i], limit=50)
            [article_to_item(a) for a in lib.articles.get_many(ids)]
        local_ms, _ = _median_ms(local, 100)
        print(f"item.search (100 queries, up to 50 items each, mean {statistics.mean(sizes):.0f}):"
              f" median {srch:.2f} ms (p90 {srch90:.2f}); baseline in-process {local_ms:.2f} ms; "
              f"ratio {srch / local_ms:.2f}; target < 20 ms: {'OK' if srch < 20 else 'MISSED'}")
        _search_parts(lib, queries, rpc)

        keys = [r[0] for r in lib.execute("SELECT citekey FROM articles ORDER BY random() "
                                          "LIMIT 500")]
        exp, exp90 = _median_ms(lambda i: rpc("item.export", keys, "Better BibLaTeX"), 20)
        ids = [r[0] for r in lib.execute(
            f"SELECT id FROM articles WHERE citekey IN ({','.join('?' * len(keys))})", keys)]
        loc, _ = _median_ms(lambda i: export_articles(lib.articles.get_many(ids), "biblatex"), 20)
        print(f"item.export 500 keys (biblatex): median {exp:.1f} ms (p90 {exp90:.1f}); baseline "
              f"in-process {loc:.1f} ms; ratio {exp / loc:.2f}; target < 200 ms: "
              f"{'OK' if exp < 200 else 'MISSED'}")
        lib.close()
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
