"""The Library facade: one object over the SQLite file, used by the CLI, the GUI and the tests.

    lib = Library.open(path)
    lib.articles.add(article); lib.articles.search("venetoclax")
    lib.tags, lib.notes, lib.categories, lib.citations, lib.settings, lib.searches

Writes go through ``with lib.transaction():`` (nested calls join the enclosing transaction;
``lib.savepoint()`` where a nested part must be undone alone), so an import either happens whole
or not at all.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

from amlref.core.errors import LibraryError
from amlref.core.events import Events
from amlref.storage import schema



def _import_sqlite_utils():
    """sqlite_utils, imported without numpy and pandas: it imports them when they are installed
    (matplotlib brings numpy) only to store their number types, which AMLRef never hands it;
    numpy is 0.1 s of the start of every command (``amlref export --aux`` in a LaTeX build,
    ``amlref watch run`` from cron).  They stay importable for whoever needs them later."""
    import sys
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    blocked = [m for m in ("numpy", "pandas") if m not in sys.modules]
    for m in blocked:
        sys.modules[m] = None      # (an import of it raises ImportError: sqlite_utils's "not here")
    try:
        import sqlite_utils
    finally:
        for m in blocked:
            if m in sys.modules and sys.modules[m] is None:
                del sys.modules[m]
    return sqlite_utils


sqlite_utils = _import_sqlite_utils()

SQLITE_MAGIC = b"SQLite format 3\x00"
APP_ID = 0x414D4C52  # "AMLR"
BUSY_TIMEOUT_MS = 10_000   # how long a write waits for another program's write to end


def default_library_path() -> Path:
    """``$AMLREF_LIBRARY`` or ``library.sqlite`` in the user data folder."""
    env = os.environ.get("AMLREF_LIBRARY")
    if env:
        return Path(env).expanduser()
    import platformdirs
    return Path(platformdirs.user_data_dir("amlref", appauthor=False)) / "library.sqlite"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise LibraryError(f"{path}: is a folder, not a library file")
    if path.exists():
        try:
            with open(path, "rb") as fh:
                head = fh.read(100)
        except OSError as exc:
            raise LibraryError(f"{path}: cannot read library: {exc.strerror}") from None
        if head and not head.startswith(SQLITE_MAGIC):
            raise LibraryError(f"{path}: not an AMLRef library (not an SQLite database)")


class Library:
    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.events = Events()
        self._depth = 0
        self._spoiled = False
        self._lock = threading.RLock()
        self._pending: set[int] = set()
        from amlref.storage.articles import ArticleStore
        from amlref.storage.tags import TagStore
        from amlref.storage.notes import NoteStore
        from amlref.storage.categories import CategoryStore
        from amlref.storage.citations import CitationStore
        from amlref.storage.misc import SettingsStore, SavedSearchStore
        from amlref.storage.pending import PendingWork
        from amlref.storage.attachments import AttachmentStore, FulltextStore
        self.pending = PendingWork(self)
        self.articles = ArticleStore(self)
        self.tags = TagStore(self)
        self.notes = NoteStore(self)
        self.categories = CategoryStore(self)
        self.citations = CitationStore(self)
        self.settings = SettingsStore(self)
        self.searches = SavedSearchStore(self)
        self.attachments = AttachmentStore(self)
        self.fulltext = FulltextStore(self)

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike | None = None, create: bool = True) -> "Library":
        p = Path(path).expanduser() if path else default_library_path()
        _check_file(p)
        exists = p.exists() and p.stat().st_size > 0
        if not exists:
            if not create:
                raise LibraryError(f"{p}: no such library")
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"{p}: cannot create library folder: {exc.strerror}") from None
        elif not os.access(p, os.R_OK):
            raise LibraryError(f"{p}: cannot read library: permission denied")
        try:
            conn = sqlite3.connect(str(p), timeout=10.0, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise LibraryError(f"{p}: cannot open library: {exc}") from None
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > schema.LATEST:
                raise LibraryError(
                    f"{p}: library was written by a newer AMLRef (schema {version}, this version "
                    f"reads up to {schema.LATEST}); upgrade AMLRef to open it")
            if exists and version == 0:
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise LibraryError(f"{p}: not an AMLRef library (an SQLite database of "
                                       "another program)")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -65536")   # 64 MB page cache: big imports, FTS merges
            conn.execute("PRAGMA temp_store = MEMORY")
            lib = cls(p, conn)
            lib._migrate(version, existed=exists)
            if exists:
                from amlref.storage.backup import daily
                daily(lib)      # the first open of a day keeps a copy (rotated, backup.keep)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise LibraryError(f"{p}: not a usable library: {exc}") from None
        except BaseException:
            conn.close()
            raise
        return lib

    def _migrate(self, version: int, existed: bool) -> None:
        if version >= schema.LATEST:
            return
        if existed and version > 0:     # a copy in <name>.backups/ first (storage/backup.py)
            from amlref.storage.backup import snapshot
            snapshot(self, f"before-migration-v{version}")
        with self.transaction():
            for n in range(version, schema.LATEST):
                for stmt in schema.MIGRATIONS[n]:
                    self.conn.execute(stmt)
                self.conn.execute(f"PRAGMA user_version = {n + 1}")
            self.conn.execute(f"PRAGMA application_id = {APP_ID}")

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            pass

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- transactions ----------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self):
        """BEGIN IMMEDIATE ... COMMIT.  A nested call joins the enclosing transaction (no
        savepoint: inside a big import a savepoint per stored reference made SQLite copy every
        page each one touched, 6 of 7 s of filing PubMed records).  On error everything is
        rolled back; a nested block that fails after it wrote something, and whose error the
        enclosing block then catches, cannot be undone alone: the enclosing transaction is
        rolled back whole when it ends (LibraryError), never committed half-done.  Code that
        wants to undo only its own part on error uses :meth:`savepoint`.  Change events are
        emitted after the outermost commit."""
        with self._lock:
            if self._depth == 0:
                with self._outermost():
                    yield self
                return
            changes = self.conn.total_changes
            self._depth += 1
            try:
                yield self
            except BaseException:
                if self.conn.total_changes != changes:
                    self.spoil()
                raise
            finally:
                self._depth -= 1

    @contextlib.contextmanager
    def savepoint(self):
        """Like :meth:`transaction`, but a nested block is a SAVEPOINT: on error only what it
        did is rolled back and the enclosing transaction may go on.  (Each savepoint makes
        SQLite copy the pages it changes: not for a per-record loop.)"""
        with self._lock:
            if self._depth == 0:
                with self._outermost():
                    yield self
                return
            name = f"sp{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            self.conn.execute(f"RELEASE {name}")

    def spoil(self) -> None:
        """The open transaction must not commit (a nested part failed half-way, or bulk
        loading broke off): it is rolled back when the outermost block ends."""
        if self._depth:
            self._spoiled = True

    @contextlib.contextmanager
    def _outermost(self):
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth, self._spoiled = 1, False
        try:
            yield
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            self._pending.clear()
            raise
        self._depth = 0
        if self._spoiled:
            self.conn.execute("ROLLBACK")
            self._pending.clear()
            raise LibraryError(f"{self.path}: a change failed half-way inside another; "
                               "nothing of either was saved")
        self.conn.execute("COMMIT")
        changed, self._pending = self._pending, set()
        if changed:
            self.events.emit("changed", ids=sorted(changed))

    @contextlib.contextmanager
    def checkpoint_later(self):
        """Commits inside do not copy the write-ahead log back into the database file (a big
        import's commit then takes a sixth of the time); the next commit or close does it."""
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            yield self
        finally:
            self.conn.execute("PRAGMA wal_autocheckpoint = 1000")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def touched(self, *ids: int) -> None:
        """Record that articles changed (events go out after commit)."""
        self._pending.update(i for i in ids if i is not None)
        if self._depth == 0 and self._pending:
            changed, self._pending = self._pending, set()
            self.events.emit("changed", ids=sorted(changed))

    def execute(self, sql: str, params=()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)
