"""``amlref import FOLDER``: real bibliography files from ../shared/corpora copied into a folder
tree with real PDFs (pdflatex), other files, hidden files and backups; the real command line
on a real SQLite library.  A folder import must give what naming its readable files on the
command line gives, skip the rest with a reason, and never half-happen."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from amlref.storage.library import Library
from conftest import corpus
from pdfmake import article_pdf

ZOTERO_RIS = ("ris", "vendor-dialects", "baseline_zotero.ris")
# the first record of that file (its DOI and title, as Zotero wrote them)
ZOTERO_DOI = "10.1038/s41467-024-48400-3"
ZOTERO_TITLE = ("Cellular structure of dinosaur scales reveals retention of reptile-type skin "
                "during the evolutionary transition to feathers")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00" \
      b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N" \
      b"\x00\x00\x00\x00IEND\xaeB`\x82"
# a CSL-JSON list as Zotero's "Export Collection... CSL JSON" writes it
CSL_JSON = """[
\t{
\t\t"id": "http://zotero.org/users/local/abc/items/QX7RD2FE",
\t\t"type": "article-journal",
\t\t"container-title": "Blood",
\t\t"DOI": "10.1182/blood.2020007732",
\t\t"page": "751-762",
\t\t"title": "Flotetuzumab as salvage immunotherapy for refractory acute myeloid leukemia",
\t\t"volume": "137",
\t\t"author": [{"family": "Uy", "given": "Geoffrey L."}, {"family": "Aldoss", "given": "Ibrahim"}],
\t\t"issued": {"date-parts": [["2021", 2, 11]]}
\t}
]
"""
# EndNote's tagged export (File > Export, "EndNote Export" style, .enw)
ENDNOTE = """%0 Journal Article
%A Daver, Naval
%A Garcia-Manero, Guillermo
%T Efficacy, safety, and biomarkers of response to azacitidine and nivolumab in relapsed/refractory acute myeloid leukemia
%B Cancer Discov
%D 2019
%V 9
%P 370-383
%R 10.1158/2159-8290.CD-18-0774

"""


def copy(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def refs_tree(root: Path) -> dict[str, Path]:
    """A researcher's folder: exports of several tools in sub-folders, and what else lies
    around (notes, a figure, a LaTeX file, a spreadsheet), hidden files and backups."""
    files = {
        "ris": copy(corpus(*ZOTERO_RIS), root / "zotero" / "refs.ris"),
        "bib": copy(corpus("bibtex", "jabref-testbib", "jabref-authors.bib"),
                    root / "thesis" / "jabref-authors.bib"),
        "xml": copy(corpus("pubmed", "metapub-pmid-xml", "30849835.xml"),
                    root / "pubmed" / "pubmed-30849835.xml"),
        "nbib": copy(corpus("pubmed", "nbib-holub008", "pubmed-balloongui-set.nbib"),
                     root / "pubmed" / "citations.nbib"),
        "medline_txt": copy(corpus("pubmed", "biopython-medline", "pubmed_result2.txt"),
                            root / "pubmed" / "pubmed-set.txt"),
    }
    (root / "zotero" / "items.json").write_text(CSL_JSON, "utf-8")
    files["json"] = root / "zotero" / "items.json"
    (root / "endnote.enw").write_text(ENDNOTE, "utf-8")
    files["enw"] = root / "endnote.enw"
    # not bibliographies
    (root / "notes.txt").write_text("To read before Friday: the Daver paper, PMID: 30867340.\n"
                                    "Ask about the CAR-T cohort.\n", "utf-8")
    (root / "figure.png").write_bytes(PNG)
    (root / "thesis" / "chapter1.tex").write_text(
        "\\chapter{Introduction}\n\\begin{filecontents}{x.bib}\n@article{k, title={T}}\n"
        "\\end{filecontents}\nAML \\cite{k}.\n", "utf-8")
    (root / "thesis" / "data.csv").write_text("patient,response\n1,CR\n", "utf-8")
    (root / "package.json").write_text('{"name": "x", "title": "not CSL", "type": "module"}',
                                       "utf-8")
    # hidden files, backups, litter: never read (each would add records if it were)
    copy(corpus("ris", "vendor-dialects", "baseline_mendeley.ris"), root / ".cache" / "old.ris")
    copy(corpus("ris", "vendor-dialects", "baseline_endnote.ris"), root / ".hidden.ris")
    copy(corpus("ris", "vendor-dialects", "baseline_scopus.ris"), root / "zotero" / "refs.ris~")
    copy(corpus("ris", "vendor-dialects", "baseline_citavi.ris"), root / "refs.ris.bak")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + b"\x00" * 64)
    (root / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 64)
    (root / "zotero" / "desktop.ini").write_text("[.ShellClassInfo]\n", "utf-8")
    copy(corpus("ris", "vendor-dialects", "baseline_rayyan.ris"),
         root / "__MACOSX" / "zotero" / "refs.ris")
    return files


def titles(lib_path: Path) -> list[str]:
    with Library.open(lib_path) as lib:
        return sorted(a.title for a in lib.articles.get_many(lib.articles.ids()))


def test_a_folder_gives_what_naming_its_files_gives(cli, tmp_path):
    root = tmp_path / "refs"
    files = refs_tree(root)
    r = cli("import", root, "--json")
    assert r.code == 0, r
    d = r.json()
    named = cli("--library", tmp_path / "named.sqlite", "import",
                *[files[k] for k in sorted(files)], "--json")
    assert named.code == 0, named
    n = named.json()
    assert d["added"] == n["added"] > 0 and d["merged"] == n["merged"]
    assert d["skipped"] == 0 and d["errors"] == []
    assert titles(tmp_path / "library.sqlite") == titles(tmp_path / "named.sqlite")
    assert sorted(f["file"] for f in d["files"]) == sorted(str(p) for p in files.values())
    assert {Path(f["file"]).name: f["format"] for f in d["files"]} == {
        "refs.ris": "ris", "jabref-authors.bib": "bibtex", "pubmed-30849835.xml": "pubmed-xml",
        "citations.nbib": "medline", "pubmed-set.txt": "medline", "items.json": "csljson",
        "endnote.enw": "endnote"}
    (folder,) = d["folders"]
    assert folder == {"folder": str(root), "files": 12, "references": 7, "pdfs": 0,
                      "skipped": 5, "ignored": 8}
    skipped = {Path(s["file"]).name: s["reason"] for s in d["skipped_files"]}
    assert set(skipped) == {"notes.txt", "figure.png", "chapter1.tex", "data.csv",
                            "package.json"}
    assert skipped["figure.png"] == "not a bibliography or PDF (PNG image)"
    assert skipped["chapter1.tex"] == "not a bibliography or PDF (text file, .tex)"
    assert "not enough to be sure" in skipped["notes.txt"]
    assert "looks a little like CSL-JSON" in skipped["package.json"]


def test_text_report_lists_each_skipped_file_on_one_line(cli, tmp_path):
    root = tmp_path / "refs"
    refs_tree(root)
    r = cli("import", root)
    assert r.code == 0, r
    assert r.out.splitlines()[0] == (f"{root}: 7 bibliography files, 0 PDFs, 5 other files "
                                     "skipped, 8 hidden, backup or system files ignored")
    assert f"{root / 'zotero' / 'refs.ris'}: 10 records as ris" in r.out
    skipped = [ln for ln in r.err.splitlines() if ln.startswith("  skipped ")]
    assert sorted(Path(ln.split(": ", 1)[0].split()[-1]).name for ln in skipped) == [
        "chapter1.tex", "data.csv", "figure.png", "notes.txt", "package.json"]
    assert "Traceback" not in r.err and ".hidden" not in r.err and "refs.ris~" not in r.err


def test_a_record_that_cannot_be_read_stops_the_whole_folder(cli, lib_path, tmp_path):
    root = tmp_path / "refs"
    copy(corpus(*ZOTERO_RIS), root / "a-good.ris")
    article_pdf(root / "papers" / "paper.pdf", doi="",
                title="Venetoclax resistance mechanisms in acute myeloid leukaemia")
    xml = corpus("pubmed", "metapub-pmid-xml", "24349601.xml").read_text("utf-8")
    lines = xml.splitlines()
    cut = "\n".join(lines[:len(lines) // 2]) + "\n</PubmedArticleSet>\n"   # cut half-way
    (root / "pubmed").mkdir()
    (root / "pubmed" / "broken.xml").write_text(cut, "utf-8")
    r = cli("import", root, "--offline")
    assert r.code == 2, r
    err = [ln for ln in r.err.splitlines() if ln.startswith("amlref: error:")]
    assert len(err) == 1 and f"{root / 'pubmed' / 'broken.xml'}:" in err[0], r.err
    assert "XML" in err[0] and "Traceback" not in r.err
    line_no = int(err[0].split("broken.xml:", 1)[1].split(":", 1)[0])
    assert 1 < line_no <= len(cut.splitlines())
    with Library.open(lib_path) as lib:     # nothing stored: no record, no PDF
        assert lib.articles.count() == 0 and lib.attachments.all() == []


def test_a_bad_record_among_good_ones_is_reported_with_file_and_line(cli, tmp_path):
    """A record that cannot be read inside a readable file: as when the file is named, the
    other records come in, that one is listed with its file and line (exit 1)."""
    root = tmp_path / "refs"
    copy(corpus(*ZOTERO_RIS), root / "a.ris")
    (root / "b.bib").write_text("@article{ok1, title = {Good}, author = {Doe, J}, year = 2020}\n"
                                "\n@article{broken, title = {Broken, year = 2020\n\n"
                                "@article{ok2, title = {Also good}, year = 2021}\n", "utf-8")
    r = cli("import", root, "--json")
    named = cli("--library", tmp_path / "named.sqlite", "import", root / "a.ris",
                root / "b.bib", "--json")
    assert r.code == named.code == 1
    d, n = r.json(), named.json()
    assert (d["added"], d["skipped"], d["errors"]) == (n["added"], n["skipped"], n["errors"])
    (e,) = d["errors"]
    assert e["file"] == str(root / "b.bib") and e["line"] == 3


@pytest.mark.parametrize("content", ["empty", "nothing-readable"])
def test_a_folder_with_nothing_readable_is_refused_in_one_line(cli, lib_path, tmp_path, content):
    root = tmp_path / "stuff"
    root.mkdir()
    if content == "nothing-readable":
        (root / "notes.txt").write_text("nothing to import\n", "utf-8")
        (root / "figure.png").write_bytes(PNG)
        copy(corpus(*ZOTERO_RIS), root / ".hidden" / "refs.ris")
    r = cli("import", root)
    assert r.code == 2 and r.out == "", r
    (line,) = r.err.splitlines()
    assert line.startswith(f"amlref: error: {root}: ")
    assert "no bibliography files or PDFs" in line
    if content == "nothing-readable":
        assert "2 other files" in line
    assert not lib_path.exists()            # checked before the library was opened


def test_pdf_whose_doi_is_a_record_of_the_folder_attaches_to_it(cli, lib_path, tmp_path):
    root = tmp_path / "refs"
    copy(corpus(*ZOTERO_RIS), root / "refs.ris")
    pdf = article_pdf(root / "pdfs" / "scales.pdf", doi=ZOTERO_DOI, title=ZOTERO_TITLE)
    other = article_pdf(root / "pdfs" / "other.pdf", doi="",
                        title="Natural killer cell engagers in acute myeloid leukaemia")
    r = cli("import", root, "--offline", "--json")
    assert r.code == 0, r
    d = r.json()
    assert d["import"]["added"] == 10
    assert (d["pdfs"]["attached"], d["pdfs"]["needs_metadata"]) == (1, 1)
    assert (d["added"], d["merged"]) == (11, 1)       # 10 records + 1 PDF; 1 PDF attached
    with Library.open(lib_path) as lib:
        aid = lib.articles.find_id("doi", ZOTERO_DOI)
        (att,) = lib.attachments.of(aid)
        assert att.kind == "pdf" and att.sha256
        assert lib.articles.count() == 11
    by_file = {f["file"]: f for f in d["pdfs"]["files"]}
    assert by_file[str(pdf)]["status"] == "attached"
    assert by_file[str(other)]["status"] == "needs-metadata"


def test_jabref_file_field_pointing_into_the_folder_attaches_the_pdf_once(cli, lib_path,
                                                                           tmp_path):
    """JabRef's own test file: ``File = {ostgaard2002.pdf:ostgaard2002.pdf:PDF}`` beside the
    PDF.  The title ("Energy") and the PDF (no identifier) match nothing: only the link says
    they belong together, and the PDF import must not make a second article of it."""
    root = tmp_path / "jabref"
    copy(corpus("bibtex", "jabref-testbib", "articleWithTitleAndFile.bib"), root / "lib.bib")
    article_pdf(root / "ostgaard2002.pdf", doi="", title="Energy of the auroral electrons")
    r = cli("import", root, "--offline")
    assert r.code == 0, r
    assert "files linked by the records: 1 attached, 0 missing" in r.err
    assert f"{root / 'ostgaard2002.pdf'}: attached to ostgaard2002: linked by the file field" \
        in r.out
    with Library.open(lib_path) as lib:
        assert lib.articles.count() == 1
        (att,) = lib.attachments.all()
        assert att.mode == "linked" and lib.attachments.resolve(att) == \
            str(root / "ostgaard2002.pdf")
    again = cli("import", root, "--offline", "--json")        # the same folder again
    assert again.code == 0, again
    with Library.open(lib_path) as lib:
        assert lib.articles.count() == 1 and len(lib.attachments.all()) == 1


def test_zotero_export_folder_with_its_files_subfolder(cli, lib_path, tmp_path):
    """Zotero's "Export Collection..." with "Export Files": the .bib beside files/<id>/...pdf,
    the file field as Zotero writes it (label:relative path:MIME type)."""
    root = tmp_path / "Exported Items"
    (root / "files" / "12").mkdir(parents=True)
    pdf = article_pdf(root / "files" / "12" / "Uy et al. - 2021 - Flotetuzumab.pdf", doi="",
                      title="Flotetuzumab as salvage immunotherapy for refractory acute "
                            "myeloid leukemia")
    (root / "Exported Items.bib").write_text(
        "\n@article{uy_flotetuzumab_2021,\n\ttitle = {Flotetuzumab as salvage immunotherapy for "
        "refractory acute myeloid leukemia},\n\tvolume = {137},\n\tjournal = {Blood},\n\tauthor ="
        " {Uy, Geoffrey L. and Aldoss, Ibrahim},\n\tyear = {2021},\n\tpages = {751--762},\n\t"
        "file = {Full Text PDF:files/12/Uy et al. - 2021 - Flotetuzumab.pdf:application/pdf},"
        "\n}\n", "utf-8")
    r = cli("import", root, "--offline", "--json")
    assert r.code == 0, r
    d = r.json()
    assert d["linked_files"] == {"attached": 1, "missing": 0}
    assert d["import"]["added"] == 1 and d["pdfs"]["attached"] == 1
    assert d["pdfs"]["files"][0]["reason"].startswith("linked by")
    with Library.open(lib_path) as lib:
        assert lib.articles.count() == 1
        (att,) = lib.attachments.all()
        assert lib.attachments.resolve(att) == str(pdf)


def test_endnote_export_with_its_data_folder(cli, lib_path, tmp_path):
    """EndNote's RIS export beside its library's .Data folder: ``L1  - internal-pdf://...``
    points into .Data/PDF/; the library's own database files there are skipped."""
    root = tmp_path / "EndNote"
    data = root / "My EndNote Library.Data"
    pdf = article_pdf(data / "PDF" / "0123456789" / "Daver-2019.pdf", doi="",
                      title="Azacitidine and nivolumab in relapsed acute myeloid leukemia")
    (data / "sdb").mkdir()
    (data / "sdb" / "sdb.eni").write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    (root / "My EndNote Library.enl").write_bytes(b"\x00\x01RSD\x00" + b"\x00" * 100)
    (root / "export.txt").write_text(
        "TY  - JOUR\nAU  - Daver, Naval\nTI  - Efficacy, safety, and biomarkers of response to "
        "azacitidine and nivolumab in relapsed/refractory acute myeloid leukemia\nJO  - Cancer "
        "Discov\nPY  - 2019\nL1  - internal-pdf://0123456789/Daver-2019.pdf\nER  - \n\n",
        "utf-8")
    r = cli("import", root, "--offline", "--json")
    assert r.code == 0, r
    d = r.json()
    assert d["import"]["files"][0]["format"] == "ris" and d["linked_files"]["attached"] == 1
    assert [(f["file"], f["status"]) for f in d["pdfs"]["files"]] == [(str(pdf), "attached")]
    assert sorted(Path(s["file"]).name for s in d["skipped_files"]) == [
        "My EndNote Library.enl", "sdb.eni"]
    with Library.open(lib_path) as lib:
        assert lib.articles.count() == 1 and len(lib.attachments.all()) == 1


def test_latex_outputs_and_the_library_s_own_files_are_not_imported(cli, tmp_path):
    """A thesis folder: thesis.pdf made from thesis.tex, its figures (PDFs it includes),
    biblatex's control file, .aux; a published paper included whole (pdfpages) is a paper;
    and an AMLRef library kept in the same folder with its stored copies and backups."""
    root = tmp_path / "thesis"
    copy(corpus("bibtex", "biblatex-examples.bib"), root / "refs.bib")
    (root / "thesis.tex").write_text(
        "\\documentclass{report}\n\\usepackage{graphicx,pdfpages}\n\\begin{document}\n"
        "\\includegraphics[width=\\linewidth]{figures/survival}\n"
        "% \\includegraphics{figures/old-draft}\n"
        "\\include{chapters/results}\n\\includepdf[pages=-]{papers/paper1.pdf}\n"
        "\\end{document}\n", "utf-8")
    (root / "chapters").mkdir()
    (root / "chapters" / "results.tex").write_text(
        "\\graphicspath{{img/}{../img/}}\n\\includegraphics*[scale=0.5]{ kaplan-meier.pdf }\n",
        "utf-8")
    survival = article_pdf(root / "figures" / "survival.pdf", doi="", title="Survival by arm")
    draft = article_pdf(root / "figures" / "old-draft.pdf", doi="",
                        title="An old draft of a figure, commented out")
    km = article_pdf(root / "img" / "kaplan-meier.pdf", doi="", title="Kaplan Meier curves")
    paper1 = article_pdf(root / "papers" / "paper1.pdf", doi="",
                         title="CD123 CAR T cells in relapsed acute myeloid leukaemia")
    article_pdf(root / "thesis.pdf", doi="", title="Immunotherapy of acute myeloid leukaemia")
    (root / "thesis.aux").write_text("\\relax\n\\citation{knuth:ct}\n", "utf-8")
    (root / "thesis-blx.bib").write_text(
        "@Comment{$ biblatex control file $}\n@Comment{$ biblatex bcf format version 3.7 $}\n"
        "  Do not modify this file!\n\n@Control{biblatex-control,\n  options = {3.7:0:0:1:0:1:1"
        ":0:0:1:0:1:3:1:3:1:0:0:3:1:79:+:+:nyt},\n}\n", "utf-8")
    lib = root / "library.sqlite"
    first = cli("--library", lib, "import", root / "refs.bib")
    assert first.code == 0, first
    paper = article_pdf(tmp_path / "paper.pdf", doi="",
                        title="Checkpoint blockade after allogeneic transplantation in AML")
    assert cli("--library", lib, "attach", "knuth:ct", paper).code == 0
    assert list((root / "library.files").iterdir())      # the stored copy is in the folder
    r = cli("--library", lib, "import", root, "--offline", "--json")
    assert r.code == 0, r
    d = r.json()
    skipped = {Path(s["file"]).name: s["reason"] for s in d["skipped_files"]}
    assert skipped["thesis.pdf"] == skipped["thesis.aux"] == "made by LaTeX from thesis.tex"
    assert skipped["thesis-blx.bib"] == "made by LaTeX from thesis.tex"
    assert skipped["survival.pdf"] == "a figure of thesis.tex"
    assert skipped["kaplan-meier.pdf"] == "a figure of results.tex"
    assert "library.sqlite" in skipped and "SQLite" in skipped["library.sqlite"]
    assert not any("library.files" in s["file"] or "library.backups" in s["file"]
                   for s in d["skipped_files"])
    assert (d["import"]["added"], d["import"]["merged"]) == (0, 92)    # refs.bib again
    assert sorted(f["file"] for f in d["pdfs"]["files"]) == sorted([str(draft), str(paper1)])
    assert str(survival) in str(d) and str(km) in str(d)


def test_format_option_chooses_the_files_of_that_format(cli, tmp_path):
    root = tmp_path / "wos"
    copy(corpus(*ZOTERO_RIS), root / "savedrecs.txt")
    copy(corpus("bibtex", "jabref-testbib", "jabref-authors.bib"), root / "other.bib")
    r = cli("import", root, "--format", "ris", "--json")
    assert r.code == 0, r
    d = r.json()
    assert [Path(f["file"]).name for f in d["files"]] == ["savedrecs.txt"]
    assert d["added"] == 10
    assert [Path(s["file"]).name for s in d["skipped_files"]] == ["other.bib"]


def test_the_same_folder_twice_merges_and_attaches_nothing_again(cli, lib_path, tmp_path):
    root = tmp_path / "refs"
    copy(corpus(*ZOTERO_RIS), root / "refs.ris")
    article_pdf(root / "scales.pdf", doi=ZOTERO_DOI, title=ZOTERO_TITLE)
    assert cli("import", root, "--offline").code == 0
    r = cli("import", root, root / "refs.ris", "--offline", "--json")   # named twice too
    assert r.code == 0, r
    d = r.json()
    assert (d["import"]["added"], d["import"]["merged"]) == (0, 10)
    assert [f["file"] for f in d["import"]["files"]] == [str(root / "refs.ris")]
    assert d["pdfs"]["files"][0]["reason"] == "already attached"
    with Library.open(lib_path) as lib:
        assert lib.articles.count() == 10 and len(lib.attachments.all()) == 1


def test_ctrl_c_while_reading_the_references_leaves_nothing(cli, lib_path, tmp_path,
                                                            monkeypatch):
    root = tmp_path / "refs"
    copy(corpus(*ZOTERO_RIS), root / "a.ris")
    copy(corpus("bibtex", "biblatex-examples.bib"), root / "b.bib")
    from amlref.services import import_place, importing
    real, seen = import_place.place, []

    def place(*args, **kw):      # Ctrl+C half-way through the records
        seen.append(1)
        if len(seen) == 50:
            raise KeyboardInterrupt
        return real(*args, **kw)
    monkeypatch.setattr(importing, "place", place)
    r = cli("import", root)
    assert r.code == 130 and "interrupted" in r.err, r
    monkeypatch.undo()
    with Library.open(lib_path) as lib:
        assert lib.articles.count() == 0


def test_ctrl_c_among_the_pdfs_keeps_the_whole_ones_and_says_so(cli, lib_path, tmp_path,
                                                               monkeypatch):
    import os
    import signal
    root = tmp_path / "pdfs"
    for i, topic in enumerate(["CD33 antibody drug conjugates", "NK cell engagers in AML",
                               "Dendritic cell vaccines after remission"]):
        article_pdf(root / f"{i}.pdf", doi="", title=f"{topic}: a study of thirty patients")
    from amlref.services import pdf_import
    real = pdf_import.import_pdf

    def import_pdf(lib, path, **kw):     # a real SIGINT while the first PDF is being read
        if path.endswith("0.pdf"):
            os.kill(os.getpid(), signal.SIGINT)
        return real(lib, path, **kw)
    monkeypatch.setattr(pdf_import, "import_pdf", import_pdf)
    before = signal.getsignal(signal.SIGINT)
    r = cli("import", root, "--offline", "--json")
    assert r.code == 130, r
    assert "interrupted" in r.err and "Traceback" not in r.err
    d = r.json()
    assert d["cancelled"] is True and [Path(f["file"]).name for f in d["files"]] == ["0.pdf"]
    with Library.open(lib_path) as lib:
        assert lib.articles.count() == 1 and len(lib.attachments.all()) == 1
    assert signal.getsignal(signal.SIGINT) is before


def test_import_help_says_folders_take_every_readable_file(capsys):
    from amlref.cli.main import main
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "folders" in text and "every file AMLRef reads" in text
    assert "files and folders to import" in text


def test_json_of_pdfs_alone_has_the_import_counts(cli, tmp_path):
    pdf = article_pdf(tmp_path / "p.pdf", doi="", title="Venetoclax resistance mechanisms in AML")
    d = cli("import", pdf, "--offline", "--json").json()
    assert (d["added"], d["merged"], d["skipped"], d["errors"]) == (1, 0, 0, [])
    assert d["needs_metadata"] == 1 and json.dumps(d)
