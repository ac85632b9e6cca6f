"""The fields of an XMP packet that matter here: title, creators, identifiers, dates."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from defusedxml import ElementTree

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_DOI_KEYS = {"doi", "identifier", "wps-articledoi", "url", "crossmarkdomainexclusive"}
_DATE_KEYS = {"coverdate", "publicationdate", "coverdisplaydate"}


@dataclass
class Xmp:
    title: str = ""
    creators: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)   # values that may hold a DOI/PMID
    date: str = ""
    journal: str = ""


def parse_xmp(data: bytes) -> Xmp:
    """Read an XMP packet; a malformed one gives an empty Xmp (never an exception)."""
    out = Xmp()
    if not data:
        return out
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        start = data.find(b"<rdf:RDF")
    end_tag = b"</x:xmpmeta>" if data[start:start + 10] == b"<x:xmpmeta" else b"</rdf:RDF>"
    end = data.find(end_tag, start)
    if start < 0 or end < 0:
        return out
    try:
        root = ElementTree.fromstring(data[start:end + len(end_tag)])
    except Exception:       # malformed XML, entity tricks (defusedxml refuses them)
        return out
    for desc in root.iter(_RDF + "Description"):
        for name, value in desc.attrib.items():
            _take(out, _local(name), value)
        for el in desc:
            key = _local(el.tag)
            items = [li for li in el.iter(_RDF + "li")]
            if key == "title":
                texts = {li.get("{http://www.w3.org/XML/1998/namespace}lang", ""): (li.text or "")
                         for li in items} or {"": el.text or ""}
                out.title = out.title or (texts.get("x-default") or next(iter(texts.values()), "")).strip()
            elif key == "creator":
                out.creators = out.creators or [(li.text or "").strip() for li in items if (li.text or "").strip()]
            elif items:
                for li in items:
                    _take(out, key, li.text or "")
            else:
                _take(out, key, el.text or el.get(_RDF + "resource", "") or "")
    return out


def _take(out: Xmp, key: str, value: str) -> None:
    value = (value or "").strip()
    if not value:
        return
    k = key.lower()
    if k in _DOI_KEYS or "doi" in k:
        out.identifiers.append(value)
    elif k in _DATE_KEYS and not out.date:
        out.date = value
    elif k == "publicationname" and not out.journal:
        out.journal = value
    elif k == "title" and not out.title:
        out.title = value


def _local(tag: str) -> str:
    return re.sub(r"^\{[^}]*\}", "", tag).split(":")[-1]
