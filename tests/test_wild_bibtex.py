"""BibTeX as tools and users write it, from files of other tools' test suites and bug reports
that AMLRef had not seen (the fixtures are small, written by hand in the exact form of the file
named in each test): entries with no key, biblatex subtitles, and the fields with no column of
their own carried between BibTeX, RIS and CSL-JSON."""
from __future__ import annotations

import json

import pytest

from amlref.formats.bibtex import BibtexImporter, export_bib
from amlref.formats.csljson import CslJsonExporter, CslJsonImporter
from amlref.formats.ris import RisExporter, RisImporter
from amlref.services.importing import import_text
from latex_run import bbl_of, need

# EndNote's BibTeX export writes no citation key (zotero-better-bibtex,
# test/fixtures/import/"Endnote should parse.bib": a PubMed record exported from EndNote)
ENDNOTE = """
\t@article{
\t  author = {Huang, Y. and Mucke, L.},
\t  title = {Alzheimer mechanisms and therapeutic strategies},
\t  journal = {Cell},
\t  volume = {148},
\t  number = {6},
\t  pages = {1204-22},
\t  note = {Huang, Yadong
\tMucke, Lennart
\tCell. 2012 Mar 16;148(6):1204-22.},
\t  year = {2012}
\t}

\t@book{
\t  author = {Doe, Jane},
\t  title = {Braces \\{escaped\\} send it the slow way},
\t  year = {2001}
\t}
"""


def parse(text: str, name: str = "x.bib"):
    res = BibtexImporter().parse(text, name)
    assert not res.problems, res.problems
    return res


def test_entries_without_a_key_are_read_and_get_a_key(lib):
    res = parse(ENDNOTE, "endnote.bib")
    a, b = res.articles
    assert a.title == "Alzheimer mechanisms and therapeutic strategies"
    assert [p.family for p in a.authors] == ["Huang", "Mucke"]
    assert (a.container, a.volume, a.issue, a.issued) == ("Cell", "148", "6", "2012")
    assert a.line == 2 and b.line == 15
    assert b.title == "Braces {escaped} send it the slow way"
    assert sum("without a key" in w for w in res.warnings) == 2
    report = import_text(lib, ENDNOTE, name="endnote.bib")
    assert len(report.added) == 2 and not report.skipped
    arts = [lib.articles.get(i) for i in report.added]
    assert all(x.citekey for x in arts)
    assert arts[0].pages == "1204-1222"          # PubMed's short range, expanded as everywhere


def test_a_string_macro_is_not_taken_for_a_keyless_entry():
    res = parse('@string{cell = "Cell"}\n@article{k, journal = cell, year = 2012}\n')
    [a] = res.articles
    assert a.citekey == "k" and a.container == "Cell"


# biblatex's subtitle (biblatex-apa's test file, in zotero-better-bibtex's
# test/fixtures/import/"Import error with character '+' in BibTeX field name #2660.bib")
APA = """@ARTICLE{9.47:4,
 AUTHOR       = {T. A. Judge and Kammeyer-Mueller, J. D},
 TITLE        = {General and Specific Measures in Organizational Behaviour Research},
 SUBTITLE     = {Considerations, Examples, and Recommandations for Researchers},
 JOURNALTITLE = {Organizational Behaviour},
 VOLUME       = {33},
 NUMBER       = {2},
 PAGES        = {161--174},
 DATE         = {2012},
 DOI          = {10.1002/job.764}
}
@BOOK{q, TITLE = {Why {M\\"uller}?}, SUBTITLE = {An {\\"A}nswer}, DATE = {2000}}
"""


def test_subtitle_is_part_of_the_title():
    a, b = parse(APA).articles
    assert a.title == ("General and Specific Measures in Organizational Behaviour Research: "
                       "Considerations, Examples, and Recommandations for Researchers")
    assert b.title == "Why Müller? An Änswer"        # no colon after a question mark


def test_subtitle_goes_out_apart_to_biblatex_and_joined_to_bibtex():
    arts = parse(APA).articles
    blx = export_bib(arts, biblatex=True)
    assert "title = {General and Specific Measures in Organizational Behaviour Research}" in blx
    assert "subtitle = {Considerations, Examples, and Recommandations for Researchers}" in blx
    assert 'title = {Why {M\\"uller}?}' in blx and 'subtitle = {An {\\"A}nswer}' in blx
    bib = export_bib(arts, biblatex=False)          # classic styles print no subtitle field
    assert "subtitle" not in bib
    assert 'title = {Why {M\\"uller}? An {\\"A}nswer}' in bib
    for text in (blx, bib):
        assert [x.title for x in parse(text).articles] == [x.title for x in arts]


def test_an_edited_title_drops_the_old_subtitle():
    a = parse(APA).articles[0]
    a.title = "Another title altogether"
    out = export_bib([a], biblatex=True)
    assert "subtitle" not in out and "title = {Another title altogether}" in out


# a biblatex book with its place in ``location`` (zotero-better-bibtex,
# test/fixtures/import/"Book imported as book section when duplicate book title field is
# present #3328.bib", written by BibDesk)
BIBDESK = """@book{Malinowski_1935b,
\tauthor = {Malinowski, Bronislaw},
\tdate = {1935},
\tedition = {2},
\tlocation = {London},
\tpublisher = {George Allen \\& Unwin},
\tseries = {Studies in {M\\"o}bius},
\tshorttitle = {Coral Gardens and Their Magic, Vol. 2},
\turldate = {2020-05-04},
\ttranslator = {M{\\"u}ller, Hans},
\ttitle = {Coral Gardens and Their Magic: A Study of the Methods of Tilling the Soil}}
"""


def test_bibtex_only_fields_reach_csl_json_and_ris():
    [a] = parse(BIBDESK).articles
    [item] = json.loads(CslJsonExporter().export([a]))
    assert item["publisher-place"] == "London"
    assert item["edition"] == "2"
    assert item["collection-title"] == "Studies in Möbius"
    assert item["title-short"] == "Coral Gardens and Their Magic, Vol. 2"
    assert item["accessed"] == {"date-parts": [[2020, 5, 4]]}
    assert item["translator"] == [{"family": "Müller", "given": "Hans"}]
    [back] = CslJsonImporter().parse(json.dumps([item]), "x.json").articles
    assert back.title == a.title and back.publisher == a.publisher
    ris = RisExporter().export([a])
    for line in ("CY  - London", "ET  - 2", "ST  - Coral Gardens and Their Magic, Vol. 2"):
        assert line in ris.splitlines()
    [r] = RisImporter().parse(ris, "x.ris").articles
    assert r.extra["csl"]["publisher-place"] == "London"


# EndNote RIS (Zotero's RIS.js test case: a patent with its place and access date)
ENDNOTE_RIS = """TY  - BOOK
AU  - Burger, D. R.
TI  - Method of detecting AIDS virus infection
PY  - 1990
CY  - Portland, OR
PB  - Epitope
ET  - 3rd
T2  - Series of Méthodes
Y2  - 1986/6/23
ER  - 
"""


def test_ris_place_edition_series_and_access_date_reach_bibtex():
    [a] = RisImporter().parse(ENDNOTE_RIS, "x.ris").articles
    bib = export_bib([a], biblatex=False)
    assert "address = {Portland, OR}" in bib and "edition = {3rd}" in bib
    assert "series = {Series of M{\\'e}thodes}" in bib
    blx = export_bib([a], biblatex=True)
    assert "location = {Portland, OR}" in blx and "urldate = {1986-06-23}" in blx
    assert "address" not in blx
    [b] = parse(bib).articles
    assert b.extra["bibtex"]["fields"]["address"] == "Portland, OR"


def test_a_field_of_the_entry_is_not_written_twice():
    [a] = parse(BIBDESK).articles
    a.extra["csl"] = {"publisher-place": "Oxford", "edition": "9"}   # merged from a RIS copy
    out = export_bib([a], biblatex=False)
    assert out.count("London") == 1 and "Oxford" not in out
    assert out.count("edition =") == 1


@pytest.mark.latex
def test_bibtex_and_biber_print_what_came_from_ris(tmp_path):
    need("pdflatex", "bibtex", "biber")
    [a] = RisImporter().parse(ENDNOTE_RIS, "x.ris").articles
    doc = "\\documentclass{article}%s\\begin{document}\\nocite{*}%s\\end{document}\n"
    bbl = bbl_of(tmp_path / "bibtex", export_bib([a], biblatex=False),
                 doc % ("", "\\bibliographystyle{plain}\\bibliography{refs}"), "bibtex")
    text = " ".join(bbl.split())
    assert "Portland, OR" in text and "3rd" in text
    blg = (tmp_path / "bibtex" / "doc.blg").read_text()
    assert "Warning" not in blg, blg
    bbl = bbl_of(tmp_path / "biber", export_bib([a], biblatex=True),
                 doc % ("\\usepackage[backend=biber]{biblatex}\\addbibresource{refs.bib}",
                        "\\printbibliography"), "biber")
    assert "Portland, OR" in bbl and "\\field{edition}{3rd}" in bbl
    blg = (tmp_path / "biber" / "doc.blg").read_text()
    assert "WARN" not in blg, blg


# a web page in classic BibTeX with \href and spaces between its arguments (zotero-better-bibtex,
# test/fixtures/import/"Allow spaces between href arguments for import #2504.bib")
HREF = r"""@misc{ GAP4.13dev,
  title =            {{GAP} {\textendash} {G}roups, {A}lgorithms, and {P}rogramming, {V}ersion 4.13dev},
  organization =     {The GAP {G}roup},
  howpublished =     {\href {https://www.gap-system.org} {\texttt{https://www.gap-system.org}}},
  key =              {GAP}
}
"""


def test_href_in_howpublished_is_the_url_and_goes_back_as_written():
    [a] = parse(HREF).articles
    assert a.url == "https://www.gap-system.org"
    assert a.title == "GAP – Groups, Algorithms, and Programming, Version 4.13dev"
    out = export_bib([a], biblatex=False)
    assert ("howpublished = {\\href {https://www.gap-system.org} "
            "{\\texttt{https://www.gap-system.org}}}") in out
    a.url = "https://example.org/gap"
    out = export_bib([a], biblatex=False)
    assert "howpublished = {\\url{https://example.org/gap}}" in out


# BibDesk writes the label into the field (zotero-better-bibtex, test/fixtures/import/
# "Crossrefd incollection items are missing date on import #3514.bib")
BIBDESK_ISBN = """@book{Hauck_etal_2011,
\tdate = {2011},
\teditor = {Hauck, Jan David and Chiappini, Ligia and Timm, Liana},
\tisbn = {ISBN 978-85-63994-24-0},
\tissn = {ISSN: 0006-4971},
\tlocation = {Porto Alegre},
\tpublisher = {Territ{\\'o}rio das Artes},
\ttitle = {{Fronteiras da integra{\\c{c}}{\\~a}o}}}
"""


def test_isbn_and_issn_without_their_label():
    [a] = parse(BIBDESK_ISBN).articles
    assert (a.isbn, a.issn) == ("978-85-63994-24-0", "0006-4971")
    assert a.publisher == "Território das Artes" and a.title == "Fronteiras da integração"
    out = export_bib([a], biblatex=True)
    assert "isbn = {978-85-63994-24-0}" in out and "issn = {0006-4971}" in out


# hand-kept .bib files comment fields out with % (biber and JabRef read % to the end of the
# line as a comment inside an entry too); the first form is from a user's file in the shape of
# zotero-better-bibtex's test/fixtures/import bug reports
COMMENTED = """@article{a2,
  title = {Second},
  % a comment line inside an entry
  year = 2002,
  % doi = {10.1000/commented},
  %   note = {no comma after a commented-out field}
  volume = {3}
}
@article{a3, title = {Third}, year = 2003}
"""


def test_percent_comment_lines_inside_an_entry_are_comments():
    res = parse(COMMENTED)
    a, b = res.articles
    assert (a.title, a.issued, a.volume, a.doi) == ("Second", "2002", "3", "")
    assert "fields" not in a.extra.get("bibtex", {})
    assert not res.warnings                  # no "missing comma" after a commented field
    assert "%" not in export_bib([a], biblatex=False)
    assert b.issued == "2003"


# TeX's own documentation bibliographies (texlive-doc: bibtex/base/btxdoc.bib,
# latex/biblatex-bookinother/documentation/example-bookinthesis.bib): a month written as
# "8~" # feb, the \BibTeX logo that only btxdoc.tex defines, a style package's own entry type
TEXDOC = r"""@UNPUBLISHED{btxhak,
   author = "Oren Patashnik",
   title = "Designing {\BibTeX} Styles",
   note = "The part of \BibTeX's documentation
                                        that's not meant for general users",
   month = "8~" # feb,
   year = 1988 }

@inphd{inphd:2015,
  author = {Doe, Jane},
  title = {A Chapter in a Thesis},
  year = {2015}}
"""


@pytest.mark.latex
def test_tex_documentation_bib_compiles_without_warnings(tmp_path):
    need("pdflatex", "bibtex", "biber")
    arts = parse(TEXDOC).articles
    assert arts[0].issued == "1988-02-08"
    bib = export_bib(arts, biblatex=False)
    assert "@misc{inphd:2015," in bib                # no classic style knows @inphd
    blx = export_bib(arts, biblatex=True)
    assert "@inphd{inphd:2015," in blx and "month" not in blx   # the date says it
    doc = "\\documentclass{article}%s\\begin{document}\\nocite{*}%s\\end{document}\n"
    bbl = bbl_of(tmp_path / "bibtex", bib,
                 doc % ("", "\\bibliographystyle{plain}\\bibliography{refs}"), "bibtex")
    assert "Designing" in bbl
    assert "Warning" not in (tmp_path / "bibtex" / "doc.blg").read_text()
    assert "Undefined control" not in (tmp_path / "bibtex" / "doc.log").read_text()
    bbl_of(tmp_path / "biber", blx,
           doc % ("\\usepackage[backend=biber]{biblatex}\\addbibresource{refs.bib}",
                  "\\printbibliography"), "biber")
    assert "WARN" not in (tmp_path / "biber" / "doc.blg").read_text()
    r = __import__("subprocess").run(["pdflatex", "-interaction=nonstopmode", "doc"],
                                     cwd=tmp_path / "biber", capture_output=True, text=True)
    assert r.returncode == 0 and "Undefined control" not in r.stdout


# citation.js's BibLaTeX -> CSL mapping test (citation-js/citation-js,
# packages/plugin-bibtex/test/mapping/biblatex-input.bib and biblatex-csl.json): what that
# mapping expects of a number in a series, a law's number, a book subtitle, a range of dates
CITATIONJS = r"""@inbook{renner:chapter,
  booktitle = "Edward {Hopper}",
  booksubtitle = "Transformaties van het werkelijke",
  title = "Grensgebieden van de beschaving",
  chapter = "3",
  pages = "30--43",
  author = "Rolf G{\"u}nter Renner",
  publisher = "Taschen",
  location = "K{\"o}ln, Germany",
  date = "2010",
  series = "De {Volkskrant} --- {Moderne} Meesters",
  number = "4",
}

@legislation{sarbanes:act,
  title = "Sarbanes-{Oxley} Act",
  year = "2002",
  month = "July 30th",
  number = "107-204",
  volume = "116 Stat. 745",
}

@inproceedings{swat4hcls:paper,
  title = "Using Semantic Technologies to Enhance Metadata Submissions",
  author = "Attila L. Egyedi",
  booktitle = "Proceedings of SWAT4HCLS",
  eventdate = "2018-12-03/2018-12-06",
  number = "2275",
}

@book{gowers:book,
  title = "Wiskunde",
  author = "Timothy Gowers",
  translator = "Joost Mulder",
  date = "2014",
  origtitle = "Mathematics: A Very Short Introduction",
  pubstate = "inpress",
}
"""


def test_citationjs_biblatex_mapping_expectations():
    arts = {a.citekey: a for a in parse(CITATIONJS).articles}
    items = {i["id"]: i for i in json.loads(CslJsonExporter().export(arts.values()))}
    ch = items["renner:chapter"]
    assert ch["container-title"] == "Edward Hopper: Transformaties van het werkelijke"
    assert ch["collection-title"] == "De Volkskrant — Moderne Meesters"
    assert ch["collection-number"] == "4" and "issue" not in ch
    assert ch["chapter-number"] == "3" and ch["publisher-place"] == "Köln, Germany"
    law = items["sarbanes:act"]
    assert law["number"] == "107-204" and law["issued"] == {"date-parts": [[2002, 7, 30]]}
    paper = items["swat4hcls:paper"]
    assert paper["issue"] == "2275"          # a paper's number stays its issue (citation.js too)
    assert paper["event-date"] == {"date-parts": [[2018, 12, 3], [2018, 12, 6]]}
    book = items["gowers:book"]
    assert book["original-title"] == "Mathematics: A Very Short Introduction"
    assert book["status"] == "inpress"
    # and the subtitle goes back where it came from
    blx = export_bib([arts["renner:chapter"]], biblatex=True)
    assert "booktitle = {Edward {Hopper}}" in blx
    assert "booksubtitle = {Transformaties van het werkelijke}" in blx
    bib = export_bib([arts["renner:chapter"]], biblatex=False)
    assert "booktitle = {Edward {Hopper}: Transformaties van het werkelijke}" in bib
    assert "booksubtitle" not in bib


# zotero-better-bibtex, test/fixtures/import/"Better BibTeX.008.bib": a web page whose
# howpublished repeats its URL
WEB = """@misc{american_rights_at_work_public_2012,
  title = {Public Service Research Foundation},
  url = {http://www.americanrightsatwork.org/blogcategory-275/},
  urldate = {2012-07-27},
  author = {at Work, American Rights},
  year = {2012},
  howpublished = {http://www.americanrightsatwork.org/blogcategory-275/}
}
@booklet{b, title = {A Booklet}, howpublished = {Distributed at the ASH meeting}, year = 2019}
"""


def test_howpublished_is_a_publisher_only_when_it_is_no_link():
    web, booklet = json.loads(CslJsonExporter().export(parse(WEB).articles))
    assert "publisher" not in web and web["URL"].endswith("blogcategory-275/")
    assert web["accessed"] == {"date-parts": [[2012, 7, 27]]}
    assert booklet["publisher"] == "Distributed at the ASH meeting"


# zotero-better-bibtex, test/fixtures/import/"Double newlines means parbreak #2789.bib"
PARBREAK = """@Article{Straube14infreqPerfEstImbal,
  author    = {Straube, Sirko and Krell, Mario M},
  title     = {How to evaluate an agent's behavior to infrequent events},
  journal   = {Frontiers in computational neuroscience},
  year      = {2014},
  abstract  = {In everyday life, humans and animals often have to base decisions on
infrequent relevant stimuli with respect to {\\"u}bliche ones.

Keywords: metrics, decision making, confusion matrix},
}
"""


def test_a_blank_line_in_an_abstract_is_a_paragraph_break():
    [a] = parse(PARBREAK).articles
    assert a.abstract == ("In everyday life, humans and animals often have to base decisions "
                          "on infrequent relevant stimuli with respect to übliche ones.\n\n"
                          "Keywords: metrics, decision making, confusion matrix")
    out = export_bib([a], biblatex=False)
    assert '{\\"u}bliche ones.\n\nKeywords' in out          # the user's LaTeX, as written
    [b] = parse(out).articles
    assert b.abstract == a.abstract


# citation.js's mapping test input (cdli:Born2019) writes "et al." into the last name
ET_AL_IN_NAME = """@incollection{cdli:Born2019,
  Author = {Born, L. et al.},
  Booktitle = {Proceedings of the 3\\textsuperscript{rd} Joint SIGHUM Workshop},
  Editor = {},
  Address = {},
  Title = {Sign Clustering and Topic Extraction in Proto-Elamite},
  Urldate = {},
  Year = {2019}
}
"""


def test_et_al_written_into_the_last_name_means_the_list_goes_on():
    [a] = parse(ET_AL_IN_NAME).articles
    assert [(p.family, p.given) for p in a.authors] == [("Born", "L.")]
    assert a.extra["et_al"] == ["author"] and not a.editors
    assert a.container == "Proceedings of the 3rd Joint SIGHUM Workshop"
    assert "author = {Born, L. and others}" in export_bib([a], biblatex=False)


# zotero-better-bibtex, test/fixtures/import/"Import Jabref fileDirectory, unexpected reference
# type #1058.bib" (Springer's old BibTeX export: the DOI as the note) and "Better BibTeX.010.bib"
# (DBLP via BibSonomy: the DOI only as an ee link to a publisher's DOI resolver)
DOI_ELSEWHERE = r"""% Encoding: UTF-8
@ARTICLE{springerlink:10.1007/s10344-009-0327-7,
  author = {Barrio, Isabel and Acevedo, Pelayo and Tortosa, Francisco},
  title = {Assessment of methods for estimating wild rabbit population abundance
	in agricultural landscapes},
  journal = {European Journal of Wildlife Research},
  year = {2010},
  note = {10.1007/s10344-009-0327-7},
  issue = {3},
}
@inproceedings{Hulse2009,
  author = {Hulse, Jason Van and Khoshgoftaar, Taghi M.},
  title = {Feature Selection with High-Dimensional Imbalanced Data\#},
  booktitle = {ICDM Workshops},
  ee = {http://doi.ieeecomputersociety.org/10.1109/ICDMW.2009.35},
  url = {http://dblp.uni-trier.de/db/conf/icdm/icdmw2009.html#HulseKNW09}
}
@misc{w, title = {Web}, url = {https://doi.org/10.1182/blood.2020005555}}
@misc{n, title = {Not a DOI link}, url = {https://example.org/10.1182/x}, note = {See 10.1/x}}
"""


def test_a_doi_given_only_as_a_note_or_a_resolver_link():
    a, b, c, d = parse(DOI_ELSEWHERE).articles
    assert a.doi == "10.1007/s10344-009-0327-7" and a.issue == "3"
    assert b.doi == "10.1109/ICDMW.2009.35" and b.title.endswith("Data#")
    assert c.doi == "10.1182/blood.2020005555"
    assert d.doi == ""
    [back] = parse(export_bib([a], biblatex=False)).articles
    assert back.doi == a.doi
