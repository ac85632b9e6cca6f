"""Issue 17 audit: watch runs as a cron job and the window make them, with real processes.

- The same watch run by two real `amlref` processes at once: the second says so in one line
  and exits 1; the first files everything.
- A run killed half-way (SIGKILL, as a shut-down computer would): nothing of it is kept, the
  lock of the dead process does not hold the next run back, and the next run brings it all.
- Answers cut half-way (esearch XML, OpenAlex JSON): one line, nothing filed, last run kept.
- The NCBI API key never shows: not in errors, `watch list`, `config list`, nor the cache.
- OpenAlex citation alerts page with the cursor (real works of corpora/api/openalex-works)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.wrappers import Response

from amlref.storage.library import Library
from amlref.storage.watches import WatchStore
from test_sources_support import JSON, XML, FakeApi, api_file
from test_watches_support import configure, efetch, esearch_of, metapub_pmids

QUERY = '"Leukemia, Myeloid, Acute"[MeSH Terms] AND immunotherapy[tiab]'
KEY = "f3a9c1e0b7d24e6a8c5b1d0e9f7a6b5c4d3e"        # the form of an NCBI API key (36 hex)


@pytest.fixture
def api(httpserver, cli, tmp_path):
    a = FakeApi(httpserver)
    configure(cli, a, tmp_path)
    return a


def amlref(lib_path, *args: str) -> subprocess.Popen:
    """The real command in a process of its own (what cron or a systemd timer starts)."""
    return subprocess.Popen([sys.executable, "-m", "amlref", "--library", str(lib_path), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "AMLREF_WORKERS": "1"})


def state(lib_path) -> dict:
    lib = Library.open(lib_path)
    try:
        w = WatchStore(lib).get("w")
        return {"articles": lib.articles.count(), "inbox": len(WatchStore(lib).items()),
                "last_run": w["last_run"], "last_error": w["last_error"],
                "running": w["running_since"]}
    finally:
        lib.close()


class Held:
    """An esearch that waits until released (the run is inside it meanwhile)."""

    def __init__(self, pmids):
        self.inside, self.go_on, self.pmids = threading.Event(), threading.Event(), pmids

    def __call__(self, request):
        self.inside.set()
        self.go_on.wait(60)
        return esearch_of(self.pmids)(request)


def test_two_processes_run_the_same_watch_at_once(api, cli, lib_path):
    pmids = metapub_pmids()[:3]
    held = Held(pmids)
    api.route("/eutils/esearch.fcgi", held)
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "add", "w", QUERY).code == 0
    first = amlref(lib_path, "watch", "run", "w")
    try:
        assert held.inside.wait(60), first.stderr and first.stderr.read()
        second = amlref(lib_path, "watch", "run", "w")
        out, err = second.communicate(timeout=60)
        assert second.returncode == 1, (out, err)
        assert err.startswith("amlref: error: watch 'w' is already running (since ")
        assert err.count("\n") == 1 and "Traceback" not in err and out == ""
        # `watch run` of every watch (what cron calls) reports it and says something failed
        every = amlref(lib_path, "watch", "run")
        out, err = every.communicate(timeout=60)
        assert every.returncode == 1 and "already running" in err and err.count("\n") == 1
    finally:
        held.go_on.set()
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert out.startswith("watch 'w': 3 new") and err == ""
    s = state(lib_path)
    assert s["articles"] == 3 and s["inbox"] == 3 and s["last_run"] and s["running"] is None


def test_a_run_killed_half_way_keeps_nothing_and_does_not_hold_the_next_one_back(
        api, cli, lib_path):
    pmids = metapub_pmids()[:4]
    held = Held(pmids)
    api.route("/eutils/esearch.fcgi", held)
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    run = amlref(lib_path, "watch", "run", "w")
    assert held.inside.wait(60)
    s = state(lib_path)
    assert s["running"] and s["last_run"] is None      # the lock of a live run
    run.send_signal(signal.SIGKILL)
    run.wait(30)
    held.go_on.set()
    # its lock names a process that is gone: taken over at once, not after 15 minutes
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    r = cli("watch", "run", "w", "--json")
    assert r.code == 0, r
    assert r.json()[0]["added"] == 4
    s = state(lib_path)
    assert s["articles"] == 4 and s["inbox"] == 4 and s["last_run"] and s["running"] is None


def test_ctrl_c_during_a_run(api, cli, lib_path):
    """Ctrl+C in a terminal: one line, exit 130, the lock given back, "interrupted" noted."""
    pmids = metapub_pmids()[:2]
    held = Held(pmids)
    api.route("/eutils/esearch.fcgi", held)
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    run = amlref(lib_path, "watch", "run", "w")
    assert held.inside.wait(60)
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=60)
    held.go_on.set()
    assert run.returncode == 130 and err == "amlref: interrupted\n" and out == ""
    s = state(lib_path)
    assert s["running"] is None and s["last_run"] is None and s["last_error"] == "interrupted"
    lst = cli("watch", "list").out
    assert "last error: interrupted" in lst


def test_an_esearch_answer_cut_half_way(api, cli, lib_path):
    whole = esearch_of(metapub_pmids()[:5])

    def cut(request):
        body = whole(request).get_data()
        return Response(body[: len(body) // 2], content_type=XML)
    api.route("/eutils/esearch.fcgi", cut)
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    r = cli("watch", "run", "w")
    assert r.code == 2 and "malformed XML" in r.err and r.err.count("\n") == 1, r
    s = state(lib_path)
    assert s["articles"] == 0 and s["last_run"] is None and "malformed XML" in s["last_error"]
    assert api.count("/eutils/efetch") == 0


def _citing_setup(api, lib_path):
    """A DOI-only library article (the real OpenAlex work of case-001) and its lookup."""
    from amlref.core.article import Article
    work = json.loads(api_file("api", "openalex-works", "case-001.json"))
    doi = work["doi"].replace("https://doi.org/", "")
    lib = Library.open(lib_path)
    try:
        key = lib.articles.get(lib.articles.add(Article(title=work["title"], doi=doi,
                                                        issued="1982"))).citekey
    finally:
        lib.close()
    api.route(f"/openalex/works/doi:{doi}", json.dumps(work), JSON)
    return work, key


def test_an_openalex_answer_cut_half_way(api, cli, lib_path):
    work, key = _citing_setup(api, lib_path)
    listing = api_file("api", "openalex-works", "case-006.json")
    api.route("/openalex/works", listing[: len(listing) // 2], JSON)
    cli("watch", "add-citing", "w", key)
    r = cli("watch", "run", "w")
    assert r.code == 2 and "malformed JSON" in r.err and r.err.count("\n") == 1, r
    s = state(lib_path)
    assert s["articles"] == 1 and s["inbox"] == 0 and s["last_run"] is None


def test_openalex_citing_works_are_paged_with_the_cursor(api, cli, lib_path):
    """Page 1: the real /works list answer (case-006) with a next_cursor; page 2: three real
    works (case-002..004) as the last page; then the empty page OpenAlex ends with."""
    work, key = _citing_setup(api, lib_path)
    page1 = json.loads(api_file("api", "openalex-works", "case-006.json"))
    page1["meta"] = {**page1["meta"], "count": 8, "next_cursor": "IlsxNjA5MzcyODAwMDAwXSI="}
    last = [json.loads(api_file("api", "openalex-works", f"case-00{i}.json")) for i in (2, 3, 4)]
    page2 = {"meta": {"count": 8, "per_page": 200, "next_cursor": "IlsxNjAwMDAwMDAwXSI="},
             "results": last}
    end = {"meta": {"count": 8, "per_page": 200, "next_cursor": None}, "results": []}
    api.route("/openalex/works", json.dumps(page1), JSON, when=lambda a: a["cursor"] == "*")
    api.route("/openalex/works", json.dumps(page2), JSON,
              when=lambda a: a["cursor"] == "IlsxNjA5MzcyODAwMDAwXSI=")
    api.route("/openalex/works", json.dumps(end), JSON,
              when=lambda a: a["cursor"] == "IlsxNjAwMDAwMDAwXSI=")
    cli("watch", "add-citing", "w", key)
    r = cli("watch", "run", "w", "--json")
    assert r.code == 0, r
    new = {w["id"].rsplit("/", 1)[1] for w in page1["results"] + last}
    assert r.json()[0]["added"] == len(new) == 8
    cursors = [a["cursor"][0] for p, a in api.calls if p == "/openalex/works"]
    assert cursors == ["*", "IlsxNjA5MzcyODAwMDAwXSI=", "IlsxNjAwMDAwMDAwXSI="]
    lib = Library.open(lib_path)
    try:
        got = {lib.articles.get(i["article_id"]).extra["openalex"]["id"]
               for i in WatchStore(lib).items()}
    finally:
        lib.close()
    assert got == new


def test_a_target_openalex_does_not_know_does_not_stop_the_alert(api, cli, lib_path):
    """Two DOI-only targets, one unknown to OpenAlex (HTTP 404 with a JSON error): the other's
    citing works still come in, and the run says which target was passed over."""
    from amlref.core.article import Article
    work, key = _citing_setup(api, lib_path)
    lib = Library.open(lib_path)
    try:
        other = lib.articles.get(lib.articles.add(Article(
            title="A paper OpenAlex never saw", doi="10.99999/not-in-openalex",
            issued="2026"))).citekey
    finally:
        lib.close()
    api.route("/openalex/works/doi:10.99999/not-in-openalex",
              json.dumps({"error": "Not Found",
                          "message": "The requested resource could not be found."}),
              JSON, status=404)
    listing = api_file("api", "openalex-works", "case-006.json")
    api.route("/openalex/works", listing, JSON)
    cli("watch", "add-citing", "w", other, key)
    r = cli("watch", "run", "w", "--json")
    assert r.code == 0, r
    [rep] = r.json()
    assert rep["added"] == len(json.loads(listing)["results"])
    assert rep["notes"] == [f"OpenAlex does not know 10.99999/not-in-openalex ({other}): no "
                            "citing works for it"]
    r = cli("watch", "run", "w")
    assert r.code == 0 and "OpenAlex does not know 10.99999/not-in-openalex" in r.out


def test_inbox_by_category_and_an_unknown_slug(api, cli):
    classified = ["32306807", "38704912", "38738473"]     # real records the classifier files
    api.route("/eutils/esearch.fcgi", esearch_of(classified + metapub_pmids()[:2]))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    assert cli("watch", "run", "w").code == 0
    every = cli("watch", "inbox", "--json").json()
    for slug, c in every["categories"].items():
        got = cli("watch", "inbox", "--category", slug, "--json").json()["items"]
        assert len(got) == c["total"] and all(slug in i["categories"] for i in got)
    assert sum(c["total"] for c in every["categories"].values()) >= 3
    text = cli("watch", "inbox").out                  # the same counts, for a reader
    assert f"Inbox: {every['unread']} unread of {every['total']}" in text
    for slug, c in every["categories"].items():
        assert f"[{slug}]: {c['unread']} unread / {c['total']}" in text
    r = cli("watch", "inbox", "--category", "nosuch")
    assert r.code == 2 and "unknown category" in r.err and r.err.count("\n") == 1


def test_the_window_starts_the_day_before_the_last_run(lib):
    """NCBI's entry dates are US Eastern days: a run at 02:00 UTC on the 3rd is the 2nd there."""
    from amlref.services.watches import window
    today = datetime(2026, 12, 3, 2, 0, tzinfo=timezone.utc)
    w = {"last_run": "2026-12-03T02:00:00.000000Z"}
    assert window(lib, w, today) == ("2026/12/02", "2026/12/03")
    first = window(lib, {"last_run": None}, today)
    assert first == ((today - timedelta(days=30)).strftime("%Y/%m/%d"), "2026/12/03")


# -- the API key ----------------------------------------------------------------------------------
def _hidden(*texts: str) -> None:
    for t in texts:
        assert KEY not in t and KEY[:12] not in t, t


def test_the_api_key_never_shows(api, cli, lib_path, tmp_path):
    pmids = metapub_pmids()[:2]
    assert cli("config", "set", "online.ncbi_api_key", KEY).code == 0
    cli("config", "set", "online.retries", "0")
    cli("watch", "add", "w", QUERY)
    seen = []
    for answer in (Response("<html>Bad Gateway</html>", status=502, content_type="text/html"),
                   Response("busy", status=429, headers={"Retry-After": "7200"}),
                   Response("<eSearchResult><Count>1</Co", content_type=XML)):
        api.route("/eutils/esearch.fcgi", lambda request, a=answer: a)
        r = cli("watch", "run", "w")
        assert r.code == 2 and r.err.count("\n") == 1, r
        seen.append(r.err)
    assert "HTTP 502" in seen[0] and "HTTP 429" in seen[1] and "malformed XML" in seen[2]
    # offline
    cli("config", "set", "online.eutils_url", "http://127.0.0.1:1/eutils")
    r = cli("watch", "run", "w")
    assert r.code == 2 and "cannot reach" in r.err
    seen.append(r.err)
    configure(cli, api, tmp_path)
    # a run that works: the key is sent to NCBI, as it should be
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "run", "w").code == 0
    sent = [a.get("api_key") for p, a in api.calls if p.startswith("/eutils/")]
    assert sent[-1] == [KEY]
    assert cli("add", metapub_pmids()[2]).code == 0      # (an answer the cache keeps)
    listing = [cli("watch", "list").out, cli("watch", "list", "--json").out,
               cli("config", "list").out, cli("config", "list", "--json").out,
               cli("config", "get", "online.ncbi_api_key").out]
    assert "f3a9…" in listing[2]
    cache = [p.read_text("utf-8", errors="replace")
             for p in (tmp_path / "http-cache").rglob("*.json")]
    # (a watch run keeps no answer, decision 0071: what `amlref add` fetched is kept)
    assert any("/eutils/efetch.fcgi" in c for c in cache)
    _hidden(*seen, *listing, *cache)


def test_no_key_in_the_logs_even_at_debug_level(api, cli, caplog):
    import logging
    caplog.set_level(logging.DEBUG)
    cli("config", "set", "online.ncbi_api_key", KEY)
    api.route("/eutils/esearch.fcgi", esearch_of(metapub_pmids()[:2]))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    assert cli("watch", "run", "w").code == 0
    ours = [r for r in caplog.records if r.name.startswith(("urllib3", "amlref", "requests"))]
    assert any("/eutils/esearch.fcgi" in r.getMessage() for r in ours)   # (the URL is logged)
    _hidden(*(r.getMessage() for r in ours))


def test_no_key_in_a_failed_requests_message():
    """requests puts the request's URL, query and all, in some of its errors' text."""
    import requests
    from amlref.sources.http import HttpClient, Settings
    from amlref.sources.http_checks import _short
    exc = requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='eutils.ncbi.nlm.nih.gov', port=443): Max retries exceeded "
        f"with url: /entrez/eutils/esearch.fcgi?tool=amlref&api_key={KEY}&term=AML")
    assert KEY not in _short(exc)
    from amlref.core.errors import NetworkError
    client = HttpClient(Settings(ncbi_api_key=KEY, cache=False))
    err = client._hide_secrets(NetworkError(f"lookup failed at ...&api_key={KEY}"))
    assert KEY not in str(err) and "f3a9…" in str(err)


def test_library_articles_are_merged_by_doi_then_by_title(api, cli, lib_path, tmp_path):
    """A .bib of the user's (hand-written as Zotero exports it): one entry with the DOI of a
    record the watch brings, one without any identifier but the same title, year and first
    author.  The watch merges both (identifiers first, then look-alikes, as an import does):
    no duplicate, filed as read, tagged, and the library articles get the PMIDs."""
    pmids = ["24084238", "24349601", "24449692"]
    bib = tmp_path / "mine.bib"
    bib.write_text(
        "@article{singh2013challenges,\n"
        "  title = {Challenges in the {miRNA} research},\n"
        "  author = {Singh, Kuldeep},\n"
        "  year = {2013},\n"
        "  doi = {10.1504/IJBRA.2013.056620},\n"
        "}\n\n"
        "@article{deneve2012genes,\n"
        "  title = {Genes, Economics, and Happiness},\n"
        "  author = {De Neve, Jan-Emmanuel and Christakis, Nicholas A.},\n"
        "  journal = {Journal of Neuroscience, Psychology, and Economics},\n"
        "  year = {2012},\n"
        "}\n", "utf-8")
    assert cli("import", bib).code == 0
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    r = cli("watch", "run", "w", "--json")
    assert r.code == 0, r
    assert r.json()[0]["added"] == 1 and r.json()[0]["known"] == 2
    lib = Library.open(lib_path)
    try:
        assert lib.articles.count() == 3
        states = {lib.articles.get(i["article_id"]).citekey: i["state"]
                  for i in WatchStore(lib).items()}
        assert states["singh2013challenges"] == "read" and states["deneve2012genes"] == "read"
        for key, pmid in (("singh2013challenges", "24084238"), ("deneve2012genes", "24349601")):
            a = lib.articles.find(key)
            assert a.pmid == pmid and "w" in lib.tags.of(a.id)
    finally:
        lib.close()
