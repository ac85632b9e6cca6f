"""Parts of the watch run's speed work that change what is done, not only how fast: a
reference's identifiers are still found in its text (the patterns are only searched where their
literal start occurs), and a run's efetch answers are not written to the disk cache (a run
never reads them back).  A real library, a local server replaying real PubMed records."""
from __future__ import annotations

import pytest

from amlref.core.article import Reference
from amlref.sources import pubmed
from amlref.storage.citations import normalize_reference
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
