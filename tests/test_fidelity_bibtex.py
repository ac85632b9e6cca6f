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
