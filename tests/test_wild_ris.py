"""RIS and Web of Science files AMLRef had not seen (other tools' test files), written by hand
in the exact form of the file named in each test."""
from __future__ import annotations

from amlref.formats.ris import RisImporter
from amlref.formats.ris_values import parse_date

# Web of Science tagged export (JabRef, jablib/src/test/resources/org/jabref/logic/importer/
# fileformat/IsiImporterTest1.isi, with the PD forms of Web of Science's own exports)
WOS = """FN ISI Export Format
VR 1.0

PT J
TI Optical properties of MgO doped LiNbO/sub 3/ single
   crystals
AU Brown, JM
SO Optical Materials
PY 2006
PD APR 2006
VL 28
BP 467
EP 472
ER

PT J
TI Second record
AU Roe, R
SO Blood
PY 2019
PD JUN 8
ER

EF"""


def test_wos_publication_month_with_its_year_is_no_day():
    a, b = RisImporter().parse(WOS, "savedrecs.txt").articles
    assert a.title == "Optical properties of MgO doped LiNbO\u2083 single crystals"  # /sub 3/
    assert a.issued == "2006-04"              # was 2006-04-20: "20" of "2006" read as a day
    assert b.issued == "2019-06-08"


def test_dates_with_a_month_name_and_a_year_after_it():
    assert parse_date("2006 APR 2006") == "2006-04"
    assert parse_date("2006 APR 15 2006") == "2006-04-15"
    assert parse_date("2019 Sep 30") == "2019-09-30"


# Zotero's RIS.js test cases (zotero/translators, RIS.js testCases): a Taylor & Francis record
# with a Unicode line separator in its title, the deprecated Y1 before DA, Scopus's "PY  - 0000"
ZOTERO_CASES = ("TY  - JOUR\nT1  - From Basic to Applied Research to Improve Outcomes: \u2028"
                "Potential Contributions of Eye Tracking Research Methods\nAU  - Light, Janice\n"
                "Y1  - 2014/06/01\nPY  - 2014\nDA  - 2014/06/01\nSP  - 99\nEP  - 105\nER  -\n\n"
                "TY  - JOUR\nT1  - Deprecated tag test\nY1  - 1900/01/01\nDA  - 1950/01/01\n"
                "ER  - \n\n"
                "TY  - JOUR\r\nT2  - Prostate Cancer Mortality Statistics 2015\r\nPY  - 0000\r\n"
                "N1  - Cited By :1\r\nER  - \r\n\r\n")


def test_zotero_ris_cases():
    a, b, c = RisImporter().parse(ZOTERO_CASES, "x.ris").articles
    assert a.title == ("From Basic to Applied Research to Improve Outcomes: Potential "
                       "Contributions of Eye Tracking Research Methods")
    assert a.issued == "2014-06-01" and a.pages == "99-105"
    assert b.issued == "1950-01-01"            # DA, not the deprecated Y1
    assert b.extra["ris"]["Y1"] == ["1900/01/01"]   # kept, not lost
    assert c.issued == "" and c.container == "Prostate Cancer Mortality Statistics 2015"
    assert parse_date("0000") == "" and parse_date("0000///") == ""


def test_compact_dates_as_endnote_writes_access_dates():
    # JabRef's Endnote.book.example.enw: "%[ 20151028" (access date)
    assert parse_date("20151028") == "2015-10-28"
    assert "-13" not in parse_date("20151328")          # no month 13
