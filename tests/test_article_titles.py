"""Inside ``keep_stubs()`` (a watch run) the articles' title keys are kept in memory, so a
batch's references look up by title only the keys some article has (storage/article_titles.py).
It may hold too many keys, never too few: an article this connection adds, one another
connection commits, and a write rolled back are each seen, and the edges are exactly what
looking every key up gives."""
from __future__ import annotations

import pytest

from amlref.core.article import Article, Person, Reference, title_key
from amlref.storage.library import Library

TITLE = "Leukemia stem cells escape natural killer cells through CD47 signalling"
CITATION = "Unrelated A, Other B. A citation text that no article has. Blood. 2020;1:1-2."


@pytest.fixture
def lib(tmp_path):
    library = Library.open(tmp_path / "t.sqlite")
    library.articles.add_many([Article(title=f"Citing article number {i} on AML", issued="2024",
                                       authors=[Person("Citing", "A")]) for i in range(4)])
    yield library
    library.close()


def _edges(lib):
    return lib.execute("SELECT citing_id, cited_id, stub_id IS NOT NULL FROM citations "
                       "ORDER BY id").fetchall()


def test_only_keys_an_article_has_are_looked_up_and_new_articles_are_seen(lib):
    with lib.citations.keep_stubs() as kept:
        assert lib.citations.add_many([(1, Reference(raw=TITLE, year=2021), "cites", "x"),
                                       (1, Reference(raw=CITATION), "cites", "x")]) == 2
        assert kept.titles.present([title_key(TITLE), title_key(CITATION)]) == []
        # this connection adds the cited work between two batches (as a watch run does)
        new = lib.articles.add(Article(title=TITLE, issued="2021",
                                       authors=[Person("Author", "K")]))
        assert lib.citations.add_many([(2, Reference(raw=TITLE, year=2021), "cites", "x")])
        assert kept.titles.present([title_key(TITLE), title_key(CITATION)]) == [title_key(TITLE)]
        assert kept.titles.reads == 1
    assert _edges(lib)[-1] == (2, new, 0)         # linked to the article, not a stub
    assert lib.execute("SELECT count(*) FROM sqlite_temp_master").fetchone()[0] == 0


def test_an_article_another_connection_commits_is_seen(lib):
    with lib.citations.keep_stubs() as kept:
        lib.citations.add_many([(1, Reference(raw=CITATION), "cites", "x")])
        other = Library.open(lib.path)
        new = other.articles.add(Article(title=TITLE, issued="2021"))
        other.close()
        lib.citations.add_many([(2, Reference(raw=TITLE, year=2021), "cites", "x")])
        assert kept.titles.reads == 2
    assert _edges(lib)[-1] == (2, new, 0)


def test_a_rolled_back_batch_leaves_nothing_missing(lib):
    with lib.citations.keep_stubs() as kept:
        with pytest.raises(RuntimeError):
            with lib.transaction():      # the log is made in a transaction rolled back
                lib.citations.add_many([(1, Reference(raw=CITATION), "cites", "x")])
                raise RuntimeError("cancelled")
        new = lib.articles.add(Article(title=TITLE, issued="2021"))
        lib.citations.add_many([(2, Reference(raw=TITLE, year=2021), "cites", "x")])
        assert kept.titles.reads == 2
    assert _edges(lib) == [(2, new, 0)]
