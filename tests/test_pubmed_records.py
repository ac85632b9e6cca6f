"""Every record of every PubMed file comes in as a record of its own (MEDLINE text and PubMed
XML under ../shared/corpora/pubmed, imported into a real library and counted), and the PubMed XML
forms that decide pages and journal titles: ELocationID article numbers, NLM's place qualifier,
book articles mixed with journal articles, DeleteCitation lists."""
from __future__ import annotations

import re

import pytest
from defusedxml.ElementTree import fromstring

from amlref.core.text import read_text
from amlref.formats.pubmed_xml import parse_pubmed_xml
from amlref.services.importing import import_paths
from tests.conftest import corpus


def _medline_pmids(text: str) -> list[str]:
    return re.findall(r"^\s*PMID\s*-\s*(\d+)\s*$", text, re.M)


def _xml_pmids(text: str) -> list[str]:
    root = fromstring(text.encode("utf-8"))
    out = []
    for rec in root.iter():
        path = {"PubmedArticle": "MedlineCitation/PMID",
                "PubmedBookArticle": "BookDocument/PMID"}.get(rec.tag)
        if path:   # a record with several versions of its PMID is the latest version
            versions = sorted(rec.findall(path), key=lambda e: int(e.get("Version") or 1))
            out.append(versions[-1].text if versions else "")
    return [p.strip() for p in out if p and p.strip()]


def _pubmed_files(corpora):
    files = []
    for f in sorted((corpora / "pubmed").rglob("*")):
        if not f.is_file() or f.suffix in (".bib", ".tsv", ".nxml", ".html"):
            continue
        text, _ = read_text(str(f))
        if text.lstrip("\ufeff \r\n").startswith("<"):
            if "Malformed" in f.name or not re.search(r"<Pubmed(Book)?Article[\s>]", text):
                continue   # not well-formed on purpose (test_pubmed_xml), or not PubMed XML
            files.append((f, _xml_pmids(text)))
        elif _medline_pmids(text):
            files.append((f, _medline_pmids(text)))
    return files


def test_every_pubmed_record_is_imported_as_its_own(corpora, lib):
    files = _pubmed_files(corpora)
    assert len(files) >= 180
    expected: set[str] = set()
    for f, pmids in files:
        report = import_paths(lib, [str(f)])
        info = report.files[0]
        assert info["records"] >= len(pmids), f.name   # (some records have no PMID at all)
        expected.update(pmids)
    stored = {a.pmid for a in lib.articles.iter_all()}
    assert expected and expected <= stored, sorted(expected - stored)[:10]
    # MedlinePlainImporterTestMultipleEntries.txt: 5 PMID lines, 7 records (a "PMC -" record
    # and a "PMCR-" record have none); JabRef's reader counts them alike
    multi = corpora / "pubmed" / "jabref-medline" / "MedlinePlainImporterTestMultipleEntries.txt"
    assert import_paths(lib, [str(multi)]).files[0]["records"] == 7


XML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
<PubmedArticleSet>
<PubmedArticle>
  <MedlineCitation Status="PubMed-not-MEDLINE" Owner="NLM">
    <PMID Version="1">34567890</PMID>
    <Article PubModel="Electronic">
      <Journal>
        <ISSN IssnType="Electronic">2050-084X</ISSN>
        <JournalIssue CitedMedium="Internet"><Volume>10</Volume>
          <PubDate><Year>2021</Year><Month>Aug</Month><Day>03</Day></PubDate></JournalIssue>
        <Title>eLife</Title>
        <ISOAbbreviation>Elife</ISOAbbreviation>
      </Journal>
      <ArticleTitle>STING agonism reprograms the leukemia microenvironment.</ArticleTitle>
      <ELocationID EIdType="pii" ValidYN="Y">e42692</ELocationID>
      <ELocationID EIdType="doi" ValidYN="Y">10.7554/eLife.42692</ELocationID>
      <AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Chen</LastName><ForeName>Li</ForeName><Initials>L</Initials></Author></AuthorList>
      <Language>eng</Language>
      <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>
    </Article>
    <MedlineJournalInfo><Country>England</Country><MedlineTA>Elife</MedlineTA></MedlineJournalInfo>
  </MedlineCitation>
</PubmedArticle>
<PubmedBookArticle>
  <BookDocument>
    <PMID Version="1">20301390</PMID>
    <ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>
    <Book>
      <Publisher><PublisherName>University of Washington, Seattle</PublisherName><PublisherLocation>Seattle (WA)</PublisherLocation></Publisher>
      <BookTitle book="gene">GeneReviews</BookTitle>
      <PubDate><Year>1993</Year></PubDate>
    </Book>
    <ArticleTitle book="gene" part="cebpa">CEBPA-Associated Familial Acute Myeloid Leukemia</ArticleTitle>
    <Language>eng</Language>
    <AuthorList Type="authors"><Author ValidYN="Y"><LastName>Tawana</LastName><ForeName>Kiran</ForeName></Author></AuthorList>
  </BookDocument>
</PubmedBookArticle>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">34567891</PMID>
    <Article PubModel="Print-Electronic">
      <Journal>
        <ISSN IssnType="Electronic">2326-5205</ISSN>
        <JournalIssue CitedMedium="Internet"><Volume>73</Volume><Issue>4</Issue>
          <PubDate><Year>2021</Year><Month>Apr</Month></PubDate></JournalIssue>
        <Title>Arthritis &amp; rheumatology (Hoboken, N.J.)</Title>
        <ISOAbbreviation>Arthritis Rheumatol</ISOAbbreviation>
      </Journal>
      <ArticleTitle>Checkpoint blockade after transplantation.</ArticleTitle>
      <Pagination><StartPage>475</StartPage><EndPage>482</EndPage><MedlinePgn>475-82</MedlinePgn></Pagination>
      <ELocationID EIdType="pii" ValidYN="Y">S2326-5205(21)00012-3</ELocationID>
      <AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Park</LastName><ForeName>Min-Ji</ForeName></Author></AuthorList>
      <Language>eng</Language>
    </Article>
  </MedlineCitation>
</PubmedArticle>
<PubmedArticle>
  <MedlineCitation Status="Publisher" Owner="NLM">
    <PMID Version="1">34567892</PMID>
    <Article PubModel="Print-Electronic">
      <Journal>
        <JournalIssue CitedMedium="Internet"><PubDate><Year>2024</Year></PubDate></JournalIssue>
        <Title>Blood</Title>
      </Journal>
      <ArticleTitle>Ahead of print: no pages yet.</ArticleTitle>
      <ELocationID EIdType="pii" ValidYN="Y">blood.2024025678</ELocationID>
      <ELocationID EIdType="doi" ValidYN="Y">10.1182/blood.2024025678</ELocationID>
    </Article>
  </MedlineCitation>
</PubmedArticle>
<DeleteCitation><PMID Version="1">11111111</PMID><PMID Version="1">22222222</PMID></DeleteCitation>
</PubmedArticleSet>
"""


def test_xml_pages_journal_titles_books_and_deletions():
    res = parse_pubmed_xml(XML, "set.xml")
    assert not res.problems
    assert [a.pmid for a in res.articles] == ["34567890", "20301390", "34567891", "34567892"]
    assert [a.line for a in res.articles] == [4, 25, 39, 58]   # where each record starts
    eli, book, arth, ahead = res.articles
    assert eli.pages == "e42692" and eli.doi == "10.7554/elife.42692"
    assert book.type == "chapter" and book.container == "GeneReviews"
    assert book.url == "https://www.ncbi.nlm.nih.gov/books/NBK1116/"
    assert arth.pages == "475-482"      # never the publisher's pii
    assert arth.container == "Arthritis & rheumatology"
    assert arth.extra["pubmed"]["journal_title"] == "Arthritis & rheumatology (Hoboken, N.J.)"
    assert ahead.pages == "" and ahead.extra["pubmed"]["elocation"] == {"pii": "blood.2024025678"}
    assert any("2 deleted citation(s)" in w and "11111111" in w for w in res.warnings)


@pytest.mark.parametrize("stem, pages", [
    ("MedlineImporterTestArticleNoISSN", "228-242"),   # MedlinePgn 228-42 (JabRef: 228--242)
    ("MedlineImporterTestNbib", "764-769"),            # MedlinePgn 764-9 (JabRef: 764--769)
    # no Pagination, ELocationID pii 20200021: JabRef leaves the pages empty; PubMed itself
    # cites the article as J Integr Bioinform 2020;17(2-3):20200021, its article number
    ("MedlineImporterTestMathML", "20200021"),
    ("MedlineImporterTestArticleID", "1234"),          # a pii S0732-8893(15)... is not used
])
def test_pages_against_jabref(stem, pages):
    src = corpus("pubmed", "jabref-medline", stem + ".xml")
    a = parse_pubmed_xml(read_text(str(src))[0], str(src)).articles[0]
    assert a.pages == pages


def test_metapub_article_number_without_pagination(corpora):
    # J Environ Anal Toxicol has no Pagination, only ELocationID pii 239: its article number
    src = corpora / "pubmed" / "metapub-pmid-xml" / "26568896.xml"
    (a,) = parse_pubmed_xml(read_text(str(src))[0], str(src)).articles
    assert a.pages == "239"
