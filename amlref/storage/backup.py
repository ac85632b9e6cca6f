"""Copies of a library made with SQLite's online backup API, kept in ``<library name>.backups/``
beside the library, and the checks a copy passes before it is trusted.

Automatic copies (before a migration, the first open of a day, before a bulk operation) are
named ``<stem>-YYYYmmdd-HHMMSS-<reason>.sqlite`` and rotated: the newest ``backup.keep``
(a library setting, default 10) are kept.  Copies the user asks for (``reason`` "manual") are
never deleted by the rotation.
"""
from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from amlref.core.errors import LibraryError
from amlref.storage import schema

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

DEFAULT_KEEP = 10
KEEP_SETTING = "backup.keep"
DAILY_SETTING = "backup.daily"     # false: no copy on the first open of a day
MANUAL = "manual"
SQLITE_MAGIC = b"SQLite format 3\x00"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<date>\d{8})-(?P<time>\d{6})(?:-(?P<n>\d+))?-(?P<reason>[\w.-]+)"
                   r"\.sqlite$")


def backups_folder(library_path: str | os.PathLike) -> Path:
    p = Path(library_path).expanduser().absolute()
    return p.parent / f"{p.stem}.backups"


def copy_database(conn: sqlite3.Connection, dest: Path) -> Path:
    """Write a consistent copy of ``conn``'s database to ``dest`` (written under a temporary
    name and renamed, so ``dest`` is never half a library)."""
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.part")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if tmp.exists():
            tmp.unlink()
        out = sqlite3.connect(str(tmp))
        try:
            conn.backup(out)
            out.execute("PRAGMA journal_mode = DELETE")   # one self-contained file
        finally:
            out.close()
        os.replace(tmp, dest)
    except (OSError, sqlite3.Error) as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        why = getattr(exc, "strerror", None) or str(exc)
        raise LibraryError(f"{dest}: cannot write backup: {why}") from None
    return dest


def _keep(lib: "Library") -> int:
    try:
        return max(1, int(lib.settings.get(KEEP_SETTING, DEFAULT_KEEP)))
    except (sqlite3.Error, TypeError, ValueError):
        return DEFAULT_KEEP


def listing(library_path: str | os.PathLike) -> list[dict]:
    """The copies in the backups folder, oldest first: path, when (datetime), reason."""
    folder = backups_folder(library_path)
    found = []
    if folder.is_dir():
        for f in folder.iterdir():
            m = _NAME.match(f.name)
            if m and f.is_file():
                when = datetime.strptime(m["date"] + m["time"], "%Y%m%d%H%M%S")
                found.append({"path": f, "when": when, "reason": m["reason"],
                              "n": int(m["n"] or 0)})
    found.sort(key=lambda b: (b["when"], b["n"], b["path"].name))
    return found


def snapshot(lib: "Library", reason: str, keep: int | None = None,
             spare: tuple = ()) -> Path:
    """A copy of ``lib`` in its backups folder; then the automatic copies beyond ``keep``
    (default: the library's setting) are deleted, oldest first, except ``spare`` (the copy
    being restored)."""
    if lib.in_transaction:
        raise LibraryError("a backup cannot be made in the middle of a change")
    folder = backups_folder(lib.path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = Path(lib.path).stem
    # copies made in the same second are numbered, so the names sort in the order made
    same = [b["n"] for b in listing(lib.path) if b["when"].strftime("%Y%m%d-%H%M%S") == stamp]
    n = max(same) + 1 if same else 0
    dest = folder / (f"{stem}-{stamp}-{n}-{reason}.sqlite" if n else
                     f"{stem}-{stamp}-{reason}.sqlite")
    copy_database(lib.conn, dest)
    if reason != MANUAL:
        rotate(lib.path, keep if keep is not None else _keep(lib), spare)
    return dest


def rotate(library_path: str | os.PathLike, keep: int, spare: tuple = ()) -> list[Path]:
    """Delete the oldest automatic copies beyond ``keep`` (never one of ``spare``); returns
    those deleted."""
    spared = {Path(p).absolute() for p in spare}
    auto = [b["path"] for b in listing(library_path) if b["reason"] != MANUAL]
    doomed = [p for p in (auto[:-keep] if keep > 0 else auto) if p.absolute() not in spared]
    for p in doomed:
        try:
            p.unlink()
        except OSError:
            pass
    return doomed


def daily(lib: "Library") -> Path | None:
    """The first open of a day copies the library (unless a copy was made today already)."""
    try:
        if not lib.settings.get(DAILY_SETTING, True):
            return None
    except sqlite3.Error:
        return None
    try:
        if not lib.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
            return None         # nothing to keep yet
    except sqlite3.Error:
        return None
    today = datetime.now().date()
    try:
        if any(b["when"].date() == today for b in listing(lib.path)):
            return None
    except OSError:
        return None
    try:
        return snapshot(lib, "daily")
    except (LibraryError, OSError):   # a read-only folder must not stop the library opening
        return None


# -- checking a copy ------------------------------------------------------------------------------
def check_copy(path: str | os.PathLike) -> int:
    """Check that ``path`` is an intact AMLRef library this version can read; returns its
    schema version.  Raises LibraryError with one line naming the file otherwise.  The file is
    opened read-only and never changed."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise LibraryError(f"{p}: no such backup file")
    try:
        with open(p, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise LibraryError(f"{p}: cannot read backup: {exc.strerror}") from None
    if not head.startswith(SQLITE_MAGIC):
        raise LibraryError(f"{p}: not an AMLRef library (not an SQLite database)")
    try:
        conn = sqlite3.connect(f"{p.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise LibraryError(f"{p}: cannot open backup: {exc}") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > schema.LATEST:
            raise LibraryError(f"{p}: written by a newer AMLRef (schema {version}, this version "
                               f"reads up to {schema.LATEST}); upgrade AMLRef to restore it")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version == 0 or "articles" not in tables:
            raise LibraryError(f"{p}: not an AMLRef library")
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise LibraryError(f"{p}: damaged (integrity check: {problems[0]})")
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"{p}: damaged or not a library: {exc}") from None
    finally:
        conn.close()
    return version


def copy_into(lib: "Library", path: str | os.PathLike) -> int:
    """Replace the content of the open library ``lib`` by the checked copy ``path`` in one
    write transaction of SQLite's backup API (other connections, such as the window's worker
    threads, see the new content at once); an older copy is then migrated.  Returns the copy's
    schema version.  Raises LibraryError (nothing changed) when the copy fails its checks."""
    version = check_copy(path)
    if lib.in_transaction:
        raise LibraryError("a library cannot be restored in the middle of a change")
    src = sqlite3.connect(f"{Path(path).expanduser().absolute().as_uri()}?mode=ro", uri=True)
    try:
        with lib._lock:
            src.backup(lib.conn)
    except sqlite3.Error as exc:
        raise LibraryError(f"{path}: cannot restore into {lib.path}: {exc}") from None
    finally:
        src.close()
    lib.conn.execute("PRAGMA journal_mode = WAL")
    lib._migrate(lib.schema_version, existed=True)
    return version
