"""BibTeX read field by field as other tools' own tests say it must come out (decision 0073,
round 2).  Fixtures are small, written by hand in the exact form of the file named in each test;
none of the third-party files is in the project."""
from __future__ import annotations

from amlref.formats.bibtex import BibtexImporter
from amlref.formats.latex import to_unicode


def parse(text: str):
    res = BibtexImporter().parse(text, "f.bib")
    assert not res.problems, res.problems
    return res


# zotero-better-bibtex test/fixtures/import/ "BibTeX export escapes (BibTeXEscapeTest1)": an
# escaped backslash (a LaTeX line break) right before a group.  bibtexparser's splitter read the
# brace after "\\" as an escaped brace and ended the value there: the fields after it were lost
# and the rest of the entry became a comment.  BibTeX and biber count every brace.
BACKSLASH_BRACE = r"""@article{BibTeXEscapeTest1,
  title = {Escaped backslash followed by \{\}: \\{}},
  year = {2002}
}

@article{k2,
  title = {First line\\{}second line},
  journal = {Blood},
  volume = {101},
  year = {2003}
}
"""


def test_escaped_backslash_before_a_brace_ends_no_value():
    res = parse(BACKSLASH_BRACE)
    a, b = res.articles
    assert a.title == "Escaped backslash followed by {}:" and a.issued == "2002"
    assert (b.title, b.container, b.volume, b.issued) == (
        "First line second line", "Blood", "101", "2003")
    assert not res.warnings, res.warnings


# zotero/translators BibTeX.js testCases, "test-ticket1661": a tilde accent with nothing to sit
# on is the tilde sign (Zotero gives U+223C), never a combining mark left alone
def test_accent_on_nothing_is_the_accent_sign():
    res = parse("@article{test-ticket1661,\ntitle={non-braking space: ~; accented characters: "
                "{\\~n} and \\~{n}; tilde operator: \\~},\n} ")
    assert res.articles[0].title == ("non-braking space: ; accented characters: \u00f1 and "
                                     "\u00f1; tilde operator: ~")
    assert to_unicode("x \\^") == "x ^" and to_unicode("a \\~ b") == "a b\u0303"


def test_escaped_braces_alone_read_as_before():
    # an escaped brace with no escaped backslash before it: bibtexparser's splitter as before
    res = parse("@article{k,\n  title = {Braces \\{escaped\\} here},\n  year = {2001}\n}\n")
    assert res.articles[0].title == "Braces {escaped} here"
    assert res.articles[0].issued == "2001"


# zotero-better-bibtex test/fixtures/import/"Import location to event-place for conference
# papers.bib" (the ACM Digital Library's BibTeX export; citation.js's plugin-bibtex test "with
# whitespace and unknown fields" has the same form): both ``location`` (the conference's) and
# ``address`` (the publisher's); ``numpages``.  Both tools expect publisher-place = address and
# the location as the event's place; citation.js reads numpages as number-of-pages.
ACM = """@inproceedings{Mostafa:2009:TPA:1596655.1596682,
 author = {Mostafa, Nagy and Krintz, Chandra},
 title = {Tracking Performance Across Software Revisions},
 booktitle = {Proceedings of the 7th International Conference on Principles and Practice of Programming in Java},
 series = {PPPJ '09},
 year = {2009},
 location = {Calgary, Alberta, Canada},
 pages = {162--171},
 numpages = {10},
 publisher = {ACM},
 address = {New York, NY, USA},
}
"""


def test_acm_location_is_the_event_place_when_address_is_given():
    from amlref.formats.csljson import article_to_item
    a = parse(ACM).articles[0]
    item = article_to_item(a)
    assert item["publisher-place"] == "New York, NY, USA"
    assert item["event-place"] == "Calgary, Alberta, Canada"
    assert item["number-of-pages"] == "10"
    assert item["collection-title"] == "PPPJ '09"
    # one of them alone is the place of publication (biblatex's location = BibTeX's address)
    alone = parse(ACM.replace(" address = {New York, NY, USA},\n", "")).articles[0]
    assert article_to_item(alone)["publisher-place"] == "Calgary, Alberta, Canada"
    assert "event-place" not in article_to_item(alone)
    same = parse(ACM.replace("New York, NY, USA", "Calgary, Alberta, Canada")).articles[0]
    assert "event-place" not in article_to_item(same)


# JabRef's BibtexParserTest "parseRecognizesEntryWithNewlines": the brace on the line after the
# entry type.  BibTeX and biber skip the white space; the entry was lost without a word.
def test_brace_on_the_line_after_the_entry_type():
    res = parse("@article\n{\ntest,author={Ed von Test}}")
    (a,) = res.articles
    assert (a.citekey, a.authors[0].given) == ("test", "Ed") and a.line == 1
    # the same with an escaped brace in a field (read by bibtexparser's splitter): line kept
    res = parse("@comment{x}\n\n@article\n{k,\n title = {T \\{x\\}},\n year = {2001}\n}\n"
                "@book{b, title = {B}}\n")
    (a, b) = res.articles
    assert (a.title, a.issued, a.line, b.line) == ("T {x}", "2001", 3, 8)


# JabRef's BibtexParserTest "parseRecognizesEntryPrecedingComment": entries written inside a
# @comment{...} are commented out (biber and JabRef skip the whole balanced body); they were
# imported, and the comment reported as a broken entry.
def test_entries_inside_a_comment_are_not_imported():
    text = ("@Comment{@article{myarticle,}\n"
            "@inproceedings{blabla, title={the proceedings of bl@bl@}; }\n"
            "}\n"
            "@article{test,author={Ed von T@st}}")
    res = parse(text)
    assert [a.citekey for a in res.articles] == ["test"]
    assert res.articles[0].authors[0].family == "von T@st" and res.articles[0].line == 4
    assert not res.warnings


# JabRef's BibtexParserTest "parseRecognizesFinalSlashAsSlash": a backslash at the end of a value.
# BibTeX counts the brace after it like any other; bibtexparser's splitter took "\}" for an
# escaped brace, found no end and the entry was lost.
def test_backslash_at_the_end_of_a_value():
    res = parse("@misc{,\n  test = {wired\\},\n  title = {Wired}\n}\n")
    (a,) = res.articles
    assert a.title == "Wired" and a.extra["bibtex"]["fields"]["test"] == "wired\\"
    # braces escaped LaTeX's way and balanced: read as before
    res = parse("@article{k, title = {Set \\{1, 2\\} and \\{3\\}}, year = {2004}}")
    assert (res.articles[0].title, res.articles[0].issued) == ("Set {1, 2} and {3}", "2004")


# JabRef's BibtexParserTest "parseCombinesMultipleAuthorFields", "...EditorFields",
# "...KeywordsFields": a list given in several fields is one list (BibTeX would keep the first;
# the others were dropped with a warning)
def test_a_list_given_in_several_fields_is_one_list():
    res = parse("@article{test,author={Ed von Test},author={Second Author},"
                "author={Third Author},editor={E. One},editor={E. Two},"
                "Keywords={Test},Keywords={Second Keyword},Keywords={Third Keyword},"
                "title={T},title={Other}}")
    (a,) = res.articles
    assert [p.family for p in a.authors] == ["von Test", "Author", "Author"]
    assert [p.given for p in a.authors] == ["Ed", "Second", "Third"]
    assert [p.family for p in a.editors] == ["One", "Two"]
    assert a.keywords == ["Test", "Second Keyword", "Third Keyword"]
    assert a.title == "T"            # any other field: the first, as BibTeX reads it
    assert res.warnings == ["f.bib:1: entry 'test' repeats field(s) title; the first value is kept"]


# JabRef's BibtexParserTest "parseRetainsLineLeadingBibtexLikeTextInBracedField": a line of a
# braced value that starts with "@" is text of the value, not a new entry (the entry was reported
# broken and "@foo{bar}" imported as an entry of its own)
def test_at_sign_starting_a_line_inside_a_value():
    res = parse("@article{test,\n  title = {prefix\n@foo{bar}\nsuffix},\n  year = {1999}\n}\n"
                "@book{next, title = {Next}}\n")
    assert [(a.citekey, a.title, a.line) for a in res.articles] == [
        ("test", "prefix @foobar suffix", 1), ("next", "Next", 7)]
    assert res.articles[0].issued == "1999" and not res.warnings


# JabRef's BibtexParserTest "parseIgnoresTextBeforeEntry": text, then an entry on the same line.
# BibTeX skips text outside entries; the .bib file was refused as an unknown format.
def test_entry_after_text_on_its_line_in_a_bib_file(tmp_path):
    from amlref.services.importing import parse_data
    data = b"comment{some text and \\latex@article{test,author={Ed von Test}, title={T}}"
    res = parse_data(data, str(tmp_path / "x.bib"))
    assert [(a.citekey, a.title) for a in res.articles] == [("test", "T")]
    # without the .bib name such text is not taken for BibTeX
    import pytest
    from amlref.core.errors import InputError
    with pytest.raises(InputError, match="unknown format"):
        parse_data(data, str(tmp_path / "x.txt"))


# zotero/translators BibTeX.js testCases "sasson_increasing_2013": Zotero's own BibTeX export
# writes the record's Extra as a note with the label's case protected, note = {{PMID:} 23439512};
# Zotero reads the PMID back (the braces hid it)
def test_pmid_in_a_zotero_note_with_a_protected_label():
    a = parse("@article{sasson_increasing_2013, title = {Increasing CPR provision},\n"
              "\tjournal = {Circulation}, note = {{PMID:} 23439512},\n"
              "\tyear = {2013}}").articles[0]
    assert a.pmid == "23439512"
    b = parse("@article{k, title = {T}, note = {{PMID:} 1 {PMCID:} PMC123456 {DOI:} "
              "10.1000/xyz}}").articles[0]
    assert (b.pmid, b.pmcid, b.doi) == ("1", "PMC123456", "10.1000/xyz")


# zotero/translators BibTeX.js: "lastchecked" (as "urldate") is the date a web page was seen
def test_lastchecked_is_the_access_date():
    from amlref.formats.csljson import article_to_item
    a = parse("@misc{w, title = {A page}, url = {https://example.org/}, "
              "lastchecked = {2012-07-27}}").articles[0]
    assert article_to_item(a)["accessed"] == {"date-parts": [[2012, 7, 27]]}


# TeX Live's beebe/texbook1.bib: "Anima Ltd, Gda\'{nsk}", "Journ\'{ees}": an accent over a group
# of letters is meant for the first one (was read as "Gdańśḱ", every letter accented)
def test_accent_over_a_group_of_letters():
    assert to_unicode("Anima Ltd, Gda\\'{nsk}") == "Anima Ltd, Gdańsk"
    assert to_unicode("Actes des Journ\\'{ees}") == "Actes des Journées"
    assert to_unicode("\\\"{}") == "\u00a8" and to_unicode("\\'{\\i}") == "\u00ed"


def test_biblatex_control_file_is_no_work():
    """biblatex writes ``doc-blx.bib`` beside a document using the BibTeX backend: comments
    and one ``@Control`` entry of its settings (form of biblatex 3.x's file)."""
    text = ("@Comment{$ biblatex control file $}\n@Comment{$ biblatex bcf format version 3.10 $}\n"
            "  Do not modify this file!\n\n  This is an auxiliary file used by the 'biblatex' "
            "package.\n\n@Control{biblatex-control,\n  options = {3.10:0:0:1:0:1:1:0:0:1:0:1},\n}\n"
            "@article{real, title = {A real work}, year = 2020}\n")
    res = BibtexImporter().parse(text, "doc-blx.bib")
    assert [a.citekey for a in res.articles] == ["real"]
    assert any("control entry 'biblatex-control'" in w and "doc-blx.bib:7" in w
               for w in res.warnings), res.warnings


# Users' entries from bug reports of other tools (Docear #416: a Zotero export with a line of
# text typed into an entry; BiblioJSON #2: a key with an apostrophe and a blank line inside;
# Zotero #1174: quoted values over two lines, a year without delimiters)
USERS = r"""@article{horn_spectral_1986,
    title = {Spectral transmission characteristics of shocked optical fibers},
    volume = {25},
    doi = {10.1364/AO.25.003430},
    number = {19},
    journal = {Applied Optics},
    author = {Horn, Paul D. and Gupta, Yogendra M.},
    month = oct,
    year = {1986},
    pages = {3430--3434},
Axial impact of silica and sapphire fibers (with horizontal constraint).},
}

@Article{Dobrovol'skii_1963,
  Title                    = {Use of the {H}all current for investigation of carrier scattering},
  Author                   = {Dobrovol'skii, V. N. and Gritsenko, Yu. I.},
  Journal                  = {Soviet Physics - Solid State},
  Year                     = {1963},

  Comment                  = {SBB},
}

@Book{abramowitz+stegun,
 author    = "Milton {Abramowitz} and Irene A. {Stegun}",
 title     = "Handbook of Mathematical Functions with
              Formulas, Graphs, and Mathematical Tables",
 year      =  1964,
}
"""


def test_entries_from_users_bug_reports():
    res = BibtexImporter().parse(USERS, "users.bib")
    by = {a.citekey: a for a in res.articles}
    assert list(by) == ["horn_spectral_1986", "Dobrovol'skii_1963", "abramowitz+stegun"]
    horn = by["horn_spectral_1986"]
    assert (horn.title, horn.pages, horn.issued, horn.doi.lower()) == (
        "Spectral transmission characteristics of shocked optical fibers", "3430-3434",
        "1986-10", "10.1364/ao.25.003430")
    # the stray line: kept as the entry's annotation, and said where it was
    assert horn.extra["bibtex"]["fields"]["annotation"].startswith("Axial impact of silica")
    assert res.problems == [] and any(w.startswith("users.bib:11: text that is no field")
                                      for w in res.warnings), res.warnings
    assert [p.family for p in by["Dobrovol'skii_1963"].authors] == ["Dobrovol'skii", "Gritsenko"]
    book = by["abramowitz+stegun"]
    assert book.title == ("Handbook of Mathematical Functions with Formulas, Graphs, and "
                          "Mathematical Tables") and book.issued == "1964"
    assert [p.family for p in book.authors] == ["Abramowitz", "Stegun"]
