"""`amlref add DOI|PMID|PMCID|URL` against a local server playing recorded real answers."""
from __future__ import annotations

import json
import re

import pytest

from amlref.storage.library import Library
from test_sources_support import (CSL, JSON, XML, EFETCH_40443513, FakeApi, api_file,
                                  idconv_json, ids_of, library_settings, metapub)
from conftest import corpus

NO_HITS = ("pubmed", "biopython-entrez", "esearch8.xml")     # real esearch: Count 0


@pytest.fixture
def api(httpserver, lib_path, tmp_path):
    a = FakeApi(httpserver)
    lib = Library.open(lib_path)
    library_settings(lib, a, tmp_path)
    lib.close()
    return a


def efetch_by_id(request):
    """efetch: concatenate the recorded metapub answers of the asked PMIDs."""
    from werkzeug.wrappers import Response
    ids = ids_of(request.args)
    parts = []
    for pmid in ids:
        p = corpus("pubmed", "metapub-pmid-xml") / f"{pmid}.xml"
        if pmid == "40443513":
            text = EFETCH_40443513
        elif p.exists():
            text = p.read_text("utf-8")
        else:
            continue                          # PubMed leaves unknown PMIDs out
        m = re.search(r"<PubmedArticleSet>(.*)</PubmedArticleSet>", text, re.S)
        parts.append(m.group(1) if m else "")
    head = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
            '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n')
    return Response(head + "<PubmedArticleSet>" + "".join(parts) + "</PubmedArticleSet>\n",
                    content_type="text/xml; charset=UTF-8")


def count(lib_path) -> int:
    lib = Library.open(lib_path)
    try:
        return lib.articles.count()
    finally:
        lib.close()


def test_add_pmid_with_full_metadata_and_references(api, cli, lib_path):
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    r = cli("add", "24349601", "--json")
    assert r.code == 0, r
    d = r.json()
    assert d["added"] == 1 and d["skipped"] == 0
    lib = Library.open(lib_path)
    a = lib.articles.find("24349601")
    assert a.title == "Genes, Economics, and Happiness." and a.doi == "10.1037/a0030292"
    assert a.pmcid == "PMC3858957" and a.origin == "pubmed-xml" and a.authors
    refs = lib.citations.references(a.id)
    assert len(refs) == d["links"] == 91                  # its PubMed ReferenceList
    lib.close()
    assert [p for p, _ in api.calls] == ["/eutils/efetch.fcgi"]


def test_second_identical_add_makes_no_request_and_no_duplicate(api, cli, lib_path):
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    assert cli("add", "https://pubmed.ncbi.nlm.nih.gov/24349601/").code == 0
    n_calls = len(api.calls)
    r = cli("add", "PMID: 24349601", "--json")
    assert r.code == 0 and len(api.calls) == n_calls      # served from the disk cache
    assert r.json()["added"] == 0 and r.json()["merged"] == 1
    assert count(lib_path) == 1
    assert cli("add", "24349601", "--fresh").code == 0 and len(api.calls) == n_calls + 1
    assert count(lib_path) == 1


def test_add_several_pmids_in_one_efetch(api, cli, lib_path):
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    pmids = ["11618220", "24084238", "26415349", "30386702"]
    r = cli("add", *pmids, "--json")
    assert r.code == 0 and r.json()["added"] == 4
    assert api.count("/eutils/efetch") == 1
    assert sorted(api.calls[0][1]["id"][0].split(",")) == sorted(pmids)
    assert count(lib_path) == 4


def test_add_pmcid_via_the_id_converter(api, cli, lib_path):
    api.route("/idconv/", idconv_json([{"requested-id": "PMC3858957", "pmcid": "PMC3858957",
                                        "pmid": "24349601", "doi": "10.1037/a0030292"}]), JSON)
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    r = cli("add", "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC3858957/", "--json")
    assert r.code == 0, r
    assert r.json()["articles"][0]["pmid"] == "24349601"
    assert [p for p, _ in api.calls] == ["/idconv/", "/eutils/efetch.fcgi"]


def test_add_doi_not_in_pubmed_uses_crossref(api, cli, lib_path):
    doi = "10.1038/srep16696"
    api.route("/idconv/", idconv_json([{"requested-id": doi, "status": "error",
                                        "errmsg": "Identifier not found in PMC"}]), JSON)
    api.route("/eutils/esearch.fcgi", api_file(*NO_HITS), XML)
    api.route(f"/crossref/works/{doi}",
              api_file("api", "crossref-habanero", "test_works_with_many_ids.03.json"), JSON)
    r = cli("add", f"https://doi.org/{doi}", "--json")
    assert r.code == 0, r
    d = r.json()
    assert d["added"] == 1 and d["links"] == 62
    lib = Library.open(lib_path)
    a = lib.articles.find(doi)
    assert a.origin == "crossref" and a.container == "Scientific Reports"
    stubs = [lib.citations.stub(e["stub_id"]) for e in lib.citations.references(a.id)]
    assert sum(1 for s in stubs if s.get("doi")) == 62
    lib.close()
    assert [p for p, _ in api.calls] == ["/idconv/", "/eutils/esearch.fcgi", f"/crossref/works/{doi}"]


def test_add_doi_found_by_esearch_goes_to_pubmed(api, cli, lib_path):
    api.route("/idconv/", idconv_json([]), JSON)
    one_hit = api_file(*NO_HITS).decode().replace("<Count>0</Count><RetMax>0</RetMax>",
                                                   "<Count>1</Count><RetMax>1</RetMax>") \
        .replace("<IdList/>", "<IdList><Id>24349601</Id></IdList>")
    api.route("/eutils/esearch.fcgi", one_hit, XML)
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    r = cli("add", "doi:10.1037/A0030292", "--json")
    assert r.code == 0 and r.json()["articles"][0]["pmid"] == "24349601"
    assert api.count("/crossref") == 0


def test_add_doi_unknown_to_crossref_falls_back_to_doi_org(api, cli, lib_path):
    doi = "10.1021/ja01577a030"
    api.route("/idconv/", idconv_json([]), JSON)
    api.route("/eutils/esearch.fcgi", api_file(*NO_HITS), XML)
    api.route(f"/crossref/works/{doi}", "Resource not found.", "text/plain", status=404)
    items = json.loads(api_file("api", "crossref-csl-json-doi.json"))
    api.route(f"/doi/{doi}", json.dumps(items["one url"][1][0]), CSL)
    r = cli("add", doi, "--json")
    assert r.code == 0, r
    lib = Library.open(lib_path)
    a = lib.articles.find(doi)
    assert a.title.startswith("Correlation of the Base Strengths of Amines")
    assert a.origin == "doi" and a.authors[0].family == "Hall" and a.issued == "1957-10"
    lib.close()


def test_unknown_doi_and_bad_identifier_are_reported_exit_1(api, cli, lib_path):
    api.route("/idconv/", idconv_json([]), JSON)
    api.route("/eutils/esearch.fcgi", api_file(*NO_HITS), XML)
    api.route("/crossref/works/10.1126/foo", "Resource not found.", "text/plain", status=404)
    api.route("/doi/10.1126/foo", api_file(
        "api", "crossref-habanero",
        "test_content_negotiation_raises_an_http_error_with_bad_requests.01.html"),
        "text/html;charset=utf-8", status=404)
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    r = cli("add", "10.1126/foo", "hello world", "11618220")
    assert r.code == 1
    assert "DOI 10.1126/foo: not found at Crossref or doi.org" in r.err
    assert "hello world" in r.err and "Traceback" not in r.err
    assert count(lib_path) == 1                           # the good one still came in


def test_pmid_missing_from_pubmed_is_reported(api, cli, lib_path):
    api.route("/eutils/efetch.fcgi", api_file("pubmed", "metapub-pmid-xml", "11618220.xml"), XML)
    r = cli("add", "11618220", "99999999", "--json")
    assert r.code == 1
    assert [e["message"] for e in r.json()["errors"]] == ["PMID 99999999: not found in PubMed"]


@pytest.mark.parametrize("failure", ["500", "timeout-crossref", "malformed-efetch", "429",
                                     "malformed-json", "oversize"])
def test_failure_half_way_writes_nothing(api, cli, lib_path, httpserver, failure):
    """PubMed answered fine for two PMIDs, then the Crossref lookup of the DOI fails: nothing
    is written (not even the PubMed records)."""
    doi = "10.1038/srep16696"
    api.route("/idconv/", idconv_json([]), JSON)
    api.route("/eutils/esearch.fcgi", api_file(*NO_HITS), XML)
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    lib = Library.open(lib_path)
    lib.settings.set("online.retries", 1)
    # a short timeout only where the timeout is the point (a loaded CI machine can be slow)
    lib.settings.set("online.timeout", 3.0 if failure == "timeout-crossref" else 15)
    lib.close()
    if failure == "500":
        api.route(f"/crossref/works/{doi}", "<html>boom</html>", "text/html", status=500)
    elif failure == "429":
        api.route(f"/crossref/works/{doi}", "slow down", "text/plain", status=429,
                  headers={"Retry-After": "0"})
    elif failure == "timeout-crossref":
        import time
        from werkzeug.wrappers import Response

        def slow(request):
            time.sleep(6)
            return Response("{}", content_type=JSON)
        api.route(f"/crossref/works/{doi}", slow)
    elif failure == "malformed-json":
        body = api_file("api", "crossref-habanero", "test_works_with_many_ids.03.json")
        api.route(f"/crossref/works/{doi}", body[:-200], JSON)
    elif failure == "oversize":        # efetch answer ~33 KB passes, Crossref's 39 KB does not
        lib = Library.open(lib_path)
        lib.settings.set("online.max_bytes", 36000)
        lib.close()
        api.route(f"/crossref/works/{doi}",
                  api_file("api", "crossref-habanero", "test_works_with_many_ids.03.json"), JSON)
    else:
        good = efetch_by_id
        api.route("/eutils/efetch.fcgi",
                  lambda req: good(req).get_data()[:3000], XML)
    before = count(lib_path)
    r = cli("add", "24349601", "11618220", doi)
    assert r.code == 2, r
    assert r.err.startswith("amlref: error: ") and r.err.count("\n") == 1
    expect = {"500": "HTTP 500", "429": "HTTP 429", "timeout-crossref": "no answer",
              "malformed-efetch": "malformed XML", "malformed-json": "malformed JSON",
              "oversize": "too large"}[failure]
    assert expect in r.err
    assert ("PubMed efetch" if failure == "malformed-efetch" else f"Crossref lookup of {doi}") in r.err
    assert count(lib_path) == before == 0
    lib = Library.open(lib_path)
    assert lib.execute("SELECT count(*) FROM reference_stubs").fetchone()[0] == 0
    lib.close()


def test_seed_page_then_add_a_cited_by_article_links_it(api, cli, lib_path):
    """Import the seed PubMed page, then `amlref add 40443513` (one of its "Cited by"): the
    article comes in once, linked as citing the seed review."""
    pytest.importorskip("amlref.formats.pubmed_page")
    seed = corpus("seed", "pubmed-page-39697225.txt")
    r = cli("import", seed, "--json")
    assert r.code in (0, 1), r
    lib = Library.open(lib_path)
    seed_id = lib.articles.find("39697225").id
    before_ids = set(lib.articles.ids())
    known = lib.articles.find_id("pmid", "40443513")   # the page's brief record, if kept
    lib.close()
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    r = cli("add", "40443513", "--json")
    assert r.code == 0, r
    assert (r.json()["added"], r.json()["merged"]) == ((0, 1) if known else (1, 0))
    lib = Library.open(lib_path)
    rows = lib.execute("SELECT id FROM articles WHERE pmid = '40443513'").fetchall()
    assert len(rows) == 1                                  # no duplicate article
    new_id = rows[0][0]
    assert new_id in [e["article_id"] for e in lib.citations.cited_by(seed_id)]
    art = lib.articles.get(new_id)
    assert art.title.startswith("Drug-tolerant persister cells in acute myeloid leukemia")
    assert art.doi == "10.3389/fmed.2025.1586552"
    assert "2296-858X" in art.issn                       # only efetch says this
    # nothing else was created or lost
    assert set(lib.articles.ids()) - before_ids <= {new_id}
    lib.close()


@pytest.mark.slow
def test_add_all_recorded_pmids_in_one_batch(api, cli, lib_path):
    """The 164 recorded efetch answers (one is empty): one request, every record imported."""
    pmids = sorted(p.stem for p in corpus("pubmed", "metapub-pmid-xml").glob("*.xml"))
    empty = [p for p in pmids if "<PubmedArticle>" not in
             corpus("pubmed", "metapub-pmid-xml", f"{p}.xml").read_text("utf-8")
             and "<PubmedBookArticle>" not in
             corpus("pubmed", "metapub-pmid-xml", f"{p}.xml").read_text("utf-8")]
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    r = cli("add", *pmids, "--json")
    d = r.json()
    assert api.count("/eutils/efetch") == 1 and len(api.calls[0][1]["id"][0].split(",")) == len(pmids)
    assert {e["message"] for e in d["errors"]} == {f"PMID {p}: not found in PubMed" for p in empty}
    assert d["added"] + d["merged"] == len(pmids) - len(empty)
    assert r.code == (1 if empty else 0)
    lib = Library.open(lib_path)
    got = {row[0] for row in lib.execute("SELECT pmid FROM articles")}
    lib.close()
    assert got == set(pmids) - set(empty)


def test_add_survives_500_then_429_then_success(api, cli, lib_path, httpserver):
    httpserver.expect_oneshot_request("/eutils/efetch.fcgi").respond_with_data(
        "<html><body>Internal Server Error</body></html>", status=500, content_type="text/html")
    httpserver.expect_oneshot_request("/eutils/efetch.fcgi").respond_with_data(
        '{"error":"API rate limit exceeded","count":"11"}', status=429,
        headers={"Retry-After": "0"}, content_type="application/json")
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    r = cli("add", "11618220", "--json")
    assert r.code == 0 and r.json()["added"] == 1
    assert len([x for x in httpserver.log if x[0].path == "/eutils/efetch.fcgi"]) == 3


def test_doi_mapped_to_a_pmid_pubmed_lacks_falls_back_to_crossref(api, cli, lib_path):
    doi = "10.1371/journal.pone.0033693"
    api.route("/idconv/", idconv_json([{"requested-id": doi, "doi": doi, "pmid": "22514668",
                                        "pmcid": "PMC3326014"}]), JSON)
    api.route("/eutils/efetch.fcgi", efetch_by_id)       # has no record 22514668: empty set
    api.route(f"/crossref/works/{doi}",
              api_file("api", "crossref-habanero", "test_works_with_one_id.01.json"), JSON)
    r = cli("add", doi, "--json")
    assert r.code == 0, r
    assert r.json()["articles"][0]["doi"] == doi
    assert [p for p, _ in api.calls] == ["/idconv/", "/eutils/efetch.fcgi", f"/crossref/works/{doi}"]


def test_add_reads_identifiers_from_stdin(api, cli, lib_path):
    api.route("/eutils/efetch.fcgi", efetch_by_id)
    r = cli("add", "-", "--json", stdin="11618220\n\n24084238\n")
    assert r.code == 0 and r.json()["added"] == 2


BIOCOMMONS = {"20412080": "10.1111/j.1399-0004.2010.01436.x", "22351513": "10.1002/jsfa.5627",
              "22528466": "10.1007/s11248-012-9616-0", "23121403": "10.1056/nejmoa1210384",
              "29915538": "10.3389/fphar.2018.00576"}


def test_add_by_doi_with_recorded_eutils_answers(api, cli, lib_path):
    """biocommons/eutils' recorded efetch answers, reached by DOI through the ID converter."""
    for pmid, doi in BIOCOMMONS.items():
        api.route("/eutils/efetch.fcgi", api_file(
            "api", "ncbi-eutils-biocommons", f"test_eutils_xmlfacades_pubmedarticle_{pmid}.01.xml"),
            "text/xml; charset=UTF-8", when=lambda a, p=pmid: a.get("id") == p)
    api.route("/idconv/", lambda req: idconv_json(
        [{"requested-id": i, "doi": i, "pmid": p} for i in req.args["ids"].split(",")
         for p, d in BIOCOMMONS.items() if d == i.lower()]), JSON)
    for pmid, doi in BIOCOMMONS.items():
        r = cli("add", doi.upper(), "--json")
        assert r.code == 0, r
        assert r.json()["articles"][0]["pmid"] == pmid
    lib = Library.open(lib_path)
    assert {a.doi: a.pmid for a in lib.articles.iter_all()} == {d: p for p, d in BIOCOMMONS.items()}
    nejm = lib.articles.find("23121403")
    assert nejm.container_short == "N Engl J Med" and nejm.authors and nejm.abstract
    lib.close()
    assert api.count("/eutils/efetch") == 5 and api.count("/idconv/") == 5
