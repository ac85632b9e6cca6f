"""The immunotherapy taxonomy of AML: categories, facets, rules, and the classifier."""


def descendants(slug: str) -> list[str]:
    """The slug and all slugs below it in the taxonomy (placeholder until the taxonomy lands:
    just the slug)."""
    return [slug]
