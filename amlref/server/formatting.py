"""Formatted citations and bibliographies (CSL) for CAYW and JSON-RPC: the one place the server
calls the CSL processor (``amlref.citations.csl``), imported only when asked for."""
from __future__ import annotations

from amlref.core.errors import AmlrefError


class FormattingUnavailable(AmlrefError):
    """No CSL processor is installed with this AMLRef."""


def formatted(articles: list, kind: str, style: str | None = None, html: bool = False) -> str:
    """``kind`` "bibliography" or "citation"; ``style`` a CSL style name (the processor's
    default when None)."""
    try:
        from amlref.citations import csl
    except ImportError:
        raise FormattingUnavailable("CSL formatting not available") from None
    options = {"style": style} if style else {}
    if kind == "citation":
        return csl.format_citation(articles, **options)
    return csl.format_bibliography(articles, html=html, **options)
