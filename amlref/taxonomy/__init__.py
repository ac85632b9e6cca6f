"""The immunotherapy taxonomy of AML: categories, facets, rules, and the classifier."""
from __future__ import annotations

from amlref.taxonomy.model import TOP_LEVEL, Node, Taxonomy, load

__all__ = ["TOP_LEVEL", "Node", "Taxonomy", "load", "descendants", "taxonomy_hash"]


def descendants(slug: str) -> list[str]:
    """The slug and all slugs below it in the taxonomy (unknown slugs: just the slug)."""
    return load().descendants(slug)


def taxonomy_hash() -> str:
    """A short hash of the merged taxonomy (built-in + user copy): changes re-classify."""
    return load().hash
