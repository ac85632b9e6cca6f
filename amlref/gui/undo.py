"""Undoable actions (QUndoStack): field edits, tags, categories, trash/restore, merges.
Each command calls the Library facade and then ``on_change(ids)`` so the window refreshes."""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand


class _Cmd(QUndoCommand):
    def __init__(self, lib, text: str, on_change: Callable[[list[int], bool], None]):
        super().__init__(text)
        self.lib, self.on_change = lib, on_change


class EditFields(_Cmd):
    """Change fields of one article as the user's own edit (merges never overwrite them)."""

    def __init__(self, lib, article_id: int, changes: dict, on_change):
        a = lib.articles.get(article_id)
        super().__init__(lib, f"Edit {', '.join(changes)} of {a.citekey}", on_change)
        self.old = {k: getattr(a, k) for k in changes}
        self.old_user = list(a.user_edited)
        self.aid, self.changes = article_id, dict(changes)

    def redo(self):
        self.lib.articles.update(self.aid, self.changes, by_user=True)
        self.on_change([self.aid], False)

    def undo(self):
        changes = dict(self.old)
        changes["user_edited"] = self.old_user
        self.lib.articles.update(self.aid, changes, by_user=False)
        self.on_change([self.aid], False)


class Tag(_Cmd):
    def __init__(self, lib, ids: list[int], name: str, add: bool, on_change):
        verb = "Tag" if add else "Untag"
        super().__init__(lib, f"{verb} {len(ids)} article(s) '{name}'", on_change)
        self.ids, self.name, self.add = list(ids), name, add
        have = set(lib.tags.ids_with(name)) if lib.execute(
            "SELECT 1 FROM tags WHERE name = ?", (name,)).fetchone() else set()
        # only the articles this command really changes
        self.changed = [i for i in self.ids if (i in have) != add]

    def redo(self):
        with self.lib.transaction():
            if self.add:
                self.lib.tags.add(self.changed, self.name)
            else:
                self.lib.tags.remove(self.changed, self.name)
        self.on_change(self.ids, True)

    def undo(self):
        with self.lib.transaction():
            if self.add:
                self.lib.tags.remove(self.changed, self.name)
            else:
                self.lib.tags.add(self.changed, self.name)
        self.on_change(self.ids, True)


class SetCategory(_Cmd):
    """Add or remove a category by hand: the decision sticks against re-classification."""

    def __init__(self, lib, ids: list[int], slug: str, on: bool, on_change, kind: str = "category"):
        super().__init__(lib, f"{'Add' if on else 'Remove'} category {slug}", on_change)
        self.ids, self.slug, self.on, self.kind = list(ids), slug, on, kind
        self.before = {}
        for i in self.ids:
            rows = [r for r in lib.categories.of(i, include_removed=True) if r["slug"] == slug]
            self.before[i] = rows[0] if rows else None

    def redo(self):
        with self.lib.transaction():
            for i in self.ids:
                self.lib.categories.set_user(i, self.slug, self.on, kind=self.kind)
        self.on_change(self.ids, True)

    def undo(self):
        with self.lib.transaction():
            for i, row in self.before.items():
                if row is None:
                    self.lib.categories.clear_user(i, self.slug)
                elif row["source"] == "user":
                    self.lib.categories.set_user(i, self.slug, bool(row["state"]), kind=row["kind"])
                else:  # it was the classifier's: forget the user row, put the auto row back
                    self.lib.categories.clear_user(i, self.slug)
                    self.lib.execute(
                        "INSERT OR IGNORE INTO article_categories(article_id, slug, kind, source, "
                        "state, reason) VALUES (?, ?, ?, 'auto', ?, ?)",
                        (i, self.slug, row["kind"], row["state"], _json(row["reason"])))
        self.on_change(self.ids, True)


def _json(v) -> str:
    import json
    return json.dumps(v, ensure_ascii=False)


class Trash(_Cmd):
    """Delete = move to the trash; undo restores.  In the trash view, ``restore=True``."""

    def __init__(self, lib, ids: list[int], on_change, restore: bool = False):
        super().__init__(lib, f"{'Restore' if restore else 'Delete'} {len(ids)} article(s)",
                         on_change)
        self.ids, self.restore = list(ids), restore

    def redo(self):
        (self.lib.articles.restore if self.restore else self.lib.articles.trash)(self.ids)
        self.on_change(self.ids, True)

    def undo(self):
        (self.lib.articles.trash if self.restore else self.lib.articles.restore)(self.ids)
        self.on_change(self.ids, True)


class Merge(_Cmd):
    """Merge duplicates into one article (the dedup service: the keeper gets the fields it
    lacked, tags, notes, category decisions and citation edges; the others go to the trash).
    Undo puts everything back: the others restored with their notes, tags and edges, the
    keeper's old fields."""

    def __init__(self, lib, keep: int, others: list[int], on_change):
        super().__init__(lib, f"Merge {len(others) + 1} duplicates", on_change)
        self.keep, self.others = keep, list(others)
        ids = [keep] + self.others
        marks = ",".join("?" * len(ids))
        k = lib.articles.get(keep)
        self.old = {f: getattr(k, f) for f in _MERGE_FIELDS}
        self.old["user_edited"] = list(k.user_edited)
        self.old_extra = {a.id: a.extra for a in lib.articles.get_many(self.others)}
        self.notes = [tuple(r) for r in lib.execute(
            f"SELECT id, article_id FROM notes WHERE article_id IN ({marks})", ids)]
        self.tags = [tuple(r) for r in lib.execute(
            f"SELECT article_id, tag_id, source FROM article_tags WHERE article_id IN ({marks})", ids)]
        self.cats = [tuple(r) for r in lib.execute(
            f"SELECT article_id, slug, kind, source, state, reason FROM article_categories "
            f"WHERE article_id IN ({marks})", ids)]
        self.edges = [tuple(r) for r in lib.execute(
            f"SELECT id, citing_id, cited_id, stub_id, kind, origin, created FROM citations "
            f"WHERE citing_id IN ({marks}) OR cited_id IN ({marks})", ids + ids)]

    def redo(self):
        try:
            from amlref.services.dedup import merge_group
        except ImportError:
            merge_group = _merge_group
        merge_group(self.lib, [self.keep] + self.others, keep=self.keep)
        self.on_change([self.keep] + self.others, True)

    def undo(self):
        lib = self.lib
        ids = [self.keep] + self.others
        marks = ",".join("?" * len(ids))
        with lib.transaction():
            lib.articles.restore(self.others)
            lib.articles.update(self.keep, self.old, by_user=False)
            for aid, extra in self.old_extra.items():
                lib.articles.update(aid, {"extra": extra})
            for nid, aid in self.notes:
                lib.execute("UPDATE notes SET article_id = ? WHERE id = ?", (aid, nid))
            lib.execute(f"DELETE FROM article_tags WHERE article_id IN ({marks})", ids)
            lib.conn.executemany("INSERT OR IGNORE INTO article_tags(article_id, tag_id, source) "
                                 "VALUES (?, ?, ?)", self.tags)
            lib.execute(f"DELETE FROM article_categories WHERE article_id IN ({marks})", ids)
            lib.conn.executemany("INSERT OR IGNORE INTO article_categories(article_id, slug, kind, "
                                 "source, state, reason) VALUES (?, ?, ?, ?, ?, ?)", self.cats)
            lib.execute(f"DELETE FROM citations WHERE citing_id IN ({marks}) OR cited_id IN "
                        f"({marks})", ids + ids)
            lib.conn.executemany("INSERT OR IGNORE INTO citations(id, citing_id, cited_id, stub_id, "
                                 "kind, origin, created) VALUES (?, ?, ?, ?, ?, ?, ?)", self.edges)
            lib.touched(*ids)
        self.on_change(ids, True)


def _merge_group(lib, ids: list[int], keep: int) -> int:
    """Fallback when the dedup service is not installed: fill, move tags and notes, trash."""
    from amlref.services.merge import merge_articles
    with lib.transaction():
        for other in ids:
            if other == keep:
                continue
            changes, new = merge_articles(lib.articles.get(keep), lib.articles.get(other))
            if new:
                lib.articles.update(keep, changes)
            lib.execute("INSERT OR IGNORE INTO article_tags(article_id, tag_id, source) "
                        "SELECT ?, tag_id, source FROM article_tags WHERE article_id = ?",
                        (keep, other))
            lib.execute("UPDATE notes SET article_id = ? WHERE article_id = ?", (keep, other))
            lib.articles.trash([other])
    return keep


_MERGE_FIELDS = ("title", "container", "container_short", "volume", "issue", "pages", "issued",
                 "doi", "pmid", "pmcid", "isbn", "issn", "url", "abstract", "language",
                 "publisher", "authors", "editors", "keywords", "mesh", "pub_types", "extra", "type")
