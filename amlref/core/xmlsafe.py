"""XML from files and web answers, parsed safely and fast.

defusedxml refuses entity declarations and external references, but it does so by running
Python's pure-Python ``XMLParser`` wrapper (every start and end tag through Python code): about
half of the time of reading a 200-record PubMed efetch answer.  Every attack it guards against
needs an entity declaration (``<!ENTITY``: billion laughs, quadratic blow-up, external and
parameter entities; XML keywords are case-sensitive), and ElementTree's C parser never fetches an
external DTD.  So a document without ``<!ENTITY`` is parsed by the C parser, and one with it
goes to defusedxml, which refuses it as before (DefusedXmlException)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import defusedxml.ElementTree as DET


def fromstring(data: bytes, **defused) -> ET.Element:
    """The root element of ``data`` (UTF-8 or with its own declaration).  ``defused`` are
    defusedxml's options (forbid_dtd, forbid_entities, forbid_external), used for a document
    that declares entities.  Raises ET.ParseError or a DefusedXmlException."""
    if b"<!ENTITY" in data:
        return DET.fromstring(data, **defused)
    parser = ET.XMLParser()
    parser.feed(data)
    return parser.close()
