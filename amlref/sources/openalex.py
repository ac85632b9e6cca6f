"""OpenAlex: works by DOI or PMID, what they cite (``referenced_works``) and what cites them
(``/works?filter=cites:W...``), as Articles and References."""
from __future__ import annotations

import re
from urllib.parse import quote

from amlref.core.article import Article, Person, Reference
from amlref.core.errors import NetworkError
from amlref.core.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from amlref.plugins.base import Source
from amlref.sources.http import HttpClient, Settings

TYPES = {"article": "article-journal", "book-chapter": "chapter", "book": "book",
         "dissertation": "thesis", "preprint": "article", "report": "report",
         "dataset": "dataset", "review": "article-journal", "letter": "article-journal",
         "editorial": "article-journal", "erratum": "article-journal", "standard": "standard",
         "reference-entry": "entry-encyclopedia", "peer-review": "review"}
SELECT = "id,doi,ids,title,display_name,publication_year,publication_date,primary_location,authorships,biblio,type"
FILTER_BATCH = 50
PER_PAGE = 200


def short_id(openalex_id: str) -> str:
    """``https://openalex.org/W123`` -> ``W123``."""
    return str(openalex_id or "").rstrip("/").rsplit("/", 1)[-1]


def _ids(work: dict) -> tuple[str, str, str]:
    ids = work.get("ids") or {}
    doi = normalize_doi(str(work.get("doi") or ids.get("doi") or ""), strict=False)
    pmid = normalize_pmid(str(ids.get("pmid") or ""), strict=False)
    pmcid = normalize_pmcid(str(ids.get("pmcid") or ""), strict=False)
    return doi, pmid, pmcid


def abstract_from_index(index: dict | None) -> str:
    if not isinstance(index, dict) or not index:
        return ""
    pos: dict[int, str] = {}
    for word, places in index.items():
        for p in places or []:
            if isinstance(p, int):
                pos[p] = word
    return " ".join(pos[i] for i in sorted(pos))


def _person(name: str) -> Person:
    name = (name or "").strip()
    if " " not in name:
        return Person(family=name) if name else Person()
    given, family = name.rsplit(" ", 1)
    return Person(family=family, given=given)


def work_to_article(w: dict) -> Article:
    a = Article(origin="openalex")
    a.type = TYPES.get(str(w.get("type") or ""), "article")
    a.title = re.sub(r"<[^>]+>", "", str(w.get("title") or w.get("display_name") or ""))
    a.doi, a.pmid, a.pmcid = _ids(w)
    a.issued = str(w.get("publication_date") or w.get("publication_year") or "")
    loc = w.get("primary_location") or {}
    src = loc.get("source") or {}
    a.container = str(src.get("display_name") or "")
    a.issn = ", ".join(src.get("issn") or []) if isinstance(src.get("issn"), list) else ""
    a.publisher = str(src.get("host_organization_name") or "")
    a.url = str(loc.get("landing_page_url") or "")
    b = w.get("biblio") or {}
    a.volume, a.issue = str(b.get("volume") or ""), str(b.get("issue") or "")
    fp, lp = b.get("first_page"), b.get("last_page")
    a.pages = f"{fp}-{lp}" if fp and lp and fp != lp else str(fp or "")
    a.language = str(w.get("language") or "")
    a.abstract = abstract_from_index(w.get("abstract_inverted_index"))
    a.authors = [_person((x.get("author") or {}).get("display_name", ""))
                 for x in w.get("authorships") or [] if (x.get("author") or {}).get("display_name")]
    a.keywords = [k.get("keyword") or k.get("display_name") for k in w.get("keywords") or []
                  if isinstance(k, dict) and (k.get("keyword") or k.get("display_name"))]
    a.mesh = [m.get("descriptor_name") + (f"/{m['qualifier_name']}" if m.get("qualifier_name") else "")
              for m in w.get("mesh") or [] if isinstance(m, dict) and m.get("descriptor_name")]
    a.extra["openalex"] = {"id": short_id(w.get("id", "")),
                           **{k: w[k] for k in ("cited_by_count", "type_crossref")
                              if w.get(k) is not None}}
    return a


def work_to_reference(w: dict) -> Reference:
    doi, pmid, pmcid = _ids(w)
    src = (w.get("primary_location") or {}).get("source") or {}
    names = [(x.get("author") or {}).get("display_name", "") for x in w.get("authorships") or []]
    year = w.get("publication_year")
    return Reference(raw=f"OpenAlex {short_id(w.get('id', ''))}", doi=doi, pmid=pmid, pmcid=pmcid,
                     title=str(w.get("title") or w.get("display_name") or ""),
                     year=int(year) if isinstance(year, int) else None,
                     authors=", ".join(n for n in names[:3] if n) + (" et al." if len(names) > 3 else ""),
                     container=str(src.get("display_name") or ""))


class OpenAlexSource(Source):
    name = "openalex"
    label = "OpenAlex"

    def __init__(self, settings: Settings | None = None, client: HttpClient | None = None,
                 max_cited_by: int = 2000):
        self.client = client or HttpClient(settings)
        self.settings = self.client.settings
        self.max_cited_by = max_cited_by

    def _params(self, **kw) -> dict:
        if self.settings.email:
            kw["mailto"] = self.settings.email
        return kw

    def _base(self) -> str:
        return self.settings.openalex_url.rstrip("/")

    def work(self, doi: str = "", pmid: str = "", openalex_id: str = "") -> dict:
        """One work by DOI, PMID or OpenAlex id.  Raises NotFound or NetworkError."""
        if openalex_id:
            key = short_id(openalex_id)
        elif doi:
            key = "doi:" + quote(normalize_doi(doi), safe="/()<>;:")
        elif pmid:
            key = "pmid:" + normalize_pmid(pmid)
        else:
            raise ValueError("work() needs a DOI, a PMID or an OpenAlex id")
        resp = self.client.get(f"{self._base()}/works/{key}", self._params(), service="openalex",
                               what=f"OpenAlex lookup of {key}")
        data = resp.json()
        if not isinstance(data, dict) or not data.get("id"):
            raise NetworkError(f"OpenAlex lookup of {key}: answer is not a work")
        return data

    def _list(self, flt: str, limit: int, what: str) -> list[dict]:
        out: list[dict] = []
        cursor = "*"
        while cursor and len(out) < limit:
            resp = self.client.get(f"{self._base()}/works",
                                   self._params(filter=flt, select=SELECT,
                                                **{"per-page": PER_PAGE}, cursor=cursor),
                                   service="openalex", what=what)
            data = resp.json()
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise NetworkError(f"{what}: answer is not a list of works")
            out += [w for w in data["results"] if isinstance(w, dict)]
            nxt = (data.get("meta") or {}).get("next_cursor")
            if not data["results"] or nxt == cursor:
                break
            cursor = nxt
        return out[:limit]

    def referenced(self, work: dict) -> list[Reference]:
        """What a work cites, described by DOI/PMID/title (looked up in batches of 50)."""
        ids = [short_id(x) for x in work.get("referenced_works") or []]
        found: dict[str, Reference] = {}
        for i in range(0, len(ids), FILTER_BATCH):
            chunk = ids[i:i + FILTER_BATCH]
            for w in self._list("openalex:" + "|".join(chunk), len(chunk),
                                f"OpenAlex references of {short_id(work.get('id', ''))}"):
                found[short_id(w.get("id", ""))] = work_to_reference(w)
        return [found[i] for i in ids if i in found]

    def citing(self, work: dict) -> list[Reference]:
        """Works that cite this one (``filter=cites:W...``), up to ``max_cited_by``."""
        wid = short_id(work.get("id", ""))
        return [work_to_reference(w) for w in
                self._list(f"cites:{wid}", self.max_cited_by, f"OpenAlex works citing {wid}")]


def citing_since(source: OpenAlexSource, work_id: str, since: str = "", limit: int = 2000,
                 select: str = SELECT + ",abstract_inverted_index,language") -> list[dict]:
    """Works citing ``work_id`` (``filter=cites:W...,from_publication_date:YYYY-MM-DD``), newest
    filter first, asked afresh (never from the cache), at most ``limit``."""
    wid = short_id(work_id)
    flt = f"cites:{wid}" + (f",from_publication_date:{since}" if since else "")
    what = f"OpenAlex works citing {wid}"
    out: list[dict] = []
    cursor = "*"
    while cursor and len(out) < limit:
        resp = source.client.get(f"{source._base()}/works",
                                 source._params(filter=flt, select=select,
                                                **{"per-page": PER_PAGE}, cursor=cursor),
                                 service="openalex", what=what, use_cache=False)
        data = resp.json()
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            msg = data.get("message") or data.get("error") if isinstance(data, dict) else ""
            raise NetworkError(f"{what}: answer is not a list of works"
                               + (f" ({msg})" if msg else ""))
        out += [w for w in data["results"] if isinstance(w, dict)]
        nxt = (data.get("meta") or {}).get("next_cursor")
        if not data["results"] or nxt == cursor:
            break
        cursor = nxt
    return out[:limit]
