"""EndNote's XML export (``<xml><records><record>``; also written by Bookends and other tools
that move EndNote libraries): each element is the EndNote field it is named for, so, as for the
tagged export (endnote.py), a record is read as the RIS fields of the same EndNote fields by the
RIS reader.  Element names from EndNote's XML DTD (``RSXML.dtd``); text is what is inside the
``<style>`` runs, with whitespace collapsed (files pretty-printed by other tools break values
over lines)."""
from __future__ import annotations

import re

from defusedxml import DefusedXmlException

from amlref.core import gcpause
from amlref.core.article import ParseResult
from amlref.core.errors import InputError
from amlref.core.xmlsafe import fromstring
from amlref.formats.endnote import TYPES, add_record
from amlref.plugins.base import Importer

# element path under <record> -> RIS tag of the same EndNote field
_PATHS = (
    ("contributors/authors/author", "AU"), ("contributors/secondary-authors/author", "A2"),
    ("contributors/tertiary-authors/author", "A3"),
    ("contributors/subsidiary-authors/author", "A4"),
    ("contributors/translated-authors/author", "TA"), ("auth-address", "AD"),
    ("titles/title", "TI"), ("titles/secondary-title", "T2"), ("titles/tertiary-title", "T3"),
    ("titles/alt-title", "J2"), ("titles/short-title", "ST"), ("titles/translated-title", "TT"),
    ("periodical/full-title", "JF"), ("periodical/abbr-1", "J2"), ("alt-periodical/full-title",
                                                                   "JF"),
    ("pages", "SP"), ("volume", "VL"), ("number", "IS"), ("issue", "IS"), ("num-vols", "NV"),
    ("edition", "ET"), ("section", "SE"), ("reprint-edition", "RP"), ("dates/year", "PY"),
    ("dates/pub-dates/date", "DA"), ("pub-location", "CY"), ("publisher", "PB"),
    ("orig-pub", "OP"), ("isbn", "SN"), ("accession-num", "AN"), ("call-num", "CN"),
    ("electronic-resource-num", "DO"), ("abstract", "AB"), ("label", "LB"), ("caption", "CA"),
    ("notes", "N1"), ("research-notes", "RN"), ("work-type", "M3"), ("reviewed-item", "RI"),
    ("remote-database-name", "DB"), ("remote-database-provider", "DP"), ("language", "LA"),
    ("urls/related-urls/url", "UR"), ("urls/web-urls/url", "UR"), ("urls/pdf-urls/url", "L1"),
    ("urls/text-urls/url", "L4"), ("urls/image-urls/url", "L4"), ("access-date", "Y2"),
    ("keywords/keyword", "KW"), ("custom1", "C1"), ("custom2", "C2"), ("custom3", "C3"),
    ("custom4", "C4"), ("custom5", "C5"), ("custom6", "C6"), ("custom7", "C7"),
    ("misc1", "M1"), ("misc2", "M2"), ("report-id", "M1"), ("coden", "M2"),
)
_RECORD = re.compile(r"<record[\s>]")
_DECL_ENC = re.compile(r"^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']")  # text is decoded


def sniff_endnote_xml(head: str) -> float:
    h = head.lstrip("\ufeff \r\n\t")
    if not h.startswith("<"):
        return 0.0
    if re.search(r"<xml>\s*<records>\s*<record[\s>]", h) or (
            "<record>" in h and re.search(r"<ref-type[\s>]", h)):
        return 0.95
    return 0.0


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def record_fields(rec) -> dict[str, list[str]]:
    """One ``<record>`` as {RIS tag: [values]}."""
    out: dict[str, list[str]] = {}
    rt = rec.find("ref-type")
    name = (rt.get("name") or "").strip().lower() if rt is not None else ""
    out["TY"] = [TYPES.get(name, "GEN" if name else "JOUR")]
    if name and out["TY"][0] == "GEN" and name != "generic":
        out["M3"] = [rt.get("name").strip()]        # its own type name, kept
    for path, tag in _PATHS:
        for el in rec.findall(path):
            v = _text(el)
            if v:
                out.setdefault(tag, []).append(v)
    sp = out.get("SP")
    if sp and len(sp) == 1 and re.fullmatch(r"\S+\s*[-–—]+\s*\S+", sp[0]):
        first, last = re.split(r"\s*[-–—]+\s*", sp[0], maxsplit=1)
        out["SP"], out["EP"] = [first], [last]
    return out


def parse_endnote_xml(text: str, filename: str) -> ParseResult:
    res = ParseResult(format="endnote-xml")
    try:
        root = fromstring(_DECL_ENC.sub(r"\1", text.lstrip("\ufeff"), count=1).encode("utf-8"))
    except DefusedXmlException as exc:
        raise InputError(f"XML refused: {type(exc).__name__}", filename) from None
    except Exception as exc:     # expat's ParseError: "not well-formed (invalid token): line 3"
        raise InputError(f"not well-formed XML: {exc}", filename) from None
    lines, pos, line = [], 0, 1
    for m in _RECORD.finditer(text):     # (counted on from the last record: linear)
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.append(line)
    records = root.findall(".//record")
    with gcpause.paused():
        for i, rec in enumerate(records):
            add_record(res, lambda rec=rec: record_fields(rec), filename,
                       lines[i] if i < len(lines) else None)
    if not records:
        raise InputError("no EndNote XML records found (expected <records><record>)", filename)
    return res


class EndnoteXmlImporter(Importer):
    name = "endnote-xml"
    label = "EndNote XML"
    extensions = (".xml",)

    def sniff(self, head: str) -> float:
        return sniff_endnote_xml(head)

    def parse(self, text: str, filename: str = "<text>") -> ParseResult:
        return parse_endnote_xml(text, filename)
