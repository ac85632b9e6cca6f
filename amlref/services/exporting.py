"""Export a view (or a list of articles) in any registered format."""
from __future__ import annotations

from typing import Iterable

from amlref.core.article import Article
from amlref.plugins.registry import registry
from amlref.services.views import View, view_ids
from amlref.storage.library import Library


def export_articles(articles: Iterable[Article], fmt: str, **options) -> str:
    return registry.exporter(fmt).export(list(articles), **options)


def export_view(lib: Library, fmt: str, view: View | None = None, **options) -> tuple[str, int]:
    """Text of the export and how many articles it holds.  Order: citation key."""
    ids = view_ids(lib, view or View(), order="a.citekey COLLATE BINARY")
    arts = lib.articles.get_many(ids)
    if options.pop("file_fields", False):
        add_file_fields(lib, arts)
    return export_articles(arts, fmt, **options), len(arts)


def add_file_fields(lib: Library, arts: list) -> None:
    """Each article's attached files as a JabRef-style BibTeX ``file`` field (absolute paths),
    so the .bib opens with its PDFs in JabRef; the stored articles are not changed."""
    from amlref.services.attachments import jabref_file_field
    for a in arts:
        field = jabref_file_field(lib, a.id)
        if field:
            bt = a.extra.setdefault("bibtex", {})
            bt["fields"] = {**(bt.get("fields") or {}), "file": field}
