"""Backing up and restoring a library (``amlref backup`` / ``restore``, File > Back up… /
Restore…), and the automatic copy before a bulk operation.

A backup is an SQLite file made with SQLite's backup API (storage/backup.py); with
``with_files`` the attached files' folder (``<library name>.files/``, or the ``files.folder``
setting) is copied too, to ``<backup name>.files/`` beside the backup.  A restore checks the copy
first (``PRAGMA integrity_check``, an AMLRef library, not from a newer version), then backs up
the current library (and, with files, its files), and only then replaces it.  Files linked in
place (outside the files folder) are not copied.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from amlref.core.errors import InputError, LibraryError
from amlref.storage.backup import (MANUAL, backups_folder, check_copy, copy_database, snapshot)
from amlref.storage.library import Library

BULK_RECORDS = 1000     # an import of more records than this is backed up first


def files_beside(backup: Path) -> Path:
    """Where the files of ``backup`` are: ``x.sqlite`` -> ``x.files/``."""
    return backup.with_name(backup.stem + ".files")


def _files_folder(lib: Library) -> Path:
    from amlref.services.attachments import files_folder
    return Path(files_folder(lib))


def _copy_tree(src: Path, dest: Path) -> int:
    """Copy the folder ``src`` to ``dest`` (written beside under a temporary name, then renamed
    into place); returns the number of files."""
    tmp = dest.with_name(f".{dest.name}.part")
    try:
        if tmp.exists():
            shutil.rmtree(tmp)
        shutil.copytree(src, tmp)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise LibraryError(f"{dest}: cannot copy files: {exc.strerror or exc}") from None
    return sum(1 for f in dest.rglob("*") if f.is_file())


def backup(lib: Library, path: str | os.PathLike | None = None, with_files: bool = False) -> dict:
    """Copy ``lib`` to ``path`` (default: a new manual copy in ``<library name>.backups/``).
    Returns {"path", "files"} (files: number copied, or None without ``with_files``)."""
    if path is None:
        dest = snapshot(lib, MANUAL)
    else:
        dest = Path(path).expanduser()
        if dest.is_dir():
            dest = dest / f"{Path(lib.path).stem}-backup.sqlite"
        if dest.absolute() == Path(lib.path).absolute():
            raise InputError(f"{dest}: is the library itself; choose another file")
        copy_database(lib.conn, dest)
    files = None
    if with_files:
        src = _files_folder(lib)
        if src.is_dir():
            files = _copy_tree(src, files_beside(dest))
        else:               # no files yet: an empty folder says so (a restore then has none)
            files_beside(dest).mkdir(parents=True, exist_ok=True)
            files = 0
    return {"path": str(dest), "files": files}


def before_bulk(lib: Library, reason: str) -> Path | None:
    """The automatic copy before a bulk change (a big import, merging duplicates, emptying the
    trash): skipped inside a transaction and for an empty library."""
    if lib.in_transaction:
        return None
    try:
        if not lib.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
            return None
    except sqlite3.Error:
        return None
    return snapshot(lib, f"before-{reason}")


def _release(path: Path) -> None:
    """Fold the write-ahead log into the library file and leave WAL mode, so the file can be
    replaced whole; fails while another program has the library open."""
    conn = sqlite3.connect(str(path), timeout=2.0)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if mode.lower() != "delete":
            raise sqlite3.OperationalError("database is locked")
    except sqlite3.OperationalError as exc:
        raise LibraryError(f"{path}: the library is open in another program (close it first): "
                           f"{exc}") from None
    finally:
        conn.close()


def restore(library_path: str | os.PathLike, source: str | os.PathLike,
            with_files: bool = False) -> dict:
    """Replace the library at ``library_path`` by the backup ``source``.  The library must not
    be open (close the Library first).  Returns {"restored", "previous", "files", "version"}:
    previous is the copy of the library as it was (None when there was none)."""
    target = Path(library_path).expanduser().absolute()
    src = Path(source).expanduser().absolute()
    if src == target:
        raise InputError(f"{src}: is the library itself; choose a backup")
    version = check_copy(src)            # refused untouched: damaged, newer, not a library
    src_files = files_beside(src)
    if with_files and not src_files.is_dir():
        raise InputError(f"{src_files}: no files folder beside the backup (made without "
                         "--with-files?)")
    # a checked copy beside the library first, so the library is replaced by a rename
    staged = target.with_name(f".{target.name}.restoring")
    with sqlite3.connect(f"{src.as_uri()}?mode=ro", uri=True) as conn:
        copy_database(conn, staged)
    conn.close()
    try:
        check_copy(staged)
        previous = None
        if target.exists() and target.stat().st_size > 0:
            try:
                current = Library.open(target, create=False)
            except LibraryError:
                if check_newer(target):
                    raise
                current = None          # damaged: its bytes are kept as they are
            if current is None:
                previous = _raw_copy(target)
            else:
                with current:
                    previous = snapshot(current, "before-restore", spare=(src,))
                    if with_files and _files_folder(current).is_dir():
                        _copy_tree(_files_folder(current), files_beside(previous))
                _release(target)
        for suffix in ("-wal", "-shm"):
            try:
                os.unlink(str(target) + suffix)
            except FileNotFoundError:
                pass
        os.replace(staged, target)
    finally:
        if staged.exists():
            staged.unlink()
    files = None
    with Library.open(target, create=False) as lib:   # migrates an older backup (copy first)
        if with_files:
            files = _copy_tree(src_files, _files_folder(lib))
    return {"restored": str(src), "library": str(target), "previous": str(previous) if previous else None,
            "files": files, "version": version}



def check_newer(path: Path) -> bool:
    """True when ``path`` is a library of a newer AMLRef (it is then left alone)."""
    from amlref.storage import schema
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA user_version").fetchone()[0] > schema.LATEST
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _raw_copy(target: Path) -> Path:
    """A library SQLite cannot open is kept byte for byte (with its log) before it is replaced."""
    from datetime import datetime
    folder = backups_folder(target)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = folder / f"{target.stem}-{stamp}-unreadable-before-restore.sqlite"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, dest)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(str(target) + suffix):
                shutil.copy2(str(target) + suffix, str(dest) + suffix)
    except OSError as exc:
        raise LibraryError(f"{dest}: cannot keep a copy of the current library: "
                           f"{exc.strerror}") from None
    return dest


def restore_open(lib: Library, source: str | os.PathLike, with_files: bool = False) -> dict:
    """Restore ``source`` into the library the window has open (see storage/backup.copy_into):
    the same checks and the same copy of the current library first as ``restore``."""
    from amlref.storage.backup import copy_into
    src = Path(source).expanduser().absolute()
    if src == Path(lib.path).absolute():
        raise InputError(f"{src}: is the library itself; choose a backup")
    check_copy(src)
    src_files = files_beside(src)
    if with_files and not src_files.is_dir():
        raise InputError(f"{src_files}: no files folder beside the backup (made without "
                         "--with-files?)")
    previous = snapshot(lib, "before-restore", spare=(src,))
    if with_files and _files_folder(lib).is_dir():
        _copy_tree(_files_folder(lib), files_beside(previous))
    version = copy_into(lib, src)
    files = _copy_tree(src_files, _files_folder(lib)) if with_files else None
    return {"restored": str(src), "library": str(lib.path), "previous": str(previous),
            "files": files, "version": version}
