"""Citation graph at scale: a real SQLite library file with 100,000 articles and 1,000,000
citation edges (article -> article and article -> reference stub), built quickly with
executemany through the real schema (triggers, FTS and indexes included).

Measures, each with a baseline from the same run:
  - references / cited-by of an article (target < 5 ms; median of many)
        baseline: a primary-key lookup of one article row
  - top 50 missing key papers, whole library (target < 500 ms) and for views
        baseline: a plain count(*) scan of the citations table (every row visited)
        (and the naive GROUP BY that the maintained count replaces)
  - stub resolution when new articles arrive (called by the import for every new article)
        baseline: inserting the same articles

    .venv/bin/python benchmarks/bench_citations.py [--articles 100000] [--edges 1000000]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from amlref import citations as cg  # noqa: E402
from amlref.core.article import Article, Reference  # noqa: E402
from amlref.storage.library import Library, now_iso  # noqa: E402

WORDS = ("acute myeloid leukemia immunotherapy checkpoint blockade chimeric antigen receptor "
         "bispecific antibody vaccine dendritic cell natural killer relapse venetoclax "
         "azacitidine transplant graft versus leukemia sting agonist cd33 cd123 flt3 clinical "
         "trial outcome response minimal residual disease").split()


def timed(fn, n: int) -> float:
    """Median wall time of ``fn(i)`` over n calls, in milliseconds."""
    times = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def build(path: Path, n_articles: int, n_edges: int, seed: int = 42) -> dict:
    rnd = random.Random(seed)
    lib = Library.open(path)
    lib.execute("PRAGMA cache_size = -262144")   # 256 MB while building (index maintenance)
    now = now_iso()
    t0 = time.perf_counter()
    rows = []
    for i in range(1, n_articles + 1):
        title = " ".join(rnd.choice(WORDS) for _ in range(9)) + f" {i}"
        rows.append((f"key{i}", title, f"10.5555/art.{i}", str(10_000_000 + i), title,
                     1990 + i % 35, now, now, "Author"))
    with lib.transaction():
        lib.conn.executemany(
            "INSERT INTO articles(citekey, title, doi, pmid, title_key, year, added, modified, "
            "first_author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    t_articles = time.perf_counter() - t0
    # stubs: works cited but not in the library (DOI and PMID, some DOI only)
    n_stubs = max(n_edges // 6, 10)
    t0 = time.perf_counter()
    with lib.transaction():
        lib.conn.executemany(
            "INSERT INTO reference_stubs(id, raw, doi, pmid, title, title_key, year, authors) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((s, f"Someone et al. Work {s}.", f"10.6666/stub.{s}",
              str(50_000_000 + s) if s % 3 else "", f"Cited work number {s}",
              f"cited work number {s}", 1980 + s % 40, "Someone A") for s in
             range(1, n_stubs + 1)))
    # edges: 60% between articles, 40% to stubs; skewed popularity (a few works cited a lot)
    n_stub_edges = int(n_edges * 0.4)
    n_art_edges = n_edges - n_stub_edges
    per_article = n_edges / n_articles
    art_edges, stub_edges = set(), set()
    while len(art_edges) < n_art_edges:
        a = rnd.randint(1, n_articles)
        b = 1 + int((n_articles - 1) * rnd.random() ** 2)
        if a != b:
            art_edges.add((a, b))
    while len(stub_edges) < n_stub_edges:
        stub_edges.add((rnd.randint(1, n_articles), 1 + int((n_stubs - 1) * rnd.random() ** 3)))
    with lib.transaction():
        lib.conn.executemany(
            "INSERT INTO citations(citing_id, cited_id, kind, origin, created) "
            "VALUES (?, ?, 'cites', 'bench', ?)", ((a, b, now) for a, b in sorted(art_edges)))
        lib.conn.executemany(
            "INSERT INTO citations(citing_id, stub_id, kind, origin, created) "
            "VALUES (?, ?, 'cites', 'bench', ?)", ((a, s, now) for a, s in sorted(stub_edges)))
    t_edges = time.perf_counter() - t0
    lib.execute("ANALYZE")
    lib.close()
    return {"articles": n_articles, "stubs": n_stubs, "edges": n_edges,
            "edges_per_article": round(per_article, 1), "build_articles_s": round(t_articles, 1),
            "build_stubs_edges_s": round(t_edges, 1)}


def run(path: Path, info: dict, repeat: int) -> dict:
    rnd = random.Random(7)
    lib = Library.open(path)
    n = info["articles"]
    ids = [rnd.randint(1, n) for _ in range(repeat)]
    r: dict = {}
    r["baseline_pk_lookup_ms"] = timed(
        lambda i: lib.execute("SELECT * FROM articles WHERE id = ?", (ids[i],)).fetchall(), repeat)
    r["references_ids_ms"] = timed(lambda i: lib.citations.references(ids[i]), repeat)
    r["cited_by_ids_ms"] = timed(lambda i: lib.citations.cited_by(ids[i]), repeat)
    r["references_detailed_ms"] = timed(lambda i: cg.references(lib, ids[i]), repeat)
    r["cited_by_detailed_ms"] = timed(lambda i: cg.cited_by(lib, ids[i]), repeat)
    r["counts_ms"] = timed(lambda i: cg.counts(lib, ids[i]), repeat)
    popular = lib.execute("SELECT cited_id FROM citations WHERE cited_id IS NOT NULL GROUP BY "
                          "cited_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    r["most_cited_article_cited_by"] = len(lib.citations.cited_by(popular))
    r["cited_by_most_cited_detailed_ms"] = timed(lambda i: cg.cited_by(lib, popular), 20)
    sample = cg.references(lib, ids[0])
    r["sample_references"] = len(sample)

    few = max(5, repeat // 100)
    r["baseline_count_scan_ms"] = timed(
        lambda i: lib.execute("SELECT count(*) FROM citations WHERE kind = 'cites'").fetchone(),
        few)
    r["naive_group_by_top50_ms"] = timed(lambda i: lib.execute(
        "SELECT c.stub_id, count(*) n FROM citations c JOIN articles a ON a.id = c.citing_id "
        "WHERE c.stub_id IS NOT NULL AND c.kind = 'cites' AND a.deleted_at IS NULL "
        "GROUP BY c.stub_id ORDER BY n DESC LIMIT 50").fetchall(), few)
    r["missing_top50_ms"] = timed(lambda i: cg.missing_works(lib, limit=50), few)
    top = cg.missing_works(lib, limit=50)
    r["missing_top1_count"] = top[0].count
    r["missing_top50_last_count"] = top[-1].count
    view1k = rnd.sample(range(1, n + 1), min(1000, n))
    r["missing_top50_view_1k_ids_ms"] = timed(
        lambda i: cg.missing_works(lib, limit=50, article_ids=view1k), few)
    view10k = rnd.sample(range(1, n + 1), min(10_000, n))
    r["missing_top50_view_10k_ids_ms"] = timed(
        lambda i: cg.missing_works(lib, limit=50, article_ids=view10k), few)
    r["missing_top50_view_where_year_ms"] = timed(          # ~1/35 of the library
        lambda i: cg.missing_works(lib, limit=50, where="a.year = ?", params=[2000]), few)

    # the graph of a view of 1,000 articles with the works they cite, as GraphML and DOT
    def export(i):
        g = cg.collect_graph(lib, view1k, external=True)
        cg.to_graphml(g)
        cg.to_dot(g)
    r["graph_export_1k_view_ms"] = timed(export, few)

    # a stub edge added by an importer (match an article, else find/merge/create the stub)
    stubs_n = info["stubs"]
    r["add_reference_edge_ms"] = timed(lambda i: lib.citations.add(
        ids[i], Reference(doi=f"10.6666/stub.{rnd.randint(1, stubs_n)}")), few * 10)

    # new works arrive: half are cited works (stubs picked at random, matched by DOI, by
    # PMID or by title), half unrelated
    batch = 1000
    arts = []
    picks = rnd.sample(range(100, stubs_n + 1), batch)
    for j, s in enumerate(picks):
        if j % 2:
            arts.append(Article(title=f"New unrelated work {j}", doi=f"10.7777/new.{j}"))
        elif j % 6 == 0:
            arts.append(Article(title=f"Cited work number {s}", doi=f"10.6666/stub.{s}"))
        elif j % 6 == 2 and s % 3:
            arts.append(Article(title=f"Another title {s}", pmid=str(50_000_000 + s)))
        else:
            arts.append(Article(title=f"Cited work number {s} ", issued=str(1980 + s % 40)))
    t = time.perf_counter()
    with lib.transaction():
        new_ids = lib.articles.add_many(arts)
    r["baseline_insert_1000_articles_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    moved = lib.citations.resolve_stubs(new_ids)
    r["resolve_stubs_1000_new_articles_ms"] = (time.perf_counter() - t) * 1000
    r["resolve_moved_edges"] = moved
    r["resolved_stubs"] = lib.execute("SELECT count(*) FROM reference_stubs WHERE resolved_id "
                                      "IS NOT NULL").fetchone()[0]
    one = lib.articles.add(Article(title="Unrelated", doi="10.7777/one"))
    r["resolve_stubs_one_article_ms"] = timed(lambda i: lib.citations.resolve_stubs([one]), few)
    # worst case: the most cited missing work arrives (every citing edge moves)
    sid, cnt = lib.citations.top_stubs(1)[0]
    doi = lib.execute("SELECT doi FROM reference_stubs WHERE id = ?", (sid,)).fetchone()[0]
    top_art = lib.articles.add(Article(title="The most cited missing work", doi=doi))
    t = time.perf_counter()
    lib.citations.resolve_stubs([top_art])
    r["resolve_most_cited_stub_ms"] = (time.perf_counter() - t) * 1000
    r["most_cited_stub_edges"] = cnt
    t = time.perf_counter()
    r["recount_fixed_rows"] = lib.citations.recount()   # must be 0: the triggers kept count
    r["recount_ms"] = (time.perf_counter() - t) * 1000
    lib.close()
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2000, help="calls for per-article medians")
    ap.add_argument("--path", help="library file (default: a temporary one, deleted after)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = None
    if args.path:
        path = Path(args.path)
    else:
        tmp = tempfile.mkdtemp(prefix="amlref-bench-")
        path = Path(tmp) / "library.sqlite"
    try:
        if path.exists():
            with Library.open(path) as lib:
                info = {"articles": lib.execute("SELECT max(id) FROM articles").fetchone()[0],
                        "stubs": lib.execute("SELECT max(id) FROM reference_stubs").fetchone()[0],
                        "edges": lib.execute("SELECT count(*) FROM citations").fetchone()[0]}
            print(f"reusing {path}", file=sys.stderr)
        else:
            t = time.perf_counter()
            info = build(path, args.articles, args.edges)
            info["build_s"] = round(time.perf_counter() - t, 1)
            print(f"built {path} in {info['build_s']} s", file=sys.stderr)
        res = run(path, info, args.repeat)
        info["file_mb"] = round(path.stat().st_size / 1e6, 1)
    finally:
        if tmp:
            for f in Path(tmp).iterdir():
                f.unlink()
            os.rmdir(tmp)
    pk = res["baseline_pk_lookup_ms"]
    scan = res["baseline_count_scan_ms"]
    report = {"library": info, "results": {k: round(v, 3) if isinstance(v, float) else v
                                           for k, v in res.items()}}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"library: {info}")
    print(f"{'measure':<44}{'ms':>10}  ratio vs baseline")
    rows = [("primary-key lookup (baseline)", pk, None, None),
            ("references of an article (ids)", res["references_ids_ms"], pk, 5),
            ("cited-by of an article (ids)", res["cited_by_ids_ms"], pk, 5),
            ("references, with details", res["references_detailed_ms"], pk, 5),
            ("cited-by, with details", res["cited_by_detailed_ms"], pk, 5),
            ("counts of an article", res["counts_ms"], pk, 5),
            (f"cited-by of most cited ({res['most_cited_article_cited_by']})",
             res["cited_by_most_cited_detailed_ms"], pk, None),
            ("count(*) scan of citations (baseline)", scan, None, None),
            ("naive GROUP BY top 50 (no cache)", res["naive_group_by_top50_ms"], scan, None),
            ("missing key papers, top 50", res["missing_top50_ms"], scan, 500),
            ("missing top 50, view of 1k ids", res["missing_top50_view_1k_ids_ms"], scan, 500),
            ("missing top 50, view of 10k ids", res["missing_top50_view_10k_ids_ms"], scan, 500),
            ("missing top 50, view by SQL (year)", res["missing_top50_view_where_year_ms"], scan,
             500),
            ("graph of 1k articles, GraphML + DOT", res["graph_export_1k_view_ms"], scan, None),
            ("add a reference edge", res["add_reference_edge_ms"], pk, None),
            ("insert 1000 articles (baseline)", res["baseline_insert_1000_articles_ms"], None,
             None),
            ("resolve stubs for those 1000", res["resolve_stubs_1000_new_articles_ms"],
             res["baseline_insert_1000_articles_ms"], None),
            ("resolve stubs for 1 article (no match)", res["resolve_stubs_one_article_ms"], pk,
             None),
            (f"resolve the most cited work ({res['most_cited_stub_edges']} edges)",
             res["resolve_most_cited_stub_ms"], pk, None)]
    for label, ms, base, target in rows:
        ratio = f"{ms / base:8.1f}x" if base else "        -"
        verdict = "" if target is None else ("  OK (< %g ms)" % target if ms < target
                                              else "  SLOW (target %g ms)" % target)
        print(f"{label:<44}{ms:>10.3f}  {ratio}{verdict}")
    print(f"top missing work cited by {res['missing_top1_count']} articles; 50th by "
          f"{res['missing_top50_last_count']}; resolve moved {res['resolve_moved_edges']} edges "
          f"({res['resolved_stubs']} stubs resolved); recount fixed {res['recount_fixed_rows']} "
          f"rows in {res['recount_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
