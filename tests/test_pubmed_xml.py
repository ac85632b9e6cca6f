"""PubMed XML (efetch): 164 real responses, JabRef's expected results, books, references,
and hostile XML (entity bombs, broken records)."""
from __future__ import annotations

import re

import pytest

from amlref.core.article import Reference, title_key
from amlref.core.errors import InputError
from amlref.core.text import read_text
from amlref.formats.detect import detect
from amlref.formats.pubmed_xml import PubmedXmlImporter, parse_pubmed_xml
from amlref.services.importing import import_paths, import_text
from tests.conftest import corpus
from support import jabref_expected

STRUCTURED = """<?xml version="1.0"?>
<PubmedArticleSet>
<PubmedArticle><MedlineCitation><PMID>111</PMID><Article>
<Journal><Title>Blood</Title><ISOAbbreviation>Blood</ISOAbbreviation>
<JournalIssue><Volume>140</Volume><Issue>12</Issue><PubDate><MedlineDate>2022 Sep-Oct</MedlineDate></PubDate></JournalIssue></Journal>
<ArticleTitle>CAR-T in <i>AML</i>: a trial.</ArticleTitle>
<Pagination><StartPage>10</StartPage><EndPage>20</EndPage></Pagination>
<Abstract><AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Why we did it.</AbstractText>
<AbstractText Label="RESULTS">CR in 40%<sup>2</sup>.</AbstractText></Abstract>
<AuthorList><Author><LastName>Smith</LastName><ForeName>Ann</ForeName><Suffix>Jr</Suffix></Author>
<Author><CollectiveName>AML Group</CollectiveName></Author></AuthorList>
<PublicationTypeList><PublicationType>Clinical Trial, Phase I</PublicationType></PublicationTypeList>
</Article>
<MeshHeadingList><MeshHeading><DescriptorName MajorTopicYN="Y">Leukemia, Myeloid, Acute</DescriptorName>
<QualifierName MajorTopicYN="N">therapy</QualifierName></MeshHeading></MeshHeadingList>
</MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">111</ArticleId><ArticleId IdType="doi">10.1000/X1</ArticleId>
<ArticleId IdType="pmc">PMC999</ArticleId></ArticleIdList>
<ReferenceList><Reference><Citation>Doe J. Old work. Blood. 2001;1:1. doi: 10.1000/old</Citation></Reference>
<Reference><Citation>Roe K. Other. 2005.</Citation><ArticleIdList><ArticleId IdType="pubmed">222</ArticleId></ArticleIdList></Reference>
</ReferenceList></PubmedData></PubmedArticle>
<PubmedArticle><MedlineCitation><PMID>333</PMID><Article><ArticleTitle>Broken date</ArticleTitle></Article></MedlineCitation><Oops/></PubmedArticle>
<PubmedArticle></PubmedArticle>
</PubmedArticleSet>
"""


def test_structured_abstract_mesh_ids_and_references():
    res = parse_pubmed_xml(STRUCTURED, "s.xml")
    a = res.articles[0]
    assert a.title == "CAR-T in AML: a trial."
    assert a.abstract == "BACKGROUND: Why we did it.\n\nRESULTS: CR in 40%2."
    assert (a.pmid, a.doi, a.pmcid) == ("111", "10.1000/x1", "PMC999")
    assert a.issued == "2022-09" and a.pages == "10-20" and a.volume == "140"
    assert [p.display() for p in a.authors] == ["Smith, Ann, Jr", "AML Group"]
    assert a.mesh == ["*Leukemia, Myeloid, Acute/therapy"]
    assert a.pub_types == ["Clinical Trial, Phase I"]
    assert a.origin == "pubmed-xml" and a.line == 3
    refs = [link.target for link in res.links]
    assert all(isinstance(r, Reference) for r in refs) and len(refs) == 2
    assert refs[0].doi == "10.1000/old" and refs[0].year == 2001
    assert refs[1].pmid == "222" and refs[1].raw == "Roe K. Other. 2005."
    assert {(link.source, link.kind, link.origin) for link in res.links} == {(0, "cites", "pubmed-xml")}
    # the second record still imports; the empty one is a problem with its line
    assert res.articles[1].pmid == "333"
    empty_line = STRUCTURED.splitlines().index("<PubmedArticle></PubmedArticle>") + 1
    assert [(p.line, "without MedlineCitation" in p.message) for p in res.problems] == [
        (empty_line, True)]


def test_entity_bomb_is_refused_quickly():
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
                      for i in range(1, 10))
            + ']>\n<PubmedArticleSet><PubmedArticle>&lol9;</PubmedArticle></PubmedArticleSet>')
    with pytest.raises(InputError, match="entity"):
        parse_pubmed_xml(bomb, "bomb.xml")


def test_external_entity_is_refused():
    xxe = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           '<PubmedArticleSet><PubmedArticle>&e;</PubmedArticle></PubmedArticleSet>')
    with pytest.raises(InputError):
        parse_pubmed_xml(xxe, "xxe.xml")


def test_broken_xml_keeps_the_good_records():
    good = re.search(r"<PubmedArticle>.*?</PubmedArticle>", STRUCTURED, re.S).group(0)
    text = f"<PubmedArticleSet>\n{good}\n<PubmedArticle><MedlineCitation><PMID>5</PMID>\n"
    res = parse_pubmed_xml(text, "cut.xml")
    assert [a.pmid for a in res.articles] == ["111"]
    assert res.problems and res.problems[0].file == "cut.xml"


def test_not_pubmed_xml():
    with pytest.raises(InputError, match="not PubMed XML"):
        parse_pubmed_xml("<html><body/></html>", "x.xml")
    path = corpus("pubmed", "jabref-medline", "MedlineImporterTestMalformedEntry.xml")
    with pytest.raises(InputError, match="well-formed"):
        parse_pubmed_xml(read_text(str(path))[0], str(path))


def test_all_metapub_efetch_files(corpora):
    files = sorted((corpora / "pubmed" / "metapub-pmid-xml").glob("*.xml"))
    assert len(files) >= 164
    empty = 0
    refs = 0
    for f in files:
        text, _ = read_text(str(f))
        assert detect(text, f.name) == "pubmed-xml"
        res = parse_pubmed_xml(text, str(f))
        assert not res.problems, f.name
        if not res.articles:
            empty += 1
            continue
        (a,) = res.articles
        assert a.pmid == f.stem
        assert a.title and a.year and a.container and a.pub_types, f.name
        refs += len(res.links)
    assert empty == 1 and refs > 5000


@pytest.mark.parametrize("stem", ["MedlineImporterTestArticleID", "MedlineImporterTestArticleItalics",
                                  "MedlineImporterTestArticleNoISSN", "MedlineImporterTestBookArticleSet",
                                  "MedlineImporterTestKeywordSingleEntry", "MedlineImporterTestMathML",
                                  "MedlineImporterTestMeshHeadingList", "MedlineImporterTestNbib",
                                  "MedlineImporterTestPubmedBook"])
def test_jabref_expected_results(stem):
    src = corpus("pubmed", "jabref-medline", stem + ".xml")
    expected = jabref_expected(corpus("pubmed", "jabref-medline", stem + ".bib"))
    got = parse_pubmed_xml(read_text(str(src))[0], str(src)).articles
    assert len(got) == len(expected)
    for a, e in zip(got, expected):
        if "pmid" in e:
            assert a.pmid == e["pmid"]
        if "title" in e and a.type != "chapter":
            assert title_key(a.title) == title_key(re.sub(r"\\\w+|[{}$]", "", e["title"])) or \
                title_key(a.title).startswith(title_key(e["title"])[:40])
        if "year" in e:
            assert str(a.year) == e["year"]
        if "doi" in e:
            assert a.doi == e["doi"].lower()
        if "journal" in e:
            assert a.container == e["journal"]
        if "volume" in e:
            assert a.volume == e["volume"]
        if "isbn" in e:
            assert a.isbn == e["isbn"]
        if "author" in e and stem.endswith("KeywordSingleEntry"):
            # JabRef takes the PersonalNameSubject (whom the article is about) as the author
            assert a.authors == [] and a.extra["pubmed"]["personal_name_subjects"] == [
                "Koop, C Everett"]
        elif "author" in e:
            want = [x.split(",")[0].strip() for x in e["author"].split(" and ")]
            assert [p.family or p.literal for p in a.authors] == want
        if "keywords" in e:
            for k in re.split(r";\s*", e["keywords"]):
                plain = k.replace("*", "")
                assert plain in [t.replace("*", "") for t in a.mesh] + a.keywords, k


def test_mesh_major_marks():
    src = corpus("pubmed", "jabref-medline", "MedlineImporterTestMeshHeadingList.xml")
    a = parse_pubmed_xml(read_text(str(src))[0], str(src)).articles[0]
    assert a.mesh == ["Humans", "*Software", "*Kidney Diseases/diagnosis",
                      "*Kidney Diseases/epidemiology", "*Kidney Diseases/therapy",
                      "Models, Theoretical/*methods", "*Sample Heading/*analysis"]


def test_import_with_reference_stubs_and_twice(lib):
    path = corpus("pubmed", "metapub-pmid-xml", "24349601.xml")
    rep = import_paths(lib, [str(path)])
    assert len(rep.added) == 1 and rep.links > 50
    assert len(lib.citations.references(rep.added[0])) == rep.links
    again = import_paths(lib, [str(path)])
    assert again.added == [] and lib.articles.count() == 1


def test_importer_via_registry_text(lib):
    rep = import_text(lib, STRUCTURED, name="pasted.xml")
    assert len(rep.added) == 2 and len(rep.skipped) == 1
    assert PubmedXmlImporter().sniff(STRUCTURED) > 0.9


def test_declared_encoding_of_decoded_text(lib):
    xml = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<PubmedArticleSet><PubmedArticle>'
           '<MedlineCitation><PMID>9</PMID><Article><ArticleTitle>Müller’s β-cells</ArticleTitle>'
           '</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>')
    assert parse_pubmed_xml(xml, "e.xml").articles[0].title == "Müller’s β-cells"
    rep = import_text(lib, xml, name="e.xml")  # bytes path: decoded then parsed
    assert lib.articles.get(rep.added[0]).title == "Müller’s β-cells"


def _set_of_real_records() -> str:
    import re
    recs = []
    for p in sorted(corpus("pubmed", "metapub-pmid-xml").glob("*.xml")):
        recs += re.findall(r"<PubmedArticle>.*?</PubmedArticle>", p.read_text("utf-8"), re.S)
    return ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
            'PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/'
            'pubmed_250101.dtd">\n<PubmedArticleSet>\n' + "\n".join(recs)
            + "\n<!-- a comment with </PubmedArticle> <PubmedArticle> in it -->\n"
            "<DeleteCitation><PMID Version=\"1\">123</PMID></DeleteCitation>\n"
            "</PubmedArticleSet>\n")


def _in_parts(text: str, size: int):
    imp = PubmedXmlImporter()
    parts = imp.split(text, size)
    arts, links, problems, warnings = [], [], [], []
    for part, line in parts:
        r = imp.parse_part(part, "big.xml", line)
        base = len(arts)
        arts += [a.to_dict() for a in r.articles]
        links += [(ln.source + base, ln.target, ln.kind) for ln in r.links]
        problems += [(p.line, p.message) for p in r.problems]
        warnings += r.warnings
    return parts, (arts, links, problems, warnings)


@pytest.mark.parametrize("size", [3000, 40000, 10**6])
def test_a_big_file_read_in_parts_reads_as_the_whole(size):
    """A PubMed baseline file (230 MB) is cut between records for the import's worker
    processes: each part is a set of its own; together they read exactly as the whole."""
    text = _set_of_real_records()
    whole = PubmedXmlImporter().parse(text, "big.xml")
    parts, got = _in_parts(text, size)
    assert len(parts) > 1 if size < 10**6 else True
    assert all(p.startswith(("<?xml", "<PubmedArticleSet>")) and
               p.rstrip().endswith("</PubmedArticleSet>") for p, _ in parts)
    assert got == ([a.to_dict() for a in whole.articles],
                   [(ln.source, ln.target, ln.kind) for ln in whole.links],
                   [(p.line, p.message) for p in whole.problems], whole.warnings)
    assert len(got[0]) > 100 and got[3] and "deleted citation" in got[3][0]


def test_a_download_cut_in_its_last_record_reads_the_same_in_parts():
    text = _set_of_real_records()
    cut = text[:text.rindex("<PubmedArticle>", 0, text.index("<!--")) + 900]
    whole = PubmedXmlImporter().parse(cut, "cut.xml")
    parts, got = _in_parts(cut, 3000)
    assert got[0] == [a.to_dict() for a in whole.articles]
    # (the same problems; an XML error on a part's first line is told with its column in the
    # part, after the set's start tag put before it)
    drop_col = lambda ps: sorted((line, re.sub(r", column \d+", "", m)) for line, m in ps)  # noqa: E731
    assert drop_col(got[2]) == drop_col((p.line, p.message) for p in whole.problems)
    assert any("not well-formed XML" in m for _, m in got[2])


def test_files_a_cut_could_change_are_not_split():
    imp = PubmedXmlImporter()
    text = _set_of_real_records()
    assert imp.split(text.replace("<PubmedArticleSet>", "<eFetchResult><PubmedArticleSet>", 1),
                     3000) is None
    assert imp.split(text.replace('.dtd">', '.dtd" [<!ENTITY x "y">]>', 1), 3000) is None
    assert imp.split(text, len(text)) is None           # small enough to read whole
