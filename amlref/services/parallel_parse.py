"""A big file is parsed in parts by worker processes while the import stores what they have
already made (docs/decisions/0005).

An importer that can cut its text at record boundaries (``Importer.split``: RIS) gets its parts
parsed in worker processes; each worker also does what needs no library (identifiers
normalised, base citation key, the row to insert: ``storage.articles.prepare``) and sends back
plain tuples, which cost far less to receive than Article objects.  The importing process takes
the parts in file order as they come and does only the duplicate check, the final keys and
the insert.  Parts come back in order, so the result is exactly the one-process import's."""
from __future__ import annotations

import itertools
import logging
import os
from dataclasses import dataclass, field
from typing import Iterator

from amlref.core import gcpause, workers
from amlref.core.article import Article, Link, ParseResult, Problem

log = logging.getLogger(__name__)

PARALLEL_MIN_CHARS = 4_000_000   # smaller files: starting the workers costs more than it saves
PART_CHARS = 2_000_000           # about 3,000 records of a PubMed-like RIS export


@dataclass
class Part:
    """Consecutive records of one file.  ``prepared`` (tuples, see storage.articles.prepare)
    when a worker made them, else ``articles`` (parsed in this process).  Link indexes count
    from the part's first record."""

    prepared: list[tuple] | None = None
    articles: list[Article] | None = None
    links: list[Link] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.prepared if self.prepared is not None else self.articles)

    @classmethod
    def of(cls, result: ParseResult) -> "Part":
        """A result parsed in this process, as a part."""
        return cls(articles=result.articles, links=result.links, problems=result.problems,
                   warnings=result.warnings)


def split(importer, text: str) -> list[tuple[str, int]] | None:
    """The parts of a big text to parse in workers, or None (parse it in this process)."""
    if len(text) < PARALLEL_MIN_CHARS or workers.available() < 2:
        return None
    try:
        parts = importer.split(text, PART_CHARS)
    except Exception:   # pragma: no cover - a plugin's split must not break an import
        log.exception("cannot split %s input; parsing it whole", importer.name)
        return None
    return parts if parts and len(parts) > 1 else None


def _worker_start() -> None:
    """The importing process is the one the others wait for: workers yield the CPU to it."""
    try:
        os.nice(WORKER_NICE)
    except (AttributeError, OSError):   # pragma: no cover - Windows, or not allowed
        pass


WORKER_NICE = 5


def prepare_part(fmt: str, text: str, filename: str, first_line: int, formula: str,
                 now: str) -> tuple:
    """In a worker: parse one part and prepare its records (see Part)."""
    from amlref.plugins.registry import registry
    from amlref.storage.articles import normalize_identifiers, prepare
    res = registry.importer(fmt).parse_part(text, filename, first_line)
    with gcpause.paused():
        out = []
        for a in res.articles:
            normalize_identifiers(a, strict=False)
            out.append(prepare(a, formula, now))
    return out, res.links, res.problems, res.warnings


def parse_parts(fmt: str, parts: list[tuple[str, int]], filename: str, formula: str,
                now: str, n_workers: int | None = None) -> "WorkerParts":
    """Start parsing the parts in worker processes (see WorkerParts)."""
    return WorkerParts(fmt, parts, filename, formula, now, n_workers or workers.available())


class WorkerParts:
    """Parts being parsed by worker processes, which start at once.  Iterating yields them in
    order as they are ready; a few are in flight at a time (memory stays bounded).  ``close``
    stops the workers (also when the parts were never asked for).  Where no worker can start
    or one dies, the remaining parts are parsed in this process."""

    def __init__(self, fmt: str, parts: list[tuple[str, int]], filename: str, formula: str,
                 now: str, n_workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        self.fmt, self.filename, self.formula, self.now = fmt, filename, formula, now
        self.parts = parts
        self.queue: list = []
        self.todo = iter(parts)
        self.pool = None
        try:
            self.pool = ProcessPoolExecutor(max_workers=n_workers,
                                            mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_worker_start)
            for _ in range(2 * n_workers):
                self._submit()
        except (OSError, ImportError) as exc:
            log.warning("parsing in this process (workers unavailable: %s)", exc)
            self.close()

    def _submit(self) -> None:
        for text, line in itertools.islice(self.todo, 1):
            self.queue.append(self.pool.submit(prepare_part, self.fmt, text, self.filename, line,
                                               self.formula, self.now))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def __iter__(self) -> Iterator[Part]:
        from concurrent.futures.process import BrokenProcessPool
        done = 0
        try:
            while self.pool is not None and self.queue:
                result = self.queue.pop(0).result()
                self._submit()
                prepared, links, problems, warnings = result
                yield Part(prepared=prepared, links=links, problems=problems,
                           warnings=warnings)
                done += 1
        except (OSError, BrokenProcessPool) as exc:   # a worker died: do the rest ourselves
            log.warning("parsing in this process (workers stopped: %s)", exc)
        finally:
            self.close()
        yield from _in_process(self.fmt, self.parts[done:], self.filename)


def _in_process(fmt: str, parts: list[tuple[str, int]], filename: str) -> Iterator[Part]:
    from amlref.plugins.registry import registry
    importer = registry.importer(fmt)
    for text, line in parts:
        yield Part.of(importer.parse_part(text, filename, line))
