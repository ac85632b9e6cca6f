"""Parts of the watch run's speed work that change what is done, not only how fast: a
reference's identifiers are still found in its text (the patterns are only searched where their
literal start occurs), and a run's efetch answers are not written to the disk cache (a run
never reads them back).  A real library, a local server replaying real PubMed records."""
from __future__ import annotations

import pytest

from amlref.core.article import Reference
from amlref.sources import pubmed
from amlref.storage.reference_fields import normalize_reference
from test_sources_support import FakeApi
from test_watch_batches import QUERY, run
from test_watches_support import configure, efetch, esearch_of, metapub_pmids


@pytest.mark.parametrize("raw, doi, pmid, pmcid", [
    ("Döhner H, et al. Blood. 2017;129(4):424-447. doi:10.1182/BLOOD-2016-08-733196.",
     "10.1182/blood-2016-08-733196", "", ""),
    ("Smith A. Title. Leukemia 2019. https://doi.org/10.1038/s41375-019-0401-3 PMID: 30692591 "
     "PMCID: PMC6537125", "10.1038/s41375-019-0401-3", "30692591", "PMC6537125"),
    ("Jones B. CAR T cells in AML. PMID 31000000; PMC7000001.", "", "31000000", "PMC7000001"),
    ("Lee C. A review with a pmid: 123 in lower case and PMC12 too short.", "", "", ""),
    ("Version 10.2 of the guideline (2020), 10.5 mg/kg, PMIDs unknown, PMCA pump.", "", "", ""),
    ("", "", "", ""),
])
def test_identifiers_found_in_a_references_text(raw, doi, pmid, pmcid):
    f = normalize_reference(Reference(raw=raw))
    assert (f["doi"], f["pmid"], f["pmcid"]) == (doi, pmid, pmcid)
    assert f["raw"] == raw


def test_identifiers_given_are_kept_before_the_text(tmp_path):
    f = normalize_reference(Reference(raw="PMID: 1 doi:10.1/x PMC999", doi="https://doi.org/"
                                      "10.1182/Blood.X", pmid="pmid: 42", pmcid="pmc5"))
    assert (f["doi"], f["pmid"], f["pmcid"]) == ("10.1182/blood.x", "42", "PMC5")


@pytest.fixture
def api(httpserver, cli, tmp_path):
    a = FakeApi(httpserver)
    configure(cli, a, tmp_path)
    return a


def test_a_runs_efetch_answers_are_not_cached(api, cli, lib_path, tmp_path, monkeypatch):
    monkeypatch.setattr(pubmed, "EFETCH_BATCH", 10)
    monkeypatch.setenv("AMLREF_WORKERS", "1")
    pmids = metapub_pmids()[:25]
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "add", "w", QUERY).code == 0
    rep = run(lib_path)
    assert len(rep.added) == 25 and rep.error == ""
    assert sum(1 for p, _ in api.calls if p == "/eutils/efetch.fcgi") == 3
    cache = tmp_path / "http-cache"
    assert list(cache.rglob("*.body")) == []
    # (the cache is there and on: an efetch of the same PMIDs by a lookup is kept)
    from amlref.services.online import Online
    from amlref.storage.library import Library
    lib = Library.open(lib_path)
    try:
        Online.for_library(lib).pubmed.fetch_xml(pmids[:10])
    finally:
        lib.close()
    assert [b"<PubmedArticleSet" in p.read_bytes() for p in cache.rglob("*.body")] == [True]


# -- one answer read by two readers, a half each ------------------------------------------------
def answer(records: list[str], tail: str = "") -> str:
    """An efetch answer as the local test server sends it (real records, NCBI's head)."""
    from test_watches_support import _record
    head = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
            '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n')
    return (head + "<PubmedArticleSet>\n" + "".join(_record(p) if p.isdigit() else p
                                                  for p in records)
            + tail + "</PubmedArticleSet>\n")


def book() -> str:
    from conftest import corpus
    return corpus("pubmed", "jabref-medline", "MedlineImporterTestPubmedBook.xml") \
        .read_text("utf-8").strip() + "\n"


def read(text):
    from amlref.services.watch_fetch import read_efetch
    return read_efetch(text, "PubMed efetch", "PubMed watch w", "{auth}{year}",
                       "2026-01-01T00:00:00.000000Z")


@pytest.mark.parametrize("kind", ["all", "books and a deletion list", "odd"])
def test_two_halves_read_give_what_the_whole_answer_gives(kind):
    from amlref.services.watch_fetch import Efetches, halves
    pmids = metapub_pmids()
    records, tail = list(pmids), ""
    if kind == "books and a deletion list":
        records = pmids[:40] + [book()] + pmids[40:80] + [book()]
        tail = "<DeleteCitation><PMID Version=\"1\">12345</PMID></DeleteCitation>\n"
    elif kind == "odd":
        records = pmids[:21]
    text = answer(records, tail)
    whole = read(text)
    a, b = halves(text)
    assert a.count("\n") < text.count("\n") and b.count("\n") == text.count("\n")
    ra, rb = read(a), read(b)
    assert ra[0] and rb[0] and len(ra[0]) + len(rb[0]) == len(whole[0])
    assert abs(len(a) - len(b)) < len(text) // 2     # (cut by size: the reading work)
    joined = Efetches._joined([ra, rb])
    assert joined == whole           # rows (with each record's line), links, problems, warnings
    assert len(whole[1]) > 500 and (tail == "") == (whole[3] == [])


def test_a_half_with_a_problem_is_read_whole():
    """A record without PMID or title is a problem (with its line): the run reads such an
    answer whole, so nothing depends on where it was cut."""
    from amlref.services.watch_fetch import Efetches, halves
    pmids = metapub_pmids()[:30]
    bad = "<PubmedArticle><MedlineCitation><Article/></MedlineCitation></PubmedArticle>\n"
    text = answer(pmids[:20] + [bad] + pmids[20:])
    whole = read(text)
    assert [p.line for p in whole[2]] and "without PMID or title" in str(whole[2][0])
    results = [read(h) for h in halves(text)]
    assert Efetches._joined(results) is None


@pytest.mark.parametrize("text", [
    answer(["11618220", "<!-- a comment -->\n", "24084238"]),
    answer(["11618220", "24084238"]).replace("<PubmedArticleSet>\n", "<PubmedArticleSet>\n"
                                             "<![CDATA[ x ]]>\n"),
    answer(["11618220", "<?pi x?>\n", "24084238"]),
    answer(["11618220"]),
    answer([]),
    '<?xml version="1.0" ?>\n<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>',
])
def test_answers_that_are_not_cut(text):
    from amlref.services.watch_fetch import halves
    assert halves(text) is None


def test_a_run_with_answers_read_in_halves_gives_the_library_read_here(api, cli, lib_path,
                                                                        tmp_path, monkeypatch):
    import shutil
    from amlref.services import watch_fetch
    from amlref.storage.library import Library
    from test_watch_batches import snapshot
    monkeypatch.setattr(pubmed, "EFETCH_BATCH", 40)
    pmids = metapub_pmids()
    api.route("/eutils/esearch.fcgi", esearch_of(pmids))
    api.route("/eutils/efetch.fcgi", efetch)
    assert cli("watch", "add", "w", QUERY).code == 0
    cut = []
    real = watch_fetch.halves
    monkeypatch.setattr(watch_fetch, "halves", lambda text: cut.append(1) or real(text))
    got = {}
    for workers in ("2", "1"):
        monkeypatch.setenv("AMLREF_WORKERS", workers)
        path = tmp_path / f"w{workers}.sqlite"
        shutil.copy(lib_path, path)
        rep = run(path)
        assert len(rep.added) == len(pmids) and rep.error == ""
        lib = Library.open(path)
        got[workers] = snapshot(lib)
        lib.close()
        if workers == "2":
            assert len(cut) in (3, 4)    # (40, 40, 40, 40, 4: the first read here unless
            #  the readers came up before it was there)
    assert got["2"] == got["1"]
    assert len(got["1"]["edges"]) > 3000


def test_a_reader_process_does_not_import_the_database_layer():
    """A watch run's reader only reads answers: it starts without sqlite_utils (and numpy),
    which took it 0.15-0.3 s of CPU to import."""
    import subprocess
    import sys
    code = ("import sys; from amlref.services.watch_fetch import read_efetch; "
            "rows = read_efetch(sys.stdin.read(), 'e', 'w', '{auth}{year}', 'now')[0]; "
            "print(len(rows), sorted(m for m in ('sqlite_utils', 'numpy', 'sqlite3') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], input=answer(metapub_pmids()[:3]),
                         capture_output=True, text=True, check=True).stdout
    assert out.split(None, 1) == ["3", "[]\n"]
