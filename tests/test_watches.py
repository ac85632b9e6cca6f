"""PubMed watches end to end: `amlref watch ...` against a local server replaying real
E-utilities answers, a real SQLite library, the real classifier."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from amlref.storage.library import Library
from amlref.storage.watches import WatchStore
from test_sources_support import XML, FakeApi, api_file, ids_of
from test_watches_support import configure, efetch, esearch_of, metapub_pmids

QUERY = '"Leukemia, Myeloid, Acute"[MeSH Terms] AND immunotherapy'


@pytest.fixture
def api(httpserver, cli, tmp_path):
    a = FakeApi(httpserver)
    configure(cli, a, tmp_path)
    return a


def opened(lib_path):
    return Library.open(lib_path)


def efetch_ids(api) -> list[str]:
    return [i for p, args in api.calls if p == "/eutils/efetch.fcgi" for i in ids_of(args)]


def test_run_files_new_records_tagged_classified_in_the_inbox(api, cli, lib_path):
    pmids = metapub_pmids()[:12]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "add", "AML immunotherapy", QUERY).code == 0
    r = cli("watch", "run", "AML immunotherapy", "--json")
    assert r.code == 0, r
    [rep] = r.json()
    assert rep["added"] == 12 and rep["known"] == 0 and rep["error"] == ""
    # the search: the query, entry dates from watch.first_days (30) back to today, history on
    [(_, args)] = [c for c in api.calls if c[0] == "/eutils/esearch.fcgi"]
    today = datetime.now(timezone.utc)
    assert args["term"] == [QUERY] and args["datetype"] == ["edat"]
    assert args["usehistory"] == ["y"] and args["retstart"] == ["0"]
    assert args["maxdate"] == [today.strftime("%Y/%m/%d")]
    assert args["mindate"] == [(today - timedelta(days=30)).strftime("%Y/%m/%d")]
    assert sorted(efetch_ids(api)) == sorted(pmids)
    lib = opened(lib_path)
    try:
        assert lib.articles.count() == 12
        ids = [lib.articles.find(p).id for p in pmids]
        assert all("AML immunotherapy" in lib.tags.of(i) for i in ids)
        store = WatchStore(lib)
        assert {i["article_id"]: i["state"] for i in store.items()} == {i: "new" for i in ids}
        w = store.get("AML immunotherapy")
        assert w["last_run"] and w["last_error"] == "" and w["running_since"] is None
        # classified like an import: what the report counts is what is stored
        stored = {}
        for slug, n in lib.execute("SELECT slug, count(*) FROM article_categories WHERE "
                                   "kind = 'category' AND state = 1 GROUP BY slug"):
            stored[slug] = n
        assert rep["by_category"] == stored
        assert lib.pending.count() == 0
    finally:
        lib.close()
    inbox = cli("watch", "inbox", "--json").json()
    assert inbox["unread"] == 12 and inbox["watches"]["AML immunotherapy"]["unread"] == 12
    assert {c: v["total"] for c, v in inbox["categories"].items()} == stored


def test_second_run_starts_at_the_last_run_and_fetches_only_what_is_new(api, cli, lib_path):
    pmids = metapub_pmids()[:10]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids[:6]))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    assert cli("watch", "run", "w").code == 0
    lib = opened(lib_path)
    last = WatchStore(lib).get("w")["last_run"]
    lib.close()
    api.calls.clear()
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))            # 4 more since
    r = cli("watch", "run", "w", "--json")
    assert r.code == 0, r
    assert r.json()[0]["added"] == 4 and r.json()[0]["seen"] == 6
    args = [a for p, a in api.calls if p == "/eutils/esearch.fcgi"][0]
    day_before = datetime.strptime(last[:10], "%Y-%m-%d") - timedelta(days=1)
    assert args["mindate"] == [day_before.strftime("%Y/%m/%d")]     # NCBI's days are US Eastern
    assert sorted(efetch_ids(api)) == sorted(pmids[6:])


def test_large_answers_are_paged_on_the_history_server(api, cli, lib_path):
    from amlref.services.watches import run_watch
    pmids = metapub_pmids()[:45]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    lib = opened(lib_path)
    try:
        rep = run_watch(lib, "w", page=20)
    finally:
        lib.close()
    searches = [a for p, a in api.calls if p == "/eutils/esearch.fcgi"]
    assert [(s["retstart"][0], s["retmax"][0]) for s in searches] == [("0", "20"), ("20", "20"),
                                                                       ("40", "5")]
    assert "WebEnv" not in searches[0] and searches[1]["WebEnv"] == ["MCID_6927d6e7fee3e90f880ec190"]
    assert searches[1]["query_key"] == ["1"]
    assert rep.found == 45 and len(rep.added) == 45


def test_records_already_in_the_library_are_merged_not_duplicated(api, cli, lib_path):
    pmids = metapub_pmids()[:5]
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("add", pmids[0], "--fresh").code == 0
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    cli("watch", "add", "w", QUERY)
    r = cli("watch", "run", "w", "--json")
    assert r.code == 0 and r.json()[0]["added"] == 4 and r.json()[0]["known"] == 1
    lib = opened(lib_path)
    try:
        assert lib.articles.count() == 5
        known = lib.articles.find(pmids[0]).id
        states = {i["article_id"]: i["state"] for i in WatchStore(lib).items()}
        assert states[known] == "read" and list(states.values()).count("new") == 4
        assert "w" in lib.tags.of(known)
    finally:
        lib.close()


def test_mark_read_keep_dismiss_and_a_dismissed_pmid_never_comes_back(api, cli, lib_path):
    pmids = metapub_pmids()[:4]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    cli("watch", "run", "w")
    assert cli("watch", "mark-read", pmids[0]).code == 0
    assert cli("watch", "keep", pmids[1]).code == 0
    assert cli("watch", "dismiss", pmids[2]).code == 0
    d = cli("watch", "inbox", "--json").json()
    states = {i["pmid"]: i["state"] for i in d["items"]}
    assert states == {pmids[0]: "read", pmids[1]: "kept", pmids[3]: "new"}
    assert d["unread"] == 1
    # even deleted from the library, and found again by the search: not brought back
    cli("delete", pmids[2])
    cli("trash", "empty")
    api.calls.clear()
    lib = opened(lib_path)
    WatchStore(lib).update(WatchStore(lib).get("w")["id"], last_run=None)
    lib.close()
    r = cli("watch", "run", "w", "--json")
    assert r.code == 0 and r.json()[0]["added"] == 0 and r.json()[0]["seen"] == 4
    assert efetch_ids(api) == []
    r = cli("watch", "dismiss", "nosuchkey")
    assert r.code == 2 and r.err.count("\n") == 1


def test_list_remove_and_bad_usage(api, cli):
    assert cli("watch", "add", "w", QUERY).code == 0
    r = cli("watch", "add", "w", QUERY)
    assert r.code == 2 and "exists already" in r.err and r.err.count("\n") == 1
    assert cli("watch", "add", "empty", "  ").code == 2
    lst = cli("watch", "list", "--json").json()
    assert [w["name"] for w in lst] == ["w"] and lst[0]["last_run"] is None
    assert cli("watch", "remove", "w").code == 0
    r = cli("watch", "run", "w")
    assert r.code == 2 and "no watch named 'w'" in r.err


# -- failures: one line each, nothing half-imported, last run moves only on success -------------
def _state(lib_path) -> tuple:
    lib = opened(lib_path)
    try:
        w = WatchStore(lib).get("w")
        return lib.articles.count(), w["last_run"], w["last_error"], w["running_since"]
    finally:
        lib.close()


def _one_line(r):
    assert r.err.count("\n") == 1 and "Traceback" not in r.err, r.err


def test_network_down(cli, lib_path, tmp_path):
    from test_sources_support import FakeApi as _  # noqa: F401  (the server is not needed)
    cli("config", "set", "online.eutils_url", "http://127.0.0.1:1/eutils")
    cli("config", "set", "online.cache_dir", str(tmp_path / "c"))
    cli("watch", "add", "w", QUERY)
    r = cli("watch", "run", "w")
    assert r.code == 2 and "cannot reach 127.0.0.1:1" in r.err
    _one_line(r)
    n, last, err, running = _state(lib_path)
    assert n == 0 and last is None and "cannot reach" in err and running is None
    # run without a name: the error is reported, the exit status says something failed
    r = cli("watch", "run")
    assert r.code == 1 and r.err.count("\n") == 1


def test_429_with_retry_after_is_waited_for(api, cli, lib_path):
    pmids = metapub_pmids()[:3]
    asked = []

    def limited(request):
        from werkzeug.wrappers import Response
        asked.append(1)
        if len(asked) == 1:
            return Response("Too Many Requests", status=429, headers={"Retry-After": "1"})
        return esearch_of(pmids)(request)
    api.route("/eutils/esearch.fcgi", limited)
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    r = cli("watch", "run", "w", "--json")
    assert r.code == 0 and r.json()[0]["added"] == 3 and len(asked) == 2


def test_429_asking_too_long_a_wait(api, cli, lib_path):
    api.route("/eutils/esearch.fcgi", "Too Many Requests", "text/plain", status=429,
              headers={"Retry-After": "3600"})
    cli("watch", "add", "w", QUERY)
    r = cli("watch", "run", "w")
    assert r.code == 2 and "asks to wait 3600 s (HTTP 429)" in r.err
    _one_line(r)
    assert _state(lib_path)[:2] == (0, None)


@pytest.mark.parametrize("answer, words", [
    (("api", "ncbi-eutils-json", "esearch.baderror.xml"), "refused the query: Invalid db name"),
    (("pubmed", "biopython-entrez", "esearch8.xml"), "phrase not found: abcXYZ"),
    (("api", "ncbi-eutils-json", "esearch.error.xml"), "phrase not found: fleegle[MeSH Terms]"),
])
def test_esearch_error_bodies_and_a_query_pubmed_cannot_use(api, cli, lib_path, answer, words):
    api.route("/eutils/esearch.fcgi", api_file(*answer), XML)
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", "fleegle[MeSH Terms]")
    r = cli("watch", "run", "w")
    assert r.code == 2 and words in r.err, r
    _one_line(r)
    n, last, err, _ = _state(lib_path)
    assert n == 0 and last is None and words in err
    assert efetch_ids(api) == []


def test_answer_cut_half_way_keeps_what_was_filed_and_the_next_run_resumes(
        api, cli, lib_path, monkeypatch):
    from amlref.services import watches
    from amlref.sources import pubmed
    monkeypatch.setattr(pubmed, "EFETCH_BATCH", 3)        # small batches, a group each
    monkeypatch.setattr(watches, "IMPORT_GROUP", 1)
    pmids = metapub_pmids()[:9]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)

    def cut(request):                                     # the third batch breaks off
        body = efetch(request).get_data()
        from werkzeug.wrappers import Response
        return Response(body[: len(body) // 2], content_type=XML)
    api.route("/eutils/efetch.fcgi", cut, when=lambda a: pmids[6] in ids_of(a))
    cli("watch", "add", "w", QUERY)
    lib = opened(lib_path)
    try:
        with pytest.raises(Exception) as exc:
            watches.run_watch(lib, "w")
        assert "malformed XML" in str(exc.value) and "\n" not in str(exc.value)
        w = WatchStore(lib).get("w")
        assert w["last_run"] is None and "malformed XML" in w["last_error"]
        assert w["running_since"] is None
        # whole batches only: the first two are filed, nothing of the third
        assert sorted(a.pmid for a in lib.articles.get_many(
            [i["article_id"] for i in WatchStore(lib).items()])) == sorted(pmids[:6])
        assert lib.articles.count() == 6
    finally:
        lib.close()
    api.calls.clear()
    api.route("/eutils/efetch.fcgi", efetch, when=lambda a: pmids[6] in ids_of(a))
    r = cli("watch", "run", "w", "--json")
    assert r.code == 0 and r.json()[0]["added"] == 3 and r.json()[0]["seen"] == 6
    assert sorted(efetch_ids(api)) == sorted(pmids[6:])
    n, last, err, _ = _state(lib_path)
    assert n == 9 and last and err == ""


def test_the_same_watch_run_twice_at_once(api, cli, lib_path):
    """A run in another thread (the window) holds the watch while the command line asks."""
    import threading
    from amlref.services.watches import run_watch
    pmids = metapub_pmids()[:3]
    inside, go_on = threading.Event(), threading.Event()

    def slow(request):
        inside.set()
        go_on.wait(10)
        return esearch_of(pmids)(request)
    api.route("/eutils/esearch.fcgi", slow)
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    result = {}

    def window():
        lib = opened(lib_path)
        try:
            result["report"] = run_watch(lib, "w")
        finally:
            lib.close()
    t = threading.Thread(target=window)
    t.start()
    assert inside.wait(10)
    r = cli("watch", "run", "w")
    go_on.set()
    t.join(20)
    assert r.code == 1 and "watch 'w' is already running" in r.err
    _one_line(r)
    assert len(result["report"].added) == 3
    assert _state(lib_path)[0] == 3


def test_a_stale_lock_is_taken_over(api, cli, lib_path):
    api.route("/eutils/esearch.fcgi", esearch_of(metapub_pmids()[:2]))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    lib = opened(lib_path)
    store = WatchStore(lib)
    wid = store.get("w")["id"]
    old = (datetime.now(timezone.utc) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    store.update(wid, running_since=old, heartbeat=old, running_pid="otherhost:1")
    lib.close()
    r = cli("watch", "run", "w")
    assert r.code == 0, r
    lib = opened(lib_path)
    store = WatchStore(lib)
    store.update(wid, running_since=old, heartbeat=old, running_pid="otherhost:1")
    store.update(wid, heartbeat=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    lib.close()
    r = cli("watch", "run", "w")                     # a live heartbeat: busy
    assert r.code == 1 and "already running" in r.err


def test_a_run_that_dies_between_import_and_inbox_files_them_as_unread_next_time(
        api, cli, lib_path, monkeypatch):
    from amlref.services import watches
    pmids = metapub_pmids()[:4]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", QUERY)
    real_put = WatchStore.put

    def dies(self, *a, **k):
        raise OSError("disk gone")
    monkeypatch.setattr(WatchStore, "put", dies)
    lib = opened(lib_path)
    try:
        with pytest.raises(OSError):
            watches.run_watch(lib, "w")
        # the import and its Inbox rows are one transaction: nothing of the batch is kept
        assert lib.articles.count() == 0 and WatchStore(lib).items() == []
        assert WatchStore(lib).get("w")["last_run"] is None
    finally:
        lib.close()
    monkeypatch.setattr(WatchStore, "put", real_put)
    r = cli("watch", "run", "w", "--json")
    assert r.code == 0 and r.json()[0]["added"] == 4 and r.json()[0]["known"] == 0
    d = cli("watch", "inbox", "--json").json()
    assert d["unread"] == 4
    lib = opened(lib_path)
    assert lib.articles.count() == 4
    lib.close()


def test_more_results_than_the_limit_are_said(api, cli, lib_path):
    pmids = metapub_pmids()[:5]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("config", "set", "watch.max_results", "3")
    cli("watch", "add", "w", QUERY)
    r = cli("watch", "run", "w")
    assert r.code == 0 and "2 more found than watch.max_results allows" in r.out
    [(_, args)] = [c for c in api.calls if c[0] == "/eutils/esearch.fcgi"]
    assert args["retmax"] == ["3"] and sorted(efetch_ids(api)) == sorted(pmids[:3])
