"""Nested Library.transaction() blocks join the enclosing transaction (no savepoint); what a
nested part must undo alone goes through Library.savepoint().  A real SQLite library."""
from __future__ import annotations

import pytest

from amlref.core.article import Article, Person, Reference
from amlref.core.errors import InputError, LibraryError
from amlref.storage.library import Library


def art(title: str, **kw) -> Article:
    return Article(type="article-journal", title=title, issued="2024",
                   authors=[Person(family="Bawek", given="S")], **kw)


def count(lib) -> int:
    return lib.articles.count(include_deleted=True)


def test_nested_blocks_commit_with_the_outer_one_and_open_no_savepoint(lib):
    statements = []
    lib.conn.set_trace_callback(statements.append)
    with lib.transaction():
        a = lib.articles.add(art("One nested add"))
        lib.tags.add([a], "t")
        lib.citations.add(a, Reference(raw="Someone. A paper. 2020.", doi="10.1000/xyz"))
    lib.conn.set_trace_callback(None)
    assert not [s for s in statements if "SAVEPOINT" in s.upper() or "RELEASE" in s.upper()]
    assert count(lib) == 1 and lib.tags.of(a) == ["t"]


def test_an_error_anywhere_rolls_back_everything(lib):
    with pytest.raises(RuntimeError):
        with lib.transaction():
            lib.articles.add(art("Kept only if all went well"))
            with lib.transaction():
                lib.articles.add(art("Inner one"))
                raise RuntimeError("boom")
    assert count(lib) == 0
    assert lib.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 0


def test_a_caught_error_of_a_nested_block_that_wrote_never_commits_half(lib):
    """Without a savepoint the inner part cannot be undone alone: the whole transaction is
    rolled back when it ends, with one line saying so."""
    with pytest.raises(LibraryError, match="nothing of either was saved"):
        with lib.transaction():
            lib.articles.add(art("Outer write"))
            try:
                with lib.transaction():
                    lib.articles.add(art("Inner write"))
                    raise InputError("bad value")
            except InputError:
                pass
    assert count(lib) == 0
    # the library goes on working: the next transaction is a fresh one
    with lib.transaction():
        lib.articles.add(art("Later"))
    assert count(lib) == 1


def test_a_caught_error_before_any_write_leaves_the_outer_transaction_usable(lib):
    with lib.transaction():
        lib.articles.add(art("Outer write"))
        with pytest.raises(InputError):
            lib.tags.add([1], "  ")          # refused before it wrote anything
    assert count(lib) == 1


def test_a_broken_bulk_load_inside_an_import_transaction_keeps_the_search_trigger(lib):
    with pytest.raises(LibraryError):
        with lib.transaction():
            try:
                with lib.articles.bulk():     # drops the row-by-row index trigger
                    lib.articles.add_many([art(f"Bulk {i}") for i in range(30)])
                    raise ValueError("cut")
            except ValueError:
                pass
    assert count(lib) == 0
    assert lib.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND "
                       "name = 'articles_fts_ai'").fetchone()
    aid = lib.articles.add(art("Indexed row by row again"))
    assert lib.articles.search("indexed") == [aid]


def test_savepoint_undoes_only_its_own_part(lib):
    with lib.transaction():
        lib.articles.add(art("Outer write"))
        with pytest.raises(InputError):
            with lib.savepoint():
                lib.articles.add(art("Undone alone"))
                raise InputError("bad value")
        lib.articles.add(art("After it"))
    assert sorted(a.title for a in lib.articles.iter_all()) == ["After it", "Outer write"]


def test_savepoint_at_the_top_is_a_transaction(lib):
    with pytest.raises(RuntimeError):
        with lib.savepoint():
            lib.articles.add(art("Gone"))
            raise RuntimeError("x")
    with lib.savepoint():
        lib.articles.add(art("Kept"))
    assert [a.title for a in lib.articles.iter_all()] == ["Kept"]


def test_change_events_once_after_the_outer_commit(lib):
    seen = []
    lib.events.subscribe(lambda name, data: seen.append(data["ids"]))
    with lib.transaction():
        a = lib.articles.add(art("One"))
        with lib.transaction():
            b = lib.articles.add(art("Two"))
        assert seen == []
    assert seen == [sorted([a, b])]


def test_a_second_connection_sees_nothing_before_the_commit(lib, lib_path):
    other = Library.open(lib_path)
    try:
        with lib.transaction():
            with lib.transaction():
                lib.articles.add(art("Not yet visible"))
            assert other.articles.count() == 0
        assert other.articles.count() == 1
    finally:
        other.close()
