"""PDFs in: real PDFs compiled with pdflatex, real hostile PDFs from two PDF libraries' test
suites, the real command line, and a local HTTP server replaying recorded API answers."""
from __future__ import annotations

import shutil

import pytest

from amlref.core.article import Article
from amlref.storage.library import Library
from pdfmake import article_pdf
from test_sources_support import JSON, XML, FakeApi, api_file, idconv_json, library_settings, metapub
from conftest import corpus

FRET_DOI = "10.1038/srep16696"
FRET_TITLE = ("Single-molecule FRET studies on alpha-synuclein oligomerization of "
              "Parkinson's disease genetically related mutants")


@pytest.fixture
def api(httpserver, lib_path, tmp_path):
    a = FakeApi(httpserver)
    with Library.open(lib_path) as lib:
        library_settings(lib, a, tmp_path)
    a.route(f"/crossref/works/{FRET_DOI}",
            api_file("api", "crossref-habanero", "test_works_with_many_ids.03.json"), JSON)
    return a


def fret_pdf(tmp_path, name="fret.pdf", **kw):
    return article_pdf(tmp_path / "in" / name, doi=FRET_DOI, title=FRET_TITLE,
                       header=f"SCIENTIFIC REPORTS | 5:16696 | DOI: {FRET_DOI}", **kw)


def test_doi_on_the_page_fetched_and_title_checked(api, cli, lib_path, tmp_path):
    pdf = fret_pdf(tmp_path)
    r = cli("import", pdf, "--json")
    assert r.code == 0, r
    d = r.json()
    assert (d["new"], d["attached"], d["needs_metadata"], d["refused"]) == (1, 0, 0, 0)
    with Library.open(lib_path) as lib:
        a = lib.articles.find(FRET_DOI)
        assert a.origin == "crossref" and a.container == "Scientific Reports"
        assert "needs metadata" not in lib.tags.of(a.id)
        (att,) = lib.attachments.of(a.id)
        assert att.kind == "pdf" and att.mode == "stored" and not lib.attachments.missing(att)
        assert len(lib.citations.references(a.id)) == 62          # Crossref's reference list
    assert [p for p, _ in api.calls] == [f"/crossref/works/{FRET_DOI}"]
    # the same PDF again: attached already, nothing added
    r = cli("import", pdf, "--json")
    assert r.json()["attached"] == 1 and r.json()["new"] == 0


def test_doi_of_another_paper_does_not_give_its_record(api, cli, lib_path, tmp_path):
    """A "cite this" box or a reference names another paper's DOI first: the fetched title
    is not on the page, so the record is not taken (Zotero's recognition bug)."""
    pdf = article_pdf(tmp_path / "other.pdf", doi=FRET_DOI,
                      title="Gemtuzumab ozogamicin and CPX-351 in core-binding factor AML",
                      header=f"Cite this: Tosatto L et al. Sci Rep 2015. doi:{FRET_DOI}")
    r = cli("import", pdf, "--json")
    assert r.code == 0, r
    (f,) = r.json()["files"]
    assert f["status"] == "needs-metadata" and "another paper" in f["reason"]
    with Library.open(lib_path) as lib:
        a = lib.articles.find(f["citekey"])
        assert a.doi == "" and a.title.startswith("Gemtuzumab ozogamicin")
        assert lib.tags.of(a.id) == ["needs metadata"]
        assert lib.articles.find_id("doi", FRET_DOI) is None


def test_pmid_on_the_page_uses_eutils(api, cli, lib_path, tmp_path):
    api.route("/eutils/efetch.fcgi", metapub("24349601"), XML)
    pdf = latex = article_pdf(tmp_path / "happy.pdf", doi="", title="Genes, Economics, and Happiness",
                              header="J Neurosci Psychol Econ. 2012. PMID: 24349601")
    r = cli("import", latex, "--json")
    assert r.code == 0 and r.json()["new"] == 1, r
    with Library.open(lib_path) as lib:
        a = lib.articles.find("24349601")
        assert a.origin == "pubmed-xml" and a.doi == "10.1037/a0030292"
        assert lib.attachments.of(a.id)[0].sha256
    assert pdf.exists()


def test_pdf_of_an_article_in_the_library_is_attached(api, cli, lib_path, tmp_path):
    with Library.open(lib_path) as lib:
        aid = lib.articles.add(Article(title=FRET_TITLE, doi=FRET_DOI, citekey="tosatto2015"))
        other = lib.articles.add(Article(
            title="Allogeneic transplant and graft-versus-leukemia effects in older patients",
            citekey="gvl2020"))
    r = cli("import", fret_pdf(tmp_path), "--json")
    assert r.json()["attached"] == 1 and r.json()["files"][0]["citekey"] == "tosatto2015"
    # no identifier on the page, but the title is one of the library's
    pdf = article_pdf(tmp_path / "gvl.pdf", doi="",
                      title="Allogeneic transplant and graft-versus-leukemia effects in older "
                            "patients")
    r = cli("import", pdf, "--json")
    assert r.json()["attached"] == 1 and r.json()["files"][0]["citekey"] == "gvl2020"
    assert api.calls == []
    with Library.open(lib_path) as lib:
        assert lib.articles.count() == 2 and len(lib.attachments.of(aid)) == 1
        assert len(lib.attachments.of(other)) == 1


def test_offline_needs_metadata_then_fetch_metadata(api, cli, lib_path, tmp_path):
    pdf = fret_pdf(tmp_path, abstract="Alpha-synuclein oligomers studied by single-molecule "
                   "FRET in Parkinson's disease mutants.")
    r = cli("import", pdf, "--offline", "--json")
    assert r.code == 0 and r.json()["needs_metadata"] == 1, r
    assert api.calls == []
    key = r.json()["files"][0]["citekey"]
    with Library.open(lib_path) as lib:
        a = lib.articles.find(key)
        assert a.doi == FRET_DOI and a.origin == "pdf" and "alpha-synuclein" in a.abstract.lower()
        assert lib.tags.of(a.id) == ["needs metadata"]
        assert a.extra["pdf"]["needs_metadata"] == "offline: not looked up"
    r = cli("add", "--update", key, "--json")
    assert r.code == 0, r
    with Library.open(lib_path) as lib:
        a = lib.articles.find(key)
        assert a.container == "Scientific Reports" and a.origin == "crossref"
        assert lib.tags.of(a.id) == [] and "pdf" not in a.extra
        assert len(lib.attachments.of(a.id)) == 1


def test_setting_keeps_pdfs_offline(api, cli, lib_path, tmp_path):
    with Library.open(lib_path) as lib:
        lib.settings.set("pdf.offline", True)
    r = cli("import", fret_pdf(tmp_path), "--json")
    assert r.json()["needs_metadata"] == 1 and api.calls == []


def test_new_article_is_classified_on_what_the_pdf_gave(cli, lib_path, tmp_path):
    pdf = article_pdf(tmp_path / "cart.pdf", doi="",
                      title="CD123 CAR T cells for relapsed acute myeloid leukemia",
                      abstract="Chimeric antigen receptor (CAR) T cells targeting CD123 were "
                               "infused in patients with relapsed or refractory acute myeloid "
                               "leukemia (AML).")
    r = cli("import", pdf, "--offline", "--json")
    key = r.json()["files"][0]["citekey"]
    with Library.open(lib_path) as lib:
        slugs = {c["slug"] for c in lib.categories.of(lib.articles.find(key).id)}
    assert any("car" in s for s in slugs), slugs


def test_folder_with_bad_files_report_and_the_rest_comes_in(cli, lib_path, tmp_path):
    folder = tmp_path / "drop"
    good = fret_pdf(tmp_path, "good.pdf")
    shutil.copy(good, folder / "good.pdf") if folder.exists() else None
    folder.mkdir(exist_ok=True)
    shutil.copy(good, folder / "a-good.pdf")
    (folder / "sub").mkdir()
    shutil.copy(corpus("pdf-hostile", "pypdf--encrypted-file.pdf"), folder / "sub" / "enc.pdf")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    (folder / "picture.pdf").write_bytes(png)
    data = good.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[:len(data) // 3])
    (folder / "notes.txt").write_text("not a pdf")
    r = cli("import", folder, "--offline", "--json")
    assert r.code == 1, r
    d = r.json()
    assert (d["needs_metadata"], d["refused"]) == (1, 3), d
    reasons = {f["file"].rsplit("/", 1)[-1]: f["reason"] for f in d["files"]
               if f["status"] == "refused"}
    assert reasons["enc.pdf"] == "encrypted: needs a password"
    assert reasons["picture.pdf"] == "not a PDF (PNG image)"
    assert reasons["truncated.pdf"]
    assert all("\n" not in x for x in reasons.values())
    with Library.open(lib_path) as lib:
        assert lib.articles.count() == 1 and len(lib.attachments.all()) == 1
    r = cli("import", folder, "--offline")
    assert "1 attached to existing articles, 0 new with metadata, 0 needing metadata, " \
           "3 refused" in r.out


def test_file_vanishing_during_the_import(lib, tmp_path):
    from amlref.services.pdf_import import import_pdfs
    one = fret_pdf(tmp_path, "1.pdf")
    two = tmp_path / "in" / "2.pdf"
    shutil.copy(one, two)

    def progress(done, total, message=""):
        if done == 1 and two.exists():
            two.unlink()
    rep = import_pdfs(lib, [str(one), str(two)], offline=True, progress=progress)
    assert [o.status for o in rep.outcomes] == ["needs-metadata", "refused"]
    assert "no such file" in rep.outcomes[1].reason
    assert lib.articles.count() == 1


def test_drop_on_an_article_attaches_to_it(lib, tmp_path):
    from amlref.services.pdf_import import import_pdfs
    aid = lib.articles.add(Article(title="Anything"))
    rep = import_pdfs(lib, [str(fret_pdf(tmp_path))], target_id=aid, link=True)
    assert [o.status for o in rep.outcomes] == ["attached"]
    assert lib.attachments.of(aid)[0].mode == "linked" and lib.articles.count() == 1


def test_cancel_between_files_keeps_what_came_in(lib, tmp_path):
    from amlref.core.progress import CancelToken
    from amlref.services.pdf_import import import_pdfs
    a = fret_pdf(tmp_path, "a.pdf")
    b = article_pdf(tmp_path / "in" / "b.pdf", doi="", title="A second paper on NK cell engagers")
    token = CancelToken()

    def progress(done, total, message=""):
        if done == 1:
            token.cancel()
    rep = import_pdfs(lib, [str(a), str(b)], offline=True, progress=progress, cancel=token)
    assert rep.cancelled and len(rep.outcomes) == 1 and lib.articles.count() == 1


def test_bibliography_and_pdfs_in_one_import_give_one_json(cli, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{k1, title = {One}, author = {Doe, Jane}, year = {2020}}\n", "utf-8")
    pdf = article_pdf(tmp_path / "p.pdf", doi="", title="Venetoclax resistance mechanisms in AML")
    r = cli("import", bib, pdf, "--offline", "--json")
    assert r.code == 0, r
    d = r.json()
    assert d["import"]["added"] == 1 and d["pdfs"]["needs_metadata"] == 1
