"""Duplicates already in the library: find groups, merge them in bulk, remember "not duplicates".

Merging keeps one article (the one with the user's edits, tags and notes, else the oldest),
fills it from the others without loss (``merge.merge_articles``), moves tags, notes, category
decisions, citation edges and attachments to it, and moves the others to the trash (so a merge
can be undone by restoring them) with ``extra['merged_into']`` pointing at the kept article."""
from __future__ import annotations

from dataclasses import dataclass, field

from amlref.core.errors import InputError
from amlref.core.progress import CancelToken, Progress, check, no_progress
from amlref.core.article import title_key
from amlref.services.merge import (SHORT_TITLE, DedupIndex, author_key, differences,
                                   merge_articles)
from amlref.storage.library import Library


@dataclass
class Group:
    keep: int
    others: list[int]
    # look-alikes that differ in type, identifiers, volume or pages (merge.differences): shown
    # for a decision, never merged in bulk
    possible: bool = False
    differ: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [self.keep] + self.others


def _not_dup_pairs(lib: Library) -> set[tuple[int, int]]:
    return {(a, b) for a, b in lib.execute("SELECT a, b FROM not_duplicates")}


class _Seen:
    """What find_groups keeps of an article it has passed (a few short fields)."""
    __slots__ = ("type", "volume", "pages", "isbn", "doi", "pmid", "pmcid", "added", "year",
                 "first_author_family")

    def __init__(self, a):
        for f in self.__slots__:
            setattr(self, f, getattr(a, f))


def find_groups(lib: Library, progress: Progress | None = None,
                cancel: CancelToken | None = None) -> list[Group]:
    """Groups of live articles that are the same work, or look alike.  Linear: one pass with
    an index.

    Two articles are grouped when the import's rules would take them for the same work
    (merge.DedupIndex.candidates: a shared identifier, or the same title, first author and
    years within one), and also when one import brought both with the same title, first
    author and year but different identifiers (kept apart as look-alikes of one file).  A
    group whose members differ in type, identifiers, volume or pages is ``possible``."""
    progress = progress or no_progress
    excluded = _not_dup_pairs(lib)
    index = DedupIndex(None)
    parent: dict[int, int] = {}
    differ: dict[int, set[str]] = {}     # per root: what its members differ in
    seen: dict[int, _Seen] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def unite(a, other: int) -> None:
        ra, ro = root(a.id), root(other)
        d = differ.pop(ra, set()) | differ.pop(ro, set()) | set(_differences(a, seen[other]))
        parent[ra] = ro
        parent.setdefault(ro, ro)
        if d:
            differ[ro] = d

    def lookalike_of_same_import(a, tkey: str) -> int | None:
        if len(tkey) < SHORT_TITLE or not a.year:
            return None
        fa = author_key(a.first_author_family)
        for other in index.by_title.get(tkey, ()):
            o = seen[other]
            if o.added == a.added and o.year == a.year and \
                    author_key(o.first_author_family) == fa and \
                    (min(a.id, other), max(a.id, other)) not in excluded:
                return other
        return None

    ids = lib.articles.ids()
    for start in range(0, len(ids), 1000):
        check(cancel)
        progress(start, len(ids), "looking for duplicates")
        for a in lib.articles.get_many(ids[start:start + 1000]):
            tkey = title_key(a.title)
            for other in index.candidates(a, tkey):
                if (min(a.id, other), max(a.id, other)) not in excluded:
                    unite(a, other)
                    break
            else:
                other = lookalike_of_same_import(a, tkey)
                if other is not None:
                    unite(a, other)
            index.add(a)
            seen[a.id] = _Seen(a)
    members: dict[int, list[int]] = {}
    for x in parent:
        members.setdefault(root(x), []).append(x)
    groups = []
    for r, m in members.items():
        m = sorted(set(m) | {r})
        if len(m) > 1:
            keep = _choose_keeper(lib, m)
            d = set(differ.get(r, ()))
            if len(m) <= 50:     # what any two of them differ in, not only the linked ones
                d.update(x for i, u in enumerate(m) for v in m[i + 1:]
                         for x in _differences(seen[u], seen[v]))
            d = sorted(d)
            groups.append(Group(keep, [i for i in m if i != keep], bool(d), d))
    groups.sort(key=lambda g: g.keep)
    return groups


def _differences(x, y) -> list[str]:
    """merge.differences, as for two records of one file when one import brought both."""
    return differences(x, y, same_file=bool(x.added) and x.added == y.added)


def _choose_keeper(lib: Library, ids: list[int]) -> int:
    def score(aid: int):
        a = lib.articles.get(aid)
        n_tags = lib.execute("SELECT count(*) FROM article_tags WHERE article_id = ?", (aid,)).fetchone()[0]
        n_notes = lib.execute("SELECT count(*) FROM notes WHERE article_id = ?", (aid,)).fetchone()[0]
        return (-len(a.user_edited), -(n_tags + n_notes), aid)
    return min(ids, key=score)


def merge_group(lib: Library, ids: list[int], keep: int | None = None) -> int:
    """Merge the articles ``ids`` into one; returns the id kept."""
    ids = list(dict.fromkeys(ids))
    if len(ids) < 2:
        raise InputError("a merge needs at least two articles")
    keep = keep if keep is not None else _choose_keeper(lib, ids)
    if keep not in ids:
        raise InputError("the article to keep must be one of those merged")
    with lib.transaction():
        for other in ids:
            if other == keep:
                continue
            master = lib.articles.get(keep)
            dup = lib.articles.get(other)
            changes, new = merge_articles(master, dup)
            if new:
                lib.articles.update(keep, changes)
            ex = lib.execute
            ex("INSERT OR IGNORE INTO article_tags(article_id, tag_id, source) "
               "SELECT ?, tag_id, source FROM article_tags WHERE article_id = ?", (keep, other))
            ex("UPDATE notes SET article_id = ? WHERE article_id = ?", (keep, other))
            ex("UPDATE attachments SET article_id = ? WHERE article_id = ?", (keep, other))
            # the user's category decisions on the duplicate carry over unless the kept one has its own
            ex("INSERT OR IGNORE INTO article_categories(article_id, slug, kind, source, state, reason) "
               "SELECT ?, slug, kind, source, state, reason FROM article_categories "
               "WHERE article_id = ? AND source = 'user'", (keep, other))
            lib.citations.move_article_edges(other, keep)
            extra = dict(dup.extra)
            extra["merged_into"] = master.citekey
            lib.articles.update(other, {"extra": extra})
            lib.articles.trash([other])
            ex("DELETE FROM not_duplicates WHERE a = ? OR b = ?", (other, other))
    return keep


def merge_all(lib: Library, groups: list[Group] | None = None, progress: Progress | None = None,
              cancel: CancelToken | None = None) -> list[Group]:
    """Merge every group in one transaction (all or nothing); by default every group found
    that is surely one work (not the ``possible`` ones)."""
    progress = progress or no_progress
    if groups is None:
        groups = [g for g in find_groups(lib) if not g.possible]
    if groups:
        from amlref.services.backup import before_bulk
        before_bulk(lib, "merge")       # a copy of the library first
    with lib.transaction():
        for i, g in enumerate(groups):
            check(cancel)
            progress(i, len(groups), "merging duplicates")
            merge_group(lib, g.ids, keep=g.keep)
    return groups


def mark_not_duplicates(lib: Library, a: int, b: int) -> None:
    """Remember that two articles are different works: never grouped again."""
    if a == b:
        raise InputError("an article is always its own duplicate")
    with lib.transaction():
        lib.execute("INSERT OR IGNORE INTO not_duplicates(a, b) VALUES (?, ?)", (min(a, b), max(a, b)))
