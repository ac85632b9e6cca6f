"""Numbered schema migrations on ``PRAGMA user_version``.

Each step is a list of SQL statements run in one transaction; a backup copy of the library is
made before any step runs on an existing library (see ``library.Library._migrate``).
Add a step by appending to ``MIGRATIONS``; never edit a released step.
"""

FTS_COLUMNS = ("title", "abstract", "authors", "keywords", "mesh", "journal", "notes")

_FTS_SOURCE = """
CREATE VIEW fts_source AS
SELECT a.id AS id,
       coalesce(a.title, '') AS title,
       coalesce(a.abstract, '') AS abstract,
       coalesce((SELECT group_concat(trim(coalesce(json_extract(j.value, '$.literal'), '') || ' ' ||
                                          coalesce(json_extract(j.value, '$.given'), '') || ' ' ||
                                          coalesce(json_extract(j.value, '$.family'), '')), '; ')
                 FROM json_each(a.authors) j), '') AS authors,
       coalesce((SELECT group_concat(j.value, '; ') FROM json_each(a.keywords) j), '') AS keywords,
       coalesce((SELECT group_concat(j.value, '; ') FROM json_each(a.mesh) j), '') AS mesh,
       trim(coalesce(a.container, '') || ' ' || coalesce(a.container_short, '')) AS journal,
       coalesce((SELECT group_concat(n.text, ' ') FROM notes n WHERE n.article_id = a.id), '') AS notes
FROM articles a
"""

_FTS_INSERT = ("INSERT INTO articles_fts(rowid, title, abstract, authors, keywords, mesh, journal, notes) "
               "SELECT id, title, abstract, authors, keywords, mesh, journal, notes FROM fts_source WHERE id = {ref}")

MIGRATION_1 = [
    """CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        citekey TEXT UNIQUE,
        type TEXT NOT NULL DEFAULT 'article-journal',
        title TEXT NOT NULL DEFAULT '',
        container TEXT NOT NULL DEFAULT '',
        container_short TEXT NOT NULL DEFAULT '',
        volume TEXT NOT NULL DEFAULT '',
        issue TEXT NOT NULL DEFAULT '',
        pages TEXT NOT NULL DEFAULT '',
        issued TEXT NOT NULL DEFAULT '',
        doi TEXT NOT NULL DEFAULT '',
        pmid TEXT NOT NULL DEFAULT '',
        pmcid TEXT NOT NULL DEFAULT '',
        isbn TEXT NOT NULL DEFAULT '',
        issn TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        abstract TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT '',
        publisher TEXT NOT NULL DEFAULT '',
        authors TEXT NOT NULL DEFAULT '[]',
        editors TEXT NOT NULL DEFAULT '[]',
        keywords TEXT NOT NULL DEFAULT '[]',
        mesh TEXT NOT NULL DEFAULT '[]',
        pub_types TEXT NOT NULL DEFAULT '[]',
        extra TEXT NOT NULL DEFAULT '{}',
        origin TEXT NOT NULL DEFAULT '',
        user_edited TEXT NOT NULL DEFAULT '[]',
        first_author TEXT NOT NULL DEFAULT '',
        title_key TEXT NOT NULL DEFAULT '',
        year INTEGER,
        added TEXT NOT NULL,
        modified TEXT NOT NULL,
        deleted_at TEXT
    )""",
    "CREATE INDEX articles_doi ON articles(doi) WHERE doi != ''",
    "CREATE INDEX articles_pmid ON articles(pmid) WHERE pmid != ''",
    "CREATE INDEX articles_pmcid ON articles(pmcid) WHERE pmcid != ''",
    "CREATE INDEX articles_title_key ON articles(title_key)",
    "CREATE INDEX articles_year ON articles(year)",
    "CREATE INDEX articles_added ON articles(added)",
    "CREATE INDEX articles_deleted ON articles(deleted_at)",
    """CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        created TEXT NOT NULL,
        modified TEXT NOT NULL
    )""",
    "CREATE INDEX notes_article ON notes(article_id)",
    """CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    )""",
    """CREATE TABLE article_tags (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        source TEXT NOT NULL DEFAULT 'user',
        PRIMARY KEY (article_id, tag_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX article_tags_tag ON article_tags(tag_id)",
    # Taxonomy assignments: categories and facets.  source 'auto' (classifier) or 'user';
    # state 1 = assigned, 0 = removed by the user (sticks against re-classification).
    """CREATE TABLE article_categories (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        slug TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'category',
        source TEXT NOT NULL DEFAULT 'auto',
        state INTEGER NOT NULL DEFAULT 1,
        reason TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (article_id, slug)
    ) WITHOUT ROWID""",
    "CREATE INDEX article_categories_slug ON article_categories(slug, state)",
    # Citation graph: citing article -> cited article, or -> reference stub.
    """CREATE TABLE reference_stubs (
        id INTEGER PRIMARY KEY,
        raw TEXT NOT NULL DEFAULT '',
        doi TEXT NOT NULL DEFAULT '',
        pmid TEXT NOT NULL DEFAULT '',
        pmcid TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        title_key TEXT NOT NULL DEFAULT '',
        year INTEGER,
        authors TEXT NOT NULL DEFAULT '',
        container TEXT NOT NULL DEFAULT '',
        resolved_id INTEGER REFERENCES articles(id) ON DELETE SET NULL
    )""",
    "CREATE INDEX stubs_doi ON reference_stubs(doi) WHERE doi != ''",
    "CREATE INDEX stubs_pmid ON reference_stubs(pmid) WHERE pmid != ''",
    "CREATE INDEX stubs_pmcid ON reference_stubs(pmcid) WHERE pmcid != ''",
    "CREATE INDEX stubs_title_key ON reference_stubs(title_key) WHERE title_key != ''",
    """CREATE TABLE citations (
        id INTEGER PRIMARY KEY,
        citing_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        cited_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,
        stub_id INTEGER REFERENCES reference_stubs(id) ON DELETE CASCADE,
        kind TEXT NOT NULL DEFAULT 'cites',
        origin TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL DEFAULT '',
        CHECK ((cited_id IS NULL) != (stub_id IS NULL))
    )""",
    "CREATE UNIQUE INDEX citations_article_edge ON citations(citing_id, cited_id, kind) WHERE cited_id IS NOT NULL",
    "CREATE UNIQUE INDEX citations_stub_edge ON citations(citing_id, stub_id, kind) WHERE stub_id IS NOT NULL",
    "CREATE INDEX citations_cited ON citations(cited_id, kind)",
    "CREATE INDEX citations_stub ON citations(stub_id, kind)",
    """CREATE TABLE attachments (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        path TEXT NOT NULL
    )""",
    """CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        query TEXT NOT NULL DEFAULT '',
        filters TEXT NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE auto_exports (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        format TEXT NOT NULL DEFAULT 'biblatex',
        view TEXT NOT NULL DEFAULT '{}',
        last_run TEXT,
        last_hash TEXT
    )""",
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE not_duplicates (
        a INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        b INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID""",
    # Change counter for listeners in other processes/threads (auto-export batching, GUI refresh).
    """CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        what TEXT NOT NULL
    )""",
    # Full-text search.  remove_diacritics: "Muller" finds "Müller".
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, abstract, authors, keywords, mesh, journal, notes,
        tokenize = "unicode61 remove_diacritics 2", prefix = '3')""",
    # term -> number of documents, to choose a search plan
    "CREATE VIRTUAL TABLE articles_fts_vocab USING fts5vocab(articles_fts, 'row')",
    _FTS_SOURCE,
    "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
    + _FTS_INSERT.format(ref="new.id") + "; END",
    "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
    "DELETE FROM articles_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, abstract, authors, keywords, mesh, "
    "container, container_short ON articles BEGIN "
    "DELETE FROM articles_fts WHERE rowid = old.id; " + _FTS_INSERT.format(ref="new.id") + "; END",
    "CREATE TRIGGER notes_fts_ai AFTER INSERT ON notes BEGIN "
    "DELETE FROM articles_fts WHERE rowid = new.article_id; "
    + _FTS_INSERT.format(ref="new.article_id") + "; END",
    "CREATE TRIGGER notes_fts_au AFTER UPDATE ON notes BEGIN "
    "DELETE FROM articles_fts WHERE rowid = new.article_id; "
    + _FTS_INSERT.format(ref="new.article_id") + "; END",
    "CREATE TRIGGER notes_fts_ad AFTER DELETE ON notes BEGIN "
    "DELETE FROM articles_fts WHERE rowid = old.article_id; "
    + _FTS_INSERT.format(ref="old.article_id") + "; END",
]

# Citation graph, step 2 (additive): a maintained count of live citing articles per reference
# stub ("missing key papers" is then an index scan), kept exact by triggers on citations and on
# articles (trash, restore, delete).  See amlref/storage/citations.py.
_LIVE = "EXISTS (SELECT 1 FROM articles WHERE id = {ref} AND deleted_at IS NULL)"
MIGRATION_2 = [
    "ALTER TABLE reference_stubs ADD COLUMN cited_count INTEGER NOT NULL DEFAULT 0",
    "UPDATE reference_stubs SET cited_count = (SELECT count(*) FROM citations c JOIN articles a "
    "ON a.id = c.citing_id WHERE c.stub_id = reference_stubs.id AND c.kind = 'cites' AND "
    "a.deleted_at IS NULL)",
    "CREATE INDEX stubs_cited_count ON reference_stubs(cited_count DESC, id)",
    "CREATE TRIGGER citations_count_ai AFTER INSERT ON citations "
    "WHEN new.stub_id IS NOT NULL AND new.kind = 'cites' AND " + _LIVE.format(ref="new.citing_id")
    + " BEGIN UPDATE reference_stubs SET cited_count = cited_count + 1 WHERE id = new.stub_id; END",
    "CREATE TRIGGER citations_count_ad AFTER DELETE ON citations "
    "WHEN old.stub_id IS NOT NULL AND old.kind = 'cites' AND " + _LIVE.format(ref="old.citing_id")
    + " BEGIN UPDATE reference_stubs SET cited_count = cited_count - 1 WHERE id = old.stub_id; END",
    # a stub's edges moved to the article it was resolved to: the resolver zeroes the count
    # once (resolved stubs are out of the ranking), instead of one decrement per edge here
    "CREATE TRIGGER citations_count_au AFTER UPDATE OF citing_id, stub_id, kind ON citations "
    "WHEN NOT (old.stub_id IS NOT NULL AND new.stub_id IS NULL) BEGIN "
    "UPDATE reference_stubs SET cited_count = cited_count - 1 WHERE id = old.stub_id AND "
    "old.kind = 'cites' AND " + _LIVE.format(ref="old.citing_id") + "; "
    "UPDATE reference_stubs SET cited_count = cited_count + 1 WHERE id = new.stub_id AND "
    "new.kind = 'cites' AND " + _LIVE.format(ref="new.citing_id") + "; END",
    "CREATE TRIGGER articles_count_trash AFTER UPDATE OF deleted_at ON articles "
    "WHEN (old.deleted_at IS NULL) != (new.deleted_at IS NULL) BEGIN "
    "UPDATE reference_stubs SET cited_count = cited_count + "
    "(CASE WHEN new.deleted_at IS NULL THEN 1 ELSE -1 END) WHERE id IN (SELECT stub_id FROM "
    "citations WHERE citing_id = new.id AND stub_id IS NOT NULL AND kind = 'cites'); END",
    # a live article deleted outright: its edges go by cascade after the row is gone, when the
    # citations trigger no longer counts them
    "CREATE TRIGGER articles_count_bd BEFORE DELETE ON articles WHEN old.deleted_at IS NULL BEGIN "
    "UPDATE reference_stubs SET cited_count = cited_count - 1 WHERE id IN (SELECT stub_id FROM "
    "citations WHERE citing_id = old.id AND stub_id IS NOT NULL AND kind = 'cites'); END",
]

# Bulk loading: while ``fts_pause`` has a row (only ever inside the bulk-loading transaction,
# so no other connection sees it) new articles are indexed once at the end instead of row by
# row (see ``ArticleStore.bulk``).
MIGRATION_3 = [
    "CREATE TABLE fts_pause (flag INTEGER)",
    "DROP TRIGGER articles_fts_ai",
    "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles "
    "WHEN NOT EXISTS (SELECT 1 FROM fts_pause) BEGIN " + _FTS_INSERT.format(ref="new.id") + "; END",
    # the article table sorted by first author
    "CREATE INDEX articles_first_author ON articles(first_author COLLATE NOCASE)",
]

# Work left after a big import (see storage/pending.py): ranges of article ids still to be
# indexed for full-text search ('fts') or classified ('classify').  The import commits without
# it; the work is done right after, in batches that each commit (resumable, cancellable).
MIGRATION_4 = [
    "CREATE TABLE pending_work (kind TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL)",
]

# Attachments (see storage/attachments.py, services/attachments.py): the files of an article,
# stored in the library's files folder or linked in place.  ``path`` is relative to the
# library's folder when the file lies inside it (a moved or synced library keeps its files),
# else absolute; a link read from an imported file that does not resolve keeps its text as
# written (``sha256`` empty) and is shown as missing.  ``fulltext`` holds the text of each
# page of an attached PDF (one row per page, rowid = attachment id * 10000 + page number);
# pending work ``fulltext`` lists attachment ids
# whose text is still to be extracted.  The old ``attachments`` table was never written to.
MIGRATION_5 = [
    """CREATE TABLE attachments_v5 (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        mode TEXT NOT NULL DEFAULT 'linked' CHECK (mode IN ('stored', 'linked')),
        kind TEXT NOT NULL DEFAULT 'file',
        size INTEGER,
        sha256 TEXT NOT NULL DEFAULT '',
        added TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT 'user',
        label TEXT NOT NULL DEFAULT '',
        pages INTEGER,
        text_state TEXT NOT NULL DEFAULT ''
    )""",
    "INSERT INTO attachments_v5(id, article_id, path) SELECT id, article_id, path FROM attachments",
    "DROP TABLE attachments",
    "ALTER TABLE attachments_v5 RENAME TO attachments",
    "CREATE INDEX attachments_article ON attachments(article_id)",
    "CREATE INDEX attachments_sha256 ON attachments(sha256) WHERE sha256 != ''",
    # rowid = attachment id * 10000 + page: an attachment's pages are a rowid range, and a
    # search reads only rowids (the doclists), never a stored column of every matching page
    """CREATE VIRTUAL TABLE fulltext USING fts5(
        text, tokenize = "unicode61 remove_diacritics 2")""",
    "CREATE TRIGGER attachments_fulltext_ad AFTER DELETE ON attachments BEGIN "
    "DELETE FROM fulltext WHERE rowid BETWEEN old.id * 10000 AND old.id * 10000 + 9999; END",
]

# Watches (see storage/watches.py, services/watches.py): a saved PubMed query or citation alert,
# the Inbox of what its runs brought (state new/read/kept per watch and article), the
# identifiers dismissed from it (never brought back, even when the article is deleted), and
# the run lock (running_since/running_pid, a heartbeat each batch; stale after a timeout).
MIGRATION_6 = [
    """CREATE TABLE watches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL DEFAULT 'pubmed',
        query TEXT NOT NULL DEFAULT '',
        targets TEXT NOT NULL DEFAULT '[]',
        created TEXT NOT NULL,
        last_run TEXT,
        last_error TEXT NOT NULL DEFAULT '',
        last_count INTEGER NOT NULL DEFAULT 0,
        running_since TEXT,
        running_pid TEXT NOT NULL DEFAULT '',
        heartbeat TEXT
    )""",
    """CREATE TABLE inbox (
        watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        state TEXT NOT NULL DEFAULT 'new',
        added TEXT NOT NULL,
        PRIMARY KEY (watch_id, article_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX inbox_article ON inbox(article_id)",
    "CREATE INDEX inbox_added ON inbox(added)",
    # the field at a glance (services/chart.py): top journals without reading the articles
    "CREATE INDEX articles_container ON articles(container COLLATE NOCASE)",
    """CREATE TABLE inbox_dismissed (
        watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
        ident TEXT NOT NULL,
        PRIMARY KEY (watch_id, ident)
    ) WITHOUT ROWID""",
]

# The field at a glance of a big view (services/chart.py, docs/decisions/0072): the numbers from
# indexes alone, never one page of the (large: abstracts) article table per article.
# ``articles_by_id`` answers "year, trashed?, journal of article N" for a view's ids, a
# category's or the Inbox's (the queries name it with INDEXED BY: without ANALYZE statistics
# the planner prefers the row itself); ``articles_live_year`` and ``articles_live_container``
# count the whole library's years and journals when the trash is not empty (in order: no
# sorting), and replace ``articles_deleted`` (their first column).
MIGRATION_7 = [
    "CREATE INDEX articles_by_id ON articles(id, year, deleted_at, container COLLATE NOCASE)",
    "CREATE INDEX articles_live_year ON articles(deleted_at, year)",
    "CREATE INDEX articles_live_container ON articles(deleted_at, container COLLATE NOCASE)",
    "DROP INDEX articles_deleted",
]

# Articles an earlier citation refresh saw cited by works outside the library (their
# ``extra`` keeps the citing works' identifiers: services/online.link_known_citers, run after
# every online add and watch batch): found through this small partial index, not by reading
# the ``extra`` of every article (0.12 s at 100,000).  Queries name the same condition
# (``CITED_ELSEWHERE``) for SQLite to use it.
CITED_ELSEWHERE = "instr(extra, 'cited_by_elsewhere') > 0"
MIGRATION_8 = [
    f"CREATE INDEX articles_cited_elsewhere ON articles(id) WHERE {CITED_ELSEWHERE}",
]

MIGRATIONS: list[list[str]] = [MIGRATION_1, MIGRATION_2, MIGRATION_3, MIGRATION_4, MIGRATION_5,
                               MIGRATION_6, MIGRATION_7, MIGRATION_8]
LATEST = len(MIGRATIONS)
