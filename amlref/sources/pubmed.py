"""NCBI E-utilities: efetch PubMed XML, elink references / cited-by, esearch by DOI, and the PMC
ID converter.  Returns raw PubMed XML text (parsed by ``amlref.formats.pubmed_xml`` in the
services layer) and plain identifier lists.

NCBI asks for ``tool`` and ``email`` on every request and allows 3 requests a second, 10 with an
API key: the shared :class:`~amlref.sources.http.HttpClient` enforces that."""
from __future__ import annotations

import re
from typing import Iterable

from amlref.core.article import Reference
from amlref.core.errors import NetworkError
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
