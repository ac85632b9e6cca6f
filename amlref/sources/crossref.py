"""Crossref REST API: ``/works/{doi}`` metadata -> :class:`Article`, its ``reference`` list ->
:class:`Reference` objects (stubs, or links when the cited work is in the library)."""
from __future__ import annotations

import html
import re
from urllib.parse import quote

from amlref.core.article import Article, Person, Reference
from amlref.core.errors import NetworkError
from amlref.core.csl_types import csl_type
from amlref.core.identifiers import normalize_doi
from amlref.plugins.base import Source
from amlref.sources.http import HttpClient, Settings

# Crossref keys kept in extra["crossref"] (the rest is bookkeeping or lists we map)
EXTRA_KEYS = ("subject", "funder", "license", "is-referenced-by-count", "reference-count",
              "subtitle", "short-title", "original-title", "alternative-id", "article-number",
              "publisher-location", "edition-number", "update-to", "relation", "member",
              "group-title", "institution", "clinical-trial-number")


def strip_markup(text: str) -> str:
    """JATS/HTML tags out, entities decoded, whitespace collapsed."""
    if not text:
        return ""
    text = re.sub(r"<jats:title>.*?</jats:title>", " ", text, flags=re.S | re.I) \
        if text.lstrip().lower().startswith("<jats:title") else text
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def _first(v) -> str:
    if isinstance(v, list):
        return str(v[0]) if v else ""
    return str(v or "")


def date_parts_iso(d) -> str:
    parts = (d or {}).get("date-parts") if isinstance(d, dict) else None
    if not parts or not parts[0] or parts[0][0] in (None, ""):
        return ""
    p = [int(x) for x in parts[0][:3] if str(x).lstrip("-").isdigit()]
    return "-".join([f"{p[0]:04d}"] + [f"{x:02d}" for x in p[1:]]) if p else ""


def _people(items) -> list[Person]:
    out = []
    for p in items or []:
        if not isinstance(p, dict):
            continue
        if p.get("family"):
            given = p.get("given", "") or ""
            if p.get("suffix"):
                given = f"{given}, {p['suffix']}" if given else p["suffix"]
            out.append(Person(family=p["family"], given=given))
        elif p.get("name"):
            out.append(Person(literal=p["name"]))
    return out


def work_to_article(m: dict) -> Article:
    """A Crossref ``message`` (one work) as an Article (origin ``crossref``)."""
    a = Article(origin="crossref")
    a.type = csl_type(m.get("type", "")) or "article"
    a.title = strip_markup(_first(m.get("title")))
    sub = _first(m.get("subtitle"))
    if sub and sub.lower() not in a.title.lower():
        a.title = f"{a.title}: {strip_markup(sub)}" if a.title else strip_markup(sub)
    a.container = strip_markup(_first(m.get("container-title")))
    a.container_short = strip_markup(_first(m.get("short-container-title")))
    a.volume = str(m.get("volume") or "")
    a.issue = str(m.get("issue") or "")
    a.pages = str(m.get("page") or m.get("article-number") or "")
    for k in ("issued", "published-print", "published-online", "published", "created"):
        a.issued = date_parts_iso(m.get(k))
        if a.issued:
            break
    a.doi = normalize_doi(str(m.get("DOI") or ""), strict=False)
    a.url = str(m.get("URL") or (m.get("resource") or {}).get("primary", {}).get("URL") or "")
    a.abstract = strip_markup(m.get("abstract") or "")
    a.language = str(m.get("language") or "")
    a.publisher = str(m.get("publisher") or "")
    a.issn = ", ".join(m.get("ISSN") or []) if isinstance(m.get("ISSN"), list) else str(m.get("ISSN") or "")
    isbn = m.get("ISBN")
    a.isbn = ", ".join(isbn) if isinstance(isbn, list) else str(isbn or "")
    a.authors = _people(m.get("author"))
    a.editors = _people(m.get("editor"))
    a.keywords = [str(s) for s in m.get("subject") or []]
    extra = {k: m[k] for k in EXTRA_KEYS if m.get(k) not in (None, "", [], {})}
    if m.get("type"):
        extra["type"] = m["type"]
    if extra:
        a.extra["crossref"] = extra
    return a


def reference_from_crossref(ref: dict) -> Reference:
    """One entry of a Crossref ``reference`` list."""
    year = None
    m = re.search(r"\d{4}", str(ref.get("year") or ""))
    if m:
        year = int(m.group(0))
    title = ref.get("article-title") or ref.get("volume-title") or ref.get("series-title") or ""
    raw = ref.get("unstructured") or ""
    if not raw:
        bits = [ref.get("author"), title, ref.get("journal-title"), ref.get("volume"),
                ref.get("first-page"), ref.get("year")]
        raw = ". ".join(str(b) for b in bits if b)
    doi = normalize_doi(str(ref.get("DOI") or ""), strict=False)
    if year is None and raw:
        m = re.search(r"\((\d{4})\)|\b(19\d\d|20\d\d)\b", raw)
        if m:
            year = int(m.group(1) or m.group(2))
    return Reference(raw=strip_markup(str(raw)), doi=doi, title=strip_markup(str(title)),
                     year=year, authors=str(ref.get("author") or ""),
                     container=str(ref.get("journal-title") or ""))


class CrossrefSource(Source):
    name = "crossref"
    label = "Crossref"

    def __init__(self, settings: Settings | None = None, client: HttpClient | None = None):
        self.client = client or HttpClient(settings)
        self.settings = self.client.settings

    def work(self, doi: str) -> dict:
        """The ``message`` of ``/works/{doi}``.  Raises NotFound (404) or NetworkError."""
        doi = normalize_doi(doi)
        url = f"{self.settings.crossref_url.rstrip('/')}/works/{quote(doi, safe='/()<>;:')}"
        params = {"mailto": self.settings.email} if self.settings.email else None
        resp = self.client.get(url, params, service="crossref", what=f"Crossref lookup of {doi}")
        data = resp.json()
        if not isinstance(data, dict) or data.get("status") != "ok" \
                or not isinstance(data.get("message"), dict):
            raise NetworkError(f"Crossref lookup of {doi}: unexpected answer "
                               f"(status {data.get('status') if isinstance(data, dict) else '?'})")
        return data["message"]

    def article(self, doi: str) -> tuple[Article, list[Reference]]:
        m = self.work(doi)
        return work_to_article(m), self.references_of(m)

    @staticmethod
    def references_of(message: dict) -> list[Reference]:
        refs = []
        for r in message.get("reference") or []:
            if isinstance(r, dict):
                ref = reference_from_crossref(r)
                if ref.doi or ref.title or ref.raw:
                    refs.append(ref)
        return refs
