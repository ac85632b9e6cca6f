"""Where each imported record goes: a new article, or merged into a library article or an
earlier record of the same import (services/importing.py drives it; decisions 0005, 0006).

- :class:`New`: the import's new records, stored in order as prepared rows;
- :func:`place` and :func:`merge_into_library`: one record's duplicate check and merge."""
from __future__ import annotations

import json
import operator

from amlref.core.article import Article
from amlref.services.merge import LOOK, SHORT_TITLE, DedupIndex, Probe, merge_articles
from amlref.storage.articles import (COLUMNS, R_DOI, R_EXTRA, R_ORIGIN, R_PMCID, R_PMID, R_TITLE,
                                     R_TKEY, R_YEAR, article_from_prepared)
from amlref.storage.library import Library


def merge_into_library(lib: Library, match: int, a: Article, filename: str,
                        report, same_import: bool = False) -> None:
    """Merge ``a`` into library article ``match``; reported as merged if that changed it (or
    always when ``match`` is an earlier record of this import), else as unchanged."""
    existing = lib.articles.get(match)
    changes, new = merge_articles(existing, a)
    if new:
        lib.articles.update(match, changes)
    if new or same_import:
        report.merged.append({"id": match, "citekey": existing.citekey,
                              "title": a.title[:120], "file": filename, "line": a.line,
                              "same_import": same_import})
    else:
        report.unchanged.append(match)
    for t in a.tags:
        lib.tags.add([match], t, source="import")
    notes = [t for _, t in lib.notes.of(match)] if a.notes else []
    for n in a.notes:
        if n not in notes:
            lib.notes.add(match, n)



FLUSH_MIN = 2000   # new records stored together (while workers parse, see _import)


class New:
    """The import's new records, known by a temporary id -(n + 1) for the n-th, so later
    records can merge into them.  They wait as prepared rows (an Article once something merged
    into it) and are stored in order by :meth:`flush`; ``ids``/``keys`` are the stored ones'."""

    def __init__(self, lib: Library, adds: int | None = None):
        self.lib = lib
        self.waiting: list = []
        self.ids: list[int] = []
        self.keys: list[str] = []
        self.taken = lib.articles.taken_keys(adds)   # (``adds``: how many records, at most)

    def append(self, prep: tuple) -> int:
        self.waiting.append(prep)
        return -(len(self.ids) + len(self.waiting))

    def flush(self, at_least: int = 0) -> None:
        if self.waiting and len(self.waiting) >= at_least:
            # (inside the import's transaction: no savepoint of its own)
            ids, keys = self.lib.articles.add_prepared(self.waiting, taken=self.taken,
                                                       savepoint=False)
            self.ids += ids
            self.keys += keys
            self.waiting = []

    def waiting_item(self, aid: int) -> tuple | Article | None:
        """The record of temporary id ``aid`` as an Article, if not stored yet."""
        k = -aid - 1 - len(self.ids)
        if k < 0:
            return None
        item = self.waiting[k]
        if item.__class__ is tuple:
            item = self.waiting[k] = article_from_prepared(item)
        return item


# where a prepared row has what the look-alike rules compare (merge.LOOK) and the record's
# content (merge.CONTENT: from its type to its origin)
_ROW = {c: i for i, c in enumerate(c for c in COLUMNS if c != "id")}
_look = operator.itemgetter(*(_ROW[c] for c in LOOK))
_CONTENT = slice(_ROW["type"], _ROW["origin"] + 1)
assert _ROW["origin"] == R_ORIGIN


def place(lib: Library, index: DedupIndex, new: New, prep: tuple, a: Article | None,
           src: int, filename: str, report, touched: list[int]) -> int:
    """Where one record goes: a new article (its temporary negative id), or merged into a
    library article or into an earlier record of this import (``src``: which of its files
    the record comes from)."""
    row, own = prep[0], prep[1]
    tkey = row[R_TKEY]
    look = _look(row)
    content = row[_CONTENT] if index.compares_content(tkey) else None
    probe = Probe(row[R_ORIGIN], own or None, row[R_TITLE], row[R_DOI], row[R_PMID],
                  row[R_PMCID], row[R_YEAR], prep[2], look, content)
    match = index.match(probe, tkey, src)
    if match is None:
        aid = new.append(prep)
        keys = (own,)
        if "alias_keys" in row[R_EXTRA]:
            keys += tuple(json.loads(row[R_EXTRA]).get("alias_keys", ()))
        index.add_values(aid, row[R_DOI], row[R_PMID], row[R_PMCID], tkey, row[R_YEAR],
                         prep[2], keys, look, src,
                         content if len(tkey) < SHORT_TITLE else None)
        if index.apart:     # (the first look-alike; amlref dedup groups them all)
            report.apart.append({"id": aid, "like": index.apart[0], "title": row[R_TITLE][:120],
                                 "file": filename, "line": prep[5]})
        return aid
    a = a or article_from_prepared(prep)
    if match < 0:         # the same work twice in this import
        target = new.waiting_item(match)
        if target is None:    # stored already (a big import stores as it goes)
            merge_into_library(lib, new.ids[-match - 1], a, filename, report,
                                same_import=True)
            touched.append(new.ids[-match - 1])
            return match
        changes, _ = merge_articles(target, a)
        for k, v in changes.items():
            setattr(target, k, v)
        target.tags = list(dict.fromkeys(target.tags + a.tags))
        target.notes = list(dict.fromkeys(target.notes + a.notes))
        report.merged.append({"id": match, "citekey": None, "title": a.title[:120],
                              "file": filename, "line": a.line, "same_import": True})
    else:
        merge_into_library(lib, match, a, filename, report)
        touched.append(match)
    return match
