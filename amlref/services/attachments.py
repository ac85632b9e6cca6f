"""Attachments: copying or linking files to articles, naming stored copies, finding moved
files by SHA-256, deleting stored copies when the trash is emptied.

Settings (library settings table):
    files.folder    the files folder; default ``<library name>.files`` beside the library
    files.pattern   name of a stored copy; default ``[citekey].pdf`` -- any citation-key token
                    ([auth], [year], [title3] ...) or [citekey]; ``/`` makes sub-folders; the
                    extension is always the file's own
    files.link      true: link files in place instead of copying them (default false)

A copy is written to a temporary name in the files folder and renamed into place; the row is
written after, and the copy removed again if that fails, so an attach never half-happens."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field

from amlref.core.citekeys import TOKENS, make_key
from amlref.core.errors import InputError
from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.pdf import is_pdf
from amlref.storage.attachments import Attachment
from amlref.storage.library import Library

DEFAULT_PATTERN = "[citekey].pdf"
_TOKEN = re.compile(r"\[([A-Za-z]+)(\d*)((?::[a-z]+)*)\]")
_BAD_CHARS = re.compile(r'[\x00-\x1f<>:"\\|?*]+')


# -- settings -----------------------------------------------------------------------------------
def files_folder(lib: Library) -> str:
    folder = lib.settings.get("files.folder") or ""
    base = os.path.dirname(os.path.abspath(lib.path))
    if not folder:
        stem = os.path.splitext(os.path.basename(lib.path))[0]
        return os.path.join(base, stem + ".files")
    return os.path.normpath(os.path.join(base, os.path.expanduser(folder)))


def name_pattern(lib: Library) -> str:
    return lib.settings.get("files.pattern") or DEFAULT_PATTERN


def link_by_default(lib: Library) -> bool:
    return bool(lib.settings.get("files.link", False))


def check_pattern(pattern: str) -> None:
    """Raise ValueError naming an unknown token of a file-name pattern."""
    if not _TOKEN.search(pattern or ""):
        raise ValueError("a file name pattern needs at least one [token], e.g. [citekey].pdf")
    for m in _TOKEN.finditer(pattern):
        if m.group(1).lower() not in TOKENS + ("citekey",):
            raise ValueError(f"unknown token [{m.group(1)}]; known: [citekey], "
                             + ", ".join(f"[{t}]" for t in TOKENS))


def file_name(article, pattern: str, ext: str) -> str:
    """The relative path of a stored copy: ``pattern`` filled in for the article, with the
    file's own extension (``ext`` with its dot)."""
    pattern = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", pattern or DEFAULT_PATTERN)

    def fill(m):
        name = m.group(1).lower()
        if name == "citekey":
            return article.citekey or "ref"
        value = make_key(article, m.group(0))
        return "" if value == "ref" and name != "citekey" else value
    parts = []
    for part in _TOKEN.sub(fill, pattern).split("/"):
        part = _BAD_CHARS.sub("", part).strip(" .")
        if part:
            parts.append(part)
    return os.path.join(*(parts or [article.citekey or "file"])) + ext.lower()


# -- files ----------------------------------------------------------------------------------------
def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def kind_of(path: str) -> str:
    if is_pdf(path):
        return "pdf"
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    return ext or "file"


def _free_name(folder: str, rel: str, own: str | None = None) -> str:
    """``rel`` inside ``folder``, with -2, -3 ... before the extension when taken."""
    stem, ext = os.path.splitext(rel)
    n, cand = 1, rel
    while True:
        full = os.path.join(folder, cand)
        if not os.path.exists(full) or (own and os.path.abspath(full) == os.path.abspath(own)):
            return full
        n += 1
        cand = f"{stem}-{n}{ext}"


def _copy_into(src: str, dest: str) -> None:
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=os.path.dirname(dest))
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def attach(lib: Library, article_id: int, path: str, *, link: bool | None = None,
           source: str = "user", label: str = "", kind: str | None = None) -> Attachment:
    """Attach a file to an article: a copy in the files folder (named by the pattern) or, with
    ``link``, the file where it is.  The same content attached twice gives the existing row."""
    path = os.path.abspath(os.path.expanduser(str(path)))
    if not os.path.isfile(path):
        raise InputError("no such file" if not os.path.exists(path) else "not a file", path)
    link = link_by_default(lib) if link is None else link
    article = lib.articles.get(article_id)
    try:
        digest, size = sha256_of(path), os.path.getsize(path)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path) from None
    for att in lib.attachments.of(article_id):
        if att.sha256 == digest:
            return att
    kind = kind or kind_of(path)
    dest = path
    if not link:
        ext = os.path.splitext(path)[1] or (".pdf" if kind == "pdf" else "")
        dest = _free_name(files_folder(lib), file_name(article, name_pattern(lib), ext))
        try:
            _copy_into(path, dest)
        except OSError as exc:
            raise InputError(f"cannot copy into {os.path.dirname(dest)}: {exc.strerror}",
                             path) from None
    try:
        with lib.transaction():
            att_id = lib.attachments.add(article_id, dest, mode="linked" if link else "stored",
                                         kind=kind, size=size, sha256=digest, source=source,
                                         label=label)
            if kind == "pdf":
                lib.pending.add("fulltext", att_id)
    except BaseException:
        if not link:
            _remove(dest)
        raise
    return lib.attachments.get(att_id)


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
        return True
    except OSError:
        return False


def detach(lib: Library, att_id: int, delete_file: bool = True) -> None:
    """Remove an attachment; a stored copy is deleted with it (a linked file never is)."""
    att = lib.attachments.get(att_id)
    full = lib.attachments.resolve(att)
    lib.attachments.remove(att_id)
    if delete_file and att.mode == "stored":
        _remove(full)


def files_json(lib: Library, article_id: int) -> list[dict]:
    """An article's files for ``show --json``: path, kind, size, sha256, missing ..."""
    out = []
    for att in lib.attachments.of(article_id):
        out.append(att.to_json(lib.attachments.resolve(att), lib.attachments.missing(att)))
    return out


# -- check, relink ------------------------------------------------------------------------------
def missing_files(lib: Library, include_deleted: bool = False) -> list[tuple[Attachment, str]]:
    """Attachments whose file is not where the library says, with the path looked at."""
    out = []
    for att in lib.attachments.all(include_deleted=include_deleted):
        if lib.attachments.missing(att):
            out.append((att, lib.attachments.resolve(att)))
    return out


@dataclass
class RelinkReport:
    relinked: list[tuple[int, str, str]] = field(default_factory=list)  # (att id, old, new)
    still_missing: list[tuple[int, str]] = field(default_factory=list)
    scanned: int = 0

    def to_json(self) -> dict:
        return {"relinked": [{"id": i, "old": o, "new": n} for i, o, n in self.relinked],
                "still_missing": [{"id": i, "path": p} for i, p in self.still_missing],
                "scanned": self.scanned}


def relink(lib: Library, folder: str, progress: Progress | None = None,
           cancel: CancelToken | None = None) -> RelinkReport:
    """Find moved files: every missing attachment whose SHA-256 is known is looked for in
    ``folder`` (recursively); only files of a missing file's size are hashed."""
    progress = progress or no_progress
    if not os.path.isdir(folder):
        raise InputError("no such folder", folder)
    report = RelinkReport()
    missing = [(a, p) for a, p in missing_files(lib, include_deleted=True) if a.sha256]
    by_size: dict[int | None, list[Attachment]] = {}
    for att, _ in missing:
        by_size.setdefault(att.size, []).append(att)
    found: dict[str, str] = {}
    if missing:
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                check(cancel)
                full = os.path.join(root, name)
                try:
                    size = os.path.getsize(full)
                except OSError:
                    continue
                report.scanned += 1
                if size not in by_size and None not in by_size:
                    continue
                try:
                    digest = sha256_of(full)
                except OSError:
                    continue
                found.setdefault(digest, full)
                progress(report.scanned, 0, f"looking for moved files: {report.scanned} seen")
    with lib.transaction():
        for att, old in missing:
            new = found.get(att.sha256)
            if new:
                lib.attachments.set_path(att.id, new)
                report.relinked.append((att.id, old, new))
                if att.kind == "pdf" and att.text_state != "done":
                    lib.pending.add("fulltext", att.id)
            else:
                report.still_missing.append((att.id, old))
    for att, old in missing_files(lib, include_deleted=True):
        if not att.sha256 and (att.id, old) not in report.still_missing:
            report.still_missing.append((att.id, old))
    return report


# -- trash, renaming ------------------------------------------------------------------------------
def empty_trash(lib: Library) -> tuple[int, int]:
    """Delete the trashed articles for good, and the stored copies of their files (kept while
    they were in the trash).  Returns (articles, files deleted)."""
    if lib.articles.trashed_ids():
        from amlref.services.backup import before_bulk
        before_bulk(lib, "empty-trash")     # a copy of the library first
    doomed = [(a, lib.attachments.resolve(a)) for a in lib.attachments.of_trashed()
              if a.mode == "stored"]
    n = lib.articles.empty_trash()
    still = {lib.attachments.resolve(a) for a in lib.attachments.all(include_deleted=True)}
    files = sum(1 for _, p in doomed if p not in still and _remove(p))
    return n, files


def rename_stored(lib: Library, article_id: int) -> list[tuple[str, str]]:
    """Rename an article's stored copies after the naming pattern (after its citation key
    changed).  Returns (old, new) paths of the files renamed."""
    article = lib.articles.get(article_id)
    folder = files_folder(lib)
    done = []
    for att in lib.attachments.of(article_id):
        if att.mode != "stored":
            continue
        old = lib.attachments.resolve(att)
        if not os.path.isfile(old):
            continue
        ext = os.path.splitext(old)[1]
        new = _free_name(folder, file_name(article, name_pattern(lib), ext), own=old)
        if os.path.abspath(new) == os.path.abspath(old):
            continue
        os.makedirs(os.path.dirname(new), exist_ok=True)
        os.replace(old, new)
        try:
            lib.attachments.set_path(att.id, new)
        except BaseException:
            os.replace(new, old)
            raise
        done.append((old, new))
    return done


# -- links read from imported files ---------------------------------------------------------------
def link_sources(article) -> list[tuple[str, object]]:
    """(source, FileLink) for the file links an importer kept in ``extra``: a BibTeX ``file``
    field, RIS ``L1``/``L4``."""
    from amlref.formats.file_fields import parse_bibtex_file_field, parse_ris_links
    out = []
    fields = (article.extra.get("bibtex") or {}).get("fields") or {}
    for name in ("file", "pdf"):
        if isinstance(fields.get(name), str):
            out += [(f"bibtex {name} field", ln) for ln in parse_bibtex_file_field(fields[name])]
    ris = article.extra.get("ris") or {}
    for tag in ("L1", "L4"):
        if ris.get(tag):
            out += [(f"ris {tag}", ln) for ln in parse_ris_links(ris[tag])]
    return out


def _is_foreign(path: str) -> bool:
    """A path of another system (``C:/...`` on Unix): kept verbatim."""
    return bool(re.match(r"^[A-Za-z]:[\\/]|^\\\\", path)) and os.sep == "/"


def attach_links(lib: Library, article_ids, bases: list[str]) -> dict:
    """Attach the files the imported records link to (linked in place, not copied); links that
    do not resolve are kept as written and shown as missing.  ``bases``: the folders of the
    imported files (relative links are relative to them).  Returns counts."""
    from amlref.formats.file_fields import candidates
    counts = {"attached": 0, "missing": 0}
    ids = list(article_ids)
    with_links = []
    for i in range(0, len(ids), 900):     # only records that kept a file link (cheap filter)
        chunk = ids[i:i + 900]
        with_links += [r[0] for r in lib.execute(
            f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))}) AND "
            "(extra LIKE '%\"file\"%' OR extra LIKE '%\"pdf\"%' OR extra LIKE '%\"L1\"%' "
            "OR extra LIKE '%\"L4\"%')", chunk)]
    for a in lib.articles.get_many(with_links):
        links = link_sources(a)
        if not links:
            continue
        have = {x.path for x in lib.attachments.of(a.id)}
        for source, ln in links:
            found = ""
            for base in bases:
                found = next((c for c in candidates(ln, base)
                              if os.path.isfile(c)), "")
                if found:
                    break
            if found:
                if lib.attachments.relative(found) not in have:
                    attach(lib, a.id, found, link=True, source=source, label=ln.label)
                    counts["attached"] += 1
            else:
                # kept where the record says it is (relative links: beside the imported file)
                cands = candidates(ln, bases[0] if bases else os.getcwd())
                where = cands[0] if cands else ln.path
                if where in have or lib.attachments.relative(where) in have:
                    continue
                kind = "pdf" if ln.path.lower().endswith(".pdf") or "pdf" in ln.mime.lower() \
                    else (os.path.splitext(ln.path)[1].lower().lstrip(".") or "file")
                lib.attachments.add(a.id, where, mode="linked", kind=kind, source=source,
                                    label=ln.label, keep_as_written=_is_foreign(where))
                counts["missing"] += 1
            have = {x.path for x in lib.attachments.of(a.id)}
    return counts


def jabref_file_field(lib: Library, article_id: int) -> str:
    """The article's files as a JabRef ``file`` field (for the BibTeX export option), or ""."""
    from amlref.formats.file_fields import FileLink, format_jabref_file_field
    atts = lib.attachments.of(article_id)
    return format_jabref_file_field(
        [FileLink(lib.attachments.resolve(a), a.label, "PDF" if a.kind == "pdf" else a.kind)
         for a in atts])
