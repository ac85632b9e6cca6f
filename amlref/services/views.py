"""Views: which articles a sidebar node, a saved search or an export option means.

A view combines a category (with its sub-categories), facets (AND), a tag and a full-text query;
or it is what the classifier suggests for a category (``suggested``: the articles with a
suggestion, not yet accepted or rejected, in it or below it).
"""
from __future__ import annotations

from dataclasses import dataclass, field, asdict

from amlref.core.errors import NotFound
from amlref.storage.library import Library


# A view by category re-classifies the library first when the taxonomy changed since it was
# classified (once; a no-op otherwise).  The GUI turns this off and calls
# services.classify.ensure_current in its worker instead, so no click waits for it.
AUTO_RECLASSIFY = True


@dataclass
class View:
    category: str | None = None
    facets: list[str] = field(default_factory=list)
    tag: str | None = None
    query: str | None = None
    trash: bool = False
    suggested: str | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}

    @classmethod
    def from_dict(cls, d: dict) -> "View":
        return cls(**{k: v for k, v in (d or {}).items() if k in cls.__dataclass_fields__})

    @property
    def is_all(self) -> bool:
        return not (self.category or self.facets or self.tag or self.query or self.trash
                    or self.suggested)


def expand_slug(slug: str) -> list[str]:
    """The slug and its descendants in the taxonomy."""
    from amlref.taxonomy import descendants  # taxonomy is below services
    return descendants(slug)


def view_condition(lib: Library, view: View) -> tuple[str, list]:
    """An SQL condition on articles ``a`` (without the full-text part) and its params."""
    conds, params = [], []
    if (view.category or view.facets or view.suggested) and AUTO_RECLASSIFY:
        from amlref.services.classify import ensure_current
        ensure_current(lib)   # the taxonomy changed since the library was classified
    if view.trash:
        conds.append("a.deleted_at IS NOT NULL")
    if view.category:
        slugs = expand_slug(view.category)
        conds.append("a.id IN (SELECT article_id FROM article_categories WHERE state = 1 AND "
                     f"slug IN ({','.join('?' * len(slugs))}))")
        params += slugs
    if view.suggested:
        slugs = expand_slug(view.suggested)
        conds.append("a.id IN (SELECT article_id FROM article_categories WHERE state = 2 AND "
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


# -- counts for the sidebar and `amlref categories` -----------------------------------------------
def _taxonomy():
    from amlref.taxonomy import load
    return load()


def _live(lib: Library) -> tuple[str, str]:
    """(join, condition) restricting article_categories ``c`` to live articles; nothing at all
    when the trash is empty (then the counts come from the (slug, state) index alone)."""
    if lib.execute("SELECT 1 FROM articles WHERE deleted_at IS NOT NULL LIMIT 1").fetchone():
        return " JOIN articles a ON a.id = c.article_id", " AND a.deleted_at IS NULL"
    return "", ""


def slug_counts(lib: Library) -> tuple[dict[str, int], dict[str, int]]:
    """({slug: live articles assigned directly}, {slug: live articles in it or below it})."""
    join, live = _live(lib)
    direct = {r[0]: r[1] for r in lib.execute(
        f"SELECT c.slug, count(*) FROM article_categories c{join} WHERE c.state = 1{live} "
        "GROUP BY c.slug")}
    tax = _taxonomy()
    total = dict(direct)
    for node in tax.nodes.values():
        if not node.children:
            continue
        slugs = [x for x in tax.descendants(node.slug) if direct.get(x)]
        if len(slugs) <= 1:
            total[node.slug] = direct.get(slugs[0], 0) if slugs else 0
            continue
        total[node.slug] = lib.execute(
            f"SELECT count(DISTINCT c.article_id) FROM article_categories c{join} WHERE "
            f"c.state = 1{live} AND c.slug IN ({','.join('?' * len(slugs))})", slugs).fetchone()[0]
    return direct, total


def suggested_counts(lib: Library) -> dict[str, int]:
    """{slug: live articles with a suggestion in it or below it} (non-zero only): what the
    "Suggested" node under each category lists (see View.suggested)."""
    join, live = _live(lib)
    direct = {r[0]: r[1] for r in lib.execute(
        f"SELECT c.slug, count(*) FROM article_categories c{join} WHERE c.state = 2{live} "
        "GROUP BY c.slug")}
    if not direct:
        return {}
    tax = _taxonomy()
    total = dict(direct)
    for node in tax.nodes.values():
        slugs = [x for x in tax.descendants(node.slug) if direct.get(x)] if node.children else []
        if len(slugs) == 1:
            total[node.slug] = direct[slugs[0]]
        elif slugs:
            total[node.slug] = lib.execute(
                f"SELECT count(DISTINCT c.article_id) FROM article_categories c{join} WHERE "
                f"c.state = 2{live} AND c.slug IN ({','.join('?' * len(slugs))})",
                slugs).fetchone()[0]
    return total


def category_tree(lib: Library, include_facets: bool = True) -> dict:
    """The taxonomy with counts: {"total", "uncategorized", "categories": [node...],
    "facets": {group: [node...]}}; node = {slug, label, kind, count, direct, suggested,
    children} (``count`` and ``direct``: assigned only; ``suggested``: articles with a
    suggestion in it or below it).  Slugs the library has but the taxonomy does not (a user's
    own) are listed too."""
    tax = _taxonomy()
    direct, total = slug_counts(lib)
    suggested = suggested_counts(lib)

    def node(slug: str) -> dict:
        n = tax.get(slug)
        return {"slug": slug, "label": n.label if n else slug, "kind": tax.kind_of(slug),
                "count": total.get(slug, 0), "direct": direct.get(slug, 0),
                "suggested": suggested.get(slug, 0),
                "children": [node(c) for c in (n.children if n else [])]}

    cats = [node(n.slug) for n in tax.roots("category")]
    known = set(tax.nodes)
    for slug in sorted(direct):
        if slug not in known and tax.kind_of(slug) == "category":
            cats.append(node(slug))
    live = lib.articles.count()
    join, cond = _live(lib)
    categorized = lib.execute(
        f"SELECT count(DISTINCT c.article_id) FROM article_categories c{join} WHERE c.state = 1 "
        f"AND c.kind = 'category'{cond}").fetchone()[0]
    out = {"total": live, "uncategorized": live - categorized, "categories": cats}
    if include_facets:
        groups: dict[str, list] = {}
        for n in tax.roots("facet"):
            groups.setdefault(n.group or "other", []).append(node(n.slug))
        for slug in sorted(direct):
            if slug not in known and tax.kind_of(slug) == "facet":
                groups.setdefault(slug.split(":", 1)[0], []).append(node(slug))
        out["facets"] = groups
    return out


def count_view(lib: Library, view: View) -> int:
    return len(view_ids(lib, view))


def combination_counts(lib: Library, category: str | None, group: str,
                       base: View | None = None) -> list[tuple[str, int]]:
    """For a category (or view), how many articles each facet of a group adds to it:
    e.g. car-t x target:* -> [("target:cd123", 12), ...] (non-zero only, largest first)."""
    tax = _taxonomy()
    view = View(**{**(base.to_dict() if base else {})})
    if category:
        view.category = category
    cond, params = view_condition(lib, view)
    if view.query:
        ids = view_ids(lib, view)
        if not ids:
            return []
        cond = f"a.id IN ({','.join(map(str, ids))})"
        params = []
    where = f"a.deleted_at IS NULL AND ({cond or '1'})"
    rows = lib.execute(
        "SELECT c.slug, count(DISTINCT c.article_id) FROM article_categories c JOIN articles a ON "
        f"a.id = c.article_id WHERE c.state = 1 AND c.slug LIKE ? AND {where} GROUP BY c.slug",
        [group + ":%"] + params)
    counts = {s: n for s, n in rows}
    for n in tax.facets():   # a facet with children counts its children too
        if n.group == group and n.children:
            v = View(**{**view.to_dict()})
            v.facets = list(v.facets) + [n.slug]
            counts[n.slug] = count_view(lib, v)
    return sorted(((s, n) for s, n in counts.items() if n), key=lambda x: (-x[1], x[0]))


# -- saved searches -------------------------------------------------------------------------------
def save_view(lib: Library, name: str, view: View) -> int:
    """A saved search: the full-text query plus the filters, shown as a view of its own."""
    filters = {k: v for k, v in view.to_dict().items() if k != "query"}
    return lib.searches.save(name, view.query or "", filters)


def saved_views(lib: Library, counts: bool = True) -> list[dict]:
    out = []
    for s in lib.searches.all():
        v = View.from_dict(s["filters"])
        v.query = s["query"] or v.query
        d = {"name": s["name"], "query": s["query"], "filters": s["filters"]}
        if counts:
            try:
                d["count"] = count_view(lib, v)
            except Exception as exc:  # a bad saved query must not hide the others
                d["count"] = None
                d["error"] = str(exc)
        out.append(d)
    return out


def remove_saved(lib: Library, name: str) -> None:
    lib.searches.get(name)  # NotFound when there is none
    lib.searches.delete(name)
