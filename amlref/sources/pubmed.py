"""NCBI E-utilities: efetch PubMed XML, elink references / cited-by, esearch by DOI, and the PMC
ID converter.  Returns raw PubMed XML text (parsed by ``amlref.formats.pubmed_xml`` in the
services layer) and plain identifier lists.

NCBI asks for ``tool`` and ``email`` on every request and allows 3 requests a second, 10 with an
API key: the shared :class:`~amlref.sources.http.HttpClient` enforces that."""
from __future__ import annotations

import re
from typing import Iterable

from amlref.core.article import Reference
from amlref.core.errors import InputError, NetworkError
from amlref.plugins.base import Source
from amlref.sources.http import HttpClient, Settings
from amlref.sources.xmlutil import parse_xml

EFETCH_BATCH = 200
ELINK_BATCH = 100
IDCONV_BATCH = 200
REFS = "pubmed_pubmed_refs"
CITEDIN = "pubmed_pubmed_citedin"


def _chunks(seq: list, n: int):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


class PubmedSource(Source):
    name = "pubmed"
    label = "PubMed (NCBI E-utilities)"

    def __init__(self, settings: Settings | None = None, client: HttpClient | None = None):
        self.client = client or HttpClient(settings)
        self.settings = self.client.settings

    # -- plumbing --------------------------------------------------------------------------
    def _params(self, **kw) -> dict:
        p = {"tool": self.settings.tool or "amlref"}
        if self.settings.email:
            p["email"] = self.settings.email
        if self.settings.ncbi_api_key:
            p["api_key"] = self.settings.ncbi_api_key
        p.update(kw)
        return p

    def _url(self, util: str) -> str:
        return f"{self.settings.eutils_url.rstrip('/')}/{util}.fcgi"

    def _xml(self, util: str, params: dict, what: str):
        resp = self.client.get(self._url(util), params, service="ncbi", what=what)
        root = parse_xml(resp.content, f"{what}: NCBI {util}")
        err = root.find("ERROR") if root.tag != "ERROR" else root
        if err is not None and (err.text or "").strip() and not len(root.findall("LinkSet")) \
                and root.find("PubmedArticle") is None:
            raise NetworkError(f"{what}: NCBI {util} error: {(err.text or '').strip()}")
        return resp, root

    # -- efetch ----------------------------------------------------------------------------
    def fetch_xml(self, pmids: Iterable[str], on_batch=None) -> list[str]:
        """PubMed XML (``PubmedArticleSet``) for the PMIDs, one text per batch of up to 200.
        ``on_batch(done, total)`` is called before each batch (it may raise to stop)."""
        ids = [str(p) for p in dict.fromkeys(pmids) if p]
        out = []
        for i, chunk in enumerate(_chunks(ids, EFETCH_BATCH)):
            if on_batch:
                on_batch(i * EFETCH_BATCH, len(ids))
            what = f"PubMed efetch of {len(chunk)} PMID{'s' if len(chunk) > 1 else ''}"
            resp = self.client.get(self._url("efetch"),
                                   self._params(db="pubmed", id=",".join(chunk), retmode="xml"),
                                   service="ncbi", what=what)
            root = parse_xml(resp.content, f"{what}: NCBI")   # malformed -> NetworkError
            if root.tag != "PubmedArticleSet":
                msg = (root.findtext("ERROR") or "").strip() or f"unexpected <{root.tag}>"
                raise NetworkError(f"{what}: NCBI efetch answered {msg}")
            out.append(resp.text)
        return out

    # -- elink -----------------------------------------------------------------------------
    def links(self, pmids: Iterable[str], linkname: str, on_batch=None) -> dict[str, list[str]]:
        """``{pmid: [linked pmids]}`` for one link name (``pubmed_pubmed_refs``: what the
        article cites; ``pubmed_pubmed_citedin``: what cites it).  Every asked PMID is a key.
        ``on_batch(done, total)`` is called before each batch of 100 (it may raise to stop)."""
        ids = [str(p) for p in dict.fromkeys(pmids) if p]
        result: dict[str, list[str]] = {p: [] for p in ids}
        for i, chunk in enumerate(_chunks(ids, ELINK_BATCH)):
            if on_batch:
                on_batch(i * ELINK_BATCH, len(ids))
            # id=A&id=B (not id=A,B) makes NCBI answer one LinkSet per PMID
            params = self._params(dbfrom="pubmed", db="pubmed", cmd="neighbor",
                                  linkname=linkname, retmode="xml")
            params["id"] = list(chunk)
            _, root = self._xml("elink", params, f"PubMed elink {linkname}")
            for pmid, linked in parse_elink(root, linkname).items():
                if pmid in result:
                    result[pmid] = list(dict.fromkeys(result[pmid] + linked))
        return result

    def references(self, pmids: Iterable[str], on_batch=None) -> dict[str, list[str]]:
        return self.links(pmids, REFS, on_batch)

    def cited_by(self, pmids: Iterable[str], on_batch=None) -> dict[str, list[str]]:
        return self.links(pmids, CITEDIN, on_batch)

    # -- esummary: short descriptions of works not in the library ------------------------
    def summaries(self, pmids: Iterable[str], on_batch=None) -> dict[str, Reference]:
        """``{pmid: Reference(title, year, authors, journal, doi)}`` via esummary (JSON), in
        batches of 200.  PMIDs NCBI does not know are left out."""
        ids = [str(p) for p in dict.fromkeys(pmids) if p]
        out: dict[str, Reference] = {}
        for i, chunk in enumerate(_chunks(ids, EFETCH_BATCH)):
            if on_batch:
                on_batch(i * EFETCH_BATCH, len(ids))
            what = f"PubMed summaries of {len(chunk)} PMID(s)"
            data = self.client.get(self._url("esummary"),
                                   self._params(db="pubmed", id=",".join(chunk), retmode="json"),
                                   service="ncbi", what=what).json()
            res = data.get("result") if isinstance(data, dict) else None
            if not isinstance(res, dict):
                err = data.get("esummaryresult") or data.get("error") if isinstance(data, dict) else ""
                raise NetworkError(f"{what}: NCBI esummary error: {err or 'unexpected answer'}")
            for uid in res.get("uids") or []:
                d = res.get(str(uid))
                if isinstance(d, dict) and not d.get("error"):
                    out[str(uid)] = summary_to_reference(d)
        return out

    # -- esearch by DOI --------------------------------------------------------------------
    def pmid_for_doi(self, doi: str) -> str:
        """The PMID of a DOI via esearch ``<doi>[doi]``; "" when none or ambiguous."""
        _, root = self._xml("esearch", self._params(db="pubmed", term=f"{doi}[doi]",
                                                    retmode="xml"), f"PubMed search for {doi}")
        ids = [e.text.strip() for e in root.iterfind("IdList/Id") if e.text]
        return ids[0] if len(ids) == 1 else ""

    # -- PMC ID converter ------------------------------------------------------------------
    def convert_ids(self, ids: Iterable[str]) -> dict[str, dict]:
        """PMID / PMCID / DOI -> ``{"pmid", "pmcid", "doi"}`` via the PMC ID converter.  Keys are
        the asked identifiers as given; unknown ones are left out."""
        asked = [str(i) for i in dict.fromkeys(ids) if i]
        groups: dict[str, list[str]] = {}      # one ID type per request, as NCBI asks
        for i in asked:
            kind = ("pmcid" if re.match(r"(?i)^PMC\d+$", i) else "doi" if i.startswith("10.")
                    else "pmid")
            groups.setdefault(kind, []).append(i)
        out: dict[str, dict] = {}
        for kind, chunk in ((k, c) for k, g in groups.items() for c in _chunks(g, IDCONV_BATCH)):
            resp = self.client.get(self.settings.idconv_url,
                                   self._params(ids=",".join(chunk), idtype=kind, format="json"),
                                   service="ncbi", what="PMC ID converter")
            data = resp.json()
            if not isinstance(data, dict) or "records" not in data:
                msg = data.get("message") if isinstance(data, dict) else ""
                raise NetworkError(f"PMC ID converter: unexpected answer {msg or ''}".strip())
            lower = {a.lower(): a for a in chunk}
            for rec in data.get("records") or []:
                if not isinstance(rec, dict) or rec.get("status") == "error":
                    continue
                found = {"pmid": str(rec.get("pmid") or ""), "pmcid": str(rec.get("pmcid") or ""),
                         "doi": str(rec.get("doi") or "").lower()}
                req = str(rec.get("requested-id") or "")
                key = lower.get(req.lower())
                if key is None:
                    for v in found.values():
                        if v and v.lower() in lower:
                            key = lower[v.lower()]
                            break
                if key is not None:
                    out[key] = found
        return out


def parse_elink(root, linkname: str) -> dict[str, list[str]]:
    """``{source pmid: [linked pmids]}`` from an ``eLinkResult`` element for one link name."""
    out: dict[str, list[str]] = {}
    for ls in root.iterfind("LinkSet"):
        src = [e.text.strip() for e in ls.iterfind("IdList/Id") if e.text]
        if not src:
            continue
        linked: list[str] = []
        for db in ls.iterfind("LinkSetDb"):
            if (db.findtext("LinkName") or "").strip() != linkname:
                continue
            linked += [e.text.strip() for e in db.iterfind("Link/Id")
                       if e.text and re.fullmatch(r"\s*\d+\s*", e.text)]
        for s in src:   # several ids in one LinkSet: the links belong to all of them together
            out.setdefault(s, [])
            out[s] = list(dict.fromkeys(out[s] + linked))
    return out


def summary_to_reference(d: dict) -> Reference:
    """One esummary (JSON) document as a Reference."""
    m = re.match(r"\s*(\d{4})", str(d.get("pubdate") or d.get("epubdate") or ""))
    ids = {a.get("idtype"): str(a.get("value") or "") for a in d.get("articleids") or []
           if isinstance(a, dict)}
    names = [a.get("name", "") for a in d.get("authors") or [] if isinstance(a, dict)]
    authors = ", ".join(n for n in names[:3] if n) + (" et al." if len(names) > 3 else "")
    pmcid = ids.get("pmc", "") or ids.get("pmcid", "").split(";")[0].replace("pmc-id: ", "")
    doi = ids.get("doi", "")
    title = str(d.get("title") or "").strip()
    src = str(d.get("source") or "")
    raw = ". ".join(x for x in (authors, title.rstrip("."), src,
                                str(d.get("pubdate") or "")) if x)
    return Reference(raw=raw, pmid=str(d.get("uid") or ""), doi=doi.lower(),
                     pmcid=pmcid if pmcid.upper().startswith("PMC") else "",
                     title=title, year=int(m.group(1)) if m else None, authors=authors,
                     container=src)


# -- esearch with the history server, paged (watches) ----------------------------------------------
ESEARCH_PAGE = 5000          # ids per esearch page (NCBI allows up to 10,000)
ESEARCH_LIMIT = 10000        # PubMed's esearch gives no ids past the first 10,000


class QueryError(InputError):
    """PubMed refused a query (syntax error, unknown field, a phrase it does not know)."""


GET_LIMIT = 2000    # longer URLs go as a POST (NCBI asks for POST with long queries/id lists)


def search_page(source: PubmedSource, term: str, retstart: int = 0, retmax: int = ESEARCH_PAGE,
                mindate: str = "", maxdate: str = "", datetype: str = "edat",
                webenv: str = "", query_key: str = "", what: str = "") -> dict:
    """One esearch page: ``{"count", "ids", "webenv", "query_key", "translation", "notes"}``.

    ``mindate``/``maxdate`` (``YYYY/MM/DD``) limit the ``datetype`` date (``edat``: the date the
    record entered PubMed).  ``usehistory=y`` keeps the result on NCBI's history server; later
    pages pass its ``webenv``/``query_key``.  A query whose URL would be long (a watch built
    from the taxonomy: 2,000+ characters) is sent as a POST.  What PubMed says about the query
    is judged by ``pubmed_query.judge``: an ``<ERROR>``, an unknown field, or a term every
    match needs that PubMed could not use raises :class:`QueryError`; a term among
    alternatives it could not use is a note (``"notes"``).  An answer that is not an
    eSearchResult (cut half-way, HTML) raises NetworkError."""
    from urllib.parse import urlencode
    from amlref.sources.pubmed_query import judge
    what = what or f"PubMed search {term[:60]!r}"
    params = source._params(db="pubmed", term=term, retmode="xml", usehistory="y",
                            retstart=str(retstart), retmax=str(retmax))
    if mindate or maxdate:
        params.update(datetype=datetype, mindate=mindate or "1800/01/01",
                      maxdate=maxdate or "3000/12/31")
    if webenv:
        params["WebEnv"] = webenv
        if query_key:
            params["query_key"] = query_key
    url = source._url("esearch")
    if len(url) + 1 + len(urlencode(params)) > GET_LIMIT:
        resp = source.client.post(url, params, service="ncbi", what=what)
    else:
        resp = source.client.get(url, params, service="ncbi", what=what, use_cache=False)
    root = parse_xml(resp.content, f"{what}: NCBI esearch")
    if root.tag == "ERROR" or (root.tag == "eSearchResult" and root.find("Count") is None
                               and root.find("ERROR") is not None):
        msg = " ".join(((root.text if root.tag == "ERROR" else root.findtext("ERROR")) or "")
                       .split())
        if re.match(r"(?i)(search )?backend failed|.*temporarily unavailable", msg):
            # (NCBI's search servers failing: nothing is wrong with the query)
            raise NetworkError(f"{what}: NCBI esearch failed ({msg[:160]}); try again later")
        raise QueryError(f"{what}: PubMed refused the query: {msg or 'no reason given'}")
    if root.tag != "eSearchResult" or root.find("Count") is None:
        raise NetworkError(f"{what}: NCBI esearch answered <{root.tag}> without a count")
    complaints = [(e.tag, " ".join((e.text or "").split()))
                  for e in root.iterfind("ErrorList/*")] + \
                 [(e.tag, " ".join((e.text or "").split()))
                  for e in root.iterfind("WarningList/*")]
    errors, notes = judge(term, complaints)
    if errors:
        raise QueryError(f"{what}: PubMed does not understand the query: " + "; ".join(errors))
    try:
        count = int((root.findtext("Count") or "0").strip())
    except ValueError:
        raise NetworkError(f"{what}: NCBI esearch answered an unreadable count") from None
    ids = [e.text.strip() for e in root.iterfind("IdList/Id") if e.text and e.text.strip()]
    return {"count": count, "ids": ids, "webenv": (root.findtext("WebEnv") or "").strip(),
            "query_key": (root.findtext("QueryKey") or "").strip(),
            "translation": (root.findtext("QueryTranslation") or "").strip(), "notes": notes}


def search_all(source: PubmedSource, term: str, mindate: str = "", maxdate: str = "",
               datetype: str = "edat", page: int = ESEARCH_PAGE, limit: int = ESEARCH_LIMIT,
               on_page=None, notes: list | None = None) -> tuple[int, list[str]]:
    """``(count, pmids)`` of a query: every page of up to ``page`` ids (``retstart``/``retmax``
    on the history server), at most ``limit`` ids (never more than ESEARCH_LIMIT: PubMed
    gives none past the first 10,000).  ``on_page(done, count)`` before each page after the
    first (it may raise to stop).  What PubMed noted about the query (a term among
    alternatives it could not use) is added to ``notes``."""
    limit = max(0, min(limit, ESEARCH_LIMIT))
    first = search_page(source, term, 0, min(page, limit), mindate, maxdate, datetype)
    if notes is not None:
        notes += [f"PubMed ignored a term of the query ({n})" for n in first["notes"]]
    count, ids = first["count"], list(first["ids"])
    want = min(count, limit)
    while len(ids) < want:
        if on_page:
            on_page(len(ids), want)
        nxt = search_page(source, term, len(ids), min(page, want - len(ids)), mindate, maxdate,
                          datetype, first["webenv"], first["query_key"])
        if not nxt["ids"]:
            break                     # the history server has no more (count went down)
        ids += nxt["ids"]
    return count, list(dict.fromkeys(ids))[:limit]


def citing_pmids(source: PubmedSource, pmids: Iterable[str], on_batch=None) -> dict[str, list[str]]:
    """``{pmid: [pmids citing it]}`` (elink ``pubmed_pubmed_citedin``: citations known to PubMed
    Central), asked afresh (never from the cache: the list grows)."""
    old = source.client.fresh
    source.client.fresh = True
    try:
        return source.links(pmids, CITEDIN, on_batch)
    finally:
        source.client.fresh = old
