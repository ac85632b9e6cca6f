"""Watches: PubMed queries and citation alerts that bring new articles into the Inbox.

A run (:func:`run_watch`) fetches what is new for the watch, imports it the way a file import
does (``services.importing.import_results``: identifiers first, then look-alikes; classification
after), tags it with the watch's name and files it in the watch's Inbox:

- a PubMed watch: ``esearch`` on the entry date (``datetype=edat``) from the day before the
  last completed run (or ``watch.first_days`` back) to today, with the history server and
  paging, then ``efetch`` in batches of 200 (the shared client: cache off, NCBI rate limits
  on); terms of the query PubMed ignored among alternatives are the report's ``notes``;
- a citation alert: ``elink pubmed_pubmed_citedin`` for the targets with a PMID (what PubMed
  Central knows), OpenAlex ``cites:W…,from_publication_date:…`` for the others (from
  ``watch.openalex_lookback_days`` before the last run; a DOI OpenAlex does not know is a
  note, not an error).

Identifiers the watch already brought or had dismissed are not fetched again.  Records are
filed per efetch batch (``IMPORT_GROUP``), each batch in one transaction with its Inbox rows,
while the next batches are fetched (one network thread) and read (a worker process:
services/watch_fetch.py): a failure keeps the batches filed so far, leaves nothing of the one it
hit, and stops; the watch's ``last_run`` moves only when a run completed, so the next run asks
for the same window again and fetches only what is still missing.  One run per watch at a time
(``WatchStore.acquire``)."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable

from amlref.core.article import ParseResult, Problem
from amlref.core.errors import AmlrefError, InputError, NotFound, UsageError
from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.services import config
from amlref.services.importing import import_parts, import_results
from amlref.services.online import Online, link_known_citers
from amlref.services.parallel_parse import Part
from amlref.services.watch_fetch import Efetches, start_readers
from amlref.sources import openalex as oa
from amlref.sources import pubmed as pm
from amlref.storage.articles import R_DOI, R_PMID
from amlref.storage.library import Library, now_iso
from amlref.storage.watches import WatchBusy, WatchStore, idents

IMPORT_GROUP = 1     # at least this many records per transaction (1: each batch as it comes)
__all__ = ["WatchBusy", "RunReport", "run_watch", "run_all", "add_query", "add_citing",
           "suggest", "add_defaults"]


@dataclass
class RunReport:
    watch: str
    kind: str = "pubmed"
    window: tuple[str, str] = ("", "")
    found: int = 0                 # what PubMed / the citation sources gave
    seen: int = 0                  # of them: brought or dismissed before (not fetched)
    added: list[int] = field(default_factory=list)     # new to the library, unread in the Inbox
    known: list[int] = field(default_factory=list)     # were in the library already (merged)
    by_category: dict[str, int] = field(default_factory=dict)
    skipped: list[Problem] = field(default_factory=list)
    requests: int = 0
    beyond: int = 0                # PubMed found more than watch.max_results: not taken
    error: str = ""                # the run stopped here (what it filed before is kept)
    notes: list[str] = field(default_factory=list)   # what the run passed over, and why

    def to_json(self) -> dict:
        return {"watch": self.watch, "kind": self.kind, "window": list(self.window),
                "found": self.found, "seen": self.seen, "added": len(self.added),
                "known": len(self.known), "by_category": self.by_category,
                "added_ids": self.added, "known_ids": self.known,
                "skipped": [str(p) for p in self.skipped], "requests": self.requests,
                "beyond_limit": self.beyond, "notes": self.notes,
                "error": self.error}

    def summary(self) -> str:
        s = f"watch {self.watch!r}: {len(self.added)} new"
        if self.by_category:
            s += " (" + ", ".join(f"{k} {v}" for k, v in self.by_category.items()) + ")"
        s += f", {len(self.known)} already in the library"
        if self.seen:
            s += f", {self.seen} seen before"
        if self.skipped:
            s += f", {len(self.skipped)} unreadable"
        if self.beyond:
            s += (f"; {self.beyond} more found than watch.max_results allows (narrow the query "
                  "or raise the setting)")
        if self.notes:
            s += "; " + "; ".join(self.notes)
        return s


# -- adding watches -------------------------------------------------------------------------------
def add_query(lib: Library, name: str, query: str) -> int:
    if not query.strip():
        raise InputError(f"watch {name!r}: the PubMed query is empty")
    return WatchStore(lib).add(name, "pubmed", query.strip())


def add_citing(lib: Library, name: str, keys: Iterable[str]) -> int:
    """A citation alert on articles given by citation key, DOI, PMID or PMCID."""
    targets = []
    for k in keys:
        a = lib.articles.find(k)
        if not (a.pmid or a.doi):
            raise InputError(f"{a.citekey}: has neither a PMID nor a DOI; citing papers cannot be "
                             "looked up")
        targets.append({"id": a.id, "citekey": a.citekey, "pmid": a.pmid, "doi": a.doi})
    if not targets:
        raise UsageError("give at least one article")
    return WatchStore(lib).add(name, "citing", "", targets)


def _mesh(term: str) -> str:
    return '"' + term.replace(" & ", " and ").replace('"', "") + '"[MeSH Terms]'


def _agent(term: str) -> str | None:
    if term.startswith("re:"):
        return None
    term = term.lstrip("=").replace('"', "").strip()
    return f'"{term}"[Title/Abstract]' if term else None


def suggest(tax=None) -> list[tuple[str, str]]:
    """One PubMed watch per top-level category of the (loaded) taxonomy: the AML MeSH heading(s)
    of the taxonomy's AML context AND (the MeSH headings OR the agent names of the category and
    its sub-categories).  ``[(name, query)]``."""
    if tax is None:
        from amlref.taxonomy.model import load
        tax = load()
    headings = [t for t in tax.context.get("aml", []) if isinstance(t, str) and ", " in t
                and not t.startswith(("=", "re:")) and "*" not in t]
    if not headings:
        raise InputError("the taxonomy's AML context names no MeSH heading (like 'Leukemia, "
                         "Myeloid, Acute'); watches cannot be suggested")
    disease = " OR ".join(_mesh(h) for h in headings)
    out = []
    for node in tax.roots("category"):
        parts: list[str] = []
        for slug in tax.descendants(node.slug):
            d = tax.get(slug).data
            parts += [_mesh(m) for m in d.get("mesh", []) if isinstance(m, str)]
            parts += [q for q in (_agent(t) for t in d.get("drugs", []) if isinstance(t, str))
                      if q]
        parts = list(dict.fromkeys(parts))
        if parts:
            out.append((node.label, f"({disease}) AND ({' OR '.join(parts)})"))
    return out


def add_defaults(lib: Library, tax=None) -> list[str]:
    """Add the suggested watches that are not there yet (by name); returns the names added."""
    store = WatchStore(lib)
    added = []
    for name, query in suggest(tax):
        if store.find(name) is None:
            store.add(name, "pubmed", query)
            added.append(name)
    return added


# -- running ----------------------------------------------------------------------------------------
def _day(iso: str) -> datetime:
    return datetime.strptime(iso[:10], "%Y-%m-%d").replace(tzinfo=timezone.utc)


def window(lib: Library, watch: dict, today: datetime | None = None) -> tuple[str, str]:
    """(mindate, maxdate) as ``YYYY/MM/DD``: from the day before the last completed run to
    today.  Entry dates have no time and are NCBI's calendar days (US Eastern time, 4-5 hours
    behind the UTC of ``last_run``): a run at 02:00 UTC is still the day before at NCBI, and
    records entered there that evening would fall before a window starting on the run's UTC
    day.  What the overlap finds again was brought already and is skipped."""
    today = today or datetime.now(timezone.utc)
    if watch["last_run"]:
        start = _day(watch["last_run"]) - timedelta(days=1)
    else:
        start = today - timedelta(days=int(config.get(lib, "watch.first_days")))
    return start.strftime("%Y/%m/%d"), today.strftime("%Y/%m/%d")


def run_watch(lib: Library, name: str, online: Online | None = None,
              progress: Progress | None = None, cancel: CancelToken | None = None,
              today: datetime | None = None, page: int = pm.ESEARCH_PAGE) -> RunReport:
    """Run one watch (see the module doc).  Raises WatchBusy when it is running elsewhere; a
    network or query error is raised after the groups already filed were kept and the error
    noted on the watch (``last_error``)."""
    progress = progress or no_progress
    store = WatchStore(lib)
    w = store.get(name)
    store.acquire(w["id"])
    started = now_iso()
    online = online or Online.for_library(lib)
    report = RunReport(w["name"], w["kind"])
    sent0 = online.client.requests_sent
    fresh, online.client.fresh = online.client.fresh, True    # what is new: never the cache
    try:
        if w["kind"] == "pubmed":
            _run_pubmed(lib, store, w, online, report, progress, cancel, today, page)
        else:
            _run_citing(lib, store, w, online, report, progress, cancel, today)
        report.requests = online.client.requests_sent - sent0
        store.update(w["id"], last_run=started, last_error="", last_count=len(report.added))
        return report
    except BaseException as exc:
        msg = (str(exc) if isinstance(exc, AmlrefError) else "interrupted"
               if isinstance(exc, KeyboardInterrupt) else f"{type(exc).__name__}: {exc}")
        report.error = msg or type(exc).__name__
        try:
            store.update(w["id"], last_error=report.error)
        except Exception:            # (the library itself is the trouble: keep the first error)
            pass
        raise
    finally:
        online.client.fresh = fresh
        try:
            store.release(w["id"])
        except Exception:
            pass


def run_all(lib: Library, online: Online | None = None, progress: Progress | None = None,
            cancel: CancelToken | None = None, today: datetime | None = None,
            on_error=None) -> list[RunReport]:
    """Run every watch; one that fails (busy, offline, a refused query) is reported through
    ``on_error(name, error)`` and the others still run.  Cancel stops them all."""
    from amlref.core.errors import Cancelled
    online = online or Online.for_library(lib)
    out = []
    for w in WatchStore(lib).all():
        try:
            out.append(run_watch(lib, w["name"], online, progress, cancel, today))
        except Cancelled:
            raise
        except AmlrefError as exc:
            r = RunReport(w["name"], w["kind"], error=str(exc))
            out.append(r)
            if on_error:
                on_error(w["name"], exc)
    return out


def _run_pubmed(lib, store, w, online, report, progress, cancel, today, page) -> None:
    report.window = window(lib, w, today)
    limit = int(config.get(lib, "watch.max_results"))
    progress(0, 0, f"{w['name']}: searching PubMed")
    check(cancel)

    def on_page(done, total):
        check(cancel)
        progress(done, total, f"{w['name']}: searching PubMed ({done}/{total})")
    readers = None
    warm = threading.Thread(target=_warm_classifiers, name="amlref-watch-warm", daemon=True)
    warm.start()       # (the classifiers build their matchers while PubMed is asked)
    try:
        count, pmids = pm.search_all(online.pubmed, w["query"], *report.window, page=page,
                                     limit=limit, on_page=on_page, notes=report.notes)
        report.found = len(pmids)
        report.beyond = max(0, count - len(pmids))
        seen = store.seen(w["id"])
        todo = [p for p in pmids if f"pmid:{p}" not in seen]
        report.seen = len(pmids) - len(todo)
        if len(todo) > pm.EFETCH_BATCH:   # (a few records: not worth starting processes for)
            readers = start_readers()     # (they come up while the first answer is asked for)
        _fetch_and_file(lib, store, w, todo, [], online, report, progress, cancel, readers,
                        warm)
    finally:
        warm.join()
        if readers is not None:
            readers.shutdown(wait=False, cancel_futures=True)


def _run_citing(lib, store, w, online, report, progress, cancel, today) -> None:
    targets = w["targets"]
    report.window = window(lib, w, today) if w["last_run"] else ("", window(lib, w, today)[1])
    own = {k for t in targets for k in idents(t.get("pmid", ""), t.get("doi", ""))}
    found: dict[str, None] = {}
    with_pmid = [t["pmid"] for t in targets if t.get("pmid")]
    if with_pmid:
        progress(0, 0, f"{w['name']}: PubMed citations")
        for citing in pm.citing_pmids(online.pubmed, with_pmid).values():
            found.update(dict.fromkeys(citing))
    others: list = []
    since = ""     # OpenAlex filters by publication date, and works come in days to weeks
    if w["last_run"]:      # after it: look back watch.openalex_lookback_days (brought: skipped)
        since = (_day(w["last_run"]) - timedelta(
            days=int(config.get(lib, "watch.openalex_lookback_days")))).strftime("%Y-%m-%d")
    for t in targets:
        if t.get("pmid") or not t.get("doi"):
            continue
        check(cancel)
        progress(0, 0, f"{w['name']}: OpenAlex works citing {t['doi']}")
        try:
            work = online.openalex.work(doi=t["doi"])
        except NotFound:         # (one unknown DOI must not stop the alert for the others)
            report.notes.append(f"OpenAlex does not know {t['doi']} "
                                f"({t.get('citekey') or 'a target'}): no citing works for it")
            continue
        for cw in oa.citing_since(online.openalex, work.get("id", ""), since):
            pmid = oa.work_to_reference(cw).pmid
            if pmid:
                found[pmid] = None      # PubMed's record is the fuller one
            elif cw.get("id"):
                others.append(cw)
    seen = store.seen(w["id"]) | own
    pmids = [p for p in found if f"pmid:{p}" not in seen]
    arts = []
    for cw in others:
        a = oa.work_to_article(cw)
        keys = set(idents(a.pmid, a.doi, a.extra["openalex"]["id"]))
        if not keys & seen:
            seen.update(keys)
            arts.append(a)
    report.found = len(found) + len(others)
    report.seen = report.found - len(pmids) - len(arts)
    _fetch_and_file(lib, store, w, pmids, arts, online, report, progress, cancel)


def _warm_classifiers() -> None:
    """Build the classifiers' matchers (about half a second, once a process) while the run
    waits for PubMed, not when the first batch is filed."""
    from types import SimpleNamespace
    from amlref.services.classify import classify_articles
    try:
        classify_articles([SimpleNamespace(id=0, title="acute myeloid leukemia", abstract="",
                                           keywords=[], mesh=[], pub_types=[],
                                           type="article-journal")])
    except Exception:    # (a broken taxonomy is reported when the records are classified)
        pass


def _fetch_and_file(lib, store, w, pmids: list[str], articles: list, online, report,
                    progress, cancel, readers=None, warm=None) -> None:
    """efetch the PMIDs (fetched and read ahead of the filing: services/watch_fetch.py) and file
    them, a group of ``IMPORT_GROUP`` records per transaction; then the articles given as
    such."""
    batches = [pmids[i:i + pm.EFETCH_BATCH] for i in range(0, len(pmids), pm.EFETCH_BATCH)]
    total = len(pmids) + len(articles)
    # (each batch's reference stubs kept for the next: storage/citation_edges.KeptStubs)
    with lib.citations.keep_stubs():
        filed = _file_batches(lib, store, w, batches, articles, online, report, progress,
                              cancel, readers, warm)
    if filed:
        link_known_citers(lib, filed)
    progress(total, total, f"{w['name']}: {len(report.added)} new")


def _file_batches(lib, store, w, batches, articles, online, report, progress, cancel, readers,
                  warm) -> list[int]:
    n = sum(map(len, batches))
    total = n + len(articles)
    label = f"PubMed watch {w['name']}"
    done = 0
    filed: list[int] = []
    if batches:
        with Efetches(online, batches, label, lib.articles.key_formula(), readers) as fetched:
            group: list = []
            for batch, part in fetched:
                done += len(batch)
                group.append(part)
                if sum(len(p) for p in group) >= IMPORT_GROUP or done == n:
                    check(cancel)
                    if warm is not None:
                        warm.join()     # (never two threads building the matchers)
                    progress(done, total, f"{w['name']}: filing {done}/{total}")
                    filed += _file(lib, store, w, group, report, label, cancel)
                    group = []
                else:
                    progress(done, total, f"{w['name']}: fetched {done}/{total}")
    if articles:
        check(cancel)
        filed += _file(lib, store, w, [ParseResult(articles=articles, format="openalex")],
                       report, f"OpenAlex watch {w['name']}", cancel)
    return filed


def _file(lib, store, w, group: list, report, label, cancel) -> list[int]:
    """One group in one transaction: the import (records merged by identifier first, new ones
    stored, tagged with the watch's name, linked, classified), the Inbox rows and the heartbeat.
    An error anywhere leaves nothing of the group.  ``group``: parts prepared by
    services/watch_fetch.py, or ParseResults."""
    when = now_iso()
    if isinstance(group[0], Part):
        rows = [p[0] for part in group for p in part.prepared]
        pmids = [r[R_PMID] for r in rows if r[R_PMID]]
        dois = [r[R_DOI].lower() for r in rows if r[R_DOI] and not r[R_PMID]]
    else:
        arts = [a for r in group for a in r.articles]
        pmids = [a.pmid for a in arts if a.pmid]
        dois = [a.doi.lower() for a in arts if a.doi and not a.pmid]
    with lib.transaction():
        brought_before = _tagged_not_filed(lib, w, pmids, dois)
        if isinstance(group[0], Part):
            rep = import_parts(lib, label, "pubmed-xml", group, tags=[w["name"]], cancel=cancel)
        else:
            rep = import_results(lib, [(label, r) for r in group], tags=[w["name"]],
                                 cancel=cancel)
        known = [m["id"] for m in rep.merged if not m.get("same_import")] + rep.unchanged
        new = list(rep.added) + [k for k in known if k in brought_before]
        known = [k for k in known if k not in brought_before]
        store.put(w["id"], new, "new", when)
        store.put(w["id"], known, "read", when)      # had them already: filed, not unread
        lib.execute("UPDATE watches SET heartbeat = ? WHERE id = ?",
                    (when[:19] + "Z", w["id"]))
    report.added += new
    report.known += [k for k in known if k not in report.known]
    report.skipped += rep.skipped
    if new:
        for slug, n in lib.execute(
                "SELECT slug, count(*) FROM article_categories WHERE article_id IN (SELECT value "
                "FROM json_each(?)) AND state = 1 AND kind = 'category' GROUP BY slug",
                (json.dumps(new),)):
            report.by_category[slug] = report.by_category.get(slug, 0) + n
    return new + known


def _tagged_not_filed(lib, w, pmids: list[str], dois: list[str]) -> set[int]:
    """Library articles among these PMIDs/DOIs that carry the watch's tag (from an import)
    but are in none of its Inbox states: brought by a run that stopped before filing them."""
    if not pmids and not dois:
        return set()
    # (from the batch's identifiers through their indexes: the watch's tag may be on tens of
    # thousands of articles after a few years)
    return {r[0] for r in lib.execute(
        "SELECT a.id FROM articles a WHERE a.id IN (SELECT id FROM articles WHERE pmid != '' "
        "AND pmid IN (SELECT value FROM json_each(?)) UNION SELECT id FROM articles WHERE "
        "doi != '' AND doi IN (SELECT value FROM json_each(?))) AND +a.deleted_at IS NULL "
        "AND EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id "
        "WHERE at.article_id = a.id AND at.source = 'import' AND t.name = ?) "
        "AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.watch_id = ? AND i.article_id = a.id)",
        (json.dumps(pmids), json.dumps(dois), w["name"], w["id"]))}
