"""``amlref export --aux``: exactly the cited entries, both .aux formats, nested inputs."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from amlref.services.aux import export_aux, read_aux
from amlref.services.importing import import_paths
from tests.conftest import corpus


@pytest.fixture
def examples(lib):
    import_paths(lib, [str(corpus("bibtex", "biblatex-examples.bib"))])
    return lib


def test_bibtex_aux_with_nested_input(tmp_path, examples):
    (tmp_path / "paper.aux").write_text(
        "\\relax\n\\citation{aksin,knuth:ct:a}\n\\citation{nosuchkey}\n"
        "\\@input{chap1.aux}\n\\@input{notyet.aux}\n\\bibdata{refs}\n")
    (tmp_path / "chap1.aux").write_text("\\citation{westfahl:space}\n\\citation{aksin}\n"
                                        "\\@input{paper.aux}\n")   # a loop is harmless
    assert read_aux(str(tmp_path / "paper.aux")) == [
        "aksin", "knuth:ct:a", "nosuchkey", "westfahl:space"]
    text, n, missing = export_aux(examples, str(tmp_path / "paper.aux"), "bibtex")
    keys = [ln[ln.index("{") + 1:-1] for ln in text.splitlines() if ln.startswith("@")
            and not ln.startswith("@preamble")]
    # the crossref parents come along (and after their children, for bibtex)
    assert keys == ["aksin", "knuth:ct:a", "westfahl:space", "westfahl:frontier"]
    assert n == 4 and missing == ["nosuchkey"]


def test_biber_aux_format_and_nocite_all(tmp_path, examples):
    (tmp_path / "a.aux").write_text("\\abx@aux@refcontext{nty/global//global/global}\n"
                                    "\\abx@aux@cite{0}{aksin}\n\\abx@aux@segm{0}{0}{aksin}\n"
                                    "\\abx@aux@cite{0}{almendro}\n\\abx@aux@cite{angenendt}\n")
    assert read_aux(str(tmp_path / "a.aux")) == ["aksin", "almendro", "angenendt"]
    (tmp_path / "b.aux").write_text("\\abx@aux@nociteall\n")
    text, n, missing = export_aux(examples, str(tmp_path / "b.aux"), "biblatex")
    assert n == 92 and missing == []
    (tmp_path / "c.aux").write_text("\\citation{*}\n")
    assert export_aux(examples, str(tmp_path / "c.aux"), "biblatex")[1] == 92


def test_cli_export_aux_lists_missing_keys(cli, tmp_path):
    cli("import", corpus("bibtex", "biblatex-examples.bib"))
    aux = tmp_path / "p.aux"
    aux.write_text("\\citation{aksin,missing1}\n")
    out = tmp_path / "p.bib"
    r = cli("export", "-f", "biblatex", "--aux", aux, "-o", out)
    assert r.code == 1 and "missing1" in r.err
    assert out.read_text().count("\n@") + out.read_text().startswith("@") == 1
    r = cli("export", "--aux", tmp_path / "nope.aux")
    assert r.code == 2 and "nope.aux" in r.err


@pytest.mark.latex
def test_aux_written_by_real_latex(tmp_path, examples):
    if not shutil.which("pdflatex"):
        pytest.skip("pdflatex not installed")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\begin{document}\\cite{aksin} \\include{ch}"
        "\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n")
    (tmp_path / "ch.tex").write_text("\\cite{almendro,angenendt}\n")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "doc"], cwd=tmp_path,
                   capture_output=True, timeout=120)
    text, n, missing = export_aux(examples, str(tmp_path / "doc.aux"), "bibtex")
    assert (n, missing) == (3, [])
