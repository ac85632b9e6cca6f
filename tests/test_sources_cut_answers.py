"""A 200 answer cut half-way is an error, never cached: fewer bytes than its Content-Length, a
chunked body that ends early, XML or JSON that does not parse.  The next try fetches it again.
A real local HTTP server (pytest-httpserver) replaying the real E-utilities and OpenAlex answers
of ../shared/corpora/api."""
from __future__ import annotations

import pytest
from werkzeug.wrappers import Response

from amlref.core.errors import NetworkError
from amlref.sources.http import DiskCache, HttpClient
from amlref.sources.pubmed import PubmedSource
from test_sources_support import JSON, XML, FakeApi, api_file, settings_for

EFETCH = ("api", "ncbi-eutils-json", "efetch.pubmed.xml")
ESEARCH_JSON = ("api", "ncbi-eutils-json", "esearch.pubmed.json")
OPENALEX = ("api", "openalex-works", "case-001.json")


@pytest.fixture
def api(httpserver):
    return FakeApi(httpserver)


def client(api, tmp_path, **kw) -> HttpClient:
    return HttpClient(settings_for(api, tmp_path, **kw), sleep=lambda s: None)


def cached_files(tmp_path) -> list:
    return [p for p in (tmp_path / "http-cache").rglob("*") if p.is_file()
            and p.suffix in (".json", ".body")]


def short_of_its_length(body: bytes, ctype: str):
    """An answer whose Content-Length promises more than it sends (the connection then
    closes): what a dropped connection behind a proxy looks like."""
    def handler(request):
        r = Response(iter([body[: len(body) // 2]]), content_type=ctype,
                     direct_passthrough=True)
        r.headers["Content-Length"] = str(len(body))
        r.headers["Connection"] = "close"
        return r
    return handler


def chunked_then_broken(body: bytes, ctype: str):
    """A chunked answer (no Content-Length) whose sender stops half-way: two chunks of the
    body, then the connection closes without the last, empty chunk (RFC 9112 7.1)."""
    def handler(request):
        half = body[: len(body) // 2]
        framed = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in (half[:1000], half[1000:]))
        r = Response(iter([framed]), content_type=ctype, direct_passthrough=True)
        r.headers["Transfer-Encoding"] = "chunked"
        r.headers["Connection"] = "close"
        return r
    return handler


def test_real_efetch_answer_shorter_than_its_content_length(api, tmp_path):
    body = api_file(*EFETCH)
    api.route("/eutils/efetch.fcgi", short_of_its_length(body, XML))
    c = client(api, tmp_path, timeout=5.0, retries=0)
    with pytest.raises(NetworkError) as exc:
        c.get(api.url("/eutils/efetch.fcgi"), {"id": "1"}, what="PubMed efetch of 1 PMID")
    msg = str(exc.value)
    assert "PubMed efetch of 1 PMID" in msg and "broke off" in msg and "\n" not in msg
    assert cached_files(tmp_path) == []
    # the server sends the whole answer now: fetched again, not served from a cache
    api.route("/eutils/efetch.fcgi", body, XML)
    r = c.get(api.url("/eutils/efetch.fcgi"), {"id": "1"})
    assert r.content == body and not r.from_cache and api.count("/eutils/efetch") == 2
    assert c.get(api.url("/eutils/efetch.fcgi"), {"id": "1"}).from_cache   # whole: cached


def test_chunked_answer_that_ends_early(api, tmp_path):
    body = api_file(*OPENALEX)
    api.route("/openalex/works", chunked_then_broken(body, JSON))
    c = client(api, tmp_path, timeout=5.0, retries=0)
    with pytest.raises(NetworkError, match="broke off"):
        c.get(api.url("/openalex/works"), {"filter": "cites:W1"})
    assert cached_files(tmp_path) == []


@pytest.mark.parametrize("answer, ctype, words", [
    (EFETCH, XML, "malformed XML"),
    (ESEARCH_JSON, JSON, "malformed JSON"),
    (OPENALEX, JSON, "malformed JSON"),
])
def test_cut_xml_or_json_with_a_matching_length_is_not_cached(api, tmp_path, answer, ctype,
                                                             words):
    """Cut before it was sent (a proxy's buffer, a crashed backend): the length matches what
    came, only the parse shows it."""
    body = api_file(*answer)
    api.route("/eutils/x.fcgi", body[: len(body) * 2 // 3], ctype)
    c = client(api, tmp_path)
    with pytest.raises(NetworkError, match=words) as exc:
        c.get(api.url("/eutils/x.fcgi"), {"q": "1"}, what="the lookup")
    assert str(exc.value).startswith("the lookup: ") and "\n" not in str(exc.value)
    assert cached_files(tmp_path) == []
    api.route("/eutils/x.fcgi", body, ctype)
    r = c.get(api.url("/eutils/x.fcgi"), {"q": "1"})
    assert r.content == body and not r.from_cache
    if ctype == JSON:
        assert r.json() == __import__("json").loads(body.decode("utf-8-sig"))


def test_a_cut_answer_an_older_version_cached_is_fetched_again(api, tmp_path):
    body = api_file(*EFETCH)
    c = client(api, tmp_path)
    url = api.url("/eutils/efetch.fcgi")
    key = DiskCache.key("GET", url, {"id": "1"}, "")
    from amlref.sources.http import Response as Answer
    c.cache.put(key, Answer(url, 200, XML, body[: len(body) // 2]))
    api.route("/eutils/efetch.fcgi", body, XML)
    r = c.get(url, {"id": "1"})
    assert r.content == body and not r.from_cache and api.count("/eutils/efetch") == 1


def test_pubmed_efetch_cut_then_whole_through_the_source(api, tmp_path):
    body = api_file(*EFETCH)
    api.route("/eutils/efetch.fcgi", body[:4000], XML)
    src = PubmedSource(client=client(api, tmp_path))
    with pytest.raises(NetworkError, match="malformed XML"):
        src.fetch_xml(["31000001"])
    api.route("/eutils/efetch.fcgi", body, XML)
    [text] = src.fetch_xml(["31000001"])
    assert "<PubmedArticleSet>" in text and api.count("/eutils/efetch") == 2
