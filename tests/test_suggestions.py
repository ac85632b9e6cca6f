"""Suggestions: what a classifier finds too weak to assign is stored as a suggestion (an 'auto'
row with state 2), left out of counts, views and exports, listed apart by `show`, and accepted or
rejected by the user (a decision that sticks).

The classifier here is a real plugin of its own (beside the built-in one): it reads made-up
words of the title, ``suggest-CODE`` (a suggestion) and ``assign-CODE`` (an assignment), a code
naming a category (so the built-in classifier finds nothing in these titles)."""
from __future__ import annotations

import os
import sys
import textwrap

import pytest

from amlref.core.article import Article
from amlref.plugins.registry import registry
from amlref.services import classify as svc
from amlref.services.views import (View, category_tree, combination_counts, slug_counts,
                                   suggested_counts, view_ids)

PLUGIN = r'''
CODES = {"quorp": "car-t", "blix": "vaccines", "zant": "car-nk", "frel": "cik",
         "krin": "target:cd33"}


class WordClassifier:
    """Suggests a category for a title word 'suggest-CODE', assigns it for 'assign-CODE'."""
    version = "words-1"

    def classify(self, article):
        import os
        if os.environ.get("WORDS_PIDS"):   # which processes classified (the worker test)
            with open(os.environ["WORDS_PIDS"], "a") as f:
                f.write(f"{os.getpid()}\n")
        out = []
        for word in (article.title or "").split():
            what, _, code = word.partition("-")
            slug = CODES.get(code)
            kind = "facet" if slug and ":" in slug else "category"
            reason = [{"rule": f"{slug}/words", "field": "title", "words": [word]}]
            if what == "assign" and slug:
                out.append((slug, kind, reason))
            elif what == "suggest" and slug:
                out.append((slug, kind, reason, "suggested"))
        return out
'''


def _plugin_class():
    ns: dict = {}
    exec(PLUGIN, ns)
    return ns["WordClassifier"]


@pytest.fixture
def words():
    """The word classifier, registered at run time beside the built-in one."""
    registry.register("amlref.classifiers", "words", _plugin_class()())
    yield
    registry.unregister("amlref.classifiers", "words")


def _rows(lib, aid=None):
    q = "SELECT article_id, slug, source, state FROM article_categories"
    if aid is not None:
        return sorted(r[1:] for r in lib.execute(q + " WHERE article_id = ?", (aid,)))
    return sorted(lib.execute(q))


def _library(lib):
    return lib.articles.add_many([
        Article(title="Marrow samples suggest-quorp", citekey="s1"),
        Article(title="Marrow samples assign-quorp suggest-blix", citekey="s2"),
        Article(title="Marrow samples suggest-zant suggest-blix", citekey="s3"),
        Article(title="Marrow samples assign-blix suggest-krin", citekey="s4"),
        Article(title="Marrow samples", citekey="s5")])


def test_suggestions_are_stored_apart_and_counted_apart(lib, words):
    from amlref.gui.queries import COLUMNS, label, rows_for   # (no Qt: the table queries)
    ids = _library(lib)
    svc.classify_all(lib)
    assert _rows(lib, ids[0]) == [("car-t", "auto", 2)]
    assert _rows(lib, ids[1]) == [("car-t", "auto", 1), ("vaccines", "auto", 2)]
    # assigned only: the store, the views, the tree and its "in no category"
    assert lib.categories.counts() == {"car-t": 1, "vaccines": 1}
    assert lib.categories.ids_in(["car-t"]) == [ids[1]]
    assert lib.categories.ids_in(["vaccines"]) == [ids[3]]
    direct, total = slug_counts(lib)
    assert direct == {"car-t": 1, "vaccines": 1} and total["adoptive-cell-therapy"] == 1
    assert view_ids(lib, View(category="adoptive-cell-therapy")) == [ids[1]]
    tree = category_tree(lib)
    assert tree["total"] == 5 and tree["uncategorized"] == 3
    # the suggestions: per slug, and a parent counts the articles suggested below it once
    assert lib.categories.suggested_counts() == {"car-t": 1, "car-nk": 1, "vaccines": 2,
                                                 "target:cd33": 1}
    # a suggested facet is not in the facet's counts nor in a category broken down by facets
    assert "target:cd33" not in direct
    assert combination_counts(lib, "vaccines", "target") == []
    assert view_ids(lib, View(facets=["target:cd33"])) == []
    assert rows_for(lib, [ids[1]])[ids[1]][COLUMNS.index("categories")] == label("car-t")
    sugg = suggested_counts(lib)
    assert sugg["adoptive-cell-therapy"] == 2 and sugg["vaccines"] == 2 and sugg["car-t"] == 1
    act = next(n for n in tree["categories"] if n["slug"] == "adoptive-cell-therapy")
    assert (act["count"], act["suggested"]) == (1, 2)
    assert {c["slug"]: c["suggested"] for c in act["children"]}["car-nk"] == 1
    assert view_ids(lib, View(suggested="adoptive-cell-therapy")) == [ids[0], ids[2]]
    assert view_ids(lib, View(suggested="vaccines")) == [ids[1], ids[2]]
    # of(): assigned only; suggestions(): the suggestions with their reasons
    assert [c["slug"] for c in lib.categories.of(ids[1])] == ["car-t"]
    assert lib.categories.suggestions(ids[1]) == [
        {"slug": "vaccines", "kind": "category",
         "reason": [{"rule": "vaccines/words", "field": "title", "words": ["suggest-blix"]}]}]
    # an article in the trash is in no count
    lib.articles.trash([ids[2]])
    assert view_ids(lib, View(suggested="vaccines")) == [ids[1]]
    assert suggested_counts(lib)["adoptive-cell-therapy"] == 1


def test_accept_and_reject_stick_through_reclassification(lib, words):
    ids = _library(lib)
    svc.classify_all(lib)
    assert lib.categories.decide(ids[0], "car-t", True)
    assert lib.categories.decide(ids[2], "vaccines", False)
    assert not lib.categories.decide(ids[4], "car-t", True)      # no such suggestion
    assert not lib.categories.decide(ids[1], "car-t", False)     # assigned, not suggested
    assert _rows(lib, ids[0]) == [("car-t", "user", 1)]
    assert lib.categories.ids_in(["car-t"]) == [ids[0], ids[1]]
    for _ in range(2):
        svc.classify_all(lib)
        assert _rows(lib, ids[0]) == [("car-t", "user", 1)]
        assert _rows(lib, ids[2]) == [("car-nk", "auto", 2), ("vaccines", "user", 0)]
        assert view_ids(lib, View(suggested="vaccines")) == [ids[1]]
        assert view_ids(lib, View(category="vaccines")) == [ids[3]]
    # forgetting the decision gives the article back to the classifier: a suggestion again
    lib.categories.clear_user(ids[2], "vaccines")
    svc.classify_ids(lib, [ids[2]])
    assert ("vaccines", "auto", 2) in _rows(lib, ids[2])


def test_a_row_that_changes_between_assigned_and_suggested_is_rewritten(lib, monkeypatch):
    ids = lib.articles.add_many([Article(title="a"), Article(title="b")])

    class Fixed:
        rows: dict = {}

        def classify(self, article):
            return Fixed.rows.get(article.id, [])
    monkeypatch.setattr(svc, "_classifiers", lambda: [("fixed", Fixed())])
    r = [{"rule": "x", "field": "title", "words": ["w"]}]
    # the same slug twice in one result: the assignment wins, in whatever order
    Fixed.rows = {ids[0]: [("car-t", "category", r, "suggested"), ("car-t", "category", r)],
                  ids[1]: [("cik", "category", r), ("cik", "category", r, "suggested")]}
    svc.classify_ids(lib, ids)
    assert _rows(lib) == [(ids[0], "car-t", "auto", 1), (ids[1], "cik", "auto", 1)]
    Fixed.rows = {ids[0]: [("car-t", "category", r, "suggested")], ids[1]: [("cik", "category", r)]}
    for every in (False, True):
        svc.classify_all(lib) if every else svc.classify_ids(lib, ids)
        assert _rows(lib) == [(ids[0], "car-t", "auto", 2), (ids[1], "cik", "auto", 1)]
        # nothing changed: nothing is written (the rows' own rowid-less pages stay as they were)
        before = lib.conn.total_changes
        svc.classify_ids(lib, ids)
        assert lib.conn.total_changes == before
    lib.categories.set_auto(ids[1], [("cik", "category", r, "suggested"),
                                     ("car-t", "category", r, "suggested"),
                                     ("car-t", "category", r)])
    assert _rows(lib, ids[1]) == [("car-t", "auto", 1), ("cik", "auto", 2)]


def test_explain_lists_a_plugins_suggestions(lib, words):
    [aid] = lib.articles.add_many([Article(title="Marrow suggest-blix assign-frel")])
    got = {(d["slug"], d["assigned"], d["suggested"]) for d in svc.explain(lib.articles.get(aid))
           if d["classifier"] == "words"}
    assert got == {("vaccines", False, True), ("cik", True, False)}


# -- the worker processes ------------------------------------------------------------------------
@pytest.fixture
def declared_words(tmp_path, monkeypatch):
    """The word classifier as a real installed plugin (a dist-info declaring its entry point),
    which a fresh worker process finds as this one does."""
    (tmp_path / "amlref_words.py").write_text(textwrap.dedent(PLUGIN))
    dist = tmp_path / "amlref_words-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: amlref-words\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[amlref.classifiers]\nwords = amlref_words:WordClassifier\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.reset()
    yield
    registry.reset()
    sys.modules.pop("amlref_words", None)


def test_worker_processes_store_the_same_suggestions(lib, declared_words, monkeypatch,
                                                        tmp_path):
    assert "words" in registry.classifiers()
    titles = [f"Marrow samples {i} " + ["suggest-quorp", "assign-quorp suggest-blix",
                                       "suggest-blix", "CD33 CAR T cells in acute myeloid "
                                       "leukemia suggest-frel", ""][i % 5] for i in range(60)]
    ids = lib.articles.add_many([Article(title=t) for t in titles])
    monkeypatch.setenv("AMLREF_WORKERS", "1")
    assert svc.classify_ids(lib, ids) == 60
    full = "SELECT article_id, slug, kind, source, state, reason FROM article_categories"
    here, here_full = _rows(lib), sorted(lib.execute(full))
    lib.execute("DELETE FROM article_categories")
    monkeypatch.setenv("AMLREF_WORKERS", "2")
    monkeypatch.setattr(svc, "PARALLEL_MIN", 10)
    assert svc._workers(len(ids)) == 2      # both classifiers are declared: workers are used
    pids = tmp_path / "pids.txt"
    monkeypatch.setenv("WORDS_PIDS", str(pids))
    assert svc.classify_ids(lib, ids) == 60
    assert str(os.getpid()) not in pids.read_text().split()    # classified by the workers
    assert _rows(lib) == here
    states = {(s, st) for _, s, _, st in here}
    assert {("car-t", 2), ("car-t", 1), ("vaccines", 2), ("cik", 2)} <= states
    assert sorted(lib.execute(full)) == here_full     # the reasons' JSON too
    # the decisions stick through a re-classification by the workers
    lib.categories.decide(ids[0], "car-t", False)
    lib.categories.decide(ids[2], "vaccines", True)
    svc.classify_ids(lib, ids)
    assert _rows(lib, ids[0]) == [("car-t", "user", 0)]
    assert _rows(lib, ids[2]) == [("vaccines", "user", 1)]


def test_a_classifier_registered_at_run_time_keeps_the_work_here(lib, words, monkeypatch):
    monkeypatch.setenv("AMLREF_WORKERS", "2")
    monkeypatch.setattr(svc, "PARALLEL_MIN", 10)
    assert svc._workers(100) == 1     # a worker process would not have it
    registry.unregister("amlref.classifiers", "words")
    assert svc._workers(100) == 2


# -- the command line -----------------------------------------------------------------------------
@pytest.fixture
def cli_lib(lib_path, words):
    from amlref.storage.library import Library
    lib = Library.open(lib_path)
    ids = _library(lib)
    svc.classify_all(lib)
    lib.close()
    return ids


def test_show_lists_suggestions_apart(cli, cli_lib):
    r = cli("show", "s2", "--json")
    assert r.code == 0, r
    d = r.json()
    assert [c["slug"] for c in d["categories"]] == ["car-t"]
    assert d["suggestions"] == [{"slug": "vaccines", "kind": "category", "reasons": [
        {"rule": "vaccines/words", "field": "title", "words": ["suggest-blix"]}]}]
    assert cli("show", "s5", "--json").json()["suggestions"] == []
    out = cli("show", "s2").out
    cats, _, sugg = out.partition("suggested")
    assert "car-t (category, auto)" in cats and "vaccines" not in cats
    assert "vaccines (category): vaccines/words: suggest-blix in title" in sugg


def test_export_and_categories_leave_suggestions_out(cli, cli_lib):
    r = cli("export", "-f", "csljson", "--category", "vaccines")
    assert r.code == 0, r
    import json
    assert [x["id"] for x in json.loads(r.out)] == ["s4"]
    r = cli("export", "-f", "csljson", "--category", "adoptive-cell-therapy")
    assert [x["id"] for x in json.loads(r.out)] == ["s2"]
    tree = cli("categories", "--json").json()
    vacc = next(n for n in tree["categories"] if n["slug"] == "vaccines")
    assert (vacc["count"], vacc["suggested"]) == (1, 2)
    r = cli("suggestions", "--category", "vaccines", "--json")
    assert [(x["citekey"], [s["slug"] for s in x["suggestions"]]) for x in r.json()["results"]] \
        == [("s2", ["vaccines"]), ("s3", ["vaccines"])]
    assert "s3\t" in cli("suggestions").out


def test_accept_and_reject_on_the_command_line(cli, cli_lib, lib_path):
    r = cli("category", "accept", "car-t", "s1")
    assert r.code == 0 and "car-t accepted for 1 article" in r.out, r
    r = cli("category", "reject", "vaccines", "s2", "s3")
    assert r.code == 0 and "rejected for 2 article" in r.out, r
    cli("classify", "--all")
    assert [c["slug"] for c in cli("show", "s1", "--json").json()["categories"]] == ["car-t"]
    assert [x["id"] for x in __import__("json").loads(
        cli("export", "-f", "csljson", "--category", "car-t").out)] == ["s1", "s2"]
    d = cli("show", "s3", "--json").json()
    assert [s["slug"] for s in d["suggestions"]] == ["car-nk"] and d["categories"] == []
    assert cli("suggestions", "--category", "vaccines", "--json").json()["count"] == 0


@pytest.mark.parametrize("args, message", [
    (("accept", "car-t", "nokey"), "nokey"),
    (("accept", "car-tt", "s1"), "unknown category or facet 'car-tt' (did you mean car-t"),
    (("reject", "vaccines", "s1"), "s1 has no suggestion 'vaccines' (its suggestions: car-t)"),
    (("accept", "car-t", "s5"), "s5 has no suggestion 'car-t' (it has no suggestions)"),
])
def test_bad_accept_or_reject_is_one_line_and_changes_nothing(cli, cli_lib, lib_path, args,
                                                              message):
    from amlref.storage.library import Library
    r = cli("category", *args, "s3") if args[1] == "vaccines" else cli("category", *args)
    assert r.code == 2 and message in r.err and len(r.err.strip().splitlines()) == 1, r
    lib = Library.open(lib_path)
    try:
        assert lib.execute("SELECT count(*) FROM article_categories WHERE source = 'user'"
                           ).fetchone()[0] == 0
    finally:
        lib.close()
