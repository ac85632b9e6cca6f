"""PubMed records AMLRef had not seen (other tools' test files), written by hand in the exact
form PubMed writes them: a Bookshelf chapter in MEDLINE format and a book in PubMed XML, whose
place of publication and series were kept but never reached an export."""
from __future__ import annotations

import json

from amlref.formats.bibtex import export_bib
from amlref.formats.csljson import CslJsonExporter
from amlref.formats.medline import MedlineImporter
from amlref.formats.pubmed_xml import PubmedXmlImporter
from amlref.formats.ris import RisExporter

# Zotero's MEDLINE/nbib.js test case (a GeneReviews-like Bookshelf chapter)
CHAPTER = """PMID- 21249755
STAT- Publisher
DA  - 20110121
PB  - National Center for Biotechnology Information (US)
DP  - 2009
TI  - Peutz-Jeghers Syndrome
BTI - Cancer Syndromes
AB  - PJS is a rare disease.
FED - Riegert-Johnson, Douglas L
ED  - Riegert-Johnson DL
FED - Boardman, Lisa A
ED  - Boardman LA
FAU - Riegert-Johnson, Douglas
AU  - Riegert-Johnson D
FAU - Wong Kee Song, Louis M.
AU  - Wong Kee Song LM
LA  - eng
PT  - Book Chapter
PL  - Bethesda (MD)
AID - NBK1826 [bookaccession]

"""

# a journal record: PL is the journal's country, not a place of publication
JOURNAL = """PMID- 8692918
DP  - 1996 Jul 9
TI  - The structure of bovine F1-ATPase complexed with the antibiotic inhibitor
      aurovertin B.
PG  - 6913-7
FAU - van Raaij, M J
AU  - van Raaij MJ
PT  - Journal Article
PL  - UNITED STATES
TA  - Proc Natl Acad Sci U S A
JT  - Proceedings of the National Academy of Sciences of the United States of America
"""

# PubMed XML of a Bookshelf book (efetch db=pubmed, a PubmedBookArticle)
BOOK_XML = """<?xml version="1.0" ?>
<PubmedArticleSet>
<PubmedBookArticle>
  <BookDocument>
    <PMID Version="1">21290637</PMID>
    <ArticleIdList><ArticleId IdType="bookaccession">NBK45000</ArticleId></ArticleIdList>
    <Book>
      <Publisher>
        <PublisherName>Royal College of Physicians (UK)</PublisherName>
        <PublisherLocation>London</PublisherLocation>
      </Publisher>
      <BookTitle book="nicecg79">Rheumatoid Arthritis: National Clinical Guideline</BookTitle>
      <PubDate><Year>2009</Year></PubDate>
      <CollectionTitle book="nicecollect">NICE Clinical Guidelines</CollectionTitle>
      <Medium>Internet</Medium>
    </Book>
    <Language>eng</Language>
  </BookDocument>
</PubmedBookArticle>
</PubmedArticleSet>
"""


def test_a_bookshelf_chapter_keeps_its_place_in_every_export():
    [a] = MedlineImporter().parse(CHAPTER, "x.nbib").articles
    assert a.type == "chapter" and a.container == "Cancer Syndromes"
    [item] = json.loads(CslJsonExporter().export([a]))
    assert item["publisher-place"] == "Bethesda (MD)"
    assert "CY  - Bethesda (MD)" in RisExporter().export([a]).splitlines()
    bib = export_bib([a], biblatex=False)
    assert "address = {Bethesda (MD)}" in bib and bib.count("Bethesda") == 1


def test_a_journal_country_is_no_place_of_publication():
    [a] = MedlineImporter().parse(JOURNAL, "x.nbib").articles
    assert a.type == "article-journal" and a.pages == "6913-6917"
    [item] = json.loads(CslJsonExporter().export([a]))
    assert "publisher-place" not in item
    assert "address" not in export_bib([a], biblatex=False)


def test_a_pubmed_xml_book_keeps_its_place_and_series():
    [a] = PubmedXmlImporter().parse(BOOK_XML, "x.xml").articles
    assert a.type == "book" and a.publisher == "Royal College of Physicians (UK)"
    [item] = json.loads(CslJsonExporter().export([a]))
    assert item["publisher-place"] == "London"
    assert item["collection-title"] == "NICE Clinical Guidelines"
    blx = export_bib([a], biblatex=True)
    assert "location = {London}" in blx and "series = {NICE Clinical Guidelines}" in blx


# name suffixes as PubMed (FAU) and Scopus/Web of Science RIS write them: the suffix goes after
# a comma in the given names, as the BibTeX and CSL-JSON readers put it
def test_name_suffixes_in_full_names():
    from amlref.formats.ris import RisImporter
    text = ("PMID- 1\nTI  - T\nFAU - Costa, Paul T Jr\nAU  - Costa PT Jr\n"
            "FAU - Smith, John V\nAU  - Smith JV\n\n")
    [a] = MedlineImporter().parse(text, "x.nbib").articles
    assert [(p.family, p.given) for p in a.authors] == [("Costa", "Paul T, Jr"),
                                                        ("Smith", "John V")]
    ris = "TY  - JOUR\nAU  - Costa Jr, PT\nAU  - Costa, P. T., Jr.\nTI  - T\nER  - \n"
    [b] = RisImporter().parse(ris, "x.ris").articles
    assert [(p.family, p.given) for p in b.authors] == [("Costa", "PT, Jr"),
                                                        ("Costa", "P. T., Jr.")]
