"""Each online source against recorded real answers served by a local HTTP server."""
from __future__ import annotations

import json

import pytest

from amlref.core.errors import NetworkError, NotFound
from amlref.sources.crossref import CrossrefSource
from amlref.sources.doi import CSL_JSON, DoiSource
from amlref.sources.http import HttpClient
from amlref.sources.openalex import OpenAlexSource, abstract_from_index
from amlref.sources.pubmed import PubmedSource
from test_sources_support import (CSL, JSON, XML, FakeApi, api_file, idconv_json, ids_of,
                                  metapub, settings_for)
from conftest import corpus


@pytest.fixture
def api(httpserver):
    return FakeApi(httpserver)


@pytest.fixture
def client(api, tmp_path):
    return HttpClient(settings_for(api, tmp_path))


# -- PubMed ---------------------------------------------------------------------------------------
def test_efetch_sends_tool_email_key_and_returns_the_xml(api, tmp_path):
    api.route("/eutils/efetch.fcgi", metapub("11618220"), XML)
    pm = PubmedSource(settings_for(api, tmp_path, ncbi_api_key="KEY123"))
    [text] = pm.fetch_xml(["11618220"])
    assert "<PMID Version=\"1\">11618220</PMID>" in text
    path, args = api.calls[0]
    assert args["db"] == ["pubmed"] and args["id"] == ["11618220"] and args["retmode"] == ["xml"]
    assert args["tool"] == ["amlref"] and args["email"] == ["tests@example.org"]
    assert args["api_key"] == ["KEY123"]


def test_efetch_batches_of_200(api, client):
    files = sorted(p.stem for p in corpus("pubmed", "metapub-pmid-xml").glob("*.xml"))
    asked = [str(i) for i in range(1000, 1450)]          # 450 PMIDs -> 200 + 200 + 50
    api.route("/eutils/efetch.fcgi", metapub(files[0]), XML)
    texts = PubmedSource(client=client).fetch_xml(asked)
    assert len(texts) == 3
    sizes = [len(ids_of(_args)) for p, _args in [(p, a) for p, a in api.calls]]
    assert sizes == [200, 200, 50]
    assert sum(sizes) == 450


def test_efetch_malformed_xml_is_a_network_error(api, client):
    good = metapub("24349601")
    api.route("/eutils/efetch.fcgi", good[: len(good) // 2], XML)
    with pytest.raises(NetworkError, match="malformed XML"):
        PubmedSource(client=client).fetch_xml(["24349601"])


def test_elink_refs_and_citedin_from_a_real_answer(api, client):
    # biopython's elink1.xml: PMID 9298984 with all its pubmed_pubmed_* link sets
    api.route("/eutils/elink.fcgi", api_file("pubmed", "biopython-entrez", "elink1.xml"), XML)
    pm = PubmedSource(client=client)
    refs = pm.references(["9298984"])
    cited = pm.cited_by(["9298984"])
    assert len(refs["9298984"]) == 56 and len(cited["9298984"]) == 39
    assert not set(refs["9298984"]) & set(cited["9298984"]) - {"9298984"}
    linknames = [a["linkname"][0] for _, a in api.calls]
    assert linknames == ["pubmed_pubmed_refs", "pubmed_pubmed_citedin"]
    assert api.calls[0][1]["id"] == ["9298984"]


def test_elink_sends_one_id_parameter_per_pmid(api, client):
    api.route("/eutils/elink.fcgi", api_file("pubmed", "biopython-entrez", "elink4.xml"), XML)
    out = PubmedSource(client=client).cited_by(["12242737", "111"])
    assert api.calls[0][1]["id"] == ["12242737", "111"]
    assert len(out["12242737"]) > 0 and out["111"] == []


def test_elink_error_answer(api, client):
    api.route("/eutils/elink.fcgi", api_file("api", "ncbi-eutils-json", "einfo.error.xml"), XML)
    with pytest.raises(NetworkError, match="Can not retrieve DbInfo"):
        PubmedSource(client=client).references(["1"])


def test_esearch_by_doi(api, client):
    api.route("/eutils/esearch.fcgi", api_file("pubmed", "biopython-entrez", "esearch8.xml"), XML)
    body = corpus("pubmed", "biopython-entrez", "esearch8.xml").read_text()
    import re
    ids = re.findall(r"<Id>(\d+)</Id>", body)
    got = PubmedSource(client=client).pmid_for_doi("10.1000/xyz")
    assert got == (ids[0] if len(ids) == 1 else "")
    assert api.calls[0][1]["term"] == ["10.1000/xyz[doi]"]


def test_idconv_maps_pmcid_and_doi(api, client):
    records = [{"pmcid": "PMC11652486", "pmid": "39697225", "doi": "10.3389/fonc.2024.1374963",
                "requested-id": "PMC11652486"},
               {"requested-id": "10.3389/FONC.2024.1374963", "pmcid": "PMC11652486",
                "pmid": "39697225", "doi": "10.3389/fonc.2024.1374963"},
               {"requested-id": "PMC0000001", "status": "error", "errmsg": "invalid article id"}]
    api.route("/idconv/", idconv_json(records), JSON)
    out = PubmedSource(client=client).convert_ids(
        ["PMC11652486", "10.3389/FONC.2024.1374963", "PMC0000001"])
    assert out["PMC11652486"]["pmid"] == "39697225"
    assert out["10.3389/FONC.2024.1374963"]["pmcid"] == "PMC11652486"
    assert "PMC0000001" not in out
    assert [(a["idtype"], a["ids"]) for _, a in api.calls] == [
        (["pmcid"], ["PMC11652486,PMC0000001"]), (["doi"], ["10.3389/FONC.2024.1374963"])]
    assert all(a["format"] == ["json"] and a["tool"] == ["amlref"] for _, a in api.calls)


# -- Crossref -------------------------------------------------------------------------------------
def test_crossref_work_to_article_and_references(api, client):
    api.route("/crossref/works/10.1038/srep16696",
              api_file("api", "crossref-habanero", "test_works_with_many_ids.03.json"), JSON)
    art, refs = CrossrefSource(client=client).article("https://doi.org/10.1038/SREP16696")
    assert art.doi == "10.1038/srep16696" and art.origin == "crossref"
    assert art.title.startswith("Single-molecule FRET studies on alpha-synuclein")
    assert art.container == "Scientific Reports" and art.container_short == "Sci Rep"
    assert art.issued == "2015-11-19" and art.volume == "5" and art.type == "article-journal"
    assert art.authors[0].family == "Tosatto" and art.authors[0].given == "Laura"
    assert art.abstract.startswith("Oligomers of alpha-synuclein") and "<jats" not in art.abstract
    assert art.extra["crossref"]["is-referenced-by-count"] == 110
    data = json.loads(corpus("api", "crossref-habanero", "test_works_with_many_ids.03.json").read_text())
    assert len(refs) == len(data["message"]["reference"]) == 62
    assert refs[0].doi == "10.3389/fnana.2010.00140" and refs[0].year == 2010
    assert "Vulnerability of mesostriatal" in refs[0].raw
    assert api.calls[0][1]["mailto"] == ["tests@example.org"]


def test_crossref_all_recorded_works_convert(api, client):
    src = CrossrefSource(client=client)
    n = 0
    for name in ("test_works_with_one_id.01.json", "test_works_with_many_ids.01.json",
                 "test_works_with_many_ids.02.json", "test_works_with_many_ids.04.json",
                 "test_works_with_many_ids.05.json", "test_workscontainer_with_two_ids.01.json",
                 "test_workscontainer_with_two_ids.02.json"):
        m = json.loads(api_file("api", "crossref-habanero", name))["message"]
        a = __import__("amlref.sources.crossref", fromlist=["x"]).work_to_article(m)
        assert a.doi == m["DOI"].lower() and a.title and a.issued[:4].isdigit()
        assert len(src.references_of(m)) == len([r for r in m.get("reference", [])])
        n += 1
    assert n == 7


def test_crossref_404(api, client):
    api.route("/crossref/works/10.1371/notarealdoi",
              api_file("api", "crossref-habanero", "test_works_bad_id_warn.01.txt"),
              "text/plain", status=404)
    with pytest.raises(NotFound, match="not found"):
        CrossrefSource(client=client).work("10.1371/notarealdoi")


def test_crossref_error_json_400(api, client):
    api.route("/crossref/works/10.1371/journal.pone.0033693",
              api_file("api", "crossref-habanero",
                       "test_works_query_filters_not_allowed_with_dois.01.json"),
              "application/json;charset=utf-8", status=400)
    with pytest.raises(NetworkError, match="HTTP 400"):
        CrossrefSource(client=client).work("10.1371/journal.pone.0033693")


# -- doi.org --------------------------------------------------------------------------------------
def test_doi_content_negotiation_follows_the_redirect(api, client):
    # doi.org answers 302 to the agency's transform URL (recorded), which returns CSL-JSON
    target = "/crossref/works/10.1126/science.169.3946.635/transform/" + CSL_JSON
    api.route("/doi/10.1126/science.169.3946.635",
              api_file("api", "crossref-habanero", "test_content_negotiation_citeproc_json.01.html"),
              "text/html;charset=utf-8", status=302, headers={"Location": api.url(target)})
    api.route(target, api_file("api", "crossref-habanero",
                               "test_content_negotiation_citeproc_json.02.json"), CSL)
    item = DoiSource(client=client).csl("10.1126/science.169.3946.635")
    assert item["DOI"].lower() == "10.1126/science.169.3946.635"
    assert item["title"] and item["type"]
    assert [p for p, _ in api.calls] == ["/doi/10.1126/science.169.3946.635", target]


def test_doi_404_is_not_found(api, client):
    api.route("/doi/10.1126/foo", api_file(
        "api", "crossref-habanero",
        "test_content_negotiation_raises_an_http_error_with_bad_requests.01.html"),
        "text/html;charset=utf-8", status=404)
    with pytest.raises(NotFound):
        DoiSource(client=client).csl("10.1126/foo")


def test_doi_html_instead_of_csl_is_refused(api, client):
    api.route("/doi/10.1126/science.169.3946.635", api_file(
        "api", "crossref-habanero", "test_content_negotiation.01.html"), "text/html;charset=utf-8")
    with pytest.raises(NetworkError, match="not CSL-JSON"):
        DoiSource(client=client).csl("10.1126/science.169.3946.635")


# -- OpenAlex -------------------------------------------------------------------------------------
def test_openalex_work_references_and_citing(api, client):
    w = json.loads(api_file("api", "openalex-works", "case-001.json"))
    lst = api_file("api", "openalex-works", "case-006.json")      # a real /works list answer
    api.route("/openalex/works/doi:10.2307/1885099", json.dumps(w), JSON)
    api.route("/openalex/works", lst, JSON)
    oa = OpenAlexSource(client=client)
    work = oa.work(doi="10.2307/1885099")
    from amlref.sources.openalex import work_to_article
    a = work_to_article(work)
    assert a.doi == "10.2307/1885099" and a.container == "The Quarterly Journal of Economics"
    assert a.authors[0].family == "Akerlof" and a.issued == "1982-11-01" and a.pages == "543"
    assert a.abstract.startswith("This paper explains involuntary unemployment")
    refs = oa.referenced(work)
    filt = [args["filter"][0] for p, args in api.calls if p == "/openalex/works"]
    assert filt[0].startswith("openalex:W1480035415|") and filt[0].count("|") == 19
    listed = json.loads(lst)["results"]
    assert refs == []     # the served list holds none of the 20 referenced works: none invented
    w2 = dict(work, referenced_works=[x["id"] for x in listed][::-1])
    refs2 = oa.referenced(w2)
    from amlref.core.identifiers import normalize_doi
    assert [r.doi for r in refs2] == [normalize_doi(x["doi"] or "", strict=False)
                                      for x in listed][::-1]
    assert refs2[-1].title == "On the audibility of amplifier phase distortion"
    citing = oa.citing(work)
    assert any(f == "cites:W2099326003" for f in
               [args["filter"][0] for p, args in api.calls if p == "/openalex/works"])
    assert len(citing) == len(listed) == 5
    assert citing[0].doi == "10.1109/tau.1965.1161805" and citing[0].year == 1965


def test_openalex_abstract_index():
    w = json.loads(api_file("api", "openalex-works", "case-002.json"))
    text = abstract_from_index(w.get("abstract_inverted_index"))
    n = sum(len(v) for v in (w.get("abstract_inverted_index") or {}).values())
    assert len(text.split()) == n


def test_plugins_are_registered():
    from amlref.plugins.registry import registry
    srcs = registry._load("amlref.sources")
    assert {"pubmed", "crossref", "openalex", "doi"} <= set(srcs)
    assert isinstance(srcs["pubmed"], PubmedSource)


def test_elink_batches_of_100_with_progress(api, client):
    api.route("/eutils/elink.fcgi", api_file("pubmed", "biopython-entrez", "elink1.xml"), XML)
    seen = []
    asked = [str(i) for i in range(5000, 5250)] + ["9298984"]
    out = PubmedSource(client=client).references(asked, lambda d, n: seen.append((d, n)))
    assert [len(a["id"]) for _, a in api.calls] == [100, 100, 51]
    assert seen == [(0, 251), (100, 251), (200, 251)]
    assert len(out["9298984"]) == 56 and len(out) == 251


def test_esummary_describes_works(api, client):
    api.route("/eutils/esummary.fcgi", api_file("api", "ncbi-eutils-json", "esummary.pubmed.json"),
              "application/json; charset=UTF-8")
    out = PubmedSource(client=client).summaries(["5683731", "22144687"])
    r = out["5683731"]
    assert (r.title, r.year, r.container, r.doi) == (
        "An assistive device for smoking.", 1968, "Paraplegia", "10.1038/sc.1968.18")
    assert r.authors == "Goldberg MJ, Davis LJ" and r.pmid == "5683731"
    assert out["22144687"].year and out["22144687"].title
    assert api.calls[0][1]["retmode"] == ["json"]


def test_esummary_error_answer(api, client):
    api.route("/eutils/esummary.fcgi", api_file("api", "ncbi-eutils-json", "esummary.error.json"),
              "application/json; charset=UTF-8")
    with pytest.raises(NetworkError, match="Invalid db name"):
        PubmedSource(client=client).summaries(["1"])
