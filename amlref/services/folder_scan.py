"""Which files of a folder AMLRef can read (``amlref import FOLDER``, a folder dropped on the
window): the folder is searched recursively and each file is

- a PDF: its name ends in ``.pdf`` or its first bytes say so (the PDF import then refuses a
  ``.pdf`` that is not one, with the reason);
- a bibliography: the detection of a single file (formats/detect.py, the importers' own
  recognisers) names its format.  A file found in a folder was not chosen by the user, so it
  must also look like one: its extension is one an importer claims, or a generic one (``.txt``,
  ``.xml``, ``.json``, none) with content the importer is sure of (``FOLDER_MIN_SCORE``): a
  ``notes.txt`` that mentions a PMID, a ``package.json`` or a ``thesis.tex`` is not a
  bibliography;
- skipped, with the reason (an image, a Word file, a LaTeX file, what LaTeX made from it and the
  figures it includes: services/folder_latex.py ...);
- ignored without a word: hidden files and folders, backups (``~``, ``.bak``), OS litter
  (``.DS_Store``, ``Thumbs.db``, ``desktop.ini``, ``__MACOSX``), database working files, and
  the ``.files``/``.backups`` folders of an AMLRef library found in the folder.

Named files (not folders) are taken as they are, as ``amlref import FILE`` always did: a PDF by
its first bytes, anything else as a bibliography (whose errors are then the import's)."""
from __future__ import annotations

import gzip
import os
import stat
import zlib
from dataclasses import dataclass, field
from typing import Iterable

from amlref.core.errors import InputError
from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.formats.detect import GENERIC_EXTS, MIN_SCORE
from amlref.pdf.sniff import is_pdf, what_is
from amlref.plugins.registry import registry
from amlref.services.folder_latex import figures, made_by_latex

HEAD_BYTES = 65536            # read of a file to recognise it (detection looks at 16,384 chars)
FOLDER_MIN_SCORE = 0.7        # a generic file's content must score this much (MIN_SCORE: 0.3)
CONTAINER_EXTS = GENERIC_EXTS | {".xml", ".json"}   # formats many programs write, not only ours
LITTER = {".ds_store", "thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.ini",
          "icon\r", ".directory"}
LITTER_DIRS = {"__macosx", "$recycle.bin", "system volume information", "__pycache__"}
BACKUP_ENDINGS = ("~", ".bak", ".orig", ".sav", ".swp", ".tmp", "-wal", "-shm", "-journal")
UNFINISHED = (".part", ".crdownload", ".partial")     # downloads still running (or broken off)
SQLITE = b"SQLite format 3\x00"

PDF, REFERENCE, SKIP = "pdf", "reference", "skip"


@dataclass
class Skipped:
    path: str
    reason: str

    def to_json(self) -> dict:
        return {"file": self.path, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class FolderCount:
    """What one folder given by the user held."""
    folder: str
    references: int = 0
    pdfs: int = 0
    skipped: int = 0
    ignored: int = 0
    repeated: int = 0        # files taken already (the folder, or a file in it, named twice)

    @property
    def files(self) -> int:
        """The files looked at (not those ignored)."""
        return self.references + self.pdfs + self.skipped

    def to_json(self) -> dict:
        return {"folder": self.folder, "files": self.files, "references": self.references,
                "pdfs": self.pdfs, "skipped": self.skipped, "ignored": self.ignored}

    def summary(self) -> str:
        s = (f"{self.folder}: {counted(self.references, 'bibliography file')}, "
             f"{counted(self.pdfs, 'PDF')}, {counted(self.skipped, 'other file')} skipped")
        return s + (f", {self.ignored} hidden, backup or system files ignored"
                    if self.ignored else "")


def counted(n: int, what: str) -> str:
    """``1 PDF``, ``2 PDFs``."""
    return f"{n} {what}" + ("" if n == 1 else "s")


@dataclass
class Found:
    """The inputs of an import, folders expanded: bibliography files first, then PDFs."""
    references: list[str] = field(default_factory=list)
    pdfs: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    folders: list[FolderCount] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)   # found file -> detected format

    def to_json(self) -> dict:
        return {"folders": [f.to_json() for f in self.folders],
                "skipped_files": [s.to_json() for s in self.skipped]}


def scan(paths: Iterable[str], fmt: str | None = None, progress: Progress | None = None,
         cancel: CancelToken | None = None) -> Found:
    """Expand folders into the files AMLRef reads (see the module docstring).  Raises a
    one-line InputError for a path that does not exist or cannot be read, and for a folder with
    nothing readable in it; nothing is imported then."""
    from amlref.services.importing import check_input
    progress = progress or no_progress
    found = Found()
    seen: set[str] = set()
    for p in paths:
        p = str(p)
        if p == "-":
            found.references.append(p)
            continue
        if os.path.isdir(p):
            count = _scan_folder(p, found, seen, fmt, progress, cancel)
            found.folders.append(count)
            if not (count.references or count.pdfs or count.repeated):
                raise InputError(_nothing_readable(count), p)
            continue
        check_input(p)
        if _once(p, seen):
            (found.pdfs if is_pdf(p) else found.references).append(p)
    return found


def _once(path: str, seen: set[str]) -> bool:
    real = os.path.realpath(path)
    if real in seen:
        return False
    seen.add(real)
    return True


def _nothing_readable(count: FolderCount) -> str:
    if not (count.files or count.ignored):
        return "the folder is empty: no bibliography files or PDFs in it"
    return (f"no bibliography files or PDFs in this folder ({counted(count.skipped, 'other file')}"
            f", {count.ignored} hidden, backup or system files)")


def _scan_folder(root: str, found: Found, seen: set[str], fmt: str | None,
                 progress: Progress, cancel: CancelToken | None) -> FolderCount:
    count = FolderCount(root)
    files = list(walk(root, count, found.skipped))
    graphics = figures([p for p, _ in files if p.lower().endswith(".tex")], root)
    for looked, (path, made) in enumerate(files, 1):
        if looked % 50 == 0:
            check(cancel)
            progress(looked, len(files), f"looking at the files of {os.path.basename(root)}")
        if not _once(path, seen):
            count.repeated += 1
            continue
        if graphics and not made:
            made = graphics.get(os.path.realpath(path), "")
        kind, what = (SKIP, made) if made else recognise(path, fmt)
        if kind == PDF:
            found.pdfs.append(path)
            count.pdfs += 1
        elif kind == REFERENCE:
            found.references.append(path)
            found.formats[path] = what
            count.references += 1
        else:
            found.skipped.append(Skipped(path, what))
            count.skipped += 1
    return count


def walk(root: str, count: FolderCount | None = None, skipped: list[Skipped] | None = None):
    """(path, "" or why LaTeX made it) for each file under ``root`` that is not hidden, a
    backup or litter, in name order; those are counted in ``count.ignored``, and folders that
    cannot be read are added to ``skipped``."""
    count = count if count is not None else FolderCount(root)
    errors: list[OSError] = []
    for folder, dirs, names in os.walk(root, onerror=errors.append):
        libraries = {n[:-len(".sqlite")] for n in names if n.endswith(".sqlite")}
        kept = sorted(d for d in dirs if not _ignored_dir(d, libraries))
        count.ignored += len(dirs) - len(kept)
        dirs[:] = kept
        made = made_by_latex(names)
        for name in sorted(names):
            if _ignored_file(name):
                count.ignored += 1
            else:
                yield os.path.join(folder, name), made.get(name, "")
    for exc in errors:
        if skipped is not None:
            skipped.append(Skipped(exc.filename or root, f"cannot read the folder: "
                                   f"{exc.strerror}"))
            count.skipped += 1


def _ignored_dir(name: str, libraries: set[str]) -> bool:
    low = name.lower()
    if name.startswith(".") or low in LITTER_DIRS:
        return True
    stem, ext = os.path.splitext(name)
    return ext in (".files", ".backups") and stem in libraries   # an AMLRef library's own


def _ignored_file(name: str) -> bool:
    low = name.lower()
    return (name.startswith((".", "~$")) or low in LITTER or low.endswith(BACKUP_ENDINGS)
            or (name.startswith("#") and name.endswith("#")))       # an editor's autosave


def file_ext(path: str) -> str:
    """The extension that names the format (``.gz`` looked through, ``.csl.json`` whole)."""
    name = os.path.basename(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(".csl.json"):
        return ".csl.json"
    return os.path.splitext(name)[1]


def recognise(path: str, fmt: str | None = None) -> tuple[str, str]:
    """(PDF, ""), (REFERENCE, format name) or (SKIP, reason) for a file found in a folder;
    ``fmt``: the format the user chose (``--format``): a bibliography must be that one."""
    ext = file_ext(path)
    gz = path.lower().endswith(".gz")
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):    # a pipe or a device would block a read
            return SKIP, "not a regular file"
    except OSError as exc:                              # (a link to nowhere)
        return SKIP, f"cannot read: {exc.strerror}"
    from amlref.services.importing import MAX_FILE_BYTES
    if st.st_size > MAX_FILE_BYTES and ext != ".pdf":   # (as naming it would refuse it)
        return SKIP, (f"too large to import ({st.st_size // 1048576} MB; limit "
                      f"{MAX_FILE_BYTES // 1048576} MB)")
    if ext == ".pdf" and not gz:
        return PDF, ""
    if path.lower().endswith(UNFINISHED):
        return SKIP, "an unfinished download"
    owners = {n for n, imp in registry.importers().items()
              if ext in getattr(imp, "extensions", ())}
    try:
        with (gzip.open(path, "rb") if gz else open(path, "rb")) as fh:
            head = fh.read(1024)           # a PDF's mark, or what the file is
            if b"%PDF-" in head and not gz:
                return PDF, ""
            if not owners and ext not in CONTAINER_EXTS:
                return SKIP, _not_ours(head, ext)
            head += fh.read(HEAD_BYTES - len(head))
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        return SKIP, f"cannot read: {getattr(exc, 'strerror', None) or exc}"
    return _bibliography(path, head, ext, owners, fmt)


def _bibliography(path: str, head: bytes, ext: str, owners: set[str],
                  fmt: str | None) -> tuple[str, str]:
    from amlref.services.importing import decode_and_detect   # (as a single file is detected)
    try:
        text, _, name = decode_and_detect(_whole_chars(head), path, fmt)
        if not fmt:
            return _confident(text, ext, name, owners)
    except InputError:
        if not head.strip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n"):
            return SKIP, "binary zeros, not text" if head.count(b"\x00") > len(head) // 2 \
                else "empty file"
        if owners and ext not in CONTAINER_EXTS:      # a .bib, .ris ... with no record in it
            return SKIP, f"no records AMLRef recognises in it ({what_is(head)})"
        return SKIP, _not_ours(head, ext)
    if ext in getattr(registry.importer(fmt), "extensions", ()) or _sniff(fmt, text) > 0:
        return REFERENCE, fmt
    return SKIP, f"not {fmt}"


def _confident(text: str, ext: str, name: str, owners: set[str]) -> tuple[str, str]:
    if "biblatex control file" in text[:400]:
        return SKIP, "a control file of biblatex (made by LaTeX)"
    specific = name in owners and ext not in CONTAINER_EXTS    # .bib, .ris, .nbib, .enw ...
    score = _sniff(name, text)
    if specific or score >= FOLDER_MIN_SCORE:
        return REFERENCE, name
    if score < MIN_SCORE:      # taken by its extension alone (a .json that is no CSL-JSON)
        return SKIP, _not_ours(text.encode("utf-8", "replace")[:1024], ext)
    label = getattr(registry.importer(name), "label", name)
    return SKIP, f"looks a little like {label}, not enough to be sure (name the file to import it)"


def _sniff(name: str, text: str) -> float:
    try:
        return float(registry.importer(name).sniff(text[:16384].lstrip("\ufeff")))
    except Exception:    # a plugin's recogniser must not break the scan
        return 0.0


def _whole_chars(head: bytes) -> bytes:
    """A head cut at HEAD_BYTES may end inside a character: cut back to the last whole one."""
    if len(head) < HEAD_BYTES:
        return head
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return head[:len(head) // 4 * 4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or \
            head[:4096].count(b"\x00") > len(head[:4096]) // 4:
        return head[:len(head) // 2 * 2]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return head[:exc.start]
    return head


def _not_ours(head: bytes, ext: str) -> str:
    what = "SQLite database" if head.startswith(SQLITE) else what_is(head)
    if what in ("text file", "XML file", "unknown content") and ext:
        what += f", {ext}"
    return f"not a bibliography or PDF ({what})"
