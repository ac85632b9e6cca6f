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
    assert a.title == "Optical properties of MgO doped LiNbO/sub 3/ single crystals"
    assert a.issued == "2006-04"              # was 2006-04-20: "20" of "2006" read as a day
    assert b.issued == "2019-06-08"


def test_dates_with_a_month_name_and_a_year_after_it():
    assert parse_date("2006 APR 2006") == "2006-04"
    assert parse_date("2006 APR 15 2006") == "2006-04-15"
    assert parse_date("2019 Sep 30") == "2019-09-30"
