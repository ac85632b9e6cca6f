"""Views: which articles a sidebar node, a saved search or an export option means.

A view combines a category (with its sub-categories), facets (AND), a tag and a full-text query.
"""
from __future__ import annotations

from dataclasses import dataclass, field, asdict

from amlref.core.errors import NotFound
from amlref.storage.library import Library


@dataclass
class View:
    category: str | None = None
    facets: list[str] = field(default_factory=list)
    tag: str | None = None
    query: str | None = None
    trash: bool = False

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}

    @classmethod
    def from_dict(cls, d: dict) -> "View":
        return cls(**{k: v for k, v in (d or {}).items() if k in cls.__dataclass_fields__})

    @property
    def is_all(self) -> bool:
        return not (self.category or self.facets or self.tag or self.query or self.trash)


def expand_slug(slug: str) -> list[str]:
    """The slug and its descendants in the taxonomy."""
    from amlref.taxonomy import descendants  # taxonomy is below services
    return descendants(slug)


def view_condition(lib: Library, view: View) -> tuple[str, list]:
    """An SQL condition on articles ``a`` (without the full-text part) and its params."""
    conds, params = [], []
    if view.trash:
        conds.append("a.deleted_at IS NOT NULL")
    if view.category:
        slugs = expand_slug(view.category)
        conds.append("a.id IN (SELECT article_id FROM article_categories WHERE state = 1 AND "
                     f"slug IN ({','.join('?' * len(slugs))}))")
        params += slugs
    for facet in view.facets:
        slugs = expand_slug(facet)
        conds.append("a.id IN (SELECT article_id FROM article_categories WHERE state = 1 AND "
                     f"slug IN ({','.join('?' * len(slugs))}))")
        params += slugs
    if view.tag:
        if lib.execute("SELECT 1 FROM tags WHERE name = ?", (view.tag,)).fetchone() is None:
            raise NotFound(f"no tag {view.tag!r}")
        conds.append("a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON "
                     "t.id = at.tag_id WHERE t.name = ?)")
        params.append(view.tag)
    return " AND ".join(conds), params


def view_ids(lib: Library, view: View, limit: int | None = None,
             order: str = "a.id") -> list[int]:
    cond, params = view_condition(lib, view)
    if view.query:
        return lib.articles.search(view.query, limit=limit, within=cond or None,
                                   within_params=params, include_deleted=view.trash)
    where = cond or "1"
    if not view.trash:
        where = f"a.deleted_at IS NULL AND ({where})"
    sql = f"SELECT a.id FROM articles a WHERE {where} ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [r[0] for r in lib.execute(sql, params)]


def saved_view(lib: Library, name: str) -> View:
    s = lib.searches.get(name)
    v = View.from_dict(s["filters"])
    v.query = s["query"] or v.query
    return v
