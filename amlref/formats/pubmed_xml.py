"""PubMed XML files: E-utilities ``efetch`` ``PubmedArticleSet`` (journal articles and book
articles), also a bare ``PubmedArticle``/``MedlineCitation``; each record is read by
formats/pubmed_record.py.

Parsed safely (core/xmlsafe: no entity expansion, no external entities), so a "billion laughs" file
is refused with a clear InputError instead of eating the memory.  A big file is cut between
records (:meth:`PubmedXmlImporter.split`) and its parts parsed by worker processes: a 230 MB
PubMed baseline file then never becomes one tree of several GB.

:func:`parse_pubmed_xml` is public: the PubMed online source reuses it for efetch responses."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException

from amlref.core.article import Link, ParseResult, Problem
from amlref.core.errors import InputError
from amlref.core.xmlsafe import fromstring
from amlref.formats.pubmed_record import ORIGIN, _text, article_from_book, article_from_pubmed
from amlref.plugins.base import Importer, parts_at

__all__ = ["ORIGIN", "PubmedXmlImporter", "article_from_book", "article_from_pubmed",
           "parse_pubmed_xml"]

_XML_DECL_ENC = re.compile(r"^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']")
_RECORD_START = re.compile(r"<(PubmedArticle|PubmedBookArticle)[\s>]")
_RECORD_CHUNK = re.compile(r"<(PubmedArticle|PubmedBookArticle)[\s>].*?</\1\s*>", re.S)
# (before the first record: a declaration, a DOCTYPE, the set's start tag, nothing else)
_SET_START = re.compile(r"\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?"
                        r"<PubmedArticleSet>\s*", re.S)
_HIDDEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.S)
_BETWEEN = re.compile(r"</(?:PubmedArticle|PubmedBookArticle)>\s*(?=<(?:PubmedArticle|"
                      r"PubmedBookArticle)[\s>])")


def _record_lines(text: str) -> list[int]:
    lines, pos, line = [], 0, 1
    for m in _RECORD_START.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.append(line)
    return lines


def _parse_xml(text: str, filename: str) -> ET.Element:
    # the text is already decoded: a declared encoding would make the parser decode it again
    text = _XML_DECL_ENC.sub(r"\1", text, count=1)
    try:
        return fromstring(text.encode("utf-8"))
    except DefusedXmlException as exc:
        raise InputError(f"refused: the XML uses entity declarations or external references "
                         f"({type(exc).__name__}); PubMed XML never does", filename) from None


def _at(exc: ET.ParseError, off: int) -> tuple[int | None, str]:
    """The line of an XML error and its message, ``off`` lines further (a part of a file)."""
    line = exc.position[0] + off if getattr(exc, "position", None) else None
    msg = re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + off}", str(exc))
    return line, msg


def parse_pubmed_xml(text: str, filename: str = "<pubmed-xml>",
                     first_line: int = 1) -> ParseResult:
    """Parse an efetch ``PubmedArticleSet`` (or one article).  Broken records become
    problems; a file that is not PubMed XML at all raises InputError.  ``first_line``: the
    line of the file where ``text`` begins (a part made by :meth:`PubmedXmlImporter.split`)."""
    res = ParseResult(format="pubmed-xml")
    text = text.lstrip("\ufeff")
    off = first_line - 1
    lines = [n + off for n in _record_lines(text)]
    records: list[tuple[ET.Element | None, int | None, str]] = []
    try:
        root = _parse_xml(text, filename)
    except ET.ParseError as exc:
        # broken XML: read each record on its own so the good ones still come in
        chunks = list(_RECORD_CHUNK.finditer(text))
        if not chunks:
            line, msg = _at(exc, off)
            if off:       # a later part of a file (a download cut in its last record)
                res.problems.append(Problem(filename, line, "not well-formed XML, some "
                                            f"records unreadable: {msg}"))
                return res
            raise InputError(f"not well-formed XML: {msg}", filename, line) from None
        for m in chunks:
            line = text.count("\n", 0, m.start()) + 1 + off
            try:
                records.append((_parse_xml(m.group(0), filename), line, ""))
            except ET.ParseError as e2:
                records.append((None, line, f"broken PubMed XML record: {e2}"))
        covered = sum(len(m.group(0)) for m in chunks)
        if len(lines) > len(chunks) or covered < len(text) * 0.5:
            line, msg = _at(exc, off)
            res.problems.append(Problem(filename, line,
                                        f"not well-formed XML, some records unreadable: {msg}"))
    else:
        tag = root.tag
        if tag in ("PubmedArticle", "PubmedBookArticle", "MedlineCitation"):
            elements = [root]
        elif tag in ("PubmedArticleSet", "PubmedBookArticleSet", "MedlineCitationSet"):
            elements = [e for e in root if e.tag in ("PubmedArticle", "PubmedBookArticle",
                                                     "MedlineCitation")]
        elif tag == "eFetchResult" or root.find(".//PubmedArticle") is not None \
                or root.find(".//PubmedBookArticle") is not None:
            elements = [e for e in root.iter() if e.tag in ("PubmedArticle", "PubmedBookArticle")]
        else:
            raise InputError(f"XML is not PubMed XML (root element <{tag}>; expected "
                             "<PubmedArticleSet>)", filename)
        for i, e in enumerate(elements):
            records.append((e, lines[i] if i < len(lines) else None, ""))
        deleted = [_text(p) for p in root.iter("DeleteCitation") for p in p.findall("PMID")]
        if deleted:   # an update file's list of withdrawn records: nothing to import for them
            more = ", ..." if len(deleted) > 10 else ""
            res.warnings.append(f"{filename}: {len(deleted)} deleted citation(s) listed, not "
                                f"imported (PMID {', '.join(deleted[:10])}{more})")
    for el, line, err in records:
        if el is None:
            res.problems.append(Problem(filename, line, err))
            continue
        try:
            if el.tag == "PubmedBookArticle":
                a, refs = article_from_book(el)
            else:
                a, refs = article_from_pubmed(el)
        except Exception as exc:  # one odd record never stops the rest
            res.problems.append(Problem(filename, line, f"cannot read PubMed record: {exc}"))
            continue
        if not (a.pmid or a.title):
            res.problems.append(Problem(filename, line, "PubMed record without PMID or title"))
            continue
        a.line = line
        idx = len(res.articles)
        res.articles.append(a)
        for ref in refs:
            res.links.append(Link(source=idx, target=ref, kind="cites", origin=ORIGIN))
    return res


class PubmedXmlImporter(Importer):
    name = "pubmed-xml"
    label = "PubMed XML (E-utilities efetch)"
    extensions = (".xml",)

    def sniff(self, head: str) -> float:
        h = head.lstrip("\ufeff \r\n\t")
        if not h.startswith("<"):
            return 0.0
        if re.search(r"<(PubmedArticleSet|PubmedBookArticleSet|PubmedArticle|PubmedBookArticle)"
                     r"[\s>]", h) or "pubmed_" in h[:600] and "DOCTYPE PubmedArticleSet" in h:
            return 0.95
        if re.search(r"<MedlineCitation[\s>]", h):
            return 0.9
        return 0.0

    def parse(self, text: str, filename: str = "<text>") -> ParseResult:
        return parse_pubmed_xml(text, filename)

    def split(self, text: str, size: int) -> list[tuple[str, int]] | None:
        """A ``PubmedArticleSet`` cut between two records about every ``size`` characters,
        each part a set of its own (the first keeps the declaration and DOCTYPE, the last the
        set's end and any ``DeleteCitation``), or None where a cut could change what is read:
        another root or anything else before the first record, entity declarations.  No cut
        falls inside a comment, CDATA section or processing instruction.  (An XML error on a
        part's first line is told with its column in the part.)"""
        first = _RECORD_START.search(text)
        if first is None or not _SET_START.fullmatch(text, 0, first.start()) \
                or "<!ENTITY" in text[:first.start()]:
            return None
        # (no cut inside a comment, CDATA section or processing instruction: tags there are text)
        hidden = [(m.start(), m.end()) for m in _HIDDEN.finditer(text, first.start())] \
            if "<!--" in text or "<![CDATA[" in text or text.find("<?", first.start()) != -1 \
            else []

        def next_cut(t: str, at: int) -> int | None:
            while (m := _BETWEEN.search(t, max(at, first.start()))) is not None:
                inside = next((b for a, b in hidden if a < m.end() and m.start() < b), None)
                if inside is None:
                    return m.end()          # where the next record begins
                at = inside
            return None
        parts = parts_at(text, size, next_cut)
        if parts is None:
            return None
        last = len(parts) - 1           # each part a set: the start and end tags it lacks
        return [(("<PubmedArticleSet>" if i else "") + part
                 + ("</PubmedArticleSet>" if i < last else ""), line)
                for i, (part, line) in enumerate(parts)]

    def parse_part(self, text: str, filename: str, first_line: int) -> ParseResult:
        return parse_pubmed_xml(text, filename, first_line)
