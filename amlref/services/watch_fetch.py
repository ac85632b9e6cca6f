"""The PubMed records of a watch run, fetched, read and made ready to store while the run files
the ones before (services/watches.py).

- One network thread asks ``efetch`` for the batches of 200 PMIDs, up to ``AHEAD`` batches in
  front of the filing, at the pace the shared NCBI rate limiter allows.  The HTTP client checks
  each answer is whole (sources/http.py: a cut answer is an error); the answers are not kept in
  the disk cache.
- Worker processes (``spawn``, as many as core/workers.py gives, at most ``READERS``) start
  when the search found more than one batch and import what reading takes; they read each
  answer (of ``HALVES_FROM`` records or more: two halves, one each, so an answer is ready in
  about half the time): PubMed XML to articles, identifiers normalised, the row to insert
  (``storage.articles.prepare``) and the reference lists normalised
  (``storage.reference_fields.normalize_reference``), all sent back as plain tuples and dicts (a
  tenth of the cost of pickling Article and Reference objects).  The filing process then only
  checks for duplicates, stores and links; it reads the first answer itself if that comes
  before the workers are up.
- Where no worker process can start (a frozen app, ``AMLREF_WORKERS=1``, no semaphores) or one
  dies, the answers are read in the filing process, with the same function.

Batches come back in order; iterating yields ``(pmids, Part)``."""
from __future__ import annotations

import collections
import logging
import re
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Iterator

from amlref.core import workers
from amlref.core.article import Link, Reference
from amlref.core.errors import AmlrefError, NetworkError
from amlref.services.parallel_parse import Part

log = logging.getLogger(__name__)

AHEAD = 3          # efetch answers fetched in front of the filing (bounded memory)
READERS = 2        # worker processes reading answers (reading one takes longer than NCBI's
                   # pace of 3 answers a second allows; two keep up on an idle 2-core machine)


def _root_tag(text: str) -> str:
    """The name of the first element (expat stops there; the answer is well-formed already)."""
    import xml.parsers.expat

    class Found(Exception):
        pass
    parser = xml.parsers.expat.ParserCreate()
    tag = []

    def start(name, attrs):
        tag.append(name)
        raise Found
    parser.StartElementHandler = start
    try:
        parser.Parse(text, True)
    except (Found, xml.parsers.expat.ExpatError):
        pass
    return tag[0] if tag else ""


def read_efetch(text: str, what: str, label: str, formula: str, now: str) -> tuple:
    """In a worker (or here): one efetch answer -> ``(prepared rows, links, problems,
    warnings)``; a link is ``(source, target, kind, origin)``, its target a record index or the
    normalised fields of a reference (a dict).  An NCBI error answer raises NetworkError, as
    ``PubmedSource.fetch_xml`` says it."""
    from amlref.core import gcpause
    from amlref.formats.pubmed_xml import parse_pubmed_xml
    from amlref.storage.articles import normalize_identifiers, prepare
    from amlref.storage.reference_fields import normalize_reference
    if _root_tag(text) != "PubmedArticleSet":
        from amlref.sources.xmlutil import parse_xml
        root = parse_xml(text, f"{what}: NCBI")
        msg = (root.findtext("ERROR") or "").strip() or f"unexpected <{root.tag}>"
        raise NetworkError(f"{what}: NCBI efetch answered {msg}")
    res = parse_pubmed_xml(text, label)
    with gcpause.paused():
        prepared = []
        for a in res.articles:
            normalize_identifiers(a, strict=False)
            prepared.append(prepare(a, formula, now))
        links = [(ln.source, normalize_reference(ln.target) if isinstance(ln.target, Reference)
                  else ln.target, ln.kind, ln.origin) for ln in res.links]
    return prepared, links, res.problems, res.warnings


_RECORD = re.compile(r"<(?:PubmedArticle|PubmedBookArticle)[\s>]")
_BETWEEN = re.compile(r"</(?:PubmedArticle|PubmedBookArticle)>(?=\s*<(?:PubmedArticle|"
                      r"PubmedBookArticle)[\s>])")
HALVES_FROM = 20   # records in an answer from which two readers read a half each


def halves(text: str) -> tuple[str, str] | None:
    """An efetch answer as two answers of about half its records each, cut between two
    records, or None where it cannot be cut safely (a comment, CDATA or processing instruction
    could hide tags; anything but whitespace between the set's start tag and the first
    record).  The second keeps the first's line count (newlines where the first half's records
    were), so every record keeps its line number.  Two readers then read one answer in half
    the time: the last answer of a run is read while the run waits for it."""
    first = _RECORD.search(text)
    if first is None:
        return None
    head = text[:first.start()]
    if not head.rstrip().endswith("<PubmedArticleSet>") or "<!--" in text \
            or "<![CDATA[" in text or "<?" in text[first.start():]:
        return None
    cut = _BETWEEN.search(text, len(head) + (len(text) - len(head)) // 2)
    if cut is None:
        return None
    end = cut.end()
    return (text[:end] + "</PubmedArticleSet>",
            head + "\n" * text.count("\n", len(head), end) + text[end:])


def _joined(a: tuple, b: tuple) -> tuple:
    """Two halves' results as the whole answer's (record indexes of the second moved up)."""
    n = len(a[0])
    links = a[1] + [(src + n, tgt if isinstance(tgt, dict) else tgt + n, kind, origin)
                    for src, tgt, kind, origin in b[1]]
    return a[0] + b[0], links, a[2] + b[2], a[3] + b[3]


def _come_up() -> bool:
    """In a worker: import what reading takes (before the first answer is there)."""
    import amlref.formats.pubmed_xml  # noqa: F401
    import amlref.storage.articles  # noqa: F401
    import amlref.storage.reference_fields  # noqa: F401
    return True


def start_readers():
    """The worker processes that read answers (a pool), or None (read in this process).  They
    start at once and import what they need (a few tenths of a second); the first answer is
    read in this process if it comes before they are up."""
    n = min(READERS, workers.available())
    if n < 2:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    try:
        # (not niced like the import's parsers: here the filing waits for them)
        pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"))
        pool.amlref_up = [pool.submit(_come_up) for _ in range(n)]   # (one process each)
        return pool
    except (OSError, ImportError, RuntimeError) as exc:
        log.warning("reading PubMed answers in this process (no worker: %s)", exc)
        return None


def _up(pool) -> bool:
    """Have the readers come up (each imported what reading takes)?"""
    up = getattr(pool, "amlref_up", None)
    return bool(up) and all(f.done() and not f.cancelled() and f.exception() is None
                            for f in up)


def _part(result: tuple) -> Part:
    prepared, links, problems, warnings = result
    return Part(prepared=prepared, links=[Link(*ln) for ln in links], problems=problems,
                warnings=warnings)


class Efetches:
    """``for pmids, part in Efetches(online, batches, label, formula)``; ``close()`` (or the
    ``with`` block) stops the thread and the worker, also half-way."""

    def __init__(self, online, batches: list[list[str]], label: str, formula: str,
                 readers=None):
        self.online, self.batches, self.label, self.formula = online, batches, label, formula
        self.net = ThreadPoolExecutor(1, thread_name_prefix="amlref-watch-fetch")
        if readers is None and len(batches) > 1:
            readers = start_readers()
        self.pool = readers
        self.waiting: collections.deque[Future] = collections.deque()
        self.next = 0

    def __enter__(self) -> "Efetches":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for f in self.waiting:
            f.cancel()
        self.net.shutdown(wait=True, cancel_futures=True)
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def _fetch(self, pmids: list[str], first: bool) -> tuple:
        """In the network thread: the answer, handed to the workers at once (the first only
        when they are up already: else it is read here while they are starting)."""
        from amlref.storage.library import now_iso
        src = self.online.pubmed
        what = f"PubMed efetch of {len(pmids)} PMID{'s' if len(pmids) > 1 else ''}"
        # (not stored in the disk cache: a run never reads it (what is new is asked again),
        # and no other lookup asks for the same list of PMIDs; 5 MB an answer of 200 records)
        text = src.client.get(src._url("efetch"),
                              src._params(db="pubmed", id=",".join(pmids), retmode="xml"),
                              service="ncbi", what=what, use_cache=False).text
        args = (text, what, self.label, self.formula, now_iso())
        pool = self.pool
        if pool is not None and (not first or _up(pool)):
            cut = halves(text) if len(pmids) >= HALVES_FROM else None
            try:
                if cut is None:
                    return args, [pool.submit(read_efetch, *args)]
                return args, [pool.submit(read_efetch, half, *args[1:]) for half in cut]
            except RuntimeError:       # (shut down meanwhile, or broken)
                pass
        return args, None

    def _fill(self) -> None:
        while self.next < len(self.batches) and len(self.waiting) < AHEAD:
            self.waiting.append(self.net.submit(self._fetch, self.batches[self.next],
                                                self.next == 0))
            self.next += 1

    def __iter__(self) -> Iterator[tuple[list[str], Part]]:
        from concurrent.futures.process import BrokenProcessPool
        for pmids in self.batches:
            self._fill()
            args, parsed = self.waiting.popleft().result()
            self._fill()
            result = None
            if parsed is not None:
                try:
                    results = [f.result() for f in parsed]
                    result = results[0] if len(results) == 1 else self._joined(results)
                except (OSError, BrokenProcessPool) as exc:   # the worker died: read it here
                    log.warning("reading PubMed answers in this process (%s)", exc)
                    self.pool = None
                except AmlrefError:
                    if len(parsed) == 1:
                        raise
                    result = None        # (a half the whole would not give: read it whole)
            if result is None:
                result = read_efetch(*args)
            yield pmids, _part(result)

    @staticmethod
    def _joined(results: list[tuple]) -> tuple | None:
        """The halves' results joined, or None (read the whole answer) when a half has a
        problem: a record cut off or unreadable reads differently in a half than whole."""
        if any(r[2] for r in results):
            return None
        return _joined(*results)
