"""The files of articles (table ``attachments``, schema step 5) and the text of their pages
(table ``fulltext``, FTS5, one row per page).

A row's ``path`` is relative to the library's folder when the file lies inside it, else
absolute (``resolve`` turns it into a real path); ``mode`` is ``stored`` (a copy the library
owns, in its files folder) or ``linked`` (the user's file, left where it is).  Files are
never touched here: copying, renaming and deleting them is services/attachments.py."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from amlref.core.errors import NotFound

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

PAGE_SPAN = 10_000      # fulltext rowid = attachment id * PAGE_SPAN + page
_FOREIGN = re.compile(r"^[A-Za-z]:[\\/]|^\\\\")
_COLS = "id, article_id, path, mode, kind, size, sha256, added, source, label, pages, text_state"


@dataclass
class Attachment:
    id: int
    article_id: int
    path: str          # as stored: relative to the library folder, or absolute
    mode: str          # "stored" | "linked"
    kind: str          # "pdf", "file" ...
    size: int | None
    sha256: str
    added: str
    source: str        # "user", "pdf-import", "bibtex file field", "ris L1" ...
    label: str
    pages: int | None
    text_state: str    # "" (not read yet), "done", or the reason it could not be read

    def to_json(self, full_path: str, missing: bool) -> dict:
        return {"id": self.id, "path": full_path, "stored_path": self.path, "mode": self.mode,
                "kind": self.kind, "size": self.size, "sha256": self.sha256,
                "added": self.added, "source": self.source, "label": self.label,
                "pages": self.pages, "missing": missing}


class AttachmentStore:
    def __init__(self, lib: "Library"):
        self.lib = lib

    # -- paths -------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        """The library's folder: relative paths are relative to it."""
        return os.path.dirname(os.path.abspath(self.lib.path))

    def relative(self, path: str) -> str:
        """``path`` relative to the library folder when inside it, else absolute."""
        full = os.path.abspath(path)
        try:
            rel = os.path.relpath(full, self.base)
        except ValueError:   # another drive (Windows)
            return full
        return full if rel.startswith(os.pardir) else rel

    def resolve(self, att: Attachment) -> str:
        if "://" in att.path or (os.sep == "/" and _FOREIGN.match(att.path)):
            return att.path       # a URL, or a path of another system (C:/..., \\\\server)
        return os.path.normpath(os.path.join(self.base, att.path))

    def missing(self, att: Attachment) -> bool:
        return not os.path.isfile(self.resolve(att))

    # -- writing -----------------------------------------------------------------------------
    def add(self, article_id: int, path: str, *, mode: str = "linked", kind: str = "file",
            size: int | None = None, sha256: str = "", source: str = "user", label: str = "",
            keep_as_written: bool = False) -> int:
        """Record a file (``keep_as_written``: a link that does not resolve, kept verbatim)."""
        from amlref.storage.library import now_iso
        stored = path if keep_as_written else self.relative(path)
        with self.lib.transaction():
            cur = self.lib.execute(
                "INSERT INTO attachments(article_id, path, mode, kind, size, sha256, added, "
                "source, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article_id, stored, mode, kind, size, sha256, now_iso(), source, label))
            self.lib.touched(article_id)
            return cur.lastrowid

    def set_path(self, att_id: int, path: str, *, size: int | None = None,
                 sha256: str | None = None) -> None:
        with self.lib.transaction():
            sets, params = ["path = ?"], [self.relative(path)]
            if size is not None:
                sets.append("size = ?")
                params.append(size)
            if sha256 is not None:
                sets.append("sha256 = ?")
                params.append(sha256)
            self.lib.execute(f"UPDATE attachments SET {', '.join(sets)} WHERE id = ?",
                             params + [att_id])
            self.lib.touched(self.get(att_id).article_id)

    def remove(self, att_id: int) -> None:
        with self.lib.transaction():
            att = self.get(att_id)
            self.lib.execute("DELETE FROM attachments WHERE id = ?", (att_id,))   # + its pages
            self.lib.touched(att.article_id)

    # -- reading -----------------------------------------------------------------------------
    def get(self, att_id: int) -> Attachment:
        row = self.lib.execute(f"SELECT {_COLS} FROM attachments WHERE id = ?", (att_id,)).fetchone()
        if row is None:
            raise NotFound(f"no attachment with id {att_id}")
        return Attachment(*row)

    def pdfs_between(self, first: int, last: int) -> list[Attachment]:
        """The PDFs with ids first..last, in id order."""
        return [Attachment(*r) for r in self.lib.execute(
            f"SELECT {_COLS} FROM attachments WHERE id BETWEEN ? AND ? AND kind = 'pdf' "
            "ORDER BY id", (first, last))]

    def of(self, article_id: int) -> list[Attachment]:
        return [Attachment(*r) for r in self.lib.execute(
            f"SELECT {_COLS} FROM attachments WHERE article_id = ? ORDER BY id", (article_id,))]

    def all(self, include_deleted: bool = False) -> list[Attachment]:
        live = "" if include_deleted else \
            " WHERE article_id IN (SELECT id FROM articles WHERE deleted_at IS NULL)"
        return [Attachment(*r) for r in self.lib.execute(
            f"SELECT {_COLS} FROM attachments{live} ORDER BY id")]

    def of_trashed(self) -> list[Attachment]:
        return [Attachment(*r) for r in self.lib.execute(
            f"SELECT {_COLS} FROM attachments WHERE article_id IN "
            "(SELECT id FROM articles WHERE deleted_at IS NOT NULL) ORDER BY id")]

    def by_sha256(self, sha256: str) -> list[Attachment]:
        return [Attachment(*r) for r in self.lib.execute(
            f"SELECT {_COLS} FROM attachments WHERE sha256 = ? AND sha256 != '' ORDER BY id",
            (sha256,))]

    def with_pdf(self, ids: Iterable[int]) -> set[int]:
        """Which of these articles have a PDF attached."""
        ids = list(ids)
        out: set[int] = set()
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            out.update(r[0] for r in self.lib.execute(
                "SELECT DISTINCT article_id FROM attachments WHERE kind = 'pdf' AND article_id "
                f"IN ({','.join('?' * len(chunk))})", chunk))
        return out


class FulltextStore:
    """Page texts of attached PDFs, for search (``fulltext:`` and plain queries)."""

    def __init__(self, lib: "Library"):
        self.lib = lib

    def put(self, att: Attachment, texts: list[str] | None, state: str) -> None:
        """Replace the pages of one attachment (``texts`` None: could not be read, ``state``
        says why).  Call inside a transaction."""
        ex = self.lib.execute
        base = att.id * PAGE_SPAN
        if att.text_state:     # read before: its pages go first
            ex("DELETE FROM fulltext WHERE rowid BETWEEN ? AND ?", (base, base + PAGE_SPAN - 1))
        if texts:       # (executemany: 40 % less CPU than one INSERT from json_each)
            texts = texts[:PAGE_SPAN - 1]
            self.lib.conn.executemany("INSERT INTO fulltext(rowid, text) VALUES (?, ?)",
                                      zip(range(base + 1, base + 1 + len(texts)), texts))
        ex("UPDATE attachments SET text_state = ?, pages = coalesce(?, pages) WHERE id = ?",
           (state, len(texts) if texts is not None else None, att.id))

    def pages(self, article_id: int, match: str) -> list[tuple[int, int]]:
        """(attachment id, page number) of the pages of an article that match an FTS5 query."""
        out = []
        for (att_id,) in self.lib.execute("SELECT id FROM attachments WHERE article_id = ? "
                                          "AND kind = 'pdf' ORDER BY id", (article_id,)).fetchall():
            base = att_id * PAGE_SPAN
            try:
                out += [(att_id, r[0] - base) for r in self.lib.execute(
                    "SELECT rowid FROM fulltext WHERE fulltext MATCH ? AND rowid BETWEEN ? AND ? "
                    "ORDER BY rowid", (match, base, base + PAGE_SPAN - 1))]
            except Exception:  # a malformed expression: no pages
                return []
        return out

    def any(self) -> bool:
        return self.lib.execute("SELECT 1 FROM fulltext LIMIT 1").fetchone() is not None

    def count_pages(self) -> int:
        return self.lib.execute("SELECT count(*) FROM fulltext").fetchone()[0]


def more_from_fulltext(lib: "Library", pq, ids: list[int], limit: int | None, offset: int,
                       include_deleted: bool, within: str | None, within_params) -> list[int]:
    """A plain search's hits (``ids``, by their metadata) followed by the articles found only
    by the text of their PDFs (newest first).  Nothing is asked when the metadata hits fill
    the page or no PDF text is indexed; pages after the first list metadata hits only."""
    if offset or (limit is not None and len(ids) >= limit):
        return ids
    if lib.execute("SELECT 1 FROM fulltext LIMIT 1").fetchone() is None:
        return ids
    from amlref.storage.search import FULLTEXT_IDS
    where = [f"a.id IN ({FULLTEXT_IDS})"]
    params: list = [pq.text_match]
    if not include_deleted:
        where.append("a.deleted_at IS NULL")
    where += pq.where
    params += pq.params
    if within:
        where.append(within)
        params += list(within_params)
    sql = f"SELECT a.id FROM articles a WHERE {' AND '.join(where)} ORDER BY a.year DESC, a.id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit) + len(ids)}"
    seen = set(ids)
    more = [r[0] for r in lib.execute(sql, params) if r[0] not in seen]
    out = ids + more
    return out[:limit] if limit is not None else out
