"""Storage of taxonomy assignments (categories and facets) with their reasons.

Rows come from the classifier (source 'auto') or the user (source 'user').  A user row with
state 0 means "the user removed this": re-classification never brings it back; a user row with
state 1 is kept whatever the classifier says."""
from __future__ import annotations

import json
from typing import Iterable, TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library


class CategoryStore:
    def __init__(self, lib: "Library"):
        self.lib = lib

    def set_auto(self, article_id: int, assignments: Iterable[tuple[str, str, list]]) -> None:
        """Replace the classifier's rows of one article.  ``assignments``: (slug, kind, reason)."""
        rows = [(article_id, slug, kind, json.dumps(reason, ensure_ascii=False))
                for slug, kind, reason in assignments]
        with self.lib.transaction():
            self.lib.execute("DELETE FROM article_categories WHERE article_id = ? AND source = 'auto'",
                             (article_id,))
            self.lib.conn.executemany(
                "INSERT OR IGNORE INTO article_categories(article_id, slug, kind, source, state, "
                "reason) VALUES (?, ?, ?, 'auto', 1, ?)", rows)
            self.lib.touched(article_id)

    def set_user(self, article_id: int, slug: str, on: bool, kind: str = "category") -> None:
        with self.lib.transaction():
            self.lib.execute(
                "INSERT INTO article_categories(article_id, slug, kind, source, state, reason) "
                "VALUES (?, ?, ?, 'user', ?, '[]') ON CONFLICT(article_id, slug) DO UPDATE SET "
                "source = 'user', state = excluded.state",
                (article_id, slug, kind, 1 if on else 0))
            self.lib.touched(article_id)

    def clear_user(self, article_id: int, slug: str) -> None:
        """Forget the user's decision (the classifier decides again on the next run)."""
        with self.lib.transaction():
            self.lib.execute("DELETE FROM article_categories WHERE article_id = ? AND slug = ? "
                             "AND source = 'user'", (article_id, slug))
            self.lib.touched(article_id)

    def of(self, article_id: int, include_removed: bool = False) -> list[dict]:
        rows = self.lib.execute(
            "SELECT slug, kind, source, state, reason FROM article_categories WHERE article_id = ? "
            "ORDER BY kind, slug", (article_id,))
        out = []
        for slug, kind, source, state, reason in rows:
            if state == 0 and not include_removed:
                continue
            out.append({"slug": slug, "kind": kind, "source": source, "state": state,
                        "reason": json.loads(reason)})
        return out

    def counts(self) -> dict[str, int]:
        """Live articles per assigned slug (direct assignments only)."""
        return {r[0]: r[1] for r in self.lib.execute(
            "SELECT c.slug, count(*) FROM article_categories c JOIN articles a ON a.id = c.article_id "
            "WHERE c.state = 1 AND a.deleted_at IS NULL GROUP BY c.slug")}

    def ids_in(self, slugs: Iterable[str]) -> list[int]:
        slugs = list(slugs)
        if not slugs:
            return []
        q = ("SELECT DISTINCT c.article_id FROM article_categories c JOIN articles a ON "
             "a.id = c.article_id WHERE c.state = 1 AND a.deleted_at IS NULL AND c.slug IN "
             f"({','.join('?' * len(slugs))}) ORDER BY c.article_id")
        return [r[0] for r in self.lib.execute(q, slugs)]
