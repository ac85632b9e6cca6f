"""Safe XML parsing for online answers (defusedxml: no entity expansion, no external DTDs)."""
from __future__ import annotations

from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from amlref.core.errors import NetworkError


def parse_xml(data: bytes | str, what: str):
    """The root element, or NetworkError naming ``what`` when the answer is not usable XML."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise NetworkError(f"{what} sent an empty answer")
    try:
        # NCBI answers carry a DOCTYPE with an external DTD: allowed, never fetched
        return DET.fromstring(data, forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    except ParseError as exc:
        raise NetworkError(f"{what} sent malformed XML ({exc})") from None
    except DefusedXmlException as exc:
        raise NetworkError(f"{what} sent unsafe XML ({type(exc).__name__})") from None
