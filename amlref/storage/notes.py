"""Notes on articles (searchable: the FTS index follows them by trigger)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library


class NoteStore:
    def __init__(self, lib: "Library"):
        self.lib = lib

    def add(self, article_id: int, text: str) -> int:
        from amlref.storage.library import now_iso
        now = now_iso()
        with self.lib.transaction():
            nid = self.lib.execute("INSERT INTO notes(article_id, text, created, modified) "
                                   "VALUES (?, ?, ?, ?)", (article_id, text, now, now)).lastrowid
            self.lib.touched(article_id)
        return nid

    def update(self, note_id: int, text: str) -> None:
        from amlref.storage.library import now_iso
        with self.lib.transaction():
            row = self.lib.execute("SELECT article_id FROM notes WHERE id = ?", (note_id,)).fetchone()
            self.lib.execute("UPDATE notes SET text = ?, modified = ? WHERE id = ?",
                             (text, now_iso(), note_id))
            if row:
                self.lib.touched(row[0])

    def delete(self, note_id: int) -> None:
        with self.lib.transaction():
            row = self.lib.execute("SELECT article_id FROM notes WHERE id = ?", (note_id,)).fetchone()
            self.lib.execute("DELETE FROM notes WHERE id = ?", (note_id,))
            if row:
                self.lib.touched(row[0])

    def of(self, article_id: int) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self.lib.execute(
            "SELECT id, text FROM notes WHERE article_id = ? ORDER BY id", (article_id,))]
