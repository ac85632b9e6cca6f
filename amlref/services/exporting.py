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
    return export_articles(arts, fmt, **options), len(arts)
