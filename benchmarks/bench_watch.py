"""A watch run that finds 2,000 new records vs the bare HTTP fetches of the same answers.

    .venv/bin/python benchmarks/bench_watch.py [N] [--runs R] [--library M] [--profile]
                                               [--only paced|unpaced]

A local server answers esearch (history server, one page) and efetch (batches of 200) with N
(2,000) distinct records made from the 164 real PubMed records of ../shared/corpora (each copy
with its own PMID, DOI and title, so none merges with another; what they cite keeps its DOIs
and PMIDs, as the papers of one field cite the same papers, but the text of each citation is
the copy's own, as each journal writes its references in its own style: a citation without an
identifier is then a new reference stub, and nothing read once is read again from a cache.
``--same-citations`` keeps the texts as they are (the figures of sessions 5 and 6)).  Measured in the same process, R (3) times
each, alternating, and the median reported:

- ``bare``: ``requests.get`` of the same esearch and efetch URLs, one after the other, at NCBI's
  pace for a client without an API key (3 requests a second: every client must keep it), and
  without any pacing;
- ``watch``: ``run_watch`` (what ``amlref watch run`` does) of a PubMed watch on a fresh library
  (fetched, merged, classified, tagged, in the Inbox; search index and all), with the same pacing
  (the shared rate limiter) and without; also the CPU time of this process (the local server's
  included: it runs in a thread here) and of the reader processes the run starts.

``--library M`` fills each fresh library with M synthetic articles first (the duplicate check
and the reference matching then work against a library of that size).  ``--profile`` prints a
cProfile (CPU time of this process) of one unpaced run (sorted by
``$BENCH_PROFILE_SORT``, default cumulative; ``$BENCH_PROFILE_LINES`` lines, 35).

Target: watch <= 1.5x bare at NCBI's pace.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import multiprocessing
import resource
import shutil

# (only the standard library at the top: the reader processes a run starts (``spawn``) import
# this script again, as they import the ``amlref`` script in ``amlref watch run``; the HTTP
# server, requests and amlref are imported where they are used)
sys.path.insert(0, os.path.dirname(__file__))

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"


def make_records(n: int, vary: bool = True) -> dict[str, str]:
    real = []
    for p in sorted((CORPORA / "pubmed/metapub-pmid-xml").glob("*.xml")):
        m = re.search(r"<PubmedArticleSet>(.*)</PubmedArticleSet>", p.read_text("utf-8"), re.S)
        if m and "<PubmedArticle>" in m.group(1):
            real.append((p.stem, m.group(1)))
    out = {}
    for i in range(n):
        pmid, text = real[i % len(real)]
        new = str(90_000_000 + i)
        t = text.replace(f">{pmid}</PMID>", f">{new}</PMID>")
        t = t.replace(f'IdType="pubmed">{pmid}<', f'IdType="pubmed">{new}<')
        # the record's own DOI (ELocationID, ArticleIdList) only: what it cites stays the same
        # works with the same DOIs, as the papers of one field cite the same papers
        own, refs = (t.split("<ReferenceList", 1) + [""])[:2]
        own = re.sub(r'(IdType="doi"[^>]*>)([^<]+)<', lambda m: f"{m.group(1)}{m.group(2)}.{i}<",
                     own)
        if vary:     # each paper writes its references in its own style (the identifiers
            refs = refs.replace("</Citation>", f" [{i}]</Citation>")     # stay the same)
        t = own + ("<ReferenceList" + refs if refs else "")
        t = re.sub(r"(<ArticleTitle[^>]*>)", lambda m: f"{m.group(1)}[{i}] ", t, count=1)
        t = re.sub(r'IdType="pmc">PMC\d+<', 'IdType="pmc"><', t)
        out[new] = t
    return out


def bare_fetches(urls, rate: float) -> float:
    import requests
    from amlref.sources.http import RateLimiter
    sess = requests.Session()
    lim = RateLimiter(rate) if rate else None
    t0 = time.perf_counter()
    for url, params in urls:
        if lim:
            lim.wait()
        sess.get(url, params=params).content
    return time.perf_counter() - t0


def _children_cpu() -> float:
    """CPU time of the child processes that ended (the readers, once joined)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def watch_run(base: str, rate: float, library: int, profile: bool = False) -> dict:
    from amlref.services.online import Online
    from amlref.services.watches import add_query, run_watch
    from amlref.sources.http import Settings
    from amlref.storage.library import Library
    from synthetic import make_articles
    tmp = tempfile.mkdtemp(prefix="amlref-bench-watch-")
    lib = Library.open(Path(tmp) / "bench.sqlite")
    if library:
        lib.articles.add_many(make_articles(library, seed=7))
    add_query(lib, "bench", "x")
    online = Online.from_settings(Settings(eutils_url=base, cache_dir=tmp + "/cache",
                                           rate_ncbi=rate or 100000.0))
    prof = cProfile.Profile(time.process_time) if profile else None
    for p in multiprocessing.active_children():
        p.join()
    k0 = _children_cpu()
    t0, c0 = time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    rep = run_watch(lib, "bench", online)
    if prof:
        prof.disable()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    for p in multiprocessing.active_children():     # (the readers end after the run)
        p.join()
    readers = _children_cpu() - k0
    inbox = lib.execute("SELECT count(*) FROM inbox WHERE state = 'new'").fetchone()[0]
    lib.close()
    shutil.rmtree(tmp, ignore_errors=True)    # (600 MB with a library of 100,000)
    if prof:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(int(os.environ.get("BENCH_PROFILE_LINES", "35")))
        print(out.getvalue())
    return {"wall": wall, "cpu": cpu, "readers": readers, "added": len(rep.added), "inbox": inbox,
            "categories": sum(rep.by_category.values())}


def _fmt(xs) -> str:
    return ", ".join(f"{x:.2f}" for x in xs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--library", type=int, default=0)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--only", choices=("paced", "unpaced"), help="measure one of the two")
    ap.add_argument("--same-citations", action="store_true",
                    help="every copy cites with the same texts (the older, easier figure)")
    args = ap.parse_args()
    from pytest_httpserver import HTTPServer
    from werkzeug.wrappers import Response
    from amlref.sources.pubmed import EFETCH_BATCH
    n = args.n
    if not CORPORA.exists():
        print("../shared/corpora not available")
        return 0
    records = make_records(n, vary=not args.same_citations)
    ids = list(records)
    esearch = ('<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><Count>%d</Count>'
               '<RetMax>%d</RetMax><RetStart>0</RetStart><QueryKey>1</QueryKey><WebEnv>MCID_1'
               '</WebEnv><IdList>%s</IdList><TranslationSet/><QueryTranslation>x</QueryTranslation>'
               '</eSearchResult>' % (n, n, "".join(f"<Id>{i}</Id>" for i in ids)))

    def efetch(req):
        body = "".join(records.get(p, "") for p in req.args.get("id", "").split(","))
        return Response("<PubmedArticleSet>" + body + "</PubmedArticleSet>",
                        content_type="text/xml; charset=UTF-8")

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    srv = HTTPServer()
    srv.start()
    try:
        srv.expect_request("/eutils/esearch.fcgi").respond_with_data(
            esearch, content_type="text/xml; charset=UTF-8")
        srv.expect_request("/eutils/efetch.fcgi").respond_with_handler(efetch)
        base = srv.url_for("/eutils")
        urls = [(f"{base}/esearch.fcgi", {"db": "pubmed", "term": "x", "usehistory": "y"})]
        urls += [(f"{base}/efetch.fcgi", {"db": "pubmed", "retmode": "xml",
                                          "id": ",".join(ids[i:i + EFETCH_BATCH])})
                 for i in range(0, n, EFETCH_BATCH)]
        if args.profile:
            watch_run(base, 0.0, args.library, profile=True)
            return 0
        print(f"{n} records, {len(urls)} requests, library of {args.library} articles, "
              f"{'the same' if args.same_citations else 'own'} citation texts, "
              f"{args.runs} runs each (load average {os.getloadavg()[0]:.1f})")
        for rate, label in ((3.0, "at NCBI's 3 requests/s"), (0.0, "unpaced")):
            if args.only and args.only != ("paced" if rate else "unpaced"):
                continue
            bares, runs = [], []
            for _ in range(args.runs):
                bares.append(bare_fetches(urls, rate))
                runs.append(watch_run(base, rate, args.library))
            ratios = [r["wall"] / b for r, b in zip(runs, bares)]
            walls, cpus = [r["wall"] for r in runs], [r["cpu"] for r in runs]
            readers = [r["readers"] for r in runs]
            last = runs[-1]
            print(f"{label}: bare {statistics.median(bares):.2f} s (runs {_fmt(bares)}); watch "
                  f"{statistics.median(walls):.2f} s (runs {_fmt(walls)}; this process's CPU "
                  f"{statistics.median(cpus):.2f} s, {statistics.median(cpus) / n * 1000:.2f} ms "
                  f"a record, the reader processes' {statistics.median(readers):.2f} s) -> "
                  f"median ratio {statistics.median(ratios):.2f}x (runs {_fmt(ratios)})"
                  + ("  (target <= 1.5x)" if rate else ""))
            print(f"   {last['added']} new, {last['inbox']} in the Inbox, "
                  f"{last['categories']} category assignments; load average "
                  f"{os.getloadavg()[0]:.1f}")
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
