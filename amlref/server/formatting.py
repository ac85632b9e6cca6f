"""Formatted citations and bibliographies (CSL) for CAYW and JSON-RPC: the one place the server
calls the CSL processor (``amlref.formats.csl``)."""
from __future__ import annotations

from amlref.core.errors import AmlrefError
from amlref.formats import csl


class FormattingError(AmlrefError):
    """The references cannot be formatted as asked (an unknown style)."""


def formatted(articles: list, kind: str, style: str | None = None, html: bool = False) -> str:
    """``kind`` "bibliography" or "citation"; ``style`` a CSL style name or id (Vancouver when
    None)."""
    options = {"style": style} if style else {}
    try:
        if kind == "citation":
            return csl.format_citation(articles, html=html, **options)
        return csl.format_bibliography(articles, html=html, **options)
    except ValueError as exc:     # an unknown style: one line
        raise FormattingError(str(exc)) from None
