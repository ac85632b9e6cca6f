"""The HTTP layer against a real local server: retries, Retry-After, timeouts, size cap, cache,
rate limits, offline, errors."""
from __future__ import annotations

import socket
import time

import pytest
from werkzeug.wrappers import Response

from amlref.core.errors import NetworkError, NotFound
from amlref.sources.http import (DiskCache, HttpClient, RateLimiter, Settings, HttpError,
                                 retry_after_seconds)
from test_sources_support import JSON, XML, FakeApi, api_file, settings_for

WORK = ("api", "crossref-habanero", "test_works_with_one_id.01.json")


@pytest.fixture
def api(httpserver):
    return FakeApi(httpserver)


def client_for(api, tmp_path, **kw):
    waits: list[float] = []
    c = HttpClient(settings_for(api, tmp_path, **kw), sleep=waits.append)
    return c, waits


def test_user_agent_names_version_and_contact(api, tmp_path):
    api.route("/crossref/works/10.1371/journal.pone.0033693", api_file(*WORK), JSON)
    c, _ = client_for(api, tmp_path)
    r = c.get(api.url("/crossref/works/10.1371/journal.pone.0033693"))
    assert r.json()["message"]["DOI"] == "10.1371/journal.pone.0033693"
    ua = api.headers_seen[0]["User-Agent"]
    from amlref import __version__
    assert f"AMLRef/{__version__}" in ua and "mailto:tests@example.org" in ua


def test_429_with_retry_after_is_honoured_then_succeeds(api, tmp_path, httpserver):
    body = api_file(*WORK)
    httpserver.expect_oneshot_request("/crossref/works/x").respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "2"}, content_type="text/plain")
    api.route("/crossref/works/x", body, JSON)
    c, waits = client_for(api, tmp_path)
    r = c.get(api.url("/crossref/works/x"))
    assert r.status == 200 and r.content == body
    assert waits == [2.0]          # waited exactly what the server asked
    assert c.requests_sent == 2


def test_500_then_success_backs_off(api, tmp_path, httpserver):
    for _ in range(2):
        httpserver.expect_oneshot_request("/eutils/efetch.fcgi").respond_with_data(
            "<html>Internal error</html>", status=500, content_type="text/html")
    api.route("/eutils/efetch.fcgi", api_file("pubmed", "metapub-pmid-xml", "11618220.xml"), XML)
    c, waits = client_for(api, tmp_path, backoff=0.5)
    r = c.get(api.url("/eutils/efetch.fcgi"), {"id": "11618220"})
    assert b"<PMID Version=\"1\">11618220</PMID>" in r.content
    assert waits == [0.5, 1.0]     # exponential backoff


def test_persistent_500_gives_up_with_a_clear_message(api, tmp_path):
    api.route("/crossref/works/y", "oops", "text/plain", status=503)
    c, waits = client_for(api, tmp_path, retries=2)
    with pytest.raises(HttpError) as ei:
        c.get(api.url("/crossref/works/y"), what="Crossref lookup")
    assert ei.value.status == 503 and "HTTP 503" in str(ei.value) and "3 tries" in str(ei.value)
    assert len(waits) == 2 and api.count("/crossref") == 3


def test_retry_after_longer_than_max_wait_is_not_slept(api, tmp_path):
    api.route("/x", "slow down", "text/plain", status=429, headers={"Retry-After": "3600"})
    c, waits = client_for(api, tmp_path, max_wait=60)
    with pytest.raises(NetworkError, match="asks to wait 3600 s"):
        c.get(api.url("/x"))
    assert waits == []


def test_404_is_not_found_with_the_real_crossref_body(api, tmp_path):
    api.route("/crossref/works/10.1371/notarealdoi",
              api_file("api", "crossref-habanero", "test_works_bad_id_warn.01.txt"),
              "text/plain", status=404)
    c, waits = client_for(api, tmp_path)
    with pytest.raises(NotFound) as ei:
        c.get(api.url("/crossref/works/10.1371/notarealdoi"))
    assert ei.value.body == b"Resource not found." and waits == []


def test_timeout_retries_then_reports(httpserver, tmp_path):
    api = FakeApi(httpserver)

    def slow(request):
        time.sleep(0.6)
        return Response("late", content_type="text/plain")
    api.route("/slow", slow)
    c, waits = client_for(api, tmp_path, timeout=0.2, retries=1)
    t0 = time.monotonic()
    with pytest.raises(NetworkError, match=r"no answer from .* within 0.2 s \(2 tries\)"):
        c.get(api.url("/slow"))
    assert time.monotonic() - t0 < 3
    assert len(waits) == 1


def test_oversize_body_is_refused(api, tmp_path):
    big = api_file("api", "crossref-habanero", "test_works_field_queries.01.json")  # 394 KB
    api.route("/crossref/works", big, JSON)
    c, _ = client_for(api, tmp_path, max_bytes=100_000)
    with pytest.raises(NetworkError, match="too large"):
        c.get(api.url("/crossref/works"), {"query": "ecology"})
    c2, _ = client_for(api, tmp_path, max_bytes=1_000_000, cache=False)
    assert len(c2.get(api.url("/crossref/works"), {"query": "ecology"}).content) == len(big)


def test_oversize_chunked_body_without_length_is_refused(api, tmp_path):
    def stream(request):
        return Response((b"x" * 10000 for _ in range(50)), content_type="text/plain")
    api.route("/stream", stream)
    c, _ = client_for(api, tmp_path, max_bytes=100_000)
    with pytest.raises(NetworkError, match="too large"):
        c.get(api.url("/stream"))


def test_malformed_json_is_a_network_error(api, tmp_path):
    good = api_file(*WORK)
    api.route("/bad", good[: len(good) // 2], JSON)
    c, _ = client_for(api, tmp_path)
    with pytest.raises(NetworkError, match="malformed JSON"):
        c.get(api.url("/bad")).json()


def test_offline_gives_one_clear_line(tmp_path):
    with socket.socket() as s:          # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = HttpClient(Settings(cache_dir=str(tmp_path), retries=0))
    with pytest.raises(NetworkError) as ei:
        c.get(f"http://127.0.0.1:{port}/works/10.1/x", what="Crossref lookup of 10.1/x")
    msg = str(ei.value)
    assert msg.startswith("Crossref lookup of 10.1/x: cannot reach 127.0.0.1:") and "offline" in msg
    assert msg.endswith("(connection refused)")
    assert "\n" not in msg and "Traceback" not in msg


def test_cache_second_identical_lookup_sends_nothing(api, tmp_path):
    api.route("/crossref/works/10.1371/journal.pone.0033693", api_file(*WORK), JSON)
    c, _ = client_for(api, tmp_path)
    url = api.url("/crossref/works/10.1371/journal.pone.0033693")
    a = c.get(url, {"mailto": "a@b.org"})
    b = c.get(url, {"mailto": "other@b.org"})     # politeness params are not part of the key
    assert api.count("/crossref") == 1 and b.from_cache and b.content == a.content
    # a new client (a new run of the program) still hits the disk cache
    c2, _ = client_for(api, tmp_path)
    assert c2.get(url).from_cache and api.count("/crossref") == 1
    # errors are not cached
    api.route("/crossref/works/none", "Resource not found.", "text/plain", status=404)
    for _ in range(2):
        with pytest.raises(NotFound):
            c.get(api.url("/crossref/works/none"))
    assert api.count("/crossref/works/none") == 2


def test_cache_expires(api, tmp_path):
    api.route("/e", "answer", "text/plain")
    c, _ = client_for(api, tmp_path, cache_days=1.0)
    c.get(api.url("/e"))
    key = DiskCache.key("GET", api.url("/e"), None, "")
    meta = next((tmp_path / "http-cache").rglob(f"{key}.json"))
    import json
    m = json.loads(meta.read_text())
    m["stored"] -= 2 * 86400
    meta.write_text(json.dumps(m))
    c.get(api.url("/e"))
    assert api.count("/e") == 2


def test_cache_dir_defaults_to_user_cache_dir(tmp_path):
    # conftest points XDG_CACHE_HOME at tmp_path/xdg-cache
    p = Settings().cache_path()
    assert p == tmp_path / "xdg-cache" / "amlref" / "http"


def test_rate_limiter_spacing_with_a_fake_clock():
    now = [100.0]
    slept = []

    def sleep(d):
        slept.append(round(d, 6))
        now[0] += d
    lim = RateLimiter(3, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        lim.wait()
    assert slept == [round(1 / 3, 6)] * 3
    now[0] += 5          # idle: no wait after a pause
    lim.wait()
    assert len(slept) == 3


def test_ncbi_rate_is_3_without_key_and_10_with():
    assert Settings().ncbi_rate == 3.0
    assert Settings(ncbi_api_key="k").ncbi_rate == 10.0
    c = HttpClient(Settings(cache=False))
    assert c.limiter("ncbi").rate == 3.0
    c = HttpClient(Settings(cache=False, ncbi_api_key="k"))
    assert c.limiter("ncbi").rate == 10.0


def test_rate_limit_holds_on_the_wire(api, tmp_path):
    """Real requests at 20/s: 6 requests take at least 5 intervals (0.25 s)."""
    api.route("/eutils/esearch.fcgi", api_file("api", "ncbi-eutils-json", "esearch.pubmed.xml"), XML)
    s = settings_for(api, tmp_path, rate_ncbi=20, cache=False)
    c = HttpClient(s)
    t0 = time.monotonic()
    for i in range(6):
        c.get(api.url("/eutils/esearch.fcgi"), {"term": str(i)}, service="ncbi")
    assert time.monotonic() - t0 >= 0.25 - 0.01
    assert api.count("/eutils") == 6


def test_retry_after_parsing():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    from email.utils import format_datetime
    from datetime import datetime, timedelta, timezone
    d = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after_seconds(d) <= 31


def test_settings_from_library(lib):
    lib.settings.set("online.eutils_url", "http://127.0.0.1:1/eutils")
    lib.settings.set("online.ncbi_api_key", "abc")
    lib.settings.set("online.timeout", 3)
    s = Settings.from_library(lib)
    assert s.eutils_url == "http://127.0.0.1:1/eutils" and s.ncbi_rate == 10.0
    assert s.timeout == 3.0 and isinstance(s.timeout, float)


def test_pubmed_source_spaces_ncbi_requests_3_or_10_a_second(api, tmp_path):
    from amlref.sources.pubmed import PubmedSource
    api.route("/eutils/elink.fcgi", api_file("pubmed", "biopython-entrez", "elink1.xml"), XML)
    for key, gap in (("", 1 / 3), ("KEY", 0.1)):
        s = settings_for(api, tmp_path, rate_ncbi=0, ncbi_api_key=key, cache=False)
        client = HttpClient(s)
        now, slept = [0.0], []

        def sleep(d):
            slept.append(d)
            now[0] += d
        client.limiters["ncbi"] = RateLimiter(s.ncbi_rate, clock=lambda: now[0], sleep=sleep)
        pm = PubmedSource(client=client)
        pm.references(["9298984"])
        pm.cited_by(["9298984"])
        pm.references(["12242737"])
        assert slept == pytest.approx([gap, gap])
    assert [a.get("api_key") for _, a in api.calls] == [None] * 3 + [["KEY"]] * 3


def test_fresh_skips_cache_reads_but_refreshes_it(api, tmp_path):
    api.route("/f", "v1", "text/plain")
    c, _ = client_for(api, tmp_path)
    assert c.get(api.url("/f")).text == "v1"
    api.route("/f", "v2", "text/plain")
    assert c.get(api.url("/f")).text == "v1"              # cached
    c.fresh = True
    assert c.get(api.url("/f")).text == "v2"              # asked again
    c.fresh = False
    assert c.get(api.url("/f")).text == "v2"              # and the cache holds the new answer
    assert api.count("/f") == 2


def test_prune_removes_expired_entries_once_a_day(api, tmp_path):
    api.route("/a", "A", "text/plain")
    api.route("/b", "B", "text/plain")
    c, _ = client_for(api, tmp_path, cache_days=1.0)
    c.get(api.url("/a"))
    c.get(api.url("/b"))
    import json
    key_a = DiskCache.key("GET", api.url("/a"), None, "")
    meta = next((tmp_path / "http-cache").rglob(f"{key_a}.json"))
    m = json.loads(meta.read_text())
    m["stored"] -= 3 * 86400
    meta.write_text(json.dumps(m))
    cache = DiskCache(tmp_path / "http-cache", 86400)
    assert cache.prune() == 0                    # ran already today (first put of the client)
    (tmp_path / "http-cache" / ".pruned").unlink()
    assert cache.prune() == 2                    # the .json and .body of /a
    assert not meta.exists() and cache.get(DiskCache.key("GET", api.url("/b"), None, "")) is not None
