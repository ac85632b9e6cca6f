"""`citations refresh`: references and cited-by from recorded E-utilities, Crossref and OpenAlex
answers; all-or-nothing writes; the cache; later additions becoming links."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from amlref.core.article import Article
from amlref.core.errors import Cancelled, NetworkError
from amlref.core.progress import CancelToken
from amlref.services.online import Online, add_identifiers, refresh_citations
from amlref.storage.library import Library
from test_sources_support import (JSON, XML, EFETCH_40443513, FakeApi, api_file, idconv_json,
                                  library_settings, settings_for)
from conftest import corpus

ELINK1 = ("pubmed", "biopython-entrez", "elink1.xml")      # PMID 9298984, all link sets


def elink_sets(parts) -> dict[str, list[str]]:
    """Independent reading of a recorded elink answer: link name -> PMIDs."""
    root = ET.parse(corpus(*parts)).getroot()
    return {db.findtext("LinkName"): [e.text for e in db.iterfind("Link/Id")]
            for db in root.iter("LinkSetDb")}


@pytest.fixture
def api(httpserver):
    return FakeApi(httpserver)


@pytest.fixture
def online(api, tmp_path):
    return Online.from_settings(settings_for(api, tmp_path, retries=1))


def state(lib) -> tuple:
    ex = lib.execute
    return (ex("SELECT count(*) FROM citations").fetchone()[0],
            ex("SELECT count(*) FROM reference_stubs").fetchone()[0],
            ex("SELECT group_concat(extra) FROM articles").fetchone()[0])


def test_refresh_from_pubmed_elink(lib, api, online):
    sets = elink_sets(ELINK1)
    refs, citedin = sets["pubmed_pubmed_refs"], sets["pubmed_pubmed_citedin"]
    api.route("/eutils/elink.fcgi", api_file(*ELINK1), XML)
    # esummary: the recorded answer, its first document relabelled as refs[0]
    summ = json.loads(api_file("api", "ncbi-eutils-json", "esummary.pubmed.json"))
    doc = summ["result"].pop("5683731")
    doc["uid"] = refs[0]
    summ["result"][refs[0]] = doc
    summ["result"]["uids"] = [refs[0], "22144687"]
    api.route("/eutils/esummary.fcgi", json.dumps(summ), "application/json; charset=UTF-8")
    main = lib.articles.add(Article(title="Main article", pmid="9298984"))
    cited = lib.articles.add(Article(title="A cited one already here", pmid=refs[3]))
    citer = lib.articles.add(Article(title="A citing one already here", pmid=citedin[5]))
    rep = refresh_citations(lib, [main], online=online)
    assert rep.references == len(refs) == 56
    assert rep.cited_by == 1 and rep.cited_by_elsewhere == len(citedin) - 1 == 38
    out = lib.citations.references(main)
    assert out[0]["article_id"] == cited                     # in-library first
    assert sum(1 for e in out if e["stub_id"]) == 55
    assert [e["article_id"] for e in lib.citations.cited_by(main)] == [citer]
    assert {e["origin"] for e in out} == {"eutils"}
    a = lib.articles.get(main)
    assert len(a.extra["cited_by_elsewhere"]) == 38 and f"pmid:{citedin[0]}" in a.extra["cited_by_elsewhere"]
    stub = lib.citations.stub(next(e["stub_id"] for e in out
                                   if e["stub_id"] and lib.citations.stub(e["stub_id"])["pmid"] == refs[0]))
    assert stub["title"] == "An assistive device for smoking." and stub["year"] == 1968
    assert stub["doi"] == "10.1038/sc.1968.18" and stub["container"] == "Paraplegia"
    esum = [a for p, a in api.calls if p == "/eutils/esummary.fcgi"]
    assert len(esum) == 1 and len(esum[0]["id"][0].split(",")) == 55   # only those not here
    assert rep.requests == 3                                 # elink x2, esummary
    # the same refresh again: nothing new, nothing sent (cache)
    before = state(lib)
    rep2 = refresh_citations(lib, [main], online=online)
    assert (rep2.references, rep2.cited_by, rep2.requests) == (0, 0, 0) and rep2.cache_hits == 3
    assert state(lib) == before


def test_refresh_failure_half_way_writes_nothing(lib, api, online, httpserver):
    """refs arrive, then the cited-by request fails: no edge, no stub, no change."""
    api.route("/eutils/elink.fcgi", api_file(*ELINK1), XML,
              when=lambda a: a.get("linkname") == "pubmed_pubmed_refs")
    api.route("/eutils/elink.fcgi", "<html>Service unavailable</html>", "text/html", status=503,
              when=lambda a: a.get("linkname") == "pubmed_pubmed_citedin")
    main = lib.articles.add(Article(title="Main article", pmid="9298984"))
    before = state(lib)
    with pytest.raises(NetworkError, match="HTTP 503"):
        refresh_citations(lib, [main], online=online)
    assert state(lib) == before
    assert api.count("/eutils/elink") == 3                   # refs, citedin + 1 retry


def test_refresh_malformed_answer_writes_nothing(lib, api, online):
    text = api_file(*ELINK1)
    api.route("/eutils/elink.fcgi", text[: len(text) // 3], XML)
    main = lib.articles.add(Article(title="Main article", pmid="9298984"))
    before = state(lib)
    with pytest.raises(NetworkError, match="malformed XML"):
        refresh_citations(lib, [main], online=online)
    assert state(lib) == before


def test_refresh_cancelled_writes_nothing(lib, api, online):
    api.route("/eutils/elink.fcgi", api_file(*ELINK1), XML)
    main = lib.articles.add(Article(title="Main article", pmid="9298984"))
    token = CancelToken()

    def progress(done, total, msg):
        if "cited by" in msg:
            token.cancel()
    before = state(lib)
    with pytest.raises(Cancelled):
        refresh_citations(lib, [main], progress=progress, cancel=token, online=online)
    assert state(lib) == before


def test_refresh_crossref_for_articles_without_pmid(lib, api, online):
    doi = "10.1371/journal.pone.0033693"
    api.route(f"/crossref/works/{doi}",
              api_file("api", "crossref-habanero", "test_works_with_one_id.01.json"), JSON)
    msg = json.loads(api_file("api", "crossref-habanero", "test_works_with_one_id.01.json"))["message"]
    first_doi = msg["reference"][0]["DOI"].lower()
    here = lib.articles.add(Article(title="Stimulants: therapeutic actions in ADHD", doi=first_doi))
    main = lib.articles.add(Article(title="PLoS paper", doi=doi))
    api.route("/idconv/", idconv_json([{"requested-id": doi, "status": "error",
                                        "errmsg": "Identifier not found in PMC"}]), JSON)
    rep = refresh_citations(lib, [main], online=online)
    distinct = {r.get("DOI", "").lower() or r.get("article-title") for r in msg["reference"]}
    assert rep.references == len(distinct) == 69      # 70 listed; ref5 and ref6 are one work
    out = lib.citations.references(main)
    assert out[0]["article_id"] == here and {e["origin"] for e in out} == {"crossref"}
    assert api.count("/eutils") == 0                         # no PMID found: no elink
    assert api.count("/idconv/") == 1


def test_refresh_doi_only_article_finds_its_pmid(lib, api, online):
    api.route("/idconv/", idconv_json([{"requested-id": "10.1000/main", "doi": "10.1000/main",
                                        "pmid": "9298984", "pmcid": "PMC1"}]), JSON)
    api.route("/eutils/elink.fcgi", api_file(*ELINK1), XML)
    api.route("/eutils/esummary.fcgi", api_file("api", "ncbi-eutils-json", "esummary.pubmed.json"),
              "application/json; charset=UTF-8")
    main = lib.articles.add(Article(title="Main article, imported from BibTeX", doi="10.1000/main"))
    rep = refresh_citations(lib, [main], online=online)
    assert rep.references == 56 and api.count("/crossref") == 0


def test_refresh_openalex(lib, api, online):
    work = json.loads(api_file("api", "openalex-works", "case-001.json"))
    listing = json.loads(api_file("api", "openalex-works", "case-006.json"))
    work["referenced_works"] = [w["id"] for w in listing["results"][:3]]
    api.route("/openalex/works/doi:10.2307/1885099", json.dumps(work), JSON)
    api.route("/openalex/works", json.dumps({"meta": listing["meta"],
                                             "results": listing["results"][:3]}), JSON,
              when=lambda a: a.get("filter", "").startswith("openalex:"))
    api.route("/openalex/works", json.dumps(listing), JSON,
              when=lambda a: a.get("filter") == "cites:W2099326003")
    citer_doi = listing["results"][1]["doi"].replace("https://doi.org/", "")
    citer = lib.articles.add(Article(title=listing["results"][1]["title"], doi=citer_doi))
    main = lib.articles.add(Article(title="Labor contracts as partial gift exchange",
                                    doi="10.2307/1885099"))
    rep = refresh_citations(lib, [main], online=online, sources=("openalex",))
    others_with_doi = [w for i, w in enumerate(listing["results"]) if w["doi"] and i != 1]
    assert rep.references == 3 and rep.cited_by == 1
    assert rep.cited_by_elsewhere == len(others_with_doi) == 2     # no DOI/PMID: not addable
    assert [e["article_id"] for e in lib.citations.cited_by(main)] == [citer]
    assert {e["origin"] for e in lib.citations.references(main)} == {"openalex"}


def test_cited_by_seen_earlier_becomes_a_link_when_added(lib, api, online):
    """A refresh saw 40443513 citing the seed review from outside the library; adding it later
    makes the link even when its own record lists no references."""
    elink = ('<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eLinkResult PUBLIC "-//NLM//DTD '
             'elink 20101123//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20101123/elink.dtd">\n'
             "<eLinkResult><LinkSet><DbFrom>pubmed</DbFrom><IdList><Id>39697225</Id></IdList>"
             "<LinkSetDb><DbTo>pubmed</DbTo><LinkName>pubmed_pubmed_citedin</LinkName>"
             "<Link><Id>40443513</Id></Link><Link><Id>40566589</Id></Link></LinkSetDb>"
             "</LinkSet></eLinkResult>")
    api.route("/eutils/elink.fcgi", elink, XML)
    no_refs = EFETCH_40443513.split("<ReferenceList>")[0] + \
        EFETCH_40443513.split("</ReferenceList>")[1]
    api.route("/eutils/efetch.fcgi", no_refs, XML)
    seed = lib.articles.add(Article(title="Updates in novel immunotherapeutic strategies for "
                                    "relapsed/refractory AML", pmid="39697225"))
    rep = refresh_citations(lib, [seed], online=online)
    assert rep.cited_by_elsewhere == 2 and lib.citations.cited_by(seed) == []
    r = add_identifiers(lib, ["40443513"], online=online)
    new = r.added[0]
    assert [e["article_id"] for e in lib.citations.cited_by(seed)] == [new]
    assert lib.articles.get(seed).extra["cited_by_elsewhere"] == ["pmid:40566589"]


def test_cli_citations_refresh(api, cli, lib_path, tmp_path):
    lib = Library.open(lib_path)
    library_settings(lib, api, tmp_path)
    a = lib.articles.add(Article(title="Main article", pmid="9298984"))
    lib.tags.add([a], "review")
    lib.articles.add(Article(title="Other, not refreshed", pmid="1"))
    key = lib.articles.get(a).citekey
    lib.close()
    api.route("/eutils/elink.fcgi", api_file(*ELINK1), XML)
    api.route("/eutils/esummary.fcgi", api_file("api", "ncbi-eutils-json", "esummary.pubmed.json"),
              "application/json; charset=UTF-8")
    r = cli("citations", "refresh", "--tag", "review", "--json")
    assert r.code == 0, r
    d = r.json()
    assert d["articles"] == 1 and d["references"] == 56
    assert all(args["id"] == ["9298984"] for p, args in api.calls if "elink" in p)
    r = cli("citations", "refresh", key)
    assert r.code == 0 and "0 new reference link(s)" in r.out
    r = cli("citations", "refresh", "no-such-key")
    assert r.code == 2 and r.err.startswith("amlref: error:")


def test_cli_refresh_offline_is_one_line(cli, lib_path, tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    lib = Library.open(lib_path)
    lib.settings.set("online.eutils_url", f"http://127.0.0.1:{port}/eutils")
    lib.settings.set("online.cache_dir", str(tmp_path / "c"))
    lib.articles.add(Article(title="Main article", pmid="9298984"))
    lib.close()
    r = cli("citations", "refresh")
    assert r.code == 2 and r.err.count("\n") == 1
    assert "cannot reach 127.0.0.1" in r.err and "offline" in r.err


def test_add_then_refresh_with_biocommons_recordings(lib, api, online):
    parts = ("api", "ncbi-eutils-biocommons", "test_elink.01.xml")
    citedin = elink_sets(parts)["pubmed_pubmed_citedin"]
    api.route("/eutils/efetch.fcgi", api_file("api", "ncbi-eutils-biocommons", "test_efetch.01.xml"),
              "text/xml; charset=UTF-8")
    api.route("/eutils/elink.fcgi", api_file(*parts), "text/xml; charset=UTF-8")
    rep = add_identifiers(lib, ["1234567"], online=online)
    aid = rep.added[0]
    assert lib.articles.get(aid).doi == "10.1159/000398269"
    r = refresh_citations(lib, [aid], online=online)
    assert r.references == 0 and r.cited_by == 0          # no refs link set in this answer
    assert r.cited_by_elsewhere == len(set(citedin)) > 0
    assert sorted(lib.articles.get(aid).extra["cited_by_elsewhere"]) == sorted(
        f"pmid:{p}" for p in set(citedin))
    assert api.count("/eutils/esummary") == 0 and api.count("/crossref") == 1
    assert r.not_found == ["crossref:10.1159/000398269"]   # PubMed gave no refs: Crossref asked
