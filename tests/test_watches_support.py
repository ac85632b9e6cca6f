"""Helpers for the watch tests (no tests here): E-utilities answers for a local server, built
from the real recorded ones in ../shared/corpora (esearch with the history server, efetch of
real PubMed records, elink citedin), and a library pointed at the server through
``amlref config set``."""
from __future__ import annotations

import re

from werkzeug.wrappers import Response

from conftest import corpus
from test_sources_support import XML, ids_of


def metapub_pmids() -> list[str]:
    """The PMIDs of the real efetch records (one file each, the empty one left out)."""
    out = []
    for p in sorted(corpus("pubmed", "metapub-pmid-xml").glob("*.xml")):
        if "<PubmedArticle>" in p.read_text("utf-8"):
            out.append(p.stem)
    return out


def _record(pmid: str) -> str:
    text = corpus("pubmed", "metapub-pmid-xml", f"{pmid}.xml").read_text("utf-8")
    m = re.search(r"<PubmedArticleSet>(.*)</PubmedArticleSet>", text, re.S)
    return m.group(1) if m else ""


def efetch(request) -> Response:
    """efetch: the recorded records of the asked PMIDs in one PubmedArticleSet (PubMed leaves
    PMIDs it does not know out)."""
    parts = [_record(p) for p in ids_of(request.args)
             if corpus("pubmed", "metapub-pmid-xml").joinpath(f"{p}.xml").exists()]
    head = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
            '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n')
    return Response(head + "<PubmedArticleSet>" + "".join(parts) + "</PubmedArticleSet>\n",
                    content_type=XML)


def esearch_answer(ids: list[str], retstart: int, retmax: int, term: str,
                   webenv: str = "MCID_6927d6e7fee3e90f880ec190") -> str:
    """An eSearchResult as PubMed sends it with usehistory=y (the element order and header of
    the real esearch2.xml in biopython's tests)."""
    real = corpus("pubmed", "biopython-entrez", "esearch2.xml").read_text("utf-8")
    head = real[:real.index("<eSearchResult>")]
    page = ids[retstart:retstart + retmax]
    return (head + f"<eSearchResult><Count>{len(ids)}</Count><RetMax>{len(page)}</RetMax>"
            f"<RetStart>{retstart}</RetStart><QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv>"
            "<IdList>\n" + "".join(f"<Id>{i}</Id>\n" for i in page) + "</IdList>"
            "<TranslationSet/><QueryTranslation>" + term.replace("&", "&amp;").replace(
                "<", "&lt;") + "</QueryTranslation></eSearchResult>\n")


def esearch_of(ids: list[str]):
    """A handler answering every esearch with ``ids``, paged by retstart/retmax."""
    def handle(request) -> Response:
        a = request.args
        return Response(esearch_answer(ids, int(a.get("retstart", 0)), int(a.get("retmax", 20)),
                                       a.get("term", "")), content_type=XML)
    return handle


def elink_citedin(cited: str, citing: list[str]) -> str:
    """An eLinkResult for one PMID's pubmed_pubmed_citedin links (the layout of the real
    elink4.xml of biopython's tests)."""
    real = corpus("pubmed", "biopython-entrez", "elink4.xml").read_text("utf-8")
    head = real[:real.index("<eLinkResult>")]
    links = "".join(f"\t\t<Link>\n\t\t\t<Id>{p}</Id>\n\t\t</Link>\n" for p in citing)
    return (head + "<eLinkResult>\n<LinkSet>\n\t<DbFrom>pubmed</DbFrom>\n\t<IdList>\n"
            f"\t\t<Id>{cited}</Id>\n\t</IdList>\n\t<LinkSetDb>\n\t\t<DbTo>pubmed</DbTo>\n"
            "\t\t<LinkName>pubmed_pubmed_citedin</LinkName>\n" + links +
            "\t</LinkSetDb>\n</LinkSet>\n</eLinkResult>\n")


def configure(cli, api, tmp_path) -> None:
    """Point the library at the local server with ``amlref config set`` (what a user does)."""
    for key, value in (("online.eutils_url", api.url("/eutils")),
                       ("online.openalex_url", api.url("/openalex")),
                       ("online.idconv_url", api.url("/idconv/")),
                       ("online.crossref_url", api.url("/crossref")),
                       ("online.email", "tests@example.org"),
                       ("online.cache_dir", str(tmp_path / "http-cache")),
                       ("online.backoff", "0.01"), ("online.timeout", "5"),
                       ("online.rate_ncbi", "1000"), ("online.rate_openalex", "1000")):
        r = cli("config", "set", key, value)
        assert r.code == 0, r
