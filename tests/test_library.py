"""The library core on a real SQLite file: articles, FTS, tags, notes, trash, migrations."""
import sqlite3

import pytest

from amlref.core.article import Article, Person
from amlref.core.errors import IdentifierError, LibraryError, InputError, NotFound
from amlref.storage import schema
from amlref.storage.library import Library


def art(title, family="Bawek", year="2024", **kw):
    return Article(title=title, authors=[Person(family=family, given="S")], issued=year, **kw)


def test_new_library_is_wal_with_foreign_keys(lib, lib_path):
    assert lib_path.exists()
    assert lib.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert lib.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert lib.schema_version == schema.LATEST
    assert lib.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_add_get_and_key(lib):
    a = art("Updates in novel immunotherapeutic strategies for relapsed/refractory AML",
            doi="https://doi.org/10.3389/FONC.2024.1374963", pmid="39697225", pmcid="pmc11652486")
    aid = lib.articles.add(a)
    got = lib.articles.get(aid)
    assert got.citekey == "bawek2024updates"
    assert got.doi == "10.3389/fonc.2024.1374963"
    assert got.pmcid == "PMC11652486"
    assert got.authors == [Person(family="Bawek", given="S")]
    for key in ("bawek2024updates", "10.3389/fonc.2024.1374963", "39697225", "PMC11652486",
                "https://pubmed.ncbi.nlm.nih.gov/39697225/"):
        assert lib.articles.find(key).id == aid
    with pytest.raises(NotFound):
        lib.articles.find("nosuchkey")


def test_key_clash_gets_suffix_and_never_changes(lib):
    ids = [lib.articles.add(art("Updates on CAR-T")) for _ in range(3)]
    keys = [lib.articles.get(i).citekey for i in ids]
    assert keys == ["bawek2024updates", "bawek2024updatesa", "bawek2024updatesb"]
    lib.articles.update(ids[0], {"title": "Completely different title"})
    assert lib.articles.get(ids[0]).citekey == "bawek2024updates"


def test_invalid_identifier_rejected(lib):
    with pytest.raises(IdentifierError, match="not a valid DOI"):
        lib.articles.add(art("x", doi="12.34/abc"))
    assert lib.articles.count() == 0


def test_extra_is_kept(lib):
    a = art("Extra fields", extra={"eprint": "2401.00001", "nested": {"a": [1, 2]}})
    aid = lib.articles.add(a)
    assert lib.articles.get(aid).extra == {"eprint": "2401.00001", "nested": {"a": [1, 2]}}


def test_fts_over_all_fields_and_kept_in_step(lib):
    aid = lib.articles.add(Article(
        title="Magrolimab plus azacitidine", abstract="A CD47 blocking antibody in AML",
        authors=[Person(family="Müller", given="Jörg")], keywords=["macrophage checkpoint"],
        mesh=["Leukemia, Myeloid, Acute/therapy"], container="Blood", issued="2023"))
    s = lib.articles.search
    assert s("magrolimab") == [aid]          # title
    assert s("CD47") == [aid]                # abstract
    assert s("Muller") == [aid]              # author, diacritics folded
    assert s("Müller") == [aid]
    assert s("author:muller") == [aid]
    assert s("title:muller") == []
    assert s("macrophage") == [aid]          # keyword
    assert s("mesh:myeloid") == [aid]        # MeSH
    assert s("journal:blood") == [aid]
    assert s("magro") == [aid]               # prefix as you type
    assert s("year:2020..2024") == [aid] and s("year:2010..2012") == []
    assert s("magrolimab -azacitidine") == []
    assert s("venetoclax") == []
    lib.notes.add(aid, "discuss with the trial team")
    assert s("trial team") == [aid]          # notes are searchable
    lib.articles.update(aid, {"title": "Sabatolimab study"})
    assert s("magrolimab") == [] and s("sabatolimab") == [aid]
    lib.articles.trash([aid])
    assert s("sabatolimab") == []
    assert s("sabatolimab", include_deleted=True) == [aid]


def test_odd_queries_never_raise_sqlite_errors(lib):
    aid = lib.articles.add(art("Something unbalanced"))
    assert lib.articles.search('"unbalanced') == [aid]
    assert lib.articles.search("((") == [aid]        # no words: like an empty search
    assert lib.articles.search('title:"some* AND') == []
    assert lib.articles.search("NEAR( OR") == []


def test_trash_restore_empty(lib):
    a, b = lib.articles.add(art("First paper")), lib.articles.add(art("Second paper", "Other"))
    lib.notes.add(a, "a note")
    lib.tags.add([a], "review")
    assert lib.articles.trash([a]) == 1
    assert lib.articles.count() == 1 and lib.articles.trashed_ids() == [a]
    assert lib.tags.counts() == [("review", 0)]
    assert lib.articles.restore([a]) == 1
    assert lib.articles.count() == 2 and lib.tags.counts() == [("review", 1)]
    lib.articles.trash([a])
    assert lib.articles.empty_trash() == 1
    assert lib.articles.count(include_deleted=True) == 1
    assert lib.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    assert lib.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 1
    assert lib.articles.purge([b]) == 0  # only trashed articles can be purged


def test_transaction_rolls_back_everything(lib):
    with pytest.raises(RuntimeError):
        with lib.transaction():
            lib.articles.add(art("Will vanish"))
            lib.tags.add([1], "x")
            raise RuntimeError("boom")
    assert lib.articles.count(include_deleted=True) == 0
    assert lib.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 0


def test_user_edits_recorded(lib):
    aid = lib.articles.add(art("Original"))
    lib.articles.update(aid, {"title": "Edited", "volume": "12"}, by_user=True)
    assert lib.articles.get(aid).user_edited == ["title", "volume"]
    with pytest.raises(InputError):
        lib.articles.update(aid, {"nosuchfield": 1})


def test_change_events_after_commit(lib):
    seen = []
    lib.events.subscribe(lambda name, data: seen.append((name, data["ids"])))
    with lib.transaction():
        aid = lib.articles.add(art("One"))
        assert seen == []
    assert seen == [("changed", [aid])]


def test_not_sqlite_file_refused_unchanged(tmp_path):
    p = tmp_path / "lib.sqlite"
    p.write_bytes(b"this is not a database\n" * 10)
    before = p.read_bytes()
    with pytest.raises(LibraryError, match="not an AMLRef library"):
        Library.open(p)
    assert p.read_bytes() == before


def test_other_sqlite_database_refused(tmp_path):
    p = tmp_path / "other.sqlite"
    c = sqlite3.connect(p)
    c.execute("CREATE TABLE foo(x)")
    c.commit()
    c.close()
    with pytest.raises(LibraryError, match="another program"):
        Library.open(p)


def test_newer_schema_refused_and_unchanged(tmp_path):
    p = tmp_path / "new.sqlite"
    Library.open(p).close()
    c = sqlite3.connect(p)
    c.execute(f"PRAGMA user_version = {schema.LATEST + 5}")
    c.commit()
    c.close()
    before = p.read_bytes()
    with pytest.raises(LibraryError, match="newer AMLRef"):
        Library.open(p)
    assert p.read_bytes() == before


def test_migration_makes_backup_first(tmp_path, monkeypatch):
    p = tmp_path / "old.sqlite"
    Library.open(p).close()
    step = ["CREATE TABLE test_extra(x INTEGER)"]
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + [step])
    monkeypatch.setattr(schema, "LATEST", len(schema.MIGRATIONS))
    lib = Library.open(p)
    assert lib.schema_version == schema.LATEST
    assert lib.execute("SELECT count(*) FROM test_extra").fetchone()[0] == 0
    lib.close()
    backups = list((tmp_path / "old.backups").glob("old-*-before-migration-v*.sqlite"))
    assert len(backups) == 1
    c = sqlite3.connect(backups[0])
    assert c.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST - 1


def test_failed_migration_leaves_library_as_it_was(tmp_path, monkeypatch):
    p = tmp_path / "old.sqlite"
    lib = Library.open(p)
    lib.articles.add(art("Keep me"))
    lib.close()
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + [["CREATE TABLE ok(x)", "BROKEN SQL"]])
    monkeypatch.setattr(schema, "LATEST", len(schema.MIGRATIONS))
    with pytest.raises(LibraryError):
        Library.open(p)
    c = sqlite3.connect(p)
    assert c.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST - 1
    assert c.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ok'").fetchone()[0] == 0
    assert c.execute("SELECT title FROM articles").fetchone()[0] == "Keep me"


def test_default_library_in_user_data_folder(tmp_path, monkeypatch):
    from amlref.storage.library import default_library_path
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_library_path() == tmp_path / "data" / "amlref" / "library.sqlite"
    monkeypatch.setenv("AMLREF_LIBRARY", str(tmp_path / "env.sqlite"))
    assert default_library_path() == tmp_path / "env.sqlite"


def test_very_common_terms_list_newest_first(lib, monkeypatch):
    import amlref.storage.articles as arts_mod
    ids = [lib.articles.add(art(f"Acute myeloid leukemia study {i}", doi=f"10.1000/{i}"))
           for i in range(5)]
    rare = lib.articles.add(art("Acute myeloid leukemia and a rare word zanubrutinib"))
    monkeypatch.setattr(arts_mod, "COMMON_DOCS", 3)
    # every term common: newest first, exact hit set
    assert lib.articles.search("leukemia", limit=3) == [rare, ids[4], ids[3]]
    assert lib.articles.search("leuk", limit=50) == [rare] + ids[::-1]
    # a rare term among them: relevance ranking as usual
    assert lib.articles.search("leukemia zanubrutinib") == [rare]
    lib.articles.trash([rare])
    assert lib.articles.search("leukemia", limit=2) == [ids[4], ids[3]]


def test_bulk_add_is_indexed_once_and_exactly(lib):
    before = lib.articles.add(art("Earlier magrolimab paper"))
    with lib.articles.bulk():
        ids = lib.articles.add_many([art(f"Bulk paper {i} about flotetuzumab", family=f"F{i}")
                                     for i in range(30)])
        lib.articles.update(ids[0], {"title": "Retitled vibecotamab paper"})
        lib.notes.add(ids[1], "note mentioning gemtuzumab")
        lib.articles.update(before, {"title": "Earlier sabatolimab paper"})
    assert lib.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 31
    assert lib.execute("SELECT count(*) FROM fts_pause").fetchone()[0] == 0
    assert len(lib.articles.search("flotetuzumab", limit=None)) == 29
    assert lib.articles.search("vibecotamab") == [ids[0]]
    assert lib.articles.search("gemtuzumab") == [ids[1]]
    assert lib.articles.search("sabatolimab") == [before]
    lib.articles.add(art("Single insert after bulk: pivekimab"))   # trigger path again
    assert len(lib.articles.search("pivekimab")) == 1


def test_failed_bulk_leaves_nothing(lib):
    with pytest.raises(RuntimeError):
        with lib.articles.bulk():
            lib.articles.add_many([art(f"Paper {i}") for i in range(25)])
            raise RuntimeError("stop")
    assert lib.articles.count() == 0
    assert lib.execute("SELECT count(*) FROM fts_pause").fetchone()[0] == 0
    lib.articles.add(art("Indexed again"))
    assert len(lib.articles.search("indexed")) == 1


def test_atomic_write_gives_a_normal_file_mode(tmp_path):
    import os
    from amlref.services.files import atomic_write
    p = tmp_path / "refs.bib"
    atomic_write(str(p), "@misc{a}\n")
    umask = os.umask(0)
    os.umask(umask)
    assert p.stat().st_mode & 0o777 == 0o666 & ~umask
    os.chmod(p, 0o640)
    atomic_write(str(p), "@misc{b}\n")
    assert p.stat().st_mode & 0o777 == 0o640 and p.read_text() == "@misc{b}\n"


def test_hand_written_json_of_rows_is_what_json_dumps_writes():
    """row_values writes the authors/keywords JSON itself (a hot path); it must be the text
    json.dumps gives, for quotes, backslashes, control and non-ASCII characters."""
    import json
    from amlref.storage.articles import _INSERT_COLS, row_values
    odd = ['plain', 'quote " here', 'back\\slash', 'tab\tnew\nline', 'Döhner', '\u2028', '🧬', '']
    a = Article(title="t", authors=[Person(family=f, given=g) for f, g in zip(odd, reversed(odd))]
                + [Person(literal="AML \"Study\" Group")], editors=[Person(given="Solo")],
                keywords=odd, mesh=["Leukemia, Myeloid, Acute/therapy*"], pub_types=[])
    row = dict(zip(_INSERT_COLS, row_values(a, "now")))
    dumps = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    assert row["authors"] == dumps([p.to_dict() for p in a.authors])
    assert row["editors"] == dumps([{"given": "Solo"}])
    assert row["keywords"] == dumps(odd) and row["mesh"] == dumps(a.mesh)
    assert row["pub_types"] == "[]"
