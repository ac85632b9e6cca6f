"""A watch run that finds 2,000 new records vs the bare HTTP fetches of the same answers.

    .venv/bin/python benchmarks/bench_watch.py [N]

A local server answers esearch (history server, one page) and efetch (batches of 200) with N
(2,000) distinct records made from the 164 real PubMed records of ../shared/corpora (each copy
with its own PMID, DOI and title, so none merges with another).  Measured in the same run:

- ``bare``: ``requests.get`` of the same esearch and efetch URLs, one after the other, at NCBI's
  pace for a client without an API key (3 requests a second: every client must keep it), and
  without any pacing;
- ``watch``: ``amlref watch run`` of a PubMed watch on an empty library (fetched, merged,
  classified, tagged, in the Inbox), with the same pacing (the shared rate limiter) and
  without.

Target: watch <= 1.5x bare at NCBI's pace.
"""
from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

import requests
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response

from amlref.services.online import Online
from amlref.services.watches import add_query, run_watch
from amlref.sources.http import RateLimiter, Settings
from amlref.sources.pubmed import EFETCH_BATCH
from amlref.storage.library import Library

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"


def make_records(n: int) -> dict[str, str]:
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
        t = own + ("<ReferenceList" + refs if refs else "")
        t = re.sub(r"(<ArticleTitle[^>]*>)", lambda m: f"{m.group(1)}[{i}] ", t, count=1)
        t = re.sub(r'IdType="pmc">PMC\d+<', 'IdType="pmc"><', t)
        out[new] = t
    return out


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    if not CORPORA.exists():
        print("../shared/corpora not available")
        return 0
    records = make_records(n)
    ids = list(records)
    esearch = ('<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><Count>%d</Count>'
               '<RetMax>%d</RetMax><RetStart>0</RetStart><QueryKey>1</QueryKey><WebEnv>MCID_1'
               '</WebEnv><IdList>%s</IdList><TranslationSet/><QueryTranslation>x</QueryTranslation>'
               '</eSearchResult>' % (n, n, "".join(f"<Id>{i}</Id>" for i in ids)))

    def efetch(req):
        body = "".join(records.get(p, "") for p in req.args.get("id", "").split(","))
        return Response("<PubmedArticleSet>" + body + "</PubmedArticleSet>",
                        content_type="text/xml; charset=UTF-8")

    import logging
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
        size = 0
        for rate, label in ((3.0, "at NCBI's 3 requests/s"), (0.0, "unpaced")):
            sess = requests.Session()
            lim = RateLimiter(rate) if rate else None
            t0 = time.perf_counter()
            for url, params in urls:
                if lim:
                    lim.wait()
                size = len(sess.get(url, params=params).content)
            bare = time.perf_counter() - t0

            tmp = tempfile.mkdtemp()
            lib = Library.open(Path(tmp) / "bench.sqlite")
            add_query(lib, "bench", "x")
            settings = Settings(eutils_url=base, cache_dir=tmp + "/cache",
                                rate_ncbi=rate or 100000.0)
            online = Online.from_settings(settings)
            t0 = time.perf_counter()
            rep = run_watch(lib, "bench", online)
            ours = time.perf_counter() - t0
            inbox = lib.execute("SELECT count(*) FROM inbox WHERE state = 'new'").fetchone()[0]
            lib.close()
            print(f"{label}: bare fetches ({len(urls)} requests) {bare:.2f} s; watch run "
                  f"{ours:.2f} s ({len(rep.added)} new, {inbox} in the Inbox, "
                  f"{sum(rep.by_category.values())} category assignments) -> {ours / bare:.2f}x"
                  + ("  (target <= 1.5x)" if rate else ""))
        del size
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
