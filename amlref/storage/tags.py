"""Tags with their source ('user', 'import', or a rule id)."""
from __future__ import annotations

from typing import Iterable, TYPE_CHECKING

from amlref.core.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library


class TagStore:
    def __init__(self, lib: "Library"):
        self.lib = lib

    def _tag_id(self, name: str, create: bool = True) -> int | None:
        name = (name or "").strip()
        if not name:
            raise InputError("a tag needs a name")
        row = self.lib.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        if not create:
            return None
        return self.lib.execute("INSERT INTO tags(name) VALUES (?)", (name,)).lastrowid

    def add(self, article_ids: Iterable[int], name: str, source: str = "user") -> int:
        ids = list(article_ids)
        with self.lib.transaction():
            tid = self._tag_id(name)
            before = self.lib.conn.total_changes
            cur = self.lib.conn.executemany(
                "INSERT OR IGNORE INTO article_tags(article_id, tag_id, source) VALUES (?, ?, ?)",
                [(i, tid, source) for i in ids])
            n = cur.rowcount if cur.rowcount >= 0 else self.lib.conn.total_changes - before
            self.lib.touched(*ids)
        return n

    def remove(self, article_ids: Iterable[int], name: str) -> int:
        ids = list(article_ids)
        tid = self._tag_id(name, create=False)
        if tid is None:
            return 0
        with self.lib.transaction():
            n = 0
            for i in ids:
                n += self.lib.execute("DELETE FROM article_tags WHERE article_id = ? AND tag_id = ?",
                                      (i, tid)).rowcount
            self.lib.touched(*ids)
        return n

    def of(self, article_id: int) -> list[str]:
        return [r[0] for r in self.lib.execute(
            "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            "WHERE at.article_id = ? ORDER BY t.name COLLATE NOCASE", (article_id,))]

    def with_sources(self, article_id: int) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.lib.execute(
            "SELECT t.name, at.source FROM article_tags at JOIN tags t ON t.id = at.tag_id "
            "WHERE at.article_id = ? ORDER BY t.name COLLATE NOCASE", (article_id,))]

    def counts(self) -> list[tuple[str, int]]:
        """All tags with the number of live articles carrying them."""
        return [(r[0], r[1]) for r in self.lib.execute(
            "SELECT t.name, count(a.id) FROM tags t LEFT JOIN article_tags at ON at.tag_id = t.id "
            "LEFT JOIN articles a ON a.id = at.article_id AND a.deleted_at IS NULL "
            "GROUP BY t.id ORDER BY t.name COLLATE NOCASE")]

    def ids_with(self, name: str) -> list[int]:
        return [r[0] for r in self.lib.execute(
            "SELECT a.id FROM articles a JOIN article_tags at ON at.article_id = a.id "
            "JOIN tags t ON t.id = at.tag_id WHERE t.name = ? AND a.deleted_at IS NULL "
            "ORDER BY a.id", (name,))]

    def rename(self, old: str, new: str) -> None:
        with self.lib.transaction():
            tid = self._tag_id(old, create=False)
            if tid is None:
                raise InputError(f"no tag {old!r}")
            self.lib.execute("UPDATE tags SET name = ? WHERE id = ?", (new, tid))
