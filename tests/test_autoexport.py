"""Auto-export: bound files rewritten after changes (batched, atomic, skipped when unchanged)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from amlref.services import autoexport
from amlref.services.importing import import_text
from amlref.formats.bibtex import BibtexImporter

BIB = """@article{one, title = {CAR T cells in AML}, author = {Doe, Jane}, year = 2024,
  journal = {Blood}}
@article{two, title = {Checkpoint inhibitors}, author = {Roe, Rick}, year = 2023,
  journal = {Leukemia}}
"""


def keys_in(path) -> list[str]:
    res = BibtexImporter().parse(open(path, encoding="utf-8").read(), str(path))
    return sorted(a.citekey for a in res.articles)


def test_add_list_run_remove_and_skip_when_unchanged(lib, tmp_path):
    import_text(lib, BIB, fmt="bibtex")
    out = tmp_path / "all.bib"
    e = autoexport.add(lib, str(out), "biblatex")
    assert e["written"] and e["count"] == 2 and keys_in(out) == ["one", "two"]
    mtime = out.stat().st_mtime_ns
    [r] = autoexport.run_all(lib)
    assert r["written"] is False and out.stat().st_mtime_ns == mtime   # same hash: untouched
    assert [x["path"] for x in autoexport.list_all(lib)] == [str(out)]
    autoexport.remove(lib, str(out))
    assert autoexport.list_all(lib) == [] and out.exists()


def test_changes_are_batched_and_written_once_per_flush(lib, tmp_path, monkeypatch):
    out = tmp_path / "tagged.bib"
    import_text(lib, BIB, fmt="bibtex")
    lib.tags.add([lib.articles.find("one").id], "mine", source="user")
    autoexport.add(lib, str(out), "bibtex", {"tag": "mine"})
    autoexport.attach(lib)
    writes = []
    real = autoexport.atomic_write
    monkeypatch.setattr(autoexport, "atomic_write", lambda p, t: writes.append(p) or real(p, t))
    assert autoexport.flush(lib) == []              # nothing changed yet
    ids = [lib.articles.find(k).id for k in ("one", "two")]
    for i in range(5):                              # many changes ...
        lib.articles.update(ids[0], {"volume": str(i)})
    lib.tags.add([ids[1]], "mine", source="user")
    lib.articles.update(ids[1], {"volume": "9"})
    assert writes == []                             # ... nothing written yet
    autoexport.flush(lib)
    assert writes == [str(out)]                     # ... one rewrite
    assert keys_in(out) == ["one", "two"]
    assert "volume = {4}" in out.read_text()


def test_cli_rewrites_after_a_changing_command(cli, tmp_path):
    bib = tmp_path / "in.bib"
    bib.write_text(BIB)
    out = tmp_path / "lib.bib"
    r = cli("autoexport", "add", out, "-f", "bibtex")
    assert r.code == 0 and out.read_text() == ""
    assert cli("import", bib).code == 0
    assert keys_in(out) == ["one", "two"]
    assert cli("delete", "two").code == 0
    assert keys_in(out) == ["one"]
    r = cli("autoexport", "list", "--json")
    assert r.json()[0]["path"] == str(out) and r.json()[0]["format"] == "bibtex"
    r = cli("autoexport", "run")
    assert "unchanged" in r.out
    assert cli("autoexport", "add", tmp_path / "x.bib", "--tag", "nosuchtag").code == 2
    assert [e["path"] for e in cli("autoexport", "list", "--json").json()] == [str(out)]
    assert cli("autoexport", "remove", "7").code == 2
    assert cli("autoexport", "add", tmp_path / "nofolder" / "x.bib").code == 2


def test_failed_write_keeps_the_old_file(lib, tmp_path, monkeypatch):
    import_text(lib, BIB, fmt="bibtex")
    out = tmp_path / "a.bib"
    autoexport.add(lib, str(out), "biblatex")
    before = out.read_bytes()
    lib.articles.update(lib.articles.find("one").id, {"title": "Changed"})

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", broken_replace)
    [r] = autoexport.run_all(lib)
    assert "No space left" in r["error"]
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".a.bib")] == []


@pytest.mark.slow
def test_killed_mid_write_never_leaves_a_half_written_file(tmp_path):
    """A writer process rewriting a large auto-export is killed with SIGKILL at random moments;
    the file is always either the old or a complete new version."""
    from amlref.storage.library import Library
    lib_path = tmp_path / "big.sqlite"
    out = tmp_path / "big.bib"
    entries = "".join(f"@article{{k{i}, title = {{Title number {i} about AML}}, year = 2020}}\n"
                      for i in range(3000))
    with Library.open(lib_path) as lib:
        import_text(lib, entries, fmt="bibtex")
        autoexport.add(lib, str(out), "biblatex")
    script = textwrap.dedent(f"""
        from amlref.storage.library import Library
        from amlref.services import autoexport
        lib = Library.open({str(lib_path)!r})
        i = 0
        while True:
            i += 1
            lib.articles.update(1, {{"volume": str(i)}})
            autoexport.run_all(lib)
    """)
    for delay in (0.0, 0.05, 0.11, 0.23):
        p = subprocess.Popen([sys.executable, "-c", script])
        start = out.stat().st_mtime_ns
        deadline = time.time() + 60
        while out.stat().st_mtime_ns == start and time.time() < deadline:
            time.sleep(0.01)                    # the writer is in its rewrite loop now
        assert out.stat().st_mtime_ns != start
        time.sleep(delay)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        assert len(keys_in(out)) == 3000
        assert out.read_text().rstrip().endswith("}")
