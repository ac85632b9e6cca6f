"""Articles: add, read, update, trash, search.  How an article becomes a row and back is in
storage/article_rows.py (re-exported here)."""
from __future__ import annotations

import contextlib
from typing import Iterable, Iterator, TYPE_CHECKING

from amlref.core.article import Article, Person
from amlref.core import citekeys
from amlref.core.errors import NotFound, InputError
from amlref.core.identifiers import classify_identifier
from amlref.storage.article_rows import (  # noqa: F401  (re-exported: the row helpers)
    COLUMNS, R_DOI, R_EXTRA, R_KEY, R_ORIGIN, R_PMCID, R_PMID, R_TITLE, R_TKEY, R_YEAR,
    _INSERT_COLS, _INSERT_SQL, _SELECT, article_from_prepared, article_from_row,
    normalize_identifiers, prepare, row_values)
from amlref.storage.search import all_common, parse_query

if TYPE_CHECKING:  # pragma: no cover
    from amlref.storage.library import Library


class ArticleStore:
    def __init__(self, lib: "Library"):
        self.lib = lib

    # -- keys --------------------------------------------------------------------------------
    def key_formula(self) -> str:
        return self.lib.settings.get("citekey_formula", citekeys.DEFAULT_FORMULA)

    def _taken(self) -> "_TakenKeys":
        return _TakenKeys(self.lib)

    def assign_key(self, a: Article, taken=None, formula: str | None = None) -> str:
        taken = taken if taken is not None else self._taken()
        hint = getattr(taken, "hint", None)
        if a.citekey:
            key = citekeys.unique_key(a.citekey, taken, hint)
            if key != a.citekey:
                a.extra.setdefault("original_citekey", a.citekey)
        else:
            key = citekeys.unique_key(citekeys.make_key(a, formula or self.key_formula()), taken, hint)
        a.citekey = key
        return key

    # -- writing -----------------------------------------------------------------------------
    def add(self, a: Article, strict: bool = True) -> int:
        return self.add_many([a], strict=strict)[0]

    @contextlib.contextmanager
    def bulk(self, defer_index: bool = False):
        """Many adds in one transaction, indexed for full-text search once at the end (much
        faster than row by row).  Articles added inside are not searchable until it ends.
        With ``defer_index`` the indexing is left as pending work (``lib.pending``) for the
        caller to do after the commit (services.indexing.catch_up)."""
        with self.lib.transaction():
            ex = self.lib.execute
            row = ex("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                     "AND name = 'articles_fts_ai'").fetchone()
            if row is None:
                yield self       # already bulk loading (nested)
                return
            first = (ex("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
            # The row-by-row index trigger is dropped inside this transaction and made again
            # before it commits (other connections never see it missing).  Merely disabling it
            # (its WHEN on fts_pause) still cost ~40 us per inserted row.
            ex("DROP TRIGGER articles_fts_ai")
            try:
                yield self
            except BaseException:
                self.lib.spoil()     # nested, the trigger comes back only by a rollback
                raise
            ex(row[0])
            last = ex("SELECT max(id) FROM articles").fetchone()[0] or 0
            if last < first:
                return
            # every id >= first was added in this transaction (single writer); rows that
            # updates or notes indexed meanwhile are replaced
            if defer_index:
                self.lib.pending.add("fts", first, last)
            else:
                self.lib.pending.index_fts(first, last)

    def taken_keys(self, adds: int | None = None) -> "_KeySet | _TakenKeys":
        """The used citation keys, for ``adds`` (many if not given) adds in one transaction:
        a snapshot of all of them, or for a few adds (up to ``FEW_ADDS``) a look-up of each
        key tried (a watch run's batch of 200 into a 100,000-article library: 200 indexed
        look-ups instead of reading 100,000 keys for every batch)."""
        if adds is not None and adds <= FEW_ADDS:
            return _TakenKeys(self.lib)
        return _KeySet(r[0] for r in self.lib.execute(
            "SELECT citekey FROM articles WHERE citekey IS NOT NULL"))

    def add_many(self, articles: Iterable[Article], strict: bool = True,
                 taken: "_KeySet | None" = None, normalize: bool = True) -> list[int]:
        """Insert new articles (citation keys assigned, identifiers normalised unless the caller
        did it); sets and returns their ids."""
        articles = list(articles)
        if normalize:
            for a in articles:
                normalize_identifiers(a, strict=strict)
        return self.add_prepared(articles, taken)[0]

    def add_prepared(self, items: list, taken: "_KeySet | None" = None, savepoint: bool = True
                     ) -> tuple[list[int], list[str]]:
        """Insert new articles given as Articles or as prepared records (:func:`prepare`), in
        order; returns their ids and citation keys (each made unique here).  Articles get their
        id and key set.  Many at once go in with one ``executemany`` under :meth:`bulk`.

        Without ``savepoint`` the caller's transaction (and bulk) must be open already and a
        failure here rolls back all of it: an import storing part after part into a big library
        saves the copies of every page a savepoint would keep."""
        from amlref.storage.library import now_iso
        if not items:
            return [], []
        now = now_iso()
        taken = taken if taken is not None else self.taken_keys()
        hint = taken.hint
        formula = self.key_formula()
        unique_key = citekeys.unique_key
        # every key first (``taken`` may look keys up in the library: not while the insert
        # below runs), then the rows as SQLite asks for them: no list of 100,000 rows in memory
        keys: list[str] = []
        for it in items:
            if it.__class__ is tuple:
                key = unique_key(it[1] or it[0][0], taken, hint)
            else:
                key = self.assign_key(it, taken, formula)
            taken.add(key)
            keys.append(key)

        def rows():
            for it, key in zip(items, keys):
                if it.__class__ is tuple:
                    row, own = it[0], it[1]
                    if own and key != own:   # its own key is taken (as assign_key does)
                        a = article_from_prepared(it)
                        a.extra.setdefault("original_citekey", own)
                        a.citekey = key
                        yield row_values(a, now)
                    else:
                        yield (key,) + row[1:]
                else:
                    yield row_values(it, now)

        if savepoint:
            scope = self.bulk() if len(items) > 20 else self.lib.transaction()
        else:
            if not self.lib.in_transaction:
                raise RuntimeError("add_prepared(savepoint=False) outside a transaction")
            scope = contextlib.nullcontext()
        with scope:
            # rowids of an INTEGER PRIMARY KEY are max(id)+1, +2 ...: with this connection the
            # only writer (inside our transaction) the new ids are known without a round trip
            first = (self.lib.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
            # (writing rows from a second thread while this one makes the next ones was
            # tried: slower, both threads then wait on the GIL for every row)
            self.lib.conn.executemany(_INSERT_SQL, rows())
            last = self.lib.execute("SELECT max(id) FROM articles").fetchone()[0]
            if last != first + len(items) - 1:  # pragma: no cover - another writer
                raise RuntimeError("article ids were not assigned in sequence")
            ids = list(range(first, first + len(items)))
            by_tag: dict[str, list[int]] = {}
            for it, aid in zip(items, ids):
                if it.__class__ is tuple:
                    tags, notes = it[3], it[4]
                else:
                    it.id = aid
                    it.added = it.added or now
                    it.modified = it.modified or now
                    tags, notes = it.tags, it.notes
                for note in notes:
                    self.lib.notes.add(aid, note)
                for t in tags:
                    by_tag.setdefault(t, []).append(aid)
            for t, tagged in by_tag.items():
                self.lib.tags.add(tagged, t, source="import")
            self.lib.touched(*ids)
        return ids, keys

    def update(self, article_id: int, changes: dict, by_user: bool = False) -> Article:
        """Change fields of one article.  ``by_user`` records the fields as the user's own edits,
        which later merges never overwrite."""
        from amlref.storage.library import now_iso
        a = self.get(article_id)
        changes = dict(changes)
        if "citekey" in changes and changes["citekey"] != a.citekey:
            key = changes["citekey"]
            if not key or self.lib.execute("SELECT 1 FROM articles WHERE citekey = ? AND id != ?",
                                           (key, article_id)).fetchone():
                raise InputError(f"citation key {key!r} is empty or already used")
        for k, v in changes.items():
            if k in ("authors", "editors"):
                v = [p if isinstance(p, Person) else Person.from_dict(p) for p in v]
            if not hasattr(a, k) or k in ("id", "added"):
                raise InputError(f"unknown field {k!r}")
            setattr(a, k, v)
        normalize_identifiers(a)
        if by_user:
            a.user_edited = sorted(set(a.user_edited) | (set(changes) - {"extra"}))
        a.modified = now_iso()
        vals = dict(zip(_INSERT_COLS, row_values(a, a.modified)))
        sets = ", ".join(f"{c} = ?" for c in vals)
        with self.lib.transaction():
            self.lib.execute(f"UPDATE articles SET {sets} WHERE id = ?",
                             tuple(vals.values()) + (article_id,))
            self.lib.touched(article_id)
        return a

    def trash(self, ids: Iterable[int]) -> int:
        from amlref.storage.library import now_iso
        ids = list(ids)
        with self.lib.transaction():
            n = 0
            for i in ids:
                n += self.lib.execute("UPDATE articles SET deleted_at = ? WHERE id = ? AND "
                                      "deleted_at IS NULL", (now_iso(), i)).rowcount
            self.lib.touched(*ids)
        return n

    def restore(self, ids: Iterable[int]) -> int:
        ids = list(ids)
        with self.lib.transaction():
            n = 0
            for i in ids:
                n += self.lib.execute("UPDATE articles SET deleted_at = NULL WHERE id = ? AND "
                                      "deleted_at IS NOT NULL", (i,)).rowcount
            self.lib.touched(*ids)
        return n

    def purge(self, ids: Iterable[int]) -> int:
        """Delete for good (only articles already in the trash)."""
        ids = list(ids)
        with self.lib.transaction():
            n = 0
            for i in ids:
                n += self.lib.execute("DELETE FROM articles WHERE id = ? AND deleted_at IS NOT NULL",
                                      (i,)).rowcount
            self.lib.touched(*ids)
        return n

    def empty_trash(self) -> int:
        return self.purge(self.trashed_ids())

    # -- reading -----------------------------------------------------------------------------
    def get(self, article_id: int) -> Article:
        row = self.lib.execute(_SELECT + " WHERE a.id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id}")
        return article_from_row(row)

    def get_many(self, ids: Iterable[int]) -> list[Article]:
        ids = list(ids)
        out: dict[int, Article] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            q = _SELECT + f" WHERE a.id IN ({','.join('?' * len(chunk))})"
            for row in self.lib.execute(q, chunk):
                a = article_from_row(row)
                out[a.id] = a
        return [out[i] for i in ids if i in out]

    def iter_all(self, include_deleted: bool = False, order: str = "a.id") -> Iterator[Article]:
        where = "" if include_deleted else " WHERE a.deleted_at IS NULL"
        for row in self.lib.execute(_SELECT + where + f" ORDER BY {order}"):
            yield article_from_row(row)

    def ids(self, include_deleted: bool = False, order: str = "a.id") -> list[int]:
        where = "" if include_deleted else " WHERE a.deleted_at IS NULL"
        return [r[0] for r in self.lib.execute(f"SELECT a.id FROM articles a{where} ORDER BY {order}")]

    def trashed_ids(self) -> list[int]:
        return [r[0] for r in self.lib.execute(
            "SELECT id FROM articles WHERE deleted_at IS NOT NULL ORDER BY deleted_at, id")]

    def count(self, include_deleted: bool = False) -> int:
        where = "" if include_deleted else " WHERE deleted_at IS NULL"
        return self.lib.execute(f"SELECT count(*) FROM articles{where}").fetchone()[0]

    def find(self, key: str, include_deleted: bool = False) -> Article:
        """By citation key, DOI, PMID, PMCID (or a doi.org / PubMed URL)."""
        key = (key or "").strip()
        live = "" if include_deleted else " AND a.deleted_at IS NULL"
        row = self.lib.execute(_SELECT + " WHERE a.citekey = ?" + live, (key,)).fetchone()
        if row is None:
            try:
                kind, norm = classify_identifier(key)
            except InputError:
                kind = None
            if kind:
                row = self.lib.execute(_SELECT + f" WHERE a.{kind} != '' AND a.{kind} = ?" + live + " ORDER BY a.id",
                                       (norm,)).fetchone()
        if row is None:
            raise NotFound(f"no article with key or identifier {key!r}")
        return article_from_row(row)

    def find_id(self, kind: str, value: str) -> int | None:
        """Live article id with that doi/pmid/pmcid/citekey, or None."""
        row = self.lib.execute(f"SELECT id FROM articles WHERE {kind} != '' AND {kind} = ? "
                               "AND deleted_at IS NULL "
                               "ORDER BY id LIMIT 1", (value,)).fetchone()
        return row[0] if row else None

    def _all_common(self, pq) -> bool:
        return _all_common_impl(self.lib, pq)

    def search(self, query: str, limit: int | None = 50, offset: int = 0,
               include_deleted: bool = False, within: str | None = None,
               within_params: Iterable = ()) -> list[int]:
        """Ids of articles matching a user query (see ``storage.search``), best first.
        ``within`` is an optional SQL condition on ``a`` (e.g. a view) with its params."""
        pq = parse_query(query)
        where = [] if include_deleted else ["a.deleted_at IS NULL"]
        params: list = []
        sql = "SELECT a.id FROM articles a"
        order = " ORDER BY a.year DESC, a.id DESC"
        if pq.match:
            if not pq.where and not within and limit is not None:
                # Common case: rank inside FTS5 first (cheap), then drop trashed rows.  The
                # inner limit leaves room for every trashed article, so the result is exact.
                spare = 0 if include_deleted else self.lib.execute(
                    "SELECT count(*) FROM articles WHERE deleted_at IS NOT NULL").fetchone()[0]
                # A query every term of which is in a large share of the library (e.g. "AML"
                # in an AML library) gains nothing from relevance ranking and would rank
                # every hit: such hits come newest first instead, which FTS5 does lazily.
                rank = "rowid DESC" if self._all_common(pq) else "rank"
                sql = ("SELECT a.id FROM (SELECT rowid, rank FROM articles_fts WHERE "
                       f"articles_fts MATCH ? ORDER BY {rank} LIMIT ?) f "
                       "JOIN articles a ON a.id = f.rowid")
                params = [pq.match, limit + offset + spare]
                order = " ORDER BY f.rank" if rank == "rank" else " ORDER BY a.id DESC"
            else:
                sql = "SELECT a.id FROM articles_fts f JOIN articles a ON a.id = f.rowid"
                where.insert(0, "articles_fts MATCH ?")
                params.append(pq.match)
                order = " ORDER BY f.rank"
        where += pq.where
        params += pq.params
        if within:
            where.append(within)
            params += list(within_params)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += order
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        try:
            ids = [r[0] for r in self.lib.execute(sql, params)]
        except Exception as exc:  # a malformed FTS expression
            import sqlite3
            if isinstance(exc, sqlite3.OperationalError):
                raise InputError(f"cannot search for {query!r}: {exc}") from None
            raise
        if pq.text_match:   # plain words also find articles by the text of their PDFs
            from amlref.storage.attachments import more_from_fulltext
            ids = more_from_fulltext(self.lib, pq, ids, limit, offset, include_deleted, within,
                                     within_params)
        return ids


COMMON_DOCS = 20_000


def _all_common_impl(lib, pq) -> bool:
    return all_common(lib, pq, COMMON_DOCS)


FEW_ADDS = 5000    # adds up to which each key is looked up (taken_keys)


class _KeySet(set):
    """Used citation keys, as a set (``in`` stays in C for 100,000 new keys), with the
    ``hint`` of citekeys.unique_key."""

    def __init__(self, keys=()):
        super().__init__(keys)
        self.hint: dict[str, int] = {}


class _TakenKeys:
    """``in`` test for citation keys against the library (and the keys added meanwhile), for a
    few adds; many use a :class:`_KeySet`."""

    def __init__(self, lib: "Library"):
        self.lib = lib
        self.extra: set[str] = set()
        self.hint: dict[str, int] = {}

    def add(self, key: str) -> None:
        self.extra.add(key)

    def __contains__(self, key: str) -> bool:
        if key in self.extra:
            return True
        return self.lib.execute("SELECT 1 FROM articles WHERE citekey = ?", (key,)).fetchone() is not None
