"""The fetched-title check and the library match on publisher-like PDFs (pdflatex), with a
local HTTP server answering in Crossref's real JSON (a recorded works answer of
../shared/corpora/api with the title and DOI set per test, as Crossref prints them: inline
<i>/<sub>/<sup> markup, Unicode Greek, American spelling, a subtitle, a trailing period)."""
from __future__ import annotations

import json

import pytest

from amlref.core.article import Article
from amlref.storage.library import Library
from test_sources_support import JSON, FakeApi, api_file, library_settings
from tests.pdfs import layout_pdf, need_pdflatex, scanned

DOI = "10.1182/bloodadvances.2023011234"
PRINTED = r"TNF-$\alpha$ and IFN-$\gamma$ signalling by CD8$^{+}$ T cells after donor lymphocyte " \
          r"infusion in relapsed acute myeloid leukaemia"
ABSTRACT = (r"\textbf{Abstract} Donor lymphocyte infusion after venetoclax and azacitidine was given "
            r"to 41 adults with acute myeloid leukaemia relapsing after allogeneic transplantation.\par")

pytestmark = pytest.mark.latex


@pytest.fixture
def api(httpserver, lib_path, tmp_path):
    need_pdflatex()
    a = FakeApi(httpserver)
    with Library.open(lib_path) as lib:
        library_settings(lib, a, tmp_path)
    return a


def crossref_answer(doi: str, title: str, subtitle: str = "") -> bytes:
    """The recorded Crossref works answer with another DOI and title."""
    data = json.loads(api_file("api", "crossref-habanero", "test_works_with_many_ids.03.json"))
    m = data["message"]
    m["DOI"], m["title"], m["URL"] = doi, [title], "https://doi.org/" + doi
    m["subtitle"] = [subtitle] if subtitle else []
    m.pop("reference", None)
    return json.dumps(data).encode()


def paper(tmp_path, name="p", title=PRINTED, extra="", doi_line=True, above=""):
    front = (above + r"{\small Blood Advances 2023 \hfill " + (r"DOI: \nolinkurl{" + DOI + "}" if doi_line
                                                         else "") + r"\par}\bigskip"
             + r"{\LARGE\bfseries " + title + r"\par}\medskip{\large Maria Rossi, Jonas Berg and "
             r"Aiko Tanaka\par}\medskip" + ABSTRACT + extra)
    return layout_pdf(tmp_path / "in", name, front, references=12)


FETCHED = {
    "Unicode Greek, sup markup, American spelling": "TNF-α and IFN-γ signaling by CD8<sup>+</sup> "
    "T cells after donor lymphocyte infusion in relapsed acute myeloid leukemia",
    "Greek spelt out, italic markup, trailing period": "TNF-alpha and IFN-gamma signalling by "
    "<i>CD8+</i> T cells after donor lymphocyte infusion in relapsed acute myeloid leukaemia.",
    "a subtitle the page does not print": "TNF-α and IFN-γ signalling by CD8+ T cells after "
    "donor lymphocyte infusion in relapsed acute myeloid leukaemia: results of the DLI-AML trial",
    "small capitals, an entity, no-break space": "TNF-α and IFN-γ signalling by "
    "CD8<sup>+</sup> T&#160;cells after donor lymphocyte infusion in relapsed acute myeloid "
    "<scp>leukaemia</scp>",
}


@pytest.mark.parametrize("kind", list(FETCHED))
def test_fetched_title_printed_differently_is_accepted(api, cli, lib_path, tmp_path, kind):
    api.route(f"/crossref/works/{DOI}", crossref_answer(DOI, FETCHED[kind]), JSON)
    r = cli("import", paper(tmp_path), "--json")
    (f,) = r.json()["files"]
    assert f["status"] == "new", f
    with Library.open(lib_path) as lib:
        assert lib.articles.find_id("doi", DOI) is not None


def test_genuinely_different_title_is_refused(api, cli, lib_path, tmp_path):
    api.route(f"/crossref/works/{DOI}", crossref_answer(
        DOI, "TNF-α and IFN-γ signalling by CD4+ T cells after donor lymphocyte infusion in "
             "chronic myeloid leukaemia in chronic phase"), JSON)
    (f,) = cli("import", paper(tmp_path), "--json").json()["files"]
    assert f["status"] == "needs-metadata" and "another paper" in f["reason"]


def test_related_article_box_doi_does_not_give_the_related_record(api, cli, lib_path, tmp_path):
    """The paper prints no DOI of its own; a related-article box under its abstract prints
    another paper's title and DOI.  Its record is fetched, and its title IS on the page (in
    the box), but it is not the page's title: refused."""
    related = "10.1182/blood.2020007732"
    rel_title = "Flotetuzumab as salvage immunotherapy for refractory acute myeloid leukemia"
    api.route(f"/crossref/works/{related}", crossref_answer(related, rel_title), JSON)
    box = (r"\fbox{\parbox{0.9\textwidth}{\small See the related article: " + rel_title
           + r". doi:\nolinkurl{" + related + r"}}}\par")
    r = cli("import", paper(tmp_path, doi_line=False, extra=box), "--json")
    (f,) = r.json()["files"]
    assert f["status"] == "needs-metadata" and "another paper" in f["reason"], f
    with Library.open(lib_path) as lib:
        assert lib.articles.find_id("doi", related) is None


def test_upper_case_doi_on_the_page_finds_the_article_in_the_library(api, cli, lib_path, tmp_path):
    with Library.open(lib_path) as lib:
        aid = lib.articles.add(Article(title="Another title stored by the user", doi=DOI,
                                       citekey="rossi2023"))
    pdf = paper(tmp_path, extra=r"{\small \nolinkurl{HTTPS://DOI.ORG/" + DOI.upper() + r"}\par}",
                doi_line=False)
    (f,) = cli("import", pdf, "--json").json()["files"]
    assert (f["status"], f["citekey"]) == ("attached", "rossi2023")
    assert api.calls == []
    with Library.open(lib_path) as lib:
        assert len(lib.attachments.of(aid)) == 1


def test_scan_needs_metadata_with_the_reason(api, cli, lib_path, tmp_path):
    scan = scanned(paper(tmp_path), tmp_path / "scan.pdf")
    r = cli("import", scan, "--json")
    (f,) = r.json()["files"]
    assert f["status"] == "needs-metadata" and f["reason"] == "no text layer (scanned?)"
    assert api.calls == []
    with Library.open(lib_path) as lib:
        a = lib.articles.find(f["citekey"])
        assert lib.tags.of(a.id) == ["needs metadata"]
        assert len(lib.attachments.of(a.id)) == 1


def test_right_record_accepted_when_the_page_guess_took_a_banner(api, cli, lib_path, tmp_path):
    """A five-word banner in larger type than the title: the title guess takes the banner, but
    the fetched title is printed above the abstract, with the authors: the record is taken."""
    title = "Donor lymphocyte infusion after venetoclax in relapsed acute myeloid leukaemia"
    api.route(f"/crossref/works/{DOI}", crossref_answer(DOI, title), JSON)
    banner = r"{\Huge\bfseries Haematology and Immunotherapy Weekly Digest\par}\bigskip"
    (f,) = cli("import", paper(tmp_path, title=title, above=banner), "--json").json()["files"]
    assert f["status"] == "new", f
