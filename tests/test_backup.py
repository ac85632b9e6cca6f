"""Backups: rotating automatic copies (daily, before migrations and bulk operations), and
``amlref backup`` / ``restore`` with their checks, on real SQLite files."""
import json
import os
import sqlite3
from datetime import datetime, timedelta

import pytest

from amlref.core.article import Article, ParseResult, Person
from amlref.core.errors import LibraryError
from amlref.services.backup import backup, restore
from amlref.services.dedup import find_groups, merge_all
from amlref.services.importing import import_results
from amlref.storage import schema
from amlref.storage.backup import backups_folder, listing, rotate, snapshot
from amlref.storage.library import Library


def rec(n: int, **kw) -> Article:
    return Article(title=f"CD33-directed CAR T cells in relapsed AML, cohort {n}",
                   authors=[Person(family=f"Author{n}", given="A")], issued="2022",
                   origin="ris", doi=kw.pop("doi", f"10.1000/cohort.{n}"), **kw)


def imp(lib, arts):
    return import_results(lib, [("f.ris", ParseResult(articles=list(arts), format="ris"))],
                          classify=False)


def count(path) -> int:
    c = sqlite3.connect(path)
    try:
        return c.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        c.close()


def reasons(lib_path) -> list[str]:
    return [b["reason"] for b in listing(lib_path)]


def make_library(path, n=3) -> None:
    with Library.open(path) as lib:
        imp(lib, [rec(i) for i in range(n)])


# -- automatic copies ----------------------------------------------------------------------------
def test_rotation_keeps_the_newest_automatic_copies(lib, lib_path):
    imp(lib, [rec(1)])
    lib.settings.set("backup.keep", 3)
    made = [snapshot(lib, f"step{i}") for i in range(5)]
    manual = snapshot(lib, "manual")
    kept = [b["path"] for b in listing(lib_path)]
    assert kept == made[2:] + [manual]                    # oldest two went; manual stays
    assert all(count(p) == 1 for p in kept)
    assert rotate(lib_path, 1) == made[2:4]
    assert backups_folder(lib_path) == lib_path.parent / "library.backups"


def test_daily_copy_on_the_first_open_of_a_day(lib_path):
    make_library(lib_path)                                 # created: no copy of nothing
    assert listing(lib_path) == []
    Library.open(lib_path).close()
    Library.open(lib_path).close()
    assert reasons(lib_path) == ["daily"]                 # once a day
    only = listing(lib_path)[0]["path"]
    yesterday = (datetime.now() - timedelta(days=1)).strftime("%Y%m%d-%H%M%S")
    old = only.with_name(f"library-{yesterday}-daily.sqlite")
    only.rename(old)
    with Library.open(lib_path) as lib:
        assert reasons(lib_path) == ["daily", "daily"]
        assert count(listing(lib_path)[-1]["path"]) == 3
        lib.settings.set("backup.daily", False)
    old.rename(old.with_name("library-20000101-000000-daily.sqlite"))
    for b in listing(lib_path)[1:]:
        b["path"].unlink()
    Library.open(lib_path).close()
    assert reasons(lib_path) == ["daily"]                  # the setting turns it off


def test_daily_copy_from_the_command_line(cli, lib_path):
    make_library(lib_path)
    assert cli("search", "CD33").code == 0
    assert reasons(lib_path) == ["daily"]


def test_big_import_is_backed_up_first(lib, lib_path):
    lib.settings.set("backup.daily", False)
    imp(lib, [rec(i) for i in range(5)])
    assert listing(lib_path) == []                        # small import: no copy
    imp(lib, [rec(i) for i in range(100, 1101)])         # 1,001 records
    (b,) = listing(lib_path)
    assert b["reason"] == "before-import" and count(b["path"]) == 5
    assert lib.articles.count() == 1006


def test_first_big_import_into_an_empty_library_needs_no_copy(lib, lib_path):
    imp(lib, [rec(i) for i in range(1001)])
    assert listing(lib_path) == []


def test_merge_and_empty_trash_are_backed_up_first(lib, lib_path, cli):
    lib.settings.set("backup.daily", False)
    ids = lib.articles.add_many([rec(1), rec(1, pmid="5"), rec(2)])
    groups = find_groups(lib)
    assert [sorted(g.ids) for g in groups] == [sorted(ids[:2])]
    merge_all(lib, groups)
    (b,) = listing(lib_path)
    assert b["reason"] == "before-merge"
    c = sqlite3.connect(b["path"])
    assert c.execute("SELECT count(*) FROM articles WHERE deleted_at IS NULL").fetchone()[0] == 3
    c.close()
    assert lib.articles.count() == 2
    r = cli("trash", "empty")
    assert r.code == 0, r
    assert reasons(lib_path) == ["before-merge", "before-empty-trash"]
    assert count(listing(lib_path)[-1]["path"]) == 3     # the trashed one is still in the copy
    assert count(lib_path) == 2


def test_migration_copy_goes_to_the_backups_folder(tmp_path, monkeypatch):
    p = tmp_path / "old.sqlite"
    make_library(p)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + [["CREATE TABLE t_x(x)"]])
    monkeypatch.setattr(schema, "LATEST", len(schema.MIGRATIONS))
    Library.open(p).close()
    (b,) = listing(p)                                     # (and no daily copy the same day)
    assert b["reason"] == f"before-migration-v{schema.LATEST - 1}"
    c = sqlite3.connect(b["path"])
    assert c.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST - 1
    c.close()


# -- backup and restore --------------------------------------------------------------------------
def test_backup_and_restore_from_the_command_line(cli, lib_path, tmp_path):
    make_library(lib_path, 3)
    r = cli("backup", tmp_path / "copy.sqlite", "--json")
    assert r.code == 0, r
    assert r.json()["path"].endswith("copy.sqlite") and r.json()["files"] is None
    with Library.open(lib_path) as lib:
        imp(lib, [rec(50)])                                # a change after the backup
    r = cli("restore", tmp_path / "copy.sqlite", "--json")
    assert r.code == 0, r
    assert count(lib_path) == 3
    previous = r.json()["previous"]
    assert "before-restore" in previous and count(previous) == 4   # current one kept first
    r = cli("search", "cohort")
    assert r.code == 0 and "cohort 50" not in r.out
    assert not os.path.exists(str(lib_path) + ".restoring")


def test_backup_without_path_goes_to_the_backups_folder(cli, lib_path):
    make_library(lib_path, 2)
    r = cli("backup")
    assert r.code == 0 and "library.backups" in r.out
    assert "manual" in reasons(lib_path)
    r = cli("backups", "--json")
    assert any(b["reason"] == "manual" for b in json.loads(r.out))


def _same(path, before: bytes) -> bool:
    return path.read_bytes() == before


def test_damaged_backup_is_refused_and_nothing_changes(cli, lib_path, tmp_path):
    make_library(lib_path, 3)
    copy = tmp_path / "copy.sqlite"
    assert cli("backup", copy).code == 0
    data = bytearray(copy.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    for at in range(2 * page + 8, len(data) - page, page):     # every b-tree page scrambled
        data[at:at + 200] = bytes(range(200))
    copy.write_bytes(bytes(data))
    Library.open(lib_path).close()
    before = lib_path.read_bytes()
    folder_before = sorted(os.listdir(backups_folder(lib_path)))
    r = cli("restore", copy)
    assert r.code == 2 and r.err.count("\n") == 1 and str(copy) in r.err, r
    assert "damaged" in r.err
    assert _same(lib_path, before)
    assert sorted(os.listdir(backups_folder(lib_path))) == folder_before   # nothing made


def test_backup_of_a_newer_version_is_refused_untouched(cli, lib_path, tmp_path):
    make_library(lib_path, 3)
    copy = tmp_path / "newer.sqlite"
    assert cli("backup", copy).code == 0
    c = sqlite3.connect(copy)
    c.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    c.commit()
    c.close()
    copy_bytes, lib_bytes = copy.read_bytes(), lib_path.read_bytes()
    r = cli("restore", copy)
    assert r.code == 2 and "newer AMLRef" in r.err and str(copy) in r.err, r
    assert _same(copy, copy_bytes) and _same(lib_path, lib_bytes)


def test_other_programs_database_is_refused(cli, lib_path, tmp_path):
    make_library(lib_path, 1)
    other = tmp_path / "other.sqlite"
    c = sqlite3.connect(other)
    c.execute("CREATE TABLE foo(x)")
    c.commit()
    c.close()
    r = cli("restore", other)
    assert r.code == 2 and "not an AMLRef library" in r.err


def test_restore_refused_while_the_library_is_open_elsewhere(lib, lib_path, tmp_path):
    imp(lib, [rec(1)])
    copy = tmp_path / "c.sqlite"
    backup(lib, copy)
    imp(lib, [rec(2)])
    with pytest.raises(LibraryError, match="open in another program"):
        restore(lib_path, copy)
    assert lib.articles.count() == 2                       # still whole, still usable


def test_restore_an_older_version_migrates_it(tmp_path, monkeypatch):
    p = tmp_path / "lib.sqlite"
    make_library(p, 2)
    copy = tmp_path / "old-copy.sqlite"
    with Library.open(p) as lib:
        backup(lib, copy)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + [["CREATE TABLE t_y(x)"]])
    monkeypatch.setattr(schema, "LATEST", len(schema.MIGRATIONS))
    Library.open(p).close()                                # the library moves on
    result = restore(p, copy)
    assert result["version"] == schema.LATEST - 1
    with Library.open(p) as lib:
        assert lib.schema_version == schema.LATEST and lib.articles.count() == 2


def test_with_files_copies_and_restores_the_files_folder(cli, lib_path, tmp_path):
    make_library(lib_path, 1)
    files = lib_path.parent / "library.files"
    (files / "sub").mkdir(parents=True)
    (files / "Author02022.pdf").write_bytes(b"%PDF-1.4\n% first\n")
    (files / "sub" / "b.pdf").write_bytes(b"%PDF-1.4\n% second\n")
    out = tmp_path / "bk" / "copy.sqlite"
    out.parent.mkdir()
    r = cli("backup", out, "--with-files", "--json")
    assert r.code == 0 and r.json()["files"] == 2, r
    assert (tmp_path / "bk" / "copy.files" / "sub" / "b.pdf").read_bytes().endswith(b"second\n")
    (files / "Author02022.pdf").unlink()
    (files / "new.pdf").write_bytes(b"%PDF-1.4\n% added later\n")
    r = cli("restore", out, "--with-files", "--json")
    assert r.code == 0, r
    assert sorted(p.name for p in files.rglob("*.pdf")) == ["Author02022.pdf", "b.pdf"]
    previous_files = lib_path.parent / "library.backups" / (
        os.path.basename(r.json()["previous"])[:-len(".sqlite")] + ".files")
    assert (previous_files / "new.pdf").is_file()            # what was there is kept
    r = cli("restore", tmp_path / "nothing.sqlite", "--with-files")
    assert r.code == 2 and "no such backup" in r.err


def test_restore_without_files_folder_says_so(cli, lib_path, tmp_path):
    make_library(lib_path, 1)
    out = tmp_path / "plain.sqlite"
    assert cli("backup", out).code == 0
    before = lib_path.read_bytes()
    r = cli("restore", out, "--with-files")
    assert r.code == 2 and "plain.files" in r.err and r.err.count("\n") == 1
    assert _same(lib_path, before)


def test_restore_into_the_open_library(lib, lib_path, tmp_path):
    from amlref.services.backup import restore_open
    imp(lib, [rec(1), rec(2)])
    copy = tmp_path / "c.sqlite"
    backup(lib, copy)
    imp(lib, [rec(3)])
    other = Library.open(lib_path)                         # e.g. the window's worker thread
    result = restore_open(lib, copy)
    assert lib.articles.count() == 2 and other.articles.count() == 2
    assert count(result["previous"]) == 3
    assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r[0] for r in lib.execute("PRAGMA integrity_check")] == ["ok"]
    assert lib.articles.search("cohort")                  # full-text index came along
    other.close()
    c = sqlite3.connect(copy)
    c.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    c.commit()
    c.close()
    with pytest.raises(LibraryError, match="newer AMLRef"):
        restore_open(lib, copy)
    assert lib.articles.count() == 2


def test_an_empty_library_is_not_copied(tmp_path):
    p = tmp_path / "empty.sqlite"
    Library.open(p).close()
    Library.open(p).close()
    assert listing(p) == [] and not backups_folder(p).exists()


@pytest.mark.parametrize("open_window", [False, True])
def test_restoring_the_oldest_copy_does_not_rotate_it_away(lib_path, open_window):
    from amlref.services.backup import restore_open
    make_library(lib_path, 2)
    with Library.open(lib_path) as lib:
        lib.settings.set("backup.keep", 2)
        oldest = snapshot(lib, "first")
        imp(lib, [rec(7)])
        snapshot(lib, "second")
    if open_window:
        with Library.open(lib_path) as lib:
            restore_open(lib, oldest)
            assert lib.articles.count() == 2
    else:
        restore(lib_path, oldest)
        assert count(lib_path) == 2
    assert oldest.is_file()


def test_unwritable_backups_folder_does_not_stop_opening(lib_path):
    make_library(lib_path, 1)
    backups_folder(lib_path).write_text("a file where the folder would be")
    with Library.open(lib_path) as lib:                    # no daily copy, but it opens
        assert lib.articles.count() == 1
        with pytest.raises(LibraryError, match="cannot write backup"):
            snapshot(lib, "manual")
