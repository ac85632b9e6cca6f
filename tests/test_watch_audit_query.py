"""Issue 17 audit: PubMed queries as PubMed reads them.

- What esearch says about a query (real answers: ErrorList/PhraseNotFound of
  corpora/api/ncbi-eutils-json/esearch.error.xml and biopython's esearch8.xml; the
  WarningList/QuotedPhraseNotFound form that PubMed sends today, written in its exact shape):
  a term every match needs is an error (PubMed would search without it, or find nothing
  forever), a term among alternatives is a note and the watch runs.
- A long query (the suggested watches: 800-2,600 characters) goes to esearch as a POST.
- `amlref watch add` refuses a query PubMed could not read, in one line."""
from __future__ import annotations

import re

import pytest
from werkzeug.wrappers import Response

from amlref.sources import pubmed as pm
from amlref.sources.pubmed_query import judge, query_problem, terms
from amlref.storage.library import Library
from amlref.storage.watches import WatchStore
from test_sources_support import XML, FakeApi, api_file
from test_watches_support import configure, efetch, esearch_answer, metapub_pmids


@pytest.fixture
def api(httpserver, cli, tmp_path):
    a = FakeApi(httpserver)
    configure(cli, a, tmp_path)
    return a


def real_lists(*parts: str) -> str:
    """The ErrorList/WarningList elements of a recorded esearch answer."""
    text = api_file(*parts).decode("utf-8")
    return "".join(re.findall(r"<(?:ErrorList|WarningList)>.*?</(?:ErrorList|WarningList)>",
                              text, re.S))


# PubMed's answer today for a phrase it does not know (a live capture, quoted in other projects'
# tests: the phrase in quotes in WarningList, "No items found." when nothing matched)
QUOTED_NOT_FOUND = ('<WarningList><QuotedPhraseNotFound>"qzxwvunonsenseterm"'
                    '</QuotedPhraseNotFound><OutputMessage>No items found.</OutputMessage>'
                    '</WarningList>')


class Search:
    """esearch on the local server: the recorded layout (test_watches_support.esearch_answer)
    with ``lists`` (ErrorList/WarningList) spliced in, paged; records method and term of every
    request, GET or POST."""

    def __init__(self, ids: list[str], lists: str = ""):
        self.ids, self.lists, self.seen = ids, lists, []

    def __call__(self, request) -> Response:
        v = request.values                                   # query string and form body
        self.seen.append((request.method, v.get("term", ""), v.to_dict()))
        body = esearch_answer(self.ids, int(v.get("retstart", 0)), int(v.get("retmax", 20)),
                              v.get("term", ""))
        body = body.replace("</eSearchResult>", self.lists + "</eSearchResult>")
        return Response(body, content_type=XML)


# -- the query as PubMed reads it ---------------------------------------------------------------
@pytest.mark.parametrize("query, needed, alternative", [
    ("a AND b", {"a", "b"}, set()),
    ("a OR b", set(), {"a", "b"}),
    ("a b", {"a", "b"}, set()),                                # side by side: AND
    ("a OR b AND c", {"c"}, {"a", "b"}),                       # left to right: (a OR b) AND c
    ("a AND b OR c", set(), {"c"}),                            # (a AND b) OR c
    ("(a AND b) OR c", set(), {"c"}),
    ('"x y"[tiab] AND (p[mh] OR "q r" [tiab])', {'"x y"[tiab]'}, {"p[mh]", '"q r"[tiab]'}),
    ("a NOT b", {"a", "b"}, set()),
])
def test_terms_stand_where_pubmed_reads_them(query, needed, alternative):
    got = terms(query)
    assert {t.text for t in got if t.needed} == needed
    assert {t.text for t in got if t.alternative} == alternative


def test_what_pubmed_could_not_use_is_an_error_or_a_note():
    # left out of the search (ErrorList): harmless only among alternatives
    assert judge("a OR typo", [("PhraseNotFound", "typo")]) == ([], ["phrase not found: typo"])
    assert judge("a AND typo", [("PhraseNotFound", "typo")])[0] == ["phrase not found: typo"]
    assert judge("(typo AND a) OR b", [("PhraseNotFound", "typo")])[0]   # widens a's branch
    assert judge("a NOT (b OR typo)", [("PhraseNotFound", "typo")])[0]   # NOT: widens
    # matching nothing (WarningList): an error only where every match needs it
    q = [("QuotedPhraseNotFound", '"typo"')]
    assert judge("typo", q)[0] and judge("a AND typo[tiab]", q)[0]
    assert judge('a AND (b OR "typo"[tiab])', q) == ([], ['quoted phrase not found: "typo"'])
    assert judge("a NOT typo", q)[0] == []
    # every alternative unknown: nothing can match (and dropped, the rest would widen)
    both = [("PhraseNotFound", "typo1"), ("PhraseNotFound", "typo2")]
    assert len(judge("a AND (typo1 OR typo2)", both)[0]) == 2
    assert judge("typo1 OR typo2", [("QuotedPhraseNotFound", '"typo1"'),
                                    ("QuotedPhraseNotFound", '"typo2"')])[1] == []
    assert judge("(a AND b) OR typo1 OR typo2", both)[0] == []
    # a wrong field tag is always an error; what names no term of the query too
    assert judge("a OR b[nosuch]", [("FieldNotFound", "nosuch")])[0]
    assert judge("a OR b", [("PhraseNotFound", "elsewhere")])[0]
    # what says nothing about the query
    assert judge("a AND b", [("PhraseIgnored", "with"), ("OutputMessage", "No items found.")]) \
        == ([], [])


def test_the_suggested_watches_are_valid_and_an_unknown_agent_does_not_stop_them():
    from amlref.services.watches import suggest
    for name, query in suggest():
        assert query_problem(query) == "", name
        got = terms(query)
        assert [t.text for t in got if t.needed] == ['"Leukemia, Myeloid, Acute"[MeSH Terms]']
        # every agent/MeSH term is one of alternatives: PubMed not knowing one of them (a code
        # name too new for its index) is a note, never an error
        rest = [t for t in got if t.needed is False]
        assert rest and all(t.alternative and not t.negated for t in rest)
        some = rest[len(rest) // 2].text
        assert judge(query, [("PhraseNotFound", some)])[0] == []
        assert judge(query, [("QuotedPhraseNotFound", some)])[0] == []


# -- against the local server: a watch run ------------------------------------------------
def test_a_term_pubmed_drops_from_an_and_query_fails_the_run(api, cli, lib_path):
    """The real answer: PubMed searched "obstetrics" alone, without fleegle[MeSH Terms]."""
    search = Search(metapub_pmids()[:3], real_lists("api", "ncbi-eutils-json",
                                                     "esearch.error.xml"))
    api.route("/eutils/esearch.fcgi", search)
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", "obstetrics[MeSH Terms] AND fleegle[MeSH Terms]")
    r = cli("watch", "run", "w")
    assert r.code == 2 and "phrase not found: fleegle[MeSH Terms]" in r.err, r
    assert r.err.count("\n") == 1 and "Traceback" not in r.err
    assert api.count("/eutils/efetch") == 0
    lib = Library.open(lib_path)
    try:
        w = WatchStore(lib).get("w")
        assert lib.articles.count() == 0 and w["last_run"] is None
        assert "fleegle" in w["last_error"]
    finally:
        lib.close()


def test_a_term_among_alternatives_pubmed_does_not_know_is_a_note(api, cli, lib_path):
    pmids = metapub_pmids()[:3]
    api.route("/eutils/esearch.fcgi", Search(pmids, real_lists(
        "api", "ncbi-eutils-json", "esearch.error.xml")))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", "obstetrics[MeSH Terms] OR fleegle[MeSH Terms]")
    r = cli("watch", "run", "w")
    assert r.code == 0, r
    assert "3 new" in r.out and "PubMed ignored a term of the query (phrase not found: " \
        "fleegle[MeSH Terms])" in r.out
    r = cli("watch", "run", "w", "--json")
    assert r.json()[0]["notes"] == [
        "PubMed ignored a term of the query (phrase not found: fleegle[MeSH Terms])"]


@pytest.mark.parametrize("query, ok", [
    ("qzxwvunonsenseterm", False),
    ('"Leukemia, Myeloid, Acute"[MeSH Terms] AND qzxwvunonsenseterm', False),
    ('"Leukemia, Myeloid, Acute"[MeSH Terms] AND (CD123[tiab] OR qzxwvunonsenseterm)', True),
])
def test_a_phrase_pubmed_finds_nothing_for(api, cli, lib_path, query, ok):
    """A typo alone or under AND: the watch would find nothing, ever -- said at once."""
    api.route("/eutils/esearch.fcgi", Search(metapub_pmids()[:2] if ok else [],
                                             QUOTED_NOT_FOUND))
    api.route("/eutils/efetch.fcgi", efetch)
    cli("watch", "add", "w", query)
    r = cli("watch", "run", "w")
    if ok:
        assert r.code == 0 and 'quoted phrase not found: "qzxwvunonsenseterm"' in r.out, r
    else:
        assert r.code == 2 and 'quoted phrase not found: "qzxwvunonsenseterm"' in r.err, r
        assert r.err.count("\n") == 1


def test_biopythons_recorded_phrase_not_found(api, cli):
    api.route("/eutils/esearch.fcgi", api_file("pubmed", "biopython-entrez", "esearch8.xml"),
              XML)
    cli("watch", "add", "w", "abcXYZ")
    r = cli("watch", "run", "w")
    assert r.code == 2 and "phrase not found: abcXYZ" in r.err and r.err.count("\n") == 1


def test_ncbis_search_servers_failing_is_not_a_query_error(api, cli, lib_path):
    """NCBI answers <ERROR>Search Backend failed: ...</ERROR> when its search servers fail
    (biopython issue 4193 quotes the form; the words after it here are an example): try again
    later, not "PubMed refused the query"."""
    api.route("/eutils/esearch.fcgi",
              '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC '
              '"-//NLM//DTD esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/'
              '20060628/esearch.dtd">\n<eSearchResult><ERROR>Search Backend failed: '
              "Couldn't resolve #pmquerysrv-mz?dbaf=pubmed, the address table is empty."
              "</ERROR></eSearchResult>\n", XML)
    cli("watch", "add", "w", "CD123[tiab]")
    r = cli("watch", "run", "w")
    assert r.code == 2 and "NCBI esearch failed (Search Backend failed: " in r.err, r
    assert "try again later" in r.err and "refused" not in r.err and r.err.count("\n") == 1


def test_a_long_query_goes_as_a_post_and_pages_on_the_history_server(api, cli, lib_path):
    from amlref.services.watches import suggest
    name, query = max(suggest(), key=lambda s: len(s[1]))
    assert len(query) > pm.GET_LIMIT
    pmids = metapub_pmids()[:25]
    search = Search(pmids)
    api.route("/eutils/esearch.fcgi", search)
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "add-defaults").code == 0
    lib = Library.open(lib_path)
    try:
        from amlref.services.watches import run_watch
        rep = run_watch(lib, name, page=10)
    finally:
        lib.close()
    assert len(rep.added) == 25
    assert [m for m, _, _ in search.seen] == ["POST"] * 3
    assert all(t == query for _, t, _ in search.seen)       # the whole query, not cut
    forms = [f for _, _, f in search.seen]      # (sent in the body: POST)
    assert [(f["retstart"], f["retmax"]) for f in forms] == [("0", "10"), ("10", "10"),
                                                              ("20", "5")]
    assert forms[0]["datetype"] == "edat" and forms[0]["usehistory"] == "y"
    assert "WebEnv" not in forms[0] and forms[1]["WebEnv"].startswith("MCID_")
    assert forms[0]["email"] == "tests@example.org" and forms[0]["tool"] == "amlref"
    # a short query stays a GET
    search.seen.clear()
    cli("watch", "add", "short", "CD123[tiab]")
    assert cli("watch", "run", "short").code == 0
    assert [m for m, _, _ in search.seen] == ["GET"]


def test_no_more_than_pubmed_gives_is_asked_for(api, cli, tmp_path):
    """esearch gives no ids past the first 10,000: retstart stays below it."""
    from amlref.services.online import Online
    ids = [str(40000000 + i) for i in range(12000)]
    search = Search(ids)
    api.route("/eutils/esearch.fcgi", search)
    lib = Library.open(tmp_path / "library.sqlite")
    try:
        count, got = pm.search_all(Online.for_library(lib).pubmed, "AML", page=5000,
                                   limit=50000)
    finally:
        lib.close()
    assert count == 12000 and len(got) == 10000
    assert [(v["retstart"], v["retmax"]) for _, _, v in search.seen] == [("0", "5000"),
                                                                         ("5000", "5000")]
    assert cli("config", "set", "watch.max_results", "20000").code == 2


def test_watch_add_and_edit_refuse_a_query_pubmed_could_not_read(api, cli):
    for query, words in (("AML AND (CD123", "a '(' is not closed"),
                         ('"acute myeloid leukemia AND CAR', "quotation mark is not closed"),
                         ("AML AND OR CAR-T", "AND needs a term on both sides"),
                         ("AML[tiab AND CD33", "field tag"), ("  ", "the query is empty")):
        r = cli("watch", "add", "w", query)
        assert r.code == 2 and words in r.err and r.err.count("\n") == 1, (query, r)
    assert cli("watch", "list", "--json").json() == []
    assert cli("watch", "add", "w", "CD123[tiab]").code == 0
    r = cli("watch", "edit", "w", "CD123[tiab] AND (")
    assert r.code == 2 and "not closed" in r.err
    assert cli("watch", "list", "--json").json()[0]["query"] == "CD123[tiab]"
