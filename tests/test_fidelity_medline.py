"""MEDLINE read field by field as other tools' own tests say it must come out (decision 0073,
round 2); fixtures written by hand in the form of the file named in each test."""
from __future__ import annotations

from amlref.formats.medline import MedlineImporter


# JabRef's MedlinePlainImporterTestMultipleEntries.txt (third record): TI given several times
# is one title going on; JabRef joins the parts as a subtitle prints ("Title: Subtitle", no
# colon after a part that ends in a full stop, colon or question mark)
def test_title_given_several_times_is_one_title():
    text = ("PMID- 20481062\nDP  - 2010   06\nTI  - This is a Testtitle\n"
            "TI  - This title should be appended:\nTI  - This title should also be appended.\n"
            "TI  - Another append to the Title?\nTI  - LastTitle\nPT  - Book\n")
    (a,) = MedlineImporter().parse(text, "m.nbib").articles
    assert a.title == ("This is a Testtitle: This title should be appended: This title should "
                       "also be appended. Another append to the Title? LastTitle")
    assert (a.type, a.issued) == ("book", "2010-06")
    # one TI over several lines (PubMed's wrapping) is joined with spaces, as before
    (b,) = MedlineImporter().parse("PMID- 1\nTI  - Two\n      lines.\n", "m.nbib").articles
    assert b.title == "Two lines."
