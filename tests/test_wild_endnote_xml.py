"""EndNote's XML export (and Bookends', which writes the same), refused before as an unknown
XML.  The fixture keeps the form of JabRef's test file
(jablib/src/test/resources/org/jabref/logic/importer/fileformat/EndnoteXmlImporterTestArticle.xml,
pretty-printed, values broken over lines) with fewer keywords."""
from __future__ import annotations

from amlref.formats.detect import detect
from amlref.formats.endnote_xml import EndnoteXmlImporter

XML = """<?xml version="1.0" encoding="UTF-8"?>
<xml>
    <records>
        <record>
            <source-app
                    name="Bookends"
                    version="13.0.5">
                Bookends
            </source-app>
            <ref-type
                    name="Journal Article">
                17
            </ref-type>
            <contributors>
                <authors>
                    <author>
                        <style face="normal"
                               size="100%">
                            Ahmad,
                            AS
                        </style>
                    </author>
                    <author>
                        <style face="normal" size="100%">Ormiston-Smith, N</style>
                    </author>
                </authors>
            </contributors>
            <titles>
                <title>
                    <style face="normal"
                           size="100%">
                        Trends
                        in
                        the
                        lifetime risk of developing cancer in Great Britain
                    </style>
                </title>
                <secondary-title><style face="normal" size="100%">Br J Cancer</style></secondary-title>
            </titles>
            <pages><style face="normal" size="100%">943-7</style></pages>
            <number><style face="normal" size="100%">5</style></number>
            <volume><style face="normal" size="100%">112</style></volume>
            <dates>
                <year><style face="normal" size="100%">2015</style></year>
                <pub-dates><date><style face="normal" size="100%">Mar
                            3</style></date></pub-dates>
            </dates>
            <keywords>
                <keyword><style face="normal" size="100%">Aged,
                        80
                        and
                        over</style></keyword>
                <keyword><style face="normal" size="100%">Neoplasms/*epidemiology</style></keyword>
            </keywords>
            <abstract><style face="normal" size="100%">test
                    abstract</style></abstract>
            <urls><related-urls><url><style face="normal" size="100%">http://www.ncbi.nlm.nih.gov/pubmed/25647015</style></url></related-urls></urls>
            <isbn><style face="normal" size="100%">1532-1827
                    (Electronic)&#xD;0007-0920
                    (Linking)</style></isbn>
            <electronic-resource-num><style face="normal" size="100%">10.1038/bjc.2014.606</style></electronic-resource-num>
            <accession-num><style face="normal" size="100%">25647015</style></accession-num>
        </record>
        <record>
            <ref-type name="Book Section">5</ref-type>
            <contributors>
                <authors><author>Doe, Jane</author></authors>
                <secondary-authors><author>Roe, Richard</author></secondary-authors>
            </contributors>
            <titles><title>CAR-T cells in AML</title>
                <secondary-title>Cellular Therapy</secondary-title></titles>
            <pub-location>Cham</pub-location><publisher>Springer</publisher>
            <dates><year>2021</year></dates>
            <pages>55-70</pages>
        </record>
    </records>
</xml>
"""


def test_jabref_endnote_xml_article_and_a_book_section():
    res = EndnoteXmlImporter().parse(XML, "library.xml")
    a, b = res.articles
    assert a.type == "article-journal" and a.origin == "endnote"
    assert a.title == "Trends in the lifetime risk of developing cancer in Great Britain"
    assert [(p.family, p.given) for p in a.authors] == [("Ahmad", "AS"), ("Ormiston-Smith", "N")]
    assert (a.container, a.volume, a.issue, a.pages) == ("Br J Cancer", "112", "5", "943-7")
    assert a.issued == "2015-03-03" and a.doi == "10.1038/bjc.2014.606"
    assert a.pmid == "25647015" and a.issn == "1532-1827"
    assert a.keywords == ["Aged, 80 and over", "Neoplasms/*epidemiology"]
    assert a.abstract == "test abstract" and a.line == 4
    assert b.type == "chapter" and b.container == "Cellular Therapy"
    assert [p.family for p in b.editors] == ["Roe"] and b.publisher == "Springer"
    assert b.extra["csl"]["publisher-place"] == "Cham"


def test_imported_from_the_command_line_by_content(cli, tmp_path):
    f = tmp_path / "My EndNote Library.xml"
    f.write_text(XML, encoding="utf-8")
    assert detect(XML, str(f)) == "endnote-xml"
    r = cli("import", str(f), "--json")
    assert r.code == 0, r
    assert r.json()["added"] == 2
    assert cli("show", "25647015", "--json").json()["pages"] == "943-947"


def test_pubmed_xml_is_still_pubmed_and_broken_xml_is_one_line(cli, tmp_path):
    pubmed = ("<?xml version=\"1.0\"?>\n<PubmedArticleSet><PubmedArticle><MedlineCitation>"
              "<PMID>1</PMID><Article><ArticleTitle>T</ArticleTitle></Article>"
              "</MedlineCitation></PubmedArticle></PubmedArticleSet>")
    assert detect(pubmed, "x.xml") == "pubmed-xml"
    f = tmp_path / "broken.xml"
    f.write_text(XML[:900], encoding="utf-8")
    r = cli("import", str(f))
    assert r.code == 2 and "Traceback" not in r.err and "broken.xml" in r.err
    assert len(r.err.strip().splitlines()) == 1
