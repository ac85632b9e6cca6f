"""Import files or text into the library: read, detect, parse, then one transaction that adds
new articles, merges duplicates, links relations, resolves stubs and classifies.

An import never half-happens: unreadable input fails before the library is touched, and a
cancel or an error inside the transaction rolls everything back."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from amlref.core import gcpause
from amlref.core.article import Article, ParseResult, Problem, Reference
from amlref.core.errors import InputError
from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.core.text import decode_bytes
from amlref.formats.detect import detect
from amlref.plugins.registry import registry
from amlref.services.merge import DedupIndex, merge_articles
from amlref.storage.articles import normalize_identifiers
from amlref.storage.library import Library

MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class ImportReport:
    added: list[int] = field(default_factory=list)
    merged: list[dict] = field(default_factory=list)     # {"id", "citekey", "title", "file", "line"}
    unchanged: list[int] = field(default_factory=list)   # duplicates that brought nothing new
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
            "links": self.links,
            "files": self.files,
            "warnings": self.warnings,
        }

    def summary(self) -> str:
        n_merged = len(self.merged) + len(self.unchanged)
        s = f"{len(self.added)} added, {n_merged} merged, {len(self.skipped)} skipped"
        if self.links:
            s += f", {self.links} links"
        return s


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


def parse_data(data: bytes, filename: str, fmt: str | None = None) -> ParseResult:
    """Decode, detect and parse one input.  Raises InputError for unusable input."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) \
            and data[:4096].count(b"\x00") < len(data[:4096]) // 4:
        raise InputError("binary file, not a bibliography", filename)
    text, encoding = decode_bytes(data)
    fmt = fmt or detect(text, filename[:-3] if filename.endswith(".gz") else filename)
    imp = registry.importer(fmt)
    try:
        result = imp.parse(text, filename)
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"cannot read as {fmt}: nesting too deep", filename) from None
    except Exception as exc:  # a buggy importer must not leak a traceback
        raise InputError(f"cannot read as {fmt}: {type(exc).__name__}: {exc}", filename) from None
    result.format = result.format or fmt
    result.encoding = result.encoding or encoding
    return result


def _merge_into_library(lib: Library, match: int, a: Article, filename: str,
                        report: ImportReport) -> None:
    existing = lib.articles.get(match)
    changes, new = merge_articles(existing, a)
    if new:
        lib.articles.update(match, changes)
        report.merged.append({"id": match, "citekey": existing.citekey,
                              "title": a.title[:120], "file": filename, "line": a.line})
    else:
        report.unchanged.append(match)
    for t in a.tags:
        lib.tags.add([match], t, source="import")
    notes = [t for _, t in lib.notes.of(match)] if a.notes else []
    for n in a.notes:
        if n not in notes:
            lib.notes.add(match, n)


def import_paths(lib: Library, paths: Sequence[str], fmt: str | None = None,
                 tags: Iterable[str] = (), progress: Progress | None = None,
                 cancel: CancelToken | None = None, defer_index: bool = False) -> ImportReport:
    progress = progress or no_progress
    parsed: list[tuple[str, ParseResult]] = []
    for i, p in enumerate(paths):
        check(cancel)
        progress(i, len(paths), f"reading {os.path.basename(p)}")
        data, _ = read_input(p)
        parsed.append((p, parse_data(data, p, fmt)))
    return import_results(lib, parsed, tags=tags, progress=progress, cancel=cancel,
                          defer_index=defer_index)


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
    progress = progress or no_progress
    tags = [t for t in tags if t]
    report = ImportReport()
    total = sum(len(r.articles) for _, r in parsed)
    done = 0
    # (the cyclic GC would rescan every record object again and again, finding nothing to free)
    with lib.checkpoint_later(), lib.transaction(), lib.articles.bulk(defer_index), \
            gcpause.paused():
        index = DedupIndex(lib)
        # New articles wait in ``pending`` (under a temporary negative id in the index, so
        # later records of the import can merge into them) and go in with one executemany.
        pending: dict[int, Article] = {}
        touched: list[int] = []
        files: list[tuple[str, ParseResult, list]] = []
        for filename, result in parsed:
            report.files.append({"file": filename, "format": result.format,
                                 "encoding": result.encoding, "records": len(result.articles)})
            report.skipped.extend(result.problems)
            report.warnings.extend(result.warnings)
            final: list = []          # per record: a library id, or the pending Article
            for a in result.articles:
                if done % 500 == 0:
                    check(cancel)
                    progress(done, total, f"importing {os.path.basename(filename)}")
                done += 1
                normalize_identifiers(a, strict=False)
                a.tags = list(dict.fromkeys(a.tags + tags))
                match = index.match(a)
                if match is None:
                    a.id = -(len(pending) + 1)
                    pending[a.id] = a
                    index.add(a)
                    final.append(a)
                elif match < 0:         # the same work twice in this import
                    target = pending[match]
                    changes, _ = merge_articles(target, a)
                    for k, v in changes.items():
                        setattr(target, k, v)
                    target.tags = list(dict.fromkeys(target.tags + a.tags))
                    target.notes = list(dict.fromkeys(target.notes + a.notes))
                    report.merged.append({"id": target, "citekey": None, "title": a.title[:120],
                                          "file": filename, "line": a.line})
                    final.append(target)
                else:
                    _merge_into_library(lib, match, a, filename, report)
                    touched.append(match)
                    final.append(match)
            files.append((filename, result, final))
        new = list(pending.values())
        for a in new:
            a.id = None
        lib.articles.add_many(new, strict=False, taken=lib.articles.taken_keys(), normalize=False)
        report.added = [a.id for a in new]
        for m in report.merged:
            if isinstance(m["id"], Article):
                m["citekey"], m["id"] = m["id"].citekey, m["id"].id
        for filename, result, final in files:
            ids = [x.id if isinstance(x, Article) else x for x in final]
            for link in result.links:
                src = ids[link.source] if link.source < len(ids) else None
                if src is None:
                    continue
                if isinstance(link.target, Reference):
                    target = link.target
                else:
                    target = ids[link.target] if link.target < len(ids) else None
                    if target is None:
                        continue
                if lib.citations.add(src, target, kind=link.kind, origin=link.origin or result.format):
                    report.links += 1
        check(cancel)
        progress(total, total, "linking references")
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
