"""Export a view (or a list of articles) in any registered format."""
from __future__ import annotations

from typing import Iterable

from amlref.core.article import Article
from amlref.plugins.registry import registry
from amlref.services.views import View, view_ids
from amlref.storage.library import Library


def export_articles(articles: Iterable[Article], fmt: str, **options) -> str:
    exporter = registry.exporter(fmt)
    try:
        return exporter.export(list(articles), **options)
    except Exception as exc:   # a plugin's bug: disabled and named, never a traceback
        from amlref.plugins.registry import plugin_error
        err = plugin_error("amlref.exporters", fmt, exc, "export")
        if err is None:
            raise
        raise err from exc


def export_view(lib: Library, fmt: str, view: View | None = None, **options) -> tuple[str, int]:
    """Text of the export and how many articles it holds.  Order: citation key."""
    ids = view_ids(lib, view or View(), order="a.citekey COLLATE BINARY")
    arts = lib.articles.get_many(ids)
    if options.pop("file_fields", False):
        add_file_fields(lib, arts)
    if getattr(registry.exporter(fmt), "with_categories", False):
        add_categories(lib, arts)
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


def add_categories(lib: Library, arts: list) -> None:
    """For exporters that ask for them (``with_categories``): each article's assigned
    categories as ``extra["categories"]`` (slugs, sorted); the stored articles are not changed."""
    ids = [a.id for a in arts if a.id is not None]
    cats: dict[int, list[str]] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for aid, slug in lib.execute(
                "SELECT article_id, slug FROM article_categories WHERE state = 1 AND "
                f"kind = 'category' AND article_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY slug", chunk):
            cats.setdefault(aid, []).append(slug)
    for a in arts:
        a.extra["categories"] = cats.get(a.id, [])
