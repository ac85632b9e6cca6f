import pytest

from amlref.core.errors import IdentifierError
from amlref.core.identifiers import (classify_identifier, find_doi, normalize_doi, normalize_pmcid,
                                     normalize_pmid)


@pytest.mark.parametrize("raw", [
    "10.3389/fonc.2024.1374963", "https://doi.org/10.3389/FONC.2024.1374963",
    "http://dx.doi.org/10.3389/fonc.2024.1374963", "doi:10.3389/fonc.2024.1374963",
    "DOI: 10.3389/fonc.2024.1374963", " 10.3389/fonc.2024.1374963. ",
    "https://doi.org/10.3389%2Ffonc.2024.1374963",
])
def test_doi_normalised(raw):
    assert normalize_doi(raw) == "10.3389/fonc.2024.1374963"


@pytest.mark.parametrize("raw", ["11.1234/x", "10.12/x", "doi:", "not a doi", "10.1234"])
def test_invalid_doi_rejected_with_message(raw):
    with pytest.raises(IdentifierError, match="not a valid DOI"):
        normalize_doi(raw)
    assert normalize_doi(raw, strict=False) == ""


def test_pmid_and_pmcid():
    assert normalize_pmid(" 39697225 ") == "39697225"
    assert normalize_pmid("PMID: 39697225") == "39697225"
    assert normalize_pmid("https://pubmed.ncbi.nlm.nih.gov/39697225/") == "39697225"
    with pytest.raises(IdentifierError, match="PMID"):
        normalize_pmid("39697x25")
    with pytest.raises(IdentifierError):
        normalize_pmid("0")
    assert normalize_pmcid("pmc11652486") == "PMC11652486"
    assert normalize_pmcid("PMCID: PMC11652486") == "PMC11652486"
    with pytest.raises(IdentifierError, match="PMCID"):
        normalize_pmcid("11652486")


def test_classify_identifier():
    assert classify_identifier("https://pubmed.ncbi.nlm.nih.gov/39697225/") == ("pmid", "39697225")
    assert classify_identifier("39697225") == ("pmid", "39697225")
    assert classify_identifier("PMC11652486") == ("pmcid", "PMC11652486")
    assert classify_identifier("https://doi.org/10.1182/Blood-2009-07-235358") == \
        ("doi", "10.1182/blood-2009-07-235358")
    assert classify_identifier("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC11652486/") == \
        ("pmcid", "PMC11652486")
    with pytest.raises(IdentifierError):
        classify_identifier("hello world")


def test_find_doi_in_text():
    assert find_doi("see doi: 10.1182/blood-2009-07-235358 - DOI - PubMed") == \
        "10.1182/blood-2009-07-235358"
    assert find_doi("no identifier here") == ""
