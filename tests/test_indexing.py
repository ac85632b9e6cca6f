"""Work a big import leaves for after its commit (full-text index, classification): it is
recorded in the library, done in committed batches, resumable after a cancel, and every reader
(CLI command, window) finds the library caught up."""
import pytest

from amlref.core.article import Article, ParseResult, Person
from amlref.core.errors import Cancelled
from amlref.core.progress import CancelToken
from amlref.services import indexing
from amlref.services.importing import import_paths, import_results

CAR_T = ("CD123-directed CAR-T cells in relapsed acute myeloid leukemia",
         "Chimeric antigen receptor T cells targeting CD123 induced remissions in patients with "
         "relapsed or refractory acute myeloid leukemia.")


def articles(n, start=0):
    out = []
    for i in range(start, start + n):
        title, abstract = CAR_T if i % 10 == 0 else (f"Venetoclax dosing study {i}",
                                                       "Outcomes of older patients.")
        out.append(Article(title=f"{title} ({i})", abstract=abstract, issued="2021",
                           authors=[Person(family=f"Zeta{i}", given="A")], pmid=str(5000 + i)))
    return out


def deferred_import(lib, arts, **kw):
    return import_results(lib, [("big.ris", ParseResult(articles=arts, format="ris"))],
                          defer_index=True, **kw)


def test_deferred_import_commits_articles_then_catch_up_indexes_and_classifies(lib):
    rep = deferred_import(lib, articles(50))
    assert len(rep.added) == 50 and lib.articles.count() == 50
    # committed, findable by identifier, but not yet in the full-text index or categories
    assert lib.articles.find_id("pmid", "5000") is not None
    assert lib.articles.search("venetoclax") == []
    assert lib.pending.count("fts") == 50 and lib.pending.count("classify") == 50
    assert indexing.pending(lib) == 100
    car_t_id = lib.articles.find_id("pmid", "5000")
    assert lib.categories.of(car_t_id) == []

    done = indexing.catch_up(lib)
    assert done == {"fts": 50, "classified": 50}
    assert indexing.pending(lib) == 0
    assert len(lib.articles.search("venetoclax", limit=None)) == 45
    assert "car-t" in {c["slug"] for c in lib.categories.of(car_t_id)}
    assert indexing.catch_up(lib) == {"fts": 0, "classified": 0}   # nothing left


def test_catch_up_cancel_keeps_finished_batches_and_resumes(lib, monkeypatch):
    monkeypatch.setattr(indexing, "FTS_BATCH", 20)
    deferred_import(lib, articles(70))
    token = CancelToken()
    seen = []

    def progress(done, total, message):
        seen.append((done, message))
        if done >= 40:
            token.cancel()
    with pytest.raises(Cancelled):
        indexing.catch_up(lib, progress, token)
    # two batches of 20 were committed before the cancel; the rest waits
    assert lib.pending.count("fts") == 30
    assert len(lib.articles.search("venetoclax", limit=None)) == 36   # ids 1..40, 4 of them CAR-T
    done = indexing.catch_up(lib)
    assert done["fts"] == 30 and done["classified"] == 70
    assert len(lib.articles.search("venetoclax", limit=None)) == 63
    assert seen[0] == (0, "indexing for search")


def test_edits_and_deletes_before_catch_up_are_indexed_as_they_are(lib):
    rep = deferred_import(lib, articles(30))
    first = rep.added[0]
    lib.articles.update(first, {"title": "Gemtuzumab ozogamicin in elderly AML"}, by_user=True)
    lib.notes.add(rep.added[1], "blinatumomab crossover note")
    lib.articles.trash([rep.added[2]])
    indexing.catch_up(lib)
    assert lib.articles.search("gemtuzumab") == [first]
    assert lib.articles.search("blinatumomab") == [rep.added[1]]
    assert rep.added[2] not in lib.articles.search("venetoclax", limit=None)
    # the edited title was indexed once: one row per article in the index
    n = lib.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
    assert n == 30


def test_merged_library_articles_are_reclassified_after_catch_up(lib):
    lib.articles.add(Article(title=CAR_T[0], pmid="777", issued="2020"))
    aid = lib.articles.find_id("pmid", "777")
    assert lib.categories.of(aid) == []
    rep = deferred_import(lib, [Article(title=CAR_T[0], pmid="777", issued="2020",
                                        abstract=CAR_T[1])])
    assert rep.merged and lib.pending.count("classify") == 1
    indexing.catch_up(lib)
    assert "car-t" in {c["slug"] for c in lib.categories.of(aid)}


def test_pending_ranges_shrink_and_split(lib):
    p = lib.pending
    with lib.transaction():
        p.add("fts", 1, 100)
        p.add_ids("classify", [5, 6, 7, 9, 20])
    assert p.count("classify") == 5
    assert [tuple(r) for r in lib.execute(
        "SELECT first, last FROM pending_work WHERE kind = 'classify' ORDER BY first")] == \
        [(5, 7), (9, 9), (20, 20)]
    with lib.transaction():
        p.done("fts", 40, 59)      # inside: the range splits
    assert p.count("fts") == 80
    assert p.next_batch("fts", 1000) == (1, 39)
    with lib.transaction():
        p.done("fts", 1, 39)
        p.done("classify", 6, 9)
    assert p.next_batch("fts", 10) == (60, 69)
    assert p.count("classify") == 2
    with pytest.raises(ValueError):
        p.add("thumbnails", 1, 2)


def test_cancelled_import_leaves_no_pending_work(lib):
    token = CancelToken()

    def progress(done, total, msg):
        if done >= 100:
            token.cancel()
    with pytest.raises(Cancelled):
        deferred_import(lib, articles(600), progress=progress, cancel=token)
    assert lib.articles.count() == 0 and indexing.pending(lib) == 0


def test_cli_import_leaves_library_indexed(cli, corpora):
    path = corpora / "ris" / "vendor-dialects" / "baseline.ris"
    assert cli("import", path).code == 0
    r = cli("search", "systematic review")
    assert r.code == 0 and r.out.strip()


def test_cli_command_finishes_work_an_interrupted_import_left(cli, lib_path):
    from amlref.storage.library import Library
    lib = Library.open(lib_path)
    try:
        deferred_import(lib, articles(25))
        assert indexing.pending(lib) == 50
    finally:
        lib.close()
    r = cli("search", "venetoclax")
    assert r.code == 0 and len(r.out.strip().splitlines()) == 22
    r = cli("categories", "--json")
    assert r.code == 0 and '"car-t"' in r.out
    lib = Library.open(lib_path)
    try:
        assert indexing.pending(lib) == 0
    finally:
        lib.close()


def test_gui_import_indexes_after_commit(tmp_path, corpora):
    """import_paths with defer_index (what the window does) + catch_up = the plain import."""
    from amlref.storage.library import Library
    path = str(corpora / "ris" / "vendor-dialects" / "baseline.ris")
    plain = Library.open(tmp_path / "plain.sqlite")
    deferred = Library.open(tmp_path / "deferred.sqlite")
    try:
        import_paths(plain, [path])
        import_paths(deferred, [path], defer_index=True)
        indexing.catch_up(deferred)

        def state(lib):
            cats = lib.execute("SELECT article_id, slug, kind, reason FROM article_categories "
                               "ORDER BY 1, 2").fetchall()
            fts = lib.execute("SELECT rowid, title, abstract, authors, keywords FROM articles_fts "
                              "ORDER BY rowid").fetchall()
            return cats, fts
        assert state(plain) == state(deferred)
        assert state(plain)[1]
    finally:
        plain.close()
        deferred.close()


def test_classify_all_also_does_the_classification_an_import_left(lib):
    from amlref.services.classify import classify_all
    deferred_import(lib, articles(12))
    classify_all(lib)
    assert lib.pending.count("classify") == 0 and lib.pending.count("fts") == 12
    car_t_id = lib.articles.find_id("pmid", "5000")
    assert "car-t" in {c["slug"] for c in lib.categories.of(car_t_id)}


def test_a_command_gives_way_when_another_program_is_indexing(cli, lib_path):
    """The window indexing a big import holds the write lock: a search from the command line
    runs at once on what is indexed so far, and says so, instead of waiting or failing."""
    import sqlite3
    import time
    from amlref.storage.library import Library
    lib = Library.open(lib_path)
    try:
        lib.articles.add(Article(title="Venetoclax already indexed", issued="2020"))
        deferred_import(lib, articles(5))
    finally:
        lib.close()
    other = sqlite3.connect(lib_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")     # another program writing (indexing) right now
    try:
        t = time.perf_counter()
        r = cli("search", "venetoclax")
        assert time.perf_counter() - t < 5
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert r.code == 0 and "already indexed" in r.out
    assert "still being indexed by another program" in r.err
    r = cli("search", "venetoclax")          # the lock is gone: this one catches up
    assert r.code == 0 and len(r.out.strip().splitlines()) == 5 and not r.err


def test_catch_up_can_give_way_to_another_writer(lib, lib_path):
    import sqlite3
    import time
    deferred_import(lib, articles(5))
    other = sqlite3.connect(lib_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        t = time.perf_counter()
        assert indexing.catch_up(lib, give_way=True) == {"fts": 0, "classified": 0, "busy": True}
        assert time.perf_counter() - t < 2
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert lib.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    assert indexing.catch_up(lib, give_way=True) == {"fts": 5, "classified": 5}


def test_interrupt_while_indexing_keeps_the_import_and_says_so(cli, lib_path, monkeypatch,
                                                                 corpora):
    from amlref.services import indexing as svc

    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(svc, "catch_up", interrupted)
    r = cli("import", corpora / "ris" / "vendor-dialects" / "baseline.ris")
    assert r.code == 130 and "imported articles are kept" in r.err
    monkeypatch.undo()
    r = cli("search", "systematic review")     # the next command indexes what was left
    assert r.code == 0 and r.out.strip()
