"""Import files or text into the library: read, detect, parse, then one transaction that adds
new articles, merges duplicates, links relations, resolves stubs and classifies.

An import never half-happens: unreadable input fails before the library is touched, and a
cancel or an error inside the transaction rolls everything back."""
from __future__ import annotations

import itertools
import json
import os
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from amlref.core import gcpause
from amlref.core.article import Link, ParseResult, Problem, Reference, title_key
from amlref.core.errors import InputError
from amlref.core.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from amlref.core.progress import Cancelled, CancelToken, Progress, check, no_progress
from amlref.core.text import decode_bytes
from amlref.formats.detect import detect
from amlref.plugins.registry import registry
from amlref.services import parallel_parse
from amlref.services.backup import BULK_RECORDS, before_bulk
from amlref.services.import_place import FLUSH_MIN, New, place
from amlref.services.merge import DedupIndex
from amlref.services.parallel_parse import Part
from amlref.storage.articles import (R_DOI, R_ORIGIN, R_PMCID, R_PMID, R_TKEY,
                                     normalize_identifiers, prepare)
from amlref.storage.library import Library, now_iso

MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class ImportReport:
    added: list[int] = field(default_factory=list)
    # {"id", "citekey", "title", "file", "line", "same_import" (into an earlier record of it)}
    merged: list[dict] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)   # duplicates that brought nothing new
    # look-alikes within one file that are not the same record, imported apart:
    # {"id", "like" (an earlier record's id it looks like), "title", "file", "line"}
    apart: list[dict] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)      # {"file", "format", "encoding", "records"}
    links: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.skipped

    def to_json(self) -> dict:
        return {
            "added": len(self.added),
            "merged": len(self.merged) + len(self.unchanged),
            "skipped": len(self.skipped),
            "errors": [{"file": p.file, "line": p.line, "message": p.message} for p in self.skipped],
            "added_ids": self.added,
            "merged_into": self.merged,
            "unchanged_ids": self.unchanged,
            "possible_duplicates": self.apart,
            "links": self.links,
            "files": self.files,
            "warnings": self.warnings,
        }

    @staticmethod
    def file_line(f: dict) -> str:
        """One input's line of the summary: "a.enw: 1 record as endnote (utf-8)"."""
        enc = f" ({f['encoding']})" if f.get("encoding") else ""
        return f"{f['file']}: {_count(f['records'], 'record')} as {f['format']}{enc}"

    def summary(self) -> str:
        n_merged = len(self.merged) + len(self.unchanged)
        s = f"{len(self.added)} added, {n_merged} merged"
        n_same = sum(bool(m.get("same_import")) for m in self.merged)
        if n_same:
            s += f" ({n_same} the same as an earlier record of the import)"
        s += f", {len(self.skipped)} skipped"
        if self.links:
            s += f", {_count(self.links, 'link')}"
        if self.apart:
            s += (f"; {len(self.apart)} kept apart from a look-alike record of the same file "
                  "(listed as possible duplicates)")
        return s


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def check_input(path: str) -> None:
    """Raise a one-line InputError naming ``path`` unless it is a readable file (cheap: callers
    check every input before they open or create the library)."""
    if not os.path.exists(path):
        raise InputError("no such file", path)
    if os.path.isdir(path):
        raise InputError("is a folder, not a file", path)
    if not os.access(path, os.R_OK):
        raise InputError("cannot read file: permission denied", path)


def read_input(path: str) -> tuple[bytes, str]:
    """Read a file for import, or raise a one-line InputError naming it."""
    check_input(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise InputError(f"file too large ({size // 1048576} MB; limit "
                             f"{MAX_FILE_BYTES // 1048576} MB)", path)
        with open(path, "rb") as fh:
            data = fh.read()
    except PermissionError:
        raise InputError("cannot read file: permission denied", path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path) from None
    if path.endswith(".gz"):
        import gzip
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"not a readable gzip file: {exc}", path) from None
    return data, path


def decode_and_detect(data: bytes, filename: str, fmt: str | None) -> tuple[str, str, str]:
    """Decode and detect: (text, encoding, format), or a one-line InputError."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) \
            and data[:4096].count(b"\x00") < len(data[:4096]) // 4:
        raise InputError("binary file, not a bibliography", filename)
    text, encoding = decode_bytes(data)
    fmt = fmt or detect(text, filename[:-3] if filename.endswith(".gz") else filename)
    return text, encoding, fmt


def _unreadable(exc: Exception, fmt: str, filename: str) -> InputError:
    """What a user reads when an importer fails (never a traceback)."""
    if isinstance(exc, InputError):
        return exc
    if isinstance(exc, RecursionError):
        return InputError(f"cannot read as {fmt}: nesting too deep", filename)
    return InputError(f"cannot read as {fmt}: {type(exc).__name__}: {exc}", filename)


def parse_data(data: bytes, filename: str, fmt: str | None = None) -> ParseResult:
    """Decode, detect and parse one input.  Raises InputError for unusable input."""
    text, encoding, fmt = decode_and_detect(data, filename, fmt)
    return _parse_text(text, encoding, fmt, filename)


def _parse_text(text: str, encoding: str, fmt: str, filename: str) -> ParseResult:
    imp = registry.importer(fmt)
    try:
        result = imp.parse(text, filename)
    except Exception as exc:  # a buggy importer must not leak a traceback
        raise _unreadable(exc, fmt, filename) from None
    result.format = result.format or fmt
    result.encoding = result.encoding or encoding
    return result


@dataclass
class _Source:
    """One input of an import: its parts, parsed already or (a big file) as they come from
    the worker processes (services/parallel_parse.py)."""
    filename: str
    format: str
    encoding: str
    parts: Iterable[Part]
    records: int          # how many (an estimate while the parts are still coming)
    workers: "parallel_parse.WorkerParts | None" = None


def _source_of(result: ParseResult, filename: str) -> _Source:
    return _Source(filename, result.format, result.encoding, [Part.of(result)],
                   len(result.articles))


def import_paths(lib: Library, paths: Sequence[str], fmt: str | None = None,
                 tags: Iterable[str] = (), progress: Progress | None = None,
                 cancel: CancelToken | None = None, defer_index: bool = False,
                 classify: bool = True) -> ImportReport:
    """Import files.  Every file is read and recognised before the library is touched; a big
    one is then parsed by worker processes while the import stores what they have made."""
    progress = progress or no_progress
    inputs = []
    for i, p in enumerate(paths):
        check(cancel)
        progress(i, len(paths), f"reading {os.path.basename(p)}")
        data, _ = read_input(p)
        inputs.append((p, *decode_and_detect(data, p, fmt)))
        del data
    sources: list[_Source] = []
    now = now_iso()   # one "added" time for every record, whichever process prepared it
    try:
        for p, text, encoding, f in inputs:
            sources.append(_source_from_text(lib, p, text, encoding, f, now))
        return _import(lib, sources, tags=tags, progress=progress, cancel=cancel,
                       classify=classify, defer_index=defer_index, now=now)
    finally:
        for src in sources:       # workers of a file never reached (an error, a cancel)
            if src.workers is not None:
                src.workers.close()


def _source_from_text(lib: Library, p: str, text: str, encoding: str, f: str,
                      now: str) -> _Source:
    """Parse in this process, or (a big file) start the workers on parts 2, 3 ... while this
    process reads part 1."""
    pieces = parallel_parse.split(registry.importer(f), text)
    if pieces is None:
        return _source_of(_parse_text(text, encoding, f, p), p)
    rest = parallel_parse.parse_parts(f, pieces[1:], p, lib.articles.key_formula(), now)
    try:
        first = registry.importer(f).parse_part(pieces[0][0], p, pieces[0][1])
    except Exception as exc:
        rest.close()
        raise _unreadable(exc, f, p) from None
    # about as many records per character later on
    per_char = len(first.articles) / max(1, len(pieces[0][0]))
    parts = itertools.chain([Part.of(first)], rest)
    return _Source(p, f, encoding, parts, max(1, int(per_char * len(text))), rest)


def import_text(lib: Library, text: str, fmt: str | None = None, name: str = "<pasted text>",
                tags: Iterable[str] = (), progress: Progress | None = None,
                cancel: CancelToken | None = None) -> ImportReport:
    result = parse_data(text.encode("utf-8"), name, fmt)
    return import_results(lib, [(name, result)], tags=tags, progress=progress, cancel=cancel)


def import_results(lib: Library, parsed: Sequence[tuple[str, ParseResult]],
                   tags: Iterable[str] = (), progress: Progress | None = None,
                   cancel: CancelToken | None = None, classify: bool = True,
                   defer_index: bool = False) -> ImportReport:
    """Write parsed records in one transaction (rolled back on cancel or error).

    With ``defer_index`` the full-text indexing and the classification of the new and merged
    articles are left as pending work (``lib.pending``) for ``services.indexing.catch_up``
    after the commit: the import itself is then mostly parsing and storing."""
    return _import(lib, [_source_of(result, filename) for filename, result in parsed], tags=tags,
                   progress=progress, cancel=cancel, classify=classify, defer_index=defer_index)


def import_parts(lib: Library, filename: str, fmt: str, parts: Sequence[Part],
                 tags: Iterable[str] = (), cancel: CancelToken | None = None,
                 classify: bool = True, defer_index: bool = False) -> ImportReport:
    """:func:`import_results` for records read and prepared elsewhere (a worker process):
    ``parts`` of prepared rows whose link targets are record indexes or the normalised fields
    of a reference (dicts, see storage.citations.normalize_reference)."""
    src = _Source(filename, fmt, "utf-8", parts, sum(len(p) for p in parts))
    return _import(lib, [src], tags=tags, cancel=cancel, classify=classify,
                   defer_index=defer_index)


def _is_ref(target) -> bool:
    """A link's target that is a work known by description (not an index of the import)."""
    return isinstance(target, (Reference, dict))


def _import(lib: Library, sources: list[_Source], tags: Iterable[str] = (),
            progress: Progress | None = None, cancel: CancelToken | None = None,
            classify: bool = True, defer_index: bool = False,
            now: str | None = None) -> ImportReport:
    progress = progress or no_progress
    tags = tuple(t for t in tags if t)
    report = ImportReport()
    total = sum(src.records for src in sources)
    if total > BULK_RECORDS:
        before_bulk(lib, "import")      # a copy of the library first (services/backup.py)
    done = 0
    formula, now = lib.articles.key_formula(), now or now_iso()
    # (the cyclic GC would rescan every record object again and again, finding nothing to free)
    with lib.checkpoint_later(), lib.transaction(), lib.articles.bulk(defer_index), \
            gcpause.paused():
        index = _dedup_index(lib, sources)
        new = New(lib, total)
        touched: list[int] = []
        files: list[tuple[str, str, list[Link], list[int]]] = []
        for src_no, src in enumerate(sources):
            info = {"file": src.filename, "format": src.format, "encoding": src.encoding,
                    "records": 0}
            report.files.append(info)
            final: list[int] = []     # per record: a library id, or a negative id in ``new``
            links: list[Link] = []
            name = os.path.basename(src.filename)
            for part in _parts(src):
                base = len(final)
                report.skipped.extend(part.problems)
                report.warnings.extend(part.warnings)
                if base:
                    links.extend(Link(ln.source + base, ln.target if _is_ref(ln.target)
                                      else ln.target + base, ln.kind, ln.origin)
                                 for ln in part.links)
                else:      # (the first part: its indexes are the file's already)
                    links.extend(part.links)
                arts, preps = part.articles, part.prepared
                for i in range(len(part)):
                    if done % 500 == 0:
                        check(cancel)
                        progress(min(done, total), max(done, total), f"importing {name}")
                    done += 1
                    if preps is None:
                        a = arts[i]
                        normalize_identifiers(a, strict=False)
                        if tags:
                            a.tags = list(dict.fromkeys(a.tags + list(tags)))
                        prep = prepare(a, formula, now)
                    else:
                        a, prep = None, preps[i]
                        if tags:
                            prep = prep[:3] + (tuple(dict.fromkeys(prep[3] + tags)),) + prep[4:]
                    final.append(place(lib, index, new, prep, a, src_no, src.filename,
                                        report, touched))
                if preps is not None:
                    new.flush(FLUSH_MIN)   # stored while the workers parse the next parts
            info["records"] = len(final)
            files.append((src.filename, src.format, links, final))
        new.flush()
        report.added = new.ids
        for m in report.merged:
            if m["id"] < 0:
                m["citekey"], m["id"] = new.keys[-m["id"] - 1], new.ids[-m["id"] - 1]
        for m in report.apart:
            m["id"], m["like"] = (x if x > 0 else new.ids[-x - 1] for x in (m["id"], m["like"]))
        edges = []     # (stored in one go: storage/citation_edges.py)
        for filename, fmt, links, final in files:
            final = [x if x > 0 else new.ids[-x - 1] for x in final]
            n = len(final)
            for link in links:
                if link.source >= n:
                    continue
                target = link.target
                if target.__class__ is int:   # (a record of the file, else a Reference/dict)
                    if target >= n:
                        continue
                    target = final[target]
                edges.append((final[link.source], target, link.kind, link.origin or fmt))
        report.links += lib.citations.add_many(edges, now)
        check(cancel)
        progress(max(done, total), max(done, total), "linking references")
        # new articles, and merged ones that may have gained a DOI/PMID, turn stubs into links
        changed = report.added + [m["id"] for m in report.merged]
        lib.citations.resolve_stubs(changed)
        if classify and defer_index:
            lib.pending.add_ids("classify", changed)
        elif classify and (report.added or touched):
            from amlref.services.classify import classify_ids
            classify_ids(lib, changed, cancel=cancel)
        check(cancel)
    return report


CANDIDATES_MAX = 5000   # an import of up to this many parsed records indexes only candidates


def _dedup_index(lib: Library, sources: list) -> DedupIndex:
    """The duplicate index of the library for this import.  A few records (a watch's batch,
    an online lookup, a small file) need only the library articles that share an identifier
    or a title key with them: those are found with one query per kind through the indexes,
    so a 100,000-article library costs about what an empty one does.  A big import, or one
    with BibTeX records (matched by citation key too), reads the whole library once.
    ``sources``: the import's inputs (``.parts``: a list when parsed already)."""
    parts = [p for src in sources if isinstance(src.parts, list) for p in src.parts]
    if len(parts) != sum(len(src.parts) if isinstance(src.parts, list) else -1
                         for src in sources) or sum(len(p) for p in parts) > CANDIDATES_MAX:
        return DedupIndex(lib)
    values: dict[str, set[str]] = {"doi": set(), "pmid": set(), "pmcid": set(),
                                   "title_key": set()}
    for p in parts:
        if p.prepared is not None:
            for prep in p.prepared:
                row = prep[0]
                if row[R_ORIGIN] == "bibtex":
                    return DedupIndex(lib)
                for col, i in (("doi", R_DOI), ("pmid", R_PMID), ("pmcid", R_PMCID),
                               ("title_key", R_TKEY)):
                    values[col].add(row[i])
        else:
            for a in p.articles:
                if a.origin == "bibtex":
                    return DedupIndex(lib)
                values["doi"].add(normalize_doi(a.doi, strict=False) or "")
                values["pmid"].add(normalize_pmid(a.pmid, strict=False) or "")
                values["pmcid"].add(normalize_pmcid(a.pmcid, strict=False) or "")
                values["title_key"].add(title_key(a.title))
    ids: set[int] = set()
    for col, vals in values.items():
        if col != "title_key":   # (an empty or short title key is looked up too: the record
            vals.discard("")     # may match by its whole content, which includes the title)
        if vals:    # (+deleted_at: the planner would scan the trash index instead)
            nonempty = "" if col == "title_key" else f"{col} != '' AND "
            ids.update(r[0] for r in lib.execute(
                f"SELECT id FROM articles WHERE {nonempty}{col} IN (SELECT value FROM "
                "json_each(?)) AND +deleted_at IS NULL", (json.dumps(sorted(vals)),)))
    return DedupIndex(lib, only=sorted(ids))


def _parts(src: _Source) -> Iterable[Part]:
    """The parts of a source; a worker's failure becomes the one-line error parse_data gives."""
    parts = iter(src.parts)
    while True:
        try:
            part = next(parts)
        except StopIteration:
            return
        except (InputError, Cancelled):
            raise
        except Exception as exc:
            raise _unreadable(exc, src.format, src.filename) from None
        yield part
