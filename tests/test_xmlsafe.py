"""core/xmlsafe: the C parser for documents without entity declarations, defusedxml (which
refuses them) for the rest; an NCBI answer's DOCTYPE with its external DTD is never fetched."""
from __future__ import annotations

import pytest
from defusedxml import DefusedXmlException

from amlref.core.xmlsafe import fromstring

NCBI = (b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
        b'1st January 2025//EN" "http://127.0.0.1:1/never-fetched.dtd">\n'
        b'<PubmedArticleSet><PubmedArticle><PMID>1</PMID></PubmedArticle></PubmedArticleSet>')


def test_an_ncbi_answer_with_its_external_dtd_parses_without_fetching_it():
    root = fromstring(NCBI)     # (port 1: a fetch would fail)
    assert root.findtext("PubmedArticle/PMID") == "1"


@pytest.mark.parametrize("doc", [
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p.dtd"> %p;]><x/>',
])
def test_entity_declarations_are_refused(doc):
    with pytest.raises(DefusedXmlException):
        fromstring(doc, forbid_dtd=False, forbid_entities=True, forbid_external=True)


def test_an_undeclared_entity_is_a_parse_error_not_an_expansion():
    import xml.etree.ElementTree as ET
    with pytest.raises(ET.ParseError):
        fromstring(b"<x>&lol9;</x>")


def test_the_words_in_a_comment_only_take_the_careful_path():
    root = fromstring(b"<x><!-- <!ENTITY is a keyword --><y>1</y></x>")
    assert root.findtext("y") == "1"
