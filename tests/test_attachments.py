"""Attachments: copy/link, naming, SHA-256, check, relink, trash, migration, file links of
imported BibTeX/RIS files -- real SQLite libraries, real files, the real command line."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from amlref.core.article import Article, Person
from amlref.services import attachments as svc
from amlref.storage import schema
from amlref.storage.library import Library


def _pdf(path: Path, text: bytes = b"x") -> Path:
    """A small file that is a PDF by its first bytes (content varies with ``text``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n% test file\n" + text + b"\n%%EOF\n")
    return path


@pytest.fixture
def art(lib):
    return lib.articles.add(Article(title="CD33 antibody-drug conjugates in AML", issued="2021",
                                    authors=[Person("Walter", "Roland")]))


def test_copy_into_files_folder_named_by_citekey(lib, art, tmp_path, cli):
    src = _pdf(tmp_path / "download" / "paper (1).pdf")
    att = svc.attach(lib, art, str(src))
    key = lib.articles.get(art).citekey
    stored = tmp_path / "library.files" / f"{key}.pdf"
    assert stored.read_bytes() == src.read_bytes() and src.exists()
    assert att.mode == "stored" and att.kind == "pdf" and att.size == src.stat().st_size
    assert att.path == os.path.join("library.files", f"{key}.pdf")      # relative to the library
    import hashlib
    assert att.sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    assert lib.pending.count("fulltext") == 1
    # the same content again: no second row, no second copy
    assert svc.attach(lib, art, str(src)).id == att.id
    assert len(list((tmp_path / "library.files").iterdir())) == 1
    lib.close()
    r = cli("show", key, "--json")
    files = r.json()["files"]
    assert [(f["path"], f["kind"], f["size"], f["sha256"], f["missing"]) for f in files] == \
        [(str(stored), "pdf", att.size, att.sha256, False)]


def test_link_in_place_and_missing_shown(lib, art, tmp_path, cli):
    src = _pdf(tmp_path / "elsewhere" / "x.pdf")
    att = svc.attach(lib, art, str(src), link=True)
    assert att.mode == "linked" and att.path == os.path.join("elsewhere", "x.pdf")
    assert not (tmp_path / "library.files").exists()
    key = lib.articles.get(art).citekey
    lib.close()
    assert cli("files", "check").code == 0
    src.unlink()
    r = cli("files", "check", "--json")
    assert r.code == 1 and r.json()["missing"] == [
        {"citekey": key, "path": str(src), "kind": "pdf", "sha256": att.sha256}]
    assert cli("show", key, "--json").json()["files"][0]["missing"] is True


def test_name_pattern_with_folders_and_other_extension(lib, art, tmp_path):
    lib.settings.set("files.pattern", "[year]/[auth]-[title].pdf")
    doc = tmp_path / "supp.docx"
    doc.write_bytes(b"PK\x03\x04 not really")
    att = svc.attach(lib, art, str(doc))
    assert att.kind == "docx"
    assert att.path == os.path.join("library.files", "2021", "walter-cd33.docx")
    with pytest.raises(ValueError, match=r"\[nope\]"):
        svc.check_pattern("[nope].pdf")


def test_clash_gets_a_number(lib, tmp_path):
    a = lib.articles.add(Article(title="Same", citekey="k1"))
    b = lib.articles.add(Article(title="Other", citekey="k2"))
    lib.settings.set("files.pattern", "paper.pdf")   # no token: every file the same name
    with pytest.raises(ValueError):
        svc.check_pattern("paper.pdf")
    lib.settings.set("files.pattern", "[journal]paper.pdf")
    x = svc.attach(lib, a, str(_pdf(tmp_path / "1.pdf", b"1")))
    y = svc.attach(lib, b, str(_pdf(tmp_path / "2.pdf", b"2")))
    assert os.path.basename(x.path) == "paper.pdf" and os.path.basename(y.path) == "paper-2.pdf"


def test_moved_library_folder_keeps_its_files(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with Library.open(home / "refs.sqlite") as lib:
        aid = lib.articles.add(Article(title="One"))
        svc.attach(lib, aid, str(_pdf(tmp_path / "in.pdf")))
        svc.attach(lib, aid, str(_pdf(home / "papers" / "mine.pdf", b"m")), link=True)
    shutil.move(str(home), str(tmp_path / "synced"))
    with Library.open(tmp_path / "synced" / "refs.sqlite") as lib:
        assert svc.missing_files(lib) == []
        paths = [f["path"] for f in svc.files_json(lib, aid)]
        key = lib.articles.get(aid).citekey
        assert paths == [str(tmp_path / "synced" / "refs.files" / f"{key}.pdf"),
                         str(tmp_path / "synced" / "papers" / "mine.pdf")]


def test_relink_by_sha256(lib, art, tmp_path, cli):
    src = _pdf(tmp_path / "a" / "x.pdf", b"unique content 1")
    other = _pdf(tmp_path / "a" / "y.pdf", b"unique content 2")
    svc.attach(lib, art, str(src), link=True)
    lib.close()
    moved = tmp_path / "new place" / "deep" / "renamed.pdf"
    moved.parent.mkdir(parents=True)
    shutil.move(str(src), str(moved))
    _pdf(tmp_path / "new place" / "decoy.pdf", b"unique content 9")   # same size, other hash
    r = cli("files", "relink", str(tmp_path / "new place"), "--json")
    assert r.code == 0, r
    assert [x["new"] for x in r.json()["relinked"]] == [str(moved)]
    assert cli("files", "check").code == 0
    assert other.exists()


def test_trash_keeps_files_until_emptied(lib, art, tmp_path, cli):
    stored = svc.attach(lib, art, str(_pdf(tmp_path / "s.pdf", b"s")))
    linked_src = _pdf(tmp_path / "keep" / "l.pdf", b"l")
    svc.attach(lib, art, str(linked_src), link=True)
    key = lib.articles.get(art).citekey
    full = lib.attachments.resolve(stored)
    lib.close()
    assert cli("delete", key).code == 0
    assert os.path.exists(full)
    assert cli("trash", "restore", key).code == 0 and os.path.exists(full)
    assert cli("delete", key).code == 0
    r = cli("trash", "empty")
    assert r.code == 0 and "1 stored files deleted" in r.out
    assert not os.path.exists(full) and linked_src.exists()


def test_rename_stored_after_citekey_change(lib, art, tmp_path):
    att = svc.attach(lib, art, str(_pdf(tmp_path / "s.pdf")))
    old = lib.attachments.resolve(att)
    lib.articles.update(art, {"citekey": "walter2021adc"}, by_user=True)
    done = svc.rename_stored(lib, art)
    new = str(tmp_path / "library.files" / "walter2021adc.pdf")
    assert done == [(old, new)] and os.path.exists(new) and not os.path.exists(old)
    assert svc.missing_files(lib) == []


def test_attach_cli_errors_are_one_line(cli, tmp_path):
    r = cli("attach", "nokey", str(tmp_path / "none.pdf"))
    assert r.code == 2 and r.err.count("\n") == 1 and "none.pdf" in r.err
    _pdf(tmp_path / "x.pdf")
    r = cli("attach", "nokey", str(tmp_path / "x.pdf"))
    assert r.code != 0 and "nokey" in r.err and "Traceback" not in r.err


def test_migration_from_version_4_keeps_rows_and_makes_backup(lib_path, monkeypatch):
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:4])
    monkeypatch.setattr(schema, "LATEST", 4)
    with Library.open(lib_path) as old:
        aid = old.articles.add(Article(title="Old"))
        old.execute("INSERT INTO attachments(article_id, path) VALUES (?, ?)", (aid, "/x/y.pdf"))
    monkeypatch.undo()
    with Library.open(lib_path) as new:
        assert new.schema_version == schema.LATEST == len(schema.MIGRATIONS)
        att = new.attachments.of(aid)[0]
        assert (att.path, att.mode, att.sha256) == ("/x/y.pdf", "linked", "")
        assert new.execute("SELECT count(*) FROM fulltext").fetchone()[0] == 0
    backups = list((lib_path.parent / "library.backups").glob("library-*-before-migration-v4.sqlite"))
    assert len(backups) == 1
    import sqlite3
    c = sqlite3.connect(backups[0])
    assert c.execute("PRAGMA user_version").fetchone()[0] == 4
    c.close()


# -- links in imported bibliography files --------------------------------------------------
def test_bibtex_file_fields_of_each_tool(cli, tmp_path, lib_path):
    bibdir = tmp_path / "export"
    _pdf(bibdir / "files" / "47" / "Walter - 2021 - CD33.pdf", b"zotero")
    _pdf(bibdir / "papers" / "jab.pdf", b"jabref")
    bbt = _pdf(tmp_path / "Zotero" / "storage" / "ABCD1234" / "bbt.pdf", b"bbt")
    bib = bibdir / "refs.bib"
    bib.write_text(r"""
@article{zot,
  title = {Zotero export},
  author = {Walter, Roland},
  year = {2021},
  file = {Full Text:files/47/Walter - 2021 - CD33.pdf:application/pdf;Snapshot:files/48/page.html:text/html},
}
@article{jab,
  title = {JabRef entry},
  author = {Roe, Rick},
  year = {2018},
  file = {Full text:papers/jab.pdf:PDF},
}
@article{bbt,
  title = {Better BibTeX entry},
  author = {Poe, Pam},
  year = {2017},
  file = {%s},
}
@article{mend,
  title = {Mendeley entry},
  author = {Doe, Jane},
  year = {2019},
  file = {:C$\backslash$:/Users/jane/Documents/Mendeley Desktop/Doe - 2019.pdf:pdf},
}
""" % bbt, "utf-8")
    r = cli("import", str(bib))
    assert r.code == 0, r
    assert "3 attached, 2 missing" in r.err
    got = {k: [(f["mode"], f["path"], f["missing"]) for f in cli("show", k, "--json").json()["files"]]
           for k in ("zot", "jab", "bbt", "mend")}
    assert got["zot"] == [("linked", str(bibdir / "files/47/Walter - 2021 - CD33.pdf"), False),
                          ("linked", str(bibdir / "files/48/page.html"), True)]
    assert got["jab"] == [("linked", str(bibdir / "papers" / "jab.pdf"), False)]
    assert got["bbt"] == [("linked", str(bbt), False)]
    assert got["mend"] == [("linked", "C:/Users/jane/Documents/Mendeley Desktop/Doe - 2019.pdf",
                            True)]
    # nothing was copied
    assert not (tmp_path / "library.files").exists()


def test_ris_l1_links(cli, tmp_path):
    pdf = _pdf(tmp_path / "pdfs" / "a b.pdf", b"ris")
    ris = tmp_path / "refs.ris"
    ris.write_text("TY  - JOUR\nTI  - RIS linked paper\nAU  - Doe, J\nPY  - 2021\n"
                   f"L1  - file://{str(pdf).replace(' ', '%20')}\n"
                   "L1  - https://example.org/a.pdf\n"
                   "L4  - internal-pdf://0123456789/gone.pdf\nER  - \n", "utf-8")
    r = cli("import", str(ris))
    assert r.code == 0, r
    key = cli("search", "RIS linked", "--json").json()["results"][0]["citekey"]
    files = cli("show", key, "--json").json()["files"]
    assert [(f["path"], f["missing"]) for f in files][0] == (str(pdf), False)
    assert len(files) == 2 and files[1]["missing"] is True


def test_jabref_file_field_for_export(lib, art, tmp_path):
    from amlref.formats.file_fields import parse_bibtex_file_field
    a = svc.attach(lib, art, str(_pdf(tmp_path / "x.pdf")))
    field = svc.jabref_file_field(lib, art)
    assert [(f.path, f.mime) for f in parse_bibtex_file_field(field)] == [
        (lib.attachments.resolve(a), "PDF")]
    assert svc.jabref_file_field(lib, lib.articles.add(Article(title="none"))) == ""


def test_endnote_internal_pdf_link_found_in_the_data_folder(cli, tmp_path):
    pdf = _pdf(tmp_path / "My EndNote Library.Data" / "PDF" / "0123456789" / "Smith-2020.pdf",
               b"endnote")
    ris = tmp_path / "export.ris"
    ris.write_text("TY  - JOUR\nTI  - EndNote linked paper\nAU  - Smith, J\nPY  - 2020\n"
                   "L1  - internal-pdf://0123456789/Smith-2020.pdf\nER  - \n", "utf-8")
    assert cli("import", str(ris)).code == 0
    key = cli("search", "EndNote linked", "--json").json()["results"][0]["citekey"]
    (f,) = cli("show", key, "--json").json()["files"]
    assert (f["path"], f["mode"], f["missing"]) == (str(pdf), "linked", False)


def test_export_with_file_fields_reopens_with_its_pdfs(lib, art, tmp_path, cli):
    """`amlref export --file-fields`: the .bib carries JabRef file fields; imported into a new
    library it attaches the same files (linked)."""
    from amlref.formats.file_fields import parse_bibtex_file_field
    a = svc.attach(lib, art, str(_pdf(tmp_path / "paper.pdf")))
    path = lib.attachments.resolve(a)
    lib.close()
    out = tmp_path / "out.bib"
    cli("export", "-f", "biblatex", "--file-fields", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    (line,) = [ln for ln in text.splitlines() if ln.strip().startswith("file = ")]
    value = line.split("=", 1)[1].strip().rstrip(",")[1:-1]
    assert [f.path for f in parse_bibtex_file_field(value)] == [path]
    plain = tmp_path / "plain.bib"
    cli("export", "-f", "biblatex", "-o", str(plain))
    assert "file = " not in plain.read_text(encoding="utf-8")
    other = tmp_path / "other.sqlite"
    cli("--library", str(other), "import", str(out))
    with Library.open(other) as lib2:
        (b,) = list(lib2.articles.iter_all())
        (att,) = lib2.attachments.of(b.id)
        assert lib2.attachments.resolve(att) == path and att.mode == "linked"
