"""What a small batch (a watch run's 200 records, an online add) asks of a big library is looked
up through indexes, never read from every article: counted in SQLite virtual-machine steps
(``set_progress_handler``), which do not depend on the machine's speed.  A look-up whose steps
grow with the library's size fails here (each of these walked all live articles once:
schema step 7's covering index on ``deleted_at`` drew the planner to it)."""
from __future__ import annotations


import pytest

from amlref.core.article import Article, Person
from amlref.storage.library import Library

STEP = 100     # VM instructions between two calls of the handler


def _articles(n: int, start: int = 0) -> list[Article]:
    return [Article(title=f"Study number {i} of leukemic blasts and donor lymphocytes",
                    issued=str(2000 + i % 25), authors=[Person(family=f"Author{i % 97}", given="A")],
                    pmid=str(1_000_000 + i), doi=f"10.9999/study.{i}", container="Blood")
            for i in range(start, start + n)]


@pytest.fixture(scope="module")
def libs(tmp_path_factory):
    """The same first articles in a small and a 20x bigger library."""
    out = {}
    for n in (500, 10_000):
        lib = Library.open(tmp_path_factory.mktemp(f"lib{n}") / "lib.sqlite")
        lib.articles.add_many(_articles(n))
        out[n] = lib
    yield out
    for lib in out.values():
        lib.close()


def _steps(lib: Library, fn) -> int:
    count = [0]

    def tick():
        count[0] += 1
        return 0
    lib.conn.set_progress_handler(tick, STEP)
    try:
        fn()
    finally:
        lib.conn.set_progress_handler(None, STEP)
    return count[0] * STEP


def _grows(libs, fn) -> tuple[int, int]:
    return _steps(libs[500], lambda: fn(libs[500])), _steps(libs[10_000], lambda: fn(libs[10_000]))


def test_duplicate_index_of_a_few_candidates_reads_only_them(libs):
    from amlref.services.merge import DedupIndex
    small, big = _grows(libs, lambda lib: DedupIndex(lib, only=[3, 40, 77]))
    assert big < 2 * small + 2000, (small, big)
    assert len(DedupIndex(libs[10_000], only=[3, 40, 77]).info) == 3
    whole = _steps(libs[10_000], lambda: DedupIndex(libs[10_000]))
    assert big * 20 < whole


def test_stub_edges_of_some_articles_are_looked_up_by_id(libs):
    from amlref.storage.citations import _stub_edges_of

    def run(lib):
        conds, args = _stub_edges_of([3, 40, 77], "", ())
        return lib.execute("SELECT c.id FROM citations c JOIN articles a ON a.id = c.citing_id "
                           f"WHERE {' AND '.join(conds)}", args).fetchall()
    small, big = _grows(libs, run)
    assert big < 2 * small + 2000, (small, big)


def test_articles_cited_from_elsewhere_are_found_through_their_index(libs, tmp_path):
    from amlref.services.online import link_known_citers
    lib = libs[10_000]
    with lib.transaction():
        a = lib.articles.get(5)
        lib.articles.update(5, {"extra": {**a.extra, "cited_by_elsewhere": ["pmid:1000007"]}})
    try:
        steps = _steps(lib, lambda: link_known_citers(lib, [9]))
        assert steps < 3000, steps        # reading every article's extra: ~200,000
        assert link_known_citers(lib, [8]) == 1       # pmid 1000007 is article 8
        assert [c for c in lib.citations.cited_by(5)] != []
        assert lib.articles.get(5).extra["cited_by_elsewhere"] == []
    finally:
        with lib.transaction():
            lib.execute("DELETE FROM citations")
    plan = lib.execute("EXPLAIN QUERY PLAN SELECT id FROM articles INDEXED BY "
                       "articles_cited_elsewhere WHERE instr(extra, 'cited_by_elsewhere') > 0"
                       ).fetchall()
    assert "articles_cited_elsewhere" in str(plan)


def test_a_library_made_before_step_8_gets_the_index(tmp_path, monkeypatch):
    from amlref.storage import schema
    path = tmp_path / "old.sqlite"
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:7])
        m.setattr(schema, "LATEST", 7)
        lib = Library.open(path)
        lib.articles.add_many(_articles(3))
        lib.close()
    lib = Library.open(path)
    try:
        assert lib.schema_version == len(schema.MIGRATIONS) >= 8
        names = {r[0] for r in lib.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "articles_cited_elsewhere" in names
        assert lib.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    finally:
        lib.close()


def test_tagged_not_filed_starts_from_the_batch_identifiers(libs):
    from amlref.services.watches import _tagged_not_filed
    lib = libs[10_000]
    with lib.transaction():
        lib.execute("INSERT INTO watches(name, created) VALUES ('w', '2026-01-01')")
        wid = lib.execute("SELECT id FROM watches WHERE name = 'w'").fetchone()[0]
        lib.tags.add(list(range(1, 9001)), "w", source="import")   # a watch of long standing
    w = {"id": wid, "name": "w"}
    try:
        pmids = [str(1_000_000 + i) for i in (10, 11, 9500)]
        got = _tagged_not_filed(lib, w, pmids, ["10.9999/study.12"])
        assert got == {11, 12, 13}            # 9500 is not tagged
        with lib.transaction():
            lib.execute("INSERT INTO inbox(watch_id, article_id, state, added) "
                        "VALUES (?, 12, 'new', 'x')", (wid,))
        assert _tagged_not_filed(lib, w, pmids, ["10.9999/study.12"]) == {11, 13}
        steps = _steps(lib, lambda: _tagged_not_filed(lib, w, pmids, []))
        assert steps < 5000, steps     # from the tag: 9,000 tagged articles walked
    finally:
        with lib.transaction():
            lib.execute("DELETE FROM inbox")
            lib.execute("DELETE FROM watches")
            lib.execute("DELETE FROM article_tags")


@pytest.mark.parametrize("few", [True, False])
def test_keys_of_a_small_import_are_looked_up_and_come_out_the_same(tmp_path, monkeypatch, few):
    """A few adds look each key up (storage.articles.FEW_ADDS); many read all keys first: the
    same keys either way, suffixes included."""
    from amlref.storage import articles as store
    if not few:
        monkeypatch.setattr(store, "FEW_ADDS", -1)
    lib = Library.open(tmp_path / "k.sqlite")
    try:
        same = [Article(title=f"Same first word {i}", issued="2020",
                        authors=[Person(family="Smith", given="J")]) for i in range(4)]
        lib.articles.add_many(same[:2])
        with lib.transaction():
            taken = lib.articles.taken_keys(adds=2)
            assert isinstance(taken, store._TakenKeys) == few
            ids, keys = lib.articles.add_prepared(
                [store.prepare(a, lib.articles.key_formula(), "2026-01-01") for a in same[2:]],
                taken=taken)
        assert [lib.articles.get(i).citekey for i in (1, 2)] == ["smith2020same",
                                                                  "smith2020samea"]
        assert keys == ["smith2020sameb", "smith2020samec"]
        assert [lib.articles.get(i).citekey for i in ids] == keys
    finally:
        lib.close()
