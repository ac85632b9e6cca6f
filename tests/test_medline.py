"""PubMed MEDLINE / .nbib: real exports, JabRef's expected results, detection by content."""
from __future__ import annotations

import re

import pytest

from amlref.core.article import title_key
from amlref.core.pages import expand_pages
from amlref.core.text import read_text
from amlref.formats.detect import detect
from amlref.formats.medline import MedlineImporter, parse_medline_date, parse_mh
from amlref.services.importing import import_paths
from tests.conftest import corpus
from support import jabref_expected

med = MedlineImporter()

SAMPLE = """PMID- 30922926
OWN - NLM
IS  - 1878-0849 (Electronic)
VI  - 63
IP  - 2
DP  - 2020 Feb
TI  - Time lapse: A glimpse into
      prehistoric genomics.
PG  - 103640
LID - S1769-7212(19)30059-X [pii]
LID - 10.1016/j.ejmg.2019.03.004 [doi]
AB  - For the purpose of this review,
      'time-lapse' refers to karyotypes.
FAU - Griffin, Darren K
AU  - Griffin DK
AD  - School of Biosciences, University of Kent,
      Canterbury, UK.
FAU - O'Connor, Rebecca E
AU  - O'Connor RE
CN  - AML Study Group
LA  - eng
PT  - Journal Article
PT  - Review
TA  - Eur J Med Genet
JT  - European journal of medical genetics
MH  - Animals
MH  - *Dinosaurs/genetics
MH  - Karyotype/*physiology/genetics
OT  - Avian
PMC - PMC7026692

PMID- 12345
TI  - Second record without a blank-line problem.
"""


def test_sample_fields():
    res = med.parse(SAMPLE, "s.nbib")
    assert res.problems == [] and len(res.articles) == 2
    a = res.articles[0]
    assert a.pmid == "30922926" and a.pmcid == "PMC7026692"
    assert a.title == "Time lapse: A glimpse into prehistoric genomics."
    assert a.abstract == "For the purpose of this review, 'time-lapse' refers to karyotypes."
    assert a.issued == "2020-02" and (a.volume, a.issue, a.pages) == ("63", "2", "103640")
    assert a.doi == "10.1016/j.ejmg.2019.03.004"
    assert a.container == "European journal of medical genetics"
    assert a.container_short == "Eur J Med Genet" and a.issn == "1878-0849"
    assert [p.display() for p in a.authors] == ["Griffin, Darren K", "O'Connor, Rebecca E",
                                                "AML Study Group"]
    assert a.mesh == ["Animals", "*Dinosaurs/genetics", "Karyotype/*physiology",
                      "Karyotype/genetics"]
    assert a.keywords == ["Avian"] and a.pub_types == ["Journal Article", "Review"]
    assert a.language == "eng"
    assert a.extra["medline"]["AD"] == ["School of Biosciences, University of Kent, Canterbury, UK."]
    assert a.extra["medline"]["LID"][0].endswith("[pii]")
    assert res.articles[1].line == 32 and res.articles[1].pmid == "12345"


def test_dates_and_mesh():
    assert parse_medline_date("2019 Mar 25") == "2019-03-25"
    assert parse_medline_date("2020 Jan-Feb") == "2020-01"
    assert parse_medline_date("2019 Winter") == "2019-12"
    assert parse_medline_date("2013 06 10") == "2013-06-10"
    assert parse_medline_date("1998 Dec-1999 Jan") == "1998-12"
    assert parse_mh("Women, Working/*history/psychology") == [
        "Women, Working/*history", "Women, Working/psychology"]


def test_detected_by_content_even_as_ris():
    path = corpus("ris", "vendor-dialects", "baseline_pubmed.ris")
    text, _ = read_text(str(path))
    assert detect(text, path.name) == "medline"
    res = med.parse(text, str(path))
    assert len(res.articles) == 50 and not res.problems
    assert all(a.pmid and a.title and a.year and a.authors for a in res.articles)
    assert sum(bool(a.doi) for a in res.articles) >= 45


def test_real_pubmed_export(corpora):
    path = corpora / "pubmed" / "nbib-holub008" / "pubmed-balloongui-set.nbib"
    res = med.parse(read_text(str(path))[0], str(path))
    assert len(res.articles) == 75 and not res.problems
    assert len({a.pmid for a in res.articles}) == 75
    assert sum(bool(a.mesh) for a in res.articles) > 40
    assert all(a.container and a.issued for a in res.articles)


def test_pmc_before_pmid_stays_in_one_record(corpora):
    path = corpora / "pubmed" / "nbib-holub008" / "pmc_medlars.txt"
    res = med.parse(read_text(str(path))[0], str(path))
    assert len(res.articles) == 5 and not res.problems
    assert all(a.pmcid and a.pmid for a in res.articles)


def test_broken_lines_are_warnings_not_failures():
    path = corpus("pubmed", "jabref-medline", "MedlinePlainImporterTestMultipleEntries.txt")
    res = med.parse(read_text(str(path))[0], str(path))
    assert res.articles[0].pmid == "20481061" and len(res.articles) >= 5
    assert any("should be omitted" in w for w in res.warnings)
    assert res.articles[0].mesh[-2:] == ["Women, Working/*history", "Women, Working/psychology"]


@pytest.mark.parametrize("name", ["MedlinePlainImporterTestCompleteEntry.txt",
                                  "MedlinePlainImporterTestDOI.txt",
                                  "MedlinePlainImporterTestInproceeding.txt",
                                  "MedlinePlainImporterTestMultiAbstract.txt",
                                  "MedlinePlainImporterTestMultiTitle.txt",
                                  "NbibImporterTest.nbib"])
def test_jabref_expected_results(name):
    src = corpus("pubmed", "jabref-medline", name)
    expected = jabref_expected(src.with_suffix(".bib"))
    text, _ = read_text(str(src))
    assert detect(text, name) == "medline"
    got = med.parse(text, str(src)).articles
    assert len(got) == len(expected)
    for a, e in zip(got, expected):
        if "pmid" in e:
            assert a.pmid == e["pmid"]
        if "title" in e:
            assert title_key(a.title) == title_key(e["title"])
        if "year" in e:
            assert str(a.year) == e["year"]
        if "doi" in e:
            assert a.doi == e["doi"].lower()
        if "journal" in e:
            assert a.container == e["journal"]
        if "volume" in e:
            assert a.volume == e["volume"]
        if "pages" in e:
            # JabRef is wrong here: it keeps MEDLINE's abbreviated "454-81", which prints as
            # pages 454 to 81; the range is 454-481
            assert a.pages == expand_pages(e["pages"])
            if e["pages"] == "454-81":
                assert a.pages == "454-481"
        if "author" in e:
            fams = [x.split(",")[0].strip() for x in e["author"].split(" and ")]
            assert [p.family for p in a.authors if p.family] == fams
        if "keywords" in e and "mh" not in name.lower():
            for k in re.split(r",\s*", e["keywords"]):
                base = k.rstrip("*")
                assert any(base in t.replace("*", "") for t in a.mesh + a.keywords), k


def test_malformed_lines_do_not_swallow_records():
    # JabRef returns one record here and glues "SO  invalid line" into the PMID; both are kept
    src = corpus("pubmed", "jabref-medline", "MedlinePlainImporterStringOutOfBounds.txt")
    res = med.parse(read_text(str(src))[0], str(src))
    assert [(a.pmid, a.title) for a in res.articles] == [
        ("27433151", "This is a test title"), ("27394443", "This is also a test title")]
    assert any("invalid line" in w for w in res.warnings)


def test_biopython_files(corpora):
    for f in sorted((corpora / "pubmed" / "biopython-medline").glob("*.txt")):
        text, _ = read_text(str(f))
        assert detect(text, f.name) == "medline"
        res = med.parse(text, str(f))
        assert res.articles and not res.problems
        assert all(a.pmid and a.title for a in res.articles)


def test_import_twice_adds_nothing(lib):
    path = corpus("pubmed", "nbib-holub008", "pubmed-balloongui-set.nbib")
    first = import_paths(lib, [str(path)])
    assert len(first.added) == 75
    second = import_paths(lib, [str(path)])
    assert second.added == [] and lib.articles.count() == 75
    a = lib.articles.get(first.added[0])
    assert a.origin == "medline" and a.pmid
