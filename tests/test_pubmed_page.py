"""A pasted/dropped PubMed abstract page: the seed page gives 11 linked articles; a full
browser copy (title, authors, journal line, structured abstract, three-line docsums, MeSH) is
read the same way."""
from __future__ import annotations

import pytest

from amlref.core.text import read_text
from amlref.formats.detect import detect
from amlref.formats.pubmed_page import PubmedPageImporter, parse_pubmed_page, parse_reference
from amlref.services.importing import import_paths, import_text
from tests.conftest import corpus

FULL_COPY = """Skip to main page content
An official website of the United States government
Full text links
Actions
Cite
Share
Page navigation
Title & authors
Abstract
Similar articles
Cited by
References
Publication types
MeSH terms
Review
Front Oncol
. 2024 Dec 4:14:1374963.
doi: 10.3389/fonc.2024.1374963. eCollection 2024.
Updates in novel immunotherapeutic strategies for relapsed/refractory AML
Jane Bawek 1, Senuri Gurusinghe 1, Brian Burwinkel 1, Amanda Przespolewski 1
Affiliations
expand
PMID: 39697225 PMCID: PMC11652486 DOI: 10.3389/fonc.2024.1374963
Abstract
Background: Acute myeloid leukemia (AML) is a severe hematological malignancy.
Conclusion: Immunotherapy has become a promising approach.
Keywords: CAR-T; acute myeloid leukemia; immunotherapy.
Copyright © 2024 Bawek, Gurusinghe, Burwinkel and Przespolewski.
Conflict of interest statement
The authors declare no conflict.
Figures
Figure 1
Mechanism of checkpoint inhibitors.
Similar articles
Novel CAR T therapy is a ray of hope in the treatment of seriously ill AML patients.
Mardiana S, Gill S.
Stem Cell Res Ther. 2021 Aug 20;12(1):465. doi: 10.1186/s13287-021-02420-8.
PMID: 34412685 Free PMC article. Review.
Progress in the problem of relapsed or refractory acute myeloid leukemia.
Short NJ, Kantarjian H.
Curr Opin Hematol. 2019 Mar;26(2):88-95. doi: 10.1097/MOH.0000000000000490.
PMID: 30640734 Review.
See all similar articles
Cited by
Drug-tolerant persister cells in acute myeloid leukemia: pressing challenge.
Li Y, Wang X.
Front Med (Lausanne). 2025 May 14;12:1586552. doi: 10.3389/fmed.2025.1586552. eCollection 2025.
PMID: 40443513 Free PMC article. Review.
References
Döhner H, Wei AH, Appelbaum FR, et al. Diagnosis and management of AML in adults: 2022 recommendations from an international expert panel on behalf of the ELN. Blood. 2022;140(12):1345-1377. doi: 10.1182/blood.2022016867 - DOI - PubMed
Kantarjian H. Acute myeloid leukemia--major progress over four decades and glimpses into the future. Am J Hematol. 2016 Jan;91(1):131-45. PMID: 26598393 - PubMed - PMC
Show all 120 references
Publication types
Review
MeSH terms
Humans
Immunotherapy* / methods
Leukemia, Myeloid, Acute* / therapy
LinkOut - more resources
Full Text Sources
Europe PubMed Central
"""


def test_seed_page_gives_eleven_linked_articles():
    path = corpus("seed", "pubmed-page-39697225.txt")
    text, _ = read_text(str(path))
    assert detect(text, path.name) == "pubmed-page"
    res = parse_pubmed_page(text, str(path))
    assert res.problems == []
    arts = res.articles
    assert len(arts) == 11
    main = arts[0]
    assert (main.pmid, main.pmcid, main.doi) == ("39697225", "PMC11652486", "10.3389/fonc.2024.1374963")
    assert main.title == "Updates in novel immunotherapeutic strategies for relapsed/refractory AML"
    assert main.abstract.startswith("Acute myeloid leukemia (AML) is a severe")
    assert main.abstract.endswith("immunotherapy for relapsed and refractory AML.")
    assert main.keywords == ["CAR-T", "acute myeloid leukemia", "cellular therapy",
                             "immunotherapy", "relapsed/refractory"]
    assert main.extra["copyright"].startswith("Copyright © 2024 Bawek")
    similar = [l.target for l in res.links if l.kind == "similar"]
    cited_by = [l.source for l in res.links if l.kind == "cites" and l.target == 0]
    refs = [l.target for l in res.links if l.kind == "cites" and l.source == 0]
    assert (len(similar), len(cited_by), len(refs)) == (5, 3, 2)
    assert all(l.origin == "pubmed-page" for l in res.links)
    s1 = arts[similar[0]]
    assert s1.title == ("Novel CAR T therapy is a ray of hope in the treatment of seriously ill "
                        "AML patients.")
    assert (s1.container, s1.issued, s1.volume, s1.issue, s1.pages) == (
        "Stem Cell Res Ther", "2021-08-20", "12", "1", "465")
    assert (s1.doi, s1.pmid) == ("10.1186/s13287-021-02420-8", "34412685")
    assert arts[similar[4]].volume == "100 Suppl 2" and arts[similar[4]].pages == "23-37"
    c3 = arts[cited_by[2]]
    assert c3.pmid == "40762019" and c3.container == "Oncol Lett" and c3.year == 2025
    r1, r2 = (arts[i] for i in refs)
    assert r1.title.startswith("Diagnosis and management of acute myeloid leukemia in adults")
    assert (r1.container, r1.year, r1.doi) == ("Blood", 2010, "10.1182/blood-2009-07-235358")
    assert [p.family for p in r1.authors][:2] == ["Dohner", "Estey"]
    assert r2.title.startswith("Current use and outcome of hematopoietic stem cell")
    assert r2.year == 2022 and not r2.doi
    assert [a.line for a in arts[1:4]] == [16, 18, 20]


def test_seed_page_import_links_and_twice(lib):
    path = corpus("seed", "pubmed-page-39697225.txt")
    rep = import_paths(lib, [str(path)])
    assert len(rep.added) == 11 and rep.links == 10
    main = lib.articles.find("39697225").id
    assert len(lib.citations.similar(main)) == 5
    assert len(lib.citations.cited_by(main)) == 3
    assert len([r for r in lib.citations.references(main) if r["article_id"]]) == 2
    again = import_paths(lib, [str(path)])
    assert again.added == [] and lib.articles.count() == 11
    assert len(lib.citations.cited_by(main)) == 3  # links are not doubled


def test_full_browser_copy():
    assert PubmedPageImporter().sniff(FULL_COPY) >= 0.8
    res = parse_pubmed_page(FULL_COPY, "copy.txt")
    main = res.articles[0]
    assert main.title == "Updates in novel immunotherapeutic strategies for relapsed/refractory AML"
    assert [p.display() for p in main.authors] == [
        "Bawek, Jane", "Gurusinghe, Senuri", "Burwinkel, Brian", "Przespolewski, Amanda"]
    assert (main.container, main.issued, main.volume, main.pages) == (
        "Front Oncol", "2024-12-04", "14", "1374963")
    assert main.abstract == ("Background: Acute myeloid leukemia (AML) is a severe hematological "
                             "malignancy.\nConclusion: Immunotherapy has become a promising approach.")
    assert main.keywords == ["CAR-T", "acute myeloid leukemia", "immunotherapy"]
    assert main.pub_types == ["Review"]
    assert main.mesh == ["Humans", "*Immunotherapy/methods", "*Leukemia, Myeloid, Acute/therapy"]
    assert len(res.articles) == 6
    s = res.articles[1]
    assert [p.display() for p in s.authors] == ["Mardiana, S", "Gill, S"]
    assert (s.pmid, s.container, s.issue) == ("34412685", "Stem Cell Res Ther", "1")
    kinds = sorted((l.source, l.target, l.kind) for l in res.links)
    assert kinds == [(0, 1, "similar"), (0, 2, "similar"), (0, 4, "cites"), (0, 5, "cites"),
                     (3, 0, "cites")]
    r = res.articles[4]
    assert (r.container, r.volume, r.issue, r.pages, r.year) == ("Blood", "140", "12",
                                                                 "1345-1377", 2022)
    assert r.title.endswith("on behalf of the ELN")
    assert res.articles[5].pmid == "26598393"


def test_reference_forms():
    r = parse_reference("Smith J, Doe A. Is it? A question. N Engl J Med. 2020;382:1-2.")
    assert r.title == "Is it?" or r.title.startswith("Is it")
    assert [p.family for p in r.authors] == ["Smith", "Doe"]
    assert r.year == 2020


def test_pasted_page_text_via_import_text(lib):
    rep = import_text(lib, FULL_COPY)
    assert len(rep.added) == 6 and rep.links == 5


def test_not_a_page():
    assert PubmedPageImporter().sniff("TY  - JOUR\nTI  - x\nER  - ") == 0
    assert PubmedPageImporter().sniff("Hello\nworld") == 0


SUMMARY = """1. Updates in novel immunotherapeutic strategies for relapsed/refractory AML.
Bawek J, Gurusinghe S, Burwinkel B, Przespolewski A.
Front Oncol. 2024 Dec 4;14:1374963. doi: 10.3389/fonc.2024.1374963. eCollection 2024.
PMID: 39697225 Free PMC article. Review.

2. Progress in the problem of relapsed or refractory acute myeloid leukemia.
Short NJ, Kantarjian H.
Curr Opin Hematol. 2019 Mar;26(2):88-95. doi: 10.1097/MOH.0000000000000490.
PMID: 30640734 Review.
"""


def test_pubmed_summary_text_export():
    assert detect(SUMMARY, "pubmed-summary.txt") == "pubmed-page"
    res = parse_pubmed_page(SUMMARY, "s.txt")
    assert res.links == [] and [a.pmid for a in res.articles] == ["39697225", "30640734"]
    a = res.articles[0]
    assert a.title.startswith("Updates in novel") and a.container == "Front Oncol"
    assert [p.family for p in a.authors] == ["Bawek", "Gurusinghe", "Burwinkel", "Przespolewski"]
    assert res.articles[1].line == 6 and res.articles[1].pages == "88-95"


PAGE_WITH_LABELS = """Review
Blood
. 2023 Jan 5;141(1):12-20.
doi: 10.1182/blood.2022016867.
A made-up review of CAR-T in AML
Ann Smith 1 2, Bo Li 3
Affiliations
PMID: 12345678 DOI: 10.1182/blood.2022016867
Abstract
Background: text here.
Similar articles
First similar title.
Doe J, Roe K.
Leukemia. 2020 Jan;34(1):1-10. doi: 10.1038/s41375-019-0001-1.
PMID: 11111111
Free PMC article.
Review.
Second similar title.
Poe E.
Nat Med. 2019;25:5-6.
PMID: 22222222
Clinical Trial.
"""


def test_labels_on_their_own_lines():
    res = parse_pubmed_page(PAGE_WITH_LABELS, "p.txt")
    main, s1, s2 = res.articles
    assert (main.pub_types, main.volume, main.issue, main.pages) == (["Review"], "141", "1", "12-20")
    assert [p.display() for p in main.authors] == ["Smith, Ann", "Li, Bo"]
    assert (s1.pmid, s1.pub_types, s1.container) == ("11111111", ["Review"], "Leukemia")
    assert (s2.title, s2.pmid, s2.pub_types) == ("Second similar title.", "22222222",
                                                 ["Clinical Trial"])


def test_authors_and_year_from_the_copyright_line_when_the_page_has_no_author_line():
    from amlref.formats.pubmed_page import parse_pubmed_page
    res = parse_pubmed_page(corpus("seed", "pubmed-page-39697225.txt").read_text(encoding="utf-8"))
    main = res.articles[0]
    assert [p.family for p in main.authors] == ["Bawek", "Gurusinghe", "Burwinkel", "Przespolewski"]
    assert main.year == 2024 and main.extra["authors_from"] == "copyright line"


@pytest.mark.parametrize("line", ["Copyright © 2023 The Author(s).",
                                  "© 2022 Elsevier Ltd. All rights reserved.",
                                  "Copyright © 2021 American Society of Hematology"])
def test_copyright_holders_that_are_not_people_are_not_authors(line):
    from amlref.core.article import Article
    from amlref.formats.pubmed_page import _from_copyright
    a = Article(title="x", extra={"copyright": line})
    _from_copyright(a)
    assert a.authors == [] and a.year in (2021, 2022, 2023)
