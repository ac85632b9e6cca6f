"""MEDLINE-format exports of databases other than PubMed, written by hand in the exact form those
tools export: ERIC's .nbib ("OWN - ERIC" records, no PMID, "Family, Given" authors, "ISSN -
EISSN-..." and "PT - Journal Articles"), Ovid's tagged export of Ovid MEDLINE and APA PsycInfo
("<1. >" record numbers, "VN - Ovid Technologies", FA/AU names, SO citation line, LG, YR, DO),
and a PubMed export with the forms the readers of other tools trip on (no blank lines between
records, CRLF line ends, a BOM, "LID - e42692 [pii]")."""
from __future__ import annotations

from amlref.core.article import Person
from amlref.formats.detect import detect
from amlref.formats.medline import MedlineImporter
from amlref.services.importing import import_paths

med = MedlineImporter()

# ERIC (eric.ed.gov, "Export: NBIB"): a leading blank line, CRLF, no PMID, no FAU
ERIC = "\r\n".join("""
OWN - ERIC
TI  - Teaching Haematology Residents to Explain CAR-T Cell Therapy: A Simulation Study
AU  - van der Berg, Anneke M.
AU  - O'Neill, Siobhan
AU  - Dubois, J.-P.
OT  - Medical Education
OT  - Simulation
OT  - Graduate Medical Education
JT  - Journal of Medical Education Research
SO  - v14 n2 p115-29 2021
AID - http://dx.doi.org/10.1234/jmer.2021.0042
OID - EJ1301234
VI  - 14
IP  - 2
PG  - 115-29
DP  - Spring 2021
LID - http://eric.ed.gov/?id=EJ1301234
AB  - Residents explained chimeric antigen receptor T-cell therapy to standardised patients.
      Explanations improved after two simulation sessions.
ISSN - EISSN-2375-5636
LA  - English
PT  - Journal Articles
PT  - Reports - Research

OWN - ERIC
TI  - Communicating Leukemia Trial Results to Families. Research Report 2020-3
AU  - Nakamura, Kenji
AU  - Silva, Maria
JT  - Center for Health Literacy Research
OID - ED612345
DP  - 2020
LID - http://eric.ed.gov/?id=ED612345
AB  - A report on plain-language summaries of leukemia trials.
LA  - English
PT  - Reports - Research
PT  - Numerical/Quantitative Data
""".split("\n"))

# Ovid tagged export ("Export: Ovid Tagged", fields: Complete Reference) of Ovid MEDLINE(R) ALL
OVID = """<1. >
VN  - Ovid Technologies
DB  - Ovid MEDLINE(R) ALL
UI  - 31784343
TI  - Venetoclax combined with low-dose cytarabine for previously untreated patients with
      acute myeloid leukemia.
DP  - 2020 Jan 02
SO  - Blood. 135(1):12-20, 2020 01 02.
FA  - Wei, Andrew H
AU  - Wei AH
FA  - Strickland, Stephen A Jr
AU  - Strickland SA Jr
IN  - Department of Haematology, The Alfred Hospital, Melbourne, Australia.
IS  - 0006-4971 (Print)
IS  - 1528-0020 (Electronic)
IS  - 0006-4971 (Linking)
VI  - 135
IP  - 1
PG  - 12-20
LG  - English
PT  - Journal Article
PT  - Clinical Trial, Phase II
DO  - https://dx.doi.org/10.1182/blood.2019000001
MH  - *Leukemia, Myeloid, Acute/dt [Drug Therapy]
YR  - 2020

<2. >
VN  - Ovid Technologies
DB  - APA PsycInfo
AN  - 2021-12345-001
TI  - Psychological distress in caregivers of adults receiving allogeneic transplantation
      for leukemia.
DP  - Mar 2021
SO  - Journal of Pediatric Psychology. Vol.46(3), 2021, pp. 310-21.
AU  - Keller, Jana B.
AU  - Ruiz, Carmen [Author, Reprint Author]
IS  - 0146-8693
IS  - 1465-735X
LG  - English
PT  - Journal; Peer Reviewed Journal
DT  - Journal Article
KW  - caregivers; allogeneic transplantation; psychological distress
YR  - 2021
"""

# A PubMed export as some tools write it: BOM, CRLF, no blank line between records
PUBMED = "\ufeff" + "\r\n".join("""PMID- 34567890
OWN - NLM
IS  - 2050-084X (Electronic)
VI  - 10
DP  - 2021 Aug 3
TI  - STING agonism reprograms the leukemia microenvironment.
LID - e42692 [pii]
LID - 10.7554/eLife.42692 [doi]
FAU - Chen, Li
AU  - Chen L
JT  - eLife
TA  - Elife
PMID- 34567891
OWN - NLM
IS  - 2326-5191 (Electronic)
IS  - 2326-5191 (Linking)
VI  - 73
IP  - 4
DP  - 2021 Apr
TI  - Checkpoint blockade after transplantation.
PG  - 475-82
LID - S2326-5191(21)00012-3 [pii]
FAU - Park, Min-Ji
AU  - Park MJ
JT  - Arthritis & rheumatology (Hoboken, N.J.)
TA  - Arthritis Rheumatol
AID - S2326-5191(21)00012-3 [pii]
""".split("\n"))


def test_eric_nbib():
    assert detect(ERIC, "eric.nbib") == "medline" and detect(ERIC, "eric.txt") == "medline"
    res = med.parse(ERIC, "eric.nbib")
    assert not res.problems and len(res.articles) == 2
    a, b = res.articles
    assert a.authors == [Person("van der Berg", "Anneke M."), Person("O'Neill", "Siobhan"),
                         Person("Dubois", "J.-P.")]
    assert a.type == "article-journal" and a.container == "Journal of Medical Education Research"
    assert (a.volume, a.issue, a.pages, a.issued) == ("14", "2", "115-129", "2021-03")
    assert a.issn == "2375-5636" and a.doi == "10.1234/jmer.2021.0042"
    assert a.url == "http://eric.ed.gov/?id=EJ1301234"
    assert a.abstract.startswith("Residents explained") and "Explanations improved" in a.abstract
    assert a.keywords == ["Medical Education", "Simulation", "Graduate Medical Education"]
    assert a.language == "English" and a.extra["medline"]["OID"] == ["EJ1301234"]
    # an ERIC document (ED number) that is a report: JT names who issued it
    assert b.type == "report" and b.container == ""
    assert b.publisher == "Center for Health Literacy Research" and b.issued == "2020"
    assert b.authors == [Person("Nakamura", "Kenji"), Person("Silva", "Maria")]


def test_ovid_tagged_medline_and_psycinfo():
    assert detect(OVID, "ovid.txt") == "medline"
    res = med.parse(OVID, "ovid.txt")
    assert not res.problems and not res.warnings and len(res.articles) == 2
    a, b = res.articles
    assert a.pmid == "31784343" and a.doi == "10.1182/blood.2019000001"
    assert a.title.startswith("Venetoclax combined") and a.title.endswith("myeloid leukemia.")
    # a suffix after a comma, as every reader writes it (FAU "Strickland, Stephen A Jr")
    assert a.authors == [Person("Wei", "Andrew H"), Person("Strickland", "Stephen A, Jr")]
    assert (a.container, a.volume, a.issue, a.pages) == ("Blood", "135", "1", "12-20")
    assert a.issued == "2020-01-02" and a.issn == "0006-4971" and a.language == "English"
    assert a.mesh == ["*Leukemia, Myeloid, Acute/dt [Drug Therapy]"]
    # PsycInfo: names "Family, Given [role]", no PMID (AN is PsycInfo's own number), journal,
    # volume, issue, pages only in the SO line, keywords in one KW line
    assert b.pmid == "" and b.extra["medline"]["AN"] == ["2021-12345-001"]
    assert b.authors == [Person("Keller", "Jana B."), Person("Ruiz", "Carmen")]
    assert (b.container, b.volume, b.issue, b.pages) == (
        "Journal of Pediatric Psychology", "46", "3", "310-321")
    assert b.issued == "2021-03" and b.issn == "0146-8693" and b.type == "article-journal"
    assert b.keywords == ["caregivers", "allogeneic transplantation", "psychological distress"]


def test_pubmed_without_blank_lines_article_number_and_journal_qualifier():
    res = med.parse(PUBMED, "pubmed.txt")
    assert [a.pmid for a in res.articles] == ["34567890", "34567891"] and not res.problems
    a, b = res.articles
    assert a.pages == "e42692" and a.doi == "10.7554/elife.42692"   # LID article number
    assert a.container == "eLife"
    # a publisher's internal pii is never a page; the abbreviated range is written out
    assert b.pages == "475-482"
    assert b.container == "Arthritis & rheumatology"
    assert b.extra["medline"]["JT"] == ["Arthritis & rheumatology (Hoboken, N.J.)"]
    assert b.container_short == "Arthritis Rheumatol"


def test_meaningful_parentheses_stay_in_the_journal_title():
    text = ("PMID- 1\nTI  - One.\nJT  - BMJ (Clinical research ed.)\n\n"
            "PMID- 2\nTI  - Two.\nJT  - Proceedings (Baylor University. Medical Center)\n\n"
            "PMID- 3\nTI  - Three.\nJT  - Journal of immunology (Baltimore, Md. : 1950)\n")
    got = [a.container for a in med.parse(text, "t.nbib").articles]
    assert got == ["BMJ (Clinical research ed.)",
                   "Proceedings (Baylor University. Medical Center)", "Journal of immunology"]


def test_other_databases_import_into_the_library(lib, tmp_path):
    for name, text in (("eric.nbib", ERIC), ("ovid.txt", OVID), ("pubmed.txt", PUBMED)):
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    paths = [str(tmp_path / n) for n in ("eric.nbib", "ovid.txt", "pubmed.txt")]
    first = import_paths(lib, paths)
    assert len(first.added) == 6 and not first.skipped
    again = import_paths(lib, paths)
    assert again.added == [] and lib.articles.count() == 6
    stored = {a.title[:20]: a for a in lib.articles.iter_all()}
    assert stored["Checkpoint blockade "].container == "Arthritis & rheumatology"
    assert stored["Teaching Haematology"].authors[0] == Person("van der Berg", "Anneke M.")


def test_eric_journal_article_by_its_ej_number_and_et_al():
    # ERIC lists some journal articles with report types only: the EJ number decides
    eric = ("OWN - ERIC\nTI  - Game-Based Practice and Fraction Sense\nAU  - Ortiz, Lena\n"
            "JT  - Educational Technology Research and Development\nSO  - v67 n2 p423-441 Apr 2019\n"
            "OID - EJ1208999\nVI  - 67\nIP  - 2\nPG  - 423-441\nDP  - Apr 2019\n"
            "ISSN - ISSN-1042-1629\nLA  - English\nPT  - Reports - Research\n"
            "PT  - Reports - Evaluative\n")
    (a,) = med.parse(eric, "eric.nbib").articles
    assert a.type == "article-journal" and a.issn == "1042-1629" and a.issued == "2019-04"
    assert a.container == "Educational Technology Research and Development"
    # older MEDLINE records end a long author list with "AU - et al.": not an author
    pubmed = ("PMID- 8402898\nTI  - The GTPase dynamin.\nFAU - Gout, I\nAU  - Gout I\n"
              "AD  - Ludwig Institute for Cancer Research, London, England.\nFAU - Booker, G W\n"
              "AU  - Booker GW\nAU  - et al.\nJT  - Cell\n")
    (b,) = med.parse(pubmed, "p.nbib").articles
    assert b.authors == [Person("Gout", "I"), Person("Booker", "G W")]


def test_ahead_of_print_publisher_ids_are_never_pages():
    text = ("PMID- 32000001\nOWN - NLM\nSTAT- Publisher\nDP  - 2020 Jan 2\n"
            "TI  - Ahead of print.\nLID - 10.1182/blood.2020005678 [doi]\n"
            "LID - blood.2020005678 [pii]\nFAU - Wei, Andrew H\nAU  - Wei AH\nTA  - Blood\n"
            "JT  - Blood\nAID - S0006-4971(20)30000-1 [pii]\nAID - 10.1182/blood.2020005678 [doi]\n"
            "SO  - Blood. 2020 Jan 2:blood.2020005678. doi: 10.1182/blood.2020005678.\n\n"
            "PMID- 30123504\nOWN - NLM\nDP  - 2018 Aug 13\nTI  - An article number.\n"
            "LID - 18\nTA  - J Eat Disord\nJT  - Journal of eating disorders\nAID - 207 [pii]\n"
            "AID - 10.1186/s40337-018-0207-1 [doi]\nSO  - J Eat Disord. 2018 Aug 13;6:18.\n")
    a, b = med.parse(text, "p.nbib").articles
    assert a.pages == "" and a.doi == "10.1182/blood.2020005678" and a.container == "Blood"
    # BMC: "LID - 18" is the article number; "AID - 207 [pii]" the publisher's own id
    assert b.pages == "18" and b.volume == "6"


def test_pubmed_book_chapter():
    text = ("PMID- 21249755\nSTAT- Publisher\nPB  - National Center for Biotechnology Information "
            "(US)\nDP  - 2009\nTI  - Peutz-Jeghers Syndrome\nBTI - Cancer Syndromes\n"
            "FED - Riegert-Johnson, Douglas L\nED  - Riegert-Johnson DL\n"
            "FAU - Gleeson, Ferga C.\nAU  - Gleeson FC\nLA  - eng\nPT  - Book Chapter\n"
            "PL  - Bethesda (MD)\nAID - NBK1826 [bookaccession]\n")
    (a,) = med.parse(text, "book.nbib").articles
    assert (a.type, a.title, a.container) == ("chapter", "Peutz-Jeghers Syndrome",
                                              "Cancer Syndromes")
    assert a.editors == [Person("Riegert-Johnson", "Douglas L")]
    assert a.authors == [Person("Gleeson", "Ferga C.")]
    assert a.publisher == "National Center for Biotechnology Information (US)"
    assert a.url == "https://www.ncbi.nlm.nih.gov/books/NBK1826/"
