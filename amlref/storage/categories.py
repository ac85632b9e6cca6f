"""Storage of taxonomy assignments (categories and facets) with their reasons.

Rows come from the classifier (source 'auto') or the user (source 'user').  ``state``:
1 assigned; 0 removed by the user (a user row: re-classification never brings it back);
2 suggested by the classifier (an 'auto' row: evidence too weak to assign).  Counts, views
and exports read state 1 only.  Accepting a suggestion makes it a user row with state 1,
rejecting it a user row with state 0: both stick like any other user decision."""
from __future__ import annotations

import json
from typing import Iterable, TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library

REMOVED, ASSIGNED, SUGGESTED = 0, 1, 2


def row_state(row: tuple) -> int:
    """The state a classifier's row asks for: (slug, kind, reasons) is assigned,
    (slug, kind, reasons, "suggested") a suggestion."""
    return SUGGESTED if len(row) > 3 and row[3] == "suggested" else ASSIGNED


class CategoryStore:
    def __init__(self, lib: "Library"):
        self.lib = lib

    def set_auto(self, article_id: int, assignments: Iterable[tuple]) -> None:
        """Replace the classifier's rows of one article.  ``assignments``: (slug, kind, reason)
        or (slug, kind, reason, "suggested"); for one slug an assignment wins over a suggestion."""
        rows: dict[str, tuple] = {}
        for a in assignments:
            slug, kind, reason = a[:3]
            state = row_state(a)
            if slug not in rows or (state == ASSIGNED and rows[slug][3] == SUGGESTED):
                rows[slug] = (article_id, slug, kind, state, json.dumps(reason, ensure_ascii=False))
        with self.lib.transaction():
            self.lib.execute("DELETE FROM article_categories WHERE article_id = ? AND source = 'auto'",
                             (article_id,))
            self.lib.conn.executemany(
                "INSERT OR IGNORE INTO article_categories(article_id, slug, kind, source, state, "
                "reason) VALUES (?, ?, ?, 'auto', ?, ?)", list(rows.values()))
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
        """The article's assigned categories and facets; ``include_removed``: every row, also
        the ones the user removed (state 0) and the classifier's suggestions (state 2)."""
        rows = self.lib.execute(
            "SELECT slug, kind, source, state, reason FROM article_categories WHERE article_id = ? "
            "ORDER BY kind, slug", (article_id,))
        out = []
        for slug, kind, source, state, reason in rows:
            if state != ASSIGNED and not include_removed:
                continue
            out.append({"slug": slug, "kind": kind, "source": source, "state": state,
                        "reason": json.loads(reason)})
        return out

    def suggestions(self, article_id: int) -> list[dict]:
        """The classifier's suggestions for the article (not yet accepted or rejected):
        [{"slug", "kind", "reason"}], categories first."""
        return [{"slug": slug, "kind": kind, "reason": json.loads(reason)}
                for slug, kind, reason in self.lib.execute(
                    "SELECT slug, kind, reason FROM article_categories WHERE article_id = ? AND "
                    "state = 2 ORDER BY kind, slug", (article_id,))]

    def decide(self, article_id: int, slug: str, accept: bool) -> bool:
        """Accept or reject a suggestion (a user row with state 1 or 0, which sticks).
        False when the article has no such suggestion (nothing changes)."""
        with self.lib.transaction():
            row = self.lib.execute("SELECT kind FROM article_categories WHERE article_id = ? AND "
                                   "slug = ? AND state = 2", (article_id, slug)).fetchone()
            if row is None:
                return False
            self.set_user(article_id, slug, accept, kind=row[0])
        return True

    def counts(self) -> dict[str, int]:
        """Live articles per assigned slug (direct assignments only)."""
        return {r[0]: r[1] for r in self.lib.execute(
            "SELECT c.slug, count(*) FROM article_categories c JOIN articles a ON a.id = c.article_id "
            "WHERE c.state = 1 AND a.deleted_at IS NULL GROUP BY c.slug")}

    def suggested_counts(self) -> dict[str, int]:
        """Live articles per suggested slug (direct suggestions only)."""
        return {r[0]: r[1] for r in self.lib.execute(
            "SELECT c.slug, count(*) FROM article_categories c JOIN articles a ON a.id = c.article_id "
            "WHERE c.state = 2 AND a.deleted_at IS NULL GROUP BY c.slug")}

    def ids_in(self, slugs: Iterable[str], state: int = ASSIGNED) -> list[int]:
        """Live articles with one of these slugs assigned (or, ``state=SUGGESTED``, suggested)."""
        slugs = list(slugs)
        if not slugs:
            return []
        q = ("SELECT DISTINCT c.article_id FROM article_categories c JOIN articles a ON "
             "a.id = c.article_id WHERE c.state = ? AND a.deleted_at IS NULL AND c.slug IN "
             f"({','.join('?' * len(slugs))}) ORDER BY c.article_id")
        return [r[0] for r in self.lib.execute(q, [state] + slugs)]
