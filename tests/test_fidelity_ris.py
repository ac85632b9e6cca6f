"""RIS and Web of Science read field by field as other tools' own tests say they must come out
(decision 0073, round 2); fixtures written by hand in the form of the file named in each test."""
from __future__ import annotations

from amlref.services.importing import parse_data

# JabRef's IsiImporterTest1.isi (ISI export format; INSPEC record): the title's subscript
# written "/sub 3/", a numeric publication date "04 2006"
ISI = """FN ISI Export Format
VR 1.0

PT J
TI Optical properties of MgO doped LiNbO/sub 3/ single
   crystals
AU Brown, JM
   Brown, J
SO Optical Materials
PY 2006
PD 04 2006
VL 28
IS 5
AB Ca/sup 2+/ flux in /sub 1/H NMR terms
BP 467
EP 472
ER

EF
"""


def test_isi_sub_and_superscripts_and_numeric_date():
    (a,) = parse_data(ISI.encode(), "t.isi").articles
    assert a.title == "Optical properties of MgO doped LiNbO\u2083 single crystals"
    assert a.abstract == "Ca\u00b2\u207a flux in \u2081H NMR terms"
    assert a.issued == "2006-04"
    assert (a.volume, a.issue, a.pages) == ("28", "5", "467-472")


def test_isi_numeric_dates_as_jabref_reads_them():
    # JabRef's IsiImporterTest.testMonthConvert: a numeric month, a month range, a day
    from amlref.formats.ris_wos import _wos_date
    assert _wos_date("", "2006 06") == "2006-06"
    assert _wos_date("2006", "06-07") == "2006-06"
    assert _wos_date("", "2006 07 03") == "2006-07-03"
    assert _wos_date("2006", "MAY-JUN") == "2006-05"
    assert _wos_date("2006", "JUL 15") == "2006-07-15"
    assert _wos_date("2006", "15") == "2006"          # no month
