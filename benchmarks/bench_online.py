"""Online layer against a local server (no internet): overhead, cache, rate limits, `add`.

    .venv/bin/python benchmarks/bench_online.py

Serves recorded E-utilities answers from ../shared/corpora on 127.0.0.1 and measures, each
against a baseline taken in the same run:

- ``get``: HttpClient.get of elink1.xml (retries, size cap, rate limiter off) vs a bare
  ``requests.get`` of the same URL (target: <= 1.5x);
- ``cache``: a disk-cache hit vs the network fetch (target: faster than the fetch);
- ``ncbi``: 10 elink requests through PubmedSource without / with an API key: the measured rate
  must stay at or under 3 / 10 requests a second (first request immediate: 9 intervals);
- ``add``: ``add_identifiers`` of the 164 recorded efetch PMIDs (one request) vs parsing the
  same XML alone.
"""
from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response

from amlref.services.online import Online, add_identifiers
from amlref.sources.http import HttpClient, Settings
from amlref.sources.pubmed import PubmedSource
from amlref.storage.library import Library

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"


def median_time(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    if not CORPORA.exists():
        print("../shared/corpora not available")
        return 0
    elink = (CORPORA / "pubmed/biopython-entrez/elink1.xml").read_bytes()
    metapub = CORPORA / "pubmed/metapub-pmid-xml"
    records = {p.stem: p.read_text("utf-8") for p in metapub.glob("*.xml")}

    def efetch(req):
        parts = []
        for pmid in req.args.get("id", "").split(","):
            m = re.search(r"<PubmedArticleSet>(.*)</PubmedArticleSet>", records.get(pmid, ""), re.S)
            if m:
                parts.append(m.group(1))
        return Response("<PubmedArticleSet>" + "".join(parts) + "</PubmedArticleSet>",
                        content_type="text/xml; charset=UTF-8")

    srv = HTTPServer()
    srv.start()
    try:
        srv.expect_request("/eutils/elink.fcgi").respond_with_data(
            elink, content_type="text/xml; charset=UTF-8")
        srv.expect_request("/eutils/efetch.fcgi").respond_with_handler(efetch)
        tmp = tempfile.mkdtemp()
        url = srv.url_for("/eutils/elink.fcgi")

        # get vs bare requests
        sess = requests.Session()
        base = median_time(lambda: sess.get(url, params={"id": "1"}).content, 40)
        c = HttpClient(Settings(cache=False, rate_ncbi=0, eutils_url=srv.url_for("/eutils")))
        ours = median_time(lambda: c.get(url, {"id": "1"}), 40)
        print(f"get:    bare requests {base * 1000:.2f} ms, HttpClient {ours * 1000:.2f} ms "
              f"-> {ours / base:.2f}x (target <= 1.5x)")

        # cache hit vs fetch
        c = HttpClient(Settings(cache_dir=tmp + "/c1"))
        c.get(url, {"id": "2"})
        hit = median_time(lambda: c.get(url, {"id": "2"}), 100)
        print(f"cache:  network {ours * 1000:.2f} ms, disk-cache hit {hit * 1000:.2f} ms "
              f"-> {hit / ours:.2f}x of a local fetch")

        # NCBI rate limits
        for key, limit in (("", 3.0), ("KEY", 10.0)):
            pm = PubmedSource(Settings(cache=False, ncbi_api_key=key,
                                       eutils_url=srv.url_for("/eutils")))
            t0 = time.monotonic()
            for i in range(10):
                pm.references([str(100 + i)])
            dt = time.monotonic() - t0
            rate = 9 / dt
            print(f"ncbi:   {'with' if key else 'without'} API key: 10 requests in {dt:.2f} s, "
                  f"{rate:.2f} req/s between requests (limit {limit:g}) "
                  f"{'OK' if rate <= limit * 1.001 else 'TOO FAST'}")

        # add 164 PMIDs vs parse only
        from amlref.formats.pubmed_xml import parse_pubmed_xml
        whole = "<PubmedArticleSet>" + "".join(
            (re.search(r"<PubmedArticleSet>(.*)</PubmedArticleSet>", t, re.S) or [None, ""])[1]
            for t in records.values()) + "</PubmedArticleSet>"
        t0 = time.perf_counter()
        parsed = parse_pubmed_xml(whole, "all")
        t_parse = time.perf_counter() - t0
        lib = Library.open(Path(tmp) / "bench.sqlite")
        online = Online.from_settings(Settings(cache_dir=tmp + "/c2", rate_ncbi=1000,
                                               eutils_url=srv.url_for("/eutils")))
        t0 = time.perf_counter()
        rep = add_identifiers(lib, sorted(records), online=online)
        t_add = time.perf_counter() - t0
        lib.close()
        print(f"add:    {len(records)} PMIDs -> {len(rep.added)} added, {rep.links} reference links "
              f"in {t_add:.2f} s ({online.client.requests_sent} request); parse alone "
              f"{t_parse:.2f} s for {len(parsed.articles)} records -> {t_add / t_parse:.1f}x")
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
