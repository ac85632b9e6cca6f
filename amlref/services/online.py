"""Online use cases: add articles by DOI/PMID/PMCID/link, and refresh citations.

Both fetch everything first and write afterwards in one transaction: a lookup that fails half-way
(offline, timeout, server error, malformed answer, cancel) leaves the library untouched.

- :func:`add_identifiers` resolves identifiers (PMC ID converter, esearch by DOI), fetches PubMed
  XML by PMID (efetch, batches of 200), Crossref ``/works`` for DOIs not in PubMed, doi.org
  CSL-JSON as the last resort, then hands the records to
  :func:`amlref.services.importing.import_results` (dedup/merge, stub resolution, classification).
- :func:`refresh_citations` asks PubMed (elink ``pubmed_pubmed_refs`` / ``_citedin``), Crossref
  (``reference`` lists) and optionally OpenAlex (``referenced_works``, ``cites:``) and stores the
  edges (origin ``eutils`` / ``crossref`` / ``openalex``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from amlref.core.article import Article, Link, ParseResult, Problem, Reference
from amlref.core.errors import IdentifierError, NotFound
from amlref.core.identifiers import classify_identifier
from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.services.importing import ImportReport, import_results
from amlref.sources.crossref import CrossrefSource
from amlref.sources.doi import DoiSource
from amlref.sources.http import HttpClient, Settings
from amlref.sources.openalex import OpenAlexSource
from amlref.sources.pubmed import PubmedSource
from amlref.storage.library import Library

SOURCES = ("pubmed", "crossref", "openalex")
DEFAULT_REFRESH = ("pubmed", "crossref")


@dataclass
class Online:
    """The online sources sharing one HTTP client (one cache, one set of rate limits)."""

    settings: Settings
    client: HttpClient
    pubmed: PubmedSource
    crossref: CrossrefSource
    doi: DoiSource
    openalex: OpenAlexSource

    @classmethod
    def from_settings(cls, settings: Settings, client: HttpClient | None = None) -> "Online":
        client = client or HttpClient(settings)
        return cls(settings, client, PubmedSource(client=client), CrossrefSource(client=client),
                   DoiSource(client=client), OpenAlexSource(client=client))

    @classmethod
    def for_library(cls, lib: Library) -> "Online":
        return cls.from_settings(Settings.from_library(lib))


def _parse_pubmed(text: str, name: str) -> ParseResult:
    from amlref.formats.pubmed_xml import parse_pubmed_xml
    return parse_pubmed_xml(text, name)


def _csl_to_article(item: dict) -> Article:
    from amlref.formats.csljson import item_to_article
    a = item_to_article(item)
    a.citekey = None          # the CSL id from doi.org is not a citation key
    a.origin = "doi"
    return a


def _concat(results: Sequence[ParseResult], fmt: str) -> ParseResult:
    """Several ParseResults as one (link indexes shifted)."""
    out = ParseResult(format=fmt)
    for r in results:
        base = len(out.articles)
        out.articles += r.articles
        out.problems += r.problems
        out.warnings += r.warnings
        for l in r.links:
            tgt = l.target if isinstance(l.target, Reference) else l.target + base
            out.links.append(Link(l.source + base, tgt, l.kind, l.origin))
    return out


# -- add ----------------------------------------------------------------------------------------
def add_identifiers(lib: Library, identifiers: Iterable[str], tags: Iterable[str] = (),
                    progress: Progress | None = None, cancel: CancelToken | None = None,
                    online: Online | None = None) -> ImportReport:
    """Add articles by DOI, PMID, PMCID or PubMed / PMC / doi.org link, with full metadata,
    deduplicated against the library.  Unrecognised or unknown identifiers are reported in
    ``report.skipped``; a network failure raises NetworkError and writes nothing."""
    progress = progress or no_progress
    online = online or Online.for_library(lib)
    pm = online.pubmed
    problems: list[Problem] = []
    wanted: list[tuple[str, str, str]] = []      # (as typed, kind, normalised)
    for raw in identifiers:
        raw = str(raw).strip()
        if not raw:
            continue
        try:
            kind, value = classify_identifier(raw)
        except IdentifierError as exc:
            problems.append(Problem(raw, None, exc.bare))
            continue
        if (kind, value) not in [(k, v) for _, k, v in wanted]:
            wanted.append((raw, kind, value))

    pmid_of: dict[tuple[str, str], str] = {(k, v): v for _, k, v in wanted if k == "pmid"}
    to_convert = [v for _, k, v in wanted if k in ("pmcid", "doi")]
    if to_convert:
        check(cancel)
        progress(0, 0, "converting identifiers (PMC ID converter)")
        conv = pm.convert_ids(to_convert)
        for _, k, v in wanted:
            if k in ("pmcid", "doi") and conv.get(v, {}).get("pmid"):
                pmid_of[(k, v)] = conv[v]["pmid"]
    for raw, k, v in wanted:   # DOIs outside PMC: ask PubMed itself
        if k == "doi" and (k, v) not in pmid_of:
            check(cancel)
            progress(0, 0, f"searching PubMed for {v}")
            found = pm.pmid_for_doi(v)
            if found:
                pmid_of[(k, v)] = found
        elif k == "pmcid" and (k, v) not in pmid_of:
            problems.append(Problem(raw, None, f"{v}: not known to the PMC ID converter"))

    parsed: list[tuple[str, ParseResult]] = []
    pmids = list(dict.fromkeys(pmid_of.values()))
    if pmids:
        check(cancel)
        progress(0, len(pmids), f"fetching {len(pmids)} record(s) from PubMed")
        def batch(done, total):
            check(cancel)
            progress(done, total, f"fetching records from PubMed ({done}/{total})")
        results = [_parse_pubmed(text, "PubMed efetch") for text in pm.fetch_xml(pmids, batch)]
        pr = _concat(results, "pubmed-xml")
        got = {a.pmid for a in pr.articles}
        for raw, k, v in wanted:
            p = pmid_of.get((k, v))
            if p and p not in got:
                if k == "doi":          # try Crossref / doi.org below
                    del pmid_of[(k, v)]
                else:
                    problems.append(Problem(raw, None, f"PMID {p}: not found in PubMed"))
        parsed.append(("PubMed (E-utilities)", pr))

    cr_results, doi_results = [], []
    for raw, k, v in wanted:
        if k != "doi" or (k, v) in pmid_of:
            continue
        check(cancel)
        progress(0, 0, f"looking up {v} at Crossref")
        try:
            art, refs = online.crossref.article(v)
            r = ParseResult(articles=[art], format="crossref")
            r.links = [Link(0, ref, "cites", "crossref") for ref in refs]
            cr_results.append(r)
            continue
        except NotFound:
            pass
        try:
            item = online.doi.csl(v)
        except NotFound:
            problems.append(Problem(raw, None, f"DOI {v}: not found at Crossref or doi.org"))
            continue
        doi_results.append(ParseResult(articles=[_csl_to_article(item)], format="doi"))
    if cr_results:
        parsed.append(("Crossref", _concat(cr_results, "crossref")))
    if doi_results:
        parsed.append(("doi.org", _concat(doi_results, "doi")))
    if problems:
        parsed.append(("<identifiers>", ParseResult(problems=problems, format="identifiers")))
    check(cancel)
    progress(0, 0, "saving")
    with lib.transaction():
        report = import_results(lib, parsed, tags=tags, progress=progress, cancel=cancel)
        report.links += link_known_citers(lib, report.added + [m["id"] for m in report.merged]
                                          + report.unchanged)
    return report


def link_known_citers(lib: Library, ids: Iterable[int]) -> int:
    """Articles that an earlier refresh saw citing a library article from outside the library
    (``extra["cited_by_elsewhere"]``) become real links once they are added."""
    import json
    from amlref.storage.schema import CITED_ELSEWHERE
    waiting: dict[str, list[int]] = {}
    for cited, extra in lib.execute("SELECT id, extra FROM articles INDEXED BY "
                                    f"articles_cited_elsewhere WHERE {CITED_ELSEWHERE} AND "
                                    "deleted_at IS NULL"):
        try:
            keys = json.loads(extra).get("cited_by_elsewhere") or []
        except (ValueError, AttributeError):
            continue
        for k in keys:
            waiting.setdefault(str(k), []).append(cited)
    if not waiting:
        return 0
    made = 0
    with lib.transaction():
        for aid in dict.fromkeys(ids):
            a = lib.articles.get(aid)
            keys = [k for k in (f"pmid:{a.pmid}" if a.pmid else "", f"doi:{a.doi}" if a.doi else "")
                    if k]
            for key in keys:
                for cited in waiting.pop(key, []):
                    if cited == aid:
                        continue
                    origin = "eutils" if key.startswith("pmid:") else "openalex"
                    if lib.citations.add(aid, cited, "cites", origin):
                        made += 1
                    c = lib.articles.get(cited)
                    extra = dict(c.extra)
                    extra["cited_by_elsewhere"] = [k for k in extra.get("cited_by_elsewhere") or []
                                                   if k not in keys]
                    lib.articles.update(cited, {"extra": extra})
    return made


# -- refresh citations --------------------------------------------------------------------------
@dataclass
class RefreshReport:
    articles: int = 0
    references: int = 0          # new edges article -> cited work (library article or stub)
    cited_by: int = 0            # new edges library article -> this article
    cited_by_elsewhere: int = 0  # citing works not in the library (kept on the article)
    not_found: list[str] = field(default_factory=list)
    requests: int = 0
    cache_hits: int = 0

    def to_json(self) -> dict:
        return dict(self.__dict__)

    def summary(self) -> str:
        s = (f"{self.articles} article(s): {self.references} new reference link(s), "
             f"{self.cited_by} new cited-by link(s) in the library, {self.cited_by_elsewhere} "
             f"citing work(s) not in the library")
        if self.not_found:
            s += f"; not found online: {', '.join(self.not_found[:5])}"
            if len(self.not_found) > 5:
                s += f" and {len(self.not_found) - 5} more"
        return s


def refresh_citations(lib: Library, ids: Iterable[int], progress: Progress | None = None,
                      cancel: CancelToken | None = None, online: Online | None = None,
                      sources: Sequence[str] = DEFAULT_REFRESH,
                      describe: bool = True) -> RefreshReport:
    """Fetch references and cited-by of the articles and store the edges.  Everything is
    fetched before anything is written; a failure or a cancel writes nothing."""
    progress = progress or no_progress
    online = online or Online.for_library(lib)
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        from amlref.core.errors import UsageError
        raise UsageError(f"unknown source {unknown[0]!r} (choose from {', '.join(SOURCES)})")
    arts = [a for a in lib.articles.get_many(list(dict.fromkeys(ids))) if a.deleted_at is None]
    report = RefreshReport(articles=len(arts))
    sent0, hits0 = online.client.requests_sent, online.client.cache_hits
    # (citing article id, target: Reference, origin) and (citing Reference, cited article id)
    refs: list[tuple[int, Reference, str]] = []
    citing: list[tuple[Reference, int, str]] = []
    total = len(arts)

    if "pubmed" in sources:
        by_pmid = {a.pmid: a.id for a in arts if a.pmid}
        doi_only = {a.doi: a.id for a in arts if a.doi and not a.pmid}
        if doi_only:             # articles known by DOI only (BibTeX, RIS ...): PMIDs via PMC
            check(cancel)
            progress(0, total, f"PMC ID converter: {len(doi_only)} DOI(s)")
            for doi, ids in online.pubmed.convert_ids(doi_only).items():
                if ids.get("pmid") and ids["pmid"] not in by_pmid:
                    by_pmid[ids["pmid"]] = doi_only[doi]
        if by_pmid:
            def batch(label):
                def cb(done, n):
                    check(cancel)
                    progress(done, n, f"PubMed: {label} ({done}/{n} articles)")
                return cb
            for p, linked in online.pubmed.references(by_pmid, batch("references")).items():
                refs += [(by_pmid[p], Reference(pmid=q), "eutils") for q in linked]
            for p, linked in online.pubmed.cited_by(by_pmid, batch("cited by")).items():
                citing += [(Reference(pmid=q), by_pmid[p], "eutils") for q in linked]
            # describe the cited works that are not in the library (title, year, journal, DOI),
            # so that "missing key papers" reads as papers, not numbers
            unknown = [r.pmid for _, r, _ in refs
                       if r.pmid and lib.articles.find_id("pmid", r.pmid) is None]
            if unknown and describe:
                found = online.pubmed.summaries(unknown, batch("describing cited works"))
                refs = [(aid, found.get(r.pmid, r), o) for aid, r, o in refs]
    have_refs = {aid for aid, _, _ in refs}

    if "crossref" in sources:
        for i, a in enumerate(arts):
            if not a.doi or a.id in have_refs:
                continue
            check(cancel)
            progress(i, total, f"Crossref: references of {a.citekey}")
            try:
                m = online.crossref.work(a.doi)
            except NotFound:
                report.not_found.append(f"crossref:{a.doi}")
                continue
            refs += [(a.id, r, "crossref") for r in online.crossref.references_of(m)]

    if "openalex" in sources:
        for i, a in enumerate(arts):
            if not (a.doi or a.pmid):
                continue
            check(cancel)
            progress(i, total, f"OpenAlex: {a.citekey}")
            try:
                w = online.openalex.work(doi=a.doi, pmid="" if a.doi else a.pmid)
            except NotFound:
                report.not_found.append(f"openalex:{a.doi or a.pmid}")
                continue
            refs += [(a.id, r, "openalex") for r in online.openalex.referenced(w)]
            citing += [(r, a.id, "openalex") for r in online.openalex.citing(w)]

    check(cancel)
    progress(total, total, "saving citation links")
    cites = lib.citations
    with lib.transaction():
        for aid, ref, origin in refs:
            if cites.add(aid, ref, "cites", origin):
                report.references += 1
        elsewhere: dict[int, dict[str, None]] = {}
        for ref, aid, origin in citing:
            src = cites.match_article(ref)
            if src is not None:
                if src != aid and cites.add(src, aid, "cites", origin):
                    report.cited_by += 1
            else:
                key = f"pmid:{ref.pmid}" if ref.pmid else f"doi:{ref.doi}" if ref.doi else ""
                if key:
                    elsewhere.setdefault(aid, {})[key] = None
        for aid, keys in elsewhere.items():
            a = lib.articles.get(aid)
            old = list(a.extra.get("cited_by_elsewhere") or [])
            new = list(dict.fromkeys(old + list(keys)))
            report.cited_by_elsewhere += len(keys)
            if new != old:
                extra = dict(a.extra)
                extra["cited_by_elsewhere"] = new
                lib.articles.update(aid, {"extra": extra})
        check(cancel)
    report.requests = online.client.requests_sent - sent0
    report.cache_hits = online.client.cache_hits - hits0
    return report
