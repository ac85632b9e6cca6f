"""The command-line contract of DESIGN.md on a real library file."""
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import corpus

CSL = [
    {"id": "bawek2024updates", "type": "article-journal",
     "title": "Updates in novel immunotherapeutic strategies for relapsed/refractory AML",
     "author": [{"family": "Bawek", "given": "Sarah"}, {"family": "Przespolewski", "given": "Amanda"}],
     "container-title": "Frontiers in Oncology", "issued": {"date-parts": [[2024, 12, 4]]},
     "DOI": "10.3389/fonc.2024.1374963", "PMID": "39697225", "PMCID": "PMC11652486",
     "abstract": "Checkpoint inhibitors, adoptive cell therapy, vaccines and STING agonists.",
     "keyword": "CAR-T, immunotherapy", "custom-field": {"kept": True}},
    {"id": "x2021car", "type": "article-journal",
     "title": "Novel CAR T therapy is a ray of hope in the treatment of seriously ill AML patients",
     "author": [{"family": "Mardiana"}], "container-title": "Stem Cell Res Ther",
     "issued": {"date-parts": [[2021]]}, "DOI": "10.1186/s13287-021-02420-8", "PMID": "34412685"},
]


@pytest.fixture
def csl_file(tmp_path):
    p = tmp_path / "two.json"
    p.write_text(json.dumps(CSL), encoding="utf-8")
    return p


def test_import_search_show_export(cli, csl_file):
    r = cli("import", csl_file, "--json")
    assert r.code == 0, r
    rep = r.json()
    assert (rep["added"], rep["merged"], rep["skipped"], rep["errors"]) == (2, 0, 0, [])
    r = cli("search", "przespolewski", "--json")
    assert [x["citekey"] for x in r.json()["results"]] == ["bawek2024updates"]
    r = cli("search", "STING")
    assert r.out.startswith("bawek2024updates\t2024\tBawek et al.\t")
    r = cli("show", "39697225", "--json")
    d = r.json()
    assert d["doi"] == "10.3389/fonc.2024.1374963" and d["pmcid"] == "PMC11652486"
    assert d["keywords"] == ["CAR-T", "immunotherapy"]
    r = cli("export", "-f", "csljson")
    items = json.loads(r.out)
    assert [i["id"] for i in items] == ["bawek2024updates", "x2021car"]
    assert items[0]["PMID"] == "39697225" and items[0]["custom"]["custom-field"] == {"kept": True}
    assert items[0]["issued"] == {"date-parts": [[2024, 12, 4]]}


def test_second_import_adds_nothing(cli, csl_file):
    cli("import", csl_file)
    r = cli("import", csl_file, "--json")
    assert r.json()["added"] == 0 and r.json()["merged"] == 2


def test_trash_cycle(cli, csl_file):
    cli("import", csl_file)
    assert cli("delete", "x2021car").code == 0
    assert "x2021car" not in cli("search", "CAR").out
    assert "x2021car" in cli("trash", "list").out
    assert cli("trash", "restore", "x2021car").code == 0
    assert "x2021car" in cli("search", "hope").out
    cli("delete", "x2021car")
    r = cli("trash", "empty")
    assert r.out.strip() == "1 deleted for good"
    assert cli("show", "x2021car").code == 2
    assert len(json.loads(cli("export", "-f", "csljson").out)) == 1


@pytest.mark.parametrize("case", ["missing", "folder", "unreadable", "unknown-format"])
def test_bad_inputs_one_line_exit_2_library_unchanged(cli, csl_file, tmp_path, lib_path, case):
    cli("import", csl_file)
    before = sqlite3.connect(lib_path).execute("SELECT count(*), max(modified) FROM articles").fetchone()
    if case == "missing":
        path = tmp_path / "nope.bib"
    elif case == "folder":            # (a folder with nothing AMLRef reads in it)
        path = tmp_path / "empty"
        path.mkdir()
    elif case == "unreadable":
        path = tmp_path / "secret.ris"
        path.write_text("TY  - JOUR\nER  -\n")
        path.chmod(0)
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything (root)")
    else:
        path = tmp_path / "notes.txt"
        path.write_text("just some words that are no bibliography\n")
    r = cli("import", path)
    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    assert str(path) in r.err
    after = sqlite3.connect(lib_path).execute("SELECT count(*), max(modified) FROM articles").fetchone()
    assert before == after


def test_unknown_format_lists_supported(cli, tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("hello\n")
    r = cli("import", p)
    assert "supported formats" in r.err and "csljson" in r.err


@pytest.mark.parametrize("content,message", [
    (b"not a database at all" * 20, "not an AMLRef library"),
    (None, "newer AMLRef"),
])
def test_bad_library_files(cli, csl_file, tmp_path, content, message):
    p = tmp_path / "lib.sqlite"
    if content is None:
        cli("--library", p, "import", csl_file)
        c = sqlite3.connect(p)
        c.execute("PRAGMA user_version = 99")
        c.commit()
        c.close()
    else:
        p.write_bytes(content)
    before = p.read_bytes()
    r = cli("--library", p, "search", "x")
    assert r.code == 2 and message in r.err and len(r.err.strip().splitlines()) == 1
    assert p.read_bytes() == before


def test_usage_errors_exit_2(cli):
    r = cli("export", "-f", "nosuchformat")
    assert r.code == 2 and "unknown export format" in r.err
    r = cli("show", "nokey")
    assert r.code == 2 and "no article" in r.err


def test_default_library_created_in_data_folder(tmp_path, csl_file):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("AMLREF_LIBRARY", None)
    r = subprocess.run([sys.executable, "-m", "amlref", "import", str(csl_file)], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "data" / "amlref" / "library.sqlite").exists()
    env["AMLREF_LIBRARY"] = str(tmp_path / "env.sqlite")
    subprocess.run([sys.executable, "-m", "amlref", "import", str(csl_file)], env=env, timeout=120)
    assert (tmp_path / "env.sqlite").exists()


def test_commands_other_than_gui_never_import_qt(tmp_path, csl_file):
    """Run every non-GUI command in a fresh interpreter and check no Qt module got loaded."""
    lib = str(tmp_path / "q.sqlite")
    script = f"""
import sys, io, contextlib
from amlref.cli.main import main, build_parser
cmds = [["import", {str(csl_file)!r}], ["search", "car"], ["show", "39697225"],
        ["export", "-f", "csljson"], ["trash"], ["tag"], ["plugins"]]
sub = [a for a in build_parser()._actions if a.dest == "command"][0]
names = sorted(n for n in sub.choices if n != "gui")
for extra in names:
    if not any(c[0] == extra for c in cmds):
        cmds.append([extra, "--help"])
for c in cmds:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(["--library", {lib!r}] + c)
        except SystemExit:
            pass
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"))
print("QT:" + ",".join(bad))
print("CMDS:" + ",".join(names))
"""
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "QT:\n" in r.stdout, r.stdout
    assert "import" in r.stdout and "export" in r.stdout


def test_gui_without_display_is_one_clear_line(tmp_path):
    env = dict(os.environ)
    for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(k, None)
    r = subprocess.run([sys.executable, "-m", "amlref", "--library", str(tmp_path / "g.sqlite")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2
    assert "no display" in r.stderr and "Traceback" not in r.stderr


def test_biblatex_examples_92(cli):
    path = corpus("bibtex", "biblatex-examples.bib")
    r = cli("import", path, "--json")
    assert r.json()["added"] == 92, r.json()
    r = cli("export", "-f", "csljson")
    items = json.loads(r.out)
    assert len(items) == 92
    for it in items:
        assert isinstance(it["id"], str) and it["id"] and isinstance(it["type"], str)
        for name in it.get("author", []):
            assert set(name) <= {"family", "given", "literal"}
    keys = {it["id"] for it in items}
    assert len(keys) == 92
    assert cli("search", "knuth", "--json").json()["count"] >= 5          # author
    hits = cli("search", "title:texbook", "--json").json()["results"]           # title word
    assert [h["citekey"] for h in hits] == ["knuth:ct:a"]
    # abstract words (entries with abstracts: partial atomic charges, TCP flows, sorting ...)
    hits = cli("search", "abstract:partial", "--json").json()["results"]
    assert [h["citekey"] for h in hits] == ["sigfridsson"]
    assert "partial" not in hits[0]["title"].lower()
    assert cli("search", "abstract:TCP", "--json").json()["count"] == 1


@pytest.mark.parametrize("args", [["export", "--category", "checkpoint"],
                                  ["export", "-f", "ris", "--facet", "reveiw"],
                                  ["citations", "missing", "--category", "car-tt"]])
def test_a_mistyped_category_is_one_line_not_an_empty_export(cli, args):
    r = cli(*args)
    assert r.code == 2 and r.out == ""
    assert r.err.count("\n") == 1 and "unknown category or facet" in r.err, r.err
    assert cli("export", "--category", "checkpoint-inhibitors").code == 0
