"""The chart's numbers (services/chart.py) read from indexes only (schema step 7) and still
right: every view the chart is asked for — the whole library with and without a trash, each
top-level category, a tag, a watch's Inbox (its tag), a search — compared with plain GROUP BY
queries over the table itself and per-article sets made in Python, on a library of real
records (PubMed XML, MEDLINE .nbib, RIS from a reference manager, the demo library); the query
plans checked to be covering; and the migration of a library made at schema 6."""
from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from amlref.storage import schema


@pytest.fixture(scope="module")
def real_library(tmp_path_factory):
    """Demo + metapub PubMed XML + a PubMed .nbib set + an asreview RIS file, imported and
    classified once; a few articles given a second top-level category by hand, tagged, in a
    watch's Inbox over 20 weeks."""
    from support import corpus
    files = [str(p) for p in sorted(corpus("pubmed", "metapub-pmid-xml").glob("*.xml"))
             if "<PubmedArticle>" in p.read_text("utf-8")]
    files += [str(corpus("pubmed", "nbib-holub008", "pubmed-balloongui-set.nbib")),
              str(corpus("ris", "asreview-demo-data", "baseline.ris"))]
    tmp = tmp_path_factory.mktemp("chart-numbers")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(tmp / var))
        from amlref.gui.demo import load_demo
        from amlref.services.importing import import_paths
        from amlref.storage.library import Library
        from amlref.storage.watches import WatchStore
        lib = Library.open(tmp / "real.sqlite")
        load_demo(lib)
        import_paths(lib, files)
        ids = [r[0] for r in lib.execute("SELECT id FROM articles ORDER BY id")]
        assert len(ids) > 300
        categorised = [r[0] for r in lib.execute(
            "SELECT DISTINCT article_id FROM article_categories WHERE state = 1 ORDER BY 1")]
        for aid in categorised[::3]:                 # two top-level categories
            lib.categories.set_user(aid, "vaccines", True)
        for aid in ids[::5]:
            lib.categories.set_user(aid, "t-cell-engagers", True)
        lib.tags.add(ids[::4], "review me")
        lib.tags.add(ids, "everything")       # a narrowed view with more articles than
                                              # category assignments (the other way to count)
        store = WatchStore(lib)
        wid = store.add("AML CAR-T", "pubmed", "x")
        lib.tags.add(ids[1::3], "AML CAR-T")         # a watch tags what it brings
        now = datetime.now(timezone.utc)
        for k, aid in enumerate(ids[1::3]):
            when = now - timedelta(days=(k * 11) % 140)
            store.put(wid, [aid], when=when.strftime("%Y-%m-%dT%H:%M:%S.000000Z"))
        lib.close()
    return tmp / "real.sqlite"


@pytest.fixture
def real(real_library, tmp_path):
    from amlref.storage.library import Library
    path = tmp_path / "library.sqlite"
    shutil.copy(real_library, path)
    library = Library.open(path)
    yield library
    library.close()


def nocase(s: str) -> str:
    """SQLite's NOCASE: ASCII letters only."""
    return s.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))


def expected(lib, view, tax):
    """The chart's numbers the plain way: the view's ids as the window lists them, then GROUP BY
    over the article table itself (NOT INDEXED) and each article's top-level categories as a
    Python set."""
    from amlref.services.chart import NONE, this_monday
    from amlref.services.views import view_ids
    ids = view_ids(lib, view)
    inside = f"id IN (SELECT value FROM json_each('{json.dumps(ids)}'))"
    per_year = dict(lib.execute(f"SELECT year, count(*) FROM articles NOT INDEXED WHERE {inside} "
                                "AND year IS NOT NULL GROUP BY year").fetchall())
    journals = Counter()
    for name, n in lib.execute(f"SELECT container, count(*) FROM articles NOT INDEXED WHERE "
                               f"{inside} AND container != '' GROUP BY container"):
        journals[nocase(name)] += n
    root_of = {s: r.label for r in tax.roots("category") for s in tax.descendants(r.slug)}
    roots: dict[int, set] = {}
    for aid, slug in lib.execute("SELECT article_id, slug FROM article_categories WHERE state = 1"):
        if slug in root_of:
            roots.setdefault(aid, set()).add(root_of[slug])
    by_year: dict[str, Counter] = {}
    for aid, year in lib.execute(f"SELECT id, year FROM articles NOT INDEXED WHERE {inside} AND "
                                 "year IS NOT NULL"):
        for label in roots.get(aid) or {NONE}:
            by_year.setdefault(label, Counter())[year] += 1
    start = this_monday() - timedelta(weeks=25)
    weeks = Counter()
    for aid, added in lib.execute(f"SELECT DISTINCT article_id, added FROM inbox WHERE "
                                  f"article_id IN (SELECT value FROM json_each('{json.dumps(ids)}'))"):
        day = date.fromisoformat(added[:10])
        if day >= start:
            weeks[this_monday(day).isoformat(), aid] = 1
    per_week = Counter(w for w, _aid in weeks)
    return len(ids), per_year, journals, by_year, per_week


def assert_same(lib, view, tax):
    from amlref.services.chart import chart_data
    d = chart_data(lib, view, tax=tax)
    total, per_year, journals, by_year, per_week = expected(lib, view, tax)
    assert d.total == total, view
    assert {y: n for y, n in zip(d.years, d.per_year) if n} == per_year, view
    assert d.undated == total - sum(per_year.values())
    got = {label: {y: n for y, n in zip(d.years, row) if n} for label, row in d.by_year.items()}
    assert got == {label: dict(c) for label, c in by_year.items()}, view
    assert [n for _j, n in d.journals] == sorted(journals.values(), reverse=True)[:10], view
    for name, n in d.journals:
        assert journals[nocase(name)] == n, (view, name)
    assert {w: n for w, n in zip(d.weeks, d.per_week) if n} == dict(per_week), view
    return d


def test_every_view_gives_the_numbers_of_plain_queries(real):
    from amlref.services.views import View
    from amlref.taxonomy.model import load
    tax = load()
    views = [View()] + [View(category=r.slug) for r in tax.roots("category")] + [
        View(tag="review me"), View(tag="AML CAR-T"), View(tag="everything"),
        View(query="leukemia"),
        View(query="CAR T cells"), View(category="vaccines", tag="AML CAR-T")]
    # both ways of counting the categories are taken: narrowed views smaller and larger than
    # the category assignments
    slugs = [s for r in tax.roots("category") for s in tax.descendants(r.slug)]
    assigned = real.execute(f"SELECT count(*) FROM article_categories WHERE state = 1 AND slug "
                            f"IN ({','.join('?' * len(slugs))})", slugs).fetchone()[0]
    assert real.articles.count() > assigned > len(real.tags.ids_with("review me"))
    shown = []
    for with_trash in (False, True):
        if with_trash:
            ids = [r[0] for r in real.execute("SELECT id FROM articles ORDER BY id")]
            real.articles.trash(ids[2::7])
        for view in views:
            d = assert_same(real, view, tax)
            shown.append((view, d.total, len(d.by_year)))
    # the views are not trivial: the library's categories, the overlap, the Inbox weeks
    whole = assert_same(real, View(), tax)
    assert len(whole.by_year) >= 4 and sum(whole.per_week) > 50 and len(whole.journals) == 10
    assert sum(map(sum, whole.by_year.values())) > sum(whole.per_year)      # overlap counted
    assert all(total > 0 for view, total, _n in shown if view.tag or view.is_all)
    assert sum(1 for view, total, _n in shown if view.category and total > 0) >= 8


def test_an_empty_library_and_a_view_without_articles(lib):
    from amlref.services.chart import chart_data
    from amlref.services.views import View
    d = chart_data(lib)
    assert (d.total, d.years, d.by_year, d.journals, d.weeks) == (0, [], {}, [], [])
    d = chart_data(lib, View(query="nothingmatchesthis"))
    assert d.total == 0 and lib.execute(
        "SELECT count(*) FROM temp.sqlite_master WHERE name = 'chart_view'").fetchone()[0] == 0


def plans(lib, view):
    """(statement, plan lines) of every query chart_data runs for the view."""
    from amlref.services.chart import chart_data
    seen: list[str] = []
    lib.conn.set_trace_callback(seen.append)
    try:
        chart_data(lib, view)
    finally:
        lib.conn.set_trace_callback(None)
    out = []
    if view.query:
        lib.execute("CREATE TEMP TABLE chart_view(id INTEGER PRIMARY KEY)")
    for sql in seen:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "_fts" in sql or (
                "fulltext" in sql or "container_short" in sql or "articles" not in sql):
            continue            # (the search itself; the NLM abbreviation of 10 journals)
        out.append((sql, [r[3] for r in lib.execute("EXPLAIN QUERY PLAN " + sql)]))
    if view.query:
        lib.execute("DROP TABLE temp.chart_view")
    return out


@pytest.mark.parametrize("trash", [False, True])
def test_the_numbers_never_read_the_article_rows(real, trash):
    from amlref.services.views import View
    if trash:
        real.articles.trash([r[0] for r in real.execute("SELECT id FROM articles LIMIT 5")])
    for view in (View(), View(category="adoptive-cell-therapy"), View(tag="AML CAR-T"),
                 View(query="leukemia")):
        found = plans(real, view)
        assert len(found) >= 6
        for sql, lines in found:
            on_articles = [ln for ln in lines if ln.split()[1] in ("a", "articles")]
            assert on_articles, (sql, lines)
            for line in on_articles:
                assert "COVERING INDEX" in line, (view, sql, lines)


def test_migration_from_schema_6_makes_the_chart_indexes(tmp_path, monkeypatch):
    from amlref.core.article import Article
    from amlref.services.chart import chart_data
    from amlref.storage.library import Library
    path = tmp_path / "old.sqlite"
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:6])
    monkeypatch.setattr(schema, "LATEST", 6)
    with Library.open(path) as old:
        for year, journal in ((2019, "Blood"), (2021, "BLOOD"), (2021, "Leukemia"), (None, "")):
            old.articles.add(Article(title=f"An article of {year}", issued=str(year or ""),
                                        container=journal))
        old.articles.trash([old.articles.ids()[0]])
    monkeypatch.undo()
    with Library.open(path) as new:
        assert new.schema_version == schema.LATEST == len(schema.MIGRATIONS)
        names = {r[0] for r in new.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"articles_by_id", "articles_live_year", "articles_live_container"} <= names
        assert "articles_deleted" not in names
        d = chart_data(new)
        assert (d.total, d.undated, d.journals) == (3, 1, [("BLOOD", 1), ("Leukemia", 1)])
        assert dict(zip(d.years, d.per_year)) == {2021: 2}
    backups = list((tmp_path / "old.backups").glob("old-*-before-migration-v6.sqlite"))
    assert len(backups) == 1
    c = sqlite3.connect(backups[0])
    assert c.execute("PRAGMA user_version").fetchone()[0] == 6
    assert c.execute("SELECT count(*) FROM sqlite_master WHERE name = 'articles_deleted'"
                     ).fetchone()[0] == 1
    c.close()
