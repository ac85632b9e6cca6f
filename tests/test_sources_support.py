"""Helpers for the online tests (no tests here): a local HTTP server that plays back the recorded
real responses of ../shared/corpora/api and ../shared/corpora/pubmed with their real content
types, and Settings pointing the sources at it."""
from __future__ import annotations

import re
from pathlib import Path

from werkzeug.wrappers import Request, Response

from conftest import corpus

XML = "text/xml; charset=UTF-8"
JSON = "application/json"
CSL = "application/vnd.citationstyles.csl+json"

# what the seed page says about PMID 40443513 (one of its "Cited by" entries), written as the
# PubmedArticleSet that efetch returns for it (structure per the NLM PubMed DTD)
EFETCH_40443513 = """<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
<PubmedArticleSet>
<PubmedArticle><MedlineCitation Status="PubMed-not-MEDLINE" Owner="NLM"><PMID Version="1">40443513</PMID><DateRevised><Year>2025</Year><Month>06</Month><Day>01</Day></DateRevised><Article PubModel="Electronic-eCollection"><Journal><ISSN IssnType="Print">2296-858X</ISSN><JournalIssue CitedMedium="Print"><Volume>12</Volume><PubDate><Year>2025</Year></PubDate></JournalIssue><Title>Frontiers in medicine</Title><ISOAbbreviation>Front Med (Lausanne)</ISOAbbreviation></Journal><ArticleTitle>Drug-tolerant persister cells in acute myeloid leukemia: pressing challenge and promising new strategies for treatment.</ArticleTitle><Pagination><StartPage>1586552</StartPage><MedlinePgn>1586552</MedlinePgn></Pagination><ELocationID EIdType="doi" ValidYN="Y">10.3389/fmed.2025.1586552</ELocationID><Language>eng</Language><PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType><PublicationType UI="D016454">Review</PublicationType></PublicationTypeList><ArticleDate DateType="Electronic"><Year>2025</Year><Month>05</Month><Day>14</Day></ArticleDate></Article><MedlineJournalInfo><Country>Switzerland</Country><MedlineTA>Front Med (Lausanne)</MedlineTA><NlmUniqueID>101648047</NlmUniqueID><ISSNLinking>2296-858X</ISSNLinking></MedlineJournalInfo></MedlineCitation><PubmedData><History><PubMedPubDate PubStatus="pubmed"><Year>2025</Year><Month>5</Month><Day>30</Day></PubMedPubDate></History><PublicationStatus>epublish</PublicationStatus><ArticleIdList><ArticleId IdType="pubmed">40443513</ArticleId><ArticleId IdType="doi">10.3389/fmed.2025.1586552</ArticleId></ArticleIdList><ReferenceList><Reference><Citation>Bawek S, Gurusinghe S, Burwinkel M, Przespolewski A. Updates in novel immunotherapeutic strategies for relapsed/refractory AML. Front Oncol. (2024) 14:1374963.</Citation><ArticleIdList><ArticleId IdType="doi">10.3389/fonc.2024.1374963</ArticleId><ArticleId IdType="pmcid">PMC11652486</ArticleId><ArticleId IdType="pubmed">39697225</ArticleId></ArticleIdList></Reference></ReferenceList></PubmedData></PubmedArticle>
</PubmedArticleSet>
"""


def api_file(*parts: str) -> bytes:
    return corpus(*parts).read_bytes()


def metapub(pmid: str) -> bytes:
    return corpus("pubmed", "metapub-pmid-xml", f"{pmid}.xml").read_bytes()


def idconv_json(records: list[dict]) -> str:
    """The PMC ID converter's JSON answer (format=json), as documented by NCBI."""
    import json
    return json.dumps({"status": "ok", "responseDate": "2025-06-01 10:00:00",
                       "request": "format=json", "records": records}, indent=1)


class FakeApi:
    """Routes requests on one local pytest-httpserver to recorded answers.

    ``route(path, body, content_type, status=200, when=None, headers=None)``: ``when`` is a
    function of the query args (werkzeug MultiDict) that must be true.  ``calls`` lists
    (path, args) of every request received."""

    def __init__(self, httpserver):
        self.server = httpserver
        self.routes: list[tuple] = []
        self.calls: list[tuple[str, dict]] = []
        self.headers_seen: list[dict] = []
        httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)

    def url(self, path: str = "") -> str:
        return self.server.url_for(path)

    def route(self, path: str, body, content_type: str = XML, status: int = 200,
              when=None, headers: dict | None = None) -> None:
        self.routes.insert(0, (path, body, content_type, status, when, headers or {}))

    def handle(self, request: Request) -> Response:
        self.calls.append((request.path, request.args.to_dict(flat=False)))
        self.headers_seen.append(dict(request.headers))
        for path, body, ctype, status, when, headers in self.routes:
            if request.path == path and (when is None or when(request.args)):
                if callable(body):
                    body = body(request)
                if isinstance(body, Response):
                    return body
                return Response(body, status=status, content_type=ctype, headers=headers)
        return Response("no route for this request", status=404, content_type="text/plain")

    def count(self, path_prefix: str) -> int:
        return sum(1 for p, _ in self.calls if p.startswith(path_prefix))


def settings_for(api: FakeApi, tmp_path: Path, **kw):
    from amlref.sources.http import Settings
    s = Settings(eutils_url=api.url("/eutils"), idconv_url=api.url("/idconv/"),
                 crossref_url=api.url("/crossref"), doi_url=api.url("/doi"),
                 openalex_url=api.url("/openalex"), email="tests@example.org",
                 cache_dir=str(tmp_path / "http-cache"), backoff=0.01, timeout=5,
                 rate_ncbi=1000, rate_crossref=1000, rate_doi=1000, rate_openalex=1000)
    for k, v in kw.items():
        setattr(s, k, v)
    return s


def library_settings(lib, api: FakeApi, tmp_path: Path, **kw) -> None:
    """Point a library's online.* settings at the local server (what the CLI reads)."""
    s = settings_for(api, tmp_path, **kw)
    for name in ("eutils_url", "idconv_url", "crossref_url", "doi_url", "openalex_url", "email",
                 "cache_dir", "backoff", "timeout", "rate_ncbi", "rate_crossref", "rate_doi",
                 "rate_openalex"):
        lib.settings.set(f"online.{name}", getattr(s, name))


def ids_of(args) -> list[str]:
    out = []
    for v in args.getlist("id") if hasattr(args, "getlist") else args.get("id", []):
        out += v.split(",")
    return out
